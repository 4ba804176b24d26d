"""The plan's reviewer view: both sides of every entry, and the review flags they raise.

:mod:`diff` decides what apply does; this adds what the people who approve an offer read
(:mod:`view`): the marketplace's offer and the file's, or for a replacement offer the offer it
replaces, named through offerops.yaml. Prices and totals are compared here, where both sides are
known: a lower price anywhere (a contract price, a usage rate, an annual price) is a
``price-decrease``, a contract total that moves by more than ``policy.reviewThresholdPercent``
a ``total-change``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Final

from offerops.reconcile.actual import ActualOffer
from offerops.reconcile.desired import DesiredOffer, document_hash, legal_files
from offerops.reconcile.diff import OfferPlan
from offerops.reconcile.view import Directory, OfferView, Review, directory_of, view_of
from offerops.terms import completed

FLAG_ORDER: Final = ("price-decrease", "total-change", "new-buyer", "expiry-change")
"""Review flags in the order a reviewer should look at them."""


def reviewed(
    entries: Sequence[OfferPlan], desired: Sequence[DesiredOffer], actual: Sequence[ActualOffer]
) -> list[OfferPlan]:
    """Every entry that changes or reports something, with its review and review flags.

    A no-op has no review: nothing in it needs approving, and a plan of thousands of unchanged
    offers stays small.
    """
    sides = _Sides(desired, actual)
    return [entry if entry.action == "no-op" else sides.review(entry) for entry in entries]


class _Sides:
    """The desired and actual offers a plan was made from, and the names to show them with."""

    def __init__(self, desired: Sequence[DesiredOffer], actual: Sequence[ActualOffer]) -> None:
        self.directory = directory_for(desired)
        self.desired = {offer.key: offer for offer in desired}
        self.actual = {offer.offer_id: offer for offer in actual}
        self.by_key = {offer.key: offer for offer in actual if offer.key}

    def review(self, entry: OfferPlan) -> OfferPlan:
        wanted = self.desired.get(entry.key or "") if entry.relpath is not None else None
        current = self.actual.get(entry.offer_id or "")
        before = self._actual(current)
        after = self._desired(wanted, current) if entry.action != "expire" else None
        replaced = None
        if before is None and wanted is not None and wanted.replaces is not None:
            replaced = wanted.replaces.offer_key
            before = self._actual(self.by_key.get(replaced or ""))
            replaced = replaced if before is not None else None
        review = Review(before, after, replaced)
        return replace(entry, review=review, flags=flags(entry.flags, review, self.directory))

    def _actual(self, offer: ActualOffer | None) -> OfferView | None:
        if offer is None or offer.unreadable is not None:
            return None
        return view_of(offer.terms, offer.product_id, offer.resale_authorization_id, self.directory)

    def _desired(self, offer: DesiredOffer | None, current: ActualOffer | None) -> OfferView | None:
        """The file's side; what a draft's file leaves out shows as the marketplace has it."""
        if offer is None:
            return None
        terms = offer.terms
        if current is not None and current.unreadable is None:
            terms = completed(terms, current.terms)
        return view_of(terms, offer.product_id, offer.resale_authorization_id, self.directory)


def directory_for(desired: Sequence[DesiredOffer]) -> Directory:
    """The names of the repository the desired offers come from (none without offers)."""
    repository = next((offer.repository for offer in desired if offer.repository), None)
    if repository is None:
        return Directory()
    named: dict[str, str] = {}
    for offer in desired:
        for path in offer.documents:
            try:
                named.setdefault(document_hash(repository.root / path), path)
            except OSError:
                continue
    return directory_of(repository.config, _documents(named, lambda: legal_files(repository.root)))


def _documents(
    named: Mapping[str, str], scan: Callable[[], dict[str, str]]
) -> Callable[[str], str | None]:
    """A document by content hash: one an offer names, else any file in legal/ (read only
    when a marketplace offer has a document no offer names, e.g. an earlier version)."""
    scanned: dict[str, str] | None = None

    def find(digest: str) -> str | None:
        nonlocal scanned
        if digest in named:
            return named[digest]
        if scanned is None:
            try:
                scanned = scan()
            except OSError:
                scanned = {}
        return scanned.get(digest)

    return find


def flags(existing: Sequence[str], review: Review, directory: Directory) -> tuple[str, ...]:
    """``existing`` plus ``price-decrease`` and ``total-change`` where the review shows them."""
    found = set(existing)
    before, after = review.before, review.after
    if before is not None and after is not None:
        if price_decreased(before, after):
            found.add("price-decrease")
        if total_moved(before, after, directory.threshold):
            found.add("total-change")
    ordered = [flag for flag in FLAG_ORDER if flag in found]
    return (*ordered, *(flag for flag in existing if flag not in FLAG_ORDER))


def price_decreased(before: OfferView, after: OfferView) -> bool:
    """Any price per unit (contract, usage or annual) or the contract total is lower."""
    old = {(d.kind, d.key): d.price for d in before.dimensions if d.price is not None}
    for dimension in after.dimensions:
        price = old.get((dimension.kind, dimension.key))
        if price is not None and dimension.price is not None and dimension.price < price:
            return True
    return _lower(before.total, after.total)


def _lower(before: Decimal | None, after: Decimal | None) -> bool:
    return before is not None and after is not None and after < before


def total_moved(before: OfferView, after: OfferView, threshold: Decimal) -> bool:
    """The contract total moved by more than ``threshold`` percent, up or down (any move of a
    zero total, and any move at all with a threshold of 0)."""
    old, new = before.total, after.total
    if old is None or new is None or old == new:
        return False
    if not old:
        return True
    return abs(new - old) * 100 / old > threshold
