"""Parts shared by the pricing terms: per-dimension prices (rate cards) and grants.

Shapes (Catalog API reference, "Work with private offers" -> UpdatePricingTerms): a rate card
item is ``{"DimensionKey": "users", "Price": "250.00"}``, a grant
``{"DimensionKey": "users", "MaxQuantity": 400}``. Both are kept sorted by dimension key: their
order is not a term.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from offerops.terms.document import (
    JsonValue,
    ShapeError,
    array,
    integer,
    mapping,
    only_keys,
    text,
)
from offerops.terms.values import format_money, money_of


@dataclass(frozen=True)
class DimensionPrice:
    """The price of one unit of a dimension (per unit of usage, or for the whole contract)."""

    key: str
    price: Decimal


@dataclass(frozen=True)
class Grant:
    """Units of a dimension granted by a fixed upfront price; None: no MaxQuantity sent."""

    key: str
    max_quantity: int | None


def by_key(prices: Iterable[DimensionPrice]) -> tuple[DimensionPrice, ...]:
    """Prices in dimension-key order (duplicates refused: one price per dimension)."""
    ordered = tuple(sorted(prices, key=lambda item: item.key))
    _unique([item.key for item in ordered])
    return ordered


def grants_by_key(grants: Iterable[Grant]) -> tuple[Grant, ...]:
    """Grants in dimension-key order (duplicates refused: one grant per dimension)."""
    ordered = tuple(sorted(grants, key=lambda item: item.key))
    _unique([item.key for item in ordered])
    return ordered


def _unique(keys: list[str]) -> None:
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ValueError(f"dimension {', '.join(repeated)} is listed more than once")


def rate_card_details(prices: tuple[DimensionPrice, ...]) -> list[JsonValue]:
    """A ``RateCard`` list."""
    return [{"DimensionKey": item.key, "Price": format_money(item.price)} for item in prices]


def rate_card_of(value: object, where: str) -> tuple[DimensionPrice, ...]:
    """Read a ``RateCard`` list."""
    prices = []
    for index, raw in enumerate(array(value, where)):
        at = f"{where}[{index}]"
        item = mapping(raw, at)
        only_keys(item, frozenset({"DimensionKey", "Price"}), at)
        key = text(item.get("DimensionKey"), f"{at}.DimensionKey")
        prices.append(DimensionPrice(key, money_of(item.get("Price"), f"{at}.Price")))
    try:
        return by_key(prices)
    except ValueError as error:
        raise ShapeError(f"{where}: {error}") from None


def grants_details(grants: tuple[Grant, ...]) -> list[JsonValue]:
    """A ``Grants`` list (MaxQuantity left out when there is none)."""
    result: list[JsonValue] = []
    for grant in grants:
        item: dict[str, JsonValue] = {"DimensionKey": grant.key}
        if grant.max_quantity is not None:
            item["MaxQuantity"] = grant.max_quantity
        result.append(item)
    return result


def grants_of(value: object, where: str) -> tuple[Grant, ...]:
    """Read a ``Grants`` list."""
    grants = []
    for index, raw in enumerate(array(value, where)):
        at = f"{where}[{index}]"
        item = mapping(raw, at)
        only_keys(item, frozenset({"DimensionKey", "MaxQuantity"}), at)
        quantity = item.get("MaxQuantity")
        grants.append(
            Grant(
                text(item.get("DimensionKey"), f"{at}.DimensionKey"),
                None if quantity is None else integer(quantity, f"{at}.MaxQuantity"),
            )
        )
    try:
        return grants_by_key(grants)
    except ValueError as error:
        raise ShapeError(f"{where}: {error}") from None
