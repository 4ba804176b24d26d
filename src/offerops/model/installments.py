"""Installment schedules and term windows, computed exactly; shared by the linter and reconciler.

Both sides must agree to the cent on what a generated ``plan`` means and on when a contract can
start and end, or the linter would approve a schedule the reconciler then sends differently.
Everything here is pure and uses :class:`~decimal.Decimal`, never floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal, localcontext
from typing import Final, NamedTuple

from offerops.model.dates import add_months, last_day_of_term, months_spanned
from offerops.model.limits import MAX_INSTALLMENTS
from offerops.model.pricing import ContractTerm, InstallmentPlan, Installments, UsageTerm

PERIOD_MONTHS: Final = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}
"""Months between two payments of a generated plan, by ``frequency``."""

CENT: Final = Decimal("0.01")


class Charge(NamedTuple):
    """One payment: ``(date, amount)``; unpacks like the tuple it is."""

    date: date
    amount: Decimal


def has_initial(plan: InstallmentPlan) -> bool:
    """True when the plan has an initial payment; ``initial: "0"`` is the same as none."""
    return plan.initial is not None and plan.initial > 0


def plan_length(plan: InstallmentPlan) -> int:
    """Payments a plan expands to: ``count``, plus one for a non-zero ``initial``."""
    return plan.count + (1 if has_initial(plan) else 0)


def expand_plan(plan: InstallmentPlan, total: Decimal) -> list[Charge]:
    """The payments a generated plan means, in date order; they add up to ``total`` exactly.

    A non-zero ``initial`` is due on ``firstInvoice``; then ``count`` equal payments of
    ``total - initial`` follow, one every period after it. Without an initial payment (or with
    ``initial: "0"``) the first equal payment is due on ``firstInvoice``. Each equal payment is
    the share rounded down to the cent and the cents left over go on the last payment, so the
    buyer is never charged more early than late. Dates are counted from ``firstInvoice`` (not
    from the previous payment), so Jan 31 monthly gives Feb 28, Mar 31, Apr 30.

    Amounts are not validated here: ``initial`` above ``total`` gives negative payments, which
    the linter reports. Raises ``ValueError`` for plans longer than ``MAX_INSTALLMENTS`` (so a
    typo like ``count: 1000000`` never allocates a million payments) and ``OverflowError`` for
    dates past year 9999.
    """
    length = plan_length(plan)
    if length > MAX_INSTALLMENTS:
        raise ValueError(f"plan has {length} payments, at most {MAX_INSTALLMENTS} are allowed")
    initial = plan.initial if plan.initial is not None and has_initial(plan) else Decimal(0)
    step = PERIOD_MONTHS[plan.frequency]
    shares = _equal_shares(total, initial, plan.count)
    charges = [Charge(plan.firstInvoice, initial)] if has_initial(plan) else []
    offset = len(charges)
    for number, amount in enumerate(shares):
        charges.append(Charge(add_months(plan.firstInvoice, (number + offset) * step), amount))
    return charges


def _equal_shares(total: Decimal, initial: Decimal, count: int) -> list[Decimal]:
    """``count`` shares of ``total - initial``: rounded down to cents, the rest on the last."""
    digits = max(len(total.as_tuple().digits), len(initial.as_tuple().digits))
    with localcontext() as context:
        context.prec = digits + 30  # exact: no operation below may round
        rest = total - initial
        each = (rest / count).quantize(CENT, rounding=ROUND_DOWN)
        last = rest - each * (count - 1)
    return [each] * (count - 1) + [last]


def schedule_of(installments: Installments) -> list[Charge]:
    """The payments of an installments block: the explicit ``schedule`` or the expanded ``plan``.

    An explicit schedule keeps the order it is written in (dates need not be sorted; the index
    matches the file); a plan is in date order. When both are given, which the linter reports,
    the explicit schedule wins; when neither is, there are no payments.
    """
    if installments.schedule is not None:
        return [Charge(payment.date, payment.amount) for payment in installments.schedule]
    if installments.plan is not None:
        return expand_plan(installments.plan, installments.total)
    return []


@dataclass(frozen=True, slots=True)
class Window:
    """When a term can start and when its last day can be (both inclusive).

    A dated start is one day; ``on-acceptance`` starts on the day the buyer accepts, which is
    between today and ``expiresOn``, so start and end are ranges.
    """

    earliest_start: date
    latest_start: date
    earliest_end: date
    latest_end: date


def term_window(
    starts: date | None,
    duration_months: int | None,
    ends_on: date | None,
    today: date,
    expires_on: date,
    duration_days: int | None = None,
) -> Window | None:
    """The window of a term; ``starts=None`` means on acceptance.

    None when the term does not give exactly one of ``duration_months``, ``duration_days`` and
    ``ends_on`` (the linter reports that) or when the dates run past year 9999.
    """
    if sum(value is not None for value in (duration_months, duration_days, ends_on)) != 1:
        return None
    first = starts if starts is not None else today
    last = starts if starts is not None else max(today, expires_on)
    if ends_on is not None:
        return Window(first, last, ends_on, ends_on)
    try:
        earliest_end = _last_day(first, duration_months, duration_days)
        latest_end = _last_day(last, duration_months, duration_days)
    except OverflowError:
        return None
    return Window(first, last, earliest_end, latest_end)


def _last_day(start: date, months: int | None, days: int | None) -> date:
    """The last day of a term of ``months`` months or ``days`` days from ``start``."""
    if months is not None:
        return last_day_of_term(start, months)
    assert days is not None
    return start + timedelta(days=days - 1)


def contract_window(contract: ContractTerm, today: date, expires_on: date) -> Window | None:
    """The window of a contract term (see :func:`term_window`)."""
    starts = contract.starts if isinstance(contract.starts, date) else None
    return term_window(
        starts, contract.durationMonths, contract.endsOn, today, expires_on, contract.durationDays
    )


def usage_window(usage: UsageTerm, today: date, expires_on: date) -> Window | None:
    """The window of a usage term, which always starts on acceptance (see :func:`term_window`)."""
    return term_window(
        None, usage.durationMonths, usage.endsOn, today, expires_on, usage.durationDays
    )


def longest_months(contract: ContractTerm, today: date) -> int | None:
    """The longest the contract can last, in months (a partial month counts as one).

    ``durationMonths`` is exact. ``durationDays`` and ``endsOn`` are counted from ``starts``, or
    for ``on-acceptance`` from today: the buyer accepts today or later, so counting from today
    can only overstate the length, never let a too-long contract through. None without exactly
    one of the three fields.
    """
    lengths = (contract.durationMonths, contract.durationDays, contract.endsOn)
    if sum(value is not None for value in lengths) != 1:
        return None
    if contract.durationMonths is not None:
        return contract.durationMonths
    start = contract.starts if isinstance(contract.starts, date) else today
    if contract.durationDays is not None:
        try:
            return months_spanned(start, start + timedelta(days=contract.durationDays - 1))
        except OverflowError:
            return None
    assert contract.endsOn is not None
    return months_spanned(start, contract.endsOn)
