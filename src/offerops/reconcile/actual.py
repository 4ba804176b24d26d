"""Actual state: an offer entity from DescribeEntity / BatchDescribeEntities, as typed terms.

Reading the terms is ``terms.from_entity``; this module adds the entity's identity (id, ARN,
revision, state, product, channel) and decides what happens to an offer offerops cannot read.
Such an offer is kept, with the reason, rather than dropped: an offer missing from the actual
state would be planned as absent, and its file as a ``create`` of a duplicate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from offerops.terms import OfferTerms, availability, from_entity
from offerops.terms.document import EntityDetails, ShapeError, mapping


@dataclass(frozen=True)
class ActualOffer:
    """One offer entity as the marketplace has it."""

    offer_id: str
    arn: str
    identifier: str
    """``offer-…@revision``: changes whenever the entity changes (a saved plan records it)."""
    state: str
    name: str
    product_id: str | None
    resale_authorization_id: str | None
    expires_on: date | None
    terms: OfferTerms
    key: str | None = None
    """The offerops key from the entity's ``offerops:key`` tag; None for unmanaged offers."""
    unreadable: str | None = None
    """Why offerops cannot read this offer's terms (``terms`` is then empty), or None."""
    target_agreement_id: str | None = None
    """The agreement a replacement offer replaces (ListEntities' ``OfferSummary``), or None."""

    @property
    def released(self) -> bool:
        return self.state == "Released"

    def expired(self, today: date) -> bool:
        """An offer is void after 23:59:59 UTC on its AvailabilityEndDate."""
        return self.expires_on is not None and self.expires_on < today

    @property
    def draft(self) -> bool:
        return not self.released


def actual_offer(entity: Mapping[str, object], key: str | None = None) -> ActualOffer:
    """Build the actual state from an ``EntityDetail`` (or a DescribeEntity response)."""
    details, unreadable = _details(entity.get("DetailsDocument"))
    terms = OfferTerms()
    if unreadable is None:
        try:
            terms = from_entity(details)
        except ShapeError as error:
            unreadable = str(error)
    identifier = _text(entity.get("EntityIdentifier")) or _text(details.get("Id")) or ""
    return ActualOffer(
        offer_id=_text(details.get("Id")) or identifier.split("@")[0],
        arn=_text(entity.get("EntityArn")) or "",
        identifier=identifier,
        state=_text(details.get("State")) or "Draft",
        name=_text(details.get("Name")) or "",
        product_id=_text(details.get("ProductId")),
        resale_authorization_id=_text(details.get("ResaleAuthorizationId")),
        expires_on=_expires_on(terms, details),
        terms=terms,
        key=key,
        unreadable=unreadable,
    )


def _details(raw: object) -> tuple[EntityDetails, str | None]:
    """The DetailsDocument (empty when absent), or why it is not one."""
    if raw is None:
        return {}, None
    try:
        return mapping(raw, "DetailsDocument"), None
    except ShapeError as error:
        return {}, str(error)


def _expires_on(terms: OfferTerms, details: EntityDetails) -> date | None:
    """The end date; read on its own for an unreadable offer, which can still be expired."""
    if terms.availability is not None:
        return terms.availability.end_date
    try:
        rule = availability.from_entity(details)
    except ShapeError:
        return None
    return rule.end_date if rule is not None else None


def _text(value: object) -> str | None:
    """An identity field: a non-empty string, or None."""
    return str(value) if isinstance(value, str | int) and str(value) else None
