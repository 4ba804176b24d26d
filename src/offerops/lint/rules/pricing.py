"""OFR3xx: pricing: dimensions, prices, currency, payment and installments."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from offerops.lint.context import OfferContext
from offerops.lint.rule import Problem, offer_rule
from offerops.model.installments import CENT, Charge, expand_plan, has_initial, plan_length
from offerops.model.limits import (
    ANNUAL_PRODUCT_TYPES,
    MAX_DIMENSIONS_PER_OFFER,
    MAX_INSTALLMENTS,
    MAX_PRICE,
)
from offerops.model.money import amount_decimals, decimals, format_money, rate_decimals
from offerops.model.pricing import (
    AnnualDimension,
    AnnualPricing,
    ContractDimension,
    ContractPricing,
    Installments,
    UsageDimension,
    UsagePricing,
)
from offerops.source.document import DataPath
from offerops.terms.from_offer import is_fixed, unrepresentable

PRICING: DataPath = ("spec", "pricing")
INSTALLMENTS: DataPath = (*PRICING, "installments")
PLAN: DataPath = (*INSTALLMENTS, "plan")
SCHEDULE: DataPath = (*INSTALLMENTS, "schedule")
_CHARGES = "pricing.charges"


def _dimension(index: int, *rest: str) -> DataPath:
    return (*PRICING, "dimensions", index, *rest)


def _dimensions(ctx: OfferContext) -> Sequence[UsageDimension | ContractDimension]:
    dimensions: Sequence[UsageDimension | ContractDimension] = ctx.pricing.dimensions
    return dimensions


Priced = UsageDimension | ContractDimension | AnnualDimension


@dataclass(frozen=True)
class DimensionList:
    """One list of priced dimensions: ``dimensions``, ``usageDimensions`` or
    ``annual.dimensions``; ``metered``: it prices usage dimensions; ``rate``: per unit of use."""

    path: DataPath
    items: Sequence[Priced]
    metered: bool
    rate: bool

    def at(self, index: int, *rest: str) -> DataPath:
        return (*self.path, index, *rest)


def dimension_lists(ctx: OfferContext) -> list[DimensionList]:
    """Every list of dimensions the offer prices, with what kind of dimension each takes."""
    pricing = ctx.pricing
    usage = isinstance(pricing, UsagePricing)
    lists = [DimensionList((*PRICING, "dimensions"), pricing.dimensions, usage, usage)]
    if isinstance(pricing, ContractPricing) and pricing.usageDimensions:
        path = (*PRICING, "usageDimensions")
        lists.append(DimensionList(path, pricing.usageDimensions, True, True))
    if isinstance(pricing, UsagePricing) and pricing.annual is not None:
        path = (*PRICING, "annual", "dimensions")
        lists.append(DimensionList(path, pricing.annual.dimensions, True, False))
    return lists


def _contract(ctx: OfferContext) -> ContractPricing | None:
    pricing = ctx.pricing
    return pricing if isinstance(pricing, ContractPricing) else None


def _installments(ctx: OfferContext) -> Installments | None:
    """The installments block, when it has exactly one of ``schedule`` and ``plan``."""
    block = ctx.pricing.installments
    if block is None or (block.schedule is None) == (block.plan is None):
        return None
    return block


def scheduled_charges(ctx: OfferContext) -> list[Charge] | None:
    """The offer's payments (explicit, or the plan expanded), computed once per offer.

    None when there is nothing sound to check: no installments block, not exactly one of
    ``schedule`` and ``plan``, a plan longer than the limit, or dates past year 9999. The rules
    that report those conditions are OFR312 and OFR315; OFR407 reports the date overflow.
    """
    if _CHARGES not in ctx.extra:
        ctx.extra[_CHARGES] = _compute_charges(ctx)
    charges = ctx.extra[_CHARGES]
    return charges if isinstance(charges, list) else None


def _compute_charges(ctx: OfferContext) -> list[Charge] | None:
    block = _installments(ctx)
    if block is None:
        return None
    if block.schedule is not None:
        return [Charge(payment.date, payment.amount) for payment in block.schedule]
    assert block.plan is not None
    if plan_length(block.plan) > MAX_INSTALLMENTS:
        return None
    try:
        return expand_plan(block.plan, block.total)
    except OverflowError:
        return None


def _significant_decimals(value: Decimal) -> int:
    """Decimals that matter: ``"25000.000"`` is sent as ``25000.00``, so it has 0."""
    return decimals(value.normalize())


@offer_rule("OFR301", "unknown-dimension")
def unknown_dimension(ctx: OfferContext) -> Iterator[Problem]:
    """
    A dimension ``key`` is not declared on the product.

    The marketplace rejects a rate card whose ``DimensionKey`` the product does not have. The
    product's dimensions are listed under ``products.<product>.dimensions`` in offerops.yaml;
    keys are case-sensitive. Skipped when the product itself is unknown (OFR204).

    Fails:

        dimensions:
          - key: Users
            price: "25000.00"

    Passes:

        dimensions:
          - key: users
            price: "25000.00"
    """
    if ctx.product is None:
        return
    declared = {dimension.key for dimension in ctx.product.dimensions}
    for listed in dimension_lists(ctx):
        for index, dimension in enumerate(listed.items):
            if dimension.key not in declared:
                yield Problem(
                    listed.at(index, "key"),
                    f'dimension "{dimension.key}" is not declared on product '
                    f'"{ctx.spec.product}"; '
                    + _suggest_key(dimension.key, [d.key for d in ctx.product.dimensions]),
                )


def _suggest_key(key: str, declared: list[str]) -> str:
    """Dimension keys are case-sensitive: point out the one that differs only in case."""
    for candidate in declared:
        if candidate.lower() == key.lower():
            return f'did you mean "{candidate}"? (keys are case-sensitive)'
    return f"its dimensions are: {', '.join(declared)}"


@offer_rule("OFR302", "dimension-wrong-model")
def dimension_wrong_model(ctx: OfferContext) -> Iterator[Problem]:
    """
    A dimension of the wrong kind (usage or contract) for the list it is priced in.

    Usage pricing sets per-unit rates for the product's metered dimensions (``usage: true`` in
    offerops.yaml, ``ExternallyMetered`` on the marketplace), and so do a contract's
    ``usageDimensions`` (a contract with consumption) and the ``annual`` prices of hourly
    instance types; a contract's ``dimensions`` sell its entitled ones. The marketplace rejects
    a dimension of the wrong kind.

    Fails:

        pricing:
          model: usage
          dimensions:
            - key: users
              price: "1.00"

    Passes:

        pricing:
          model: usage
          dimensions:
            - key: USER
              price: "1.00"
    """
    if ctx.product is None:
        return
    kinds = {dimension.key: dimension.usage for dimension in ctx.product.dimensions}
    for listed in dimension_lists(ctx):
        allowed = ", ".join(key for key, metered in kinds.items() if metered == listed.metered)
        wanted = "usage" if listed.metered else "contract (non-usage)"
        name = ".".join(str(part) for part in listed.path[2:])
        for index, dimension in enumerate(listed.items):
            metered = kinds.get(dimension.key)
            if metered is not None and metered != listed.metered:
                kind = "a usage" if metered else "a contract"
                yield Problem(
                    listed.at(index, "key"),
                    f'dimension "{dimension.key}" is {kind} dimension; {name} of '
                    f"{ctx.pricing.model} pricing takes the {wanted} dimensions of "
                    f'"{ctx.spec.product}": {allowed or "none"}',
                )


@offer_rule("OFR303", "duplicate-dimension")
def duplicate_dimension(ctx: OfferContext) -> Iterator[Problem]:
    """
    A dimension is listed twice in one offer.

    A rate card has one price per dimension; two entries for one key would leave it to chance
    which one the buyer sees. The finding points at the second entry.

    Fails:

        dimensions:
          - key: users
            price: "25000.00"
          - key: users
            price: "20000.00"

    Passes:

        dimensions:
          - key: users
            price: "25000.00"
          - key: admins
            price: "500.00"
    """
    for listed in dimension_lists(ctx):
        first: dict[str, int] = {}
        for index, dimension in enumerate(listed.items):
            if dimension.key in first:
                yield Problem(
                    listed.at(index, "key"),
                    f'dimension "{dimension.key}" is already listed as {listed.path[-1]} item '
                    f"{first[dimension.key] + 1}; list each dimension once",
                )
            else:
                first[dimension.key] = index


@offer_rule("OFR304", "too-many-dimensions")
def too_many_dimensions(ctx: OfferContext) -> Iterator[Problem]:
    """
    The offer prices more than 24 dimensions.

    The marketplace caps the dimensions of one pricing model per offer (24 or 200 depending on
    the source; offerops uses the conservative 24). Split the dimensions over several offers.

    Fails: 25 different entries under ``dimensions``.

    Passes: 1 to 24 different entries.
    """
    for listed in dimension_lists(ctx):
        count = len({dimension.key for dimension in listed.items})
        if count > MAX_DIMENSIONS_PER_OFFER:
            yield Problem(
                listed.path,
                f"offer prices {count} dimensions in {listed.path[-1]}, at most "
                f"{MAX_DIMENSIONS_PER_OFFER} are allowed; split them over several offers",
                at="key",
            )


@offer_rule("OFR305", "price-decimals")
def price_decimals(ctx: OfferContext) -> Iterator[Problem]:
    """
    A price or installment amount has more decimals than its currency has.

    Amounts follow the currency's minor unit (ISO 4217): contract prices, annual prices,
    installment amounts, the installments ``total`` and a plan's ``initial`` take 2 decimals in
    USD, EUR, GBP, AUD and CAD (cents: ``PaymentScheduleTerm`` rejects more) and none in JPY;
    usage rates take one more (a tenth of a cent per unit: 3 in USD, 1 in JPY). A generated
    plan's payments follow the same rule: in JPY its total must divide into whole yen. Trailing
    zeros do not count: ``"25000.000"`` is 25000.00.

    Fails:

        pricing:
          model: contract
          currency: JPY
          dimensions:
            - key: users
              price: "1000.50"

    Passes:

        pricing:
          model: contract
          currency: JPY
          dimensions:
            - key: users
              price: "1000"
    """
    pricing = ctx.pricing
    currency = pricing.currency
    amounts = amount_decimals(currency)
    for listed in dimension_lists(ctx):
        limit = rate_decimals(currency) if listed.rate else amounts
        kind = f"{currency} {_price_kind(listed)}"
        for index, dimension in enumerate(listed.items):
            if dimension.price is not None:
                yield from _decimals(
                    listed.at(index, "price"), "price", dimension.price, limit, kind
                )
    block = pricing.installments
    if block is None:
        return
    kind = f"{currency} installment amounts"
    found = list(_decimals((*INSTALLMENTS, "total"), "total", block.total, amounts, kind))
    if block.plan is not None and block.plan.initial is not None:
        initial = block.plan.initial
        found += _decimals((*PLAN, "initial"), "initial", initial, amounts, kind)
    for index, payment in enumerate(block.schedule or []):
        found += _decimals((*SCHEDULE, index, "amount"), "amount", payment.amount, amounts, kind)
    yield from found
    if block.schedule is None and not found:
        yield from _plan_decimals(ctx, currency, amounts)


def _price_kind(listed: DimensionList) -> str:
    if listed.rate:
        return "usage rates"
    return "annual prices" if "annual" in listed.path else "contract prices"


def _plan_decimals(ctx: OfferContext, currency: str, limit: int) -> Iterator[Problem]:
    """A plan whose equal payments come out in fractions of the currency's minor unit."""
    charges = scheduled_charges(ctx) or []
    odd = [charge for charge in charges if _significant_decimals(charge.amount) > limit]
    if odd:
        yield Problem(
            (*PLAN, "count"),
            f"the plan's payments include {format_money(odd[0].amount)} {currency}, more "
            f"decimals than {currency} amounts take ({limit}); choose a total (less initial) "
            "that divides into count equal payments, or list the payments in a schedule",
        )


