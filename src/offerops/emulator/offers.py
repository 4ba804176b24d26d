"""Offer change types: deep validation and application, as pure functions on DetailsDocuments.

This is the asynchronous half of a change set (the synchronous half is in :mod:`changesets`): each
change is checked against the offer as the earlier changes of the same set left it, and every
problem becomes an ``ErrorDetail`` on that change. Nothing here touches the database; the caller
applies the resulting documents only when no change of the set has an error, so a set is atomic.

Rules that the real service documents only partly (which changes a Released offer accepts, what
ReleaseOffer requires) follow docs/emulator.md.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from offerops.emulator.clock import add_duration, details_date, details_time

Document = dict[str, Any]

CREATE_TYPES = frozenset({"CreateOffer", "CreateOfferUsingResaleAuthorization"})
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
NOT_EMULATED = frozenset(
    {
        "CreateReplacementOffer",
        "CreateReplacementOfferUsingResaleAuthorization",
        "UpdateCustomerVerificationTerms",
    }
)
"""Real Offer@1.0 change types the emulator refuses (synchronously) rather than fakes."""

RELEASED_MUTABLE = frozenset({"UpdateInformation", "UpdateAvailability"})
"""The only changes a Released offer accepts; everything else needs a new offer."""

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
CURRENCIES = ("USD", "EUR", "GBP", "AUD", "JPY", "CAD")
PRICING_MODELS = ("Contract", "Usage", "Byol", "Free")
MAX_BUYERS = 26
MAX_INSTALLMENTS = 60
ENTITLED = "Entitled"
METERED = "ExternallyMetered"

_RATE_PRICE = re.compile(r"^((100000000(\.0{0,8})?)|(\d{1,8}(\.\d{0,8})?))$")
_FIXED_PRICE = re.compile(r"^((100000000(\.0{0,3})?)|(\d{1,8}(\.\d{0,3})?))$")
_CHARGE_AMOUNT = re.compile(r"^((100000000(\.0{0,2})?)|(\d{1,8}(\.\d{0,2})?))$")
_DURATION = re.compile(r"^P(?=\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ACCOUNT = re.compile(r"^\d{12}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_PERCENTAGE = re.compile(r"^(\d*\.)?\d{1,9}$")
_URL = re.compile(r"^https?://\S+$")
_LEGAL_VERSIONS = ("2019-04-24", "2019-12-12", "2022-07-14")


@dataclass(frozen=True)
class ErrorDetail:
    """One entry of a ChangeSummary's ``ErrorDetailList``."""

    code: str
    message: str

    def wire(self) -> dict[str, str]:
        return {"ErrorCode": self.code, "ErrorMessage": self.message}


@dataclass(frozen=True)
class Product:
    """A seeded product: its owner and dimensions (key -> Entitled or ExternallyMetered)."""

    product_id: str
    account: str
    product_type: str
    name: str | None
    dimensions: Mapping[str, str]


@dataclass(frozen=True)
class ResaleAuthorization:
    """An ISV's authorization for a reseller (channel partner) to sell one product."""

    id: str
    isv_account: str
    reseller_account: str
    product_id: str
    name: str
    status: str


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


class _Errors:
    """Collects the problems of one change."""

    def __init__(self) -> None:
        self.items: list[ErrorDetail] = []

    def add(self, code: str, message: str) -> None:
        self.items.append(ErrorDetail(code, message))

    def input(self, message: str) -> None:
        self.add("INVALID_INPUT", message)

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass
class ChangeResult:
    """The offer after one change, or why the change was refused."""

    offer: Document | None
    errors: list[ErrorDetail] = field(default_factory=list)


# --- public entry points -----------------------------------------------------------------------


def create(
    change_type: str, details: Mapping[str, Any], offer_id: str, context: Context
) -> ChangeResult:
    """Apply a Create* change: a new Draft offer, or the reasons there is none."""
    errors = _Errors()
    if change_type == "CreateOffer":
        offer = _create_offer(details, offer_id, context, errors)
    else:
        offer = _create_from_authorization(details, offer_id, context, errors)
    return ChangeResult(None if errors else offer, errors.items)


def update(
    offer: Document, change_type: str, details: Mapping[str, Any], context: Context
) -> ChangeResult:
    """Apply an Update*/ReleaseOffer change to a copy of ``offer``."""
    errors = _Errors()
    if offer.get("State") == "Released" and change_type not in RELEASED_MUTABLE:
        errors.add(
            "INVALID_STATE",
            f"{change_type} is not allowed on offer {offer['Id']} because it is Released: the "
            "pricing, terms and targeting of a released offer cannot change; create a new offer "
            "(only UpdateAvailability and UpdateInformation apply to a released offer)",
        )
        return ChangeResult(None, errors.items)
    if change_type == "UpdateAvailability" and is_expired(offer, context.today):
        errors.add(
            "INVALID_STATE",
            f"offer {offer['Id']} expired on {_end_day(offer)}; an expired offer cannot be "
            "extended, create a new offer",
        )
        return ChangeResult(None, errors.items)
    result = copy.deepcopy(offer)
    _HANDLERS[change_type](result, details, context, errors)
    return ChangeResult(None if errors else result, errors.items)


