"""OFR210-OFR211: resale authorizations, declared in offerops.yaml and named by CPPOs.

A channel partner private offer is created from a resale authorization the product's ISV shared
with the seller (CreateOfferUsingResaleAuthorization, Catalog API reference "Work with channel
partner private offers": "you must have received one or more Resale Authorizations"). Those
authorizations are facts of the seller's account, like its products, so offerops.yaml declares
them (``resaleAuthorizations``) and an offer may only name a declared one: a typo in an id is then
a lint error at the line, not a change set that fails at apply.
"""

from __future__ import annotations

from collections.abc import Iterator

from offerops.lint.context import OfferContext, RepoContext
from offerops.lint.rule import Problem, config_rule, offer_rule


@offer_rule("OFR210", "unknown-resale-authorization")
def unknown_resale_authorization(ctx: OfferContext) -> Iterator[Problem]:
    """
    ``channel.resaleAuthorization`` is not declared in offerops.yaml, or is for another product.

    A channel partner offer starts from a resale authorization the ISV shared with you, and
    takes its product from it: an id the ISV never shared is refused when the offer is applied,
    and an authorization for another product would make an offer for that product. Declare the
    authorization under ``resaleAuthorizations`` in offerops.yaml, with the product it is for,
    or fix the id. The product check is skipped when the offer's product is unknown (OFR204).

    Fails (offerops.yaml declares ``resaleauthz-1a2b3c4d5e6f7`` for ``secure-gateway``):

        product: secure-gateway
        channel:
          resaleAuthorization: resaleauthz-1a2b3c4d5e6f8

    Passes:

        product: secure-gateway
        channel:
          resaleAuthorization: resaleauthz-1a2b3c4d5e6f7
    """
    channel = ctx.spec.channel
    if channel is None:
        return
    authorizations = ctx.repo.config.resaleAuthorizations
    wanted = channel.resaleAuthorization
    declared = authorizations.get(wanted)
    where = ("spec", "channel", "resaleAuthorization")
    if declared is None:
        known = ", ".join(sorted(authorizations)) or "none"
        yield Problem(
            where,
            f'resale authorization "{wanted}" is not declared in offerops.yaml '
            f"(resaleAuthorizations; declared: {known}); add the one the ISV shared, or fix "
            "the id",
        )
    elif declared.product != ctx.spec.product and ctx.product is not None:
        yield Problem(
            where,
            f'resale authorization "{wanted}" is for product "{declared.product}", but this '
            f'offer is for "{ctx.spec.product}"; name an authorization for "{ctx.spec.product}"',
        )


@config_rule("OFR211", "resale-authorization-product")
def resale_authorization_product(repo: RepoContext) -> Iterator[Problem]:
    """
    A declared resale authorization is not for a resold product, or prices unknown dimensions.

    An ISV authorizes a reseller for one of the ISV's products: in offerops.yaml, a product with
    ``manufacturerAccountId``. The ISV's ``terms`` (which the emulator seeds, so that channel
    partner drafts inherit them) price that product's dimensions.

    Fails:

        resaleAuthorizations:
          resaleauthz-1a2b3c4d5e6f7:
            product: analytics-saas          # the seller's own product
            terms: { prices: { seats: "10.00" } }

    Passes:

        resaleAuthorizations:
          resaleauthz-1a2b3c4d5e6f7:
            product: secure-gateway          # has a manufacturerAccountId
            terms: { prices: { gateways: "400.00" } }
    """
    products = repo.config.products
    for authorization_id, declared in repo.config.resaleAuthorizations.items():
        at = ("resaleAuthorizations", authorization_id)
        product = products.get(declared.product)
        if product is None:
            known = ", ".join(sorted(products))
            yield Problem(
                (*at, "product"),
                f'product "{declared.product}" is not in products; known products: {known}',
            )
            continue
        if product.manufacturerAccountId is None:
            yield Problem(
                (*at, "product"),
                f'"{declared.product}" is the seller\'s own product (no manufacturerAccountId): '
                "a resale authorization is for an ISV's product; set "
                f"products.{declared.product}.manufacturerAccountId to the ISV's account",
            )
        if declared.terms is None:
            continue
        keys = {dimension.key for dimension in product.dimensions}
        for key in declared.terms.prices:
            if key not in keys:
                yield Problem(
                    (*at, "terms", "prices", key),
                    f'"{key}" is not a dimension of "{declared.product}"; its dimensions: '
                    + ", ".join(sorted(keys)),
                    at="key",
                )