def _decimals(
    path: DataPath, label: str, value: Decimal, limit: int, kind: str
) -> Iterator[Problem]:
    places = _significant_decimals(value)
    if places > limit:
        rounded = value.quantize(Decimal(1).scaleb(-limit), rounding=ROUND_HALF_UP)
        yield Problem(
            path,
            f'{label} "{format_money(value)}" has {places} decimals; {kind} take at most '
            f'{limit}, like "{format_money(rounded)}"',
        )


@offer_rule("OFR306", "price-too-high")
def price_too_high(ctx: OfferContext) -> Iterator[Problem]:
    """
    A dimension price is above 100,000,000.

    The Catalog API rejects a rate card ``Price`` above 100000000 in any currency. A contract
    this large is sold in installments, whose ``total`` carries the amount instead.

    Fails:

        dimensions:
          - key: users
            price: "250000000.00"

    Passes:

        dimensions:
          - key: users
            price: "25000000.00"
    """
    for listed in dimension_lists(ctx):
        for index, dimension in enumerate(listed.items):
            if dimension.price is not None and dimension.price > MAX_PRICE:
                yield Problem(
                    listed.at(index, "price"),
                    f'price "{format_money(dimension.price)}" is above the marketplace maximum '
                    f"of {MAX_PRICE}; sell large contracts in installments",
                )