def consistency(offer: Document) -> list[tuple[str, ErrorDetail]]:
    """Cross-term problems of a whole offer, each with the change type that can fix it."""
    found: list[tuple[str, ErrorDetail]] = []
    terms = _terms_by_type(offer)
    currencies = {
        term["CurrencyCode"]: kind for kind, term in terms.items() if "CurrencyCode" in term
    }
    if len(currencies) > 1:
        listed = ", ".join(f"{kind} {code}" for code, kind in sorted(currencies.items()))
        found.append(
            ("UpdatePaymentScheduleTerms", _input(f"all terms must use one currency, got {listed}"))
        )
    schedule = terms.get("PaymentScheduleTerm")
    if schedule is not None:
        if terms.keys() & PRICING_TERMS and "FixedUpfrontPricingTerm" not in terms:
            found.append(
                (
                    "UpdatePaymentScheduleTerms",
                    _input("a PaymentScheduleTerm needs a FixedUpfrontPricingTerm in the pricing"),
                )
            )
        found += [
            ("UpdatePaymentScheduleTerms", error)
            for error in _schedule_in_validity(offer, schedule, terms.get("ValidityTerm"))
        ]
    return found


def release_problems(offer: Document, today: date) -> list[ErrorDetail]:
    """What an offer lacks to be released (empty: it can be)."""
    missing: list[str] = []
    terms = _terms_by_type(offer)
    if not offer.get("Name"):
        missing.append("a Name (UpdateInformation)")
    if not terms.keys() & PRICING_TERMS:
        missing.append("pricing terms (UpdatePricingTerms)")
    if "LegalTerm" not in terms:
        missing.append("a LegalTerm (UpdateLegalTerms)")
    if not buyer_accounts(offer):
        missing.append("BuyerAccounts targeting (UpdateTargeting)")
    end = end_date(offer)
    if end is None:
        missing.append("an AvailabilityEndDate (UpdateAvailability)")
    if terms.keys() & UPFRONT_TERMS and "ValidityTerm" not in terms:
        missing.append("a ValidityTerm for contract pricing (UpdateValidityTerms)")
    problems = [
        ErrorDetail("INCOMPLETE_OFFER", f"offer {offer['Id']} cannot be released without {item}")
        for item in missing
    ]
    if end is not None and end < today:
        problems.append(
            ErrorDetail(
                "INVALID_INPUT",
                f"offer {offer['Id']} cannot be released with AvailabilityEndDate {end}, which "
                f"is in the past (today is {today})",
            )
        )
    return problems


# --- reading an offer document -------------------------------------------------------------------


def rule(offer: Mapping[str, Any], rule_type: str) -> Mapping[str, Any] | None:
    return next((r for r in offer.get("Rules", []) if r.get("Type") == rule_type), None)


def buyer_accounts(offer: Mapping[str, Any]) -> list[str]:
    targeting = rule(offer, "TargetingRule") or {}
    return list((targeting.get("PositiveTargeting") or {}).get("BuyerAccounts") or [])


def targeting_kinds(offer: Mapping[str, Any]) -> list[str]:
    """The ``OfferSummary.Targeting`` list: which kinds of positive targeting the offer has."""
    positive = (rule(offer, "TargetingRule") or {}).get("PositiveTargeting") or {}
    kinds = [kind for kind in ("BuyerAccounts", "CountryCodes") if positive.get(kind)]
    return kinds or ["None"]


def end_date(offer: Mapping[str, Any]) -> date | None:
    """The offer's AvailabilityEndDate as a date (the last day a buyer can accept it)."""
    availability = rule(offer, "AvailabilityRule")
    if not availability or not availability.get("AvailabilityEndDate"):
        return None
    return date.fromisoformat(str(availability["AvailabilityEndDate"])[:10])


def is_expired(offer: Mapping[str, Any], today: date) -> bool:
    """Released and past its AvailabilityEndDate (acceptable through the end of that UTC day)."""
    end = end_date(offer)
    return offer.get("State") == "Released" and end is not None and end < today


def _end_day(offer: Mapping[str, Any]) -> str:
    end = end_date(offer)
    return end.isoformat() if end else "?"


def _terms_by_type(offer: Mapping[str, Any]) -> dict[str, Document]:
    return {str(term.get("Type")): term for term in offer.get("Terms", [])}


