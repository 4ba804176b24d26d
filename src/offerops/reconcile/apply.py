"""Apply a plan: one change set per offer, concurrently with a bound, each polled to the end.

Safe to rerun after any interruption: tokens are deterministic (see ``changeset.token``), new
offers carry their key as a tag from the moment they exist, and a rerun plans against what the
marketplace has now. One offer's failure never stops the others.

Interrupts (SIGINT, SIGTERM) set ``ApplyOptions.stop``: no new change set starts, and the sets
in flight stop being polled. Each offer's result then says what is true: ``NOT_STARTED``, or
``INTERRUPTED`` with the id of the change set that was started and not followed to the end,
which a rerun rejoins through its token.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from offerops.catalog.client import CatalogClient
from offerops.reconcile.changeset import CannotChange, build_changes, change_set_name, token
from offerops.reconcile.desired import DesiredOffer
from offerops.reconcile.diff import OfferPlan
from offerops.reconcile.fetch import CATALOG, KEY_TAG, KeyIndex, key_holder
from offerops.reconcile.retry import RetryPolicy, error_code

if TYPE_CHECKING:
    from mypy_boto3_marketplace_catalog.type_defs import (
        ChangeTypeDef,
        DescribeChangeSetResponseTypeDef,
    )

TERMINAL = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})
STARTED = "STARTED"
"""A change set started and not yet followed to its end (what ``on_start`` reports)."""
INTERRUPTED = "INTERRUPTED"
NOT_STARTED = "NOT_STARTED"


@dataclass
class ApplyOptions:
    parallelism: int = 10
    poll_initial_seconds: float = 0.05
    poll_max_seconds: float = 5.0
    timeout_seconds: float = 3600.0
    server_fault_attempts: int = 3
    stop: threading.Event = field(default_factory=threading.Event)
    """Set (by a signal handler) to stop: no new change set starts, polls stop waiting."""
    on_start: Callable[[OfferResult], None] | None = None
    """Called from a worker thread once an offer's change set is started (status STARTED)."""


class Pacer:
    """When to poll a change set: around how long the finished ones took, then backing off.

    Offer change sets take seconds on the emulator and minutes on AWS. Polling from 50 ms on
    wastes calls (and the DescribeChangeSet quota, 10/s) on every set; polling every 5 s from
    the start wastes minutes. The first poll waits for what the sets finished so far took
    (their median, within the configured bounds); later polls back off by 1.5x.
    """

    def __init__(self, options: ApplyOptions) -> None:
        self._options = options
        self._durations: list[float] = []
        self._lock = threading.Lock()

    def first_delay(self) -> float:
        with self._lock:
            if not self._durations:
                return self._options.poll_initial_seconds
            ordered = sorted(self._durations)
            typical = ordered[len(ordered) // 2]
        return min(self._options.poll_max_seconds, max(self._options.poll_initial_seconds, typical))

    def next_delay(self, delay: float) -> float:
        return min(self._options.poll_max_seconds, delay * 1.5)

    def finished(self, still_running_at: float, done_at: float) -> None:
        """Record a set that was still running at one poll and done at the next.

        The midpoint is the estimate: recording ``done_at`` alone would creep upward (a set done
        at the first poll reports that poll's delay), and every poll would come later.
        """
        with self._lock:
            self._durations.append((still_running_at + done_at) / 2)


@dataclass
class OfferResult:
    """The outcome for one offer, as it goes into the apply log."""

    key: str | None
    relpath: str | None
    action: str
    status: str
    offer_id: str | None = None
    change_set_id: str | None = None
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, str | float | list[str] | None]:
        """The apply log's record of this offer."""
        return {
            "key": self.key,
            "relpath": self.relpath,
            "action": self.action,
            "status": self.status,
            "offer_id": self.offer_id,
            "change_set_id": self.change_set_id,
            "errors": list(self.errors),
            "seconds": self.seconds,
        }


Progress = Callable[[OfferResult], None]


