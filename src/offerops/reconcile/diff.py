"""The diff: desired offers vs actual offers -> one planned action per offer. Pure: no I/O.

Actions: ``create``, ``update`` (only the change types that differ), ``expire``,
``replace-needed`` (a released offer cannot take the change), ``waiting`` (a replacement offer
with no agreement to replace yet), ``no-op``, ``unmanaged`` (on the marketplace, not in git:
never touched unless pruned).

``lifecycle`` decides the rest: ``draft`` creates and updates an offer without releasing it (the
console's "Save and exit"), ``active`` releases a draft, ``expired`` ends an offer at once, and a
later ``expiresOn`` makes an expired offer active again. What the Agreement API says (which
agreement a replacement offer replaces, which agreements an offer that needs a replacement
has) comes in as ``targets.Agreements``, so this module stays pure.

Both sides are typed terms, the desired side ``terms.completed`` with what a draft's file leaves
out (buyers, expiry, pricing, legal: left as the marketplace has them); ``terms.differing``
names the change types whose values differ
(money by value, buyers as a set, schedules by date) and ``terms.fields`` gives the reviewer's
labels for the field-level ``old -> new``. An offer offerops cannot read is never planned as
absent: it is ``replace-needed`` (nothing is sent) or ``unmanaged``, with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Literal, TypedDict

from offerops.reconcile.actual import ActualOffer
from offerops.reconcile.desired import DesiredOffer
from offerops.reconcile.targets import (
    Agreements,
    Target,
    replacement_steps,
    retargeted,
    target_of,
)
from offerops.reconcile.view import Review
from offerops.terms import (
    AREAS,
    MUTABLE_WHEN_RELEASED,
    ORDERED_CHANGE_TYPES,
    availability,
    change_documents,
    completed,
    details_for,
    differing,
    fields,
    replacement,
)
from offerops.terms.document import JsonValue
from offerops.terms.values import Fields

Action = Literal["create", "update", "expire", "replace-needed", "waiting", "no-op", "unmanaged"]
ACTIONS: tuple[Action, ...] = (
    "create",
    "update",
    "expire",
    "replace-needed",
    "waiting",
    "no-op",
    "unmanaged",
)
CARRIED_CLEARED = ("UpdateSupportTerms", "UpdateRenewalTerms")
"""What a replacement draft may carry over from the agreement that an offer file never has."""


@dataclass(frozen=True)
class FieldChange:
    """One reviewer-facing difference; ``old``/``new`` None mean absent."""

    field: str
    old: str | None
    new: str | None


class _Ending(TypedDict):
    """The fields of an ``expire`` entry (:func:`_ending`)."""

    change_types: tuple[str, ...]
    changes: tuple[FieldChange, ...]
    flags: tuple[str, ...]
    expire_on: str


@dataclass(frozen=True)
class AddedDimensions:
    """An AddDimensions change a create's change set starts with: the ``custom`` dimensions of
    offerops.yaml the offer prices and the product lacks (``offerops.products.custom``).
    ``dimensions`` is its DetailsDocument, a list of ``{Key, Name, Description, Unit, Types}``."""

    product: str
    product_id: str
    entity_type: str
    dimensions: tuple[dict[str, JsonValue], ...]

    @property
    def keys(self) -> list[str]:
        return [str(dimension["Key"]) for dimension in self.dimensions]


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
    keep_draft: bool = False
    """True for a create of a ``lifecycle: draft`` offer: no ReleaseOffer."""
    agreement_id: str | None = None
    """A create of a replacement offer: the agreement it replaces (CreateReplacementOffer)."""
    add_dimensions: AddedDimensions | None = None
    """A create that adds custom dimensions to its product first (AddDimensions)."""
    review: Review | None = None
    """Both sides as a reviewer reads them (``review.reviewed``); None for a no-op."""

    @property
    def changes_anything(self) -> bool:
        return self.action in ("create", "update", "expire")


def diff(
    desired: list[DesiredOffer],
    actual: list[ActualOffer],
    today: date,
    prune: bool = False,
    agreements: Agreements | None = None,
) -> list[OfferPlan]:
    """One plan entry per desired offer (by key), then one per actual offer nobody claims."""
    by_key = {offer.key: offer for offer in actual if offer.key}
    by_id = {offer.offer_id: offer for offer in actual}
    known = agreements or Agreements()
    desired_by_key = {offer.key: offer for offer in desired}
    claimed: set[str] = set()
    plans = []
    for wanted in sorted(desired, key=lambda offer: offer.key):
        match = matched(wanted, by_key, by_id)
        if match is not None:
            claimed.add(match.offer_id)
        target = target_of(wanted, desired_by_key, by_key, by_id, known)
        plans.append(plan_offer(wanted, match, today, target, known))
    for offer in sorted(actual, key=lambda offer: offer.offer_id):
        if offer.offer_id not in claimed:
            plans.append(_unclaimed(offer, today, prune))
    return plans


def matched(
    wanted: DesiredOffer, by_key: Mapping[str, ActualOffer], by_id: Mapping[str, ActualOffer]
) -> ActualOffer | None:
    """The marketplace offer a file manages: by its key, else by its ``id:``."""
    match = by_key.get(wanted.key)
    if match is None and wanted.adopted_id:
        match = by_id.get(wanted.adopted_id)
    return match


def plan_offer(
    wanted: DesiredOffer,
    actual: ActualOffer | None,
    today: date,
    target: Target | None = None,
    agreements: Agreements | None = None,
) -> OfferPlan:
    """The action for one desired offer given what the marketplace has."""
    if actual is None:
        return _new(wanted, target)
    return _existing(wanted, actual, today, target, agreements or Agreements())


def _new(wanted: DesiredOffer, target: Target | None) -> OfferPlan:
    """A file with no offer: create it (a draft, a replacement), or say why not (yet)."""
    if wanted.lifecycle == "expired":
        reason = "lifecycle: expired and the offer was never created; nothing to do"
        return _entry("no-op", wanted, None, reason=reason)
    if target is not None and target.waiting:
        why = f"waiting: {target.waiting}; the replacement offer is created once there is one"
        return _entry("waiting", wanted, None, reason=why)
    if target is not None and target.refused:
        return _entry("replace-needed", wanted, None, reason=f"not created: {target.refused}")
    agreement = target.agreement if target is not None else None
    sent = [change_type for change_type, _ in change_documents(wanted.terms)]
    if wanted.replaces is not None:
        sent += [change_type for change_type in CARRIED_CLEARED if change_type not in sent]
        sent.sort(key=ORDERED_CHANGE_TYPES.index)
    draft = wanted.lifecycle == "draft"
    return _entry(
        "create",
        wanted,
        None,
        change_types=tuple(sent),
        changes=_changes({}, {**replacement.fields(agreement), **fields(wanted.terms)}),
        reason="lifecycle: draft: created as a draft, not released" if draft else "",
        keep_draft=draft,
        agreement_id=agreement,
    )


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
    keep_draft: bool = False,
    agreement_id: str | None = None,
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
        keep_draft=keep_draft,
        agreement_id=agreement_id,
    )


def _existing(
    wanted: DesiredOffer,
    actual: ActualOffer,
    today: date,
    target: Target | None,
    agreements: Agreements,
) -> OfferPlan:
    if wanted.lifecycle == "expired":
        return _expiring(wanted, actual, today)
    why = _not_comparable(wanted, actual) or retargeted(actual, target)
    if why:
        return _replace(wanted, actual, (), why, agreements)
    terms = completed(wanted.terms, actual.terms)
    changed = differing(terms, actual.terms)
    old_fields, new_fields = fields(actual.terms), fields(terms)
    changes = _changes(old_fields, new_fields)
    if actual.draft:
        return _draft(wanted, actual, changed, changes, _flags(old_fields, new_fields))
    if wanted.lifecycle == "draft":
        why = (
            "the offer is released, and a released offer cannot become a draft again; set "
            "`lifecycle: active`, or `lifecycle: expired` to end it"
        )
        return _entry("replace-needed", wanted, actual, changes=changes, reason=why)
    if not changed:
        return _entry("no-op", wanted, actual)
    immutable = [t for t in changed if t not in MUTABLE_WHEN_RELEASED]
    if immutable:
        why = (
            "the offer is released, and released offers keep their pricing and terms "
            f"({', '.join(immutable)})"
        )
        return _replace(wanted, actual, changes, why, agreements)
    return _entry(
        "update",
        wanted,
        actual,
        change_types=changed,
        changes=changes,
        flags=_flags(old_fields, new_fields),
        reason=_reopened(actual, changed, today),
    )


def _reopened(actual: ActualOffer, changed: tuple[str, ...], today: date) -> str:
    """An expired offer given a later ``expiresOn`` is acceptable again (the Seller Guide,
    "Updating the expiration date": "the offer will change to an Active status and your buyer
    can accept the offer"); the plan says so."""
    if not actual.expired(today) or availability.CHANGE_TYPE not in changed:
        return ""
    return f"the offer expired on {actual.expires_on}; the later expiresOn makes it active again"


def _expiring(wanted: DesiredOffer, actual: ActualOffer, today: date) -> OfferPlan:
    """``lifecycle: expired``: end the offer now, unless it has ended already.

    An offer is acceptable through its AvailabilityEndDate, so one that ends today has not
    ended yet: the day before today is sent (``availability.ended``). A draft was never
    available to buyers: there is nothing to end.
    """
    if actual.draft:
        return _entry("no-op", wanted, actual, reason="a draft is not available to buyers")
    if actual.expired(today):
        return _entry("no-op", wanted, actual, reason="already expired")
    return _entry(
        "expire",
        wanted,
        actual,
        **_ending(actual.expires_on, today),
    )


def _ending(expires_on: date | None, today: date) -> _Ending:
    """The fields of an ``expire`` entry: UpdateAvailability to the day before today."""
    end = availability.ended(today).end_date.isoformat()
    return {
        "change_types": (availability.CHANGE_TYPE,),
        "changes": (FieldChange("expires", _iso(expires_on), end),),
        "flags": ("expiry-change",),
        "expire_on": end,
    }


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
        return _replace(wanted, actual, changes, why, Agreements())
    release = wanted.lifecycle == "active"
    if not changed and not release:
        return _entry("no-op", wanted, actual)
    reason = (
        "a draft; lifecycle: active releases it"
        if release
        else "lifecycle: draft: updated and left a draft"
    )
    return _entry(
        "update",
        wanted,
        actual,
        change_types=changed,
        changes=changes,
        release=release,
        reason=reason,
        flags=flags,
    )


def _replace(
    wanted: DesiredOffer,
    actual: ActualOffer,
    changes: tuple[FieldChange, ...],
    why: str,
    agreements: Agreements,
) -> OfferPlan:
    """``replace-needed``, with exactly which offer to create and which to expire."""
    steps = replacement_steps(wanted.key, agreements.active(actual.offer_id))
    return _entry("replace-needed", wanted, actual, changes=changes, reason=f"{why}. {steps}")


def _unclaimed(offer: ActualOffer, today: date, prune: bool) -> OfferPlan:
    live = not offer.expired(today)
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
            reason="its file was deleted and --prune was given",
            **_ending(offer.expires_on, today),
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
