"""Canonical change documents: the one representation both sides of a diff are reduced to.

Desired offers (YAML) and actual offers (DescribeEntity) are both turned into a mapping of
Catalog API change type -> DetailsDocument, normalized so that formatting never shows as a
change: decimals compared by value (``"250.0"`` == ``"250.00"``), dates as ``YYYY-MM-DD``
(DescribeEntity returns ``...T00:00:00.000Z``), buyers and rate cards sorted, schedules by date.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

ChangeDocs = dict[str, dict[str, Any]]
"""Change type (``UpdatePricingTerms``) -> its DetailsDocument, canonical."""

ORDERED_CHANGE_TYPES = (
    "UpdateInformation",
    "UpdateTargeting",
    "UpdatePricingTerms",
    "UpdateValidityTerms",
    "UpdatePaymentScheduleTerms",
    "UpdateLegalTerms",
    "UpdateMarkup",
    "UpdateAvailability",
)
"""The order changes are sent in: availability last, so an offer is never live half-configured."""

MUTABLE_WHEN_RELEASED = frozenset({"UpdateAvailability", "UpdateInformation"})
"""What a released offer still accepts; anything else needs a replacement offer."""

_MONEY_KEYS = frozenset({"Price", "ChargeAmount", "Percentage"})
_DATE_KEYS = frozenset(
    {"AvailabilityEndDate", "ChargeDate", "AgreementStartDate", "AgreementEndDate"}
)


def money(value: Decimal | str) -> str:
    """A canonical decimal string: no exponent, at least 2 decimals, trailing zeros trimmed."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number.normalize(), "f")
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def day(value: str) -> str:
    """``2027-03-31T00:00:00.000Z`` and ``2027-03-31`` are the same day."""
    return str(value)[:10]


def normalize(value: Any, key: str = "") -> Any:
    """Normalize a DetailsDocument fragment recursively (money, dates, list order)."""
    if isinstance(value, dict):
        return {k: normalize(v, k) for k, v in sorted(value.items()) if v is not None}
    if isinstance(value, list):
        items = [normalize(item, key) for item in value]
        if key in ("BuyerAccounts", "CountryCodes"):
            return sorted(items)
        if key in ("RateCard", "Grants"):
            return sorted(items, key=lambda item: str(item.get("DimensionKey", "")))
        if key == "Schedule":
            return sorted(items, key=lambda item: str(item.get("ChargeDate", "")))
        if key == "Terms":
            return sorted(items, key=lambda item: str(item.get("Type", "")))
        return items
    if key in _MONEY_KEYS and isinstance(value, str | int | float | Decimal):
        return money(str(value))
    if key in _DATE_KEYS and isinstance(value, str):
        return day(value)
    return value


def canonical(docs: ChangeDocs) -> ChangeDocs:
    """Every document normalized; empty documents dropped (absent and empty are the same)."""
    result = {}
    for change_type, document in docs.items():
        normalized = normalize(document)
        if normalized and normalized != {"Terms": []}:
            result[change_type] = normalized
    return result


def fingerprint(value: Any) -> str:
    """A stable text form for hashing (sorted keys, no whitespace)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
