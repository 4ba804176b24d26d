"""Dates and instants as people read them: ``2027-03-31``, ``2026-12-02 16:40 UTC``, ``in 12 days``.

The APIs hand times over in three shapes: the Catalog API's strings
(``2027-03-31T00:00:00.000Z``), the Agreement API's epoch seconds on the wire (``1796229632.05``)
and the ``datetime`` values boto3 and the embedded client make of them. Sellers compare what
``status`` and the buyer commands print with ``expiresOn: 2027-03-31`` in their files, so every
human-facing output goes through here and shows days as ISO dates and instants to the minute in
UTC, never an epoch number or a time of day nobody set.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

AGREEMENT_TIMES = ("acceptanceTime", "startTime", "endTime", "lastUpdateTime")
"""The Agreement API's timestamp members (epoch seconds on the wire)."""


def instant(value: object) -> datetime | None:
    """``value`` as an aware UTC datetime; None when it is missing or not a time.

    Accepts a ``datetime`` (naive ones are UTC, as the APIs mean them), a ``date`` (its
    midnight), epoch seconds (an int or float, not a bool) and ISO 8601 text with or without a
    time of day and ``Z``.
    """
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_epoch(float(value))
    if isinstance(value, str) and value.strip():
        return _from_text(value.strip())
    return None


def _from_epoch(seconds: float) -> datetime | None:
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _from_text(text: str) -> datetime | None:
    try:
        return instant(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        pass
    try:
        return _from_epoch(float(text))
    except ValueError:
        return None


def day_of(value: object) -> date | None:
    """The UTC day of ``value`` (see :func:`instant`); a ``date`` stays itself."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    moment = instant(value)
    return moment.date() if moment else None


def day(value: object, missing: str = "") -> str:
    """``2027-03-31``: the day of ``value``, as offer files write ``expiresOn``."""
    found = day_of(value)
    return found.isoformat() if found else missing


def moment(value: object, missing: str = "") -> str:
    """``2026-12-02 16:40 UTC``: an instant to the minute (acceptance, for one)."""
    found = instant(value)
    return found.strftime("%Y-%m-%d %H:%M UTC") if found else missing


def iso(value: object) -> str | None:
    """``2026-12-02T16:40:32Z``: an instant for JSON (what the AWS CLI would print, in UTC)."""
    found = instant(value)
    return found.strftime("%Y-%m-%dT%H:%M:%SZ") if found else None


def relative(when: date, today: date) -> str:
    """``today``, ``tomorrow``, ``in 12 days``, ``yesterday``, ``3 days ago``."""
    days = (when - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"


def with_iso_times(record: dict[str, object]) -> dict[str, object]:
    """An Agreement API record with its epoch timestamps as ISO 8601 (for ``--json``)."""
    return {
        name: (iso(value) or value) if name in AGREEMENT_TIMES else value
        for name, value in record.items()
    }
