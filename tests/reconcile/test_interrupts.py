"""SIGINT and SIGTERM during apply: what was started is recorded, the exit status says which
signal, and a rerun rejoins the started change sets and converges without duplicates.

apply runs as a real process against an emulator served from this test process. The emulator's
clock is a manual one that the test holds still, so no change set can finish before the signal
however slow the machine is; the test waits for apply's "started" progress line (not a sleep)
before it sends the signal, and for its "stopping" acknowledgement before a second signal. For
the rerun the clock is fast-forwarded in the background, so the started sets finish.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from offerops.emulator.clock import ManualClock
from reconcile.conftest import EXAMPLE_OFFERS

ENV = {"OFFEROPS_TODAY": "2026-11-23", "NO_COLOR": "1"}
PROCESSING_SECONDS = 60.0
"""How long each change set runs on the emulator's (manual) clock."""
STOP_SECONDS = 20.0
"""Apply must exit this soon after the signal: it never waits for the sets in flight (which,
with the clock held still, would be forever)."""
WAIT_SECONDS = 60.0


class SlowRepo:
    """The example repository on a served emulator whose clock the test controls."""

    def __init__(self, root: Path, clock: ManualClock) -> None:
        self.root = root
        self.clock = clock

    @contextlib.contextmanager
    def time_flowing(self) -> Iterator[None]:
        """Fast-forward the emulator's clock in the background: every change set finishes."""
        done = threading.Event()

        def run() -> None:
            while not done.wait(0.02):
                self.clock.advance(PROCESSING_SECONDS / 4)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()


@pytest.fixture
def slow_repo(embedded_repo: Path, tmp_path: Path) -> Iterator[SlowRepo]:
    """The example repository on an HTTP emulator with a held clock."""
    from offerops.emulator.cli import load_config
    from offerops.emulator.engine import Marketplace
    from offerops.emulator.seeding import seed_repository
    from offerops.emulator.server import running_server

    root = embedded_repo
    config = load_config(root / "offerops.yaml")
    clock = ManualClock()
    market = Marketplace(
        tmp_path / "served.sqlite", clock=clock, processing_seconds=PROCESSING_SECONDS
    )
    seed_repository(market, config)
    with running_server(market) as server:
        text = (root / "offerops.yaml").read_text().split("backend:")[0]
        (root / "offerops.yaml").write_text(
            text + f"backend:\n  kind: http\n  endpoint: {server.url}\n"
        )
        yield SlowRepo(root, clock)


class Lines:
    """A stream read line by line in a thread, so the test can wait for one with a deadline."""

    def __init__(self, stream: IO[str]) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._queue.put(line)
        self._queue.put(None)

    def wait_for(self, needle: str, timeout: float = WAIT_SECONDS) -> str:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            line = self._queue.get(timeout=left)
            if line is None:
                break
            self.seen.append(line)
            if needle in line:
                return line
        raise AssertionError(f"no line with {needle!r} in {self.seen}")

    def rest(self) -> list[str]:
        self._thread.join(timeout=WAIT_SECONDS)
        while (line := self._queue.get_nowait()) is not None:
            self.seen.append(line)
        return self.seen


def command(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "offerops", "--root", str(root), *args]


def offerops(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(root, *args),
        capture_output=True,
        text=True,
        check=False,
        timeout=WAIT_SECONDS * 2,
        env={**os.environ, **ENV},
    )


def interrupted_apply(root: Path, *signals: signal.Signals) -> tuple[int, list[str], str, float]:
    """Start apply, send ``signals`` once a change set is in flight; (status, stdout, stderr,
    seconds from the first signal to the exit)."""
    with subprocess.Popen(
        command(root, "apply", "--yes", "--parallelism", "2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **ENV},
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        lines, errors = Lines(process.stdout), Lines(process.stderr)
        lines.wait_for("→ ")
        sent = time.monotonic()
        for number, signum in enumerate(signals):
            process.send_signal(signum)
            if number + 1 < len(signals):  # CI sends SIGTERM some time after SIGINT
                errors.wait_for("offerops: stopping")
        code = process.wait(timeout=WAIT_SECONDS)
        seconds = time.monotonic() - sent
        return code, lines.rest(), "".join(errors.rest()), seconds


def rerun_apply(slow_repo: SlowRepo) -> tuple[int, str]:
    """Apply again with the clock still held until its change sets are (re)started, so the
    rerun meets the interrupted sets still running; then let time flow until it ends."""
    with subprocess.Popen(
        command(slow_repo.root, "apply", "--yes"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **ENV},
    ) as process:
        assert process.stdout is not None
        lines = Lines(process.stdout)
        lines.wait_for("→ ")
        with slow_repo.time_flowing():
            code = process.wait(timeout=WAIT_SECONDS)
        return code, "".join(lines.rest())


def started_ids(stdout: list[str]) -> set[str]:
    return {line.rsplit("(", 1)[1].rstrip(")\n") for line in stdout if line.startswith("→ ")}


def apply_log(root: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((root / ".offerops" / "apply-log.json").read_text())
    return document


@pytest.mark.parametrize(
    ("signals", "code", "name"),
    [
        ((signal.SIGINT,), 130, "SIGINT"),
        ((signal.SIGTERM,), 143, "SIGTERM"),
        ((signal.SIGINT, signal.SIGTERM), 130, "SIGINT"),  # CI cancellation sends both
    ],
)
def test_interrupted_apply_records_what_it_started_and_a_rerun_converges(
    slow_repo: SlowRepo, signals: tuple[signal.Signals, ...], code: int, name: str
) -> None:
    root = slow_repo.root
    status, stdout, stderr, seconds = interrupted_apply(root, *signals)
    assert status == code, (stdout, stderr)
    assert seconds < STOP_SECONDS, "apply waited for the change sets in flight"
    log = apply_log(root)
    started = started_ids(stdout)
    interrupted = {o["change_set_id"] for o in log["offers"] if o["status"] == "INTERRUPTED"}
    assert log["interruptedBy"] == name
    assert started and interrupted == started, "every started set is recorded as interrupted"
    assert {o["status"] for o in log["offers"]} <= {"INTERRUPTED", "NOT_STARTED"}
    assert all(o["change_set_id"] is None for o in log["offers"] if o["status"] == "NOT_STARTED")
    summary = log["summary"]
    assert summary["interrupted"] == len(started)
    assert summary["interrupted"] + summary["notStarted"] == EXAMPLE_OFFERS
    line = [text for text in stderr.splitlines() if text.startswith("offerops: interrupted")]
    assert line == [
        f"offerops: interrupted ({name}): {len(started)} change set(s) started and not followed to"
        f" the end, {summary['notStarted']} offer(s) not started (ids in"
        f" {root / '.offerops' / 'apply-log.json'}); rerun `offerops apply` to pick them up"
    ]

    rerun_status, rerun_stdout = rerun_apply(slow_repo)
    assert rerun_status == 0, rerun_stdout
    rejoined = {o["change_set_id"] for o in apply_log(root)["offers"]}
    assert started <= rejoined, "the rerun started new change sets instead of rejoining"
    assert {o["status"] for o in apply_log(root)["offers"]} == {"SUCCEEDED"}
    document = json.loads(offerops(root, "plan", "--format", "json").stdout)
    assert document["summary"]["no-op"] == EXAMPLE_OFFERS, document["summary"]
    assert document["summary"]["unmanaged"] == 0, "a duplicate offer was created"
