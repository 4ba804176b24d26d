"""OFR4xx: durations and dates: contract and usage terms, expiry, start, payment dates.

Offers with ``lifecycle: expired`` skip the checks against today: that is how an offer is ended,
and the file stays in git long after its dates have passed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from offerops.lint.context import OfferContext
from offerops.lint.finding import Severity
from offerops.lint.rule import Problem, offer_rule
from offerops.lint.rules.pricing import PLAN, PRICING, SCHEDULE, scheduled_charges
from offerops.model.dates import last_day_of_term
from offerops.model.installments import (
    Window,
    contract_window,
    longest_months,
    plan_length,
    usage_window,
)
from offerops.model.limits import (
    DEFAULT_MAX_CONTRACT_MONTHS,
    DEFAULT_MAX_USAGE_DAYS,
    MAX_INSTALLMENTS,
)
from offerops.model.pricing import (
    ContractPricing,
    ContractTerm,
    FixedPriceTerm,
    UsagePricing,
    UsageTerm,
)
from offerops.source.document import DataPath
from offerops.terms.from_offer import is_fixed

EXPIRES_ON: DataPath = ("spec", "expiresOn")


def _active(ctx: OfferContext) -> bool:
    return ctx.spec.lifecycle == "active"


def _term(ctx: OfferContext) -> tuple[DataPath, ContractTerm | UsageTerm]:
    """The offer's term and its path: ``pricing.contract`` or ``pricing.usage``."""
    pricing = ctx.pricing
    if isinstance(pricing, UsagePricing):
        return (*PRICING, "usage"), pricing.usage
    return (*PRICING, "contract"), pricing.contract


def _label(term: ContractTerm | UsageTerm) -> str:
    return "usage term" if isinstance(term, UsageTerm) else "contract"


def _dated_start(term: ContractTerm | UsageTerm) -> date | None:
    starts = term.starts if isinstance(term, ContractTerm) else None
    return starts if isinstance(starts, date) else None


_LENGTHS = ("durationMonths", "durationDays", "endsOn")


@offer_rule("OFR401", "term-length-form")
def term_length_form(ctx: OfferContext) -> Iterator[Problem]:
    """
    A contract or usage term has more than one of ``durationMonths``, ``durationDays`` and
    ``endsOn``, or none.

    The agreement's length is a duration (``AgreementDuration``: ``P36M`` in months, ``P30D``
    in days) or an end date (``AgreementEndDate``), never two of them: with two it is unclear
    which one the buyer agrees to, with none the agreement has no end. A contract's
    ``fixedPrice`` (the fixed price's own ``Duration``) has exactly one of ``durationMonths``
    and ``durationDays`` likewise.

    Fails:

        contract:
          starts: on-acceptance
          durationMonths: 36
          endsOn: 2029-12-31

    Passes:

        contract:
          starts: on-acceptance
          durationMonths: 36
    """
    path, term = _term(ctx)
    yield from _one_length(path, term, _LENGTHS)
    pricing = ctx.pricing
    if isinstance(pricing, ContractPricing) and pricing.fixedPrice is not None:
        yield from _one_length((*PRICING, "fixedPrice"), pricing.fixedPrice, _FIXED_LENGTHS)


_FIXED_LENGTHS = ("durationMonths", "durationDays")


def _one_length(
    path: DataPath, term: ContractTerm | UsageTerm | FixedPriceTerm, lengths: tuple[str, ...]
) -> Iterator[Problem]:
    """Two or more of ``lengths`` given, or none."""
    name = path[-1]
    given = [field for field in lengths if getattr(term, field) is not None]
    if len(given) > 1:
        yield Problem(
            (*path, given[-1]),
            f"{name} has {' and '.join(given)}; keep one of them",
            at="key",
        )
    elif not given:
        yield Problem(
            (*path, "durationMonths"),
            f"{name} needs {', '.join(lengths[:-1])} or {lengths[-1]}; add one, like "
            "durationMonths: 12",
        )


