"""Reading and editing an offer's DetailsDocument: its rules, terms and dates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from offerops.emulator.offers.base import Document


def new_offer(offer_id: str, product_id: str) -> Document:
    """A fresh Draft offer of ``product_id``, with no rules and no terms."""
    return {"Id": offer_id, "ProductId": product_id, "State": "Draft", "Rules": [], "Terms": []}


def rule(offer: Mapping[str, Any], rule_type: str) -> Mapping[str, Any] | None:
    """The offer's rule of ``rule_type`` (TargetingRule, AvailabilityRule), if it has one."""
    return next((r for r in offer.get("Rules", []) if r.get("Type") == rule_type), None)


def buyer_accounts(offer: Mapping[str, Any]) -> list[str]:
    """The accounts of the offer's positive targeting."""
    targeting = rule(offer, "TargetingRule") or {}
    return list((targeting.get("PositiveTargeting") or {}).get("BuyerAccounts") or [])


def targeting_kinds(offer: Mapping[str, Any]) -> list[str]:
    """The ``OfferSummary.Targeting`` list: which kinds of positive targeting the offer has."""
    positive = (rule(offer, "TargetingRule") or {}).get("PositiveTargeting") or {}
    kinds = [kind for kind in ("BuyerAccounts", "CountryCodes") if positive.get(kind)]
    return kinds or ["None"]


def end_date(offer: Mapping[str, Any]) -> date | None:
    """The offer's AvailabilityEndDate as a date (the last day a buyer can accept it)."""
    availability = rule(offer, "AvailabilityRule")
    if not availability or not availability.get("AvailabilityEndDate"):
        return None
    return date.fromisoformat(str(availability["AvailabilityEndDate"])[:10])


def is_expired(offer: Mapping[str, Any], today: date) -> bool:
    """Released and past its AvailabilityEndDate (acceptable through the end of that UTC day)."""
    end = end_date(offer)
    return offer.get("State") == "Released" and end is not None and end < today


def end_day(offer: Mapping[str, Any]) -> str:
    """The AvailabilityEndDate for a message (``?`` when there is none)."""
    end = end_date(offer)
    return end.isoformat() if end else "?"


def terms_by_type(offer: Mapping[str, Any]) -> dict[str, Document]:
    """The offer's terms keyed by ``Type`` (an offer has at most one term of each type)."""
    return {str(term.get("Type")): term for term in offer.get("Terms", [])}


def stored_date(value: Any) -> date | None:
    """The date of a stored ``YYYY-MM-DDT00:00:00.000Z`` value (None when absent)."""
    return date.fromisoformat(str(value)[:10]) if value else None


def replace_terms(offer: Document, term_type: str, terms: list[Document]) -> None:
    """Replace every term of ``term_type`` with ``terms`` (appended after the others)."""
    offer["Terms"] = [t for t in offer["Terms"] if t.get("Type") != term_type] + terms


def set_rule(offer: Document, new_rule: Document) -> None:
    """Replace the rule of ``new_rule``'s type (appended after the others)."""
    offer["Rules"] = [r for r in offer["Rules"] if r.get("Type") != new_rule["Type"]] + [new_rule]
