"""``FixedUpfrontPricingTerm``: one fixed price for fixed grants of dimensions.

Shape (Catalog API reference, "Work with private offers" -> UpdatePricingTerms, Contract model):
``{"Type": "FixedUpfrontPricingTerm", "CurrencyCode": "USD", "Price": "72000.00", "Grants":
[{"DimensionKey": "gateways", "MaxQuantity": 150}]}``, optionally with a ``Duration``. With a
PaymentScheduleTerm the Price is ``0.00`` and the schedule carries the money. It carries one
total price: per-dimension prices of several dimensions are not kept (see
``from_offer.unrepresentable``).

YAML: ``spec.pricing`` with ``model: contract`` and ``payment: installments``, or ``payment:
upfront`` with a ``quantity`` on every dimension (Price = sum of price x quantity); the
``Duration`` is ``spec.pricing.fixedPrice`` (``durationMonths``/``durationDays``), or for hourly
plus annual pricing ``annual.durationDays``. The Duration is "Contract duration for the terms"
(Agreement API reference, FixedUpfrontPricingTerm) and optional; AWS's resale replacement
samples send P6M and P12M beside a ValidityTerm of another length, so it is not compared with
the agreement's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from offerops.terms.document import DetailsDocument, only_keys, text
from offerops.terms.pricing.rates import Grant, grants_by_key, grants_details, grants_of
from offerops.terms.values import Duration, Fields, format_money, money_of

TERM_TYPE: Final = "FixedUpfrontPricingTerm"


@dataclass(frozen=True)
class FixedUpfrontPricingTerm:
    """``price`` for the whole contract; grants in dimension-key order."""

    currency: str
    price: Decimal
    grants: tuple[Grant, ...]
    duration: Duration | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "grants", grants_by_key(self.grants))


def to_term(value: FixedUpfrontPricingTerm) -> DetailsDocument:
    """The term as UpdatePricingTerms lists it."""
    term: DetailsDocument = {
        "Type": TERM_TYPE,
        "CurrencyCode": value.currency,
        "Price": format_money(value.price),
        "Grants": grants_details(value.grants),
    }
    if value.duration is not None:
        term["Duration"] = value.duration.iso()
    return term


def from_term(term: Mapping[str, object], where: str) -> FixedUpfrontPricingTerm:
    """Read the term from an entity's ``Terms`` (its ``Id`` ignored)."""
    only_keys(term, frozenset({"Type", "CurrencyCode", "Price", "Grants", "Duration"}), where)
    duration = term.get("Duration")
    return FixedUpfrontPricingTerm(
        text(term.get("CurrencyCode"), f"{where}.CurrencyCode"),
        money_of(term.get("Price"), f"{where}.Price"),
        grants_of(term.get("Grants"), f"{where}.Grants"),
        None if duration is None else Duration.parse(duration, f"{where}.Duration"),
    )


def fields(value: FixedUpfrontPricingTerm) -> Fields:
    """``currency``, ``contract price``, ``quantity <dimension>``."""
    result: Fields = {"currency": value.currency, "contract price": format_money(value.price)}
    for grant in value.grants:
        result[f"quantity {grant.key}"] = str(grant.max_quantity)
    if value.duration is not None:
        result["fixed price duration"] = value.duration.iso()
    return result
