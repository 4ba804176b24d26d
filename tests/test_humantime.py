"""Times as the APIs send them, printed as people read them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from offerops.humantime import day, day_of, instant, iso, moment, relative, with_iso_times

ACCEPTED = datetime(2026, 12, 2, 16, 40, 32, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        ACCEPTED,
        ACCEPTED.replace(tzinfo=None),  # the APIs mean UTC
        ACCEPTED.astimezone(timezone(timedelta(hours=-5))),
        ACCEPTED.timestamp(),  # the Agreement API on the wire
        int(ACCEPTED.timestamp()),
        "2026-12-02T16:40:32Z",
        "2026-12-02T16:40:32.000Z",
        "2026-12-02T16:40:32+00:00",
        str(ACCEPTED.timestamp()),
    ],
)
def test_every_shape_is_the_same_instant(value: object) -> None:
    assert instant(value) == ACCEPTED
    assert moment(value) == "2026-12-02 16:40 UTC"
    assert iso(value) == "2026-12-02T16:40:32Z"


@pytest.mark.parametrize("value", [None, "", "soon", True, [], 1e300])
def test_what_is_not_a_time_is_missing(value: object) -> None:
    assert instant(value) is None
    assert day(value, "?") == moment(value, "?") == "?"
    assert iso(value) is None


def test_days_drop_the_time_nobody_set() -> None:
    assert day("2027-03-31T00:00:00.000Z") == "2027-03-31"
    assert day(date(2027, 3, 31)) == "2027-03-31"
    assert day_of("2027-03-31") == date(2027, 3, 31)


@pytest.mark.parametrize(
    ("days", "text"),
    [(0, "today"), (1, "tomorrow"), (-1, "yesterday"), (12, "in 12 days"), (-3, "3 days ago")],
)
def test_relative(days: int, text: str) -> None:
    today = date(2026, 11, 23)
    assert relative(today + timedelta(days=days), today) == text


def test_agreement_records_get_iso_times_and_keep_the_rest() -> None:
    record = {"agreementId": "agmt-1", "startTime": ACCEPTED.timestamp(), "status": "ACTIVE"}
    assert with_iso_times(record) == {
        "agreementId": "agmt-1",
        "startTime": "2026-12-02T16:40:32Z",
        "status": "ACTIVE",
    }
