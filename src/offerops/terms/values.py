"""Scalar values shared by the terms: money, days, ISO 8601 durations, reviewer fields.

Money is :class:`~decimal.Decimal` and compares by value (``Decimal("250.0") ==
Decimal("250.00")``); the Catalog API takes and returns it as a string (Offer@1.0 ``Price``,
``ChargeAmount``, ``Percentage`` are strings in the AWS Marketplace Catalog API reference,
"Work with private offers"), written here in one canonical form. Days are
:class:`~datetime.date`; change sets take ``2027-03-31`` and DescribeEntity returns
``2027-03-31T00:00:00.000Z``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Literal, TypeAlias

from offerops.terms.document import ShapeError

PricingModel: TypeAlias = Literal["Contract", "Usage", "Byol", "Free"]
"""``UpdatePricingTerms.PricingModel`` and ``PreExistingAgreement.PricingModel``."""
PRICING_MODELS: tuple[PricingModel, ...] = ("Contract", "Usage", "Byol", "Free")

Fields: TypeAlias = dict[str, str]
"""Reviewer labels (``price users``) -> display strings (``250.00``), in display order."""


def format_money(value: Decimal) -> str:
    """A canonical decimal string: no exponent, at least 2 decimals, trailing zeros trimmed.

    The form earlier versions sent (and hashed): ``250`` -> ``250.00``, ``0.120`` -> ``0.12``,
    ``0.085`` -> ``0.085``.
    """
    text = format(value.normalize(), "f")
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def money_of(value: object, where: str) -> Decimal:
    """Read money from a document (a decimal string; a JSON number is accepted too)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ShapeError(f"{where}: expected a decimal string, got {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ShapeError(f"{where}: {value!r} is not a decimal") from None
    if not number.is_finite():
        raise ShapeError(f"{where}: {value!r} is not a finite decimal")
    return number


def day_of(value: object, where: str) -> date:
    """Read a day: ``2027-03-31`` or DescribeEntity's ``2027-03-31T00:00:00.000Z``."""
    if not isinstance(value, str):
        raise ShapeError(f"{where}: expected a date string, got {value!r}")
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ShapeError(f"{where}: {value!r} is not a date") from None


_DURATION = re.compile(r"P(?=\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?")


@dataclass(frozen=True, order=True)
class Duration:
    """An ISO 8601 duration in years, months and days (``P36M``, ``P365D``).

    Used by ``ValidityTerm.AgreementDuration`` and a rate card's ``Selector`` of type
    ``Duration``; kept component by component so ``P12M`` and ``P1Y`` stay what was sent.
    """

    years: int = 0
    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, value: object, where: str) -> Duration:
        """Read ``PnYnMnD`` (any of the three parts, at least one)."""
        found = _DURATION.fullmatch(value) if isinstance(value, str) else None
        if found is None:
            raise ShapeError(f"{where}: {value!r} is not an ISO 8601 duration like P12M")
        years, months, days = (int(part or 0) for part in found.groups())
        return cls(years, months, days)

    def iso(self) -> str:
        """``P36M``; ``P1Y2M``; ``P0D`` for an empty duration."""
        parts = [(self.years, "Y"), (self.months, "M"), (self.days, "D")]
        text = "".join(f"{count}{unit}" for count, unit in parts if count)
        return f"P{text or '0D'}"

    @property
    def whole_months(self) -> int | None:
        """The months of a ``PnM`` duration; None for any other form (``P1Y``, ``P30D``)."""
        if self.years or self.days or not self.months:
            return None
        return self.months

    @property
    def whole_days(self) -> int | None:
        """The days of a ``PnD`` duration (``P30D``, ``P365D``); None for any other form."""
        if self.years or self.months or not self.days:
            return None
        return self.days


def put(fields: Fields, label: str, value: str | None) -> None:
    """Add a field unless it is absent or empty (as the reviewer view always did)."""
    if value is not None and value != "":
        fields[label] = value
