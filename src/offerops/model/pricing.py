"""Pricing: usage (pay as you go) and contract (upfront or installments)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from offerops.model.common import Currency, Date, StrictModel
from offerops.model.limits import DIMENSION_KEY_PATTERN, MAX_INSTALLMENTS, MAX_QUANTITY
from offerops.model.money import Money

DimensionKey = Annotated[
    str,
    Field(
        pattern=DIMENSION_KEY_PATTERN,
        description="The dimension's API name, declared on the product in offerops.yaml.",
        examples=["users"],
    ),
]


class UsageDimension(StrictModel):
    """A private per-unit rate for one of the product's usage (metered) dimensions."""

    key: DimensionKey
    price: Money = Field(description="Price per unit, e.g. per user-hour; at most 3 decimals.")


class UsageTerm(StrictModel):
    """How long the usage rates apply: exactly one of ``endsOn``, ``durationMonths`` and
    ``durationDays``."""

    endsOn: Date | None = Field(default=None, description="Last day of the usage rates.")
    durationMonths: int | None = Field(
        default=None, ge=1, description="Months the usage rates apply from acceptance."
    )
    durationDays: int | None = Field(
        default=None, ge=1, description="Days the usage rates apply from acceptance (P30D)."
    )


class AnnualDimension(StrictModel):
    """An annual (multi-day) per-instance price, or with installments a fixed quantity."""

    key: DimensionKey
    price: Money | None = Field(
        default=None,
        description="Upfront price per instance for the annual term; omitted with installments.",
    )
    quantity: int | None = Field(
        default=None,
        ge=1,
        le=MAX_QUANTITY,
        description="Instances granted; only with installments, which carry no price.",
    )


class AnnualPricing(StrictModel):
    """Hourly plus annual (AMI and container products): per-instance prices for ``durationDays``
    next to the hourly rates of the same instance types."""

    durationDays: int = Field(ge=1, description="Length of the annual term in days, e.g. 365.")
    dimensions: list[AnnualDimension] = Field(
        min_length=1, description="Annual prices (or quantities) of hourly-priced dimensions."
    )


def _starts(value: Any) -> Literal["on-acceptance"] | date:
    """``on-acceptance`` or a calendar date (a future-dated agreement)."""
    if value == "on-acceptance":
        return "on-acceptance"
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError(
        "starts_format",
        'must be "on-acceptance" or a date like 2027-01-01, got {shown}',
        {"value": value, "shown": repr(value)},
    )


StartsOn = Annotated[
    Literal["on-acceptance"] | date,
    PlainValidator(_starts),
    PlainSerializer(lambda value: str(value), return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"const": "on-acceptance"},
                {"type": "string", "format": "date"},
            ],
            "description": "on-acceptance, or a future date for a future-dated agreement.",
            "examples": ["on-acceptance", "2027-01-01"],
        }
    ),
]


class ContractTerm(StrictModel):
    """The agreement's duration: exactly one of ``durationMonths``, ``durationDays`` and
    ``endsOn``."""

    starts: StartsOn = Field(
        default="on-acceptance",
        description="on-acceptance, or a future date for a future-dated agreement.",
    )
    durationMonths: int | None = Field(default=None, ge=1, description="Contract length in months.")
    durationDays: int | None = Field(default=None, ge=1, description="Contract length in days.")
    endsOn: Date | None = Field(default=None, description="Last day of the contract.")
    purchasing: Literal["multiple-dimensions", "single-dimension"] = Field(
        default="multiple-dimensions",
        description="multiple-dimensions: the buyer buys any of them; single-dimension: one tier.",
    )
    quantities: Literal["buyer-chooses", "one"] = Field(
        default="buyer-chooses",
        description="buyer-chooses: the buyer sets how many units of a dimension it buys; one: "
        "one unit of each dimension bought (a tier priced as a whole).",
    )


class FixedPriceTerm(StrictModel):
    """The duration a fixed contract price carries of its own: exactly one of
    ``durationMonths`` and ``durationDays``.

    The FixedUpfrontPricingTerm's optional ``Duration`` ("Contract duration for the terms",
    Agreement API reference; "the duration of the fixed pricing term, in ISO 8601 format",
    Discovery API reference), which AWS's resale replacement samples send (P6M, P12M) beside
    the agreement's own length. No AWS source ties it to the contract's length, so it is
    written on its own and never compared with it.
    """

    durationMonths: int | None = Field(
        default=None, ge=1, description="The fixed price's duration in months (P6M)."
    )
    durationDays: int | None = Field(
        default=None, ge=1, description="The fixed price's duration in days (P365D)."
    )


class ContractDimension(StrictModel):
    """An entitled (non-metered) dimension with its contract price or quantity."""

    key: DimensionKey
    price: Money | None = Field(
        default=None,
        description="Upfront price per unit for the whole contract; omitted with installments.",
    )
    quantity: int | None = Field(
        default=None,
        ge=1,
        le=MAX_QUANTITY,
        description="Units granted; optional with upfront, required with installments.",
    )


class Payment(StrictModel):
    """One installment of an explicit payment schedule."""

    date: Date
    amount: Money = Field(description="Amount due on that date; at most 2 decimals.")


class InstallmentPlan(StrictModel):
    """A generated schedule: an optional initial payment, then ``count`` equal payments."""

    initial: Money | None = Field(default=None, description="Due on firstInvoice; may be 0.")
    frequency: Literal["monthly", "quarterly", "semiannual", "annual"]
    firstInvoice: Date
    count: int = Field(ge=1, description="Number of equal payments after the initial one.")


class Installments(StrictModel):
    """A flexible payment schedule: an explicit ``schedule`` or a generated ``plan``."""

    total: Money = Field(description="The contract total; the payments must add up to it exactly.")
    schedule: list[Payment] | None = Field(
        default=None,
        json_schema_extra={"minItems": 1, "maxItems": MAX_INSTALLMENTS},
        description="Explicit payments, 1..60, in any order.",
    )
    plan: InstallmentPlan | None = None


class UsagePricing(StrictModel):
    """Pay-as-you-go pricing with private per-unit rates, optionally with annual prices."""

    model: Literal["usage"] = Field(description="Pricing model.")
    currency: Currency
    usage: UsageTerm
    dimensions: list[UsageDimension] = Field(
        min_length=1, description="Rates for the product's usage dimensions."
    )
    annual: AnnualPricing | None = Field(
        default=None, description="AMI and container products: annual per-instance prices."
    )
    payment: Literal["upfront", "installments"] = Field(
        default="upfront", description="How the annual prices are paid (installments: a schedule)."
    )
    installments: Installments | None = None


class ContractPricing(StrictModel):
    """Contract pricing: paid upfront or in installments."""

    model: Literal["contract"] = Field(description="Pricing model.")
    currency: Currency
    contract: ContractTerm
    dimensions: list[ContractDimension] = Field(
        min_length=1, description="The product's entitled dimensions in this contract."
    )
    usageDimensions: list[UsageDimension] | None = Field(
        default=None,
        json_schema_extra={"minItems": 1},
        description="Contract with consumption: per-unit rates for usage dimensions, billed "
        "separately from the contract.",
    )
    fixedPrice: FixedPriceTerm | None = Field(
        default=None,
        description="Only with a fixed price (a quantity on every dimension, or installments): "
        "the duration the fixed price carries of its own (FixedUpfrontPricingTerm Duration).",
    )
    payment: Literal["upfront", "installments"] = "upfront"
    installments: Installments | None = None


Pricing = Annotated[UsagePricing | ContractPricing, Field(discriminator="model")]
