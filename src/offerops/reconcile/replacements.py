"""Look up the agreements a plan depends on (Agreement API), before the final diff.

Two questions need them, and only for the offers they concern, so a plan without replacement
offers makes no Agreement API call at all:

- ``replaces: {offer: K}``: which agreement of K's offer the file replaces;
- an offer planned ``replace-needed``: which agreements its replacements must replace, so the
  plan says exactly which offers to create and which to expire.

The answers go to ``diff`` as ``targets.Agreements``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from offerops.catalog.client import AgreementClient
from offerops.reconcile.actual import ActualOffer
from offerops.reconcile.desired import DesiredOffer
from offerops.reconcile.diff import diff
from offerops.reconcile.retry import RetryPolicy
from offerops.reconcile.status import agreements_of
from offerops.reconcile.targets import AgreementRef, Agreements, source_offer

AgreementLookup = Callable[[str], tuple[AgreementRef, ...]]
"""offer id -> every agreement made from it (one SearchAgreements, paged)."""


def agreement_lookup(client: AgreementClient, retry: RetryPolicy) -> AgreementLookup:
    """SearchAgreements as the proposer, by offer id, read as :class:`AgreementRef`."""

    def lookup(offer_id: str) -> tuple[AgreementRef, ...]:
        found = agreements_of(offer_id, client, retry)
        return tuple(AgreementRef(a.agreement_id, a.buyer, a.status) for a in found)

    return lookup


def gather(
    desired: Sequence[DesiredOffer],
    actual: Sequence[ActualOffer],
    today: date,
    prune: bool,
    lookup: AgreementLookup,
) -> Agreements:
    """The agreements of every offer the plan's decisions or advice depend on."""
    by_key = {offer.key: offer for offer in actual if offer.key}
    by_id = {offer.offer_id: offer for offer in actual}
    files = {offer.key: offer for offer in desired}
    known: dict[str, tuple[AgreementRef, ...]] = {}
    for wanted in desired:
        key = wanted.replaces.offer_key if wanted.replaces else None
        source = source_offer(key, files, by_key, by_id) if key else None
        if source is not None and source.offer_id not in known:
            known[source.offer_id] = lookup(source.offer_id)
    for entry in diff(list(desired), list(actual), today, prune, Agreements(known)):
        if entry.action == "replace-needed" and entry.offer_id and entry.offer_id not in known:
            known[entry.offer_id] = lookup(entry.offer_id)
    return Agreements(known)
