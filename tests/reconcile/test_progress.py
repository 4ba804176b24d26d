"""What a long apply prints: a line per change set, a heartbeat, a bar for people only."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from offerops.reconcile.apply import ApplyCounts, OfferResult
from offerops.reconcile.progress import (
    CLEAR_LINE,
    ApplyProgress,
    bar_line,
    bar_wanted,
    heartbeat_line,
    offer_line,
)

COUNTS = ApplyCounts(
    total=200,
    started=120,
    running=45,
    done=75,
    failed=3,
    throttled=4,
    paces={"StartChangeSet": 5.0},
)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def started() -> OfferResult:
    return OfferResult("acme", "offers/acme.yaml", "create", "STARTED", None, "cs-1")


def ended(status: str = "SUCCEEDED", errors: list[str] | None = None) -> OfferResult:
    return OfferResult(
        "acme", "offers/acme.yaml", "create", status, "offer-1", "cs-1", errors or [], 12.34
    )


def test_offer_lines_say_key_change_set_and_outcome() -> None:
    assert offer_line(started()) == ["→ create acme started (cs-1)"]
    assert offer_line(ended()) == ["✓ create acme offer-1 succeeded (cs-1, 12.3s)"]
    assert offer_line(ended("FAILED", ["CLIENT_ERROR: no"])) == [
        "✗ create acme offer-1 failed (cs-1, 12.3s)",
        "    offers/acme.yaml: CLIENT_ERROR: no",
    ]


def test_the_heartbeat_counts_everything_a_ci_log_reader_asks() -> None:
    line = heartbeat_line(COUNTS, datetime(2026, 12, 2, 12, 3, 4, tzinfo=UTC))
    assert line == (
        "… 12:03:04 UTC: 120/200 started, 45 running, 75 done (3 failed),"
        " 4 throttling answer(s) retried; starting 5/s"
    )


@pytest.mark.parametrize(
    ("environ", "tty", "wanted"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"CI": "true"}, True, False),
        ({"NO_COLOR": ""}, True, False),
    ],
)
def test_a_bar_only_for_a_person_at_a_terminal(
    environ: dict[str, str], tty: bool, wanted: bool
) -> None:
    stream = Terminal() if tty else io.StringIO()
    assert bar_wanted(stream, environ) is wanted


def test_bar_line() -> None:
    assert bar_line(0, 0, 4) == "[------------------------] 0/4 done, 0 running"
    assert bar_line(2, 1, 4) == "[############------------] 2/4 done, 1 running"


def test_progress_redraws_the_bar_under_each_line_on_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    progress = ApplyProgress(2, bar=True)
    progress.offer(started())
    progress.offer(ended())
    progress.close()
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [offer_line(started())[0], offer_line(ended())[0]]
    assert captured.err.count(CLEAR_LINE) == 3
    assert captured.err.endswith(CLEAR_LINE)
    assert "1/2 done, 0 running" in captured.err


def test_without_a_bar_only_the_lines(capsys: pytest.CaptureFixture[str]) -> None:
    progress = ApplyProgress(1, bar=False)
    progress.offer(started())
    progress.heartbeat(COUNTS)
    progress.close()
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.splitlines()[0] == "→ create acme started (cs-1)"
    assert "120/200 started" in captured.out.splitlines()[1]
