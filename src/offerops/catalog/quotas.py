"""Client-side pacing: each Catalog API operation at the pace of the account's request quota.

AWS limits requests per account and operation ("Service quotas for AWS Marketplace Catalog API":
StartChangeSet 5/s, DescribeChangeSet 10/s, ListEntities 10/s, ...). Sending faster only buys
ThrottlingException answers, each a wasted request and a retry that competes with the next
request. So every call first takes a slot in its operation's :class:`Lane`, spaced at the quota:
a run goes as fast as the quota allows and no faster, at any ``--parallelism``.

The pace is adaptive. A throttling answer means the account's budget is lower than configured
(raised quotas not applied, another tool sharing the account): the lane slows to 70 % (once per
second: answers to one burst are one signal) and pushes its next slot back; each success then
wins back 2 % of the quota, up to the configured rate
(additive increase, multiplicative decrease, as TCP does). An operation without a configured
quota is not paced until its first throttling answer; from then on it has a lane too.

Bursts are kept small (half a second's worth): AWS's buckets allow about a second's worth, so
requests that arrive bunched by the network still fit.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from offerops.timing import RealClock, RunClock

DOCUMENTED_QUOTAS: Mapping[str, float] = MappingProxyType(
    {
        "ListEntities": 10.0,
        "DescribeEntity": 20.0,
        "StartChangeSet": 5.0,
        "ListChangeSets": 5.0,
        "DescribeChangeSet": 10.0,
        "CancelChangeSet": 5.0,
        "TagResource": 5.0,
        "UntagResource": 5.0,
        "ListTagsForResource": 5.0,
    }
)
"""Requests per second per account ("Service quotas for AWS Marketplace Catalog API").

BatchDescribeEntities and the Agreement API have no published quota, so they are not paced until
they are throttled. The emulator enforces the same numbers with ``--rate-limits``."""

UNPUBLISHED_QUOTA = 10.0
"""The ceiling of a lane made for an operation without a published quota, once it is throttled."""
SLOWDOWN = 0.7
RECOVERY = 0.02
FLOOR = 0.05
"""The slowest pace (as a fraction of the quota) that throttling can push a lane to."""
BURST_SECONDS = 0.5
SLOWDOWN_SECONDS = 1.0
"""Throttling answers within this long of a slowdown do not slow the lane again: requests sent
together (up to ``--parallelism``) are answered together, and one burst is one signal."""


@dataclass
class Lane:
    """One operation's pace: slots ``1/rate`` apart, up to ``burst`` slots ahead of time."""

    ceiling: float
    rate: float
    next_slot: float = 0.0
    slowed_at: float = float("-inf")

    @property
    def interval(self) -> float:
        return 1.0 / self.rate

    def allowance(self) -> float:
        """How far ahead of ``now`` slots may be taken (the burst), in seconds."""
        return max(0.0, BURST_SECONDS - self.interval)


class Limiter:
    """The lanes of one run, shared by all its threads."""

    def __init__(
        self, quotas: Mapping[str, float] | None = None, clock: RunClock | None = None
    ) -> None:
        self.clock: RunClock = clock or RealClock()
        self._lanes = {name: Lane(rate, rate) for name, rate in (quotas or {}).items()}
        self._lock = threading.Lock()

    def delay(self, operation: str) -> float:
        """Seconds until ``operation`` could be sent without waiting (0: now)."""
        with self._lock:
            lane = self._lanes.get(operation)
            if lane is None:
                return 0.0
            return max(0.0, lane.next_slot - lane.allowance() - self.clock.now())

    def reserve(self, operation: str) -> float:
        """Take the next slot of ``operation``'s lane; the seconds to wait before sending."""
        with self._lock:
            lane = self._lanes.get(operation)
            if lane is None:
                return 0.0
            now = self.clock.now()
            slot = max(lane.next_slot, now)
            lane.next_slot = slot + lane.interval
            return max(0.0, slot - lane.allowance() - now)

    def acquire(self, operation: str) -> None:
        """Wait for ``operation``'s next slot."""
        self.clock.sleep(self.reserve(operation))

    def throttled(self, operation: str) -> None:
        """A throttling answer: slow the lane (making one if there was none) and back off."""
        with self._lock:
            lane = self._lanes.get(operation)
            if lane is None:
                ceiling = DOCUMENTED_QUOTAS.get(operation, UNPUBLISHED_QUOTA)
                lane = self._lanes[operation] = Lane(ceiling, ceiling)
            now = self.clock.now()
            if now - lane.slowed_at >= SLOWDOWN_SECONDS:
                lane.rate = max(lane.ceiling * FLOOR, lane.rate * SLOWDOWN)
                lane.slowed_at = now
            lane.next_slot = max(lane.next_slot, now) + lane.interval

    def succeeded(self, operation: str) -> None:
        """A call went through: win back a little of the pace throttling took."""
        with self._lock:
            lane = self._lanes.get(operation)
            if lane is not None and lane.rate < lane.ceiling:
                lane.rate = min(lane.ceiling, lane.rate + lane.ceiling * RECOVERY)

    def paces(self) -> dict[str, float]:
        """The current pace of every lane (requests per second), for progress lines."""
        with self._lock:
            return {name: round(lane.rate, 2) for name, lane in sorted(self._lanes.items())}


def quotas_for(setting: str | Mapping[Any, float] | None, kind: str) -> dict[str, float]:
    """The quotas a backend is paced at: ``backend.quotas`` in offerops.yaml.

    ``documented`` (the default for ``aws`` and ``http``) is AWS's published quotas; a mapping
    overrides some of them (accounts with raised quotas); ``none`` (the default for the
    embedded emulator, which enforces none) paces nothing until something is throttled.
    """
    if setting is None:
        setting = "none" if kind == "emulator" else "documented"
    if setting == "none":
        return {}
    if setting == "documented":
        return dict(DOCUMENTED_QUOTAS)
    if isinstance(setting, str):
        raise ValueError(f"unknown quotas setting {setting!r}")
    return {**DOCUMENTED_QUOTAS, **{str(name): float(rate) for name, rate in setting.items()}}
