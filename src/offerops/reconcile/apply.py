"""Apply a plan: one change set per offer, started as fast as the quotas allow, followed together.

The limits are AWS's, not this machine's: StartChangeSet's quota (5/s) and the minutes a change
set takes. So change sets are *pipelined*: a scheduler starts them one after another at the pace
of StartChangeSet's lane (``offerops.catalog.quotas``), and follows every open one together: a
sweep of ListChangeSets (status PREPARING or APPLYING, 20 a page) finds the ones that ended, and
only those are described (DescribeChangeSet, once each) for their outcome. No thread waits on one
change set; ``parallelism`` bounds the requests in flight, and the quotas set the pace. A change set
whose status could not be read yet stays open and is followed until it ends (or times out); it is
never reported failed for that.

Safe to rerun after any interruption: tokens are deterministic (see ``changeset.token``), new
offers carry their key as a tag from the moment they exist, and a rerun plans against what the
marketplace has now. One offer's failure never stops the others.

Interrupts (SIGINT, SIGTERM) set ``ApplyOptions.stop``: no new change set starts, and the sets
in flight stop being followed. Each offer's result then says what is true: ``NOT_STARTED``, or
``INTERRUPTED`` with the id of the change set that was started and not followed to the end,
which a rerun rejoins through its token.

With a virtual clock (``offerops.timing``) every call runs inline in the scheduler's thread and
waiting moves the clock: the same code then simulates AWS's scale in seconds.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from offerops.catalog.client import CatalogClient
from offerops.reconcile.changeset import CannotChange, build_changes, change_set_name, token
from offerops.reconcile.desired import DesiredOffer
from offerops.reconcile.diff import OfferPlan
from offerops.reconcile.fetch import CATALOG, KEY_TAG, KeyIndex, key_holder
from offerops.reconcile.retry import RetryPolicy, error_code
from offerops.timing import RealClock, RunClock, is_virtual

if TYPE_CHECKING:
    from mypy_boto3_marketplace_catalog.type_defs import (
        ChangeTypeDef,
        DescribeChangeSetResponseTypeDef,
        ListChangeSetsResponseTypeDef,
        StartChangeSetResponseTypeDef,
    )

TERMINAL = frozenset({"SUCCEEDED", "FAILED", "CANCELLED"})
RUNNING = ("PREPARING", "APPLYING")
STARTED = "STARTED"
"""A change set started and not yet followed to its end (what ``on_start`` reports)."""
INTERRUPTED = "INTERRUPTED"
NOT_STARTED = "NOT_STARTED"
SWEEP_PAGE = 20
"""ListChangeSets' largest page."""
SWEEP_FAILURES = 3
"""Sweeps in a row that fail (each after its retries) before the open change sets are given up
as lost (INTERRUPTED: a rerun picks them up)."""


@dataclass(frozen=True)
class ApplyCounts:
    """Where an apply stands: the heartbeat line and the progress bar."""

    total: int
    started: int
    running: int
    done: int
    failed: int
    throttled: int
    paces: dict[str, float]


@dataclass
class ApplyOptions:
    parallelism: int = 10
    """Requests in flight at once (starts, reads); the quotas set the pace, not this."""
    poll_initial_seconds: float = 0.05
    """The first sweep for ended change sets comes this soon; sweeps back off by 1.5x until
    one ends, then come about eight times per typical change-set duration."""
    poll_max_seconds: float = 5.0
    timeout_seconds: float = 3600.0
    """A change set still open this long after it started is reported TIMED_OUT."""
    server_fault_attempts: int = 3
    heartbeat_seconds: float = 30.0
    stop: threading.Event = field(default_factory=threading.Event)
    """Set (by a signal handler) to stop: no new change set starts, following stops."""
    on_start: Callable[[OfferResult], None] | None = None
    """Called once an offer's change set is started (status STARTED)."""
    on_heartbeat: Callable[[ApplyCounts], None] | None = None
    """Called every ``heartbeat_seconds`` while the apply runs."""
    clock: RunClock = field(default_factory=RealClock)


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
    started_at: str | None = None
    """When its (first) change set was started, UTC."""
    finished_at: str | None = None
    """When its outcome was known, UTC."""

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
            "startedAt": self.started_at,
            "finishedAt": self.finished_at,
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
    pipeline = Pipeline(client, retry, index, options, progress)
    results.extend(pipeline.run([(entry, desired.get(entry.key or "")) for entry in work]))
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


@dataclass
class _Job:
    """One offer's work: its change set, the attempt, and what happened so far."""

    entry: OfferPlan
    changes: list[ChangeTypeDef]
    result: OfferResult
    attempt: int = 0
    began: float | None = None
    """When its first StartChangeSet was sent: the offer's ``seconds`` count from here."""
    started_at: float = 0.0


