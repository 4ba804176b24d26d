"""Incomplete drafts (the console's "Save and exit"), through the layers below the listing.

AWS's CreateDraftPrivateOffer, CreateDraftCppoOffer and create_draft_cppo_offer make a draft
with a product and a name (a channel partner draft inherits its authorization's pricing and
legal terms). Their twins in test_reference_shapes.py are ``lifecycle: draft`` files that leave
buyers, expiresOn, pricing and legal out (OFR106 lets only a draft do that). Such a draft
targets nobody; reconcile/fetch.py lists such drafts with a second ListEntities
(``OFFER_LISTINGS``). The tests here go through the layers one by one: the terms, the plan of
one offer, the change set built for it and run on the emulator, and import's writer; the last
one runs the whole reconciler.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from emulator.engine_support import Api
from emulator.test_reference_changesets import SAMPLES
from offerops.emulator.clock import ManualClock
from offerops.emulator.engine import Marketplace
from offerops.reconcile.actual import ActualOffer, actual_offer
from offerops.reconcile.changeset import build_changes
from offerops.reconcile.desired import DesiredOffer
from offerops.reconcile.diff import FieldChange, plan_offer
from offerops.reconcile.plan import desired_state
from offerops.reconcile.targets import AgreementRef, Agreements, target_of
from offerops.terms import OfferTerms, change_documents
from offerops.terms.to_offer import NotExpressible, OfferIdentity, offer_yaml
from reconcile.roundtrip import FAST, config_of, errors_of, lint_repo, session_of
from reconcile.test_reference_shapes import (
    _BARE,
    NOW,
    TARGET,
    TODAY,
    TWINS,
    UNTARGETED,
    WallClockReplay,
    _replayed,
    _repo,
    comparable,
)

DIRECT = "java/offers/CreateDraftPrivateOffer"
CHANNEL = "java/channel_partner_offers/CreateDraftCppoOffer"
CREATES = {DIRECT: "CreateOffer", CHANNEL: "CreateOfferUsingResaleAuthorization"}


def _desired(root: Path, text: str, key: str = "sample") -> DesiredOffer:
    """The offer file, lint-clean, as desired state."""
    (root / "offers" / f"{key}.yaml").write_text(text)
    report = lint_repo(root)
    assert errors_of(report) == [], text
    (desired,) = [offer for offer in desired_state(report) if offer.key == key]
    return desired


def _sample(name: str, root: Path) -> ActualOffer:
    """The offer the sample leaves in ``root``'s marketplace, as the reconciler reads it."""
    offer_id, _, _ = _replayed(name, root, None)
    with Marketplace(root / ".offerops" / "marketplace.sqlite") as market:
        return actual_offer(Api(market, SAMPLES[name].caller).entity(offer_id))


def _run(market: Marketplace, caller: str, changes: list[Any]) -> Mapping[str, Any]:
    """Start the change set and describe it until it ends (the clock is manual)."""
    api = Api(market, caller)
    change_set = api.start(changes)
    for _ in range(10):
        described = api.describe(change_set)
        if described["Status"] in {"SUCCEEDED", "FAILED", "CANCELLED"}:
            return described
        market.advance(1)
    pytest.fail(f"change set {change_set} did not finish")


@pytest.mark.parametrize("name", sorted(UNTARGETED))
def test_the_change_set_of_an_incomplete_draft_makes_the_samples_offer(
    name: str, tmp_path: Path
) -> None:
    """Only the name (and description) is sent; the emulator's offer equals the sample's."""
    twin = TWINS[name]
    _, sample, _ = _replayed(name, _repo(tmp_path / "sample", name, twin), twin)
    root = _repo(tmp_path / "mine", name, twin)
    desired = _desired(root, twin.offer)
    assert [change_type for change_type, _ in change_documents(desired.terms)] == [
        "UpdateInformation"
    ]
    entry = plan_offer(desired, None, TODAY)
    assert (entry.action, entry.keep_draft, entry.change_types) == (
        "create",
        True,
        ("UpdateInformation",),
    )
    changes: list[Any] = build_changes(entry, desired)
    create = CREATES.get(name, CREATES[CHANNEL])
    assert [change["ChangeType"] for change in changes] == [create, "UpdateInformation"]
    with Marketplace(tmp_path / "mine.sqlite", clock=ManualClock(NOW)) as market:
        replay = WallClockReplay(market, SAMPLES[name], root, twin)
        described = _run(market, SAMPLES[name].caller, changes)
        assert described["Status"] == "SUCCEEDED", described
        mine = Api(market, SAMPLES[name].caller).details(replay.offer_of(described))
    assert comparable(mine) == comparable(sample)


@pytest.mark.parametrize("name", sorted(UNTARGETED))
def test_import_writes_a_lint_clean_draft_that_plans_nothing(name: str, tmp_path: Path) -> None:
    """What ``import`` writes for the sample's draft: no buyers, no expiresOn, and for a direct
    draft no pricing and no legal either; the plan of that file is a no-op."""
    root = _repo(tmp_path / "repo", name, None)
    actual = _sample(name, root)
    identity = OfferIdentity(
        "imported", actual.offer_id, actual.product_id, actual.resale_authorization_id, draft=True
    )
    text = offer_yaml(actual.terms, identity, config_of(lint_repo(root)), lambda url: None)
    assert "lifecycle: draft" in text and "buyers" not in text and "expiresOn" not in text
    assert ("pricing" in text) is (name != DIRECT)
    desired = _desired(root, text, key="imported")
    entry = plan_offer(desired, actual, TODAY)
    assert (entry.action, entry.changes) == ("no-op", ()), text


