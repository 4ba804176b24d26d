"""The dispatcher: an Update*/ReleaseOffer change goes to its change type's module.

One gate comes first, whatever the change type (docs/emulator.md, "Released offers"): a Released
offer accepts only UpdateAvailability and UpdateInformation. An expired offer *can* be extended by
UpdateAvailability: the AWS Marketplace Seller Guide ("Creating and managing private offers",
offer statuses) says of an Expired offer "The expiration date can be updated to give your buyers
more time to accept the offer", and after the update "the offer will change to an Active status
and your buyer can accept the offer". The change is applied to a copy, so a refused change leaves
the offer as the earlier changes of the set left it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from offerops.emulator.offers.availability import update_availability
from offerops.emulator.offers.base import (
    RELEASED_MUTABLE,
    ChangeResult,
    Context,
    Document,
    Errors,
    Handler,
)
from offerops.emulator.offers.information import update_information
from offerops.emulator.offers.legal import update_legal
from offerops.emulator.offers.markup import update_markup
from offerops.emulator.offers.payment_schedule import update_payment_schedule
from offerops.emulator.offers.pricing import update_pricing
from offerops.emulator.offers.release import release
from offerops.emulator.offers.renewal import update_renewal
from offerops.emulator.offers.support import update_support
from offerops.emulator.offers.targeting import update_targeting
from offerops.emulator.offers.validity import update_validity

HANDLERS: Mapping[str, Handler] = {
    "UpdateInformation": update_information,
    "UpdateTargeting": update_targeting,
    "UpdateAvailability": update_availability,
    "UpdatePricingTerms": update_pricing,
    "UpdateValidityTerms": update_validity,
    "UpdatePaymentScheduleTerms": update_payment_schedule,
    "UpdateLegalTerms": update_legal,
    "UpdateSupportTerms": update_support,
    "UpdateRenewalTerms": update_renewal,
    "UpdateMarkup": update_markup,
    "ReleaseOffer": release,
}


def update(
    offer: Document, change_type: str, details: Mapping[str, Any], context: Context
) -> ChangeResult:
    """Apply an Update*/ReleaseOffer change to a copy of ``offer``."""
    errors = Errors()
    if offer.get("State") == "Released" and change_type not in RELEASED_MUTABLE:
        errors.add(
            "INVALID_STATE",
            f"{change_type} is not allowed on offer {offer['Id']} because it is Released: the "
            "pricing, terms and targeting of a released offer cannot change; create a new offer "
            "(only UpdateAvailability and UpdateInformation apply to a released offer)",
        )
        return ChangeResult(None, errors.items)
    result = copy.deepcopy(offer)
    HANDLERS[change_type](result, details, context, errors)
    return ChangeResult(None if errors else result, errors.items)
