"""OFR5xx: buyers: account ids, aliases, duplicates, how many, and where they may be."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from offerops.lint.context import OfferContext
from offerops.lint.finding import Severity
from offerops.lint.rule import Problem, declare, offer_rule
from offerops.model.config import Buyer
from offerops.model.limits import EMEA_COUNTRIES, EMEA_ONLY_BANK_COUNTRIES

declare(
    "OFR501",
    "buyer-id-format",
    Severity.ERROR,
    "structure",
    """
    A buyer entry is not a quoted 12-digit account id or a well-formed alias.

    AWS account ids are exactly 12 digits, and many start with zeros. Written as a bare YAML
    number, ``012345678901`` becomes ``12345678901`` and targets nobody, so ids must be quoted.
    Anything that is not digits must be a buyer alias from offerops.yaml: lowercase letters,
    digits, dots, dashes and underscores. The list needs at least one entry.

    Fails:

        buyers:
          - 123456789012
          - "12345678901"
          - Acme Prod

    Passes:

        buyers:
          - "123456789012"
          - acme-prod
    """,
)


def _buyer_path(index: int) -> tuple[str, str, int]:
    return ("spec", "buyers", index)


@offer_rule("OFR502", "unknown-buyer-alias")
def unknown_buyer_alias(ctx: OfferContext) -> Iterator[Problem]:
    """
    A buyer alias is not registered under ``buyers`` in offerops.yaml.

    An alias stands for an account id; without a registry entry the offer has no account to
    target. Usually a typo: the message suggests the closest registered aliases.

    Fails:

        buyers:
          - acme-prd

    Passes:

        buyers:
          - acme-prod
    """
    registry = ctx.repo.config.buyers
    for index, ref in enumerate(ctx.buyers):
        if ctx.repo.resolve_buyer(ref) is not None:
            continue
        close = difflib.get_close_matches(ref, list(registry), n=3, cutoff=0.6)
        if close:
            hint = "did you mean " + " or ".join(f'"{alias}"' for alias in close) + "?"
        else:
            hint = "register it under buyers in offerops.yaml or write the quoted account id"
        yield Problem(_buyer_path(index), f'unknown buyer alias "{ref}"; {hint}')


@offer_rule("OFR503", "duplicate-buyer")
def duplicate_buyer(ctx: OfferContext) -> Iterator[Problem]:
    """
    The same buyer account is listed twice.

    An alias and its account id count as the same buyer. The marketplace targets each account
    once; a repeated entry is a copy-paste slip that hides which buyer was really meant (often
    another account was intended). The finding points at the second entry.

    Fails (``acme-prod`` is ``"123456789012"`` in offerops.yaml):

        buyers:
          - "123456789012"
          - acme-prod

    Passes:

        buyers:
          - "123456789012"
          - globex-uk
    """
    buyers = ctx.buyers
    first_index: dict[str, int] = {}
    for index, ref in enumerate(buyers):
        account = ctx.repo.resolve_buyer(ref)
        if account is None:
            continue
        if account not in first_index:
            first_index[account] = index
            continue
        earlier = first_index[account]
        what = f'buyer "{ref}"' if ref == account else f'buyer "{ref}" (account "{account}")'
        yield Problem(
            _buyer_path(index),
            f'{what} is already listed as item {earlier + 1}, "{buyers[earlier]}"; '
            "remove one of them",
        )


@offer_rule("OFR504", "too-many-buyers")
def too_many_buyers(ctx: OfferContext) -> Iterator[Problem]:
    """
    The offer lists more buyers than ``policy.maxBuyersPerOffer`` (default 25).

    The seller guide allows 25 buyer accounts per private offer and the Catalog API at most 26
    (``PositiveTargeting.BuyerAccounts``); a seller may choose a lower cap in offerops.yaml.
    Split the buyers over several offers.

    Fails (with the default policy): 26 entries under ``buyers``.

    Passes: 1 to 25 entries.
    """
    limit = ctx.repo.config.policy.maxBuyersPerOffer
    count = len(ctx.buyers)
    if count > limit:
        yield Problem(
            ("spec", "buyers"),
            f"offer lists {count} buyers, at most {limit} are allowed "
            "(policy.maxBuyersPerOffer); split them over several offers",
            at="key",
        )


def _registered(ctx: OfferContext, ref: str) -> Buyer | None:
    account = ctx.repo.resolve_buyer(ref)
    return ctx.repo.buyer_by_account.get(account) if account else None


def _emea_only(ctx: OfferContext) -> bool:
    return ctx.repo.config.seller.bankCountry in EMEA_ONLY_BANK_COUNTRIES


@offer_rule("OFR505", "buyer-outside-emea")
def buyer_outside_emea(ctx: OfferContext) -> Iterator[Problem]:
    """
    A seller with a GB bank account targets a buyer registered outside EMEA.

    Sellers who are paid into a bank account in the United Kingdom may only sell to buyers in
    Europe, the Middle East and Africa. The buyer's country comes from its ``country`` in the
    ``buyers`` registry of offerops.yaml.

    Fails (``seller.bankCountry: GB``; ``initech-br`` has ``country: BR``):

        buyers:
          - initech-br

    Passes (``globex-uk`` has ``country: GB``):

        buyers:
          - globex-uk
    """
    if not _emea_only(ctx):
        return
    bank = ctx.repo.config.seller.bankCountry
    for index, ref in enumerate(ctx.buyers):
        buyer = _registered(ctx, ref)
        if buyer is None or buyer.country is None or buyer.country in EMEA_COUNTRIES:
            continue
        yield Problem(
            _buyer_path(index),
            f'buyer "{ref}" ({buyer.name}) is in "{buyer.country}", outside EMEA; a seller '
            f'with seller.bankCountry "{bank}" may only sell to buyers in EMEA countries',
        )


@offer_rule("OFR506", "buyer-not-registered", Severity.WARNING)
def buyer_not_registered(ctx: OfferContext) -> Iterator[Problem]:
    """
    A seller with a GB bank account targets a buyer whose country is not known.

    A GB bank account may only sell to EMEA buyers (see ``buyer-outside-emea``), which the linter
    can only check for buyers registered in offerops.yaml with a ``country``. A raw account id
    that is not registered, or a registered buyer without ``country``, is reported so that it
    gets registered. A seller that checks countries elsewhere can switch this warning off in
    ``lint.rules`` with a reason.

    Fails (``seller.bankCountry: GB``):

        buyers:
          - "999988887777"

    Passes (``globex-uk: { account: "210987654321", name: Globex Ltd, country: GB }``):

        buyers:
          - globex-uk
    """
    if not _emea_only(ctx):
        return
    for index, ref in enumerate(ctx.buyers):
        if ctx.repo.resolve_buyer(ref) is None:
            continue  # an unknown alias is unknown-buyer-alias
        buyer = _registered(ctx, ref)
        if buyer is None:
            message = (
                f'buyer "{ref}" is not registered under buyers in offerops.yaml, so its country '
                "cannot be checked against EMEA; register it with its country"
            )
        elif buyer.country is None:
            message = (
                f'buyer "{ref}" ({buyer.name}) has no country in offerops.yaml, so it cannot be '
                "checked against EMEA; add its country"
            )
        else:
            continue
        yield Problem(_buyer_path(index), message)


@offer_rule("OFR507", "seller-account-as-buyer", Severity.WARNING)
def seller_account_as_buyer(ctx: OfferContext) -> Iterator[Problem]:
    """
    The seller's own account (``seller.accountId``) is a buyer of the offer.

    A private offer is made for customers; targeting the seller's own account is usually a test
    left in place before the offer goes to a real buyer. Remove the entry, or switch this
    warning off in ``lint.rules`` with a reason when it is intended.

    Fails (``seller.accountId: "111122223333"``):

        buyers:
          - "111122223333"

    Passes:

        buyers:
          - acme-prod
    """
    seller = ctx.repo.config.seller.accountId
    for index, ref in enumerate(ctx.buyers):
        if ctx.repo.resolve_buyer(ref) == seller:
            yield Problem(
                _buyer_path(index),
                f'buyer "{ref}" is the seller\'s own account "{seller}"; '
                "offer it to the customer's account instead",
            )
