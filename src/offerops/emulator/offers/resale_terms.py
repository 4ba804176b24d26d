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

ResaleAuthorization change types are not emulated: authorizations are seeded from the
``resaleAuthorizations`` of offerops.yaml. One declared with ``terms`` (the ISV's prices, contract
length and EULA) gets them as Resale*/Buyer* terms (:func:`authorization_terms`), stored on the
authorization and inherited as they are. One declared without terms stands for one whose ISV set
the standard contract and a price of 1.00 USD per dimension: a ConfigurableUpfrontPricingTerm
(12 months) over the product's Entitled dimensions and a UsageBasedPricingTerm over its metered
ones. Those prices are the emulator's invention (docs/emulator.md). The authorization's buyer
targeting is not emulated (seeded authorizations have no buyers), nor is the markup applied to the
inherited prices.
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
EULA_VERSIONS: Mapping[str, str] = {"scmp": STANDARD_CONTRACT, "standard-eula": "2019-12-12"}
"""offerops.yaml's ``legal`` of declared terms -> the StandardEula Version: the SCMP is the
2022-07-14 standard contract, the older standard EULA 2019-12-12 (the versions the Catalog API
accepts; which one AWS calls which is unconfirmed, as in the reconciler's own mapping)."""


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
    legal: Document = {"Type": "LegalTerm", "Documents": [_standard(STANDARD_CONTRACT)]}
    dimensions = dict(product.dimensions) if product else {}
    entitled = [key for key, kind in dimensions.items() if kind == ENTITLED]
    metered = [key for key, kind in dimensions.items() if kind != ENTITLED]
    terms = [legal]
    if entitled:
        card = _rate_card(dict.fromkeys(entitled, SEEDED_PRICE))
        terms.append(_configurable("ConfigurableUpfrontPricingTerm", card, SEEDED_DURATION, "USD"))
    if metered:
        card = _rate_card(dict.fromkeys(metered, SEEDED_PRICE))
        terms.append(_usage("UsageBasedPricingTerm", card, "USD"))
    return terms


def authorization_terms(
    *,
    currency: str,
    duration_months: int,
    upfront: Mapping[str, str],
    usage: Mapping[str, str],
    eula_version: str,
) -> list[Document]:
    """An ISV's terms as the authorization carries them (Resale*/Buyer* types): a
    BuyerLegalTerm, a ResaleConfigurableUpfrontPricingTerm over the ``upfront`` prices (a
    contract of ``duration_months``) and a ResaleUsageBasedPricingTerm over the ``usage`` ones
    (dimension key -> decimal price string)."""
    terms: list[Document] = [{"Type": "BuyerLegalTerm", "Documents": [_standard(eula_version)]}]
    if upfront:
        duration = f"P{duration_months}M"
        card = _rate_card(upfront)
        terms.append(
            _configurable("ResaleConfigurableUpfrontPricingTerm", card, duration, currency)
        )
    if usage:
        terms.append(_usage("ResaleUsageBasedPricingTerm", _rate_card(usage), currency))
    return terms


def _standard(version: str) -> Document:
    return {"Type": "StandardEula", "Version": version}


def _rate_card(prices: Mapping[str, str]) -> list[Document]:
    return [{"DimensionKey": key, "Price": price} for key, price in prices.items()]


def _configurable(
    term_type: str, rate_card: list[Document], duration: str, currency: str
) -> Document:
    return {
        "Type": term_type,
        "CurrencyCode": currency,
        "RateCards": [
            {
                "Selector": {"Type": "Duration", "Value": duration},
                "Constraints": {
                    "MultipleDimensionSelection": "Allowed",
                    "QuantityConfiguration": "Allowed",
                },
                "RateCard": rate_card,
            }
        ],
    }


def _usage(term_type: str, rate_card: list[Document], currency: str) -> Document:
    return {"Type": term_type, "CurrencyCode": currency, "RateCards": [{"RateCard": rate_card}]}
