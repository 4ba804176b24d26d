"""What every offer change type shares: documents, error details, the catalog and the context.

The change types are pure functions on DetailsDocuments: nothing in this package touches the
database. The caller (:mod:`offerops.emulator.changesets`) looks products and authorizations up
through :class:`Catalog` and writes the resulting documents only when no change of the set has an
error, so a set is atomic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from offerops.emulator.store.catalog import Product, ResaleAuthorization

Document = dict[str, Any]

CREATE_TYPES = frozenset(
    {
        "CreateOffer",
        "CreateOfferUsingResaleAuthorization",
        "CreateReplacementOffer",  # offers/replacement.py
        "CreateReplacementOfferUsingResaleAuthorization",
    }
)
UPDATE_TYPES = frozenset(
    {
        "UpdateInformation",
        "UpdateTargeting",
        "UpdateAvailability",
        "UpdatePricingTerms",
        "UpdateValidityTerms",
        "UpdatePaymentScheduleTerms",
        "UpdateLegalTerms",
        "UpdateSupportTerms",
        "UpdateRenewalTerms",
        "UpdateMarkup",
        "ReleaseOffer",
    }
)
CHANGE_TYPES = CREATE_TYPES | UPDATE_TYPES
NOT_EMULATED = frozenset({"UpdateCustomerVerificationTerms"})
"""Real Offer@1.0 change types the emulator refuses (synchronously) rather than fakes."""

RELEASED_MUTABLE = frozenset({"UpdateInformation", "UpdateAvailability"})
"""The only changes a Released offer accepts; everything else needs a new offer (docs/emulator.md:
UpdateInformation on a released private offer is unconfirmed)."""

PRICING_TERMS = frozenset(
    {
        "ConfigurableUpfrontPricingTerm",
        "UsageBasedPricingTerm",
        "FixedUpfrontPricingTerm",
        "FreeTrialPricingTerm",
        "ByolPricingTerm",
        "RecurringPaymentTerm",
    }
)
UPFRONT_TERMS = frozenset({"ConfigurableUpfrontPricingTerm", "FixedUpfrontPricingTerm"})
PRICING_MODELS = ("Contract", "Usage", "Byol", "Free")
ENTITLED = "Entitled"
METERED = "ExternallyMetered"


@dataclass(frozen=True)
class ErrorDetail:
    """One entry of a ChangeSummary's ``ErrorDetailList``."""

    code: str
    message: str

    def wire(self) -> dict[str, str]:
        return {"ErrorCode": self.code, "ErrorMessage": self.message}


def input_error(message: str) -> ErrorDetail:
    """An ``INVALID_INPUT`` detail (shape, formats, limits)."""
    return ErrorDetail("INVALID_INPUT", message)


class Catalog(Protocol):
    """The lookups offer rules need (backed by the store during processing)."""

    def product(self, product_id: str) -> Product | None: ...

    def resale_authorization(self, authorization_id: str) -> ResaleAuthorization | None: ...


@dataclass(frozen=True)
class Context:
    """Who makes the change and when."""

    account: str
    now: float
    today: date
    catalog: Catalog


class Errors:
    """Collects the problems of one change (validation goes on after the first, so that every
    problem of a change is reported at once)."""

    def __init__(self) -> None:
        self.items: list[ErrorDetail] = []

    def add(self, code: str, message: str) -> None:
        self.items.append(ErrorDetail(code, message))

    def input(self, message: str) -> None:
        self.add("INVALID_INPUT", message)

    def __bool__(self) -> bool:
        return bool(self.items)


def shared_authorization(
    authorization_id: object, context: Context, errors: Errors
) -> ResaleAuthorization | None:
    """The Active resale authorization ``authorization_id`` shared with the caller, or None with
    the reason recorded (both Create*UsingResaleAuthorization change types need one; API
    reference, "Work with channel partner private offers")."""
    authorization = (
        context.catalog.resale_authorization(authorization_id)
        if isinstance(authorization_id, str)
        else None
    )
    if authorization is None or authorization.reseller_account != context.account:
        errors.add(
            "INVALID_RESALE_AUTHORIZATION_ID",
            f"resale authorization '{authorization_id}' does not exist or is not shared with "
            f"account {context.account}",
        )
        return None
    if authorization.status != "Active":
        errors.add(
            "INVALID_STATE",
            f"resale authorization {authorization.id} is {authorization.status}, not Active",
        )
        return None
    return authorization


@dataclass
class ChangeResult:
    """The offer after one change, or why the change was refused."""

    offer: Document | None
    errors: list[ErrorDetail] = field(default_factory=list)


Handler = Callable[[Document, Mapping[str, Any], Context, Errors], None]
"""An Update*/ReleaseOffer change type: edits ``offer`` in place or records errors."""
