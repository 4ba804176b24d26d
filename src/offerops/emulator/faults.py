"""Fault injection: latency, throttling, server errors and failing change sets, on request.

Every random decision comes from one ``random.Random(seed)`` behind a lock, and every call draws the
same number of values whatever the rates are, so a seeded run of the same calls injects the same
faults. Faults are decided *before* the engine touches the database (a throttled or failed call
changes nothing), and a change set chosen to fail with ``SERVER_FAULT`` is marked when it starts and
then fails as a whole, so nothing is ever half-applied.

The optional token buckets model the documented per-account request quotas (off by default;
defined once, in ``offerops.catalog.quotas``, where the client paces itself by the same numbers).
They refill in real time, not on the engine's clock, because quotas are about request rates;
a simulation in virtual time gives the engine its virtual clock for them (``quota_clock``).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from offerops.catalog.quotas import DOCUMENTED_QUOTAS
from offerops.emulator.exceptions import InternalServiceException, ThrottlingException

__all__ = ["DOCUMENTED_QUOTAS", "FaultConfig", "Faults"]


def _rate(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {value}")


@dataclass(frozen=True)
class FaultConfig:
    """What to inject. All rates are probabilities per call (or per change set), 0..1."""

    latency_ms: float = 0.0
    """Added to every call (real sleep, outside any lock)."""
    throttle_rate: float = 0.0
    """Calls answered with ThrottlingException (429)."""
    error_rate: float = 0.0
    """Calls answered with InternalServiceException (500)."""
    server_fault_rate: float = 0.0
    """Change sets that end FAILED with FailureCode SERVER_FAULT (nothing applied)."""
    processing_jitter_seconds: float = 0.0
    """Extra processing time per change set, uniform in [0, jitter], on top of the engine's
    ``processing_seconds``."""
    rate_limits: bool = False
    """Enforce :attr:`quotas` with token buckets per (account, operation)."""
    quotas: Mapping[str, float] = field(default_factory=lambda: DOCUMENTED_QUOTAS)
    seed: int | None = None
    """Seed of the random decisions; None draws from the OS (not reproducible)."""

    def __post_init__(self) -> None:
        for name in ("throttle_rate", "error_rate", "server_fault_rate"):
            _rate(name, getattr(self, name))
        if self.latency_ms < 0 or self.processing_jitter_seconds < 0:
            raise ValueError("latency_ms and processing_jitter_seconds must not be negative")


class _TokenBucket:
    """``rate`` tokens per second, bursting to one second's worth."""

    def __init__(self, rate: float, now: float) -> None:
        self.rate = rate
        self.tokens = rate
        self.updated = now

    def take(self, now: float) -> bool:
        self.tokens = min(self.rate, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


class Faults:
    """The runtime side of a :class:`FaultConfig`: shared by all threads of one engine."""

    def __init__(
        self,
        config: FaultConfig | None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config or FaultConfig()
        self._random = random.Random(self.config.seed)
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], _TokenBucket] = {}
        self._sleep = sleep
        self._monotonic = monotonic

    def before_call(self, operation: str, account: str) -> None:
        """Sleep, then maybe raise a throttling or server error, before any work is done."""
        config = self.config
        with self._lock:
            throttle_draw, error_draw = self._random.random(), self._random.random()
            limited = config.rate_limits and not self._take(operation, account)
        if config.latency_ms:
            self._sleep(config.latency_ms / 1000.0)
        if limited:
            raise ThrottlingException(f"Rate exceeded for {operation} (account {account})")
        if throttle_draw < config.throttle_rate:
            raise ThrottlingException(f"Rate exceeded for {operation} (injected)")
        if error_draw < config.error_rate:
            raise InternalServiceException(
                f"An internal error occurred while processing {operation} (injected)"
            )

    def change_set_plan(self) -> tuple[bool, float]:
        """For a new change set: (does it fail with SERVER_FAULT?, extra processing seconds)."""
        with self._lock:
            fault_draw, jitter_draw = self._random.random(), self._random.random()
        config = self.config
        return fault_draw < config.server_fault_rate, jitter_draw * config.processing_jitter_seconds

    def _take(self, operation: str, account: str) -> bool:
        rate = self.config.quotas.get(operation)
        if rate is None:
            return True
        now = self._monotonic()
        bucket = self._buckets.setdefault((account, operation), _TokenBucket(rate, now))
        return bucket.take(now)
