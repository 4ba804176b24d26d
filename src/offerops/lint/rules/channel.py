"""OFR206-OFR209: channel partner private offers (CPPO): ``spec.channel``, resold products.

Only what the public documentation states is checked here: the ``UpdateMarkup`` input pattern
from the Catalog API shapes, and the seller guide's "each channel partner private offer is
visible only to a single buyer", and that an ISV's product the seller resells is sold through a
resale authorization (the Catalog API reference, "Work with channel partner private offers"),
never by a direct offer. That ``markupPercentage`` exists only on a CPPO is structural
(it lives under ``channel``, next to the required ``resaleAuthorization``), and its 0..100 range
is checked by the model.
"""

from __future__ import annotations

from collections.abc import Iterator

from offerops.lint.context import OfferContext
from offerops.lint.finding import Severity
from offerops.lint.rule import Problem, offer_rule
from offerops.model.limits import MARKUP_PERCENTAGE_DECIMALS


@offer_rule("OFR206", "markup-percentage-decimals")
def markup_percentage_decimals(ctx: OfferContext) -> Iterator[Problem]:
    """
    ``channel.markupPercentage`` has more than 9 decimals.

    The reseller's markup is sent as ``UpdateMarkup.Percentage``, a string the Catalog API
    validates against ``^(\\d*\\.)?\\d{1,9}$`` (aws-marketplace-catalog-api-shapes): a plain
    decimal with at most 9 digits after the point. A longer fraction, usually a computed value
    pasted in, is rejected when the offer is applied.

    Fails:

        channel:
          resaleAuthorization: resaleauthz-1a2b3c4d5e6f7
          markupPercentage: "8.3333333333"

    Passes:

        channel:
          resaleAuthorization: resaleauthz-1a2b3c4d5e6f7
          markupPercentage: "8.5"
    """
    channel = ctx.spec.channel
    if channel is None or channel.markupPercentage is None:
        return
    exponent = channel.markupPercentage.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) else 0
    if decimals > MARKUP_PERCENTAGE_DECIMALS:
        shown = format(channel.markupPercentage, "f")
        yield Problem(
            ("spec", "channel", "markupPercentage"),
            f'markupPercentage "{shown}" has {decimals} decimals, the marketplace accepts at '
            f"most {MARKUP_PERCENTAGE_DECIMALS}; round it",
        )


@offer_rule("OFR207", "cppo-single-buyer", Severity.WARNING)
def cppo_single_buyer(ctx: OfferContext) -> Iterator[Problem]:
    """
    A channel partner private offer targets more than one buyer account.

    The AWS Marketplace seller guide (Creating private offers as a channel partner) says each
    channel partner private offer is visible only to a single buyer, with pricing and terms for
    that buyer's needs. Make one offer per buyer. This is a warning because a buyer's private
    marketplace administrator account may have to be targeted with it; switch the rule off in
    ``lint.rules`` with a reason if the seller targets several accounts of one customer.

    Fails:

        channel:
          resaleAuthorization: resaleauthz-1a2b3c4d5e6f7
        buyers:
          - acme-prod
          - globex-uk

    Passes:

        channel:
          resaleAuthorization: resaleauthz-1a2b3c4d5e6f7
        buyers:
          - acme-prod
    """
    if ctx.spec.channel is None:
        return
    accounts = {ctx.repo.resolve_buyer(ref) or ref for ref in ctx.buyers}
    if len(accounts) > 1:
        yield Problem(
            ("spec", "buyers"),
            f"a channel partner private offer is for a single buyer, but this one targets "
            f"{len(accounts)} accounts; make one offer per buyer",
            at="key",
        )


@offer_rule("OFR208", "direct-offer-for-resold-product")
def direct_offer_for_resold_product(ctx: OfferContext) -> Iterator[Problem]:
    """
    A direct offer (no ``channel``) is for a product the seller resells.

    A direct private offer (CreateOffer) is for one of the seller's own products; an ISV's
    product that the seller resells, one with ``manufacturerAccountId`` in offerops.yaml, can
    only be sold as a channel partner offer, under the resale authorization the ISV shared
    (CreateOfferUsingResaleAuthorization). The marketplace refuses a direct offer on a product
    the seller does not own. The other way round, a channel partner offer for the seller's own
    product, names an authorization for another product (OFR210) or one declared for a product
    without a manufacturer (OFR211). Skipped when the product is unknown (OFR204).

    Fails (``secure-gateway`` has a ``manufacturerAccountId``):

        product: secure-gateway
        buyers: [hooli]

    Passes:

        product: secure-gateway
        channel:
          resaleAuthorization: resaleauthz-1a2b3c4d5e6f7
        buyers: [hooli]
    """
    product = ctx.product
    if ctx.spec.channel is None and product is not None and product.manufacturerAccountId:
        yield Problem(
            ("spec", "product"),
            f'"{ctx.spec.product}" is resold from ISV account {product.manufacturerAccountId} '
            "(its manufacturerAccountId), so only a channel partner offer can sell it; add "
            "channel with the resaleAuthorization the ISV shared, or choose one of your own "
            "products",
        )
