"""The GitOps loop end to end on every backend (embedded; HTTP, instant; HTTP with slow change
sets and the documented quotas): plan, apply, plan again."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from offerops.reconcile.apply import ApplyOptions
from offerops.reconcile.plan import Plan, StalePlanError, load_plan, save_plan
from offerops.reconcile.retry import RetryPolicy
from offerops.reconcile.session import Session, open_session
from reconcile.conftest import EXAMPLE_OFFERS, copy_example, served_example
from support import TODAY

OpenSession = Callable[[Path], Session]
FAST = ApplyOptions(parallelism=4, poll_initial_seconds=0.001, poll_max_seconds=0.01)
SLOW_QUOTAS = (
    "test_apply_then_plan_again_shows_no_changes",
    "test_expiry_change_on_a_released_offer_is_an_update",
    "test_lifecycle_expired_expires_the_offer",
    "test_drift_made_by_hand_is_planned_back",
    "test_rerun_after_a_lost_apply_never_duplicates",
    "test_two_applies_of_the_same_plan_do_not_double_create",
)
"""Tests that also run on the ``http-slow-quotas`` server (conftest.py): 0.5 s change sets, the
documented quotas enforced, and the polling above, which runs into the DescribeChangeSet quota."""


def apply_all(session: Session) -> Plan:
    plan = session.plan()
    results = session.apply(plan, FAST)
    assert [r.errors for r in results if r.status != "SUCCEEDED"] == []
    return plan


def wait_until_done(session: Session, change_set_id: str) -> None:
    """Poll a change set until it ends (at once on an instant emulator), with the session's
    retries (the slow server enforces the DescribeChangeSet quota)."""
    for _ in range(300):
        described = session.retry.call(
            session.client.describe_change_set, Catalog="AWSMarketplace", ChangeSetId=change_set_id
        )
        if described["Status"] not in ("PREPARING", "APPLYING"):
            return
        time.sleep(0.05)
    raise AssertionError(f"change set {change_set_id} did not end")


def actions(plan: Plan) -> dict[str, str]:
    return {str(entry.key): entry.action for entry in plan.entries}


def test_first_plan_creates_every_example_offer(
    example_repo: Path, session_for: OpenSession
) -> None:
    plan = session_for(example_repo).plan()
    assert set(actions(plan).values()) == {"create"}
    assert len(plan.entries) == EXAMPLE_OFFERS
    create = plan.entries[0]
    assert create.change_types[0] == "UpdateInformation"
    assert create.change_types[-1] == "UpdateAvailability"


def test_apply_then_plan_again_shows_no_changes(
    example_repo: Path, session_for: OpenSession
) -> None:
    session = session_for(example_repo)
    apply_all(session)
    again = session_for(example_repo).plan()
    assert set(actions(again).values()) == {"no-op"}, [
        (e.key, e.changes) for e in again.entries if e.action != "no-op"
    ]
    assert not again.has_changes


def test_plan_call_budget(example_repo: Path, session_for: OpenSession) -> None:
    session = session_for(example_repo)
    apply_all(session)
    fresh = session_for(example_repo)
    fresh.plan()
    calls = dict(fresh.client.calls)
    assert calls == {"list_entities": 2, "batch_describe_entities": 1}


def test_reformatting_and_aliases_do_not_show_as_changes(
    example_repo: Path, session_for: OpenSession
) -> None:
    apply_all(session_for(example_repo))
    path = example_repo / "offers" / "acme-analytics-2027.yaml"
    text = path.read_text()
    text = text.replace('price: "250.00"', 'price: "250.0"').replace(
        "    - acme-prod\n    - acme-dev\n", '    - "123456789013"\n    - acme-prod\n'
    )
    path.write_text(text.replace("  expiresOn: 2027-03-31\n", "  expiresOn: '2027-03-31'\n"))
    plan = session_for(example_repo).plan()
    assert actions(plan)["acme-analytics-2027"] == "no-op"


def test_expiry_change_on_a_released_offer_is_an_update(
    example_repo: Path, session_for: OpenSession
) -> None:
    apply_all(session_for(example_repo))
    path = example_repo / "offers" / "globex-tiers-2027.yaml"
    path.write_text(path.read_text().replace("expiresOn: 2027-02-28", "expiresOn: 2027-05-31"))
    session = session_for(example_repo)
    plan = session.plan()
    entry = next(e for e in plan.entries if e.key == "globex-tiers-2027")
    assert entry.action == "update"
    assert entry.change_types == ("UpdateAvailability",)
    assert [(c.field, c.old, c.new) for c in entry.changes] == [
        ("expires", "2027-02-28", "2027-05-31")
    ]
    assert "expiry-change" in entry.flags
    session.apply(plan, FAST)
    assert actions(session_for(example_repo).plan())["globex-tiers-2027"] == "no-op"


def test_price_change_on_a_released_offer_needs_a_replacement(
    example_repo: Path, session_for: OpenSession
) -> None:
    apply_all(session_for(example_repo))
    path = example_repo / "offers" / "globex-tiers-2027.yaml"
    path.write_text(path.read_text().replace('price: "18000.00"', 'price: "16000.00"'))
    plan = session_for(example_repo).plan()
    entry = next(e for e in plan.entries if e.key == "globex-tiers-2027")
    assert entry.action == "replace-needed"
    assert "UpdatePricingTerms" in entry.reason
    assert "globex-tiers-2027-v2" in entry.reason
    assert ("price basic", "18000.00", "16000.00") in [
        (c.field, c.old, c.new) for c in entry.changes
    ]


def test_lifecycle_expired_expires_the_offer(example_repo: Path, session_for: OpenSession) -> None:
    apply_all(session_for(example_repo))
    path = example_repo / "offers" / "initech-payg-2027.yaml"
    path.write_text(path.read_text() + "  lifecycle: expired\n")
    session = session_for(example_repo)
    plan = session.plan()
    entry = next(e for e in plan.entries if e.key == "initech-payg-2027")
    assert entry.action == "expire"
    assert entry.expire_on == (TODAY - timedelta(days=1)).isoformat()
    session.apply(plan, FAST)
    assert actions(session_for(example_repo).plan())["initech-payg-2027"] == "no-op"


def test_deleted_file_is_unmanaged_unless_pruned(
    example_repo: Path, session_for: OpenSession
) -> None:
    apply_all(session_for(example_repo))
    (example_repo / "offers" / "hooli-reseller-2027.yaml").unlink()
    plan = session_for(example_repo).plan()
    entry = next(e for e in plan.entries if e.key == "hooli-reseller-2027")
    assert entry.action == "unmanaged"
    assert "--prune" in entry.reason
    pruned = session_for(example_repo).plan(prune=True)
    assert next(e for e in pruned.entries if e.key == "hooli-reseller-2027").action == "expire"


def test_saved_plan_is_refused_when_git_moved(
    example_repo: Path, session_for: OpenSession, tmp_path: Path
) -> None:
    saved_path = tmp_path / "plan.json"
    save_plan(session_for(example_repo).plan(), saved_path)
    path = example_repo / "offers" / "globex-tiers-2027.yaml"
    path.write_text(path.read_text().replace("expiresOn: 2027-02-28", "expiresOn: 2027-02-27"))
    session = session_for(example_repo)
    with pytest.raises(StalePlanError, match="offer file globex-tiers-2027 changed"):
        session.apply(session.plan(), FAST, saved=load_plan(saved_path))


def test_saved_plan_is_applied_when_current(
    example_repo: Path, session_for: OpenSession, tmp_path: Path
) -> None:
    saved_path = tmp_path / "plan.json"
    save_plan(session_for(example_repo).plan(), saved_path)
    session = session_for(example_repo)
    results = session.apply(session.plan(), FAST, saved=load_plan(saved_path))
    assert {r.status for r in results} == {"SUCCEEDED"}
    assert len(results) == EXAMPLE_OFFERS


def test_drift_made_by_hand_is_planned_back(example_repo: Path, session_for: OpenSession) -> None:
    session = session_for(example_repo)
    apply_all(session)
    entry = next(
        e for e in session_for(example_repo).plan().entries if e.key == "globex-tiers-2027"
    )
    change = {
        "ChangeType": "UpdateAvailability",
        "Entity": {"Type": "Offer@1.0", "Identifier": entry.offer_id},
        "DetailsDocument": {"AvailabilityEndDate": "2027-06-30"},
    }
    started = session.retry.call(
        session.client.start_change_set, Catalog="AWSMarketplace", ChangeSet=[change]
    )
    wait_until_done(session, started["ChangeSetId"])
    drifted = session_for(example_repo).plan()
    back = next(e for e in drifted.entries if e.key == "globex-tiers-2027")
    assert back.action == "update"
    assert [(c.old, c.new) for c in back.changes] == [("2027-06-30", "2027-02-28")]


def test_rerun_after_a_lost_apply_never_duplicates(
    example_repo: Path, session_for: OpenSession
) -> None:
    """An apply whose results were lost (crash after StartChangeSet) is finished by a rerun."""
    first = session_for(example_repo)
    plan = first.plan()
    first.apply(plan, FAST)
    index = next((example_repo / ".offerops").glob("index-*.json"))
    index.unlink()  # the crash lost the local key index too
    second = session_for(example_repo)
    replan = second.plan()
    assert set(actions(replan).values()) == {"no-op"}
    offers = second.actual()
    assert len(offers) == EXAMPLE_OFFERS
    assert sorted(o.key for o in offers if o.key) == sorted(e.key for e in plan.entries if e.key)


def test_two_applies_of_the_same_plan_do_not_double_create(
    example_repo: Path, session_for: OpenSession
) -> None:
    one, two = session_for(example_repo), session_for(example_repo)
    plan_one, plan_two = one.plan(), two.plan()
    one.apply(plan_one, FAST)
    results = two.apply(plan_two, FAST)
    assert {r.status for r in results} == {"SUCCEEDED"}
    assert len(session_for(example_repo).actual()) == EXAMPLE_OFFERS


def test_removing_a_description_removes_it_on_the_marketplace(
    example_repo: Path, session_for: OpenSession
) -> None:
    """No description and ``description: ""`` are the same; both clear the one applied."""
    config = example_repo / "offerops.yaml"
    config.write_text(config.read_text().replace("requireDescription: true", ""))
    apply_all(session_for(example_repo))
    path = example_repo / "offers" / "globex-tiers-2027.yaml"
    text = path.read_text()
    line = next(line for line in text.splitlines() if line.startswith("  description:"))
    path.write_text(text.replace(line, '  description: ""'))
    session = session_for(example_repo)
    plan = session.plan()
    entry = next(e for e in plan.entries if e.key == "globex-tiers-2027")
    assert (entry.action, entry.change_types) == ("update", ("UpdateInformation",))
    assert [(c.field, c.new) for c in entry.changes] == [("description", None)]
    session.apply(plan, FAST)
    assert actions(session_for(example_repo).plan())["globex-tiers-2027"] == "no-op"
    path.write_text(text.replace(line + "\n", ""))
    assert actions(session_for(example_repo).plan())["globex-tiers-2027"] == "no-op"


def test_on_a_slow_server_with_quotas_apply_paces_itself_and_retries_busy_offers(
    tmp_path: Path,
) -> None:
    """As on AWS: change sets take time and quotas hold. The client paces every operation to
    the documented quotas (the default for an http backend), so the server never throttles it;
    a change set started by hand holds an offer when apply wants it (ResourceInUseException):
    apply backs off and still converges with no failed offer."""
    root = copy_example(tmp_path)
    with served_example(root, tmp_path, slow=True):
        first_policy = RetryPolicy(seed=1)
        first = open_session(root, TODAY, first_policy)
        started = time.monotonic()
        apply_all(first)
        first_seconds = time.monotonic() - started
        entry = next(e for e in first.plan().entries if e.key == "globex-tiers-2027")
        first.close()
        path = root / "offers" / "globex-tiers-2027.yaml"
        path.write_text(path.read_text().replace("expiresOn: 2027-02-28", "expiresOn: 2027-05-31"))
        policy = RetryPolicy(seed=1)
        session = open_session(root, TODAY, policy)
        plan = session.plan()
        held = {
            "ChangeType": "UpdateAvailability",
            "Entity": {"Type": "Offer@1.0", "Identifier": entry.offer_id},
            "DetailsDocument": {"AvailabilityEndDate": "2027-04-30"},
        }
        session.retry.call(
            session.client.start_change_set, Catalog="AWSMarketplace", ChangeSet=[held]
        )
        results = session.apply(plan, FAST)
        retries = dict(policy.retries)
        session.close()
        again = open_session(root, TODAY, RetryPolicy(seed=1))
        final = again.plan()
        again.close()
    print(
        f"first apply of {EXAMPLE_OFFERS} offers: {first_seconds:.1f} s, "
        f"retries {first_policy.retries}; "
        f"second apply: retries {retries}"
    )
    assert [r.status for r in results] == ["SUCCEEDED"]
    assert retries.get("ResourceInUseException", 0) >= 1, retries
    assert "ThrottlingException" not in retries, retries
    assert "ThrottlingException" not in first_policy.retries, first_policy.retries
    assert set(actions(final).values()) == {"no-op"}
