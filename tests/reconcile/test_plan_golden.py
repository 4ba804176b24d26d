"""The plan in text, markdown and JSON, compared with golden files.

One fixed set of offers covers every action: the example offers are applied to a fresh embedded
emulator, then changed in git and on the marketplace so that the next plan has a create, an
update of a released offer, an update that completes a draft, an expire, a replace-needed,
no-ops, and unmanaged offers (one offerops made, one it did not). The plan is built from the
desired and actual values with the random offer ids replaced by fixed ones and a fixed
``createdAt``, so the output is the same on every run.

Refresh the golden files after an intended change and review the diff:
``OFFEROPS_UPDATE_GOLDEN=1 .venv/bin/pytest tests/reconcile/test_plan_golden.py`` (or
``--update-golden`` when ``tests/report`` is on the command line too, which defines it).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from offerops.cli import PLAN_FORMATS
from offerops.errors import OfferopsError
from offerops.reconcile.actual import ActualOffer
from offerops.reconcile.apply import ApplyOptions
from offerops.reconcile.fetch import CATALOG, KEY_TAG
from offerops.reconcile.plan import Plan, load_plan, make_plan, save_plan
from offerops.reconcile.render import RENDERERS, render_json
from offerops.reconcile.replacements import agreement_lookup, gather
from offerops.reconcile.retry import RetryPolicy
from offerops.reconcile.session import Session, open_session
from reconcile.conftest import copy_example
from support import TODAY

GOLDEN = Path(__file__).parent / "golden"
CREATED_AT = "2026-11-23T09:00:00Z"
FAST = ApplyOptions(parallelism=4, poll_initial_seconds=0.001, poll_max_seconds=0.01)
GOLDEN_FILES = {
    # name: (plan format, color)
    "plan.txt": ("text", False),
    "plan.color.txt": ("text", True),
    "plan.md": ("markdown", False),
    "plan.json": ("json", False),
}
NEW_GOLDEN_FILES = {"plan.new.txt": "text", "plan.new.md": "markdown"}
"""Every example offer planned against an empty marketplace: each pricing shape, payment, legal
form and channel as a reviewer reads it."""


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when golden files should be rewritten rather than compared."""
    option = bool(request.config.getoption("--update-golden", default=False))
    return option or os.environ.get("OFFEROPS_UPDATE_GOLDEN") == "1"


def _session(root: Path) -> Session:
    return open_session(root, TODAY, RetryPolicy(sleep=lambda _: None, seed=1))


def _edit(root: Path, key: str, old: str, new: str) -> None:
    path = root / "offers" / f"{key}.yaml"
    text = path.read_text()
    assert old in text, (key, old)
    path.write_text(text.replace(old, new))


def _change_git(root: Path) -> None:
    """Changes in the offer files, one per action."""
    offers = root / "offers"
    acme = (offers / "acme-analytics-2027.yaml").read_text()
    (offers / "acme-analytics-2028.yaml").write_text(
        acme.replace("acme-analytics-2027", "acme-analytics-2028")
        .replace("Enterprise 2027", "Enterprise 2028")
        .replace("expiresOn: 2027-03-31", "expiresOn: 2027-06-30")
    )
    _edit(root, "globex-tiers-2027", "expiresOn: 2027-02-28", "expiresOn: 2027-05-31")
    _edit(root, "globex-tiers-2027", "One-year contract in EUR.", "One-year contract in euros.")
    _edit(
        root,
        "initech-payg-2027",
        "    terms: standard-eula\n",
        "    terms: standard-eula\n  lifecycle: expired\n",
    )
    _edit(root, "initech-vision-2027", 'price: "0.120"', 'price: "0.110"')
    _edit(root, "umbrella-quarterly-2027", 'total: "330000.00"', 'total: "396000.00"')
    order_form = root / "legal" / "acme-order-form.txt"
    order_form.write_text(order_form.read_text() + "Amended: net 45 payment terms.\n")
    (offers / "hooli-reseller-2027.yaml").unlink()
    draft = acme.replace("acme-analytics-2027", "acme-draft-2027").replace(
        "Enterprise 2027", "Enterprise 2027 (draft)"
    )
    (offers / "acme-draft-2027.yaml").write_text(draft.replace('"1200.00"', '"1100.00"'))


