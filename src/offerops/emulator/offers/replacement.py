"""CreateReplacementOffer and CreateReplacementOfferUsingResaleAuthorization: a Draft offer that,
once released and accepted, replaces an existing agreement (how sellers renew and upgrade a
customer before the agreement ends).

Sources:

- AWS's reference change sets (aws-samples/aws-marketplace-reference-code,
  ``java/src/main/resources/changeSets/offers/CreateReplacementPrivateOfferWithContractPricing.json``
  and ``channel_partner_offers/CreateResaleAuthReplacementOffer.json``): the Create change takes
  ``{"AgreementId"}`` (plus ``ResaleAuthorizationId`` and ``Name`` for the channel partner
  variant), has no Entity.Identifier, and the rest of the offer is built with the usual Update*
  changes and released **without an UpdateTargeting change**: the buyer is the agreement's
  acceptor;
- botocore's ``marketplace-catalog`` model: ``OfferSummary.TargetAgreementId`` and the
  ``TargetAgreementId`` filter;
- botocore's ``marketplace-agreement`` model: ``AgreementStatus`` ``REPLACED`` ("replaced using an
  agreement replacement offer") and ``initialAgreementId`` (:mod:`offerops.emulator.agreements`).

Unconfirmed, chosen conservatively: only the agreement's proposer may replace it, and only while it
is ACTIVE; no term of the agreement is copied into the draft (the samples send every term); the
DetailsDocument does not show the target agreement (only OfferSummary does); the offer has no
``TargetAgreementIntent`` (its only documented value is ``Renew``, and nothing in a
replacement change set sets it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from offerops.emulator import limits
from offerops.emulator.offers import fields
from offerops.emulator.offers.base import ChangeResult, Context, Document, Errors
from offerops.emulator.offers.document import new_offer, set_rule
from offerops.emulator.store.agreements import AgreementRecord

CHANGE_TYPES = frozenset(
    {"CreateReplacementOffer", "CreateReplacementOfferUsingResaleAuthorization"}
)
TARGET_AGREEMENT = "__TargetAgreementId"
"""Carries the target agreement from the Create change to the store (never shown: the store keeps
only the documented DetailsDocument members)."""


@runtime_checkable
class AgreementLookup(Protocol):
    """The store lookup a replacement needs besides the offer :class:`Catalog`."""

    def agreement(self, agreement_id: str) -> AgreementRecord | None: ...


def create_replacement(
    change_type: str, details: Mapping[str, Any], offer_id: str, context: Context
) -> ChangeResult:
    """Apply a CreateReplacementOffer* change: a Draft offer targeting the agreement's buyer."""
    errors = Errors()
    channel = change_type == "CreateReplacementOfferUsingResaleAuthorization"
    required = {"AgreementId", "ResaleAuthorizationId"} if channel else {"AgreementId"}
    optional = {"Name", "Description"} if channel else {"Name"}
    if not fields.members(details, required, optional, change_type, errors):
        return ChangeResult(None, errors.items)
    agreement = _agreement(details["AgreementId"], context, errors)
    if agreement is None:
        return ChangeResult(None, errors.items)
    offer = new_offer(offer_id, agreement.product_id)
    if channel:
        _authorize(details["ResaleAuthorizationId"], agreement, context, offer, errors)
    fields.text(details, "Name", 1, limits.NAME_MAX, offer, errors)
    fields.text(details, "Description", 0, limits.DESCRIPTION_MAX, offer, errors)
    set_rule(
        offer,
        {"Type": "TargetingRule", "PositiveTargeting": {"BuyerAccounts": [agreement.acceptor]}},
    )
    offer[TARGET_AGREEMENT] = agreement.id
    return ChangeResult(None if errors else offer, errors.items)


def _agreement(agreement_id: Any, context: Context, errors: Errors) -> AgreementRecord | None:
    """The ACTIVE agreement the caller proposed, or None with the reason recorded."""
    lookup = context.catalog
    found = (
        lookup.agreement(agreement_id)
        if isinstance(lookup, AgreementLookup) and isinstance(agreement_id, str)
        else None
    )
    if found is None or found.proposer != context.account:
        errors.add(
            "INVALID_AGREEMENT_ID",
            f"agreement '{agreement_id}' does not exist or was not proposed by account "
            f"{context.account}; only the agreement's proposer can replace it",
        )
        return None
    status = found.status(context.now)
    if status != "ACTIVE":
        errors.add(
            "INVALID_STATE",
            f"agreement {found.id} is {status}; only an ACTIVE agreement can be replaced",
        )
        return None
    return found


def _authorize(
    authorization_id: Any,
    agreement: AgreementRecord,
    context: Context,
    offer: Document,
    errors: Errors,
) -> None:
    """The channel partner variant: an Active authorization shared with the caller, for the
    agreement's product."""
    authorization = (
        context.catalog.resale_authorization(authorization_id)
        if isinstance(authorization_id, str)
        else None
    )
    if authorization is None or authorization.reseller_account != context.account:
        errors.add(
            "INVALID_RESALE_AUTHORIZATION_ID",
            f"resale authorization '{authorization_id}' does not exist or is not shared with "
            f"account {context.account}",
        )
    elif authorization.status != "Active":
        errors.add(
            "INVALID_STATE",
            f"resale authorization {authorization.id} is {authorization.status}, not Active",
        )
    elif authorization.product_id != agreement.product_id:
        errors.add(
            "INVALID_RESALE_AUTHORIZATION_ID",
            f"resale authorization {authorization.id} is for product "
            f"{authorization.product_id}, but agreement {agreement.id} is for "
            f"{agreement.product_id}",
        )
    else:
        offer["ResaleAuthorizationId"] = authorization.id