def _length_field(term: ContractTerm | UsageTerm) -> str:
    """The field that gives the term's length (the first one, if several do)."""
    return next((field for field in _LENGTHS if getattr(term, field) is not None), "endsOn")


@offer_rule("OFR402", "contract-too-long")
def contract_too_long(ctx: OfferContext) -> Iterator[Problem]:
    """
    The contract is longer than ``policy.maxContractMonths`` allows for the product's type.

    SaaS, AMI and container contracts last at most 60 months on the marketplace (AWS
    Marketplace Seller Guide, the product-type pages on private offers); a seller may set other
    caps per product type in offerops.yaml, and a type the policy does not list keeps the
    marketplace's. With ``endsOn`` or ``durationDays`` the months are counted from ``starts``
    and a partial month counts as a month. For ``starts: on-acceptance`` they are counted from
    today: the buyer accepts today or later, so this is the longest the contract can be, and a
    contract that passes can never be too long when accepted. A ``fixedPrice`` duration is held
    to the same limit: AWS calls a FixedUpfrontPricingTerm's Duration the "contract duration
    for the terms" (Agreement API reference).

    Fails (a SaaS product):

        contract:
          starts: on-acceptance
          durationMonths: 72

    Passes:

        contract:
          starts: on-acceptance
          durationMonths: 60
    """
    pricing = ctx.pricing
    if ctx.product is None or not isinstance(pricing, ContractPricing):
        return
    kind = ctx.product.type
    policy = ctx.repo.config.policy.maxContractMonths
    limit = policy.get(kind, DEFAULT_MAX_CONTRACT_MONTHS.get(kind))
    if limit is None:
        return
    if pricing.fixedPrice is not None and is_fixed(pricing):
        yield from _fixed_price_too_long(pricing.fixedPrice, kind, limit, ctx.today)
    months = longest_months(pricing.contract, ctx.today)
    if months is None or months <= limit:
        return
    term = pricing.contract
    field = _length_field(term)
    start = _dated_start(term)
    origin = f"starts {start.isoformat()}" if start else f"today {ctx.today.isoformat()}"
    if term.endsOn is not None:
        span = f" (from {origin} to endsOn {term.endsOn.isoformat()})"
    elif term.durationDays is not None:
        span = f" ({term.durationDays} days from {origin})"
    else:
        span = ""
    yield Problem(
        (*PRICING, "contract", field),
        f"contract lasts {months} months{span}; {ctx.product.type} contracts last at most "
        f"{limit} months (policy.maxContractMonths); shorten it or split it into two offers",
    )


def _fixed_price_too_long(
    fixed: FixedPriceTerm, kind: str, limit: int, today: date
) -> Iterator[Problem]:
    """``fixedPrice`` longer than the contract limit (days counted as the contract's are)."""
    length = ContractTerm(durationMonths=fixed.durationMonths, durationDays=fixed.durationDays)
    months = longest_months(length, today)
    if months is None or months <= limit:
        return
    field = "durationMonths" if fixed.durationMonths is not None else "durationDays"
    yield Problem(
        (*PRICING, "fixedPrice", field),
        f"the fixed price lasts {months} months; {kind} contracts last at most {limit} months "
        "(policy.maxContractMonths); shorten it",
    )


