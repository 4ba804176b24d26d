"""The pipelined apply, in virtual time: quota-paced starts, change sets followed together.

Every test runs the real reconciler against the embedded emulator on one virtual clock (the
emulator enforces the documented quotas on it, and its change sets take minutes of it), so a
minutes-long apply takes a fraction of a second and its simulated duration is exact.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from offerops.catalog.quotas import DOCUMENTED_QUOTAS
from offerops.reconcile.apply import ApplyCounts, ApplyOptions, OfferResult
from offerops.reconcile.session import Session
from offerops.reconcile.simulation import virtual_session
from offerops.timing import VirtualClock
from reconcile.conftest import EXAMPLE_OFFERS, copy_example
from support import TODAY

PROCESSING = 120.0
"""Two minutes per change set, as on AWS."""


def simulated(tmp_path: Path, *, paced: bool = True) -> tuple[Session, VirtualClock]:
    noon = datetime.combine(TODAY, time(12), tzinfo=UTC)
    clock = VirtualClock(start=noon.timestamp())
    return virtual_session(copy_example(tmp_path), TODAY, clock, PROCESSING, paced=paced), clock


def apply(session: Session, clock: VirtualClock, **options: Any) -> tuple[list[OfferResult], float]:
    plan = session.plan()
    began = clock.now()
    results = session.apply(plan, ApplyOptions(clock=clock, **options))
    return results, clock.now() - began


def test_change_sets_are_pipelined_not_waited_for_one_by_one(tmp_path: Path) -> None:
    """The limit is N / 5 StartChangeSet per second plus one processing time; ten offers with
    two-minute change sets and a pool of two would take five processing times if each worker
    waited for its change set."""
    session, clock = simulated(tmp_path)
    results, seconds = apply(session, clock, parallelism=2)
    assert [r.status for r in results] == ["SUCCEEDED"] * EXAMPLE_OFFERS
    limit = EXAMPLE_OFFERS / DOCUMENTED_QUOTAS["StartChangeSet"] + PROCESSING
    assert PROCESSING <= seconds <= limit + 6.0  # a sweep interval (at most 5 s) of slack
    assert session.retry.retries == {}, "paced to the quotas: never throttled"


def test_open_change_sets_are_followed_together_and_each_described_once(tmp_path: Path) -> None:
    session, clock = simulated(tmp_path)
    results, seconds = apply(session, clock)
    calls = session.client.calls
    assert calls["start_change_set"] == calls["describe_change_set"] == EXAMPLE_OFFERS
    # sweeps back off to one per 5 s at most while nothing has ended, and each is one page
    assert calls["list_change_sets"] <= math.ceil(seconds / 5.0) + 15
    assert all(r.started_at and r.finished_at for r in results)
    assert all(r.started_at < r.finished_at for r in results if r.started_at and r.finished_at)


def test_without_pacing_throttling_only_slows_the_apply_down(tmp_path: Path) -> None:
    """No configured quotas: the emulator throttles the first burst; the lanes then made from
    those answers pace the rest, and no offer fails."""
    session, clock = simulated(tmp_path, paced=False)
    results, _seconds = apply(session, clock, parallelism=50)
    assert [r.status for r in results] == ["SUCCEEDED"] * EXAMPLE_OFFERS
    assert session.retry.throttled() > 0
    keys = Counter(offer.key for offer in session.actual())
    assert max(keys.values()) == 1, "no duplicate offer"


def test_a_change_set_whose_status_cannot_be_read_yet_is_followed_until_it_ends(
    tmp_path: Path,
) -> None:
    """DescribeChangeSet answering ResourceNotFound (not visible yet) is not a failure."""
    session, clock = simulated(tmp_path)
    inner = session.client._client  # type: ignore[attr-defined]
    misses: Counter[str] = Counter()

    class NotYetVisible:
        def __getattr__(self, name: str) -> Any:
            return getattr(inner, name)

        def describe_change_set(self, **kwargs: Any) -> Any:
            misses[kwargs["ChangeSetId"]] += 1
            if misses[kwargs["ChangeSetId"]] <= 2:
                raise inner_error(kwargs["ChangeSetId"])
            return inner.describe_change_set(**kwargs)

    def inner_error(change_set_id: str) -> Exception:
        from botocore.exceptions import ClientError

        response: Any = {
            "Error": {"Code": "ResourceNotFoundException", "Message": f"{change_set_id}?"},
            "ResponseMetadata": {"HTTPStatusCode": 404},
        }
        return ClientError(response, "DescribeChangeSet")

    session.client._client = NotYetVisible()  # type: ignore[attr-defined]
    results, _seconds = apply(session, clock)
    assert [r.status for r in results] == ["SUCCEEDED"] * EXAMPLE_OFFERS
    assert min(misses.values()) == 3


def test_the_heartbeat_reports_counts_while_change_sets_run(tmp_path: Path) -> None:
    session, clock = simulated(tmp_path)
    beats: list[ApplyCounts] = []
    results, seconds = apply(session, clock, on_heartbeat=beats.append, heartbeat_seconds=30.0)
    assert len(results) == EXAMPLE_OFFERS
    assert len(beats) >= int(seconds // 30) - 1
    first = beats[0]
    assert first.total == EXAMPLE_OFFERS and first.started == EXAMPLE_OFFERS
    assert first.running == EXAMPLE_OFFERS and first.done == 0
    assert first.paces["StartChangeSet"] == DOCUMENTED_QUOTAS["StartChangeSet"]


def test_a_stop_leaves_started_change_sets_interrupted_and_the_rest_not_started(
    tmp_path: Path,
) -> None:
    session, clock = simulated(tmp_path)
    options = ApplyOptions(clock=clock)
    started: list[OfferResult] = []

    def stop_after_three(result: OfferResult) -> None:
        started.append(result)
        if len(started) == 3:
            options.stop.set()

    options.on_start = stop_after_three
    results = session.apply(session.plan(), options)
    statuses = Counter(r.status for r in results)
    assert statuses == {"INTERRUPTED": 3, "NOT_STARTED": EXAMPLE_OFFERS - 3}
    interrupted = {r.change_set_id for r in results if r.status == "INTERRUPTED"}
    assert interrupted == {r.change_set_id for r in started}
