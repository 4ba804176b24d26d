"""Issue 13, items 8-11 end to end on the embedded emulator: drafts, ending an offer now,
extending an expired offer, replacement offers and ``clone --replace``.

A buyer accepts through the emulator's engine (``accept_offer``), as ``offerops emulator
accept`` does.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from offerops.emulator.engine import Marketplace
from offerops.emulator.exceptions import CatalogError
from offerops.gitops.replacing import clone_replacing
from offerops.reconcile.apply import ApplyOptions
from offerops.reconcile.changeset import build_changes
from offerops.reconcile.diff import OfferPlan
from offerops.reconcile.importer import import_offers, offers_to_import
from offerops.reconcile.plan import Plan, load_plan, save_plan
from offerops.reconcile.session import Session
from offerops.reconcile.status import offer_status
from reconcile.conftest import PROJECT, WAITING_EXAMPLE
from support import TODAY

OpenSession = Callable[[Path], Session]
FAST = ApplyOptions(parallelism=4, poll_initial_seconds=0.001, poll_max_seconds=0.01)
DRAFT = "hooli-analytics-2027"
SOURCE = "acme-analytics-2027"
UPGRADE = "acme-analytics-2027-upgrade"
ACME_PROD = "123456789012"


def entry_of(plan: Plan, key: str) -> OfferPlan:
    return next(entry for entry in plan.entries if entry.key == key)


def applied(session: Session) -> Plan:
    plan = session.plan()
    results = session.apply(plan, FAST)
    assert [(r.key, r.errors) for r in results if r.status != "SUCCEEDED"] == []
    return plan


def market(session: Session) -> Marketplace:
    engine = getattr(session.agreements, "marketplace", None)
    assert isinstance(engine, Marketplace)
    return engine


def offer_id(session: Session, key: str) -> str:
    (offer,) = [offer for offer in session.actual() if offer.key == key]
    return offer.offer_id


def edit(root: Path, key: str, old: str, new: str) -> None:
    path = root / "offers" / f"{key}.yaml"
    text = path.read_text()
    assert old in text, (key, old)
    path.write_text(text.replace(old, new))


def states(session: Session) -> dict[str | None, str]:
    rows = [offer_status(o, session.agreements, session.retry, TODAY) for o in session.actual()]
    return {row.key: row.state for row in rows}


# --- item 8: drafts ---------------------------------------------------------------------------


def test_a_draft_is_created_and_updated_without_release_and_active_releases_it(
    embedded_repo: Path, session_for: OpenSession
) -> None:
    plan = applied(session_for(embedded_repo))
    created = entry_of(plan, DRAFT)
    assert (created.action, created.keep_draft) == ("create", True)
    desired = next(o for o in session_for(embedded_repo).desired() if o.key == DRAFT)
    sent = [change["ChangeType"] for change in build_changes(created, desired)]
    assert "ReleaseOffer" not in sent and sent[0] == "CreateOffer"
    session = session_for(embedded_repo)
    assert states(session)[DRAFT] == "draft"
    assert entry_of(session.plan(), DRAFT).action == "no-op"
    edit(embedded_repo, DRAFT, 'price: "230.00"', 'price: "225.00"')
    update = entry_of(applied(session_for(embedded_repo)), DRAFT)
    assert (update.action, update.release) == ("update", False)
    assert states(session_for(embedded_repo))[DRAFT] == "draft"
    edit(embedded_repo, DRAFT, "lifecycle: draft", "lifecycle: active")
    release = entry_of(applied(session_for(embedded_repo)), DRAFT)
    assert (release.action, release.release, release.change_types) == ("update", True, ())
    assert "lifecycle: active releases it" in release.reason
    assert states(session_for(embedded_repo))[DRAFT] == "active"
    edit(embedded_repo, DRAFT, "lifecycle: active", "lifecycle: draft")
    back = entry_of(session_for(embedded_repo).plan(), DRAFT)
    assert back.action == "replace-needed"
    assert "cannot become a draft again" in back.reason


def test_a_draft_imports_as_a_draft_and_plans_as_a_no_op(
    embedded_repo: Path, session_for: OpenSession
) -> None:
    applied(session_for(embedded_repo))
    (embedded_repo / "offers" / f"{DRAFT}.yaml").unlink()
    session = session_for(embedded_repo)
    chosen = [o for o in offers_to_import(session.desired(), session.actual(), []) if o.draft]
    (result,) = import_offers(chosen, session.config, embedded_repo, set())
    assert result.error is None
    text = (embedded_repo / "offers" / f"{DRAFT}.yaml").read_text()
    assert text.endswith("  lifecycle: draft\n")
    assert entry_of(session_for(embedded_repo).plan(), DRAFT).action == "no-op"


# --- items 9 and 10: end now, extend ------------------------------------------------------------


def test_expired_ends_the_offer_now_and_a_later_expiry_reopens_it(
    embedded_repo: Path, session_for: OpenSession, tmp_path: Path
) -> None:
    session = session_for(embedded_repo)
    applied(session)
    payg = offer_id(session, "initech-payg-2027")
    ending = "    terms: standard-eula\n"
    edit(embedded_repo, "initech-payg-2027", ending, ending + "  lifecycle: expired\n")
    plan = session_for(embedded_repo).plan()
    entry = entry_of(plan, "initech-payg-2027")
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    assert (entry.action, entry.expire_on) == ("expire", yesterday)
    saved = tmp_path / "plan.json"
    save_plan(plan, saved)
    assert entry_of(load_plan(saved), "initech-payg-2027").expire_on == yesterday
    applied(session_for(embedded_repo))
    after = session_for(embedded_repo)
    assert states(after)["initech-payg-2027"] == "expired"
    with pytest.raises(CatalogError, match="can no longer be accepted"):
        market(after).accept_offer("345678901234", payg)
    again = entry_of(after.plan(), "initech-payg-2027")
    assert (again.action, again.reason) == ("no-op", "already expired")
    edit(embedded_repo, "initech-payg-2027", "  lifecycle: expired\n", "")
    edit(embedded_repo, "initech-payg-2027", "expiresOn: 2027-01-31", "expiresOn: 2027-02-28")
    reopen = entry_of(session_for(embedded_repo).plan(), "initech-payg-2027")
    assert (reopen.action, reopen.change_types) == ("update", ("UpdateAvailability",))
    assert "makes it active again" in reopen.reason
    applied(session_for(embedded_repo))
    final = session_for(embedded_repo)
    assert states(final)["initech-payg-2027"] == "active"
    market(final).accept_offer("345678901234", payg)
    assert entry_of(final.plan(), "initech-payg-2027").action == "no-op"


# --- item 11: replacement offers ----------------------------------------------------------------


def test_a_replacement_waits_for_the_agreement_then_replaces_it(
    embedded_repo: Path, session_for: OpenSession
) -> None:
    shutil.copy(PROJECT / "offers" / WAITING_EXAMPLE, embedded_repo / "offers")
    session = session_for(embedded_repo)
    plan = applied(session)
    waiting = entry_of(plan, UPGRADE)
    assert waiting.action == "waiting" and not plan.refused and not waiting.changes_anything
    agreement = market(session).accept_offer(ACME_PROD, offer_id(session, SOURCE))["agreementId"]
    create = entry_of(applied(session_for(embedded_repo)), UPGRADE)
    assert (create.action, create.agreement_id) == ("create", agreement)
    after = session_for(embedded_repo)
    (upgrade,) = [offer for offer in after.actual() if offer.key == UPGRADE]
    assert upgrade.target_agreement_id == agreement
    new = market(after).accept_offer(ACME_PROD, upgrade.offer_id)["agreementId"]
    assert new != agreement
    assert entry_of(session_for(embedded_repo).plan(), UPGRADE).action == "no-op"
    (embedded_repo / "offers" / WAITING_EXAMPLE).unlink()
    reader = session_for(embedded_repo)
    chosen = [
        o for o in offers_to_import(reader.desired(), reader.actual(), []) if o.key == UPGRADE
    ]
    (result,) = import_offers(chosen, reader.config, embedded_repo, set())
    assert result.error is None
    text = (embedded_repo / "offers" / f"{UPGRADE}.yaml").read_text()
    assert f"  replaces:\n    agreement: {agreement}\n" in text
    assert entry_of(session_for(embedded_repo).plan(), UPGRADE).action == "no-op"


def test_replace_needed_names_the_agreement_and_clone_replace_does_it(
    embedded_repo: Path, session_for: OpenSession
) -> None:
    session = session_for(embedded_repo)
    applied(session)
    agreement = market(session).accept_offer(ACME_PROD, offer_id(session, SOURCE))["agreementId"]
    edit(embedded_repo, SOURCE, 'price: "250.00"', 'price: "240.00"')
    entry = entry_of(session_for(embedded_repo).plan(), SOURCE)
    assert entry.action == "replace-needed"
    expected = (
        f"Next: create {SOURCE}-v2 replacing agreement {agreement} (buyer {ACME_PROD}); "
        f"expire {SOURCE}. `offerops clone {SOURCE} {SOURCE}-v2 --replace --agreement "
        f"{agreement}`"
    )
    assert expected in entry.reason
    clone_replacing(embedded_repo, SOURCE, f"{SOURCE}-v2", agreement)
    edit(embedded_repo, f"{SOURCE}-v2", "    - acme-dev\n", "")
    plan = applied(session_for(embedded_repo))
    assert entry_of(plan, SOURCE).action == "expire"
    assert entry_of(plan, f"{SOURCE}-v2").agreement_id == agreement
    final = session_for(embedded_repo).plan()
    assert not final.has_changes and not final.refused


def test_a_new_offer_without_agreements_is_advised_as_a_plain_copy(
    embedded_repo: Path, session_for: OpenSession
) -> None:
    applied(session_for(embedded_repo))
    edit(embedded_repo, SOURCE, 'price: "250.00"', 'price: "240.00"')
    entry = entry_of(session_for(embedded_repo).plan(), SOURCE)
    assert (
        f"Next: create {SOURCE}-v2 as a new offer (it has no active agreement); expire {SOURCE}"
        in entry.reason
    )
