"""Replacement offers: the Create change that makes one, and reading the agreement it replaces.

Not a term: the agreement an offer replaces is set once, by the change that creates the offer,
and no Update* change moves it to another agreement (like the product or the channel).

Shapes (sources):

- ``CreateReplacementOffer`` ``{"AgreementId": ..., "Name"?: ...}`` and
  ``CreateReplacementOfferUsingResaleAuthorization`` ``{"AgreementId": ...,
  "ResaleAuthorizationId": ..., "Name"?: ...}``: AWS's reference change sets
  (aws-samples/aws-marketplace-reference-code,
  ``java/src/main/resources/changeSets/offers/CreateReplacementPrivateOfferWithContractPricing.json``
  and ``channel_partner_offers/CreateResaleAuthReplacementOffer.json``), the Catalog API
  reference ("Create a replacement private offer from an existing agreement");
- ``OfferSummary.TargetAgreementId`` (ListEntities): botocore's ``marketplace-catalog`` model.
  DescribeEntity's DetailsDocument does not show it (unconfirmed; the emulator follows that),
  so the agreement is read from the summary.

YAML: ``spec.replaces`` (``agreement: agmt-…``, or ``offer: <key>`` resolved by the reconciler
to that offer's active agreement through the Agreement API).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from offerops.terms.document import DetailsDocument

CHANGE_TYPE: Final = "CreateReplacementOffer"
CHANNEL_CHANGE_TYPE: Final = "CreateReplacementOfferUsingResaleAuthorization"
YAML_PATH: Final = ("spec", "replaces")


def create_change(
    agreement_id: str, name: str, resale_authorization_id: str | None
) -> tuple[str, DetailsDocument]:
    """The Create change of a replacement offer: its change type and DetailsDocument.

    The draft it makes is for the agreement's product and targets the agreement's buyer; the
    Update* changes that follow set everything the offer file says, as for any new offer.
    """
    details: DetailsDocument = {"AgreementId": agreement_id, "Name": name}
    if resale_authorization_id is None:
        return CHANGE_TYPE, details
    return CHANNEL_CHANGE_TYPE, {**details, "ResaleAuthorizationId": resale_authorization_id}


def target_agreement(summary: Mapping[str, object]) -> str | None:
    """The agreement an offer replaces, from its ListEntities ``EntitySummary``; None if none."""
    offer = summary.get("OfferSummary")
    if not isinstance(offer, Mapping):
        return None
    value = offer.get("TargetAgreementId")
    return value if isinstance(value, str) and value else None


def fields(agreement_id: str | None) -> dict[str, str]:
    """The reviewer's label: ``replaces agreement``."""
    return {"replaces agreement": agreement_id} if agreement_id else {}
