"""Types shared by the offer and config models."""

from __future__ import annotations

import calendar
import json
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from offerops.model.limits import ACCOUNT_ID_PATTERN, CURRENCIES


class StrictModel(BaseModel):
    """A model that refuses unknown fields, converts no types, and is immutable once built.

    Unknown fields are errors because a typo (``expiresOm``) would otherwise silently drop a value
    the seller meant to set. Types are strict because pydantic's lax mode reads ``quantity:
    true`` as 1, ``durationMonths: 36.0`` as 36, ``"36"`` as 36 and ``requireDescription: "no"``
    as False: values the JSON Schema (and so the seller's editor) refuses would pass lint. Every
    subclass inherits it, so a new integer or boolean field is strict without further work;
    fields that do accept text (dates, money, percentages) convert it in their own validator.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, strict=True)


def _account_id_text(value: Any) -> Any:
    """Refuse account ids written as bare numbers: YAML drops their leading zeros."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise PydanticCustomError(
            "account_not_quoted",
            'account ids must be quoted strings like "{example}", got the bare number {value}',
            {"value": value, "example": f"{value:012d}"},
        )
    return value


AccountId = Annotated[
    str,
    BeforeValidator(_account_id_text),
    Field(
        pattern=ACCOUNT_ID_PATTERN,
        description="A 12-digit AWS account id, quoted.",
        examples=["123456789012"],
    ),
]

Currency = Annotated[
    Literal["USD", "EUR", "GBP", "AUD", "JPY", "CAD"],
    Field(description="ISO 4217 currency code accepted by AWS Marketplace.", examples=["USD"]),
]
assert set(Currency.__origin__.__args__) == set(CURRENCIES)  # type: ignore[attr-defined]


def describe(value: Any) -> str:
    """A value as a seller reads it in a message: ``the boolean true``, ``the number 36``,
    ``"36"`` (JSON-quoted, so that a quoted number shows its quotes), ``a list``."""
    if isinstance(value, bool):
        return "the boolean " + str(value).lower()
    if isinstance(value, int | float | Decimal):
        return f"the number {value}"
    if isinstance(value, datetime):
        return f"the timestamp {value.isoformat()}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (an empty value)"
    return json.dumps(str(value), ensure_ascii=False)


_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_YEAR_FIRST = re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$")
_YEAR_LAST = re.compile(r"^([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})$")
_WITH_TIME = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt ]")
_EXAMPLE = "2027-01-31"


def _date_error(template: str, value: Any, **context: Any) -> PydanticCustomError:
    return PydanticCustomError("date_format", template, {"value": str(value), **context})


def parse_date(value: Any) -> date:
    """A date written YYYY-MM-DD, as YAML gives it (a date) or quoted (a string).

    Everything else is refused in the seller's words, never converted: pydantic's lax mode reads
    ``1801353600`` as a Unix time (2027-01-31) and says "invalid character in year" about
    ``01/31/2027``.
    """
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise _date_error(
            "must be a date written YYYY-MM-DD, got {shown}", value, shown=describe(value)
        )
    text = value.strip()
    if _WITH_TIME.match(text):
        raise PydanticCustomError(
            "date_with_time",
            "must be a date written YYYY-MM-DD, without a time of day, got {shown}",
            {"value": value, "shown": describe(value)},
        )
    if _ISO_DATE.match(text):
        return _calendar_date(text)
    raise _date_error(
        "is {shown}, but dates are written YYYY-MM-DD, e.g. {example}",
        value,
        shown=describe(value),
        example=_iso_example(text),
    )


def _calendar_date(text: str) -> date:
    """``2027-02-30`` has the right shape but names no day: say which part is wrong."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    year, month = int(text[:4]), int(text[5:7])
    if not 1 <= month <= 12:
        raise _date_error('is "{value}", which has no month {month}', text, month=month)
    days = calendar.monthrange(max(year, 1), month)[1]
    raise _date_error(
        'is "{value}", which is not a calendar date ({month_name} {year} has {days} days)',
        text,
        month_name=calendar.month_name[month],
        year=year,
        days=days,
    )


def _iso_example(text: str) -> str:
    """The seller's own date rewritten YYYY-MM-DD when it can be read unambiguously
    (``01/31/2027`` -> 2027-01-31, ``31.01.2027`` -> 2027-01-31); both readings when day and
    month could be swapped (``03/04/2027``); a fixed example otherwise."""
    if match := _YEAR_FIRST.match(text):
        year, month, day = (int(part) for part in match.groups())
        return _iso(year, month, day) or _EXAMPLE
    if match := _YEAR_LAST.match(text):
        first, second, year = (int(part) for part in match.groups())
        readings = dict.fromkeys(
            iso for iso in (_iso(year, first, second), _iso(year, second, first)) if iso
        )
        return " or ".join(readings) or _EXAMPLE
    return _EXAMPLE


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


Date = Annotated[
    date,
    BeforeValidator(parse_date),
    Field(description="A calendar date, YYYY-MM-DD.", examples=["2027-03-31"]),
]
"""A date written ``2027-03-31`` (unquoted, or quoted): never a number, a time, or 03/31/2027."""


_DECIMAL_TEXT = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def _percentage(value: Any) -> Any:
    """A number or a quoted decimal; never a boolean (``true`` is not 1 percent)."""
    if isinstance(value, bool):
        raise PydanticCustomError(
            "number_type",
            "must be a number, got the boolean {shown}",
            {"value": value, "shown": str(value).lower()},
        )
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest text of the float: 8.5, not 8.5000000001...
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str) and _DECIMAL_TEXT.match(value.strip()):
        return Decimal(value.strip())
    return value  # the strict Decimal check refuses it


Percentage = Annotated[Decimal, Field(ge=0, le=100), BeforeValidator(_percentage)]
"""0..100 percent, as a YAML number (``8.5``) or a quoted decimal (``"8.5"``). The bounds come
before the validator so that the JSON Schema keeps them as ``minimum``/``maximum``."""

ProductType = Literal["saas", "ami", "container", "ml", "professional-services", "data"]
