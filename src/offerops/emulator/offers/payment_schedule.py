"""UpdatePaymentScheduleTerms: a flexible payment schedule (installments).

1..60 installments, no two on one date, amounts within the ``ChargeAmount`` pattern (2 decimals).
That the schedule needs a FixedUpfrontPricingTerm and lies inside the validity is a cross-term rule
(:mod:`offerops.emulator.offers.consistency`), checked on the offer as the whole set leaves it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from offerops.emulator import limits
from offerops.emulator.clock import details_date
from offerops.emulator.offers import fields
from offerops.emulator.offers.base import Context, Document, ErrorDetail, Errors, input_error
from offerops.emulator.offers.document import replace_terms, stored_date
from offerops.emulator.offers.validity import validity_window

_WHERE = "UpdatePaymentScheduleTerms"


def update_payment_schedule(
    offer: Document, details: Mapping[str, Any], _context: Context, errors: Errors
) -> None:
    """Apply UpdatePaymentScheduleTerms: the offer's PaymentScheduleTerm is replaced."""
    terms = fields.single_term(details, "PaymentScheduleTerm", _WHERE, errors)
    if terms is None:
        return
    stored_terms: list[Document] = []
    for term in terms:
        stored = _schedule_term(term, errors)
        if stored is None:
            return
        stored_terms.append(stored)
    if not errors:
        replace_terms(offer, "PaymentScheduleTerm", stored_terms)


def _schedule_term(term: Mapping[str, Any], errors: Errors) -> Document | None:
    """The term as stored, or None when it is too malformed to go on."""
    if not fields.members(term, {"Type", "CurrencyCode", "Schedule"}, set(), _WHERE, errors):
        return None
    fields.currency(term, "PaymentScheduleTerm", errors)
    schedule = term["Schedule"]
    if not isinstance(schedule, list) or not 1 <= len(schedule) <= limits.MAX_INSTALLMENTS:
        count = len(schedule) if isinstance(schedule, list) else "no"
        errors.input(
            f"PaymentScheduleTerm.Schedule must have 1 to {limits.MAX_INSTALLMENTS} "
            f"installments, got {count}"
        )
        return None
    stored = [_installment(item, number, errors) for number, item in enumerate(schedule)]
    dates = [item.get("ChargeDate") for item in stored]
    for repeated in sorted({d for d in dates if d and dates.count(d) > 1}):
        errors.input(f"PaymentScheduleTerm.Schedule has two charges on {repeated[:10]}")
    return {"Type": "PaymentScheduleTerm", "CurrencyCode": term["CurrencyCode"], "Schedule": stored}


def _installment(item: Any, number: int, errors: Errors) -> Document:
    where = f"PaymentScheduleTerm.Schedule[{number}]"
    if not isinstance(item, dict) or not fields.members(
        item, {"ChargeDate", "ChargeAmount"}, set(), where, errors
    ):
        return {}
    charge_date = fields.parse_date(item["ChargeDate"], f"{where}.ChargeDate", errors)
    fields.price(
        item["ChargeAmount"],
        limits.CHARGE_AMOUNT,
        limits.CHARGE_AMOUNT_DECIMALS,
        f"{where}.ChargeAmount",
        errors,
    )
    return {
        "ChargeDate": details_date(charge_date) if charge_date else None,
        "ChargeAmount": item["ChargeAmount"],
    }


def schedule_in_validity(
    offer: Mapping[str, Any], schedule: Mapping[str, Any], validity: Mapping[str, Any] | None
) -> list[ErrorDetail]:
    """Every ChargeDate inside the validity: from AgreementStartDate (or acceptance) to
    AgreementEndDate (or the start, at the latest the AvailabilityEndDate, plus the duration)."""
    if validity is None:
        return []
    start, end = validity_window(offer, validity)
    problems: list[ErrorDetail] = []
    for item in schedule.get("Schedule", []):
        charge = stored_date(item.get("ChargeDate"))
        if charge is None:
            continue
        if (start and charge < start) or (end and charge > end):
            problems.append(
                input_error(
                    f"PaymentScheduleTerm ChargeDate {charge} is outside the agreement's validity "
                    f"({start or 'acceptance'} to {end or 'open'})"
                )
            )
    return problems
