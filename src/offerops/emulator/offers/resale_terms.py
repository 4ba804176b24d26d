"""The terms a channel partner offer (CPPO) inherits from its resale authorization.

Source: the Catalog API reference, "Work with channel partner private offers"
(https://docs.aws.amazon.com/marketplace/latest/APIReference/work-with-cppos.html): "When you
create or update a CPPO, the draft offer will contain the terms and rules from a Resale
Authorization"; under "Terms and rules from ResaleAuthorization" it lists the LegalTerm, the
pricing terms (ConfigurableUpfront, FixedUpfront, UsageBased) and the PaymentScheduleTerm, and its
DescribeEntity example shows them with the offer's term types. AWS's reference change sets
PublishCppoEula and PublishCppoPiceMarkupObject (aws-samples/aws-marketplace-reference-code)
release a CPPO without sending any pricing, the latter without a LegalTerm either.

A resale authorization's own terms carry the ``Resale``/``Buyer`` types its change types use
(ResaleConfigurableUpfrontPricingTerm, BuyerLegalTerm, ... in the reference samples under
``resaleAuthorization/``); the draft gets them under the offer's types. Terms between the ISV and
the reseller only (ResaleLegalTerm and the like) stay on the authorization.

The emulator seeds authorizations without terms of their own (ResaleAuthorization change types are
not emulated). A seeded authorization stands for one whose ISV set the standard contract and a
price of 1.00 USD per dimension: a ConfigurableUpfrontPricingTerm (12 months) over the product's
Entitled dimensions and a UsageBasedPricingTerm over its metered ones. Those prices are the
emulator's invention (docs/emulator.md); an authorization record that carries ``terms`` is
inherited as it is. The authorization's buyer targeting is not emulated (seeded authorizations have
no buyers), nor is the markup applied to the inherited prices.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from offerops.emulator.offers.base import ENTITLED, Document
from offerops.emulator.store.catalog import Product, ResaleAuthorization

OFFER_TYPES: Mapping[str, str] = {
    "ResaleConfigurableUpfrontPricingTerm": "ConfigurableUpfrontPricingTerm",
    "ResaleFixedUpfrontPricingTerm": "FixedUpfrontPricingTerm",
    "ResaleUsageBasedPricingTerm": "UsageBasedPricingTerm",
    "ResalePaymentScheduleTerm": "PaymentScheduleTerm",
    "BuyerLegalTerm": "LegalTerm",
}
"""A resale authorization's term type -> the type it has on the channel partner's offer."""

SEEDED_PRICE = "1.00"
SEEDED_DURATION = "P12M"
STANDARD_CONTRACT = "2022-07-14"


def inherited_terms(authorization: ResaleAuthorization, product: Product | None) -> list[Document]:
    """The terms a draft created from ``authorization`` starts with."""
    own: Any = getattr(authorization, "terms", None)
    if isinstance(own, Iterable) and not isinstance(own, str | bytes | Mapping):
        return offer_terms(term for term in own if isinstance(term, Mapping))
    return seeded_terms(product)


def offer_terms(terms: Iterable[Mapping[str, Any]]) -> list[Document]:
    """An authorization's terms as the offer's: buyer-facing types renamed, the rest left out."""
    inherited: list[Document] = []
    for term in terms:
        offer_type = OFFER_TYPES.get(str(term.get("Type")))
        if offer_type is not None:
            inherited.append({**term, "Type": offer_type})
    return inherited


def seeded_terms(product: Product | None) -> list[Document]:
    """The terms of an authorization seeded without any (module docstring)."""
    legal: Document = {
        "Type": "LegalTerm",
        "Documents": [{"Type": "StandardEula", "Version": STANDARD_CONTRACT}],
    }
    dimensions = dict(product.dimensions) if product else {}
    entitled = [key for key, kind in dimensions.items() if kind == ENTITLED]
    metered = [key for key, kind in dimensions.items() if kind != ENTITLED]
    terms = [legal]
    if entitled:
        terms.append(_configurable(entitled))
    if metered:
        terms.append(_usage(metered))
    return terms


def _rate_card(keys: list[str]) -> list[Document]:
    return [{"DimensionKey": key, "Price": SEEDED_PRICE} for key in keys]


def _configurable(keys: list[str]) -> Document:
    return {
        "Type": "ConfigurableUpfrontPricingTerm",
        "CurrencyCode": "USD",
        "RateCards": [
            {
                "Selector": {"Type": "Duration", "Value": SEEDED_DURATION},
                "Constraints": {
                    "MultipleDimensionSelection": "Allowed",
                    "QuantityConfiguration": "Allowed",
                },
                "RateCard": _rate_card(keys),
            }
        ],
    }


def _usage(keys: list[str]) -> Document:
    return {
        "Type": "UsageBasedPricingTerm",
        "CurrencyCode": "USD",
        "RateCards": [{"RateCard": _rate_card(keys)}],
    }
