"""Build the change set for one planned offer, and its idempotency token.

A new offer is one change set: CreateOffer (tagged with its key) + every Update* + ReleaseOffer,
so it appears on the marketplace complete or not at all; a ``lifecycle: draft`` offer is the
same set without ReleaseOffer (the console's "Save and exit"), and a replacement offer is made
by CreateReplacementOffer (``terms.replacement``) for the agreement the plan names. An existing
offer gets only the change types whose terms differ, each document from ``terms.details_for``,
and ReleaseOffer when a draft becomes ``active``. A new offer that prices a ``custom`` dimension
its product lacks starts with AddDimensions on the product (``OfferPlan.add_dimensions``).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, cast

from offerops.errors import OfferopsError
from offerops.reconcile.desired import DesiredOffer
from offerops.reconcile.diff import AddedDimensions, OfferPlan
from offerops.reconcile.fetch import KEY_TAG
from offerops.terms import AREAS, details_for, replacement
from offerops.terms.availability import CHANGE_TYPE as UPDATE_AVAILABILITY
from offerops.terms.document import DetailsDocument
from offerops.terms.information import CHANGE_TYPE as UPDATE_INFORMATION

if TYPE_CHECKING:
    from mypy_boto3_marketplace_catalog.type_defs import ChangeTypeDef as Change

ENTITY_TYPE = "Offer@1.0"
CREATE_NAME = "CreateOfferChange"


class CannotChange(OfferopsError):
    """A change the Catalog API cannot make to an existing offer (removing a markup)."""


def token(entry: OfferPlan, attempt: int = 0) -> str:
    """Deterministic ClientRequestToken: same offer, same content, same base -> same token.

    A rerun after a crash sends the same token, so the service returns the change set it already
    has instead of making a second offer. The actual revision is part of it, so after drift the
    same desired content is sent again under a new token; ``attempt`` moves on after a
    server-side failure. The agreement a replacement offer replaces is added only when there
    is one (the ``offer:`` form may resolve to another agreement with the same file), so every
    other offer keeps the token of earlier versions.
    """
    seed = f"{entry.key}|{entry.action}|{entry.desired_hash}|{entry.actual_identifier}|{attempt}"
    if entry.agreement_id is not None:
        seed += f"|{entry.agreement_id}"
    return "offerops-" + hashlib.sha256(seed.encode()).hexdigest()[:55]


def change_set_name(entry: OfferPlan) -> str:
    return f"offerops {entry.action} {entry.key or entry.offer_id}"[:100]


def build_changes(entry: OfferPlan, desired: DesiredOffer | None) -> list[Change]:
    """The ``ChangeSet`` list for StartChangeSet; :class:`CannotChange` if it cannot be made."""
    if entry.action == "create":
        if desired is None:
            raise ValueError(f"no desired state for {entry.key}")
        reference = f"${CREATE_NAME}.Entity.Identifier"
        changes = [_create(desired, entry.agreement_id)]
        changes += [_update(reference, t, _details(desired, t)) for t in entry.change_types]
        if entry.add_dimensions is not None:
            changes.insert(0, _add_dimensions(entry.add_dimensions))
        if entry.keep_draft:
            return changes
        return [*changes, _update(reference, "ReleaseOffer", {})]
    if entry.offer_id is None:
        raise ValueError(f"no offer to {entry.action} for {entry.key}")
    if entry.action == "expire":
        end: DetailsDocument = {"AvailabilityEndDate": entry.expire_on}
        return [_update(entry.offer_id, UPDATE_AVAILABILITY, end)]
    if desired is None:
        raise ValueError(f"no desired state for {entry.key}")
    changes = [
        _update(entry.offer_id, t, _clearing(entry, t, _details(desired, t)))
        for t in entry.change_types
    ]
    if entry.release:
        changes.append(_update(entry.offer_id, "ReleaseOffer", {}))
    return changes


def _details(desired: DesiredOffer, change_type: str) -> DetailsDocument:
    """The document for one change type, or a refusal with what to do instead."""
    document = details_for(desired.terms, change_type)
    if document is None:
        area = AREAS[change_type][0]
        raise CannotChange(
            f"the offer has {area} the file does not, and the marketplace cannot remove it "
            f"({change_type})",
            hint=(
                f"copy the file under a new key (e.g. {desired.key}-v2) for a replacement "
                "offer, and set `lifecycle: expired` here to end this one"
            ),
        )
    return document


def _clearing(entry: OfferPlan, change_type: str, document: DetailsDocument) -> DetailsDocument:
    """The update document, with ``Description: ""`` where the plan removes the description.

    A description left out of UpdateInformation is left as it is on the marketplace, so removing
    it from the file (or writing ``""``, the same) must send the empty string.
    """
    removed = any(c.field == "description" and c.new is None for c in entry.changes)
    if change_type == UPDATE_INFORMATION and removed and "Description" not in document:
        return {**document, "Description": ""}
    return document


def _create(desired: DesiredOffer, agreement_id: str | None) -> Change:
    """The Create change, tagged with the key: a replacement offer's, a CPPO's, or an ISV's."""
    details: DetailsDocument
    if desired.replaces is not None:
        if agreement_id is None:
            raise CannotChange(
                f"{desired.key} replaces an agreement, and the plan names none",
                hint="run `offerops plan` again: it looks the agreement up",
            )
        change_type, details = replacement.create_change(
            agreement_id, desired.name, desired.resale_authorization_id
        )
    elif desired.resale_authorization_id:
        change_type = "CreateOfferUsingResaleAuthorization"
        details = {
            "ResaleAuthorizationId": desired.resale_authorization_id,
            "Name": desired.name,
        }
    else:
        change_type = "CreateOffer"
        details = {"ProductId": desired.product_id, "Name": desired.name}
    return {
        "ChangeType": change_type,
        "ChangeName": CREATE_NAME,
        "Entity": {"Type": ENTITY_TYPE},
        "DetailsDocument": details,
        "EntityTags": [{"Key": KEY_TAG, "Value": desired.key}],
    }


def _update(identifier: str, change_type: str, details: DetailsDocument) -> Change:
    return {
        "ChangeType": change_type,
        "Entity": {"Type": ENTITY_TYPE, "Identifier": identifier},
        "DetailsDocument": details,
    }


def _add_dimensions(added: AddedDimensions) -> Change:
    """AddDimensions on the product, before the CreateOffer that prices the new dimensions (as
    AWS's CreateSaasProductCustomDimensionAndPrivateOffer sample): its document is a list."""
    change: Change = {
        "ChangeType": "AddDimensions",
        "Entity": {"Type": added.entity_type, "Identifier": added.product_id},
        # A Smithy document takes any JSON value; the stubs type it as an object only.
        "DetailsDocument": cast("dict[str, Any]", list(added.dimensions)),
    }
    return change
