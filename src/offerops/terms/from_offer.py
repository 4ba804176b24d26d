"""Offer file -> typed terms: the one place that decides how the YAML format maps onto terms.

Same semantics and constants as the dictionary mapping it replaced (tests/terms/golden/ pins
the example offers' documents), with one addition: :func:`unrepresentable` lists the values of
an offer file that the terms cannot carry, each at its YAML path with the reason, so lint can
refuse them at their line instead of the marketplace silently never seeing them (issue 11).

Decisions where the API docs are silent (docs/reconciler.md): an upfront contract whose every
dimension has a ``quantity`` is a FixedUpfrontPricingTerm (Price = sum of price x quantity);
installments are a FixedUpfrontPricingTerm with Price 0.00 plus a PaymentScheduleTerm; anything
else upfront is a ConfigurableUpfrontPricingTerm.

``contract.quantities: one`` is QuantityConfiguration Disallowed (the buyer buys one unit of
each dimension it picks; AWS's CreatePrivateOfferWithTieredContractPricingForSaas and
...ContractPricingForContainerProduct send it, the tiered one with MultipleDimensionSelection
Disallowed: ``purchasing: single-dimension``).

The shapes of issue 13 follow AWS's reference change sets (aws-samples/
aws-marketplace-reference-code): a contract's ``usageDimensions`` add a UsageBasedPricingTerm
under PricingModel Contract (CreatePrivateOfferWithContractWithPayAsYouGoPricingForSaas); usage
pricing with ``annual`` adds a ConfigurableUpfrontPricingTerm whose Selector is the annual
duration (CreatePrivateOfferWithHourlyAnnualPricingForAmiProduct), or with installments a
FixedUpfrontPricingTerm of Price 0.00 with that Duration and a PaymentScheduleTerm
(...AndFlexiblePaymentScheduleForAmi), under PricingModel Usage; ``durationDays`` is ``PnD``;
``legal.url`` is the CustomEula's Url as written; ``support`` is a SupportTerm.

A ``lifecycle: draft`` offer may leave out ``buyers``, ``expiresOn``, ``pricing`` and
``legal`` (AWS's CreateDraftPrivateOffer and CreateDraftCppoOffer samples make a draft with a
product and a name): their terms are None, and ``terms.offer.completed`` leaves what the
marketplace has there. A contract's ``fixedPrice`` is the FixedUpfrontPricingTerm's own
``Duration`` (AWS's CreateResaleAuthorizationReplacementOffer and
CreateRAReplacementOfferFromAGWithContractPricing samples), sent as written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final, TypeVar

from offerops.model.config import Config
from offerops.model.installments import schedule_of
from offerops.model.offer import Legal, OfferFile, OfferSpec
from offerops.model.pricing import (
    AnnualPricing,
    ContractDimension,
    ContractPricing,
    ContractTerm,
    FixedPriceTerm,
    UsageDimension,
    UsagePricing,
    UsageTerm,
)
from offerops.terms import legal
from offerops.terms.availability import Availability
from offerops.terms.document import YamlPath
from offerops.terms.information import Information, agreement_for
from offerops.terms.legal import LegalTerm
from offerops.terms.markup import Markup
from offerops.terms.offer import OfferTerms
from offerops.terms.payment_schedule import Installment, PaymentScheduleTerm
from offerops.terms.pricing import (
    ConfigurableRateCard,
    ConfigurableUpfrontPricingTerm,
    DimensionPrice,
    FixedUpfrontPricingTerm,
    Grant,
    Pricing,
    PricingTerm,
    UsageBasedPricingTerm,
)
from offerops.terms.support import SupportTerm
from offerops.terms.targeting import Targeting
from offerops.terms.validity import ValidityTerm
from offerops.terms.values import Duration, PricingModel, format_money

STANDARD_EULA_VERSION: Final = "2019-12-12"
"""``terms: standard-eula`` -> StandardEula of this version (unconfirmed; one place to change)."""
SCMP_VERSION: Final = "2022-07-14"
"""``terms: scmp`` -> the Standard Contract for AWS Marketplace, StandardEula of this version."""
DEFAULT_SELECTOR: Final = Duration(months=12)
"""The rate card Selector of a contract that starts on acceptance and ends on a date.