@offer_rule("OFR409", "usage-term-too-long")
def usage_term_too_long(ctx: OfferContext) -> Iterator[Problem]:
    """
    A usage (hourly) agreement is longer than ``policy.maxUsageDays`` allows for the product.

    Hourly private offers of AMI and container products last at most 1,095 days (three years;
    AWS Marketplace Seller Guide, the AMI and container product pages); a seller may set other
    caps per product type in offerops.yaml, and a type the policy does not list keeps the
    marketplace's (SaaS usage agreements have none). ``durationMonths`` and ``endsOn`` are
    counted in days from today, the earliest day the buyer can accept, so an agreement that
    passes is never too long when accepted.

    Fails (an AMI product):

        usage:
          durationDays: 1200

    Passes:

        usage:
          durationDays: 1095
    """
    pricing = ctx.pricing
    if ctx.product is None or not isinstance(pricing, UsagePricing):
        return
    kind = ctx.product.type
    limit = ctx.repo.config.policy.maxUsageDays.get(kind, DEFAULT_MAX_USAGE_DAYS.get(kind))
    days = _longest_days(pricing.usage, ctx.today)
    if limit is None or days is None or days <= limit:
        return
    field = _length_field(pricing.usage)
    span = "" if field == "durationDays" else f" from today {ctx.today.isoformat()}"
    yield Problem(
        (*PRICING, "usage", field),
        f"the usage agreement lasts {days} days{span}; {kind} usage agreements last at most "
        f"{limit} days (policy.maxUsageDays); shorten it",
    )


def _longest_days(term: UsageTerm, today: date) -> int | None:
    """Days the usage agreement lasts at most: exact for ``durationDays``, counted from today
    otherwise (inclusive); None without exactly one length (OFR401)."""
    if sum(getattr(term, field) is not None for field in _LENGTHS) != 1:
        return None
    if term.durationDays is not None:
        return term.durationDays
    try:
        last = term.endsOn or last_day_of_term(today, term.durationMonths or 0)
    except OverflowError:
        return None
    return (last - today).days + 1


@offer_rule("OFR403", "ends-before-start")
def ends_before_start(ctx: OfferContext) -> Iterator[Problem]:
    """
    The term's ``endsOn`` is not after the day it can start.

    A contract with a dated ``starts`` must end after it. A term that starts on acceptance (a
    usage term always does) must end after today, because the buyer cannot accept before
    today. Skipped for ``lifecycle: expired`` offers when the start is today.

    Fails:

        contract:
          starts: 2027-06-01
          endsOn: 2027-05-31

    Passes:

        contract:
          starts: 2027-06-01
          endsOn: 2028-05-31
    """
    path, term = _term(ctx)
    if term.endsOn is None:
        return
    start = _dated_start(term)
    if start is not None and term.endsOn <= start:
        yield Problem(
            (*path, "endsOn"),
            f"endsOn {term.endsOn.isoformat()} is not after starts {start.isoformat()}; "
            "the contract must end after it starts",
        )
    elif start is None and _active(ctx) and term.endsOn <= ctx.today:
        yield Problem(
            (*path, "endsOn"),
            f"endsOn {term.endsOn.isoformat()} is not after today ({ctx.today.isoformat()}); "
            f"the {_label(term)} starts when the buyer accepts, so it must end after today",
        )


@offer_rule("OFR404", "offer-expired")
def offer_expired(ctx: OfferContext) -> Iterator[Problem]:
    """
    ``expiresOn`` is in the past, and the offer is not marked expired.

    ``expiresOn`` is the last day a buyer can accept. A date in the past cannot be created or
    extended to; to end an offer say so with ``lifecycle: expired`` (then this rule is skipped),
    or set a new expiry from today on.

    Fails (today is 2026-11-23):

        spec:
          expiresOn: 2026-11-01

    Passes:

        spec:
          expiresOn: 2026-11-01
          lifecycle: expired
    """
    if _active(ctx) and ctx.expires_on < ctx.today:
        yield Problem(
            EXPIRES_ON,
            f"expiresOn {ctx.expires_on.isoformat()} is in the past; set a date from "
            f"{ctx.today.isoformat()} on, or set lifecycle: expired to end the offer",
        )


