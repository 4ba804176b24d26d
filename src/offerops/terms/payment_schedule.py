"""``UpdatePaymentScheduleTerms``: the installments of a flexible payment schedule (FPS).

Shape (Catalog API reference, "Work with private offers" -> UpdatePaymentScheduleTerms):
``{"Terms": [{"Type": "PaymentScheduleTerm", "CurrencyCode": "USD", "Schedule":
[{"ChargeDate": "2027-02-01", "ChargeAmount": "30000.00"}, ...]}]}``; it goes with a
FixedUpfrontPricingTerm whose Price is ``0.00``. DescribeEntity returns dates as
``…T00:00:00.000Z``.

YAML: ``spec.pricing.installments`` (an explicit ``schedule``, or a generated ``plan``
expanded by ``model.installments.schedule_of``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from offerops.terms.document import (
    DetailsDocument,
    EntityDetails,
    JsonValue,
    YamlPath,
    array,
    mapping,
    only_keys,
    single_term,
    terms_details,
    text,
)
from offerops.terms.values import Fields, day_of, format_money, money_of

CHANGE_TYPE: Final = "UpdatePaymentScheduleTerms"
TERM_TYPE: Final = "PaymentScheduleTerm"
AREA: Final = "installments"
YAML_PATH: Final[YamlPath] = ("spec", "pricing", "installments")


@dataclass(frozen=True, order=True)
class Installment:
    """One charge: ``amount`` due on ``date``."""

    date: date
    amount: Decimal


@dataclass(frozen=True)
class PaymentScheduleTerm:
    """The installments, in date order (the order a file lists them in is not a term)."""

    currency: str
    schedule: tuple[Installment, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "schedule", tuple(sorted(self.schedule)))

    @property
    def total(self) -> Decimal:
        """What the buyer pays over the whole schedule."""
        return sum((item.amount for item in self.schedule), Decimal(0))


def to_details(value: PaymentScheduleTerm) -> DetailsDocument:
    """The UpdatePaymentScheduleTerms document with its one PaymentScheduleTerm."""
    schedule: list[JsonValue] = [
        {"ChargeDate": item.date.isoformat(), "ChargeAmount": format_money(item.amount)}
        for item in value.schedule
    ]
    term: DetailsDocument = {
        "Type": TERM_TYPE,
        "CurrencyCode": value.currency,
        "Schedule": schedule,
    }
    return terms_details(term)


def from_entity(details: EntityDetails) -> PaymentScheduleTerm | None:
    """The offer's PaymentScheduleTerm; None when it has none."""
    term = single_term(details, TERM_TYPE)
    if term is None:
        return None
    only_keys(term, frozenset({"Type", "CurrencyCode", "Schedule"}), TERM_TYPE)
    where = f"{TERM_TYPE}.Schedule"
    schedule = tuple(
        _installment(item, f"{where}[{index}]")
        for index, item in enumerate(array(term.get("Schedule"), where))
    )
    return PaymentScheduleTerm(
        text(term.get("CurrencyCode"), f"{TERM_TYPE}.CurrencyCode"), schedule
    )


def _installment(raw: object, where: str) -> Installment:
    item = mapping(raw, where)
    only_keys(item, frozenset({"ChargeDate", "ChargeAmount"}), where)
    return Installment(
        day_of(item.get("ChargeDate"), f"{where}.ChargeDate"),
        money_of(item.get("ChargeAmount"), f"{where}.ChargeAmount"),
    )


def fields(value: PaymentScheduleTerm) -> Fields:
    """``installment 2027-02-01``: ``30000.00``, one per charge."""
    return {
        f"installment {item.date.isoformat()}": format_money(item.amount) for item in value.schedule
    }


def field_path(label: str) -> YamlPath:
    """Installment labels come from ``spec.pricing.installments``."""
    return YAML_PATH
