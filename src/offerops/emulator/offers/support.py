"""UpdateSupportTerms: the offer's refund policy (a SupportTerm of 1..500 characters)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from offerops.emulator import limits
from offerops.emulator.offers import fields
from offerops.emulator.offers.base import Context, Document, Errors
from offerops.emulator.offers.document import replace_terms


def update_support(
    offer: Document, details: Mapping[str, Any], _context: Context, errors: Errors
) -> None:
    """Apply UpdateSupportTerms: the offer's SupportTerm is replaced (or removed)."""
    terms = fields.single_term(details, "SupportTerm", "UpdateSupportTerms", errors)
    if terms is None:
        return
    for term in terms:
        if fields.members(term, {"Type", "RefundPolicy"}, set(), "SupportTerm", errors):
            policy = term["RefundPolicy"]
            if not isinstance(policy, str) or not 1 <= len(policy) <= limits.REFUND_POLICY_MAX:
                errors.input(
                    f"SupportTerm.RefundPolicy must be 1 to {limits.REFUND_POLICY_MAX} characters"
                )
    if not errors:
        replace_terms(offer, "SupportTerm", [dict(term) for term in terms])
