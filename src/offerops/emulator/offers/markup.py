"""UpdateMarkup: a channel partner's markup over the ISV's price.

Only on offers created with CreateOfferUsingResaleAuthorization; ``Percentage`` is a plain decimal
(the published pattern, :data:`offerops.emulator.limits.MARKUP_PERCENTAGE`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from offerops.emulator import limits
from offerops.emulator.offers import fields
from offerops.emulator.offers.base import Context, Document, Errors


def update_markup(
    offer: Document, details: Mapping[str, Any], _context: Context, errors: Errors
) -> None:
    """Apply UpdateMarkup: the offer's MarkupPercentage is set."""
    if not fields.members(details, {"Percentage"}, set(), "UpdateMarkup", errors):
        return
    if not offer.get("ResaleAuthorizationId"):
        errors.input(
            f"UpdateMarkup applies only to channel partner offers (created with "
            f"CreateOfferUsingResaleAuthorization); {offer['Id']} is a direct offer"
        )
        return
    percentage = details["Percentage"]
    if not isinstance(percentage, str) or not limits.MARKUP_PERCENTAGE.match(percentage):
        errors.input(
            f"UpdateMarkup.Percentage must be a decimal string like '5.0', got {percentage!r}"
        )
        return
    offer["MarkupPercentage"] = percentage
