"""Calendar-month arithmetic, the way contracts and invoices count months.

A month later than January 31 is February 28 (or 29): the day is clamped to the target month's
last day, never rolled over into the next month. A date past year 9999 raises ``OverflowError``,
as ``date + timedelta`` does, so callers handle one exception for "out of range".
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Final

ONE_DAY: Final = timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, clamped to the end of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError(f"{day.isoformat()} + {months} months is out of the date range")
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def last_day_of_term(start: date, months: int) -> date:
    """The last day of a term of ``months`` months starting on ``start`` (inclusive).

    A 12-month contract starting 2027-01-01 ends 2027-12-31; one starting 2027-01-31 ends
    2028-01-30.
    """
    return add_months(start, months) - ONE_DAY


def months_spanned(start: date, last_day: date) -> int:
    """Months a term from ``start`` to ``last_day`` (inclusive) lasts; a partial month counts.

    The smallest ``n`` with ``last_day_of_term(start, n) >= last_day``: 2027-01-01..2027-12-31
    is 12 months, 2027-01-01..2028-01-01 is 13. A term ending before it starts is 0 months.
    """
    if last_day < start:
        return 0
    months = (last_day.year - start.year) * 12 + last_day.month - start.month
    while months > 0 and _covers(start, months - 1, last_day):
        months -= 1
    while not _covers(start, months, last_day):
        months += 1
    return months


def _covers(start: date, months: int, last_day: date) -> bool:
    try:
        return last_day_of_term(start, months) >= last_day
    except OverflowError:
        return True