@offer_rule("OFR307", "currency-not-enabled")
def currency_not_enabled(ctx: OfferContext) -> Iterator[Problem]:
    """
    The offer's currency is not enabled for the seller.

    USD is always enabled. Any other currency needs a disbursement bank account in that currency
    on the seller's marketplace account; an offer in a currency the seller cannot be paid in is
    rejected. Enabled currencies are listed in ``seller.currencies`` in offerops.yaml.

    Fails (with ``currencies: [USD, EUR]``):

        pricing:
          currency: GBP

    Passes:

        pricing:
          currency: EUR
    """
    currency = ctx.pricing.currency
    enabled = {"USD", *ctx.repo.config.seller.currencies}
    if currency not in enabled:
        yield Problem(
            (*PRICING, "currency"),
            f'currency "{currency}" is not enabled for the seller (enabled: '
            f"{', '.join(sorted(enabled))}); configure disbursement in {currency} in the AWS "
            "Marketplace Management Portal and add it to seller.currencies in offerops.yaml",
        )


@offer_rule("OFR308", "payment-installments-mismatch")
def payment_installments_mismatch(ctx: OfferContext) -> Iterator[Problem]:
    """
    ``payment: installments`` without an ``installments`` block, or the block without it.

    The payment field decides whether the buyer pays the contract (or, in usage pricing, the
    ``annual`` prices) upfront or on a flexible payment schedule; a block that contradicts it
    would be silently ignored or leave the schedule undefined. Usage pricing without ``annual``
    has nothing to pay in installments.

    Fails:

        pricing:
          payment: installments
          dimensions:
            - key: users
              quantity: 100

    Passes:

        pricing:
          payment: installments
          dimensions:
            - key: users
              quantity: 100
          installments:
            total: "90000.00"
            plan: { frequency: quarterly, firstInvoice: 2027-01-15, count: 4 }
    """
    pricing = ctx.pricing
    if pricing.payment == "installments" and pricing.installments is None:
        yield Problem(
            INSTALLMENTS,
            'payment: installments needs an "installments" block with a total and a schedule '
            "or plan; add it under pricing",
        )
    elif pricing.payment == "upfront" and pricing.installments is not None:
        yield Problem(
            INSTALLMENTS,
            'an "installments" block needs payment: installments (payment is "upfront"); '
            "set payment: installments or remove the block",
            at="key",
        )
    if _without_annual(pricing) and pricing.payment == "installments":
        yield Problem(
            (*PRICING, "payment"),
            "usage pricing pays installments only for annual prices, and there is no "
            "annual block; add annual (AMI and container products) or remove payment",
        )


