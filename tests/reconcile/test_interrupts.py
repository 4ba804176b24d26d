"""SIGINT and SIGTERM during apply: what was started is recorded, the exit status says which
signal, and a rerun rejoins the started change sets and converges without duplicates.

apply runs as a real process against an emulator served from this test process whose change
sets take a few seconds; the test waits for apply's "started" progress line (not a sleep)
before it sends the signal.
"""

from __future__ import annotations

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

ENV = {"OFFEROPS_TODAY": "2026-11-23", "NO_COLOR": "1"}
PROCESSING_SECONDS = 6.0
"""How long each change set runs: far longer than apply needs to notice a signal."""
WAIT_SECONDS = 60.0


@pytest.fixture
def slow_repo(embedded_repo: Path, tmp_path: Path) -> Iterator[Path]:
    """The example repository on an HTTP emulator whose change sets take PROCESSING_SECONDS."""
    from offerops.emulator.cli import load_config, resale_authorizations
    from offerops.emulator.engine import Marketplace
    from offerops.emulator.seeding import seed_repository
    from offerops.emulator.server import running_server

    root = embedded_repo
    config = load_config(root / "offerops.yaml")
    market = Marketplace(tmp_path / "served.sqlite", processing_seconds=PROCESSING_SECONDS)
    seed_repository(market, config, resale_authorizations(root / "offers", config))
    with running_server(market) as server:
        text = (root / "offerops.yaml").read_text().split("backend:")[0]
        (root / "offerops.yaml").write_text(
            text + f"backend:\n  kind: http\n  endpoint: {server.url}\n"
        )
        yield root


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
        lines = Lines(process.stdout)
        lines.wait_for("→ ")
        sent = time.monotonic()
        for signum in signals:
            process.send_signal(signum)
        code = process.wait(timeout=WAIT_SECONDS)
        seconds = time.monotonic() - sent
        return code, lines.rest(), process.stderr.read(), seconds


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
    slow_repo: Path, signals: tuple[signal.Signals, ...], code: int, name: str
) -> None:
    status, stdout, stderr, seconds = interrupted_apply(slow_repo, *signals)
    assert status == code, (stdout, stderr)
    assert seconds < PROCESSING_SECONDS, "apply waited for the change sets in flight"
    log = apply_log(slow_repo)
    started = started_ids(stdout)
    interrupted = {o["change_set_id"] for o in log["offers"] if o["status"] == "INTERRUPTED"}
    assert log["interruptedBy"] == name
    assert started and interrupted == started, "every started set is recorded as interrupted"
    assert {o["status"] for o in log["offers"]} <= {"INTERRUPTED", "NOT_STARTED"}
    assert all(o["change_set_id"] is None for o in log["offers"] if o["status"] == "NOT_STARTED")
    summary = log["summary"]
    assert summary["interrupted"] == len(started)
    assert summary["interrupted"] + summary["notStarted"] == 7
    line = [text for text in stderr.splitlines() if text.startswith("offerops: interrupted")]
    assert line == [
        f"offerops: interrupted ({name}): {len(started)} change set(s) started and not followed to"
        f" the end, {summary['notStarted']} offer(s) not started (ids in"
        f" {slow_repo / '.offerops' / 'apply-log.json'}); rerun `offerops apply` to pick them up"
    ]

    rerun = offerops(slow_repo, "apply", "--yes")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    rejoined = {o["change_set_id"] for o in apply_log(slow_repo)["offers"]}
    assert started <= rejoined, "the rerun started new change sets instead of rejoining"
    document = json.loads(offerops(slow_repo, "plan", "--format", "json").stdout)
    assert document["summary"]["no-op"] == 7, document["summary"]
    assert document["summary"]["unmanaged"] == 0, "a duplicate offer was created"
