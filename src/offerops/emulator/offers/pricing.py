"""UpdatePricingTerms: the offer's pricing model and pricing terms.

Rules (docs/emulator.md, "Deep validation"; limits in :mod:`offerops.emulator.limits`, from the
published shape patterns): at most one term of each type; PricingModel matches the terms;
DimensionKeys are dimensions of the product, of the kind the term prices (Entitled for
ConfigurableUpfront and FixedUpfront, ExternallyMetered for UsageBased, any for FreeTrial), unique
within a rate card; prices are decimal strings within the patterns' decimals and maximum.

AMI hourly-annual pricing is the one mix of kinds: PricingModel ``Usage`` with a
UsageBasedPricingTerm (hourly) and an annual ConfigurableUpfrontPricingTerm, or a
FixedUpfrontPricingTerm with a payment schedule, over the same metered instance-type dimensions.
Source: AWS's reference change sets CreatePrivateOfferWithHourlyAnnualPricingForAmiProduct,
CreatePrivateOfferWithHourlyAnnualPricingAndFlexiblePaymentScheduleForAmi and
UpdateOfferWithHourlyAnnualPricing (aws-samples/aws-marketplace-reference-code), and its AMI
product samples, which declare the instance type as one ``Metered`` dimension.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
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

AMI_PRODUCT = "AmiProduct"


@dataclass(frozen=True)
class Dimensions:
    """The product's dimensions (key -> kind) and the kind an upfront term may price."""

    kinds: Mapping[str, str]
    upfront: str = ENTITLED
    """Entitled, or ExternallyMetered for an AMI's hourly-annual pricing."""


TermCheck = Callable[[Document, str, Dimensions, Errors], Document]
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
    annual = model == "Usage" and product is not None and product.product_type == AMI_PRODUCT
    dimensions = Dimensions(product.dimensions if product else {}, METERED if annual else ENTITLED)
    stored = [_pricing_term(term, index, dimensions, errors) for index, term in enumerate(terms)]
    types = [str(term.get("Type")) for term in stored]
    for kind in sorted({t for t in types if types.count(t) > 1}):
        errors.input(f"UpdatePricingTerms.Terms has more than one {kind}")
    if model is not None:
        _pricing_model_matches(model, set(types), annual, errors)
    if annual:
        _annual_prices_hourly_dimensions(stored, errors)
    if not errors:
        kept = [term for term in offer["Terms"] if term.get("Type") not in PRICING_TERMS]
        offer["Terms"] = kept + stored


def _pricing_model_matches(model: str, types: set[str], annual: bool, errors: Errors) -> None:
    """The terms fit the PricingModel; ``annual``: Usage on an AMI product, which may add an
    upfront (annual) term to the hourly one (module docstring)."""
    if model == "Contract" and not types & UPFRONT_TERMS:
        errors.input(
            "PricingModel Contract needs a ConfigurableUpfrontPricingTerm or a "
            "FixedUpfrontPricingTerm"
        )
    if model == "Usage" and "UsageBasedPricingTerm" not in types:
        errors.input("PricingModel Usage needs a UsageBasedPricingTerm")
    elif model == "Usage" and types & UPFRONT_TERMS and not annual:
        errors.input(
            "PricingModel Usage takes an upfront term only as an AMI product's hourly-annual "
            "pricing; use PricingModel Contract for a contract with usage pricing"
        )
    if model == "Byol" and types != {"ByolPricingTerm"}:
        errors.input("PricingModel Byol takes exactly one ByolPricingTerm")


def _annual_prices_hourly_dimensions(terms: list[Document], errors: Errors) -> None:
    """Hourly-annual pricing: the annual term prices instance types that have an hourly price.

    Every reference sample prices the same instance type in both terms; an annual price for an
    instance type without an hourly one is refused (unconfirmed: the conservative choice).
    """
    hourly = set(_keys(terms, {"UsageBasedPricingTerm"}))
    extra = sorted(set(_keys(terms, UPFRONT_TERMS)) - hourly)
    if extra:
        errors.input(
            f"hourly-annual pricing: {', '.join(extra)} has an annual price but no hourly price "
            "in the UsageBasedPricingTerm"
        )