@offer_rule("OFR309", "upfront-price-missing")
def upfront_price_missing(ctx: OfferContext) -> Iterator[Problem]:
    """
    A dimension of an upfront contract has no ``price``.

    With ``payment: upfront`` the buyer pays each dimension's price per unit for the whole
    contract; without a price there is nothing to charge. (A free dimension says ``"0.00"``.)

    Fails:

        payment: upfront
        dimensions:
          - key: users
            quantity: 100

    Passes:

        payment: upfront
        dimensions:
          - key: users
            price: "25000.00"
            quantity: 100
    """
    contract = _contract(ctx)
    if contract is None or contract.payment != "upfront":
        return
    for index, dimension in enumerate(contract.dimensions):
        if dimension.price is None:
            yield Problem(
                _dimension(index, "price"),
                f'dimension "{dimension.key}" has no price; upfront contracts need a price per '
                'unit for the whole contract, like price: "25000.00"',
            )


@offer_rule("OFR310", "installment-dimension-fields")
def installment_dimension_fields(ctx: OfferContext) -> Iterator[Problem]:
    """
    A dimension of an installment contract has a ``price`` or lacks a ``quantity``.

    With installments the buyer is granted a fixed quantity of each dimension and pays the
    schedule; the price is the installments ``total``. A per-dimension price would be ignored,
    and a dimension without a quantity grants nothing.

    Fails:

        payment: installments
        dimensions:
          - key: users
            price: "900.00"

    Passes:

        payment: installments
        dimensions:
          - key: users
            quantity: 100
    """
    contract = _contract(ctx)
    if contract is None or contract.payment != "installments":
        return
    for index, dimension in enumerate(contract.dimensions):
        if dimension.price is not None:
            yield Problem(
                _dimension(index, "price"),
                f'dimension "{dimension.key}" has a price, but installment contracts are priced '
                "by installments.total; remove the price",
                at="key",
            )
        if dimension.quantity is None:
            yield Problem(
                _dimension(index, "quantity"),
                f'dimension "{dimension.key}" has no quantity; installment contracts grant a '
                "fixed quantity of each dimension, like quantity: 100",
            )


