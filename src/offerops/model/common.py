"""Types shared by the offer and config models."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from offerops.model.limits import ACCOUNT_ID_PATTERN, CURRENCIES


class StrictModel(BaseModel):
    """A model that refuses unknown fields and is immutable once built.

    Unknown fields are errors because a typo (``expiresOm``) would otherwise silently drop a value
    the seller meant to set.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def _account_id_text(value: Any) -> Any:
    """Refuse account ids written as bare numbers: YAML drops their leading zeros."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise PydanticCustomError(
            "account_not_quoted",
            'account ids must be quoted strings like "{example}", got the bare number {value}',
            {"value": value, "example": f"{value:012d}"},
        )
    return value


AccountId = Annotated[
    str,
    BeforeValidator(_account_id_text),
    Field(
        pattern=ACCOUNT_ID_PATTERN,
        description="A 12-digit AWS account id, quoted.",
        examples=["123456789012"],
    ),
]

Currency = Annotated[
    Literal["USD", "EUR", "GBP", "AUD", "JPY", "CAD"],
    Field(description="ISO 4217 currency code accepted by AWS Marketplace.", examples=["USD"]),
]
assert set(Currency.__origin__.__args__) == set(CURRENCIES)  # type: ignore[attr-defined]


def _date_only(value: Any) -> Any:
    """Refuse timestamps where a date is meant, instead of silently truncating them."""
    if isinstance(value, str) and ("T" in value or " " in value.strip()):
        raise PydanticCustomError(
            "date_with_time",
            "must be a date like 2027-03-31 (no time of day), got {shown}",
            {"value": value, "shown": repr(value)},
        )
    return value


Date = Annotated[
    date,
    BeforeValidator(_date_only),
    Field(description="A calendar date, YYYY-MM-DD.", examples=["2027-03-31"]),
]

ProductType = Literal["saas", "ami", "container", "ml", "professional-services", "data"]