def apply_entries(
    entries: list[OfferPlan],
    desired: dict[str, DesiredOffer],
    client: CatalogClient,
    retry: RetryPolicy,
    index: KeyIndex,
    options: ApplyOptions,
    progress: Progress | None = None,
) -> list[OfferResult]:
    """Apply every entry that changes something; results sorted by key."""
    work = [entry for entry in entries if entry.changes_anything]
    work, results = _refuse_taken_keys(work, client, retry, index, progress)
    pacer = Pacer(options)
    with ThreadPoolExecutor(max_workers=max(1, options.parallelism)) as pool:
        futures = [
            pool.submit(
                _apply_one, entry, desired.get(entry.key or ""), client, retry, options, pacer
            )
            for entry in work
        ]
        for future in as_completed(futures):
            result = future.result()
            if result.status == "SUCCEEDED" and result.offer_id and result.key:
                index.remember(result.offer_id, result.key)
            results.append(result)
            if progress is not None:
                progress(result)
    index.save()
    return sorted(results, key=lambda result: (result.key or "", result.offer_id or ""))


def _refuse_taken_keys(
    work: list[OfferPlan],
    client: CatalogClient,
    retry: RetryPolicy,
    index: KeyIndex,
    progress: Progress | None,
) -> tuple[list[OfferPlan], list[OfferResult]]:
    """The last guard before CreateOffer: never create a key some offer already carries.

    The plan made sure of it when it read the marketplace in this run (no calls then); a saved
    plan's create that this run did not plan is checked against the tags here. A refused create
    is a failed offer, reported like any other; the rest of the work goes ahead.
    """
    allowed: list[OfferPlan] = []
    refused: list[OfferResult] = []
    for entry in work:
        holder = (
            key_holder(entry.key, client, retry, index)
            if entry.action == "create" and entry.key
            else None
        )
        if holder is None:
            allowed.append(entry)
            continue
        result = OfferResult(entry.key, entry.relpath, entry.action, "FAILED", holder)
        result.errors.append(
            f"not created: offer {holder} already carries the key {entry.key} (tag {KEY_TAG});"
            " run `offerops plan` again to see what it would change on that offer"
        )
        refused.append(result)
        if progress is not None:
            progress(result)
    return allowed, refused


def _apply_one(
    entry: OfferPlan,
    desired: DesiredOffer | None,
    client: CatalogClient,
    retry: RetryPolicy,
    options: ApplyOptions,
    pacer: Pacer,
) -> OfferResult:
    started = time.monotonic()
    result = OfferResult(entry.key, entry.relpath, entry.action, "FAILED", entry.offer_id)
    try:
        changes = build_changes(entry, desired)
        for attempt in range(options.server_fault_attempts):
            if options.stop.is_set():
                _not_started(result)
                break
            described = _run(entry, changes, attempt, client, retry, options, result, pacer)
            if described is None or described.get("FailureCode") != "SERVER_FAULT":
                break
            result.errors.append(
                f"server fault, retrying: {described.get('FailureDescription', '')}"
            )
    except CannotChange as error:
        result.errors.append(f"{error.message}; {error.hint}")
    except ClientError as error:
        message = error.response.get("Error", {}).get("Message", "")
        result.errors.append(f"{error_code(error)}: {message}")
        _lost_track(result)
    except Exception as error:
        _failed_unexpectedly(result, error)
    result.seconds = round(time.monotonic() - started, 3)
    return result


