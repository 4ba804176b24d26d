"""Actual state: an offer entity from DescribeEntity / BatchDescribeEntities, as change documents.

The inverse of ``desired.py``: terms are grouped by the change type that would set them, so a
diff is a comparison of two ``ChangeDocs`` and every difference names the Update* to send.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from offerops.reconcile.canonical import ChangeDocs, canonical, day

PRICING_TERMS = frozenset(
    {
        "ConfigurableUpfrontPricingTerm",
        "FixedUpfrontPricingTerm",
        "UsageBasedPricingTerm",
        "FreeTrialPricingTerm",
        "ByolPricingTerm",
        "RecurringPaymentTerm",
    }
)
_TERM_CHANGE = {
    "ValidityTerm": "UpdateValidityTerms",
    "PaymentScheduleTerm": "UpdatePaymentScheduleTerms",
    "LegalTerm": "UpdateLegalTerms",
}


@dataclass(frozen=True)
class ActualOffer:
    """One offer entity as the marketplace has it."""

    offer_id: str
    arn: str
    identifier: str
    """``offer-…@revision``: changes whenever the entity changes (a saved plan records it)."""
    state: str
    name: str
    product_id: str | None
    resale_authorization_id: str | None
    expires_on: date | None
    docs: ChangeDocs
    key: str | None = None
    """The offerops key from the entity's ``offerops:key`` tag; None for unmanaged offers."""

    @property
    def released(self) -> bool:
        return self.state == "Released"

    def expired(self, today: date) -> bool:
        """An offer is void after 23:59:59 UTC on its AvailabilityEndDate."""
        return self.expires_on is not None and self.expires_on < today


def actual_offer(entity: dict[str, Any], key: str | None = None) -> ActualOffer:
    """Build the actual state from an ``EntityDetail`` (or a DescribeEntity response)."""
    details: dict[str, Any] = entity.get("DetailsDocument") or {}
    docs = offer_docs(details)
    end = docs.get("UpdateAvailability", {}).get("AvailabilityEndDate")
    identifier = str(entity.get("EntityIdentifier", details.get("Id", "")))
    return ActualOffer(
        offer_id=str(details.get("Id") or identifier.split("@")[0]),
        arn=str(entity.get("EntityArn", "")),
        identifier=identifier,
        state=str(details.get("State", "Draft")),
        name=str(details.get("Name", "")),
        product_id=details.get("ProductId"),
        resale_authorization_id=details.get("ResaleAuthorizationId"),
        expires_on=date.fromisoformat(day(end)) if end else None,
        docs=docs,
        key=key,
    )


def offer_docs(details: dict[str, Any]) -> ChangeDocs:
    """Group an offer's DetailsDocument into canonical change documents."""
    docs: ChangeDocs = {"UpdateInformation": _information(details)}
    for rule in details.get("Rules") or []:
        if rule.get("Type") == "TargetingRule":
            buyers = (rule.get("PositiveTargeting") or {}).get("BuyerAccounts") or []
            docs["UpdateTargeting"] = {"PositiveTargeting": {"BuyerAccounts": buyers}}
        elif rule.get("Type") == "AvailabilityRule" and rule.get("AvailabilityEndDate"):
            docs["UpdateAvailability"] = {"AvailabilityEndDate": rule["AvailabilityEndDate"]}
    terms = [_without_id(term) for term in details.get("Terms") or []]
    pricing = [term for term in terms if term.get("Type") in PRICING_TERMS]
    if pricing:
        docs["UpdatePricingTerms"] = {"PricingModel": _pricing_model(pricing), "Terms": pricing}
    for term in terms:
        change_type = _TERM_CHANGE.get(str(term.get("Type")))
        if change_type:
            docs.setdefault(change_type, {"Terms": []})["Terms"].append(term)
    if details.get("MarkupPercentage") is not None:
        docs["UpdateMarkup"] = {"Percentage": str(details["MarkupPercentage"])}
    return canonical(docs)


def _information(details: dict[str, Any]) -> dict[str, Any]:
    document = {"Name": details.get("Name"), "Description": details.get("Description")}
    if details.get("PreExistingAgreement"):
        document["PreExistingAgreement"] = details["PreExistingAgreement"]
    return document


def _without_id(term: dict[str, Any]) -> dict[str, Any]:
    """Terms may carry a service-assigned ``Id``; it is not part of what the seller sets."""
    return {k: v for k, v in term.items() if k != "Id"}


def _pricing_model(terms: list[dict[str, Any]]) -> str:
    types = {term.get("Type") for term in terms}
    if types & {"ConfigurableUpfrontPricingTerm", "FixedUpfrontPricingTerm"}:
        return "Contract"
    if "UsageBasedPricingTerm" in types:
        return "Usage"
    return "Byol" if "ByolPricingTerm" in types else "Free"
