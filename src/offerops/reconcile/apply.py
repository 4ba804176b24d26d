"""Apply a plan: one change set per offer, concurrently with a bound, each polled to the end.

Safe to rerun after any interruption: tokens are deterministic (see ``changeset.token``), new
offers carry their key as a tag from the moment they exist, and a rerun plans against what the
marketplace has now. One offer's failure never stops the others.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from offerops.reconcile.changeset import build_changes, change_set_name, token
from offerops.reconcile.desired import DesiredOffer
from offerops.reconcile.diff import OfferPlan
from offerops.reconcile.fetch import CATALOG, KEY_TAG, KeyIndex
from offerops.reconcile.retry import RetryPolicy, error_code

TERMINAL = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})


@dataclass
class ApplyOptions:
    parallelism: int = 10
    poll_initial_seconds: float = 0.05
    poll_max_seconds: float = 5.0
    timeout_seconds: float = 3600.0
    server_fault_attempts: int = 3


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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


Progress = Callable[[OfferResult], None]


def apply_entries(
    entries: list[OfferPlan],
    desired: dict[str, DesiredOffer],
    client: Any,
    retry: RetryPolicy,
    index: KeyIndex,
    options: ApplyOptions,
    progress: Progress | None = None,
) -> list[OfferResult]:
    """Apply every entry that changes something; results sorted by key."""
    work = [entry for entry in entries if entry.changes_anything]
    results: list[OfferResult] = []
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


def _apply_one(
    entry: OfferPlan,
    desired: DesiredOffer | None,
    client: Any,
    retry: RetryPolicy,
    options: ApplyOptions,
    pacer: Pacer,
) -> OfferResult:
    started = time.monotonic()
    result = OfferResult(entry.key, entry.relpath, entry.action, "FAILED", entry.offer_id)
    try:
        changes = build_changes(entry, desired)
        for attempt in range(options.server_fault_attempts):
            described = _run(entry, changes, attempt, client, retry, options, result, pacer)
            if described is None or described.get("FailureCode") != "SERVER_FAULT":
                break
            result.errors.append(
                f"server fault, retrying: {described.get('FailureDescription', '')}"
            )
    except ClientError as error:
        message = error.response.get("Error", {}).get("Message", "")
        result.errors.append(f"{error_code(error)}: {message}")
    result.seconds = round(time.monotonic() - started, 3)
    return result


def _run(
    entry: OfferPlan,
    changes: list[dict[str, Any]],
    attempt: int,
    client: Any,
    retry: RetryPolicy,
    options: ApplyOptions,
    result: OfferResult,
    pacer: Pacer,
) -> dict[str, Any] | None:
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
    described = _wait(client, retry, result.change_set_id, options, pacer)
    if described is None:
        result.status = "TIMED_OUT"
        result.errors = [
            f"change set {result.change_set_id} still running after {options.timeout_seconds:.0f}s;"
            " rerun apply to pick it up"
        ]
        return None
    result.status = str(described["Status"])
    result.errors = [] if result.status == "SUCCEEDED" else _errors(described, entry)
    if result.status == "SUCCEEDED" and entry.action == "create":
        result.offer_id = _created_id(described) or result.offer_id
    return described


def _wait(
    client: Any, retry: RetryPolicy, change_set_id: str, options: ApplyOptions, pacer: Pacer
) -> dict[str, Any] | None:
    started = time.monotonic()
    deadline = started + options.timeout_seconds
    delay = pacer.first_delay()
    running_at = 0.0
    while True:
        time.sleep(delay)
        polled_at = time.monotonic() - started
        described: dict[str, Any] = retry.call(
            client.describe_change_set, Catalog=CATALOG, ChangeSetId=change_set_id
        )
        if described.get("Status") in TERMINAL:
            pacer.finished(running_at, polled_at)
            return described
        running_at = polled_at
        delay = pacer.next_delay(delay)
        if time.monotonic() + delay > deadline:
            return None


def _errors(described: dict[str, Any], entry: OfferPlan) -> list[str]:
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


def _created_id(described: dict[str, Any]) -> str | None:
    for change in described.get("ChangeSet", []):
        if str(change.get("ChangeType", "")).startswith("CreateOffer"):
            identifier = (change.get("Entity") or {}).get("Identifier")
            return str(identifier).split("@")[0] if identifier else None
    return None