def _run(
    entry: OfferPlan,
    changes: list[ChangeTypeDef],
    attempt: int,
    client: CatalogClient,
    retry: RetryPolicy,
    options: ApplyOptions,
    result: OfferResult,
    pacer: Pacer,
) -> DescribeChangeSetResponseTypeDef | None:
    """Start (or rejoin) the change set and wait for it; fill ``result``."""
    started = retry.call(
        client.start_change_set,
        Catalog=CATALOG,
        ChangeSet=changes,
        ChangeSetName=change_set_name(entry),
        ClientRequestToken=token(entry, attempt),
        ChangeSetTags=[{"Key": KEY_TAG, "Value": entry.key or entry.offer_id or "unknown"}],
    )
    result.change_set_id = str(started["ChangeSetId"])
    result.status = STARTED
    if options.on_start is not None:
        options.on_start(replace(result, errors=[]))
    described = _wait(client, retry, result.change_set_id, options, pacer)
    if described is None:
        _unfinished(result, options)
        return None
    result.status = str(described["Status"])
    result.errors = [] if result.status == "SUCCEEDED" else _errors(described, entry)
    if result.status == "SUCCEEDED" and entry.action == "create":
        result.offer_id = _created_id(described) or result.offer_id
    return described


def _wait(
    client: CatalogClient,
    retry: RetryPolicy,
    change_set_id: str,
    options: ApplyOptions,
    pacer: Pacer,
) -> DescribeChangeSetResponseTypeDef | None:
    started = time.monotonic()
    deadline = started + options.timeout_seconds
    delay = pacer.first_delay()
    running_at = 0.0
    while True:
        if options.stop.wait(delay):
            return None
        polled_at = time.monotonic() - started
        described = retry.call(
            client.describe_change_set, Catalog=CATALOG, ChangeSetId=change_set_id
        )
        if described.get("Status") in TERMINAL:
            pacer.finished(running_at, polled_at)
            return described
        running_at = polled_at
        delay = pacer.next_delay(delay)
        if time.monotonic() + delay > deadline:
            return None


def _unfinished(result: OfferResult, options: ApplyOptions) -> None:
    """A started change set that was not followed to its end: interrupted, or timed out."""
    if options.stop.is_set():
        result.status = INTERRUPTED
        result.errors = [
            f"change set {result.change_set_id} started; interrupted before it finished: rerun"
            " apply to pick it up"
        ]
        return
    result.status = "TIMED_OUT"
    result.errors = [
        f"change set {result.change_set_id} still running after {options.timeout_seconds:.0f}s;"
        " rerun apply to pick it up"
    ]


def _not_started(result: OfferResult) -> None:
    """Stopped before (re)starting: NOT_STARTED, or the failed earlier attempt's status."""
    if result.change_set_id is None:
        result.status = NOT_STARTED
        result.errors = ["interrupted before its change set started: rerun apply"]
    else:
        result.errors.append("interrupted before the change set was started again: rerun apply")


def _lost_track(result: OfferResult) -> None:
    """A call failed after the change set started: its outcome is unknown, not FAILED."""
    if result.status == STARTED:
        result.status = INTERRUPTED
        result.errors.append(f"rerun apply to pick up change set {result.change_set_id}")


def _failed_unexpectedly(result: OfferResult, error: Exception) -> None:
    """A failure the reconciler expects (network, disk) is this offer's; a bug stays a bug."""
    from offerops.failures import explain

    failure = explain(error)
    if failure is None:
        raise error
    result.errors.append(failure.message)
    _lost_track(result)


def _errors(described: DescribeChangeSetResponseTypeDef, entry: OfferPlan) -> list[str]:
    """The API's per-change errors, named by change type, for the offer's file."""
    errors = []
    for change in described.get("ChangeSet", []):
        change_type = change.get("ChangeType")
        for detail in change.get("ErrorDetailList", []) or []:
            errors.append(f"{change_type}: {detail.get('ErrorCode')}: {detail.get('ErrorMessage')}")
    if not errors:
        code = described.get("FailureCode") or described.get("Status")
        errors.append(f"{code}: {described.get('FailureDescription') or 'no details given'}")
    return errors


def _created_id(described: DescribeChangeSetResponseTypeDef) -> str | None:
    for change in described.get("ChangeSet", []):
        if str(change.get("ChangeType", "")).startswith("CreateOffer"):
            entity = change.get("Entity")
            identifier = entity.get("Identifier") if entity is not None else None
            return str(identifier).split("@")[0] if identifier else None
    return None
