"""UpdateInformation: the offer's Name, Description and PreExistingAgreement.

At least one of Name and Description is required. It is one of the two changes a Released offer
accepts (unconfirmed for private offers; docs/emulator.md, "Released offers").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from offerops.emulator import limits
from offerops.emulator.offers import fields
from offerops.emulator.offers.base import PRICING_MODELS, Context, Document, Errors


def update_information(
    offer: Document, details: Mapping[str, Any], _context: Context, errors: Errors
) -> None:
    """Apply UpdateInformation to ``offer``."""
    optional = {"Name", "Description", "PreExistingAgreement"}
    if not fields.members(details, set(), optional, "UpdateInformation", errors):
        return
    if all(details.get(name) is None for name in optional):
        errors.input("UpdateInformation needs at least one of Name, Description")
        return
    fields.text(details, "Name", 1, limits.NAME_MAX, offer, errors)
    fields.text(details, "Description", 0, limits.DESCRIPTION_MAX, offer, errors)
    agreement = details.get("PreExistingAgreement")
    if agreement is None:
        return
    where = "PreExistingAgreement"
    if not isinstance(agreement, dict) or not fields.members(
        agreement, {"AcquisitionChannel", "PricingModel"}, set(), where, errors
    ):
        return
    fields.enum(agreement, "AcquisitionChannel", ("AwsMarketplace", "External"), where, errors)
    fields.enum(agreement, "PricingModel", PRICING_MODELS, where, errors)
    if not errors:
        offer["PreExistingAgreement"] = dict(agreement)