# --- creation ----------------------------------------------------------------------------------


def _new_offer(offer_id: str, product_id: str) -> Document:
    return {"Id": offer_id, "ProductId": product_id, "State": "Draft", "Rules": [], "Terms": []}


def _create_offer(
    details: Mapping[str, Any], offer_id: str, context: Context, errors: _Errors
) -> Document:
    if not _members(details, {"ProductId"}, {"Name"}, "CreateOffer", errors):
        return {}
    product_id = details["ProductId"]
    product = context.catalog.product(product_id) if isinstance(product_id, str) else None
    if product is None or product.account != context.account:
        errors.add(
            "INVALID_PRODUCT_ID",
            f"product '{product_id}' does not exist in account {context.account}",
        )
        return {}
    offer = _new_offer(offer_id, product.product_id)
    _text(details, "Name", 1, 150, offer, errors)
    return offer


def _create_from_authorization(
    details: Mapping[str, Any], offer_id: str, context: Context, errors: _Errors
) -> Document:
    where = "CreateOfferUsingResaleAuthorization"
    if not _members(details, {"ResaleAuthorizationId"}, {"Name", "Description"}, where, errors):
        return {}
    authorization_id = details["ResaleAuthorizationId"]
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
        return {}
    if authorization.status != "Active":
        errors.add(
            "INVALID_STATE",
            f"resale authorization {authorization.id} is {authorization.status}, not Active",
        )
        return {}
    offer = _new_offer(offer_id, authorization.product_id)
    offer["ResaleAuthorizationId"] = authorization.id
    _text(details, "Name", 1, 150, offer, errors)
    _text(details, "Description", 0, 255, offer, errors)
    return offer


# --- updates -----------------------------------------------------------------------------------

Handler = Callable[[Document, Mapping[str, Any], Context, _Errors], None]


def _update_information(
    offer: Document, details: Mapping[str, Any], _context: Context, errors: _Errors
) -> None:
    optional = {"Name", "Description", "PreExistingAgreement"}
    if not _members(details, set(), optional, "UpdateInformation", errors):
        return
    if all(details.get(name) is None for name in optional):
        errors.input("UpdateInformation needs at least one of Name, Description")
        return
    _text(details, "Name", 1, 150, offer, errors)
    _text(details, "Description", 0, 255, offer, errors)
    agreement = details.get("PreExistingAgreement")
    if agreement is None:
        return
    where = "PreExistingAgreement"
    if not isinstance(agreement, dict) or not _members(
        agreement, {"AcquisitionChannel", "PricingModel"}, set(), where, errors
    ):
        return
    _enum(agreement, "AcquisitionChannel", ("AwsMarketplace", "External"), where, errors)
    _enum(agreement, "PricingModel", PRICING_MODELS, where, errors)
    if not errors:
        offer["PreExistingAgreement"] = dict(agreement)


def _update_targeting(
    offer: Document, details: Mapping[str, Any], _context: Context, errors: _Errors
) -> None:
    if not _members(
        details, {"PositiveTargeting"}, {"NegativeTargeting"}, "UpdateTargeting", errors
    ):
        return
    positive = details["PositiveTargeting"]
    if not isinstance(positive, dict) or not _members(
        positive, set(), {"BuyerAccounts", "CountryCodes"}, "PositiveTargeting", errors
    ):
        return
    if not positive.get("BuyerAccounts") and not positive.get("CountryCodes"):
        errors.input("PositiveTargeting needs BuyerAccounts or CountryCodes")
        return
    new_rule: Document = {"Type": "TargetingRule", "PositiveTargeting": {}}
    if positive.get("BuyerAccounts") is not None:
        accounts = _buyer_accounts(positive["BuyerAccounts"], errors)
        new_rule["PositiveTargeting"]["BuyerAccounts"] = accounts
    if positive.get("CountryCodes") is not None:
        new_rule["PositiveTargeting"]["CountryCodes"] = _countries(
            positive["CountryCodes"], "PositiveTargeting.CountryCodes", errors
        )
    negative = details.get("NegativeTargeting")
    if negative is not None:
        if isinstance(negative, dict) and _members(
            negative, {"CountryCodes"}, set(), "NegativeTargeting", errors
        ):
            codes = _countries(negative["CountryCodes"], "NegativeTargeting.CountryCodes", errors)
            new_rule["NegativeTargeting"] = {"CountryCodes": codes}
        elif not errors:
            errors.input("NegativeTargeting must be an object with CountryCodes")
    _set_rule(offer, new_rule)


