"""Fixtures for engine tests: a fresh marketplace on a real SQLite file, driven with wire requests.

Time is a :class:`ManualClock` pinned to 2026-11-23 12:00 UTC, so date rules are reproducible and a
test can hold a change set in PREPARING for as long as it likes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.engine_support import OTHER_SELLER, PRODUCTS, SELLER, START, Api
from offerops.emulator.clock import ManualClock
from offerops.emulator.engine import Marketplace


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
def seller(market: Marketplace) -> Api:
    return Api(market, SELLER)


@pytest.fixture
def other_seller(market: Marketplace) -> Api:
    return Api(market, OTHER_SELLER)