def _change_marketplace(session: Session) -> None:
    """A draft offerops started (its key tag, no terms yet) and an offer made by hand."""
    product = session.config.products["analytics-saas"].id
    draft = [
        {
            "ChangeType": "CreateOffer",
            "ChangeName": "create",
            "Entity": {"Type": "Offer@1.0"},
            "DetailsDocument": {"ProductId": product, "Name": "Acme Corp - draft"},
            "EntityTags": [{"Key": KEY_TAG, "Value": "acme-draft-2027"}],
        },
        {
            "ChangeType": "UpdateTargeting",
            "Entity": {"Type": "Offer@1.0", "Identifier": "$create.Entity.Identifier"},
            "DetailsDocument": {"PositiveTargeting": {"BuyerAccounts": ["123456789012"]}},
        },
    ]
    by_hand = [
        {
            "ChangeType": "CreateOffer",
            "ChangeName": "create",
            "Entity": {"Type": "Offer@1.0"},
            "DetailsDocument": {"ProductId": product, "Name": "Made in the portal"},
        },
        {
            "ChangeType": "UpdateTargeting",
            "Entity": {"Type": "Offer@1.0", "Identifier": "$create.Entity.Identifier"},
            "DetailsDocument": {"PositiveTargeting": {"BuyerAccounts": ["999999999999"]}},
        },
    ]
    for changes in (draft, by_hand):
        started = session.client.start_change_set(Catalog=CATALOG, ChangeSet=changes)
        _wait(session, str(started["ChangeSetId"]))


