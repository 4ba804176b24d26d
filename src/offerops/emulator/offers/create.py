"""CreateOffer and CreateOfferUsingResaleAuthorization: a new Draft offer.

Sources (docs/emulator.md, "Deep validation"): the product must exist and belong to the caller;
a channel partner's authorization must exist, be shared with the caller and be Active, and the
draft starts with the authorization's terms (:mod:`offerops.emulator.offers.resale_terms`, which
cites the sources). ``OfferSetId`` is not emulated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from offerops.emulator import limits
from offerops.emulator.offers import fields, replacement, resale_terms
from offerops.emulator.offers.base import (
    ChangeResult,
    Context,
    Document,
    Errors,
    shared_authorization,
)
from offerops.emulator.offers.document import new_offer


def create(
    change_type: str, details: Mapping[str, Any], offer_id: str, context: Context
) -> ChangeResult:
    """Apply a Create* change: a new Draft offer, or the reasons there is none."""
    if change_type in replacement.CHANGE_TYPES:
        return replacement.create_replacement(change_type, details, offer_id, context)
    errors = Errors()
    if change_type == "CreateOffer":
        offer = _create_offer(details, offer_id, context, errors)
    else:
        offer = _create_from_authorization(details, offer_id, context, errors)
    return ChangeResult(None if errors else offer, errors.items)


def _create_offer(
    details: Mapping[str, Any], offer_id: str, context: Context, errors: Errors
) -> Document:
    if not fields.members(details, {"ProductId"}, {"Name"}, "CreateOffer", errors):
        return {}
    product_id = details["ProductId"]
    product = context.catalog.product(product_id) if isinstance(product_id, str) else None
    if product is None or product.account != context.account:
        errors.add(
            "INVALID_PRODUCT_ID",
            f"product '{product_id}' does not exist in account {context.account}",
        )
        return {}
    offer = new_offer(offer_id, product.product_id)
    fields.text(details, "Name", 1, limits.NAME_MAX, offer, errors)
    return offer


def _create_from_authorization(
    details: Mapping[str, Any], offer_id: str, context: Context, errors: Errors
) -> Document:
    where = "CreateOfferUsingResaleAuthorization"
    optional = {"Name", "Description"}
    if not fields.members(details, {"ResaleAuthorizationId"}, optional, where, errors):
        return {}
    authorization = shared_authorization(details["ResaleAuthorizationId"], context, errors)
    if authorization is None:
        return {}
    offer = new_offer(offer_id, authorization.product_id)
    offer["ResaleAuthorizationId"] = authorization.id
    product = context.catalog.product(authorization.product_id)
    offer["Terms"] = resale_terms.inherited_terms(authorization, product)
    fields.text(details, "Name", 1, limits.NAME_MAX, offer, errors)
    fields.text(details, "Description", 0, limits.DESCRIPTION_MAX, offer, errors)
    return offer