@offer_rule("OFR311", "single-dimension-installments")
def single_dimension_installments(ctx: OfferContext) -> Iterator[Problem]:
    """
    ``purchasing: single-dimension`` with fixed grants of more than one dimension.

    ``single-dimension`` lets the buyer pick one of several tiers, each with its own price, and
    works with upfront per-unit prices. An installment contract, and an upfront contract whose
    every dimension has a fixed ``quantity`` (a fixed price for fixed grants), grant every listed
    dimension at once, so there is nothing to pick. Use ``multiple-dimensions``, or make one
    offer per tier. With a single dimension there is nothing to pick either, and the setting is
    not sent: OFR317 reports it.

    Fails:

        contract:
          purchasing: single-dimension
        dimensions:
          - { key: users, quantity: 100 }
          - { key: admins, quantity: 5 }
        payment: installments

    Passes:

        contract:
          purchasing: multiple-dimensions
        dimensions:
          - { key: users, quantity: 100 }
          - { key: admins, quantity: 5 }
        payment: installments
    """
    contract = _contract(ctx)
    if contract is None:
        return
    fixed = all(dimension.quantity is not None for dimension in contract.dimensions)
    if contract.payment != "installments" and not fixed:
        return
    count = len(contract.dimensions)
    kind = "an installment contract" if contract.payment == "installments" else "fixed quantities"
    if contract.contract.purchasing == "single-dimension" and count > 1:
        yield Problem(
            (*PRICING, "contract", "purchasing"),
            f"single-dimension lets the buyer pick one tier, but {kind} grant(s) "
            f"all {count} dimensions; use multiple-dimensions or make one offer per tier",
        )


@offer_rule("OFR312", "installments-form")
def installments_form(ctx: OfferContext) -> Iterator[Problem]:
    """
    An ``installments`` block has both ``schedule`` and ``plan``, or neither.

    The payments are either listed (``schedule``) or generated (``plan``); with both it is
    unclear which one the buyer would be charged, with neither there are no payments.

    Fails:

        installments:
          total: "90000.00"

    Passes:

        installments:
          total: "90000.00"
          plan: { frequency: quarterly, firstInvoice: 2027-01-15, count: 4 }
    """
    contract = _contract(ctx)
    block = contract.installments if contract else None
    if block is None:
        return
    if block.schedule is not None and block.plan is not None:
        yield Problem(
            PLAN,
            "installments has both a schedule and a plan; keep one of them",
            at="key",
        )
    elif block.schedule is None and block.plan is None:
        yield Problem(
            SCHEDULE,
            "installments needs a schedule (a list of payments) or a plan; add one of them",
        )


@offer_rule("OFR313", "installments-total")
def installments_total(ctx: OfferContext) -> Iterator[Problem]:
    """
    The payments do not add up to ``total``, or a plan's ``initial`` exceeds it.

    The marketplace requires the schedule to cover the contract exactly: an outstanding balance
    of 0.00. A plan adds up by construction, unless its initial payment is already more than the
    total.

    Fails:

        installments:
          total: "90000.00"
          schedule:
            - { date: 2027-01-15, amount: "30000.00" }
            - { date: 2027-04-15, amount: "30000.00" }
            - { date: 2027-07-15, amount: "29999.99" }

    Passes:

        installments:
          total: "90000.00"
          schedule:
            - { date: 2027-01-15, amount: "30000.00" }
            - { date: 2027-04-15, amount: "30000.00" }
            - { date: 2027-07-15, amount: "30000.00" }
    """
    block = _installments(ctx)
    if block is None:
        return
    if block.plan is not None:
        initial = block.plan.initial
        if initial is not None and initial > block.total:
            yield Problem(
                (*PLAN, "initial"),
                f'initial "{format_money(initial)}" is more than total '
                f'"{format_money(block.total)}"; lower initial or raise total',
            )
        return
    if not block.schedule:
        return  # no payments: OFR315
    paid = sum((payment.amount for payment in block.schedule), Decimal("0.00"))
    if paid != block.total:
        gap = abs(paid - block.total)
        side = "short of" if paid < block.total else "over"
        yield Problem(
            (*INSTALLMENTS, "total"),
            f"payments add up to {format_money(paid)}, {format_money(gap)} {side} total "
            f"{format_money(block.total)}; the outstanding balance must be 0.00",
        )