def _buyer_accounts(value: Any, errors: _Errors) -> list[str]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_BUYERS:
        count = len(value) if isinstance(value, list) else "no"
        errors.input(
            f"PositiveTargeting.BuyerAccounts must list 1 to {MAX_BUYERS} accounts, got {count}"
        )
        return []
    bad = [str(account) for account in value if not _ACCOUNT.match(str(account))]
    if bad or not all(isinstance(account, str) for account in value):
        errors.input(
            f"BuyerAccounts must be 12-digit AWS account ids (as strings), got "
            f"{', '.join(repr(b) for b in bad) or 'a non-string'}"
        )
    duplicates = sorted({a for a in value if value.count(a) > 1})
    if duplicates:
        errors.input(f"BuyerAccounts lists {', '.join(duplicates)} more than once")
    return [str(account) for account in value]


def _countries(value: Any, where: str, errors: _Errors) -> list[str]:
    if not isinstance(value, list) or not 1 <= len(value) <= 244:
        errors.input(f"{where} must list 1 to 244 country codes")
        return []
    bad = [str(code) for code in value if not isinstance(code, str) or not _COUNTRY.match(code)]
    if bad:
        errors.input(f"{where} must be ISO 3166-1 alpha-2 codes, got {', '.join(bad)}")
    return [str(code) for code in value]


def _update_availability(
    offer: Document, details: Mapping[str, Any], _context: Context, errors: _Errors
) -> None:
    if not _members(details, {"AvailabilityEndDate"}, set(), "UpdateAvailability", errors):
        return
    end = _date(details["AvailabilityEndDate"], "AvailabilityEndDate", errors)
    if end is not None:
        _set_rule(offer, {"Type": "AvailabilityRule", "AvailabilityEndDate": details_date(end)})


def _update_pricing(
    offer: Document, details: Mapping[str, Any], context: Context, errors: _Errors
) -> None:
    if not _members(details, {"PricingModel", "Terms"}, set(), "UpdatePricingTerms", errors):
        return
    model = _enum(details, "PricingModel", PRICING_MODELS, "UpdatePricingTerms", errors)
    terms = details["Terms"]
    if not isinstance(terms, list) or not terms:
        errors.input("UpdatePricingTerms.Terms must list at least one pricing term")
        return
    product = context.catalog.product(str(offer["ProductId"]))
    dimensions = product.dimensions if product else {}
    stored = [_pricing_term(term, index, dimensions, errors) for index, term in enumerate(terms)]
    types = [str(term.get("Type")) for term in stored]
    for kind in sorted({t for t in types if types.count(t) > 1}):
        errors.input(f"UpdatePricingTerms.Terms has more than one {kind}")
    if model is not None:
        _pricing_model_matches(model, set(types), errors)
    if not errors:
        kept = [term for term in offer["Terms"] if term.get("Type") not in PRICING_TERMS]
        offer["Terms"] = kept + stored


def _pricing_model_matches(model: str, types: set[str], errors: _Errors) -> None:
    if model == "Contract" and not types & UPFRONT_TERMS:
        errors.input(
            "PricingModel Contract needs a ConfigurableUpfrontPricingTerm or a "
            "FixedUpfrontPricingTerm"
        )
    if model == "Usage" and ("UsageBasedPricingTerm" not in types or types & UPFRONT_TERMS):
        errors.input("PricingModel Usage needs a UsageBasedPricingTerm and no upfront term")
    if model == "Byol" and types != {"ByolPricingTerm"}:
        errors.input("PricingModel Byol takes exactly one ByolPricingTerm")


def _pricing_term(
    term: Any, index: int, dimensions: Mapping[str, str], errors: _Errors
) -> Document:
    where = f"Terms[{index}]"
    if not isinstance(term, dict) or term.get("Type") not in PRICING_TERMS:
        kind = term.get("Type") if isinstance(term, dict) else term
        errors.input(
            f"{where}: '{kind}' is not a pricing term; expected one of "
            f"{', '.join(sorted(PRICING_TERMS))}"
        )
        return {}
    return _PRICING_CHECKS[term["Type"]](term, where, dimensions, errors)


def _configurable_upfront(
    term: Document, where: str, dimensions: Mapping[str, str], errors: _Errors
) -> Document:
    if not _members(term, {"Type", "CurrencyCode", "RateCards"}, set(), where, errors):
        return term
    _currency(term, where, errors)
    cards = _list(term, "RateCards", 1, 5, where, errors)
    for number, card in enumerate(cards):
        at = f"{where}.RateCards[{number}]"
        if not isinstance(card, dict) or not _members(
            card, {"Selector", "RateCard"}, {"Constraints"}, at, errors
        ):
            continue
        selector = card["Selector"]
        if not isinstance(selector, dict) or selector.get("Type") != "Duration":
            errors.input(f"{at}.Selector must be {{Type: Duration, Value: <ISO 8601 duration>}}")
        else:
            _duration(selector.get("Value"), f"{at}.Selector.Value", errors)
        constraints = card.get("Constraints") or {}
        for name in ("MultipleDimensionSelection", "QuantityConfiguration"):
            if name in constraints:
                _enum(constraints, name, ("Allowed", "Disallowed"), f"{at}.Constraints", errors)
        _rate_card(card, at, dimensions, ENTITLED, errors)
    return term


