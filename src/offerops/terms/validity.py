"""``UpdateValidityTerms``: how long the agreement lasts, and when it starts.

Shape (Catalog API reference, "Work with private offers" -> UpdateValidityTerms):
``{"Terms": [{"Type": "ValidityTerm", "AgreementDuration": "P36M"}]}``, or
``AgreementEndDate`` instead of the duration; ``AgreementStartDate`` makes a future-dated
agreement. DescribeEntity returns the term in ``Terms`` with an ``Id`` and dates as
``…T00:00:00.000Z``.

YAML: ``spec.pricing.contract`` (``starts``, ``durationMonths``/``endsOn``) or
``spec.pricing.usage`` (``durationMonths``/``endsOn``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from offerops.terms.document import (
    DetailsDocument,
    EntityDetails,
    YamlPath,
    only_keys,
    single_term,
    terms_details,
)
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
    """The offer's ValidityTerm; None when it has none."""
    term = single_term(details, TERM_TYPE)
    if term is None:
        return None
    only_keys(term, _KEYS, TERM_TYPE)
    duration = term.get("AgreementDuration")
    end = term.get("AgreementEndDate")
    start = term.get("AgreementStartDate")
    return ValidityTerm(
        None if duration is None else Duration.parse(duration, f"{TERM_TYPE}.AgreementDuration"),
        None if end is None else day_of(end, f"{TERM_TYPE}.AgreementEndDate"),
        None if start is None else day_of(start, f"{TERM_TYPE}.AgreementStartDate"),
    )


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
