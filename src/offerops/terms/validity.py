"""``UpdateValidityTerms``: how long the agreement lasts, and when it starts.

Shape (Catalog API reference, "Work with private offers" -> UpdateValidityTerms):
``{"Terms": [{"Type": "ValidityTerm", "AgreementDuration": "P36M"}]}``, or
``AgreementEndDate`` instead of the duration; ``AgreementStartDate`` makes a future-dated
agreement. DescribeEntity returns the term in ``Terms`` with an ``Id`` and dates as
``…T00:00:00.000Z``.

A contract without a ValidityTerm lasts as long as its rate card says: AWS's reference change
sets for contract pricing (CreatePrivateOfferWithContractPricingForAmiProduct,
CreatePrivateOfferWithContractWithPayAsYouGoPricingForSaas, ...) send a
ConfigurableUpfrontPricingTerm whose ``Selector`` is the duration and no ValidityTerm. Such an
offer is read as having the ValidityTerm that duration means (:func:`from_entity`), the term
offerops sends for ``durationMonths``/``durationDays`` on acceptance: the same agreement, so
plan compares them equal and ``import`` writes the duration.

YAML: ``spec.pricing.contract`` (``starts``, ``durationMonths``/``durationDays``/``endsOn``) or
``spec.pricing.usage`` (``durationMonths``/``durationDays``/``endsOn``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from offerops.terms import pricing
from offerops.terms.document import (
    DetailsDocument,
    EntityDetails,
    YamlPath,
    only_keys,
    single_term,
    terms_details,
)
from offerops.terms.pricing import ConfigurableUpfrontPricingTerm, FixedUpfrontPricingTerm
from offerops.terms.values import Duration, Fields, day_of

CHANGE_TYPE: Final = "UpdateValidityTerms"
TERM_TYPE: Final = "ValidityTerm"
AREA: Final = "contract duration or dates"
YAML_PATH: Final[YamlPath] = ("spec", "pricing")
_KEYS = frozenset({"Type", "AgreementDuration", "AgreementEndDate", "AgreementStartDate"})


@dataclass(frozen=True)
class ValidityTerm:
    """A duration or an end date (the API wants exactly one), and an optional start date."""

    duration: Duration | None = None
    end_date: date | None = None
    start_date: date | None = None


def to_details(value: ValidityTerm) -> DetailsDocument:
    """The UpdateValidityTerms document with its one ValidityTerm."""
    term: DetailsDocument = {"Type": TERM_TYPE}
    if value.duration is not None:
        term["AgreementDuration"] = value.duration.iso()
    if value.end_date is not None:
        term["AgreementEndDate"] = value.end_date.isoformat()
    if value.start_date is not None:
        term["AgreementStartDate"] = value.start_date.isoformat()
    return terms_details(term)


def from_entity(details: EntityDetails) -> ValidityTerm | None:
    """The offer's ValidityTerm; for a contract without one, the one its rate card implies;
    None otherwise."""
    term = single_term(details, TERM_TYPE)
    if term is None:
        return implied(details)
    only_keys(term, _KEYS, TERM_TYPE)
    duration = term.get("AgreementDuration")
    end = term.get("AgreementEndDate")
    start = term.get("AgreementStartDate")
    return ValidityTerm(
        None if duration is None else Duration.parse(duration, f"{TERM_TYPE}.AgreementDuration"),
        None if end is None else day_of(end, f"{TERM_TYPE}.AgreementEndDate"),
        None if start is None else day_of(start, f"{TERM_TYPE}.AgreementStartDate"),
    )


def implied(details: EntityDetails) -> ValidityTerm | None:
    """The ValidityTerm of a contract whose one rate card carries its duration (module doc).

    Only for PricingModel Contract with one ConfigurableUpfrontPricingTerm of one rate card and
    no FixedUpfrontPricingTerm: hourly plus annual pricing (Usage) has its own agreement length,
    and a rate card per duration leaves the length to the buyer.
    """
    found = pricing.from_entity(details)
    if found is None or found.model != "Contract":
        return None
    if any(isinstance(term, FixedUpfrontPricingTerm) for term in found.terms):
        return None
    cards = [
        card
        for term in found.terms
        if isinstance(term, ConfigurableUpfrontPricingTerm)
        for card in term.rate_cards
    ]
    return ValidityTerm(duration=cards[0].duration) if len(cards) == 1 else None


def fields(value: ValidityTerm) -> Fields:
    """``duration`` (``P36M``), ``contract ends``, ``contract starts``."""
    result: Fields = {}
    if value.duration is not None:
        result["duration"] = value.duration.iso()
    if value.end_date is not None:
        result["contract ends"] = value.end_date.isoformat()
    if value.start_date is not None:
        result["contract starts"] = value.start_date.isoformat()
    return result


def field_path(label: str) -> YamlPath:
    """Validity labels come from the contract or usage block under ``spec.pricing``."""
    return YAML_PATH