@offer_rule("OFR405", "expires-after-end")
def expires_after_end(ctx: OfferContext) -> Iterator[Problem]:
    """
    ``expiresOn`` is after the term's ``endsOn``.

    A buyer could accept the offer after the agreement it grants has already ended. Expire the
    offer on or before the end date. (A term given in ``durationMonths`` runs from acceptance,
    so it always ends after the offer expires.) Skipped when ``endsOn`` is not after today
    (OFR403 reports that) and for a dated ``starts`` (OFR406 reports an offer that expires after
    its contract starts, and so after it ends).

    Fails:

        expiresOn: 2028-01-31
        pricing:
          usage:
            endsOn: 2027-12-31

    Passes:

        expiresOn: 2027-03-31
        pricing:
          usage:
            endsOn: 2027-12-31
    """
    _, term = _term(ctx)
    if term.endsOn is None or ctx.expires_on <= term.endsOn:
        return
    if _dated_start(term) is not None or term.endsOn <= ctx.today:
        return
    yield Problem(
        EXPIRES_ON,
        f"expiresOn {ctx.expires_on.isoformat()} is after the {_label(term)} ends "
        f"(endsOn {term.endsOn.isoformat()}); expire the offer on or before that date",
    )


@offer_rule("OFR406", "start-date")
def start_date(ctx: OfferContext) -> Iterator[Problem]:
    """
    A dated ``starts`` is not in the future, or is before ``expiresOn``.

    A future-dated agreement (``AgreementStartDate``) starts after the buyer accepts: the buyer
    can accept until ``expiresOn``, so the start must be on or after it, and after today. For a
    contract that starts now use ``starts: on-acceptance``. The "after today" part is skipped
    for ``lifecycle: expired`` offers.

    Fails:

        expiresOn: 2027-03-31
        pricing:
          contract:
            starts: 2027-01-01

    Passes:

        expiresOn: 2027-03-31
        pricing:
          contract:
            starts: 2027-04-01
    """
    pricing = ctx.pricing
    if not isinstance(pricing, ContractPricing) or not isinstance(pricing.contract.starts, date):
        return
    starts = pricing.contract.starts
    path = (*PRICING, "contract", "starts")
    if _active(ctx) and starts <= ctx.today:
        yield Problem(
            path,
            f"starts {starts.isoformat()} is not in the future (today is "
            f"{ctx.today.isoformat()}); use starts: on-acceptance or a later date",
        )
    elif starts < ctx.expires_on:
        yield Problem(
            path,
            f"starts {starts.isoformat()} is before expiresOn {ctx.expires_on.isoformat()}; "
            "the buyer may accept after the contract started: start on or after expiresOn, "
            "or expire the offer earlier",
        )


def _window(ctx: OfferContext) -> tuple[ContractPricing | UsagePricing, Window] | None:
    """The term payments must fall in: the contract, or the usage agreement whose annual
    prices installments pay."""
    pricing = ctx.pricing
    if isinstance(pricing, ContractPricing):
        window = contract_window(pricing.contract, ctx.today, ctx.expires_on)
    else:
        window = usage_window(pricing.usage, ctx.today, ctx.expires_on)
    return (pricing, window) if window is not None else None


def _dated(pricing: ContractPricing | UsagePricing) -> bool:
    """A contract with a dated ``starts`` (a usage agreement starts on acceptance)."""
    return isinstance(pricing, ContractPricing) and isinstance(pricing.contract.starts, date)


