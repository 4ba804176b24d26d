"""Fixtures for engine tests: a fresh marketplace on a real SQLite file, driven with wire requests.

Time is a :class:`ManualClock` pinned to 2026-11-23 12:00 UTC, so date rules are reproducible and a
test can hold a change set in PREPARING for as long as it likes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from emulator.engine_support import OTHER_SELLER, PRODUCTS, SELLER, START, Api
from offerops.emulator.clock import ManualClock
from offerops.emulator.engine import Marketplace
from offerops.emulator.server import RunningServer, running_server


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "marketplace.sqlite"


@pytest.fixture
def market(db: Path, clock: ManualClock) -> Iterator[Marketplace]:
    with Marketplace(db, clock=clock) as marketplace:
        marketplace.seed_products(SELLER, PRODUCTS)
        yield marketplace


@pytest.fixture
def server(market: Marketplace) -> Iterator[RunningServer]:
    """``market`` served over HTTP on a loopback port (tests that go through boto3)."""
    with running_server(market, default_account=SELLER) as running:
        yield running


@pytest.fixture
def seller(market: Marketplace) -> Api:
    return Api(market, SELLER)


@pytest.fixture
def other_seller(market: Marketplace) -> Api:
    return Api(market, OTHER_SELLER)


Reporter = Callable[[str], None]
_REPORTED: list[str] = []


@pytest.fixture
def report() -> Reporter:
    """Record an informational line for the end of the run (e.g. an SDK newer than the emulator):
    something to act on, which must not fail the build."""
    return _REPORTED.append


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _REPORTED:
        terminalreporter.section("offerops emulator notes")
        for line in dict.fromkeys(_REPORTED):
            terminalreporter.write_line(line)
