"""UpdateValidityTerms: when the agreement an offer creates starts and ends.

Exactly one of AgreementDuration (non-zero ``P…Y…M…D``) and AgreementEndDate; AgreementStartDate
not in the past and before the end date (docs/emulator.md, "Deep validation"). Dates are stored as
``YYYY-MM-DDT00:00:00.000Z``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from offerops.emulator.clock import add_duration, details_date
from offerops.emulator.offers import fields
from offerops.emulator.offers.base import Context, Document, Errors
from offerops.emulator.offers.document import end_date, replace_terms, stored_date


def update_validity(
    offer: Document, details: Mapping[str, Any], context: Context, errors: Errors
) -> None:
    """Apply UpdateValidityTerms: the offer's ValidityTerm is replaced (or removed)."""
    terms = fields.single_term(details, "ValidityTerm", "UpdateValidityTerms", errors)
    if terms is None:
        return
    stored = [_validity_term(term, context.today, errors) for term in terms]
    if not errors:
        replace_terms(offer, "ValidityTerm", stored)


def _validity_term(term: Mapping[str, Any], today: date, errors: Errors) -> Document:
    """A ValidityTerm as stored: dates as timestamps; exactly one of duration and end date."""
    optional = {"AgreementDuration", "AgreementEndDate", "AgreementStartDate"}
    stored: Document = {"Type": "ValidityTerm"}
    if not fields.members(term, {"Type"}, optional, "ValidityTerm", errors):
        return stored
    if ("AgreementDuration" in term) == ("AgreementEndDate" in term):
        errors.input("ValidityTerm needs exactly one of AgreementDuration, AgreementEndDate")
        return stored
    if "AgreementDuration" in term:
        fields.duration(term["AgreementDuration"], "ValidityTerm.AgreementDuration", errors)
        stored["AgreementDuration"] = term["AgreementDuration"]
    start = end = None
    if "AgreementStartDate" in term:
        start = fields.parse_date(
            term["AgreementStartDate"], "ValidityTerm.AgreementStartDate", errors
        )
        if start is not None:
            stored["AgreementStartDate"] = details_date(start)
            if start < today:
                errors.input(f"ValidityTerm.AgreementStartDate {start} is in the past")
    if "AgreementEndDate" in term:
        end = fields.parse_date(term["AgreementEndDate"], "ValidityTerm.AgreementEndDate", errors)
        if end is not None:
            stored["AgreementEndDate"] = details_date(end)
    if start and end and end <= start:
        errors.input(f"ValidityTerm.AgreementEndDate {end} is not after {start}")
    return stored


def validity_window(
    offer: Mapping[str, Any], validity: Mapping[str, Any]
) -> tuple[date | None, date | None]:
    """(first, last) day charges may fall on; None where the offer leaves it open."""
    start = stored_date(validity.get("AgreementStartDate"))
    end = stored_date(validity.get("AgreementEndDate"))
    duration = fields.DURATION.match(str(validity.get("AgreementDuration", "")))
    if end is None and duration:
        # Without a start date the agreement starts on acceptance, at the latest on the
        # offer's AvailabilityEndDate.
        base = start or end_date(offer)
        if base is not None:
            years, months, days = (int(part or 0) for part in duration.groups())
            end = add_duration(base, years, months, days)
    return start, end
