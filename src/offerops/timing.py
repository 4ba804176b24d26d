"""The reconciler's time: real, or virtual for simulations at AWS's scale.

Everything in a run that waits (pacing to the request quotas, retry backoff, following change
sets, the apply's heartbeat) asks a :class:`RunClock`. The real one is the monotonic clock and
``Event.wait``. The :class:`VirtualClock` moves only when the run itself waits, so a run whose
calls are in-process (the embedded emulator sharing the same clock) takes no real time to wait:
a 10,000-offer apply with five-minute change sets finishes in the time its calls take to compute,
and reports how long it would have taken (``benchmarks/quota_speed.py``).
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

from offerops.emulator.clock import ManualClock


class RunClock(Protocol):
    """The one source of time and waiting in a reconciler run."""

    def now(self) -> float:
        """Seconds on a clock that never goes back (monotonic for the real clock)."""
        ...

    def wall(self) -> float:
        """Seconds since the epoch (UTC): the timestamps written to the apply log."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""
        ...

    def wait(self, event: threading.Event, seconds: float) -> bool:
        """Wait up to ``seconds`` for ``event``; True if it is set."""
        ...


class RealClock:
    """Wall time, for every real run."""

    def now(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def wait(self, event: threading.Event, seconds: float) -> bool:
        return event.wait(max(0.0, seconds))


class VirtualClock(ManualClock):
    """A clock that moves only when the run waits: waiting is advancing.

    The emulator's :class:`~offerops.emulator.clock.ManualClock` (epoch seconds, moved by
    ``advance``), plus what a run needs to wait on it. Meant for one thread (the apply runs its
    calls inline when the clock is virtual): if two threads waited on it, each would move time
    for the other. Its ``now`` is epoch seconds, so the embedded emulator can take it as its
    clock (change sets then finish in virtual time) and as the clock of its quota buckets.
    """

    virtual = True

    def wall(self) -> float:
        return self.now()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.advance(seconds)

    def wait(self, event: threading.Event, seconds: float) -> bool:
        if event.is_set():
            return True
        self.sleep(seconds)
        return event.is_set()


def is_virtual(clock: RunClock) -> bool:
    """Whether waiting on ``clock`` takes no real time (calls then run inline, one at a time)."""
    return bool(getattr(clock, "virtual", False))