def _usage_based(
    term: Document, where: str, dimensions: Mapping[str, str], errors: _Errors
) -> Document:
    if not _members(term, {"Type", "CurrencyCode", "RateCards"}, set(), where, errors):
        return term
    _currency(term, where, errors)
    for number, card in enumerate(_list(term, "RateCards", 1, 1, where, errors)):
        at = f"{where}.RateCards[{number}]"
        if isinstance(card, dict) and _members(card, {"RateCard"}, set(), at, errors):
            _rate_card(card, at, dimensions, METERED, errors)
    return term


def _rate_card(
    card: Mapping[str, Any], at: str, dimensions: Mapping[str, str], kind: str, errors: _Errors
) -> None:
    seen: set[str] = set()
    for item in _list(card, "RateCard", 1, 800, at, errors):
        if not isinstance(item, dict) or not _members(
            item, {"DimensionKey", "Price"}, set(), f"{at}.RateCard", errors
        ):
            continue
        key = item["DimensionKey"]
        _dimension(key, dimensions, kind, at, errors)
        if key in seen:
            errors.input(f"{at}: DimensionKey '{key}' appears more than once")
        seen.add(str(key))
        _price(item["Price"], _RATE_PRICE, 8, f"{at} DimensionKey '{key}' Price", errors)


def _fixed_upfront(
    term: Document, where: str, dimensions: Mapping[str, str], errors: _Errors
) -> Document:
    required = {"Type", "CurrencyCode", "Price", "Grants"}
    if not _members(term, required, {"Duration"}, where, errors):
        return term
    _currency(term, where, errors)
    _price(term["Price"], _FIXED_PRICE, 3, f"{where}.Price", errors)
    if term.get("Duration") is not None:
        _duration(term["Duration"], f"{where}.Duration", errors)
    _grants(term, where, dimensions, ENTITLED, errors)
    return term


def _free_trial(
    term: Document, where: str, dimensions: Mapping[str, str], errors: _Errors
) -> Document:
    if _members(term, {"Type", "Duration", "Grants"}, set(), where, errors):
        _duration(term["Duration"], f"{where}.Duration", errors)
        _grants(term, where, dimensions, None, errors)
    return term


def _byol(term: Document, where: str, _dims: Mapping[str, str], errors: _Errors) -> Document:
    _members(term, {"Type"}, set(), where, errors)
    return term


def _recurring(term: Document, where: str, _dims: Mapping[str, str], errors: _Errors) -> Document:
    required = {"Type", "CurrencyCode", "BillingPeriod", "Price"}
    if _members(term, required, set(), where, errors):
        _currency(term, where, errors)
        _enum(term, "BillingPeriod", ("Monthly",), where, errors)
        _price(term["Price"], _RATE_PRICE, 8, f"{where}.Price", errors)
    return term


_PRICING_CHECKS: Mapping[str, Callable[[Document, str, Mapping[str, str], _Errors], Document]] = {
    "ConfigurableUpfrontPricingTerm": _configurable_upfront,
    "UsageBasedPricingTerm": _usage_based,
    "FixedUpfrontPricingTerm": _fixed_upfront,
    "FreeTrialPricingTerm": _free_trial,
    "ByolPricingTerm": _byol,
    "RecurringPaymentTerm": _recurring,
}


def _grants(
    term: Mapping[str, Any],
    where: str,
    dimensions: Mapping[str, str],
    kind: str | None,
    errors: _Errors,
) -> None:
    for grant in _list(term, "Grants", 1, 800, where, errors):
        if not isinstance(grant, dict) or not _members(
            grant, {"DimensionKey", "MaxQuantity"}, set(), f"{where}.Grants", errors
        ):
            continue
        _dimension(grant["DimensionKey"], dimensions, kind, where, errors)
        quantity = grant["MaxQuantity"]
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            errors.input(f"{where}: MaxQuantity must be an integer, got {quantity!r}")
        elif not 1 <= quantity <= 2147483646:
            errors.input(f"{where}: MaxQuantity must be 1..2147483646, got {quantity}")


def _dimension(
    key: Any, dimensions: Mapping[str, str], kind: str | None, where: str, errors: _Errors
) -> None:
    if not isinstance(key, str) or key not in dimensions:
        errors.add(
            "INVALID_DIMENSION_KEY",
            f"{where}: DimensionKey '{key}' is not a dimension of the product "
            f"(known: {', '.join(sorted(dimensions)) or 'none'})",
        )
    elif kind is not None and dimensions[key] != kind:
        errors.add(
            "INVALID_DIMENSION_KEY",
            f"{where}: DimensionKey '{key}' is {dimensions[key]}, but this term prices "
            f"{kind} dimensions",
        )


