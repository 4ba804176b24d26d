"""Time for the emulator: a clock that tests can hold still, and the API's timestamp formats.

Change sets move through their lifecycle by comparing stored instants with ``clock.now()`` on every
call (there is no background worker), so a :class:`ManualClock` lets a test keep a change set in
PREPARING for as long as it likes and a :class:`SystemClock` makes the emulator behave in real time.
Instants are POSIX seconds (floats) everywhere inside the engine, formatted only at the edge.
"""

from __future__ import annotations

import calendar
import threading
import time
from datetime import UTC, date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """The engine's only source of time."""

    def now(self) -> float:
        """Seconds since the epoch (UTC)."""
        ...


class SystemClock:
    """Wall-clock time: what a server or the embedded backend uses."""

    def now(self) -> float:
        return time.time()


class ManualClock:
    """A clock that moves only when told to; safe to share between threads."""

    def __init__(self, start: datetime | float | None = None) -> None:
        if start is None:
            start = time.time()
        self._now = start.timestamp() if isinstance(start, datetime) else float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward (never backward: the lifecycle must not run in reverse)."""
        if seconds < 0:
            raise ValueError(f"a clock only moves forward, got {seconds} seconds")
        with self._lock:
            self._now += seconds


def api_time(instant: float) -> str:
    """The Catalog API's ``DateTimeISO8601``: exactly ``YYYY-MM-DDTHH:MM:SSZ``."""
    return datetime.fromtimestamp(instant, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_api_time(text: str) -> float:
    """The inverse of :func:`api_time`; raises ``ValueError`` for anything else."""
    parsed = datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")
    return parsed.replace(tzinfo=UTC).timestamp()


def utc_date(instant: float) -> date:
    """The UTC calendar day of ``instant``: "today" for date rules."""
    return datetime.fromtimestamp(instant, UTC).date()


def details_date(day: date) -> str:
    """How DetailsDocument shows an input ``YYYY-MM-DD``: ``YYYY-MM-DDT00:00:00.000Z``."""
    return f"{day.isoformat()}T00:00:00.000Z"


def details_time(instant: float) -> str:
    """A DetailsDocument timestamp with milliseconds, e.g. an offer's ``ReleaseDate``."""
    moment = datetime.fromtimestamp(instant, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def day_start(day: date) -> float:
    """The first instant (UTC) of ``day``."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def add_months(day: date, months: int) -> date:
    """``day`` plus calendar months, clamped to the last day of the target month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_duration(day: date, years: int, months: int, days: int) -> date:
    """``day`` plus an ISO 8601 ``PnYnMnD`` duration."""
    return add_months(day, years * 12 + months) + timedelta(days=days)
