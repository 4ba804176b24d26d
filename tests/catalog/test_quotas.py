"""Client-side pacing: lanes spaced at the quotas, slowed by throttling, recovering after."""

from __future__ import annotations

from typing import get_args

import pytest
from pydantic import ValidationError

from offerops.catalog.quotas import (
    DOCUMENTED_QUOTAS,
    FLOOR,
    SLOWDOWN,
    SLOWDOWN_SECONDS,
    Limiter,
    quotas_for,
)
from offerops.model.config import Backend, PacedOperation
from offerops.timing import VirtualClock


def paced(quotas: dict[str, float]) -> tuple[Limiter, VirtualClock]:
    clock = VirtualClock(start=0.0)
    return Limiter(quotas, clock), clock


def test_calls_are_spaced_at_the_quota_after_a_small_burst() -> None:
    limiter, clock = paced({"StartChangeSet": 5.0})
    for _ in range(52):
        limiter.acquire("StartChangeSet")
    # a burst of about half a second's worth, then one slot every 0.2 s
    assert 9.5 <= clock.now() <= 10.2


def test_an_operation_without_a_lane_is_not_paced() -> None:
    limiter, clock = paced({})
    for _ in range(100):
        limiter.acquire("BatchDescribeEntities")
    assert clock.now() == 0.0
    assert limiter.delay("BatchDescribeEntities") == 0.0


def test_delay_says_when_the_next_slot_comes_without_taking_it() -> None:
    limiter, clock = paced({"DescribeChangeSet": 10.0})
    while limiter.delay("DescribeChangeSet") == 0.0:
        limiter.reserve("DescribeChangeSet")
    waiting = limiter.delay("DescribeChangeSet")
    assert 0 < waiting <= 0.1
    assert limiter.delay("DescribeChangeSet") == waiting  # asking takes nothing
    clock.sleep(waiting)
    assert limiter.delay("DescribeChangeSet") == 0.0


def test_throttling_slows_the_lane_and_successes_win_the_pace_back() -> None:
    limiter, _clock = paced({"StartChangeSet": 5.0})
    limiter.throttled("StartChangeSet")
    assert limiter.paces()["StartChangeSet"] == pytest.approx(5.0 * SLOWDOWN)
    for _ in range(200):
        limiter.succeeded("StartChangeSet")
    assert limiter.paces()["StartChangeSet"] == 5.0


def test_throttling_an_unpaced_operation_gives_it_a_lane_with_a_floor() -> None:
    limiter, clock = paced({})
    for _ in range(100):
        limiter.throttled("ListTagsForResource")
        clock.sleep(SLOWDOWN_SECONDS)
    quota = DOCUMENTED_QUOTAS["ListTagsForResource"]
    assert limiter.paces()["ListTagsForResource"] == pytest.approx(quota * FLOOR)


def test_answers_to_one_burst_slow_the_lane_once() -> None:
    """Twenty-five requests sent together and throttled together are one signal, not 25."""
    limiter, clock = paced({"StartChangeSet": 5.0})
    for _ in range(25):
        limiter.throttled("StartChangeSet")
    assert limiter.paces()["StartChangeSet"] == pytest.approx(5.0 * SLOWDOWN)
    clock.sleep(SLOWDOWN_SECONDS)
    limiter.throttled("StartChangeSet")
    assert limiter.paces()["StartChangeSet"] == pytest.approx(5.0 * SLOWDOWN**2)


@pytest.mark.parametrize(
    ("setting", "kind", "expected"),
    [
        (None, "emulator", {}),
        (None, "http", dict(DOCUMENTED_QUOTAS)),
        (None, "aws", dict(DOCUMENTED_QUOTAS)),
        ("none", "aws", {}),
        ("documented", "emulator", dict(DOCUMENTED_QUOTAS)),
        ({"StartChangeSet": 10}, "aws", {**DOCUMENTED_QUOTAS, "StartChangeSet": 10.0}),
    ],
)
def test_quotas_per_backend(setting: object, kind: str, expected: dict[str, float]) -> None:
    assert quotas_for(setting, kind) == expected  # type: ignore[arg-type]


def test_offerops_yaml_takes_quotas_for_known_operations_only() -> None:
    backend = Backend.model_validate({"kind": "aws", "quotas": {"StartChangeSet": 10}})
    assert backend.quotas == {"StartChangeSet": 10.0}
    with pytest.raises(ValidationError):
        Backend.model_validate({"kind": "aws", "quotas": {"StartChangeSets": 10}})
    with pytest.raises(ValidationError):
        Backend.model_validate({"kind": "aws", "quotas": {"StartChangeSet": 0}})
    with pytest.raises(ValidationError):
        Backend.model_validate({"kind": "aws", "quotas": "fast"})


def test_the_configurable_operations_are_the_documented_ones_and_batch_describe() -> None:
    assert set(get_args(PacedOperation)) == {*DOCUMENTED_QUOTAS, "BatchDescribeEntities"}
