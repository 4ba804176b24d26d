"""UpdateRenewalTerms: whether the agreement may renew (a RenewalTerm has no other member)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from offerops.emulator.offers import fields
from offerops.emulator.offers.base import Context, Document, Errors
from offerops.emulator.offers.document import replace_terms


def update_renewal(
    offer: Document, details: Mapping[str, Any], _context: Context, errors: Errors
) -> None:
    """Apply UpdateRenewalTerms: the offer's RenewalTerm is replaced (or removed)."""
    terms = fields.single_term(details, "RenewalTerm", "UpdateRenewalTerms", errors)
    if terms is None:
        return
    for term in terms:
        fields.members(term, {"Type"}, set(), "RenewalTerm", errors)
    if not errors:
        replace_terms(offer, "RenewalTerm", [{"Type": "RenewalTerm"} for _ in terms])