The real length is in the ValidityTerm (AgreementEndDate); the selector only needs a duration.
"""

T = TypeVar("T")
R = TypeVar("R")

DocumentsUrl = Callable[[list[str]], str]
"""Repo-relative custom EULA documents -> the URL they are published at (``legal.eula_url``
with their content hashes; the caller reads the files)."""


def offer_terms(offer: OfferFile, config: Config, documents_url: DocumentsUrl) -> OfferTerms:
    """Map one structurally valid, lint-clean offer to its terms.

    A part a draft leaves out is None (with pricing, its validity and payment schedule too).
    Raises ``KeyError`` for a buyer alias that is not in offerops.yaml and ``ValueError`` for a
    term length with neither ``durationMonths`` nor ``endsOn`` (lint reports both first).
    """
    spec = offer.spec
    channel = spec.channel
    pricing = spec.pricing
    return OfferTerms(
        information=_information(spec),
        targeting=_targeting(spec, config),
        pricing=None if pricing is None else _pricing(pricing),
        validity=None if pricing is None else _validity(pricing),
        payment_schedule=None if pricing is None else _payment_schedule(pricing),
        legal=_given(spec.legal, lambda terms: _legal(terms, documents_url)),
        support=SupportTerm(spec.support.refundPolicy) if spec.support is not None else None,
        markup=(
            Markup(channel.markupPercentage)
            if channel is not None and channel.markupPercentage is not None
            else None
        ),
        availability=_given(spec.expiresOn, Availability),
    )


def _given(value: T | None, make: Callable[[T], R | None]) -> R | None:
    """``make(value)``, or None for a part the offer leaves out."""
    return None if value is None else make(value)


def _targeting(spec: OfferSpec, config: Config) -> Targeting | None:
    """Buyers and countries are one term (UpdateTargeting replaces the rule as a whole): None
    when a draft says neither, else both as the file says them."""
    if spec.buyers is None and spec.countries is None:
        return None
    return Targeting(tuple(_accounts(spec.buyers or [], config)), tuple(spec.countries or ()))


def _accounts(refs: list[str], config: Config) -> list[str]:
    return [ref if ref.isdigit() else config.buyers[ref].account for ref in refs]


def _model(pricing: UsagePricing | ContractPricing) -> PricingModel:
    return "Usage" if isinstance(pricing, UsagePricing) else "Contract"


def _information(spec: OfferSpec) -> Information:
    """Name, description and renewal; a renewal needs the pricing model, so a draft without
    pricing sends none (``unrepresentable`` refuses the renewal it cannot send)."""
    agreement = None if spec.pricing is None else agreement_for(spec.renewal, _model(spec.pricing))
    return Information(spec.name, spec.description, agreement)


def _pricing(pricing: UsagePricing | ContractPricing) -> Pricing:
    if isinstance(pricing, UsagePricing):
        hourly = _rates(pricing.currency, pricing.dimensions)
        if pricing.annual is None:
            return Pricing("Usage", (hourly,))
        return Pricing("Usage", (hourly, annual_term(pricing, pricing.annual)))
    terms: tuple[PricingTerm, ...] = (contract_term(pricing),)
    if pricing.usageDimensions:
        terms += (_rates(pricing.currency, pricing.usageDimensions),)
    return Pricing("Contract", terms)


def _rates(currency: str, dimensions: list[UsageDimension]) -> UsageBasedPricingTerm:
    return UsageBasedPricingTerm(
        currency, tuple(DimensionPrice(d.key, d.price) for d in dimensions)
    )


def annual_term(pricing: UsagePricing, annual: AnnualPricing) -> PricingTerm:
    """Annual prices per instance (Configurable, both constraints Allowed, as AWS's sample), or
    with installments fixed quantities for Price 0.00 over the annual Duration."""
    duration = Duration(days=annual.durationDays)
    if pricing.payment == "installments":
        grants = tuple(Grant(d.key, d.quantity) for d in annual.dimensions)
        return FixedUpfrontPricingTerm(pricing.currency, Decimal(0), grants, duration)
    card = ConfigurableRateCard(
        duration=duration,
        prices=tuple(DimensionPrice(d.key, d.price or Decimal(0)) for d in annual.dimensions),
        multiple_dimension_selection="Allowed",
        quantity_configuration="Allowed",
    )
    return ConfigurableUpfrontPricingTerm(pricing.currency, (card,))


def is_fixed(pricing: ContractPricing) -> bool:
    """Installments, or upfront with a quantity on every dimension: a fixed price for grants."""
    quantities = all(d.quantity is not None for d in pricing.dimensions)
    return pricing.payment == "installments" or quantities


def contract_term(pricing: ContractPricing) -> PricingTerm:
    """Upfront per-unit prices, fixed-quantity upfront, or installments (FPS)."""
    if is_fixed(pricing):
        total = Decimal(0)
        if pricing.payment == "upfront":
            total = sum(
                ((d.price or Decimal(0)) * (d.quantity or 0) for d in pricing.dimensions),
                Decimal(0),
            )
        grants = tuple(Grant(d.key, d.quantity) for d in pricing.dimensions)
        duration = _given(pricing.fixedPrice, fixed_price_duration)
        return FixedUpfrontPricingTerm(pricing.currency, total, grants, duration)
    multiple = pricing.contract.purchasing == "multiple-dimensions"
    chooses = pricing.contract.quantities == "buyer-chooses"
    card = ConfigurableRateCard(
        duration=selector_duration(pricing.contract),
        prices=tuple(DimensionPrice(d.key, d.price or Decimal(0)) for d in pricing.dimensions),
        multiple_dimension_selection="Allowed" if multiple else "Disallowed",
        quantity_configuration="Allowed" if chooses else "Disallowed",
    )
    return ConfigurableUpfrontPricingTerm(pricing.currency, (card,))


def fixed_price_duration(fixed: FixedPriceTerm) -> Duration | None:
    """``fixedPrice.durationMonths`` as ``PnM``, ``durationDays`` as ``PnD`` (the first given;
    OFR401 refuses two or none)."""
    if fixed.durationMonths is not None:
        return Duration(months=fixed.durationMonths)
    if fixed.durationDays is not None:
        return Duration(days=fixed.durationDays)
    return None


def selector_duration(contract: ContractTerm) -> Duration:
    """A rate card's duration: ``P36M``, ``P30D``, or the days from a dated start up to
    ``endsOn``."""
    if contract.durationMonths is not None:
        return Duration(months=contract.durationMonths)
    if contract.durationDays is not None:
        return Duration(days=contract.durationDays)
    if isinstance(contract.starts, date) and contract.endsOn is not None:
        return Duration(days=(contract.endsOn - contract.starts).days + 1)
    return DEFAULT_SELECTOR


def _validity(pricing: UsagePricing | ContractPricing) -> ValidityTerm:
    term = pricing.usage if isinstance(pricing, UsagePricing) else pricing.contract
    starts = term.starts if isinstance(term, ContractTerm) else "on-acceptance"
    start = starts if isinstance(starts, date) else None
    if term.endsOn is not None:
        return ValidityTerm(end_date=term.endsOn, start_date=start)
    return ValidityTerm(duration=term_duration(term), start_date=start)


def term_duration(term: ContractTerm | UsageTerm) -> Duration:
    """``durationMonths`` as ``PnM``, ``durationDays`` as ``PnD``."""
    if term.durationMonths is not None:
        return Duration(months=term.durationMonths)
    if term.durationDays is not None:
        return Duration(days=term.durationDays)
    raise ValueError("the term has neither durationMonths, durationDays nor endsOn")


def _payment_schedule(pricing: UsagePricing | ContractPricing) -> PaymentScheduleTerm | None:
    if pricing.installments is None:
        return None
    if isinstance(pricing, UsagePricing) and (
        pricing.annual is None or pricing.payment != "installments"
    ):
        return None
    schedule = tuple(
        Installment(when, amount) for when, amount in schedule_of(pricing.installments)
    )
    return PaymentScheduleTerm(pricing.currency, schedule)


def _legal(terms: Legal, documents_url: DocumentsUrl) -> LegalTerm:
    if terms.terms == "custom" and terms.url is not None:
        return legal.custom(terms.url)
    if terms.terms == "custom":
        return legal.custom(documents_url(terms.documents or []))
    return legal.standard(SCMP_VERSION if terms.terms == "scmp" else STANDARD_EULA_VERSION)


@dataclass(frozen=True)
class Unrepresentable:
    """A value of an offer file that its terms cannot carry to the marketplace and back.

    ``covered_by`` names the lint rule that already refuses it, if one does; lint's OFR317
    (value-not-sent) reports the others at ``path`` with ``message``, so one problem is reported
    once. ``message`` is therefore for the seller: why the value cannot be carried, and the fix.
    """

    path: YamlPath
    message: str
    covered_by: str | None = None


def unrepresentable(offer: OfferFile) -> list[Unrepresentable]:
    """Every value :func:`offer_terms` would drop, at its YAML path, with why and what to do.

    Empty for an offer whose every field reaches the marketplace and comes back.
    """
    spec = offer.spec
    found: list[Unrepresentable] = []
    if isinstance(spec.pricing, ContractPricing):
        found += _contract_losses(spec.pricing)
    elif isinstance(spec.pricing, UsagePricing):
        found += _usage_losses(spec.pricing)
    elif spec.renewal != "none":
        message = (
            f"renewal: {spec.renewal} is sent as a PreExistingAgreement, which names the "
            "pricing model, and this draft has no pricing: add the pricing, or leave the "
            "renewal out until it has"
        )
        found.append(Unrepresentable(("spec", "renewal"), message))
    return found + ([] if spec.legal is None else _legal_losses(spec.legal))


def _legal_losses(terms: Legal) -> list[Unrepresentable]:
    found = []
    if terms.terms != "custom" and terms.documents:
        message = (
            f"documents are only sent with terms: custom; with terms: {terms.terms} "
            "they never reach the marketplace"
        )
        found.append(Unrepresentable(("spec", "legal", "documents"), message, "OFR601"))
    if terms.terms != "custom" and terms.url is not None:
        message = f"url is only sent with terms: custom; with terms: {terms.terms} it is not"
        found.append(Unrepresentable(("spec", "legal", "url"), message, "OFR601"))
    if terms.terms == "custom" and terms.url is not None and terms.documents:
        message = "with url the documents are not sent; keep one of documents and url"
        found.append(Unrepresentable(("spec", "legal", "documents"), message, "OFR602"))
    return found


def _usage_losses(pricing: UsagePricing) -> list[Unrepresentable]:
    """Annual fields the chosen payment does not send (OFR320), installments without annual
    prices to pay (OFR308)."""
    found = []
    if pricing.installments is not None and (
        pricing.annual is None or pricing.payment != "installments"
    ):
        message = "installments pay annual prices: without annual and payment: installments "
        found.append(
            Unrepresentable(
                ("spec", "pricing", "installments"), message + "they are not sent", "OFR308"
            )
        )
    annual = pricing.annual
    if annual is None:
        return found
    unused = "price" if pricing.payment == "installments" else "quantity"
    for index, dimension in enumerate(annual.dimensions):
        if getattr(dimension, unused) is not None:
            found.append(
                Unrepresentable(
                    ("spec", "pricing", "annual", "dimensions", index, unused),
                    f"an annual {unused} is not sent with payment: {pricing.payment}",
                    "OFR320",
                )
            )
    return found


def _contract_losses(pricing: ContractPricing) -> list[Unrepresentable]:
    dimensions = pricing.dimensions
    base: YamlPath = ("spec", "pricing", "dimensions")
    if not is_fixed(pricing):
        without = next(d.key for d in dimensions if d.quantity is None)
        return [
            Unrepresentable(
                (*base, index, "quantity"), _partial_quantity(dimension.quantity, without)
            )
            for index, dimension in enumerate(dimensions)
            if dimension.quantity is not None
        ] + _unfixed_duration(pricing)
    if pricing.payment == "installments":
        found = [
            Unrepresentable(
                (*base, index, "price"),
                "with installments the payment schedule carries the money; a per-dimension "
                "price is not sent (remove it)",
                "OFR310",
            )
            for index, dimension in enumerate(dimensions)
            if dimension.price is not None
        ]
    else:
        found = _fixed_losses(pricing, base)
    if pricing.contract.purchasing == "single-dimension":
        found.append(
            Unrepresentable(
                ("spec", "pricing", "contract", "purchasing"),
                "a fixed price for fixed quantities has no purchasing choice, so "
                "single-dimension is not sent; remove it",
                "OFR311" if len(dimensions) > 1 else None,
            )
        )
    if pricing.contract.quantities == "one":
        found.append(
            Unrepresentable(
                ("spec", "pricing", "contract", "quantities"),
                "a fixed price for fixed quantities grants the quantities written, so "
                "quantities: one is not sent; remove it, or remove the quantities (and "
                "installments) so the buyer buys one unit of each dimension at its price",
            )
        )
    return found


def _unfixed_duration(pricing: ContractPricing) -> list[Unrepresentable]:
    """``fixedPrice`` on a contract priced per unit: only a FixedUpfrontPricingTerm carries it."""
    if pricing.fixedPrice is None:
        return []
    message = (
        "fixedPrice is the duration of a fixed contract price, and this contract is priced "
        "per unit (the buyer chooses the quantities), so it is not sent; remove it, or fix "
        "the price: a quantity on every dimension, or payment: installments"
    )
    return [Unrepresentable(("spec", "pricing", "fixedPrice"), message)]


def _partial_quantity(quantity: int | None, without: str) -> str:
    return (
        f"quantity {quantity} is not sent: in an upfront contract the marketplace records a "
        f'quantity only when every dimension has one, and "{without}" has none, so the buyer '
        "chooses every quantity and pays the price per unit; remove this quantity (the buyer "
        "chooses how many), or fix every quantity: one offer per dimension with its price and "
        "quantity, or payment: installments with a quantity on every dimension"
    )


def _fixed_losses(pricing: ContractPricing, base: YamlPath) -> list[Unrepresentable]:
    """Several priced dimensions at a fixed price: only their total is sent."""
    if len(pricing.dimensions) < 2:
        return []
    total = sum(
        ((d.price or Decimal(0)) * (d.quantity or 0) for d in pricing.dimensions), Decimal(0)
    )
    return [
        Unrepresentable((*base, index, "price"), _fixed_price(dimension, total, pricing))
        for index, dimension in enumerate(pricing.dimensions)
        if dimension.price is not None
    ]


def _fixed_price(dimension: ContractDimension, total: Decimal, pricing: ContractPricing) -> str:
    price = format_money(dimension.price or Decimal(0))
    return (
        f'price {price} of "{dimension.key}" is not sent: with a quantity on every dimension '
        f"the marketplace records one fixed price, {format_money(total)} {pricing.currency} in "
        f"total for all {len(pricing.dimensions)} dimensions, not a price per dimension, so a "
        "change that keeps the total is invisible; to fix the quantities, write the total as "
        "payment: installments (installments.total, no prices) or make one offer per "
        "dimension; or remove the quantities so the buyer chooses how many"
    )
