"""Installment expansion, month arithmetic and term windows: exact, and checked by properties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, localcontext
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from offerops.model.dates import add_months, last_day_of_term, months_spanned
from offerops.model.installments import (
    PERIOD_MONTHS,
    Charge,
    Window,
    contract_window,
    expand_plan,
    longest_months,
    plan_length,
    schedule_of,
    usage_window,
)
from offerops.model.limits import MAX_INSTALLMENTS
from offerops.model.pricing import ContractTerm, InstallmentPlan, Installments, UsageTerm

TODAY = date(2026, 11, 23)


def plan(**fields: object) -> InstallmentPlan:
    return InstallmentPlan.model_validate(
        {"frequency": "quarterly", "firstInvoice": "2027-01-15", "count": 3} | fields
    )


def charges(*rows: tuple[str, str]) -> list[Charge]:
    return [Charge(date.fromisoformat(day), Decimal(amount)) for day, amount in rows]


# --- month arithmetic ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2027-01-31", 1, "2027-02-28"),
        ("2028-01-31", 1, "2028-02-29"),
        ("2027-01-31", 2, "2027-03-31"),
        ("2027-03-31", -1, "2027-02-28"),
        ("2027-11-15", 3, "2028-02-15"),
        ("2027-01-15", 0, "2027-01-15"),
        ("2027-08-31", 6, "2028-02-29"),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day: str, months: int, expected: str) -> None:
    assert add_months(date.fromisoformat(day), months) == date.fromisoformat(expected)


def test_add_months_past_year_9999_overflows() -> None:
    with pytest.raises(OverflowError):
        add_months(date(9999, 12, 1), 1)


@pytest.mark.parametrize(
    ("start", "months", "last_day"),
    [
        ("2027-01-01", 12, "2027-12-31"),
        ("2027-01-31", 1, "2027-02-27"),
        ("2027-02-28", 1, "2027-03-27"),
    ],
)
def test_last_day_of_term(start: str, months: int, last_day: str) -> None:
    assert last_day_of_term(date.fromisoformat(start), months) == date.fromisoformat(last_day)


@pytest.mark.parametrize(
    ("start", "last_day", "months"),
    [
        ("2027-01-01", "2027-12-31", 12),
        ("2027-01-01", "2028-01-01", 13),
        ("2027-01-01", "2027-01-01", 1),
        ("2026-11-23", "2031-11-22", 60),
        ("2026-11-23", "2031-11-23", 61),
        ("2027-01-02", "2027-01-01", 0),
    ],
)
def test_months_spanned_counts_a_partial_month(start: str, last_day: str, months: int) -> None:
    assert months_spanned(date.fromisoformat(start), date.fromisoformat(last_day)) == months


@given(st.dates(max_value=date(9000, 1, 1)), st.integers(min_value=1, max_value=1200))
def test_months_spanned_inverts_last_day_of_term(start: date, months: int) -> None:
    assert months_spanned(start, last_day_of_term(start, months)) == months


# --- expand_plan ----------------------------------------------------------------------------


def test_plan_with_initial_payment() -> None:
    assert expand_plan(plan(initial="10000.00"), Decimal("90000.00")) == charges(
        ("2027-01-15", "10000.00"),
        ("2027-04-15", "26666.66"),
        ("2027-07-15", "26666.66"),
        ("2027-10-15", "26666.68"),
    )


def test_plan_without_initial_starts_on_first_invoice() -> None:
    assert expand_plan(plan(), Decimal("100.00")) == charges(
        ("2027-01-15", "33.33"), ("2027-04-15", "33.33"), ("2027-07-15", "33.34")
    )


def test_initial_zero_is_no_initial_payment() -> None:
    assert expand_plan(plan(initial="0"), Decimal("90.00")) == expand_plan(plan(), Decimal("90.00"))
    assert plan_length(plan(initial="0")) == 3
    assert plan_length(plan(initial="0.01")) == 4


def test_monthly_from_the_31st_counts_from_first_invoice() -> None:
    monthly = plan(frequency="monthly", firstInvoice="2027-01-31", count=4)
    assert [charge.date.isoformat() for charge in expand_plan(monthly, Decimal("4.00"))] == [
        "2027-01-31",
        "2027-02-28",
        "2027-03-31",
        "2027-04-30",
    ]


@pytest.mark.parametrize(("frequency", "months"), sorted(PERIOD_MONTHS.items()))
def test_frequencies(frequency: str, months: int) -> None:
    dates = [c.date for c in expand_plan(plan(frequency=frequency, count=2), Decimal("2.00"))]
    assert dates == [date(2027, 1, 15), add_months(date(2027, 1, 15), months)]


def test_initial_above_total_gives_negative_payments_that_still_add_up() -> None:
    result = expand_plan(plan(initial="100.00", count=2), Decimal("90.00"))
    assert sum(c.amount for c in result) == Decimal("90.00")
    assert [c.amount for c in result[1:]] == [Decimal("-5.00"), Decimal("-5.00")]


def test_huge_amounts_stay_exact() -> None:
    total = Decimal("123456789012345678901234567890.01")
    result = expand_plan(plan(count=7), total)
    with localcontext() as context:
        context.prec = 60
        assert sum(c.amount for c in result) == total
    assert result[0].amount == Decimal("17636684144620811271604938270.00")


def test_plans_longer_than_the_limit_are_refused() -> None:
    with pytest.raises(ValueError, match="61 payments"):
        expand_plan(plan(initial="1.00", count=MAX_INSTALLMENTS), Decimal("100.00"))


totals = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000000"), places=2)


@st.composite
def plans(draw: st.DrawFn) -> tuple[InstallmentPlan, Decimal]:
    total = draw(totals)
    has_initial = draw(st.booleans())
    count = draw(st.integers(min_value=1, max_value=MAX_INSTALLMENTS - (1 if has_initial else 0)))
    initial = draw(st.decimals(min_value=0, max_value=total, places=2)) if has_initial else None
    first = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2100, 12, 31)))
    generated = InstallmentPlan.model_validate(
        {
            "initial": None if initial is None else str(initial),
            "frequency": draw(st.sampled_from(sorted(PERIOD_MONTHS))),
            "firstInvoice": first,
            "count": count,
        }
    )
    return generated, total


@given(plans())
def test_generated_plan_properties(case: tuple[InstallmentPlan, Decimal]) -> None:
    generated, total = case
    result = expand_plan(generated, total)
    initial = generated.initial or Decimal(0)
    assert sum((c.amount for c in result), Decimal(0)) == total
    assert len(result) == generated.count + (1 if initial > 0 else 0) == plan_length(generated)
    assert all(a.date < b.date for a, b in pairwise(result))
    assert result[0].date == generated.firstInvoice
    assert all(c.amount == c.amount.quantize(Decimal("0.01")) for c in result)
    equal = result[1:] if initial > 0 else result
    assert len({c.amount for c in equal[:-1]}) <= 1
    assert all(equal[-1].amount >= c.amount for c in equal)
    if total - initial >= Decimal("0.01") * generated.count:
        assert all(c.amount > 0 for c in result)
        assert equal[-1].amount - equal[0].amount < Decimal("0.01") * generated.count


# --- schedule_of ----------------------------------------------------------------------------


def test_schedule_of_keeps_an_explicit_schedule_in_file_order() -> None:
    block = Installments.model_validate(
        {
            "total": "3.00",
            "schedule": [
                {"date": "2027-04-15", "amount": "1.00"},
                {"date": "2027-01-15", "amount": "2.00"},
            ],
        }
    )
    assert schedule_of(block) == charges(("2027-04-15", "1.00"), ("2027-01-15", "2.00"))
    when, amount = schedule_of(block)[0]
    assert (when, amount) == (date(2027, 4, 15), Decimal("1.00"))


def test_schedule_of_expands_a_plan() -> None:
    block = Installments.model_validate(
        {
            "total": "100.00",
            "plan": {"frequency": "annual", "firstInvoice": "2027-01-15", "count": 2},
        }
    )
    assert schedule_of(block) == charges(("2027-01-15", "50.00"), ("2028-01-15", "50.00"))


def test_schedule_of_nothing_is_empty() -> None:
    assert schedule_of(Installments.model_validate({"total": "1.00"})) == []


# --- windows --------------------------------------------------------------------------------


def term(**fields: object) -> ContractTerm:
    return ContractTerm.model_validate(fields)


def test_on_acceptance_window_spans_today_to_expiry() -> None:
    window = contract_window(term(durationMonths=12), TODAY, date(2027, 1, 10))
    assert window == Window(TODAY, date(2027, 1, 10), date(2027, 11, 22), date(2028, 1, 9))


def test_dated_window_is_exact() -> None:
    window = contract_window(term(starts="2027-02-01", durationMonths=12), TODAY, date(2027, 1, 10))
    assert window == Window(
        date(2027, 2, 1), date(2027, 2, 1), date(2028, 1, 31), date(2028, 1, 31)
    )


def test_ends_on_window() -> None:
    window = contract_window(term(endsOn="2027-07-14"), TODAY, date(2027, 1, 10))
    assert window == Window(TODAY, date(2027, 1, 10), date(2027, 7, 14), date(2027, 7, 14))


def test_usage_window_starts_on_acceptance() -> None:
    usage = UsageTerm.model_validate({"durationMonths": 1})
    assert usage_window(usage, TODAY, TODAY) == Window(
        TODAY, TODAY, date(2026, 12, 22), date(2026, 12, 22)
    )


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"durationMonths": 12, "endsOn": "2027-12-31"},
        {"starts": "9999-06-01", "durationMonths": 12},
    ],
)
def test_no_window_without_exactly_one_length_or_past_9999(fields: dict[str, object]) -> None:
    assert contract_window(term(**fields), TODAY, TODAY) is None


def test_longest_months() -> None:
    assert longest_months(term(durationMonths=36), TODAY) == 36
    assert longest_months(term(endsOn="2031-11-22"), TODAY) == 60
    assert longest_months(term(starts="2027-04-01", endsOn="2032-03-31"), TODAY) == 60
    assert longest_months(term(), TODAY) is None
