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

What the draft starts with is **unconfirmed**: no published source says (the API reference's
replacement sections and the samples show only the change sets; botocore's models say nothing).
The emulator copies the agreement's undated terms into the draft (:data:`CARRIED_TERMS`: pricing
terms, LegalTerm, SupportTerm, RenewalTerm, as the agreement froze them from the offer it was
accepted on), so that AWS's own sample succeeds:
``offers/CreateReplacementOfferFromAGWithContractPricingDetailDocument.json`` (the set
``RunChangesets.java`` runs by default, and the one its test ``CatalogAPIRunChangesetsTest``
starts; that test checks only the HTTP 200 of StartChangeSet) releases a replacement offer without
an UpdatePricingTerms change, yet with a PaymentScheduleTerm, which needs a FixedUpfrontPricingTerm:
the pricing can only come from the agreement. The documented CPPO mechanism is the analogue ("the
draft offer will contain the terms and rules from a Resale Authorization", :mod:`.resale_terms`).
The agreement's ValidityTerm and PaymentScheduleTerm are not copied: their dates belong to the
period of the agreement being replaced (copied installments would be charged again, past dates
would leave the draft unreleasable, and dates are checked only by the Update* change that sets
them), and every replacement sample sends both. Update* changes replace the copied terms of their
type as they replace any term. The channel partner variant copies the agreement's terms too, not
its authorization's (unconfirmed).

Also unconfirmed, chosen conservatively: only the agreement's proposer may replace it, and only
while it is ACTIVE; the DetailsDocument does not show the target agreement (only OfferSummary
does); the offer has no ``TargetAgreementIntent`` (its only documented value is ``Renew``, and
nothing in a replacement change set sets it).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from offerops.emulator import limits
from offerops.emulator.offers import fields
from offerops.emulator.offers.base import (
    PRICING_TERMS,
    ChangeResult,
    Context,
    Document,
    Errors,
    shared_authorization,
)
from offerops.emulator.offers.document import new_offer, set_rule
from offerops.emulator.store.agreements import AgreementRecord

CHANGE_TYPES = frozenset(
    {"CreateReplacementOffer", "CreateReplacementOfferUsingResaleAuthorization"}
)
TARGET_AGREEMENT = "__TargetAgreementId"
"""Carries the target agreement from the Create change to the store (never shown: the store keeps
only the documented DetailsDocument members)."""
CARRIED_TERMS = PRICING_TERMS | {"LegalTerm", "SupportTerm", "RenewalTerm"}
"""The agreement's term types a replacement draft starts with (module docstring; the dated
ValidityTerm and PaymentScheduleTerm are not among them)."""


@runtime_checkable
class AgreementLookup(Protocol):
    """The store lookup a replacement needs besides the offer :class:`Catalog`."""

    def agreement(self, agreement_id: str) -> AgreementRecord | None: ...


def create_replacement(
    change_type: str, details: Mapping[str, Any], offer_id: str, context: Context
) -> ChangeResult:
    """Apply a CreateReplacementOffer* change: a Draft offer targeting the agreement's buyer and
    carrying its undated terms."""
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
    offer["Terms"] = carried_terms(agreement)
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


def carried_terms(agreement: AgreementRecord) -> list[Document]:
    """The agreement's terms a replacement draft starts with: copies, in the agreement's order."""
    return [
        copy.deepcopy(dict(term))
        for term in agreement.terms
        if isinstance(term, Mapping) and term.get("Type") in CARRIED_TERMS
    ]


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
    authorization = shared_authorization(authorization_id, context, errors)
    if authorization is None:
        return
    if authorization.product_id != agreement.product_id:
        errors.add(
            "INVALID_RESALE_AUTHORIZATION_ID",
            f"resale authorization {authorization.id} is for product "
            f"{authorization.product_id}, but agreement {agreement.id} is for "
            f"{agreement.product_id}",
        )
    else:
        offer["ResaleAuthorizationId"] = authorization.id
