"""ReleaseOffer: a Draft offer becomes Released, visible to its buyers.

The emulator requires a Name, pricing terms, a LegalTerm, BuyerAccounts targeting (it emulates
private offers), an AvailabilityEndDate not in the past, a contract duration, and the cross-term
rules. The real required set is unconfirmed (docs/emulator.md, "Deep validation").

A contract's duration may be given by the rate card alone: AWS's reference change sets
(aws-samples/aws-marketplace-reference-code) CreatePrivateOfferWithContractPricingForAmiProduct,
...ForContainerProduct, CreatePrivateOfferWithTieredContractPricingForSaas and
CreatePrivateOfferWithContractWithPayAsYouGoPricingForSaas release a ConfigurableUpfrontPricingTerm
without a ValidityTerm, its ``Selector`` carrying the duration. Only a FixedUpfrontPricingTerm
without a ``Duration`` and without a ValidityTerm, which no sample sends, is refused (unconfirmed:
the conservative choice).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from offerops.emulator.clock import details_time
from offerops.emulator.offers import fields
from offerops.emulator.offers.base import (
    PRICING_TERMS,
    UPFRONT_TERMS,
    Context,
    Document,
    ErrorDetail,
    Errors,
)
from offerops.emulator.offers.consistency import consistency
from offerops.emulator.offers.document import buyer_accounts, end_date, terms_by_type


def release(offer: Document, details: Mapping[str, Any], context: Context, errors: Errors) -> None:
    """Apply ReleaseOffer: State Released and ReleaseDate now, when nothing is missing."""
    if not fields.members(details, set(), set(), "ReleaseOffer", errors):
        return
    for problem in release_problems(offer, context.today):
        errors.add(problem.code, problem.message)
    for _change_type, problem in consistency(offer):
        errors.add(problem.code, problem.message)
    if not errors:
        offer["State"] = "Released"
        offer["ReleaseDate"] = details_time(context.now)


def release_problems(offer: Document, today: date) -> list[ErrorDetail]:
    """What an offer lacks to be released (empty: it can be)."""
    missing = _missing(offer)
    problems = [
        ErrorDetail("INCOMPLETE_OFFER", f"offer {offer['Id']} cannot be released without {item}")
        for item in missing
    ]
    end = end_date(offer)
    if end is not None and end < today:
        problems.append(
            ErrorDetail(
                "INVALID_INPUT",
                f"offer {offer['Id']} cannot be released with AvailabilityEndDate {end}, which "
                f"is in the past (today is {today})",
            )
        )
    return problems


def _missing(offer: Document) -> list[str]:
    """What the offer lacks, each with the change type that adds it."""
    missing: list[str] = []
    terms = terms_by_type(offer)
    if not offer.get("Name"):
        missing.append("a Name (UpdateInformation)")
    if not terms.keys() & PRICING_TERMS:
        missing.append("pricing terms (UpdatePricingTerms)")
    if "LegalTerm" not in terms:
        missing.append("a LegalTerm (UpdateLegalTerms)")
    if not buyer_accounts(offer):
        missing.append("BuyerAccounts targeting (UpdateTargeting)")
    if end_date(offer) is None:
        missing.append("an AvailabilityEndDate (UpdateAvailability)")
    if terms.keys() & UPFRONT_TERMS and not _has_duration(terms):
        missing.append(
            "a contract duration: a ValidityTerm (UpdateValidityTerms) or a Duration on the "
            "FixedUpfrontPricingTerm (UpdatePricingTerms)"
        )
    return missing


def _has_duration(terms: Mapping[str, Document]) -> bool:
    """Whether a contract says how long it runs (see the module docstring for the sources)."""
    fixed = terms.get("FixedUpfrontPricingTerm")
    return (
        "ValidityTerm" in terms
        or "ConfigurableUpfrontPricingTerm" in terms
        or (fixed is not None and bool(fixed.get("Duration")))
    )
