"""A reviewer's view of change documents: flat, labelled fields such as ``price users``.

Plans show differences in these terms (old -> new) rather than as API JSON, so a reviewer sees
"price users: 250.00 -> 225.00" and "buyers: + 210987654321" at a glance.
"""

from __future__ import annotations

from typing import Any

from offerops.reconcile.canonical import ChangeDocs

View = dict[str, str]


def view(docs: ChangeDocs) -> View:
    """Flatten change documents into labelled, comparable strings."""
    fields: View = {}
    info = docs.get("UpdateInformation", {})
    _put(fields, "name", info.get("Name"))
    _put(fields, "description", info.get("Description"))
    agreement = info.get("PreExistingAgreement")
    if agreement:
        _put(
            fields,
            "renewal",
            f"{agreement.get('AcquisitionChannel')} {agreement.get('PricingModel')}",
        )
    buyers = docs.get("UpdateTargeting", {}).get("PositiveTargeting", {}).get("BuyerAccounts")
    if buyers:
        fields["buyers"] = ", ".join(buyers)
    _put(fields, "expires", docs.get("UpdateAvailability", {}).get("AvailabilityEndDate"))
    pricing = docs.get("UpdatePricingTerms", {})
    _put(fields, "pricing model", pricing.get("PricingModel"))
    for term in pricing.get("Terms", []):
        _pricing_term(fields, term)
    for term in docs.get("UpdateValidityTerms", {}).get("Terms", []):
        _put(fields, "duration", term.get("AgreementDuration"))
        _put(fields, "contract ends", term.get("AgreementEndDate"))
        _put(fields, "contract starts", term.get("AgreementStartDate"))
    for term in docs.get("UpdatePaymentScheduleTerms", {}).get("Terms", []):
        for payment in term.get("Schedule", []):
            fields[f"installment {payment['ChargeDate']}"] = str(payment["ChargeAmount"])
    for term in docs.get("UpdateLegalTerms", {}).get("Terms", []):
        for document in term.get("Documents", []):
            label = document.get("Url") or f"version {document.get('Version')}"
            fields["legal"] = f"{document.get('Type')} {label}"
    _put(fields, "markup %", docs.get("UpdateMarkup", {}).get("Percentage"))
    return fields


def _pricing_term(fields: View, term: dict[str, Any]) -> None:
    kind = term.get("Type", "")
    _put(fields, "currency", term.get("CurrencyCode"))
    if kind == "FixedUpfrontPricingTerm":
        _put(fields, "contract price", term.get("Price"))
        for grant in term.get("Grants", []):
            fields[f"quantity {grant['DimensionKey']}"] = str(grant.get("MaxQuantity"))
        return
    for card in term.get("RateCards", []):
        selector = card.get("Selector") or {}
        _put(fields, "contract duration", selector.get("Value"))
        constraints = card.get("Constraints") or {}
        selection = constraints.get("MultipleDimensionSelection")
        if selection:
            fields["purchasing"] = (
                "multiple-dimensions" if selection == "Allowed" else "single-dimension"
            )
        label = "rate" if kind == "UsageBasedPricingTerm" else "price"
        for item in card.get("RateCard", []):
            fields[f"{label} {item['DimensionKey']}"] = str(item.get("Price"))


def _put(fields: View, label: str, value: Any) -> None:
    if value is not None and value != "":
        fields[label] = str(value)
