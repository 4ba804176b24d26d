"""OFR230-OFR234: replacement offers (``spec.replaces``): what they replace, and for whom.

A replacement offer (the Catalog API's CreateReplacementOffer) replaces an existing agreement
when its buyer accepts it: how a seller upgrades or renews a current customer before the
agreement ends. The agreement belongs to one buyer, so the offer must reach that buyer; it is
an AWS Marketplace agreement, so the customer is not moving to the marketplace.
"""

from __future__ import annotations

from collections.abc import Iterator

from offerops.lint.context import LoadedOffer, OfferContext, RepoContext
from offerops.lint.finding import Severity
from offerops.lint.rule import Problem, offer_rule, repository_rule
from offerops.model.offer import OfferFile

REPLACES = ("spec", "replaces")


@offer_rule("OFR230", "replaces-form")
def replaces_form(ctx: OfferContext) -> Iterator[Problem]:
    """
    ``replaces`` names both an agreement and an offer, or neither.

    A replacement offer replaces one agreement: name it by its id (``agreement``), or by the
    key of the offer it was accepted on (``offer``), which plan resolves to that offer's active
    agreement with a buyer of this offer.

    Fails:

        spec:
          replaces:
            agreement: agmt-1a2b3c4d5e6f7g8h9i0j1k2l3
            offer: acme-analytics-2027

    Passes:

        spec:
          replaces:
            offer: acme-analytics-2027
    """
    replaces = ctx.spec.replaces
    if replaces is None:
        return
    if replaces.agreement is not None and replaces.offer is not None:
        yield Problem(
            REPLACES, "replaces names an agreement and an offer; keep one of them", at="key"
        )
    elif replaces.agreement is None and replaces.offer is None:
        yield Problem(
            REPLACES,
            "replaces needs the agreement it replaces: `agreement: agmt-...` or the key of "
            "the offer it was accepted on, `offer: <key>`",
            at="key",
        )


def _offers_by_key(offers: list[LoadedOffer]) -> dict[str, OfferFile]:
    return {loaded.offer.key: loaded.offer for loaded in offers if loaded.offer is not None}


def _stems(repo: RepoContext) -> set[str]:
    return {path.rsplit("/", 1)[-1].rsplit(".", 1)[0] for path in repo.all_offer_paths}


@repository_rule("OFR231", "replaces-unknown-offer")
def replaces_unknown_offer(repo: RepoContext, offers: list[LoadedOffer]) -> Iterator[Problem]:
    """
    ``replaces.offer`` is not the key of another offer in the repository.

    The offer whose agreement is replaced must be managed here: plan finds it on the
    marketplace by its key and asks the Agreement API for its agreements. For an offer made
    elsewhere, import it first (``offerops import``) or name the agreement by id.

    Fails (no file ``offers/acme-analytics-2026.yaml``):

        spec:
          replaces:
            offer: acme-analytics-2026

    Passes:

        spec:
          replaces:
            agreement: agmt-1a2b3c4d5e6f7g8h9i0j1k2l3
    """
    known = _stems(repo)
    for loaded in offers:
        offer = loaded.offer
        target = offer.spec.replaces.offer if offer and offer.spec.replaces else None
        if offer is None or target is None:
            continue
        if target == offer.key:
            message = "an offer cannot replace its own agreement; name the offer it replaces"
        elif target not in known:
            message = (
                f'no offer with key "{target}" in offers/; name an offer of this repository, '
                "or the agreement by id (`agreement: agmt-...`)"
            )
        else:
            continue
        yield Problem((*REPLACES, "offer"), message, file=loaded.relpath)


@repository_rule("OFR232", "replacement-misses-buyer")
def replacement_misses_buyer(repo: RepoContext, offers: list[LoadedOffer]) -> Iterator[Problem]:
    """
    A replacement offer targets none of the buyers of the offer it replaces.

    Only the agreement's buyer can accept its replacement, and the agreement was accepted by a
    buyer of that offer; an offer that targets none of them can never replace anything.

    Fails (``acme-analytics-2027`` targets acme-prod and acme-dev):

        spec:
          replaces:
            offer: acme-analytics-2027
          buyers: [globex]

    Passes:

        spec:
          replaces:
            offer: acme-analytics-2027
          buyers: [acme-prod]
    """
    by_key = _offers_by_key(offers)
    for loaded in offers:
        offer = loaded.offer
        target = offer.spec.replaces.offer if offer and offer.spec.replaces else None
        source = by_key.get(target or "")
        if offer is None or source is None or source.key == offer.key:
            continue
        if source.spec.buyers is None or offer.spec.buyers is None:
            continue  # a draft that leaves its buyers out targets the agreement's buyer
        theirs = {_account(repo, ref) for ref in source.spec.buyers}
        if not theirs & {_account(repo, ref) for ref in offer.spec.buyers}:
            yield Problem(
                ("spec", "buyers"),
                f"none of these buyers is a buyer of {source.key}, whose agreement this offer "
                f"replaces; target the buyer who accepted {source.key}",
                file=loaded.relpath,
            )


def _account(repo: RepoContext, ref: str) -> str:
    return repo.resolve_buyer(ref) or ref


@offer_rule("OFR233", "replacement-not-moving")
def replacement_not_moving(ctx: OfferContext) -> Iterator[Problem]:
    """
    A replacement offer says the customer is moving to AWS Marketplace.

    ``renewal: moving-to-marketplace`` records an agreement made outside AWS Marketplace
    (PreExistingAgreement AcquisitionChannel ``External``); the agreement a replacement offer
    replaces is an AWS Marketplace agreement. Use ``existing-marketplace-customer`` for a
    renewal, or ``none`` for an upgrade that is not one.

    Fails:

        spec:
          renewal: moving-to-marketplace
          replaces:
            offer: acme-analytics-2027

    Passes:

        spec:
          renewal: existing-marketplace-customer
          replaces:
            offer: acme-analytics-2027
    """
    if ctx.spec.replaces is not None and ctx.spec.renewal == "moving-to-marketplace":
        yield Problem(
            ("spec", "renewal"),
            "the agreement this offer replaces is an AWS Marketplace agreement; use renewal: "
            "existing-marketplace-customer (a renewal) or none (an upgrade)",
        )


@offer_rule("OFR234", "replacement-several-buyers", Severity.WARNING)
def replacement_several_buyers(ctx: OfferContext) -> Iterator[Problem]:
    """
    A replacement offer targets more than one buyer.

    The agreement it replaces has one buyer, and only that buyer can accept the replacement;
    the other buyers see an offer they cannot accept. One replacement offer per agreement.

    Fails:

        spec:
          replaces:
            offer: acme-analytics-2027
          buyers: [acme-prod, acme-dev]

    Passes:

        spec:
          replaces:
            offer: acme-analytics-2027
          buyers: [acme-prod]
    """
    if ctx.spec.replaces is not None and len(ctx.buyers) > 1:
        yield Problem(
            ("spec", "buyers"),
            f"a replacement offer is accepted only by the buyer of the agreement it replaces; "
            f"{len(ctx.buyers)} buyers are listed: keep that one buyer",
        )