def _update_validity(
    offer: Document, details: Mapping[str, Any], context: Context, errors: _Errors
) -> None:
    terms = _single_term(details, "ValidityTerm", "UpdateValidityTerms", errors)
    if terms is None:
        return
    stored = [_validity_term(term, context.today, errors) for term in terms]
    if not errors:
        _replace_terms(offer, "ValidityTerm", stored)


def _validity_term(term: Mapping[str, Any], today: date, errors: _Errors) -> Document:
    """A ValidityTerm as stored: dates as timestamps; exactly one of duration and end date."""
    optional = {"AgreementDuration", "AgreementEndDate", "AgreementStartDate"}
    stored: Document = {"Type": "ValidityTerm"}
    if not _members(term, {"Type"}, optional, "ValidityTerm", errors):
        return stored
    if ("AgreementDuration" in term) == ("AgreementEndDate" in term):
        errors.input("ValidityTerm needs exactly one of AgreementDuration, AgreementEndDate")
        return stored
    if "AgreementDuration" in term:
        _duration(term["AgreementDuration"], "ValidityTerm.AgreementDuration", errors)
        stored["AgreementDuration"] = term["AgreementDuration"]
    start = end = None
    if "AgreementStartDate" in term:
        start = _date(term["AgreementStartDate"], "ValidityTerm.AgreementStartDate", errors)
        if start is not None:
            stored["AgreementStartDate"] = details_date(start)
            if start < today:
                errors.input(f"ValidityTerm.AgreementStartDate {start} is in the past")
    if "AgreementEndDate" in term:
        end = _date(term["AgreementEndDate"], "ValidityTerm.AgreementEndDate", errors)
        if end is not None:
            stored["AgreementEndDate"] = details_date(end)
    if start and end and end <= start:
        errors.input(f"ValidityTerm.AgreementEndDate {end} is not after {start}")
    return stored


def _update_payment_schedule(
    offer: Document, details: Mapping[str, Any], _context: Context, errors: _Errors
) -> None:
    where = "UpdatePaymentScheduleTerms"
    terms = _single_term(details, "PaymentScheduleTerm", where, errors)
    if terms is None:
        return
    stored_terms: list[Document] = []
    for term in terms:
        if not _members(term, {"Type", "CurrencyCode", "Schedule"}, set(), where, errors):
            return
        _currency(term, "PaymentScheduleTerm", errors)
        schedule = term["Schedule"]
        if not isinstance(schedule, list) or not 1 <= len(schedule) <= MAX_INSTALLMENTS:
            count = len(schedule) if isinstance(schedule, list) else "no"
            errors.input(
                f"PaymentScheduleTerm.Schedule must have 1 to {MAX_INSTALLMENTS} installments, "
                f"got {count}"
            )
            return
        stored = [_installment(item, number, errors) for number, item in enumerate(schedule)]
        dates = [item.get("ChargeDate") for item in stored]
        for repeated in sorted({d for d in dates if d and dates.count(d) > 1}):
            errors.input(f"PaymentScheduleTerm.Schedule has two charges on {repeated[:10]}")
        stored_terms.append(
            {
                "Type": "PaymentScheduleTerm",
                "CurrencyCode": term["CurrencyCode"],
                "Schedule": stored,
            }
        )
    if not errors:
        _replace_terms(offer, "PaymentScheduleTerm", stored_terms)


def _installment(item: Any, number: int, errors: _Errors) -> Document:
    where = f"PaymentScheduleTerm.Schedule[{number}]"
    if not isinstance(item, dict) or not _members(
        item, {"ChargeDate", "ChargeAmount"}, set(), where, errors
    ):
        return {}
    charge_date = _date(item["ChargeDate"], f"{where}.ChargeDate", errors)
    _price(item["ChargeAmount"], _CHARGE_AMOUNT, 2, f"{where}.ChargeAmount", errors)
    return {
        "ChargeDate": details_date(charge_date) if charge_date else None,
        "ChargeAmount": item["ChargeAmount"],
    }