@offer_rule("OFR314", "installment-amount-zero")
def installment_amount_zero(ctx: OfferContext) -> Iterator[Problem]:
    """
    A payment is 0.00, or a plan leaves less than a cent for each equal payment.

    Every payment of a flexible payment schedule charges the buyer something; a zero charge
    is rejected. A plan's ``initial: "0"`` is fine: it means no initial payment. So is a 0.00
    payment in a replacement offer (``replaces``): the buyer has paid under the agreement it
    replaces, and AWS's replacement offer samples (CreateReplacementPrivateOfferWithContract
    Pricing and the others) charge 0 on their one payment.

    Fails:

        installments:
          total: "0.05"
          plan: { frequency: monthly, firstInvoice: 2027-01-15, count: 10 }

    Passes:

        installments:
          total: "0.10"
          plan: { frequency: monthly, firstInvoice: 2027-01-15, count: 10 }
    """
    block = _installments(ctx)
    if block is None:
        return
    replacement = ctx.offer.spec.replaces is not None
    for index, payment in enumerate(block.schedule or []):
        if payment.amount <= 0 and not (replacement and payment.amount == 0):
            yield Problem(
                (*SCHEDULE, index, "amount"),
                f'amount "{format_money(payment.amount)}" is zero; every payment charges at '
                "least 0.01, remove it or move money onto it",
            )
    plan = block.plan
    if plan is None:
        return
    initial = plan.initial if plan.initial is not None and has_initial(plan) else Decimal(0)
    rest = block.total - initial
    if Decimal(0) <= rest < CENT * plan.count:
        less = f" less initial {format_money(initial)}" if has_initial(plan) else ""
        yield Problem(
            (*PLAN, "count"),
            f"total {format_money(block.total)}{less} leaves {format_money(rest)} for "
            f"{plan.count} equal payments, under 0.01 each; "
            "lower count or raise total",
        )


@offer_rule("OFR315", "installment-count")
def installment_count(ctx: OfferContext) -> Iterator[Problem]:
    """
    A schedule has no payments or more than 60, also after a plan is expanded.

    ``PaymentScheduleTerm.Schedule`` takes 1 to 60 payments. A plan makes ``count`` payments,
    plus one for a non-zero ``initial``: ``count: 60`` with an initial payment is 61.

    Fails:

        installments:
          total: "90000.00"
          plan: { initial: "10000.00", frequency: monthly, firstInvoice: 2027-01-15, count: 60 }

    Passes:

        installments:
          total: "90000.00"
          plan: { initial: "10000.00", frequency: monthly, firstInvoice: 2027-01-15, count: 59 }
    """
    block = _installments(ctx)
    if block is None:
        return
    if block.plan is not None:
        length = plan_length(block.plan)
        if length > MAX_INSTALLMENTS:
            extra = " (count plus the initial payment)" if has_initial(block.plan) else ""
            yield Problem(
                (*PLAN, "count"),
                f"plan makes {length} payments{extra}, at most {MAX_INSTALLMENTS} are allowed; "
                "lower count or choose a longer frequency",
            )
        return
    count = len(block.schedule or [])
    if count == 0:
        yield Problem(SCHEDULE, "schedule has no payments; list 1 to 60 payments")
    elif count > MAX_INSTALLMENTS:
        yield Problem(
            SCHEDULE,
            f"schedule has {count} payments, at most {MAX_INSTALLMENTS} are allowed; "
            "combine some of them",
            at="key",
        )


@offer_rule("OFR316", "duplicate-installment-date")
def duplicate_installment_date(ctx: OfferContext) -> Iterator[Problem]:
    """
    Two payments of a schedule are due on the same date.

    The marketplace charges at most one installment per day; two on one date are rejected.
    Combine them into one payment, or move one. The finding points at the second.

    Fails:

        schedule:
          - { date: 2027-01-15, amount: "30000.00" }
          - { date: 2027-01-15, amount: "60000.00" }

    Passes:

        schedule:
          - { date: 2027-01-15, amount: "30000.00" }
          - { date: 2027-04-15, amount: "60000.00" }
    """
    block = _installments(ctx)
    if block is None or block.schedule is None:
        return
    first: dict[object, int] = {}
    for index, payment in enumerate(block.schedule):
        if payment.date in first:
            yield Problem(
                (*SCHEDULE, index, "date"),
                f"payment on {payment.date.isoformat()} has the same date as payment "
                f"{first[payment.date] + 1}; combine them or move one",
            )
        else:
            first[payment.date] = index


