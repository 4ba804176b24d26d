"""The diff: desired offers vs actual offers -> one planned action per offer. Pure: no I/O.

Actions: ``create``, ``update`` (only the change types that differ), ``expire``,
``replace-needed`` (a released offer cannot take the change), ``no-op``, ``unmanaged`` (on the
marketplace, not in git: never touched unless pruned).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from offerops.reconcile.actual import ActualOffer
from offerops.reconcile.canonical import MUTABLE_WHEN_RELEASED, ORDERED_CHANGE_TYPES
from offerops.reconcile.desired import DesiredOffer
from offerops.reconcile.view import View, view

Action = Literal["create", "update", "expire", "replace-needed", "no-op", "unmanaged"]
ACTIONS: tuple[Action, ...] = ("create", "update", "expire", "replace-needed", "no-op", "unmanaged")


@dataclass(frozen=True)
class FieldChange:
    """One reviewer-facing difference; ``old``/``new`` None mean absent."""

    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class OfferPlan:
    """What apply will do to one offer, and why."""

    action: Action
    key: str | None
    relpath: str | None
    offer_id: str | None
    name: str
    change_types: tuple[str, ...] = ()
    changes: tuple[FieldChange, ...] = ()
    reason: str = ""
    flags: tuple[str, ...] = ()
    desired_hash: str | None = None
    actual_identifier: str | None = None
    expire_on: str | None = None
    release: bool = False
    """True for a Draft offer: the change set ends with ReleaseOffer."""

    @property
    def changes_anything(self) -> bool:
        return self.action in ("create", "update", "expire")


def diff(
    desired: list[DesiredOffer], actual: list[ActualOffer], today: date, prune: bool = False
) -> list[OfferPlan]:
    """One plan entry per desired offer (by key), then one per actual offer nobody claims."""
    by_key = {offer.key: offer for offer in actual if offer.key}
    by_id = {offer.offer_id: offer for offer in actual}
    claimed: set[str] = set()
    plans = []
    for wanted in sorted(desired, key=lambda offer: offer.key):
        match = by_key.get(wanted.key)
        if match is None and wanted.adopted_id:
            match = by_id.get(wanted.adopted_id)
        if match is not None:
            claimed.add(match.offer_id)
        plans.append(plan_offer(wanted, match, today))
    for offer in sorted(actual, key=lambda offer: offer.offer_id):
        if offer.offer_id not in claimed:
            plans.append(_unclaimed(offer, today, prune))
    return plans


def plan_offer(wanted: DesiredOffer, actual: ActualOffer | None, today: date) -> OfferPlan:
    """The action for one desired offer given what the marketplace has."""
    if actual is None:
        if wanted.lifecycle == "expired":
            reason = "lifecycle: expired and the offer was never created; nothing to do"
            return _entry("no-op", wanted, None, reason=reason)
        return _entry(
            "create",
            wanted,
            None,
            change_types=tuple(t for t in ORDERED_CHANGE_TYPES if t in wanted.docs),
            changes=_changes({}, view(wanted.docs)),
        )
    return _existing(wanted, actual, today)


def _entry(
    action: Action, wanted: DesiredOffer, actual: ActualOffer | None, **details: Any
) -> OfferPlan:
    """A plan entry for a desired offer, with the fields every entry carries."""
    return OfferPlan(
        action,
        key=wanted.key,
        relpath=wanted.relpath,
        offer_id=actual.offer_id if actual else None,
        name=wanted.name,
        desired_hash=wanted.content_hash,
        actual_identifier=actual.identifier if actual else None,
        **details,
    )


def _existing(wanted: DesiredOffer, actual: ActualOffer, today: date) -> OfferPlan:
    if wanted.lifecycle == "expired":
        if actual.expires_on is not None and actual.expires_on <= today:
            return _entry("no-op", wanted, actual, reason="already expired")
        return _entry(
            "expire",
            wanted,
            actual,
            change_types=("UpdateAvailability",),
            changes=(FieldChange("expires", _iso(actual.expires_on), today.isoformat()),),
            flags=("expiry-change",),
            expire_on=today.isoformat(),
        )
    if actual.product_id and actual.product_id != wanted.product_id:
        why = f"the product changed ({actual.product_id} -> {wanted.product_id})"
        return _replace(wanted, actual, (), why)
    differing = tuple(
        change_type
        for change_type in ORDERED_CHANGE_TYPES
        if wanted.docs.get(change_type) != actual.docs.get(change_type)
    )
    old_view, new_view = view(actual.docs), view(wanted.docs)
    changes = _changes(old_view, new_view)
    if not differing and actual.released:
        return _entry("no-op", wanted, actual)
    if not actual.released:
        reason = "a draft (an earlier apply stopped before release); completing and releasing it"
        flags = _flags(old_view, new_view)
        return _entry(
            "update",
            wanted,
            actual,
            change_types=differing,
            changes=changes,
            release=True,
            reason=reason,
            flags=flags,
        )
    if actual.expired(today):
        why = f"the offer expired on {actual.expires_on}; an expired offer cannot be reopened"
        return _replace(wanted, actual, changes, why)
    immutable = [t for t in differing if t not in MUTABLE_WHEN_RELEASED]
    if actual.released and immutable:
        why = (
            "the offer is released, and released offers keep their pricing and terms "
            f"({', '.join(immutable)})"
        )
        return _replace(wanted, actual, changes, why)
    return _entry(
        "update",
        wanted,
        actual,
        change_types=differing,
        changes=changes,
        flags=_flags(old_view, new_view),
    )


def _replace(
    wanted: DesiredOffer, actual: ActualOffer, changes: tuple[FieldChange, ...], why: str
) -> OfferPlan:
    reason = (
        f"{why}. To change it, copy the file under a new key (e.g. {wanted.key}-v2) for the "
        "replacement offer, and set `lifecycle: expired` here to end this one"
    )
    return _entry("replace-needed", wanted, actual, changes=changes, reason=reason)


def _unclaimed(offer: ActualOffer, today: date, prune: bool) -> OfferPlan:
    live = offer.expires_on is None or offer.expires_on > today
    common: dict[str, Any] = {
        "key": offer.key,
        "relpath": None,
        "offer_id": offer.offer_id,
        "name": offer.name,
        "actual_identifier": offer.identifier,
    }
    if prune and offer.key and live:
        return OfferPlan(
            "expire",
            change_types=("UpdateAvailability",),
            changes=(FieldChange("expires", _iso(offer.expires_on), today.isoformat()),),
            reason="its file was deleted and --prune was given",
            flags=("expiry-change",),
            expire_on=today.isoformat(),
            **common,
        )
    if offer.key:
        reason = "managed by offerops, but its file is gone; left as is (pass --prune to expire it)"
    else:
        reason = "not created by offerops; left as is (adopt it with `offerops import`)"
    return OfferPlan("unmanaged", reason=reason, **common)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _changes(old: View, new: View) -> tuple[FieldChange, ...]:
    labels = list(dict.fromkeys([*new, *old]))
    return tuple(
        FieldChange(label, old.get(label), new.get(label))
        for label in labels
        if old.get(label) != new.get(label)
    )


def _flags(old: View, new: View) -> tuple[str, ...]:
    """Review aids for updates: what a reviewer should look at first."""
    flags = []
    priced = ("price ", "rate ", "contract price", "installment ")
    if any(_decreased(old.get(label), new.get(label)) for label in new if label.startswith(priced)):
        flags.append("price-decrease")
    if _buyers(new) - _buyers(old):
        flags.append("new-buyer")
    if old.get("expires") != new.get("expires"):
        flags.append("expiry-change")
    return tuple(flags)


def _buyers(fields: View) -> set[str]:
    return set(filter(None, fields.get("buyers", "").split(", ")))


def _decreased(old: str | None, new: str | None) -> bool:
    try:
        return old is not None and new is not None and Decimal(new) < Decimal(old)
    except InvalidOperation:
        return False
