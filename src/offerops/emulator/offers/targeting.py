"""UpdateTargeting: who may see and accept the offer.

``PositiveTargeting`` needs BuyerAccounts or CountryCodes: 1..26 BuyerAccounts (12-digit strings,
no duplicates) and ISO alpha-2 CountryCodes; ``NegativeTargeting`` takes CountryCodes
(docs/emulator.md, "Deep validation"; the limits are in :mod:`offerops.emulator.limits`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from offerops.emulator import limits
from offerops.emulator.offers import fields
from offerops.emulator.offers.base import Context, Document, Errors
from offerops.emulator.offers.document import set_rule


def update_targeting(
    offer: Document, details: Mapping[str, Any], _context: Context, errors: Errors
) -> None:
    """Apply UpdateTargeting to ``offer``: its TargetingRule is replaced as a whole."""
    if not fields.members(
        details, {"PositiveTargeting"}, {"NegativeTargeting"}, "UpdateTargeting", errors
    ):
        return
    positive = details["PositiveTargeting"]
    if not isinstance(positive, dict) or not fields.members(
        positive, set(), {"BuyerAccounts", "CountryCodes"}, "PositiveTargeting", errors
    ):
        return
    if not positive.get("BuyerAccounts") and not positive.get("CountryCodes"):
        errors.input("PositiveTargeting needs BuyerAccounts or CountryCodes")
        return
    new_rule: Document = {"Type": "TargetingRule", "PositiveTargeting": {}}
    if positive.get("BuyerAccounts") is not None:
        accounts = _buyer_accounts(positive["BuyerAccounts"], errors)
        new_rule["PositiveTargeting"]["BuyerAccounts"] = accounts
    if positive.get("CountryCodes") is not None:
        new_rule["PositiveTargeting"]["CountryCodes"] = _countries(
            positive["CountryCodes"], "PositiveTargeting.CountryCodes", errors
        )
    _negative(details.get("NegativeTargeting"), new_rule, errors)
    set_rule(offer, new_rule)


def _negative(negative: Any, new_rule: Document, errors: Errors) -> None:
    """Add ``NegativeTargeting`` (CountryCodes only) to ``new_rule``, when given."""
    if negative is None:
        return
    if isinstance(negative, dict) and fields.members(
        negative, {"CountryCodes"}, set(), "NegativeTargeting", errors
    ):
        codes = _countries(negative["CountryCodes"], "NegativeTargeting.CountryCodes", errors)
        new_rule["NegativeTargeting"] = {"CountryCodes": codes}
    elif not errors:
        errors.input("NegativeTargeting must be an object with CountryCodes")


def _buyer_accounts(value: Any, errors: Errors) -> list[str]:
    if not isinstance(value, list) or not 1 <= len(value) <= limits.MAX_BUYERS:
        count = len(value) if isinstance(value, list) else "no"
        errors.input(
            f"PositiveTargeting.BuyerAccounts must list 1 to {limits.MAX_BUYERS} accounts, "
            f"got {count}"
        )
        return []
    bad = [str(account) for account in value if not limits.ACCOUNT.match(str(account))]
    if bad or not all(isinstance(account, str) for account in value):
        errors.input(
            f"BuyerAccounts must be 12-digit AWS account ids (as strings), got "
            f"{', '.join(repr(b) for b in bad) or 'a non-string'}"
        )
    duplicates = sorted({a for a in value if value.count(a) > 1})
    if duplicates:
        errors.input(f"BuyerAccounts lists {', '.join(duplicates)} more than once")
    return [str(account) for account in value]


def _countries(value: Any, where: str, errors: Errors) -> list[str]:
    if not isinstance(value, list) or not 1 <= len(value) <= limits.MAX_COUNTRIES:
        errors.input(f"{where} must list 1 to {limits.MAX_COUNTRIES} country codes")
        return []
    bad = [
        str(code) for code in value if not isinstance(code, str) or not limits.COUNTRY.match(code)
    ]
    if bad:
        errors.input(f"{where} must be ISO 3166-1 alpha-2 codes, got {', '.join(bad)}")
    return [str(code) for code in value]
