"""UpdateAvailability: the offer's AvailabilityEndDate, the last day a buyer can accept it.

A past date expires a released offer at once: a buyer's accept fails from then on (AWS's
``ExpirePrivateOffer`` sample ends an offer with a past date: aws-samples/aws-marketplace-reference-
code ``java/src/main/resources/changeSets/offers/ExpirePrivateOffer.json``); today's date leaves it
acceptable until the end of the day (UTC). A later date on an expired offer makes it acceptable
again (the Seller Guide's "Updating the expiration date"; docs/emulator.md, "Expiry"). Input
``YYYY-MM-DD`` is stored as ``YYYY-MM-DDT00:00:00.000Z`` (docs/emulator.md, "Offers").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from offerops.emulator.clock import details_date
from offerops.emulator.offers import fields
from offerops.emulator.offers.base import Context, Document, Errors
from offerops.emulator.offers.document import set_rule


def update_availability(
    offer: Document, details: Mapping[str, Any], _context: Context, errors: Errors
) -> None:
    """Apply UpdateAvailability to ``offer``: its AvailabilityRule is replaced."""
    if not fields.members(details, {"AvailabilityEndDate"}, set(), "UpdateAvailability", errors):
        return
    end = fields.parse_date(details["AvailabilityEndDate"], "AvailabilityEndDate", errors)
    if end is not None:
        set_rule(offer, {"Type": "AvailabilityRule", "AvailabilityEndDate": details_date(end)})
