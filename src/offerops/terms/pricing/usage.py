"""``UsageBasedPricingTerm``: private per-unit rates for metered dimensions (pay as you go).

Shape (Catalog API reference, "Work with private offers" -> UpdatePricingTerms, Usage model):
``{"Type": "UsageBasedPricingTerm", "CurrencyCode": "USD", "RateCards": [{"RateCard":
[{"DimensionKey": "USER", "Price": "0.085"}]}]}`` with exactly one rate card.

YAML: ``spec.pricing`` with ``model: usage``: ``currency`` and ``dimensions[].price``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from offerops.terms.document import (
    DetailsDocument,
    ShapeError,
    array,
    mapping,
    only_keys,
    text,
)
from offerops.terms.pricing.rates import DimensionPrice, by_key, rate_card_details, rate_card_of
from offerops.terms.values import Fields, format_money

TERM_TYPE: Final = "UsageBasedPricingTerm"


@dataclass(frozen=True)
class UsageBasedPricingTerm:
    """One rate per metered dimension, in dimension-key order."""

    currency: str
    rates: tuple[DimensionPrice, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "rates", by_key(self.rates))


def to_term(value: UsageBasedPricingTerm) -> DetailsDocument:
    """The term as UpdatePricingTerms lists it."""
    return {
        "Type": TERM_TYPE,
        "CurrencyCode": value.currency,
        "RateCards": [{"RateCard": rate_card_details(value.rates)}],
    }


def from_term(term: Mapping[str, object], where: str) -> UsageBasedPricingTerm:
    """Read the term from an entity's ``Terms`` (its ``Id`` ignored)."""
    only_keys(term, frozenset({"Type", "CurrencyCode", "RateCards"}), where)
    cards = array(term.get("RateCards"), f"{where}.RateCards")
    if len(cards) != 1:
        raise ShapeError(f"{where}.RateCards: expected one rate card, got {len(cards)}")
    card = mapping(cards[0], f"{where}.RateCards[0]")
    only_keys(card, frozenset({"RateCard"}), f"{where}.RateCards[0]")
    return UsageBasedPricingTerm(
        text(term.get("CurrencyCode"), f"{where}.CurrencyCode"),
        rate_card_of(card.get("RateCard"), f"{where}.RateCards[0].RateCard"),
    )


def fields(value: UsageBasedPricingTerm) -> Fields:
    """``currency``, then ``rate <dimension>`` per dimension."""
    result: Fields = {"currency": value.currency}
    for item in value.rates:
        result[f"rate {item.key}"] = format_money(item.price)
    return result
