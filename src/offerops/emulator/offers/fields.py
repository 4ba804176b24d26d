"""Small validators for DetailsDocument members; each records its problem on an :class:`Errors`.

Messages name the member as the caller spelled it and say what was expected. Error codes are the
emulator's own (``INVALID_INPUT``...), since the real catalogue of codes is not public
(docs/emulator.md, "Deep validation").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from offerops.emulator import limits
from offerops.emulator.offers.base import Document, Errors

DURATION = re.compile(r"^P(?=\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$")
"""An ISO 8601 duration in years, months and days, as the offer terms use them."""

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def members(
    document: Mapping[str, Any],
    required: set[str],
    optional: set[str],
    where: str,
    errors: Errors,
) -> bool:
    """Required members present and no unknown ones; False (with errors) otherwise.

    Unknown members are refused although the published shapes would ignore them: a typo would
    otherwise be a silent no-op (docs/emulator.md). JSON ``null`` counts as absent.
    """
    missing = sorted(name for name in required if document.get(name) is None)
    unknown = sorted(set(document) - required - optional)
    if missing:
        errors.input(f"{where} is missing {', '.join(missing)}")
    if unknown:
        allowed = ", ".join(sorted(required | optional)) or "nothing"
        errors.input(f"{where} has unknown field(s) {', '.join(unknown)} (allowed: {allowed})")
    return not missing and not unknown


def text(
    details: Mapping[str, Any], name: str, low: int, high: int, offer: Document, errors: Errors
) -> None:
    """Copy an optional string member of ``low..high`` characters into ``offer``."""
    value = details.get(name)
    if value is None:
        return
    if not isinstance(value, str) or not low <= len(value) <= high:
        errors.input(f"{name} must be a string of {low} to {high} characters")
        return
    offer[name] = value


def enum(
    document: Mapping[str, Any], name: str, allowed: Iterable[str], where: str, errors: Errors
) -> str | None:
    """An enum member, or None (with an error) when it is not one of ``allowed``."""
    value = document.get(name)
    choices = tuple(allowed)
    if value not in choices:
        errors.input(f"{where}.{name} must be one of {', '.join(choices)}, got {value!r}")
        return None
    return str(value)


def currency(term: Mapping[str, Any], where: str, errors: Errors) -> None:
    """``CurrencyCode`` among the currencies the Catalog API accepts."""
    enum(term, "CurrencyCode", limits.CURRENCIES, where, errors)


def sized_list(
    document: Mapping[str, Any], name: str, low: int, high: int, where: str, errors: Errors
) -> list[Any]:
    """A list member of ``low..high`` entries (empty, with an error, otherwise)."""
    value = document.get(name)
    if not isinstance(value, list) or not low <= len(value) <= high:
        size = f"exactly {low}" if low == high else f"{low} to {high}"
        errors.input(f"{where}.{name} must be a list of {size} entries")
        return []
    return value


def price(value: Any, pattern: re.Pattern[str], decimals: int, where: str, errors: Errors) -> None:
    """A decimal string matching one of the price patterns of :mod:`offerops.emulator.limits`."""
    if not isinstance(value, str) or not pattern.match(value):
        errors.input(
            f"{where} must be a decimal string of at most {limits.MAX_PRICE} with at most "
            f"{decimals} decimals, got {value!r}"
        )


def duration(value: Any, where: str, errors: Errors) -> None:
    """A non-zero ISO 8601 duration such as ``P12M``."""
    match = DURATION.match(value) if isinstance(value, str) else None
    if match is None or not any(int(part or 0) for part in match.groups()):
        errors.input(f"{where} must be an ISO 8601 duration like P12M or P365D, got {value!r}")


def parse_date(value: Any, where: str, errors: Errors) -> date | None:
    """A ``YYYY-MM-DD`` input date, or None (with an error)."""
    if isinstance(value, str) and _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors.input(f"{where} must be a date YYYY-MM-DD, got {value!r}")
    return None


def single_term(
    details: Mapping[str, Any],
    term_type: str,
    where: str,
    errors: Errors,
    *,
    allow_empty: bool = True,
) -> list[Document] | None:
    """The ``Terms`` of an Update*Terms change: 0..1 ``term_type`` terms (1 if not allow_empty)."""
    if not members(details, {"Terms"}, set(), where, errors):
        return None
    terms = details["Terms"]
    low = 0 if allow_empty else 1
    if not isinstance(terms, list) or not low <= len(terms) <= 1:
        errors.input(
            f"{where}.Terms must hold {'at most' if allow_empty else 'exactly'} one {term_type}"
        )
        return None
    for term in terms:
        if not isinstance(term, dict) or term.get("Type") != term_type:
            kind = term.get("Type") if isinstance(term, dict) else term
            errors.input(f"{where}.Terms takes a {term_type}, got {kind!r}")
            return None
    return list(terms)