def _wait(session: Session, change_set_id: str) -> None:
    for _ in range(200):
        described = session.client.describe_change_set(Catalog=CATALOG, ChangeSetId=change_set_id)
        if described["Status"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            assert described["Status"] == "SUCCEEDED", described
            return
        time.sleep(0.01)
    raise AssertionError(f"change set {change_set_id} did not finish")


def _fixed_ids(actual: list[ActualOffer]) -> list[ActualOffer]:
    """Random emulator ids replaced by ``offer-golden000001`` ..., in (key, name) order."""
    ordered = sorted(actual, key=lambda offer: (offer.key or "~", offer.name))
    fixed = []
    for number, offer in enumerate(ordered, start=1):
        offer_id = f"offer-golden{number:07d}"
        revision = offer.identifier.rsplit("@", 1)[-1]
        fixed.append(
            replace(
                offer,
                offer_id=offer_id,
                identifier=f"{offer_id}@{revision}",
                arn=offer.arn.replace(offer.offer_id, offer_id),
            )
        )
    return fixed


@pytest.fixture(scope="module")
def golden_plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    root = copy_example(tmp_path_factory.mktemp("golden"), waiting=True)
    first = _session(root)
    try:
        first.apply(first.plan(), FAST)
        _change_marketplace(first)
    finally:
        first.close()
    _change_git(root)
    session = _session(root)
    try:
        desired, actual = session.desired(), _fixed_ids(session.actual())
        lookup = agreement_lookup(session.agreements, session.retry)
        agreements = gather(desired, actual, TODAY, False, lookup)
    finally:
        session.close()
    plan = make_plan(desired, actual, TODAY, session.label, agreements=agreements)
    return replace(plan, created_at=CREATED_AT)


def test_the_golden_plan_has_every_action(golden_plan: Plan) -> None:
    actions = {(entry.key, entry.action) for entry in golden_plan.entries}
    assert actions == {
        ("acme-analytics-2027", "no-op"),
        ("acme-analytics-2028", "create"),
        ("acme-analytics-2027-upgrade", "waiting"),
        ("hooli-sso-2027", "no-op"),
        ("acme-draft-2027", "update"),
        ("acme-installments-2027", "replace-needed"),
        ("globex-tiers-2027", "update"),
        ("hooli-analytics-2027", "no-op"),
        ("hooli-reseller-2027", "unmanaged"),
        ("hooli-vision-annual-2027", "no-op"),
        ("initech-payg-2027", "expire"),
        ("initech-vision-2027", "replace-needed"),
        ("umbrella-consumption-2027", "no-op"),
        ("umbrella-quarterly-2027", "replace-needed"),
        (None, "unmanaged"),
    }
    draft = next(entry for entry in golden_plan.entries if entry.key == "acme-draft-2027")
    assert draft.release


@pytest.fixture(scope="module")
def new_plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    root = copy_example(tmp_path_factory.mktemp("new"), waiting=True)
    session = _session(root)
    try:
        plan = session.plan()
    finally:
        session.close()
    return replace(plan, created_at=CREATED_AT, api_calls={})


def _compare_golden(name: str, output: str, update_golden: bool) -> None:
    path = GOLDEN / name
    if update_golden:
        path.write_text(output, encoding="utf-8")
    assert path.is_file(), f"{path} is missing; run with OFFEROPS_UPDATE_GOLDEN=1"
    assert output == path.read_text(encoding="utf-8")


def test_every_plan_format_is_registered_and_offered() -> None:
    assert sorted(RENDERERS) == sorted(PLAN_FORMATS) == ["json", "markdown", "text"]
    assert {plan_format for plan_format, _ in GOLDEN_FILES.values()} == set(RENDERERS)


@pytest.mark.parametrize("name", sorted(GOLDEN_FILES))
def test_golden(name: str, golden_plan: Plan, update_golden: bool) -> None:
    plan_format, color = GOLDEN_FILES[name]
    _compare_golden(name, RENDERERS[plan_format](golden_plan, color), update_golden)


@pytest.mark.parametrize("name", sorted(NEW_GOLDEN_FILES))
def test_golden_new_offers(name: str, new_plan: Plan, update_golden: bool) -> None:
    assert {entry.action for entry in new_plan.entries} == {"create", "waiting"}
    _compare_golden(name, RENDERERS[NEW_GOLDEN_FILES[name]](new_plan, False), update_golden)


def test_a_saved_plan_reads_back_as_the_plan(golden_plan: Plan, tmp_path: Path) -> None:
    """What ``plan --out`` writes is what ``apply PLAN_FILE`` reads: every entry, every field."""
    saved = tmp_path / "plan.json"
    save_plan(golden_plan, saved)
    loaded = load_plan(saved)
    assert loaded.entries == golden_plan.entries
    assert (loaded.base, loaded.base_hash) == (golden_plan.base, golden_plan.base_hash)
    assert render_json(loaded) == render_json(golden_plan)
    for plan_format, color in GOLDEN_FILES.values():
        render = RENDERERS[plan_format]
        assert render(loaded, color) == render(golden_plan, color), plan_format


def test_a_plan_saved_without_reviews_still_applies_and_shows_its_changes() -> None:
    """Plans saved by earlier versions have no ``review``: they load, save back byte for byte,
    and show their field changes as those versions did."""
    path = GOLDEN / "plan.saved-without-review.json"
    saved = load_plan(path)
    assert all(entry.review is None for entry in saved.entries)
    assert render_json(saved) == path.read_text(encoding="utf-8")
    text = RENDERERS["text"](saved, False)
    assert "    rate m5.large: 0.12 -> 0.11\n" in text
    assert "    buyers: 123456789012 -> 123456789012, 123456789013\n" in text
    markdown = RENDERERS["markdown"](saved, False)
    assert "| price admins | — | USD 1,200.00 |" in markdown


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda data: data.update(format="other/v9"), "not an offerops plan"),
        (lambda data: data["offers"][0].update(action="delete"), "unknown action 'delete'"),
        (lambda data: data["offers"][0].update(changes=[{"field": 1}]), "expected a string"),
        (lambda data: data.pop("base"), "'base'"),
    ],
)
def test_a_mangled_plan_file_is_refused_by_name(
    golden_plan: Plan, tmp_path: Path, mangle: Callable[[dict[str, Any]], object], message: str
) -> None:
    data = json.loads(render_json(golden_plan))
    mangle(data)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    with pytest.raises(OfferopsError, match=message):
        load_plan(path)