@offer_rule("OFR317", "value-not-sent")
def value_not_sent(ctx: OfferContext) -> Iterator[Problem]:
    """
    A value that never reaches the marketplace, so changing it would change nothing.

    An upfront contract is either priced per unit, the buyer choosing how many of each
    dimension, or, when every dimension has a ``quantity``, sold as those quantities for one
    fixed price (the sum of price x quantity). The marketplace records nothing in between, so a
    value it cannot hold is refused where it is written, with the fix.

    A ``quantity`` on some dimensions but not on all is not sent: the buyer chooses every
    quantity, and ``quantity: 400 -> 4000`` would plan as no change. Remove the quantity, or fix
    every quantity: one offer per dimension, or ``payment: installments`` with a quantity on
    every dimension.

    With fixed quantities of several dimensions, the ``price`` of each is not sent, only their
    total: a change that keeps the total is invisible, and ``offerops import`` cannot write the
    prices back. Write the total as installments (``installments.total``, no prices), make one
    offer per dimension, or remove the quantities. ``purchasing: single-dimension`` on a fixed
    price for one dimension is not sent either (there is no choice; OFR311 reports several),
    nor is ``quantities: one`` on a fixed price (the grants are the quantities written).

    Values another rule refuses (a price with installments, OFR310; documents without custom
    terms, OFR601) are reported there, once.

    Fails:

        payment: upfront
        dimensions:
          - key: users
            price: "250.00"
            quantity: 400
          - key: admins
            price: "1200.00"

    Passes:

        payment: upfront
        dimensions:
          - key: users
            price: "250.00"
          - key: admins
            price: "1200.00"
    """
    for entry in unrepresentable(ctx.offer):
        if entry.covered_by is None:
            yield Problem(entry.path, entry.message)


@offer_rule("OFR318", "fixed-price-too-high")
def fixed_price_too_high(ctx: OfferContext) -> Iterator[Problem]:
    """
    A fixed upfront price (price x quantity, summed) or an installment is above 100,000,000.

    An upfront contract with a ``quantity`` on every dimension is sent as one fixed price: the
    sum of each dimension's price times its quantity. That price, like every installment amount,
    is at most 100000000 in the Catalog API (the published shape patterns), although each price
    on its own may be below the limit (OFR306). Sell a contract this large in installments
    (60 payments of up to 100,000,000 each), or split it over several offers.

    Fails:

        dimensions:
          - key: users
            price: "250000.00"
            quantity: 500
        payment: upfront

    Passes:

        dimensions:
          - key: users
            price: "250000.00"
            quantity: 400
        payment: upfront
    """
    contract = _contract(ctx)
    if contract is None:
        return
    if contract.payment == "upfront" and is_fixed(contract):
        yield from _fixed_total(contract)
    block = _installments(ctx)
    if block is None:
        return
    if block.schedule is not None:
        for index, payment in enumerate(block.schedule):
            if payment.amount > MAX_PRICE:
                yield Problem(
                    (*SCHEDULE, index, "amount"),
                    f'amount "{format_money(payment.amount)}" is above the marketplace maximum '
                    f"of {MAX_PRICE} per payment; spread it over more payments",
                )
        return
    charges = scheduled_charges(ctx) or []
    largest = max((charge.amount for charge in charges), default=Decimal(0))
    if largest > MAX_PRICE:
        yield Problem(
            (*PLAN, "count"),
            f"the plan makes payments of up to {format_money(largest)}, above the marketplace "
            f"maximum of {MAX_PRICE} per payment; raise count or lower initial",
        )


def _fixed_total(contract: ContractPricing) -> Iterator[Problem]:
    dimensions = contract.dimensions
    parts = [(d.price, d.quantity) for d in dimensions if d.price is not None and d.quantity]
    total = sum((price * quantity for price, quantity in parts), Decimal(0))
    if total <= MAX_PRICE:
        return
    shown = " + ".join(f"{format_money(price)} x {quantity}" for price, quantity in parts)
    one = len(dimensions) == 1
    yield Problem(
        _dimension(0, "quantity") if one else (*PRICING, "dimensions"),
        f"the fixed price {shown} = {format_money(total)} {contract.currency} is above the "
        f"marketplace maximum of {MAX_PRICE}; sell it in installments (up to {MAX_PRICE} per "
        "payment), lower the quantity, or split it over several offers",
        at="value" if one else "key",
    )