def _keys(terms: list[Document], types: frozenset[str] | set[str]) -> Iterator[str]:
    """The DimensionKeys that ``terms`` of ``types`` price (rate cards and grants)."""
    for term in terms:
        if term.get("Type") not in types:
            continue
        for card in term.get("RateCards") or []:
            for item in (card.get("RateCard") or []) if isinstance(card, dict) else []:
                if isinstance(item, dict):
                    yield str(item.get("DimensionKey"))
        for grant in term.get("Grants") or []:
            if isinstance(grant, dict):
                yield str(grant.get("DimensionKey"))


def _pricing_term(term: Any, index: int, dimensions: Dimensions, errors: Errors) -> Document:
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
    term: Document, where: str, dimensions: Dimensions, errors: Errors
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
        _rate_card(card, at, dimensions.kinds, dimensions.upfront, errors)
    return term


def _selector(selector: Any, at: str, errors: Errors) -> None:
    """A rate card's ``Selector``: ``{Type: Duration, Value: <ISO 8601 duration>}``."""
    if not isinstance(selector, dict) or selector.get("Type") != "Duration":
        errors.input(f"{at}.Selector must be {{Type: Duration, Value: <ISO 8601 duration>}}")
    else:
        fields.duration(selector.get("Value"), f"{at}.Selector.Value", errors)


def _usage_based(term: Document, where: str, dimensions: Dimensions, errors: Errors) -> Document:
    if not fields.members(term, {"Type", "CurrencyCode", "RateCards"}, set(), where, errors):
        return term
    fields.currency(term, where, errors)
    for number, card in enumerate(fields.sized_list(term, "RateCards", 1, 1, where, errors)):
        at = f"{where}.RateCards[{number}]"
        if isinstance(card, dict) and fields.members(card, {"RateCard"}, set(), at, errors):
            _rate_card(card, at, dimensions.kinds, METERED, errors)
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


def _fixed_upfront(term: Document, where: str, dimensions: Dimensions, errors: Errors) -> Document:
    required = {"Type", "CurrencyCode", "Price", "Grants"}
    if not fields.members(term, required, {"Duration"}, where, errors):
        return term
    fields.currency(term, where, errors)
    fields.price(
        term["Price"], limits.FIXED_PRICE, limits.FIXED_PRICE_DECIMALS, f"{where}.Price", errors
    )
    if term.get("Duration") is not None:
        fields.duration(term["Duration"], f"{where}.Duration", errors)
    _grants(term, where, dimensions.kinds, dimensions.upfront, errors)
    return term


def _free_trial(term: Document, where: str, dimensions: Dimensions, errors: Errors) -> Document:
    if fields.members(term, {"Type", "Duration", "Grants"}, set(), where, errors):
        fields.duration(term["Duration"], f"{where}.Duration", errors)
        _grants(term, where, dimensions.kinds, None, errors)
    return term


def _byol(term: Document, where: str, _dims: Dimensions, errors: Errors) -> Document:
    fields.members(term, {"Type"}, set(), where, errors)
    return term


def _recurring(term: Document, where: str, _dims: Dimensions, errors: Errors) -> Document:
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
    """Grants of a FixedUpfront or FreeTrial term. ``MaxQuantity`` is optional: without it the
    buyer may use the dimension without limit (Catalog API reference, "Work with channel partner
    private offers", UpdatePricingTerms; the reference sample
    CreatePublicFreeTrialOfferWithSubscriptionPricingForSaas grants without it)."""
    for grant in fields.sized_list(term, "Grants", 1, limits.MAX_GRANTS, where, errors):
        if not isinstance(grant, dict) or not fields.members(
            grant, {"DimensionKey"}, {"MaxQuantity"}, f"{where}.Grants", errors
        ):
            continue
        _dimension(grant["DimensionKey"], dimensions, kind, where, errors)
        quantity = grant.get("MaxQuantity")
        if quantity is None:
            continue
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
