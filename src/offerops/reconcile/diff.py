"""The diff: desired offers vs actual offers -> one planned action per offer. Pure: no I/O.

Actions: ``create``, ``update`` (only the change types that differ), ``expire``,
``replace-needed`` (a released offer cannot take the change), ``no-op``, ``unmanaged`` (on the
marketplace, not in git: never touched unless pruned).

Both sides are typed terms: ``terms.differing`` names the change types whose values differ
(money by value, buyers as a set, schedules by date) and ``terms.fields`` gives the reviewer's
labels for the field-level ``old -> new``. An offer offerops cannot read is never planned as
absent: it is ``replace-needed`` (nothing is sent) or ``unmanaged``, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Literal

from offerops.reconcile.actual import ActualOffer
from offerops.reconcile.desired import DesiredOffer
from offerops.terms import (
    AREAS,
    MUTABLE_WHEN_RELEASED,
    change_documents,
    details_for,
    differing,
    fields,
)
from offerops.terms.values import Fields

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
            change_types=tuple(change_type for change_type, _ in change_documents(wanted.terms)),
            changes=_changes({}, fields(wanted.terms)),
        )
    return _existing(wanted, actual, today)


def _entry(
    action: Action,
    wanted: DesiredOffer,
    actual: ActualOffer | None,
    *,
    change_types: tuple[str, ...] = (),
    changes: tuple[FieldChange, ...] = (),
    reason: str = "",
    flags: tuple[str, ...] = (),
    expire_on: str | None = None,
    release: bool = False,
) -> OfferPlan:
    """A plan entry for a desired offer, with the fields every entry carries."""
    return OfferPlan(
        action,
        key=wanted.key,
        relpath=wanted.relpath,
        offer_id=actual.offer_id if actual else None,
        name=wanted.name,
        change_types=change_types,
        changes=changes,
        reason=reason,
        flags=flags,
        desired_hash=wanted.content_hash,
        actual_identifier=actual.identifier if actual else None,
        expire_on=expire_on,
        release=release,
    )


def _existing(wanted: DesiredOffer, actual: ActualOffer, today: date) -> OfferPlan:
    if wanted.lifecycle == "expired":
        return _expiring(wanted, actual, today)
    why = _not_comparable(wanted, actual)
    if why:
        return _replace(wanted, actual, (), why)
    changed = differing(wanted.terms, actual.terms)
    old_fields, new_fields = fields(actual.terms), fields(wanted.terms)
    changes = _changes(old_fields, new_fields)
    if not changed and actual.released:
        return _entry("no-op", wanted, actual)
    if not actual.released:
        return _draft(wanted, actual, changed, changes, _flags(old_fields, new_fields))
    if actual.expired(today):
        why = f"the offer expired on {actual.expires_on}; an expired offer cannot be reopened"
        return _replace(wanted, actual, changes, why)
    immutable = [t for t in changed if t not in MUTABLE_WHEN_RELEASED]
    if immutable:
        why = (
            "the offer is released, and released offers keep their pricing and terms "
            f"({', '.join(immutable)})"
        )
        return _replace(wanted, actual, changes, why)
    flags = _flags(old_fields, new_fields)
    return _entry("update", wanted, actual, change_types=changed, changes=changes, flags=flags)


def _expiring(wanted: DesiredOffer, actual: ActualOffer, today: date) -> OfferPlan:
    """``lifecycle: expired``: end the offer today, unless it has ended already."""
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


def _not_comparable(wanted: DesiredOffer, actual: ActualOffer) -> str:
    """Why the file cannot be compared with the offer at all, or "" when it can."""
    if actual.unreadable is not None:
        return (
            f"offerops cannot read this offer's terms ({actual.unreadable}), so it cannot "
            "compare or change them and sends nothing"
        )
    return _moved(wanted, actual)


def _moved(wanted: DesiredOffer, actual: ActualOffer) -> str:
    """Why the offer is another offer now (product or channel), or "" when it is not.

    Neither is a term: CreateOffer sets the product, CreateOfferUsingResaleAuthorization the
    channel, and no change moves an offer to another. Compared only where the marketplace
    says what it has.
    """
    if actual.product_id and actual.product_id != wanted.product_id:
        return f"the product changed ({actual.product_id} -> {wanted.product_id})"
    channel = actual.resale_authorization_id
    if channel and channel != wanted.resale_authorization_id:
        now = wanted.resale_authorization_id or "a direct offer"
        return f"the channel changed ({channel} -> {now})"
    return ""


def _draft(
    wanted: DesiredOffer,
    actual: ActualOffer,
    changed: tuple[str, ...],
    changes: tuple[FieldChange, ...],
    flags: tuple[str, ...],
) -> OfferPlan:
    """A draft takes every change, except removing what the API can only replace."""
    stuck = [t for t in changed if details_for(wanted.terms, t) is None]
    if stuck:
        what = " and ".join(AREAS[t][0] for t in stuck)
        why = f"the draft has {what}, which the marketplace cannot remove ({', '.join(stuck)})"
        return _replace(wanted, actual, changes, why)
    reason = "a draft (an earlier apply stopped before release); completing and releasing it"
    return _entry(
        "update",
        wanted,
        actual,
        change_types=changed,
        changes=changes,
        release=True,
        reason=reason,
        flags=flags,
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
    unclaimed = OfferPlan(
        "unmanaged",
        key=offer.key,
        relpath=None,
        offer_id=offer.offer_id,
        name=offer.name,
        actual_identifier=offer.identifier,
    )
    if prune and offer.key and live:
        return replace(
            unclaimed,
            action="expire",
            change_types=("UpdateAvailability",),
            changes=(FieldChange("expires", _iso(offer.expires_on), today.isoformat()),),
            reason="its file was deleted and --prune was given",
            flags=("expiry-change",),
            expire_on=today.isoformat(),
        )
    if offer.key:
        reason = "managed by offerops, but its file is gone; left as is (pass --prune to expire it)"
    elif offer.unreadable is None:
        reason = "not created by offerops; left as is (adopt it with `offerops import`)"
    else:
        reason = "not created by offerops; left as is"
    if offer.unreadable is not None:
        reason += f"; offerops cannot read its terms ({offer.unreadable})"
    return replace(unclaimed, reason=reason)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _changes(old: Fields, new: Fields) -> tuple[FieldChange, ...]:
    labels = list(dict.fromkeys([*new, *old]))
    return tuple(
        FieldChange(label, old.get(label), new.get(label))
        for label in labels
        if old.get(label) != new.get(label)
    )


def _flags(old: Fields, new: Fields) -> tuple[str, ...]:
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


def _buyers(labelled: Fields) -> set[str]:
    return set(filter(None, labelled.get("buyers", "").split(", ")))


def _decreased(old: str | None, new: str | None) -> bool:
    try:
        return old is not None and new is not None and Decimal(new) < Decimal(old)
    except InvalidOperation:
        return False
