"""Build the change set for one planned offer, and its idempotency token.

A new offer is one change set: CreateOffer (tagged with its key) + every Update* + ReleaseOffer,
so it appears on the marketplace complete or not at all. An existing offer gets only the change
types whose documents differ.
"""

from __future__ import annotations

import hashlib
from typing import Any

from offerops.reconcile.desired import DesiredOffer
from offerops.reconcile.diff import OfferPlan
from offerops.reconcile.fetch import KEY_TAG

ENTITY_TYPE = "Offer@1.0"
CREATE_NAME = "CreateOfferChange"


def token(entry: OfferPlan, attempt: int = 0) -> str:
    """Deterministic ClientRequestToken: same offer, same content, same base -> same token.

    A rerun after a crash sends the same token, so the service returns the change set it already
    has instead of making a second offer. The actual revision is part of it, so after drift the
    same desired content is sent again under a new token; ``attempt`` moves on after a
    server-side failure.
    """
    seed = f"{entry.key}|{entry.action}|{entry.desired_hash}|{entry.actual_identifier}|{attempt}"
    return "offerops-" + hashlib.sha256(seed.encode()).hexdigest()[:55]


def change_set_name(entry: OfferPlan) -> str:
    return f"offerops {entry.action} {entry.key or entry.offer_id}"[:100]


def build_changes(entry: OfferPlan, desired: DesiredOffer | None) -> list[dict[str, Any]]:
    """The ``ChangeSet`` list for StartChangeSet."""
    if entry.action == "expire":
        return [
            _update(entry.offer_id, "UpdateAvailability", {"AvailabilityEndDate": entry.expire_on})
        ]
    if desired is None:
        raise ValueError(f"no desired state for {entry.key}")
    if entry.action == "create":
        reference = f"${CREATE_NAME}.Entity.Identifier"
        changes = [_create(desired)]
        changes += [_update(reference, t, desired.docs[t]) for t in entry.change_types]
        return [*changes, _update(reference, "ReleaseOffer", {})]
    changes = [
        _update(entry.offer_id, t, desired.docs.get(t, {"Terms": []})) for t in entry.change_types
    ]
    if entry.release:
        changes.append(_update(entry.offer_id, "ReleaseOffer", {}))
    return changes


def _create(desired: DesiredOffer) -> dict[str, Any]:
    if desired.resale_authorization_id:
        change_type = "CreateOfferUsingResaleAuthorization"
        details: dict[str, Any] = {
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


def _update(identifier: str | None, change_type: str, details: dict[str, Any]) -> dict[str, Any]:
    return {
        "ChangeType": change_type,
        "Entity": {"Type": ENTITY_TYPE, "Identifier": identifier},
        "DetailsDocument": details,
    }