def _update_legal(
    offer: Document, details: Mapping[str, Any], _context: Context, errors: _Errors
) -> None:
    terms = _single_term(details, "LegalTerm", "UpdateLegalTerms", errors, allow_empty=False)
    if terms is None:
        return
    term = terms[0]
    if not _members(term, {"Type", "Documents"}, set(), "LegalTerm", errors):
        return
    documents = term["Documents"]
    if not isinstance(documents, list) or len(documents) != 1:
        errors.input("LegalTerm.Documents must hold exactly one document")
        return
    document = documents[0]
    where = "LegalTerm.Documents[0]"
    if not isinstance(document, dict) or not _members(
        document, {"Type"}, {"Url", "Version"}, where, errors
    ):
        return
    kind = _enum(
        document, "Type", ("CustomEula", "StandardEula", "CustomDsa", "StandardDsa"), where, errors
    )
    if kind and kind.startswith("Custom"):
        url = document.get("Url")
        if not isinstance(url, str) or len(url) > 32000 or not _URL.match(url):
            errors.input(f"{where}: a {kind} needs a public http(s) Url, got {url!r}")
    elif kind:
        _enum(document, "Version", _LEGAL_VERSIONS, where, errors)
    if not errors:
        _replace_terms(offer, "LegalTerm", [{"Type": "LegalTerm", "Documents": [dict(document)]}])


def _update_support(
    offer: Document, details: Mapping[str, Any], _context: Context, errors: _Errors
) -> None:
    terms = _single_term(details, "SupportTerm", "UpdateSupportTerms", errors)
    if terms is None:
        return
    for term in terms:
        if _members(term, {"Type", "RefundPolicy"}, set(), "SupportTerm", errors):
            policy = term["RefundPolicy"]
            if not isinstance(policy, str) or not 1 <= len(policy) <= 500:
                errors.input("SupportTerm.RefundPolicy must be 1 to 500 characters")
    if not errors:
        _replace_terms(offer, "SupportTerm", [dict(term) for term in terms])


def _update_renewal(
    offer: Document, details: Mapping[str, Any], _context: Context, errors: _Errors
) -> None:
    terms = _single_term(details, "RenewalTerm", "UpdateRenewalTerms", errors)
    if terms is None:
        return
    for term in terms:
        _members(term, {"Type"}, set(), "RenewalTerm", errors)
    if not errors:
        _replace_terms(offer, "RenewalTerm", [{"Type": "RenewalTerm"} for _ in terms])


def _update_markup(
    offer: Document, details: Mapping[str, Any], _context: Context, errors: _Errors
) -> None:
    if not _members(details, {"Percentage"}, set(), "UpdateMarkup", errors):
        return
    if not offer.get("ResaleAuthorizationId"):
        errors.input(
            f"UpdateMarkup applies only to channel partner offers (created with "
            f"CreateOfferUsingResaleAuthorization); {offer['Id']} is a direct offer"
        )
        return
    percentage = details["Percentage"]
    if not isinstance(percentage, str) or not _PERCENTAGE.match(percentage):
        errors.input(
            f"UpdateMarkup.Percentage must be a decimal string like '5.0', got {percentage!r}"
        )
        return
    offer["MarkupPercentage"] = percentage


def _release(
    offer: Document, details: Mapping[str, Any], context: Context, errors: _Errors
) -> None:
    if not _members(details, set(), set(), "ReleaseOffer", errors):
        return
    for problem in release_problems(offer, context.today):
        errors.add(problem.code, problem.message)
    for _change_type, problem in consistency(offer):
        errors.add(problem.code, problem.message)
    if not errors:
        offer["State"] = "Released"
        offer["ReleaseDate"] = details_time(context.now)


_HANDLERS: Mapping[str, Handler] = {
    "UpdateInformation": _update_information,
    "UpdateTargeting": _update_targeting,
    "UpdateAvailability": _update_availability,
    "UpdatePricingTerms": _update_pricing,
    "UpdateValidityTerms": _update_validity,
    "UpdatePaymentScheduleTerms": _update_payment_schedule,
    "UpdateLegalTerms": _update_legal,
    "UpdateSupportTerms": _update_support,
    "UpdateRenewalTerms": _update_renewal,
    "UpdateMarkup": _update_markup,
    "ReleaseOffer": _release,
}


# --- cross-term rules --------------------------------------------------------------------------


def _validity_window(
    offer: Mapping[str, Any], validity: Mapping[str, Any]
) -> tuple[date | None, date | None]:
    """(first, last) day charges may fall on; None where the offer leaves it open."""
    start = _stored_date(validity.get("AgreementStartDate"))
    end = _stored_date(validity.get("AgreementEndDate"))
    duration = _DURATION.match(str(validity.get("AgreementDuration", "")))
    if end is None and duration:
        # Without a start date the agreement starts on acceptance, at the latest on the
        # offer's AvailabilityEndDate.
        base = start or end_date(offer)
        if base is not None:
            years, months, days = (int(part or 0) for part in duration.groups())
            end = add_duration(base, years, months, days)
    return start, end