@offer_rule("OFR407", "installment-outside-contract")
def installment_outside_contract(ctx: OfferContext) -> Iterator[Problem]:
    """
    A payment is due before the contract starts or after it ends.

    Each ``ChargeDate`` of a flexible payment schedule must fall within the contract. With a
    dated ``starts`` the contract runs from ``starts`` to ``endsOn`` (or ``durationMonths``
    later). With ``starts: on-acceptance`` it starts the day the buyer accepts, between today
    and ``expiresOn``; the check is conservative: no payment may be in the past, nor after the
    earliest possible end, which is ``endsOn``, or ``durationMonths`` from today (if the buyer
    accepts today). A generated plan is expanded first; its finding points at ``firstInvoice``
    for the first payment and at ``count`` for later ones.

    Fails (today is 2026-11-23):

        contract:
          starts: on-acceptance
          durationMonths: 12
        installments:
          total: "90000.00"
          schedule:
            - { date: 2027-01-15, amount: "45000.00" }
            - { date: 2027-12-15, amount: "45000.00" }

    Passes:

        contract:
          starts: on-acceptance
          durationMonths: 12
        installments:
          total: "90000.00"
          schedule:
            - { date: 2027-01-15, amount: "45000.00" }
            - { date: 2027-07-15, amount: "45000.00" }
    """
    found = _window(ctx)
    block = found[0].installments if found else None
    if found is None or block is None:
        return
    pricing, window = found
    charges = scheduled_charges(ctx)
    if charges is None:
        plan = block.plan
        if plan is not None and block.schedule is None and plan_length(plan) <= MAX_INSTALLMENTS:
            yield Problem(
                (*PLAN, "firstInvoice"),
                "plan runs past the year 9999; choose an earlier firstInvoice or a lower count",
            )
        return
    dated = _dated(pricing)
    if block.schedule is not None:
        for index, charge in enumerate(charges):
            reason = _outside(ctx, charge.date, window, dated)
            if reason:
                yield Problem(
                    (*SCHEDULE, index, "date"),
                    f"payment on {charge.date.isoformat()} {reason}; move it into the contract",
                )
        return
    early, late = charges[0], charges[-1]
    reason = _outside(ctx, early.date, window, dated)
    if reason:
        yield Problem(
            (*PLAN, "firstInvoice"),
            f"the plan's first payment on {early.date.isoformat()} {reason}; "
            "move firstInvoice into the contract",
        )
    reason = _outside(ctx, late.date, window, dated)
    if reason and late is not early:
        yield Problem(
            (*PLAN, "count"),
            f"the plan's payment {len(charges)} on {late.date.isoformat()} {reason}; "
            "lower count, choose a shorter frequency or an earlier firstInvoice",
        )


def _outside(ctx: OfferContext, day: date, window: Window, dated: bool) -> str | None:
    """Why a payment on ``day`` falls outside the contract, or None."""
    if dated and day < window.earliest_start:
        return f"is before the contract starts on {window.earliest_start.isoformat()}"
    if not dated and _active(ctx) and day < ctx.today:
        return f"is in the past (today is {ctx.today.isoformat()})"
    if day <= window.earliest_end:
        return None
    end = window.earliest_end.isoformat()
    if window.earliest_end == window.latest_end:
        return f"is after the contract ends on {end}"
    return f"is after {end}, the contract's last day if the buyer accepts today"


@offer_rule("OFR408", "installment-before-acceptance", Severity.WARNING)
def installment_before_acceptance(ctx: OfferContext) -> Iterator[Problem]:
    """
    A payment of an on-acceptance contract is due before the offer expires.

    The contract starts when the buyer accepts, which may be as late as ``expiresOn``. A payment
    dated before that may end up before the contract starts, or be invoiced at once on
    acceptance instead of on its date. Date payments on or after ``expiresOn``, or expire the
    offer earlier. A warning: the buyer may well accept in time.

    Fails:

        expiresOn: 2027-03-31
        pricing:
          contract:
            starts: on-acceptance
          installments:
            schedule:
              - { date: 2027-01-15, amount: "90000.00" }

    Passes:

        expiresOn: 2027-01-10
        pricing:
          contract:
            starts: on-acceptance
          installments:
            schedule:
              - { date: 2027-01-15, amount: "90000.00" }
    """
    pricing = ctx.pricing
    if not _active(ctx):
        return
    block = pricing.installments
    charges = scheduled_charges(ctx)
    if block is None or charges is None or _dated(pricing):
        return
    expires = ctx.expires_on
    for index, charge in enumerate(charges):
        if ctx.today <= charge.date < expires:
            yield Problem(
                (*SCHEDULE, index, "date")
                if block.schedule is not None
                else (*PLAN, "firstInvoice"),
                f"payment on {charge.date.isoformat()} is before expiresOn {expires.isoformat()}; "
                "if the buyer accepts later, it falls before the contract starts",
            )
        if block.schedule is None:
            return  # a plan's dates increase: its first payment is the one to move
