"""Money: quoted decimal strings parsed to :class:`~decimal.Decimal`.

A bare YAML number is refused, because ``1200.10`` as a float is not 1200.10, and a seller must
never lose a cent between git and the marketplace.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from offerops.model.limits import (
    CONTRACT_PRICE_DECIMALS,
    CURRENCY_MINOR_UNITS,
    MONEY_PATTERN,
    USAGE_PRICE_DECIMALS,
)

_MONEY_RE = re.compile(MONEY_PATTERN)


def parse_money(value: Any) -> Decimal:
    """Accept ``"1200.00"`` (a string of digits and at most one dot), refuse everything else."""
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, int | float):
            raise PydanticCustomError(
                "money_not_quoted",
                'must be a quoted decimal like "{example}", got the bare number {value}',
                {"example": f"{value:.2f}", "value": value},
            )
        raise PydanticCustomError(
            "money_type",
            'must be a quoted decimal like "250.00", got {shown}',
            {"value": value, "shown": repr(value)},
        )
    if not _MONEY_RE.match(value):
        raise PydanticCustomError(
            "money_format",
            'must be digits with at most one ".", like "250.00", got "{value}"',
            {"value": value, "shown": repr(value)},
        )
    return Decimal(value)


def format_money(value: Decimal) -> str:
    """Write money back as the plain string form a seller typed (no exponent)."""
    return format(value, "f")


Money = Annotated[
    Decimal,
    BeforeValidator(parse_money),
    PlainSerializer(format_money, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": MONEY_PATTERN,
            "description": 'A quoted decimal string such as "1200.00"; bare numbers are refused.',
            "examples": ["1200.00", "0.125"],
        }
    ),
]
"""A non-negative amount of money, written in YAML as a quoted decimal string."""


def decimals(value: Decimal) -> int:
    """Count the decimals a seller wrote: ``Decimal("1.50")`` has 2."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def amount_decimals(currency: str) -> int:
    """Decimals of an amount charged in ``currency``: its ISO 4217 minor unit (JPY 0, USD 2).

    Contract prices, installment amounts and totals are charged as they are written, so a
    fraction of the smallest coin (``"1000.50"`` JPY) cannot be charged.
    """
    return CURRENCY_MINOR_UNITS.get(currency, CONTRACT_PRICE_DECIMALS)


def rate_decimals(currency: str) -> int:
    """Decimals of a per-unit usage rate in ``currency``: one more than its minor unit.

    The marketplace takes usage rates to a tenth of a cent (3 decimals for USD); the same tenth
    of the minor unit is kept for every currency, so the yen takes 1.
    """
    return amount_decimals(currency) + USAGE_PRICE_DECIMALS - CONTRACT_PRICE_DECIMALS