def _schedule_in_validity(
    offer: Mapping[str, Any], schedule: Mapping[str, Any], validity: Mapping[str, Any] | None
) -> list[ErrorDetail]:
    if validity is None:
        return []
    start, end = _validity_window(offer, validity)
    problems: list[ErrorDetail] = []
    for item in schedule.get("Schedule", []):
        charge = _stored_date(item.get("ChargeDate"))
        if charge is None:
            continue
        if (start and charge < start) or (end and charge > end):
            problems.append(
                _input(
                    f"PaymentScheduleTerm ChargeDate {charge} is outside the agreement's validity "
                    f"({start or 'acceptance'} to {end or 'open'})"
                )
            )
    return problems


# --- small validators --------------------------------------------------------------------------


def _input(message: str) -> ErrorDetail:
    return ErrorDetail("INVALID_INPUT", message)


def _members(
    document: Mapping[str, Any],
    required: set[str],
    optional: set[str],
    where: str,
    errors: _Errors,
) -> bool:
    """Required members present and no unknown ones; False (with errors) otherwise."""
    missing = sorted(name for name in required if document.get(name) is None)
    unknown = sorted(set(document) - required - optional)
    if missing:
        errors.input(f"{where} is missing {', '.join(missing)}")
    if unknown:
        allowed = ", ".join(sorted(required | optional)) or "nothing"
        errors.input(f"{where} has unknown field(s) {', '.join(unknown)} (allowed: {allowed})")
    return not missing and not unknown


def _text(
    details: Mapping[str, Any], name: str, low: int, high: int, offer: Document, errors: _Errors
) -> None:
    value = details.get(name)
    if value is None:
        return
    if not isinstance(value, str) or not low <= len(value) <= high:
        errors.input(f"{name} must be a string of {low} to {high} characters")
        return
    offer[name] = value


def _enum(
    document: Mapping[str, Any], name: str, allowed: Iterable[str], where: str, errors: _Errors
) -> str | None:
    value = document.get(name)
    choices = tuple(allowed)
    if value not in choices:
        errors.input(f"{where}.{name} must be one of {', '.join(choices)}, got {value!r}")
        return None
    return str(value)


def _currency(term: Mapping[str, Any], where: str, errors: _Errors) -> None:
    _enum(term, "CurrencyCode", CURRENCIES, where, errors)


def _list(
    document: Mapping[str, Any], name: str, low: int, high: int, where: str, errors: _Errors
) -> list[Any]:
    value = document.get(name)
    if not isinstance(value, list) or not low <= len(value) <= high:
        size = f"exactly {low}" if low == high else f"{low} to {high}"
        errors.input(f"{where}.{name} must be a list of {size} entries")
        return []
    return value


def _price(
    value: Any, pattern: re.Pattern[str], decimals: int, where: str, errors: _Errors
) -> None:
    if not isinstance(value, str) or not pattern.match(value):
        errors.input(
            f"{where} must be a decimal string of at most 100000000 with at most {decimals} "
            f"decimals, got {value!r}"
        )


def _duration(value: Any, where: str, errors: _Errors) -> None:
    match = _DURATION.match(value) if isinstance(value, str) else None
    if match is None or not any(int(part or 0) for part in match.groups()):
        errors.input(f"{where} must be an ISO 8601 duration like P12M or P365D, got {value!r}")


def _date(value: Any, where: str, errors: _Errors) -> date | None:
    if isinstance(value, str) and _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors.input(f"{where} must be a date YYYY-MM-DD, got {value!r}")
    return None


def _stored_date(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _single_term(
    details: Mapping[str, Any],
    term_type: str,
    where: str,
    errors: _Errors,
    *,
    allow_empty: bool = True,
) -> list[Document] | None:
    """The ``Terms`` of an Update*Terms change: 0..1 ``term_type`` terms (1 if not allow_empty)."""
    if not _members(details, {"Terms"}, set(), where, errors):
        return None
    terms = details["Terms"]
    low = 0 if allow_empty else 1
    if not isinstance(terms, list) or not low <= len(terms) <= 1:
        errors.input(
            f"{where}.Terms must hold {'at most' if allow_empty else 'exactly'} one {term_type}"
        )
        return None
    for term in terms:
        if not isinstance(term, dict) or term.get("Type") != term_type:
            kind = term.get("Type") if isinstance(term, dict) else term
            errors.input(f"{where}.Terms takes a {term_type}, got {kind!r}")
            return None
    return list(terms)


def _replace_terms(offer: Document, term_type: str, terms: list[Document]) -> None:
    offer["Terms"] = [t for t in offer["Terms"] if t.get("Type") != term_type] + terms


def _set_rule(offer: Document, new_rule: Document) -> None:
    offer["Rules"] = [r for r in offer["Rules"] if r.get("Type") != new_rule["Type"]] + [new_rule]
