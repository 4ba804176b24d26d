"""Replacement offers in the plan: which agreement an offer replaces, and what a replacement of
a released offer should be. Pure: what the Agreement API said comes in as :class:`Agreements`
(gathered by ``replacements.gather``).

``spec.replaces`` names an agreement by id (taken as written: the marketplace checks it when the
offer is created) or by the key of the offer it was made from: then it is that offer's one
ACTIVE agreement whose buyer the file targets (SearchAgreements by offer id). An offer with no
such agreement yet is ``waiting``; one with several must name the agreement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from offerops.reconcile.actual import ActualOffer
from offerops.reconcile.desired import DesiredOffer


@dataclass(frozen=True)
class AgreementRef:
    """One agreement made from an offer (Agreement API ``SearchAgreements``)."""

    agreement_id: str
    buyer: str
    status: str

    @property
    def active(self) -> bool:
        return self.status == "ACTIVE"


@dataclass(frozen=True)
class Agreements:
    """Every agreement made from the offers a plan needs them for, by offer id.

    An offer id that is not a key was not looked up, and the plan decides without it: only the
    key checks of ``fetch.verify_keys`` plan that way (their question is which offers exist);
    ``replacements.gather`` looks up everything the final plan needs.
    """

    by_offer: Mapping[str, tuple[AgreementRef, ...]] = field(default_factory=dict)

    def active(self, offer_id: str | None) -> tuple[AgreementRef, ...] | None:
        """The offer's ACTIVE agreements; None when they were not looked up."""
        found = self.by_offer.get(offer_id or "")
        return None if found is None else tuple(ref for ref in found if ref.active)


@dataclass(frozen=True)
class Target:
    """The agreement a desired replacement offer replaces, as far as the plan knows it."""

    agreement: str | None = None
    candidates: frozenset[str] | None = None
    """Every agreement ``replaces`` may mean (for ``offer:``, all of that offer's, also ended
    ones: the offer it replaced stays the same offer); None: not looked up, not compared."""
    waiting: str = ""
    """Why there is nothing to replace yet."""
    refused: str = ""
    """Why the file must say more (several active agreements)."""


def target_of(
    wanted: DesiredOffer,
    desired: Mapping[str, DesiredOffer],
    by_key: Mapping[str, ActualOffer],
    by_id: Mapping[str, ActualOffer],
    known: Agreements,
) -> Target | None:
    """What ``replaces`` means on the marketplace; None for an offer that replaces nothing."""
    reference = wanted.replaces
    if reference is None:
        return None
    if reference.agreement is not None:
        return Target(reference.agreement, frozenset({reference.agreement}))
    key = reference.offer_key or ""
    offer = source_offer(key, desired, by_key, by_id)
    if offer is None:
        return Target(waiting=f"{key} is not on the marketplace yet, so it has no agreement")
    found = known.by_offer.get(offer.offer_id)
    if found is None:
        return Target()
    return _chosen(wanted, key, found)


def source_offer(
    key: str,
    desired: Mapping[str, DesiredOffer],
    by_key: Mapping[str, ActualOffer],
    by_id: Mapping[str, ActualOffer],
) -> ActualOffer | None:
    """The marketplace offer of the file ``key``: by its tag, else by the file's ``id:``."""
    source = desired.get(key)
    return by_key.get(key) or (by_id.get(source.adopted_id or "") if source else None)


def _chosen(wanted: DesiredOffer, key: str, found: Sequence[AgreementRef]) -> Target:
    """The one active agreement of ``key``'s offer with a buyer the file targets; any buyer's
    for a draft that leaves its buyers out (the replacement draft targets the agreement's)."""
    candidates = frozenset(ref.agreement_id for ref in found)
    targeting = wanted.terms.targeting
    buyers = None if targeting is None else set(targeting.buyer_accounts)
    live = [ref for ref in found if ref.active and (buyers is None or ref.buyer in buyers)]
    if len(live) == 1:
        return Target(live[0].agreement_id, candidates)
    if not live:
        why = (
            f"{key} has no active agreement with a buyer of this offer (none accepted it "
            "yet, or the agreement ended or was replaced)"
        )
        return Target(candidates=candidates, waiting=why)
    listed = ", ".join(f"{ref.agreement_id} (buyer {ref.buyer})" for ref in live)
    why = (
        f"{key} has {len(live)} active agreements with buyers of this offer: {listed}; a "
        "replacement offer replaces one of them: name it with `replaces: {agreement: <id>}`"
    )
    return Target(candidates=candidates, refused=why)


def retargeted(actual: ActualOffer, target: Target | None) -> str:
    """Why the agreement the offer replaces differs from the file's, or "" when it does not.

    Like the product, it is set by the Create change and no change moves it.
    """
    now = actual.target_agreement_id
    if target is None:
        return "" if now is None else f"the offer replaces agreement {now}, which the file omits"
    if now is None:
        return "the offer replaces no agreement, and the file says it replaces one"
    if target.candidates is not None and now not in target.candidates:
        return f"the agreement it replaces changed ({now} -> {target.agreement or 'another'})"
    return ""


def replacement_steps(key: str, active: Sequence[AgreementRef] | None) -> str:
    """Exactly what to do instead of changing a released offer: which offer(s) to create, which
    to expire, and the command that writes them (``offerops clone --replace``).

    A current customer's agreement is replaced, not left running beside a second one: each
    active agreement gets a replacement offer (CreateReplacementOffer) for its buyer.
    """
    new_key = f"{key}-v2"
    if not active:
        checked = "" if active is None else " (it has no active agreement)"
        return (
            f"Next: create {new_key} as a new offer{checked}; expire {key}. "
            f"`offerops clone {key} {new_key} --replace` writes both; then edit {new_key}"
        )
    creates = [
        f"create {key}-v{number} replacing agreement {ref.agreement_id} (buyer {ref.buyer})"
        for number, ref in enumerate(active, start=2)
    ]
    commands = [
        f"`offerops clone {key} {key}-v{number} --replace --agreement {ref.agreement_id}`"
        for number, ref in enumerate(active, start=2)
    ]
    return (
        f"Next: {'; '.join(creates)}; expire {key}. {', '.join(commands)} "
        f"{'writes' if len(commands) == 1 else 'write'} "
        f"{'it' if len(commands) == 1 else 'them'} and sets `lifecycle: expired` on {key}; "
        "then edit the copy"
    )
