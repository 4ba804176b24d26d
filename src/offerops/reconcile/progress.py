"""What a long apply shows while it runs: a line per change set, a heartbeat, a progress bar.

An apply against AWS can run for many minutes, and a CI log that stays silent for long looks like
a hung job. So every change set prints a line when it starts (key, change-set id) and when it
ends, a heartbeat line with the counts comes at least every 30 seconds, and on a terminal a
progress bar is kept at the bottom. The bar is only for people at a terminal: never in CI (the
``CI`` variable), never with ``NO_COLOR``, never when standard error is not a terminal.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TextIO

import click

from offerops.reconcile.apply import STARTED, ApplyCounts, OfferResult

MARKS = {"SUCCEEDED": "✓", STARTED: "→", "INTERRUPTED": "…", "NOT_STARTED": "-"}
BAR_WIDTH = 24
CLEAR_LINE = "\r\x1b[K"


def bar_wanted(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """A progress bar only for a person at a terminal."""
    environ = os.environ if environ is None else environ
    if environ.get("CI") or "NO_COLOR" in environ:
        return False
    return stream.isatty()


def offer_line(result: OfferResult) -> list[str]:
    """The line(s) for one offer's start or end (errors indented under it)."""
    mark = MARKS.get(result.status, "✗")
    target = f" {result.offer_id}" if result.offer_id else ""
    if result.status == STARTED:
        return [f"{mark} {result.action} {result.key}{target} started ({result.change_set_id})"]
    status = result.status.lower().replace("_", " ")
    lines = [
        f"{mark} {result.action} {result.key}{target} {status}"
        f" ({result.change_set_id or 'no change set'}, {result.seconds:.1f}s)"
    ]
    lines.extend(f"    {result.relpath}: {error}" for error in result.errors)
    return lines


def heartbeat_line(counts: ApplyCounts, now: datetime | None = None) -> str:
    """The counts every 30 s: CI logs show the apply is alive and how far it got."""
    moment = (now or datetime.now(UTC)).strftime("%H:%M:%S")
    failed = f" ({counts.failed} failed)" if counts.failed else ""
    pace = counts.paces.get("StartChangeSet")
    paced = f"; starting {pace:g}/s" if pace else ""
    return (
        f"… {moment} UTC: {counts.started}/{counts.total} started, {counts.running} running,"
        f" {counts.done} done{failed}, {counts.throttled} throttling answer(s) retried{paced}"
    )


def bar_line(done: int, running: int, total: int) -> str:
    filled = BAR_WIDTH * done // total if total else BAR_WIDTH
    bar = "#" * filled + "-" * (BAR_WIDTH - filled)
    return f"[{bar}] {done}/{total} done, {running} running"


class ApplyProgress:
    """Prints the apply's progress; called from the apply's scheduler thread."""

    def __init__(self, total: int, bar: bool, stream: TextIO | None = None) -> None:
        self.total = total
        self.bar = bar
        self.stream = stream
        self.started = 0
        self.done = 0
        self._lock = threading.Lock()

    def offer(self, result: OfferResult) -> None:
        """An offer's change set started, or the offer's outcome is known."""
        with self._lock:
            if result.status == STARTED:
                self.started += 1
            else:
                self.done += 1
            self._print(offer_line(result))

    def heartbeat(self, counts: ApplyCounts) -> None:
        with self._lock:
            self._print([heartbeat_line(counts)])

    def close(self) -> None:
        """Take the bar away, so the summary starts on a clean line."""
        if self.bar:
            click.echo(CLEAR_LINE, nl=False, err=True, color=True)

    def _print(self, lines: list[str]) -> None:
        if self.bar:
            click.echo(CLEAR_LINE, nl=False, err=True, color=True)
        for line in lines:
            click.echo(line, file=self.stream)
        if self.bar:
            running = max(0, self.started - self.done)
            click.echo(bar_line(self.done, running, self.total), nl=False, err=True)
