"""Cross-term rules: checked on an offer as a whole change set leaves it.

One currency per offer; a PaymentScheduleTerm needs a FixedUpfrontPricingTerm and every ChargeDate
inside the validity. Each problem is reported on the change that can fix it (docs/emulator.md,
"Deep validation").
"""

from __future__ import annotations

from offerops.emulator.offers.base import PRICING_TERMS, Document, ErrorDetail, input_error
from offerops.emulator.offers.document import terms_by_type
from offerops.emulator.offers.payment_schedule import schedule_in_validity

_FIXER = "UpdatePaymentScheduleTerms"
"""The change type every cross-term problem is reported on."""


def consistency(offer: Document) -> list[tuple[str, ErrorDetail]]:
    """Cross-term problems of a whole offer, each with the change type that can fix it."""
    found: list[tuple[str, ErrorDetail]] = []
    terms = terms_by_type(offer)
    currencies = {
        term["CurrencyCode"]: kind for kind, term in terms.items() if "CurrencyCode" in term
    }
    if len(currencies) > 1:
        listed = ", ".join(f"{kind} {code}" for code, kind in sorted(currencies.items()))
        found.append((_FIXER, input_error(f"all terms must use one currency, got {listed}")))
    schedule = terms.get("PaymentScheduleTerm")
    if schedule is not None:
        if terms.keys() & PRICING_TERMS and "FixedUpfrontPricingTerm" not in terms:
            needs = "a PaymentScheduleTerm needs a FixedUpfrontPricingTerm in the pricing"
            found.append((_FIXER, input_error(needs)))
        found += [
            (_FIXER, error)
            for error in schedule_in_validity(offer, schedule, terms.get("ValidityTerm"))
        ]
    return found