@dataclass
class _Sweep:
    """One pass of ListChangeSets over the running change sets (page by page)."""

    began: float
    running: set[str] = field(default_factory=set)
    next_token: str | None = None


class _Durations:
    """How long change sets take here: the sweep interval follows it.

    Change sets take seconds on the emulator and minutes on AWS. Before any has ended, sweeps
    back off from ``poll_initial_seconds`` by 1.5x; after, they come about eight times per
    typical duration (the median so far), within the configured bounds, so an ended set is
    noticed within an eighth of its duration and a sweep costs one ListChangeSets page per 20
    running sets.
    """

    def __init__(self, options: ApplyOptions) -> None:
        self._options = options
        self._seen: list[float] = []
        self._backoff = options.poll_initial_seconds

    def ended(self, seconds: float) -> None:
        self._seen.append(seconds)

    def sweep_interval(self) -> float:
        low, high = self._options.poll_initial_seconds, self._options.poll_max_seconds
        if not self._seen:
            interval, self._backoff = self._backoff, min(high, self._backoff * 1.5)
            return interval
        typical = sorted(self._seen)[len(self._seen) // 2]
        return min(high, max(low, typical / 8))


class _Inline:
    """An executor that runs each call at once, in the caller's thread (virtual time)."""

    def submit(self, function: Callable[[], Any]) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(function())
        except BaseException as error:  # handed to the scheduler, like a pool's future
            future.set_exception(error)
        return future


Task = tuple[str, Callable[[], Any], Callable[[Future[Any]], None]]
"""(operation, the call, what to do with its future in the scheduler's thread)."""


class Pipeline:
    """The scheduler: starts, sweeps and describes, each when its lane has a slot.

    All decisions happen in one thread (the caller's); only the API calls run in a pool (or
    inline, with a virtual clock). Every call goes through the retry policy, so throttling only
    slows the lane it hit.
    """

    def __init__(
        self,
        client: CatalogClient,
        retry: RetryPolicy,
        index: KeyIndex,
        options: ApplyOptions,
        progress: Progress | None = None,
    ) -> None:
        self.client, self.retry, self.index = client, retry, index
        self.options, self.progress = options, progress
        self.clock = options.clock
        self.pending: deque[_Job] = deque()
        self.open: dict[str, _Job] = {}
        self.to_describe: deque[str] = deque()
        self.describing: set[str] = set()
        self.inflight: dict[Future[Any], Callable[[Future[Any]], None]] = {}
        self.sweep: _Sweep | None = None
        self.sweeping = False
        self.starting = 0
        self._start_slots = max(1, options.parallelism // 2)
        """Starts in flight at most: the other slots stay free for following."""
        self.sweep_failures = 0
        self.next_sweep_at = 0.0
        self.durations = _Durations(options)
        self.results: list[OfferResult] = []
        self.total = 0
        self.next_heartbeat = self.clock.now() + options.heartbeat_seconds

    # --- the loop ------------------------------------------------------------------------------

    def run(self, work: list[tuple[OfferPlan, DesiredOffer | None]]) -> list[OfferResult]:
        self.total = len(work)
        for entry, desired in work:
            self._queue(entry, desired)
        with self._executor() as pool:
            while self._busy():
                self._collect()
                if self.options.stop.is_set():
                    if not self.inflight:
                        break
                    self._wait(0.05)
                    continue
                self._time_out()
                self._heartbeat()
                if not self._launch(pool) and self._busy():
                    self._wait(self._until_next())
        self._stopped()
        return self.results

    def _queue(self, entry: OfferPlan, desired: DesiredOffer | None) -> None:
        result = OfferResult(entry.key, entry.relpath, entry.action, "FAILED", entry.offer_id)
        try:
            changes = build_changes(entry, desired)
        except CannotChange as error:
            result.errors.append(f"{error.message}; {error.hint}")
            self._finish(result)
            return
        self.pending.append(_Job(entry, changes, result))

    def _busy(self) -> bool:
        return bool(self.pending or self.open or self.inflight)

    @contextmanager
    def _executor(self) -> Iterator[_Inline | ThreadPoolExecutor]:
        if is_virtual(self.clock):
            yield _Inline()
            return
        with ThreadPoolExecutor(max_workers=max(1, self.options.parallelism)) as pool:
            yield pool

    def _launch(self, pool: _Inline | ThreadPoolExecutor) -> bool:
        """Submit every call whose lane has a slot, up to ``parallelism`` in flight."""
        launched = False
        while len(self.inflight) < max(1, self.options.parallelism):
            task = self._next_task()
            if task is None:
                break
            _operation, call, done = task
            self.inflight[pool.submit(call)] = done
            launched = True
            self._collect()
        return launched

    def _next_task(self) -> Task | None:
        """Describe ended sets first (results sooner), then sweep, then start the next offer."""
        ready = self.retry.pace.delay
        if self.to_describe and ready("DescribeChangeSet") <= 0:
            return self._describe_task(self.to_describe.popleft())
        if self._sweep_due() and ready("ListChangeSets") <= 0:
            return self._sweep_task()
        if self.pending and ready("StartChangeSet") <= 0 and self.starting < self._start_slots:
            return self._start_task(self.pending.popleft())
        return None

    def _until_next(self) -> float:
        """Seconds until something can be done: a lane's slot, a sweep, a heartbeat."""
        pace = self.retry.pace.delay
        now = self.clock.now()
        waits = [self.options.poll_max_seconds]
        if self.options.on_heartbeat is not None:
            waits.append(self.next_heartbeat - now)
        if self.to_describe:
            waits.append(pace("DescribeChangeSet"))
        if self.pending:
            waits.append(pace("StartChangeSet"))
        if self.open and not self.sweeping:
            waits.append(max(self.next_sweep_at - now, pace("ListChangeSets")))
        soonest = max(0.001, min(waits))
        return soonest if is_virtual(self.clock) else min(soonest, 0.25)

    def _wait(self, seconds: float) -> None:
        if self.inflight and not is_virtual(self.clock):
            wait(list(self.inflight), timeout=seconds, return_when=FIRST_COMPLETED)
        else:
            self.clock.wait(self.options.stop, seconds)

    def _collect(self) -> None:
        """Hand every finished call to its handler (in this thread)."""
        for future in [future for future in self.inflight if future.done()]:
            self.inflight.pop(future)(future)

    # --- starting ------------------------------------------------------------------------------

    def _start_task(self, job: _Job) -> Task:
        entry = job.entry
        if job.began is None:
            job.began = self.clock.now()

        def start() -> StartChangeSetResponseTypeDef:
            return self.retry.call(
                self.client.start_change_set,
                Catalog=CATALOG,
                ChangeSet=job.changes,
                ChangeSetName=change_set_name(entry),
                ClientRequestToken=token(entry, job.attempt),
                ChangeSetTags=[{"Key": KEY_TAG, "Value": entry.key or entry.offer_id or "?"}],
            )

        self.starting += 1
        return "StartChangeSet", start, lambda future: self._started(job, future)

    def _started(self, job: _Job, future: Future[Any]) -> None:
        self.starting -= 1
        result = job.result
        error = future.exception()
        if error is not None:
            self._explain(result, error)
            self._finish(result, job)
            return
        response: StartChangeSetResponseTypeDef = future.result()
        result.change_set_id = str(response["ChangeSetId"])
        result.status = STARTED
        job.started_at = self.clock.now()
        result.started_at = result.started_at or _utc(self.clock.wall())
        self.open[result.change_set_id] = job
        if self.options.on_start is not None:
            self.options.on_start(replace(result, errors=[]))

    # --- following -----------------------------------------------------------------------------

    def _sweep_due(self) -> bool:
        if not self.open or self.sweeping:
            return False
        return self.sweep is not None or self.clock.now() >= self.next_sweep_at

    def _sweep_task(self) -> Task:
        if self.sweep is None:
            self.sweep = _Sweep(began=self.clock.now())
        sweep = self.sweep
        request: dict[str, Any] = {
            "Catalog": CATALOG,
            "FilterList": [{"Name": "Status", "ValueList": list(RUNNING)}],
            "MaxResults": SWEEP_PAGE,
        }
        if sweep.next_token:
            request["NextToken"] = sweep.next_token
        self.sweeping = True

        def page() -> ListChangeSetsResponseTypeDef:
            return self.retry.call(self.client.list_change_sets, **request)

        return "ListChangeSets", page, lambda future: self._swept(sweep, future)

    def _swept(self, sweep: _Sweep, future: Future[Any]) -> None:
        self.sweeping = False
        error = future.exception()
        if error is not None:
            self._sweep_failed(error)
            return
        self.sweep_failures = 0
        page: ListChangeSetsResponseTypeDef = future.result()
        sweep.running.update(str(s.get("ChangeSetId")) for s in page["ChangeSetSummaryList"])
        sweep.next_token = page.get("NextToken")
        if sweep.next_token:
            return
        self.sweep = None
        self.next_sweep_at = self.clock.now() + self.durations.sweep_interval()
        for change_set_id, job in sorted(self.open.items(), key=lambda item: item[1].started_at):
            if change_set_id in sweep.running or change_set_id in self.describing:
                continue
            if job.started_at <= sweep.began:
                self.describing.add(change_set_id)
                self.to_describe.append(change_set_id)

    def _sweep_failed(self, error: BaseException) -> None:
        """A sweep that failed after its retries is tried again; three in a row lose track."""
        self.sweep = None
        self.sweep_failures += 1
        self.next_sweep_at = self.clock.now() + self.options.poll_max_seconds
        if self.sweep_failures < SWEEP_FAILURES:
            return
        for job in list(self.open.values()):
            self._explain(job.result, error)
            self._close(job)

    def _describe_task(self, change_set_id: str) -> Task:
        def describe() -> DescribeChangeSetResponseTypeDef:
            return self.retry.call(
                self.client.describe_change_set, Catalog=CATALOG, ChangeSetId=change_set_id
            )

        return "DescribeChangeSet", describe, lambda f: self._described(change_set_id, f)

    def _described(self, change_set_id: str, future: Future[Any]) -> None:
        self.describing.discard(change_set_id)
        job = self.open.get(change_set_id)
        if job is None:
            return  # timed out or given up meanwhile
        error = future.exception()
        if isinstance(error, ClientError):
            return  # not readable yet (or gone from the list early): the next sweep asks again
        if error is not None:
            self._explain(job.result, error)
            self._close(job)
            return
        described: DescribeChangeSetResponseTypeDef = future.result()
        if described.get("Status") in TERMINAL:
            self._ended(job, described)

    def _ended(self, job: _Job, described: DescribeChangeSetResponseTypeDef) -> None:
        result = job.result
        del self.open[str(result.change_set_id)]
        self.durations.ended(self.clock.now() - job.started_at)
        server_fault = described.get("FailureCode") == "SERVER_FAULT"
        if server_fault and job.attempt + 1 < self.options.server_fault_attempts:
            result.errors.append(
                f"server fault, retrying: {described.get('FailureDescription', '')}"
            )
            job.attempt += 1
            self.pending.appendleft(job)
            return
        result.status = str(described["Status"])
        result.errors = [] if result.status == "SUCCEEDED" else _errors(described)
        if result.status == "SUCCEEDED" and job.entry.action == "create":
            result.offer_id = _created_id(described) or result.offer_id
        self._finish(result, job)

    # --- ends ----------------------------------------------------------------------------------

    def _explain(self, result: OfferResult, error: BaseException) -> None:
        """A failed call: the offer's error (outcome unknown if its change set had started)."""
        if isinstance(error, ClientError):
            message = error.response.get("Error", {}).get("Message", "")
            result.errors.append(f"{error_code(error)}: {message}")
        elif isinstance(error, Exception):
            _failed_unexpectedly(result, error)
            return
        else:
            raise error
        _lost_track(result)

    def _close(self, job: _Job) -> None:
        """Stop following ``job`` (its result already says why) and report it."""
        self.open.pop(str(job.result.change_set_id), None)
        self._finish(job.result, job)

    def _time_out(self) -> None:
        limit = self.clock.now() - self.options.timeout_seconds
        for job in [job for job in self.open.values() if job.started_at < limit]:
            _unfinished(job.result, self.options)
            self._close(job)

    def _stopped(self) -> None:
        """After a stop: what never started, and what started and was not followed to its end."""
        for job in self.pending:
            _not_started(job.result)
            self._finish(job.result, job)
        self.pending.clear()
        for job in list(self.open.values()):
            _unfinished(job.result, self.options)
            self._close(job)

    def _finish(self, result: OfferResult, job: _Job | None = None) -> None:
        if job is not None and job.began is not None:
            result.seconds = round(self.clock.now() - job.began, 3)
        result.finished_at = _utc(self.clock.wall())
        if result.status == "SUCCEEDED" and result.offer_id and result.key:
            self.index.remember(result.offer_id, result.key)
        self.results.append(result)
        if self.progress is not None:
            self.progress(result)

    def _heartbeat(self) -> None:
        now = self.clock.now()
        if self.options.on_heartbeat is None or now < self.next_heartbeat:
            return
        self.next_heartbeat = now + self.options.heartbeat_seconds
        self.options.on_heartbeat(self.counts())

    def counts(self) -> ApplyCounts:
        done = len(self.results)
        return ApplyCounts(
            total=self.total,
            started=sum(1 for r in self.results if r.started_at) + len(self.open),
            running=len(self.open),
            done=done,
            failed=sum(1 for r in self.results if r.status != "SUCCEEDED"),
            throttled=self.retry.throttled(),
            paces=self.retry.pace.paces(),
        )


def _utc(instant: float) -> str:
    moment = datetime.fromtimestamp(instant, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


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


def _errors(described: DescribeChangeSetResponseTypeDef) -> list[str]:
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