def _without_annual(pricing: UsagePricing | ContractPricing) -> bool:
    """Usage pricing without annual prices: nothing to pay in installments."""
    return isinstance(pricing, UsagePricing) and pricing.annual is None


def _annual(ctx: OfferContext) -> tuple[UsagePricing, AnnualPricing] | None:
    pricing = ctx.pricing
    if isinstance(pricing, UsagePricing) and pricing.annual is not None:
        return pricing, pricing.annual
    return None


ANNUAL: DataPath = (*PRICING, "annual")


@offer_rule("OFR319", "annual-product-type")
def annual_product_type(ctx: OfferContext) -> Iterator[Problem]:
    """
    ``annual`` prices for a product that is not an AMI or container product.

    Hourly plus annual pricing (per-instance prices for a term of days next to the hourly
    rates of the same instance types) is how AMI and container products are sold (seller
    console "Hourly and annual"; AWS sample CreatePrivateOfferWithHourlyAnnualPricingForAmiProduct).
    A SaaS product prices usage and a contract together as a contract with
    ``usageDimensions`` instead.

    Fails (a SaaS product):

        pricing:
          model: usage
          annual:
            durationDays: 365
            dimensions:
              - { key: USER, price: "220.00" }

    Passes (an AMI product):

        pricing:
          model: usage
          annual:
            durationDays: 365
            dimensions:
              - { key: m5.large, price: "220.00" }
    """
    if ctx.product is None or _annual(ctx) is None:
        return
    if ctx.product.type not in ANNUAL_PRODUCT_TYPES:
        yield Problem(
            ANNUAL,
            f'annual prices are for AMI and container products; "{ctx.spec.product}" is '
            f"{ctx.product.type}: for usage next to a contract, use model: contract with "
            "usageDimensions",
            at="key",
        )


@offer_rule("OFR320", "annual-dimension-fields")
def annual_dimension_fields(ctx: OfferContext) -> Iterator[Problem]:
    """
    An ``annual`` dimension without an hourly rate, or with the wrong fields for the payment.

    Annual prices are for instance types that also have an hourly rate in ``dimensions`` (every
    AWS sample prices the same instance type in both). Paid upfront, each annual dimension has
    a ``price`` per instance for ``durationDays`` and no ``quantity`` (the buyer chooses how
    many); with ``payment: installments`` each has a ``quantity`` of instances and no price:
    the installments carry the money.

    Fails:

        dimensions:
          - { key: m5.large, price: "0.17" }
        annual:
          durationDays: 365
          dimensions:
            - { key: m5.xlarge, price: "220.00" }

    Passes:

        dimensions:
          - { key: m5.large, price: "0.17" }
        annual:
          durationDays: 365
          dimensions:
            - { key: m5.large, price: "220.00" }
    """
    found = _annual(ctx)
    if found is None:
        return
    pricing, annual = found
    hourly = {dimension.key for dimension in pricing.dimensions}
    base: DataPath = (*ANNUAL, "dimensions")
    for index, dimension in enumerate(annual.dimensions):
        if dimension.key not in hourly:
            yield Problem(
                (*base, index, "key"),
                f'"{dimension.key}" has an annual price but no hourly rate; add it to '
                "dimensions with its hourly rate, or remove it here",
            )
        yield from _annual_fields(pricing.payment, dimension, (*base, index))


def _annual_fields(payment: str, dimension: AnnualDimension, path: DataPath) -> Iterator[Problem]:
    if payment == "installments":
        if dimension.price is not None:
            yield Problem(
                (*path, "price"),
                f'"{dimension.key}" has a price, but with installments the payments carry the '
                "money; remove the price",
                at="key",
            )
        if dimension.quantity is None:
            yield Problem(
                (*path, "key"),
                f'"{dimension.key}" needs a quantity: with installments the buyer is granted a '
                "fixed number of instances, like quantity: 1",
            )
        return
    if dimension.price is None:
        yield Problem(
            (*path, "key"),
            f'"{dimension.key}" needs a price per instance for the annual term, like '
            'price: "220.00"',
        )
    if dimension.quantity is not None:
        yield Problem(
            (*path, "quantity"),
            f'"{dimension.key}" has a quantity, but annual prices paid upfront let the buyer '
            "choose how many; remove it, or pay in installments",
            at="key",
        )