def test_a_released_offer_without_buyers_has_no_file(tmp_path: Path) -> None:
    """Only a draft may leave its parts out: import refuses a released one (OFR106's twin)."""
    root = _repo(tmp_path / "repo", DIRECT, None)
    actual = _sample(DIRECT, root)
    identity = OfferIdentity("imported", actual.offer_id, actual.product_id)
    with pytest.raises(NotExpressible, match="only a draft may leave them out"):
        offer_yaml(actual.terms, identity, config_of(lint_repo(root)), lambda url: None)


def test_a_channel_partner_draft_keeps_its_authorizations_terms(tmp_path: Path) -> None:
    """What the file leaves out is left as the marketplace has it: the authorization's pricing
    and legal terms are neither sent nor shown as removed; a new name is the only change."""
    root = _repo(tmp_path / "repo", CHANNEL, TWINS[CHANNEL])
    actual = _sample(CHANNEL, root)
    assert actual.terms.pricing is not None and actual.terms.legal is not None
    bare = _desired(root, TWINS[CHANNEL].offer)
    assert (bare.terms.pricing, bare.terms.legal) == (None, None)
    assert plan_offer(bare, actual, TODAY).action == "no-op"
    renamed = _desired(root, TWINS[CHANNEL].offer.replace('"Test Offer"', '"Renamed"'))
    entry = plan_offer(renamed, actual, TODAY)
    assert (entry.action, entry.change_types) == ("update", ("UpdateInformation",))
    assert entry.changes == (FieldChange("name", "Test Offer", "Renamed"),)


def test_a_draft_given_its_parts_later_sends_them_and_is_released(tmp_path: Path) -> None:
    """The seller completes the saved draft and sets it active: one update sends every part it
    adds and releases the offer."""
    root = _repo(tmp_path / "repo", DIRECT, None)
    actual = _sample(DIRECT, root)
    complete = TARGET.replace("key: target", "key: sample").replace(
        'name: "Target"', 'name: "Test Private Offer"'
    )
    desired = _desired(root, complete)
    entry = plan_offer(desired, actual, TODAY)
    parts = ("UpdateTargeting", "UpdatePricingTerms", "UpdateValidityTerms", "UpdateLegalTerms")
    assert (entry.action, entry.release) == ("update", True)
    assert entry.change_types == (*parts, "UpdateAvailability")
    with Marketplace(root / ".offerops" / "marketplace.sqlite", clock=ManualClock(NOW)) as market:
        described = _run(market, SAMPLES[DIRECT].caller, list(build_changes(entry, desired)))
        assert described["Status"] == "SUCCEEDED", described
        released = actual_offer(Api(market, SAMPLES[DIRECT].caller).entity(actual.offer_id))
    assert released.released
    assert plan_offer(desired, released, TODAY).action == "no-op"


def test_the_reconciler_sees_a_draft_that_targets_nobody(tmp_path: Path) -> None:
    """Applied, the draft is found by the next plan (a no-op): fetch.py lists drafts that
    target nobody next to the offers that target buyer accounts (``OFFER_LISTINGS``)."""
    root = _repo(tmp_path / "repo", DIRECT, TWINS[DIRECT])
    (root / "offers" / "sample.yaml").write_text(TWINS[DIRECT].offer)
    session = session_of(root)
    try:
        results = session.apply(session.plan(), FAST)
        assert [result.status for result in results] == ["SUCCEEDED"]
    finally:
        session.close()
    again = session_of(root)
    try:
        assert [entry.action for entry in again.plan().entries] == ["no-op"]
    finally:
        again.close()


def test_a_replacement_draft_without_buyers_replaces_the_one_active_agreement(
    tmp_path: Path,
) -> None:
    """``replaces: {offer: K}`` resolves to K's active agreement with a buyer the file targets;
    a draft that leaves its buyers out targets the agreement's buyer, whoever it is."""
    root = _repo(tmp_path / "repo", DIRECT, None)
    (root / "offers" / "target.yaml").write_text(TARGET)
    draft = _BARE.format(name="Replacement", product="ref-saas").replace(
        "  lifecycle: draft\n", "  replaces: { offer: target }\n  lifecycle: draft\n"
    )
    wanted = _desired(root, draft)
    source = ActualOffer(
        "offer-target",
        "",
        "offer-target@1",
        "Released",
        "Target",
        None,
        None,
        None,
        OfferTerms(),
        key="target",
    )
    ended = AgreementRef("agmt-ended", "222222222222", "REPLACED")
    active = AgreementRef("agmt-active", "111111111111", "ACTIVE")
    known = Agreements({"offer-target": (ended, active)})
    target = target_of(wanted, {}, {"target": source}, {}, known)
    assert target is not None and target.agreement == "agmt-active"
