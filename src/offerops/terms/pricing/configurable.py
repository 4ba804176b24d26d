"""``ConfigurableUpfrontPricingTerm``: upfront per-unit prices; the buyer chooses quantities.

Shape (Catalog API reference, "Work with private offers" -> UpdatePricingTerms, Contract model):
``{"Type": "ConfigurableUpfrontPricingTerm", "CurrencyCode": "USD", "RateCards": [{"Selector":
{"Type": "Duration", "Value": "P36M"}, "Constraints": {"MultipleDimensionSelection": "Allowed",
"QuantityConfiguration": "Allowed"}, "RateCard": [{"DimensionKey": "users", "Price":
"250.00"}]}]}``. It carries prices only: no quantities (see ``from_offer.unrepresentable``).

YAML: ``spec.pricing`` with ``model: contract``, ``payment: upfront`` and no quantities:
``contract.purchasing`` -> MultipleDimensionSelection, ``contract.quantities`` ->
QuantityConfiguration (``one``: Disallowed, as AWS's tiered and container contract samples send
it), ``dimensions[].price`` -> RateCard.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

from offerops.terms.document import (
    DetailsDocument,
    JsonValue,
    ShapeError,
    array,
    mapping,
    only_keys,
    optional_text,
    text,
)
from offerops.terms.pricing.rates import DimensionPrice, by_key, rate_card_details, rate_card_of
from offerops.terms.values import Duration, Fields, format_money

TERM_TYPE: Final = "ConfigurableUpfrontPricingTerm"

Permission: TypeAlias = Literal["Allowed", "Disallowed"]
PERMISSIONS: Final[tuple[Permission, ...]] = ("Allowed", "Disallowed")


@dataclass(frozen=True)
class ConfigurableRateCard:
    """Prices for one contract duration, and what the buyer may configure."""

    duration: Duration
    prices: tuple[DimensionPrice, ...]
    multiple_dimension_selection: Permission | None = None
    quantity_configuration: Permission | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "prices", by_key(self.prices))


@dataclass(frozen=True)
class ConfigurableUpfrontPricingTerm:
    """Rate cards in the order sent (offerops sends one)."""

    currency: str
    rate_cards: tuple[ConfigurableRateCard, ...]


def to_term(value: ConfigurableUpfrontPricingTerm) -> DetailsDocument:
    """The term as UpdatePricingTerms lists it."""
    cards: list[JsonValue] = [_card(card) for card in value.rate_cards]
    return {"Type": TERM_TYPE, "CurrencyCode": value.currency, "RateCards": cards}


def _card(card: ConfigurableRateCard) -> DetailsDocument:
    constraints: dict[str, JsonValue] = {}
    if card.multiple_dimension_selection is not None:
        constraints["MultipleDimensionSelection"] = card.multiple_dimension_selection
    if card.quantity_configuration is not None:
        constraints["QuantityConfiguration"] = card.quantity_configuration
    document: DetailsDocument = {"Selector": {"Type": "Duration", "Value": card.duration.iso()}}
    if constraints:
        document["Constraints"] = constraints
    document["RateCard"] = rate_card_details(card.prices)
    return document


def from_term(term: Mapping[str, object], where: str) -> ConfigurableUpfrontPricingTerm:
    """Read the term from an entity's ``Terms`` (its ``Id`` ignored)."""
    only_keys(term, frozenset({"Type", "CurrencyCode", "RateCards"}), where)
    cards = array(term.get("RateCards"), f"{where}.RateCards")
    return ConfigurableUpfrontPricingTerm(
        text(term.get("CurrencyCode"), f"{where}.CurrencyCode"),
        tuple(_read_card(card, f"{where}.RateCards[{i}]") for i, card in enumerate(cards)),
    )


def _read_card(raw: object, where: str) -> ConfigurableRateCard:
    card = mapping(raw, where)
    only_keys(card, frozenset({"Selector", "Constraints", "RateCard"}), where)
    selector = mapping(card.get("Selector"), f"{where}.Selector")
    only_keys(selector, frozenset({"Type", "Value"}), f"{where}.Selector")
    if selector.get("Type") != "Duration":
        raise ShapeError(f"{where}.Selector.Type: expected Duration, got {selector.get('Type')!r}")
    constraints = mapping(card.get("Constraints") or {}, f"{where}.Constraints")
    names = ("MultipleDimensionSelection", "QuantityConfiguration")
    only_keys(constraints, frozenset(names), f"{where}.Constraints")
    multiple, quantity = (
        _permission(constraints.get(name), f"{where}.Constraints.{name}") for name in names
    )
    return ConfigurableRateCard(
        Duration.parse(selector.get("Value"), f"{where}.Selector.Value"),
        rate_card_of(card.get("RateCard"), f"{where}.RateCard"),
        multiple,
        quantity,
    )


def _permission(value: object, where: str) -> Permission | None:
    given = optional_text(value, where)
    if given is None:
        return None
    for permission in PERMISSIONS:
        if given == permission:
            return permission
    raise ShapeError(f"{where}: expected Allowed or Disallowed, got {given!r}")


def fields(value: ConfigurableUpfrontPricingTerm) -> Fields:
    """``currency``, ``contract duration``, ``purchasing``, ``quantities`` (only when the buyer
    cannot choose them: ``one``), ``price <dimension>``."""
    result: Fields = {"currency": value.currency}
    for card in value.rate_cards:
        result["contract duration"] = card.duration.iso()
        if card.multiple_dimension_selection is not None:
            allowed = card.multiple_dimension_selection == "Allowed"
            result["purchasing"] = "multiple-dimensions" if allowed else "single-dimension"
        if card.quantity_configuration == "Disallowed":
            result["quantities"] = "one"
        for item in card.prices:
            result[f"price {item.key}"] = format_money(item.price)
    return result
