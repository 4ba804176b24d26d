"""UpdatePricingTerms: the offer's pricing model and pricing terms.

Rules (docs/emulator.md, "Deep validation"; limits in :mod:`offerops.emulator.limits`, from the
published shape patterns): at most one term of each type; PricingModel matches the terms;
DimensionKeys are dimensions of the product, of the kind the term prices (Entitled for
ConfigurableUpfront and FixedUpfront, ExternallyMetered for UsageBased, any for FreeTrial), unique
within a rate card; prices are decimal strings within the patterns' decimals and maximum.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from offerops.emulator import limits
from offerops.emulator.offers import fields
from offerops.emulator.offers.base import (
    ENTITLED,
    METERED,
    PRICING_MODELS,
    PRICING_TERMS,
    UPFRONT_TERMS,
    Context,
    Document,
    Errors,
)

TermCheck = Callable[[Document, str, Mapping[str, str], Errors], Document]
"""Checks one pricing term (``where`` names it, the product's dimensions price it)."""


def update_pricing(
    offer: Document, details: Mapping[str, Any], context: Context, errors: Errors
) -> None:
    """Apply UpdatePricingTerms: the offer's pricing terms are replaced, its other terms kept."""
    if not fields.members(details, {"PricingModel", "Terms"}, set(), "UpdatePricingTerms", errors):
        return
    model = fields.enum(details, "PricingModel", PRICING_MODELS, "UpdatePricingTerms", errors)
    terms = details["Terms"]
    if not isinstance(terms, list) or not terms:
        errors.input("UpdatePricingTerms.Terms must list at least one pricing term")
        return
    product = context.catalog.product(str(offer["ProductId"]))
    dimensions = product.dimensions if product else {}
    stored = [_pricing_term(term, index, dimensions, errors) for index, term in enumerate(terms)]
    types = [str(term.get("Type")) for term in stored]
    for kind in sorted({t for t in types if types.count(t) > 1}):
        errors.input(f"UpdatePricingTerms.Terms has more than one {kind}")
    if model is not None:
        _pricing_model_matches(model, set(types), errors)
    if not errors:
        kept = [term for term in offer["Terms"] if term.get("Type") not in PRICING_TERMS]
        offer["Terms"] = kept + stored


def _pricing_model_matches(model: str, types: set[str], errors: Errors) -> None:
    if model == "Contract" and not types & UPFRONT_TERMS:
        errors.input(
            "PricingModel Contract needs a ConfigurableUpfrontPricingTerm or a "
            "FixedUpfrontPricingTerm"
        )
    if model == "Usage" and ("UsageBasedPricingTerm" not in types or types & UPFRONT_TERMS):
        errors.input("PricingModel Usage needs a UsageBasedPricingTerm and no upfront term")
    if model == "Byol" and types != {"ByolPricingTerm"}:
        errors.input("PricingModel Byol takes exactly one ByolPricingTerm")


def _pricing_term(term: Any, index: int, dimensions: Mapping[str, str], errors: Errors) -> Document:
    where = f"Terms[{index}]"
    if not isinstance(term, dict) or term.get("Type") not in PRICING_TERMS:
        kind = term.get("Type") if isinstance(term, dict) else term
        errors.input(
            f"{where}: '{kind}' is not a pricing term; expected one of "
            f"{', '.join(sorted(PRICING_TERMS))}"
        )
        return {}
    return _PRICING_CHECKS[term["Type"]](term, where, dimensions, errors)


def _configurable_upfront(
    term: Document, where: str, dimensions: Mapping[str, str], errors: Errors
) -> Document:
    if not fields.members(term, {"Type", "CurrencyCode", "RateCards"}, set(), where, errors):
        return term
    fields.currency(term, where, errors)
    cards = fields.sized_list(term, "RateCards", 1, limits.MAX_RATE_CARDS, where, errors)
    for number, card in enumerate(cards):
        at = f"{where}.RateCards[{number}]"
        if not isinstance(card, dict) or not fields.members(
            card, {"Selector", "RateCard"}, {"Constraints"}, at, errors
        ):
            continue
        _selector(card["Selector"], at, errors)
        constraints = card.get("Constraints") or {}
        for name in ("MultipleDimensionSelection", "QuantityConfiguration"):
            if name in constraints:
                fields.enum(
                    constraints, name, ("Allowed", "Disallowed"), f"{at}.Constraints", errors
                )
        _rate_card(card, at, dimensions, ENTITLED, errors)
    return term


def _selector(selector: Any, at: str, errors: Errors) -> None:
    """A rate card's ``Selector``: ``{Type: Duration, Value: <ISO 8601 duration>}``."""
    if not isinstance(selector, dict) or selector.get("Type") != "Duration":
        errors.input(f"{at}.Selector must be {{Type: Duration, Value: <ISO 8601 duration>}}")
    else:
        fields.duration(selector.get("Value"), f"{at}.Selector.Value", errors)


def _usage_based(
    term: Document, where: str, dimensions: Mapping[str, str], errors: Errors
) -> Document:
    if not fields.members(term, {"Type", "CurrencyCode", "RateCards"}, set(), where, errors):
        return term
    fields.currency(term, where, errors)
    for number, card in enumerate(fields.sized_list(term, "RateCards", 1, 1, where, errors)):
        at = f"{where}.RateCards[{number}]"
        if isinstance(card, dict) and fields.members(card, {"RateCard"}, set(), at, errors):
            _rate_card(card, at, dimensions, METERED, errors)
    return term


def _rate_card(
    card: Mapping[str, Any], at: str, dimensions: Mapping[str, str], kind: str, errors: Errors
) -> None:
    seen: set[str] = set()
    for item in fields.sized_list(card, "RateCard", 1, limits.MAX_RATE_CARD_ITEMS, at, errors):
        if not isinstance(item, dict) or not fields.members(
            item, {"DimensionKey", "Price"}, set(), f"{at}.RateCard", errors
        ):
            continue
        key = item["DimensionKey"]
        _dimension(key, dimensions, kind, at, errors)
        if key in seen:
            errors.input(f"{at}: DimensionKey '{key}' appears more than once")
        seen.add(str(key))
        fields.price(
            item["Price"],
            limits.RATE_PRICE,
            limits.RATE_PRICE_DECIMALS,
            f"{at} DimensionKey '{key}' Price",
            errors,
        )


def _fixed_upfront(
    term: Document, where: str, dimensions: Mapping[str, str], errors: Errors
) -> Document:
    required = {"Type", "CurrencyCode", "Price", "Grants"}
    if not fields.members(term, required, {"Duration"}, where, errors):
        return term
    fields.currency(term, where, errors)
    fields.price(
        term["Price"], limits.FIXED_PRICE, limits.FIXED_PRICE_DECIMALS, f"{where}.Price", errors
    )
    if term.get("Duration") is not None:
        fields.duration(term["Duration"], f"{where}.Duration", errors)
    _grants(term, where, dimensions, ENTITLED, errors)
    return term


def _free_trial(
    term: Document, where: str, dimensions: Mapping[str, str], errors: Errors
) -> Document:
    if fields.members(term, {"Type", "Duration", "Grants"}, set(), where, errors):
        fields.duration(term["Duration"], f"{where}.Duration", errors)
        _grants(term, where, dimensions, None, errors)
    return term


def _byol(term: Document, where: str, _dims: Mapping[str, str], errors: Errors) -> Document:
    fields.members(term, {"Type"}, set(), where, errors)
    return term


def _recurring(term: Document, where: str, _dims: Mapping[str, str], errors: Errors) -> Document:
    required = {"Type", "CurrencyCode", "BillingPeriod", "Price"}
    if fields.members(term, required, set(), where, errors):
        fields.currency(term, where, errors)
        fields.enum(term, "BillingPeriod", ("Monthly",), where, errors)
        fields.price(
            term["Price"], limits.RATE_PRICE, limits.RATE_PRICE_DECIMALS, f"{where}.Price", errors
        )
    return term


_PRICING_CHECKS: Mapping[str, TermCheck] = {
    "ConfigurableUpfrontPricingTerm": _configurable_upfront,
    "UsageBasedPricingTerm": _usage_based,
    "FixedUpfrontPricingTerm": _fixed_upfront,
    "FreeTrialPricingTerm": _free_trial,
    "ByolPricingTerm": _byol,
    "RecurringPaymentTerm": _recurring,
}


def _grants(
    term: Mapping[str, Any],
    where: str,
    dimensions: Mapping[str, str],
    kind: str | None,
    errors: Errors,
) -> None:
    for grant in fields.sized_list(term, "Grants", 1, limits.MAX_GRANTS, where, errors):
        if not isinstance(grant, dict) or not fields.members(
            grant, {"DimensionKey", "MaxQuantity"}, set(), f"{where}.Grants", errors
        ):
            continue
        _dimension(grant["DimensionKey"], dimensions, kind, where, errors)
        quantity = grant["MaxQuantity"]
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            errors.input(f"{where}: MaxQuantity must be an integer, got {quantity!r}")
        elif not 1 <= quantity <= limits.MAX_QUANTITY:
            errors.input(f"{where}: MaxQuantity must be 1..{limits.MAX_QUANTITY}, got {quantity}")


def _dimension(
    key: Any, dimensions: Mapping[str, str], kind: str | None, where: str, errors: Errors
) -> None:
    """A DimensionKey of the product, of the ``kind`` the term prices (None: any kind)."""
    if not isinstance(key, str) or key not in dimensions:
        errors.add(
            "INVALID_DIMENSION_KEY",
            f"{where}: DimensionKey '{key}' is not a dimension of the product "
            f"(known: {', '.join(sorted(dimensions)) or 'none'})",
        )
    elif kind is not None and dimensions[key] != kind:
        errors.add(
            "INVALID_DIMENSION_KEY",
            f"{where}: DimensionKey '{key}' is {dimensions[key]}, but this term prices "
            f"{kind} dimensions",
        )
