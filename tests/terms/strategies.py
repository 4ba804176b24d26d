"""Hypothesis strategies: typed terms, offer files, and entities as DescribeEntity has them.

``entity_with`` turns change documents into an offer's DetailsDocument the way the service
stores it: Update* fields at the top level, targeting and availability as ``Rules``, terms in one
``Terms`` list with service-assigned ``Id``s, dates with a time of day, markup as
``MarkupPercentage``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from offerops.model.config import Config
from offerops.model.offer import DRAFTABLE, OfferFile
from offerops.source.loader import parse_text
from offerops.terms.availability import Availability
from offerops.terms.document import DetailsDocument, JsonValue
from offerops.terms.information import Information, PreExistingAgreement
from offerops.terms.legal import LegalDocument, LegalTerm
from offerops.terms.markup import Markup
from offerops.terms.offer import OfferTerms
from offerops.terms.opaque import OpaqueTerm
from offerops.terms.payment_schedule import Installment, PaymentScheduleTerm
from offerops.terms.pricing import (
    ConfigurableRateCard,
    ConfigurableUpfrontPricingTerm,
    DimensionPrice,
    FixedUpfrontPricingTerm,
    Grant,
    Pricing,
    PricingTerm,
    UsageBasedPricingTerm,
    model_of,
    term_type,
)
from offerops.terms.renewal_term import RenewalTerm
from offerops.terms.support import SupportTerm
from offerops.terms.targeting import Targeting
from offerops.terms.validity import ValidityTerm
from offerops.terms.values import Duration

ROOT = Path(__file__).resolve().parents[2]
"""The project root: itself an offers repository (offerops.yaml, offers/, legal/)."""
CURRENCIES = ("USD", "EUR", "GBP", "AUD", "JPY", "CAD")
DATE_KEYS = frozenset(
    {"AvailabilityEndDate", "ChargeDate", "AgreementStartDate", "AgreementEndDate"}
)


def load_config() -> Config:
    document, _ = parse_text((ROOT / "offerops.yaml").read_text(), "offerops.yaml")
    assert document is not None
    return Config.model_validate(document.data)


def load_offer(text: str, relpath: str = "offers/x.yaml") -> OfferFile:
    document, problems = parse_text(text, relpath)
    assert document is not None, problems
    return OfferFile.model_validate(document.data)


# --- scalars -------------------------------------------------------------------------------------


def money(places: int = 2, high: int = 10**6) -> st.SearchStrategy[Decimal]:
    """Non-negative amounts; some with trailing zeros, to check comparison by value."""
    amounts = st.decimals(min_value=0, max_value=high, places=places)
    return st.one_of(amounts, amounts.map(lambda d: d.quantize(Decimal(10) ** -(places + 1))))


days = st.dates(min_value=date(2025, 1, 1), max_value=date(2035, 12, 31))
keys = st.from_regex(r"[A-Za-z][A-Za-z0-9_.]{0,8}", fullmatch=True).filter(
    lambda key: key.lower() not in {"true", "false", "yes", "no", "on", "off", "null"}
)
"""Dimension keys YAML reads back as themselves written plain (``to_offer`` quotes the others,
such as ``yes``; see test_reading.py)."""
accounts = st.from_regex(r"[0-9]{12}", fullmatch=True)
countries = st.from_regex(r"[A-Z]{2}", fullmatch=True)
durations = st.builds(
    Duration,
    years=st.integers(0, 5),
    months=st.integers(0, 60),
    days=st.integers(0, 400),
)
words = st.text(
    st.characters(categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=30
).filter(lambda text: text.strip() == text)
"""Offer texts: no control, format or line-separator characters, no surrounding space."""


def _unique_keys(min_size: int = 1, max_size: int = 4) -> st.SearchStrategy[list[str]]:
    return st.lists(keys, min_size=min_size, max_size=max_size, unique=True)


def _prices(places: int) -> st.SearchStrategy[tuple[DimensionPrice, ...]]:
    return _unique_keys().flatmap(
        lambda names: st.tuples(
            *(st.builds(DimensionPrice, st.just(n), money(places)) for n in names)
        )
    )


# --- values per module ---------------------------------------------------------------------------

information = st.builds(
    Information,
    name=st.none() | words,
    description=st.none() | st.just("") | words,
    pre_existing_agreement=st.none()
    | st.builds(
        PreExistingAgreement,
        st.sampled_from(["AwsMarketplace", "External"]),
        st.sampled_from(["Contract", "Usage", "Byol", "Free"]),
    ),
).filter(lambda value: value != Information(None))
targeting = st.builds(
    Targeting,
    st.lists(accounts, min_size=1, max_size=5).map(tuple),
    st.lists(countries, max_size=3).map(tuple),
    st.lists(countries, max_size=3).map(tuple),
)
availability = st.builds(Availability, days)
markup = st.builds(Markup, money(places=2, high=100))
validity = st.builds(ValidityTerm, st.none() | durations, st.none() | days, st.none() | days)
payment_schedule = st.builds(
    PaymentScheduleTerm,
    st.sampled_from(CURRENCIES),
    st.lists(
        st.builds(Installment, days, money()), min_size=1, max_size=6, unique_by=lambda i: i.date
    ).map(tuple),
)
legal = st.builds(
    LegalTerm,
    st.lists(
        st.one_of(
            st.builds(
                LegalDocument,
                st.sampled_from(["StandardEula", "StandardDsa"]),
                version=days.map(str),
            ),
            st.builds(
                LegalDocument,
                st.sampled_from(["CustomEula", "CustomDsa"]),
                url=keys.map(lambda name: f"https://example.com/{name}.pdf"),
            ),
        ),
        min_size=1,
        max_size=2,
    ).map(tuple),
)
support = st.builds(SupportTerm, words)
renewal_term = st.just(RenewalTerm())

usage_term = st.builds(UsageBasedPricingTerm, st.sampled_from(CURRENCIES), _prices(3))
configurable_term = st.builds(
    ConfigurableUpfrontPricingTerm,
    st.sampled_from(CURRENCIES),
    st.lists(
        st.builds(
            ConfigurableRateCard,
            durations,
            _prices(2),
            st.none() | st.sampled_from(["Allowed", "Disallowed"]),
            st.none() | st.sampled_from(["Allowed", "Disallowed"]),
        ),
        min_size=1,
        max_size=2,
    ).map(tuple),
)
fixed_term = st.builds(
    FixedUpfrontPricingTerm,
    st.sampled_from(CURRENCIES),
    money(),
    _unique_keys().flatmap(
        lambda names: st.tuples(
            *(st.builds(Grant, st.just(n), st.none() | st.integers(1, 10**6)) for n in names)
        )
    ),
    st.none() | durations,
)
opaque_pricing = st.sampled_from(["FreeTrialPricingTerm", "ByolPricingTerm"]).map(
    lambda kind: OpaqueTerm(kind, json.dumps({"Type": kind}, separators=(",", ":")))
)


@st.composite
def pricing(draw: st.DrawFn) -> Pricing:
    """One to three pricing terms of different types, under the model they imply."""
    pool: list[st.SearchStrategy[PricingTerm]] = [
        usage_term,
        configurable_term,
        fixed_term,
        opaque_pricing,
    ]
    chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3))
    terms = {term_type(term): term for term in (draw(strategy) for strategy in chosen)}
    return Pricing(model_of(list(terms.values())), tuple(terms.values()))


def _with_implied_validity(terms: OfferTerms) -> OfferTerms:
    """Terms as an entity reads back: a contract without a ValidityTerm whose one
    ConfigurableUpfront rate card (and no FixedUpfront term) carries the duration has that
    ValidityTerm (AWS's contract samples send none; terms/validity.py)."""
    pricing = terms.pricing
    if terms.validity is not None or pricing is None or pricing.model != "Contract":
        return terms
    if any(isinstance(term, FixedUpfrontPricingTerm) for term in pricing.terms):
        return terms
    cards = [
        card
        for term in pricing.terms
        if isinstance(term, ConfigurableUpfrontPricingTerm)
        for card in term.rate_cards
    ]
    if len(cards) != 1:
        return terms
    return replace(terms, validity=ValidityTerm(duration=cards[0].duration))


offer_terms = st.builds(
    OfferTerms,
    information=st.none() | information,
    targeting=st.none() | targeting,
    pricing=st.none() | pricing(),
    validity=st.none() | validity,
    payment_schedule=st.none() | payment_schedule,
    legal=st.none() | legal,
    support=st.none() | support,
    renewal_term=st.none() | renewal_term,
    markup=st.none() | markup,
    availability=st.none() | availability,
).map(_with_implied_validity)


# --- entities ------------------------------------------------------------------------------------


def _stamped(value: JsonValue, key: str = "") -> JsonValue:
    """Dates as DescribeEntity returns them: ``2027-03-31T00:00:00.000Z``."""
    if isinstance(value, dict):
        return {k: _stamped(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_stamped(item, key) for item in value]
    if key in DATE_KEYS and isinstance(value, str):
        return f"{value}T00:00:00.000Z"
    return value


def entity_with(documents: list[tuple[str, DetailsDocument]]) -> dict[str, Any]:
    """An offer's DetailsDocument as DescribeEntity has it after these changes were applied."""
    details: dict[str, Any] = {
        "Id": "offer-abcdef123",
        "State": "Released",
        "ProductId": "prod-4x7yvqjzt5abc",
        "Rules": [],
        "Terms": [],
    }
    for change_type, document in documents:
        stamped = _stamped(document)
        assert isinstance(stamped, dict)
        if change_type == "UpdateInformation":
            details.update(stamped)
        elif change_type == "UpdateTargeting":
            details["Rules"].append({"Type": "TargetingRule", **stamped})
        elif change_type == "UpdateAvailability":
            details["Rules"].append({"Type": "AvailabilityRule", **stamped})
        elif change_type == "UpdateMarkup":
            details["MarkupPercentage"] = stamped["Percentage"]
        else:
            terms = stamped["Terms"]
            assert isinstance(terms, list)
            for term in terms:
                assert isinstance(term, dict)
                details["Terms"].insert(0, {"Id": f"term-{len(details['Terms'])}", **term})
    return details


# --- offer files ---------------------------------------------------------------------------------

ONE_IN_FOUR = st.sampled_from([False, False, False, True])
"""True about a quarter of the time (integers would lean on their bounds)."""
LEGAL_FILES = ("legal/acme-msa.pdf", "legal/acme-order-form.txt", "legal/umbrella-eula.pdf")
ALIASES = ("acme-prod", "acme-dev", "globex", "initech", "umbrella", "hooli")


def _money_text(places: int, low: int = 0, high: int = 10**5) -> st.SearchStrategy[str]:
    return st.decimals(min_value=low, max_value=high, places=places).map(lambda d: format(d, "f"))


@st.composite
def _term(draw: st.DrawFn, *, with_start: bool) -> dict[str, Any]:
    term: dict[str, Any] = {}
    start = draw(st.none() | st.dates(date(2027, 1, 1), date(2028, 12, 31))) if with_start else None
    if start is not None:
        term["starts"] = start
    elif with_start and draw(st.booleans()):
        term["starts"] = "on-acceptance"
    length = draw(st.sampled_from(["months", "days", "ends"]))
    if length == "months":
        term["durationMonths"] = draw(st.integers(1, 60))
    elif length == "days":
        term["durationDays"] = draw(st.integers(1, 1095))
    else:
        first = start or date(2027, 1, 1)
        term["endsOn"] = draw(st.dates(first.replace(year=first.year + 1), date(2032, 12, 31)))
    return term


@st.composite
def _usage(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(_unique_keys())
    pricing = {
        "model": "usage",
        "currency": draw(st.sampled_from(CURRENCIES)),
        "usage": draw(_term(with_start=False)),
        "dimensions": [{"key": name, "price": draw(_money_text(3, high=100))} for name in names],
    }
    if draw(st.booleans()):
        return pricing
    installments = draw(st.booleans())
    annual: list[dict[str, Any]] = []
    for name in draw(st.lists(st.sampled_from(names), min_size=1, unique=True)):
        if installments:
            annual.append({"key": name, "quantity": draw(st.integers(1, 50))})
        else:
            annual.append({"key": name, "price": draw(_money_text(2))})
    pricing["annual"] = {"durationDays": draw(st.integers(1, 1095)), "dimensions": annual}
    if installments:
        pricing["payment"] = "installments"
        pricing["installments"] = draw(_installments())
    return pricing


@st.composite
def _installments(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()):
        dates = draw(
            st.lists(
                st.dates(date(2027, 1, 1), date(2029, 12, 31)), min_size=1, max_size=6, unique=True
            )
        )
        amounts = [Decimal(draw(_money_text(2, low=1))) for _ in dates]
        schedule = [
            {"date": d, "amount": format(a, "f")} for d, a in zip(dates, amounts, strict=True)
        ]
        return {"total": format(sum(amounts, Decimal(0)), "f"), "schedule": schedule}
    plan: dict[str, Any] = {
        "frequency": draw(st.sampled_from(["monthly", "quarterly", "semiannual", "annual"])),
        "firstInvoice": draw(st.dates(date(2027, 1, 1), date(2028, 12, 31))),
        "count": draw(st.integers(1, 12)),
    }
    total = Decimal(draw(_money_text(2, low=100, high=10**6)))
    initial = draw(st.none() | _money_text(2, high=50))
    if initial is not None:
        plan["initial"] = initial
    return {"total": format(total, "f"), "plan": plan}


@st.composite
def _contract(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(_unique_keys())
    installments = draw(st.booleans())
    quantities = draw(st.sampled_from(["all", "none", "some"]))
    contract = draw(_term(with_start=True))
    if draw(st.booleans()):
        contract["purchasing"] = draw(st.sampled_from(["multiple-dimensions", "single-dimension"]))
    if draw(st.booleans()):
        contract["quantities"] = draw(st.sampled_from(["buyer-chooses", "one"]))
    dimensions: list[dict[str, Any]] = []
    for index, name in enumerate(names):
        dimension: dict[str, Any] = {"key": name}
        if not installments:
            dimension["price"] = draw(_money_text(2))
        has_quantity = quantities == "all" or (quantities == "some" and index % 2 == 0)
        if installments or has_quantity:
            dimension["quantity"] = draw(st.integers(1, 5000))
        dimensions.append(dimension)
    pricing: dict[str, Any] = {
        "model": "contract",
        "currency": draw(st.sampled_from(CURRENCIES)),
        "contract": contract,
        "dimensions": dimensions,
        "payment": "installments" if installments else "upfront",
    }
    if installments:
        pricing["installments"] = draw(_installments())
    if draw(ONE_IN_FOUR):
        length = draw(st.sampled_from(["durationMonths", "durationDays"]))
        pricing["fixedPrice"] = {length: draw(st.integers(1, 60))}
    if draw(st.booleans()):
        rated = draw(_unique_keys(max_size=3))
        pricing["usageDimensions"] = [
            {"key": f"u{name}", "price": draw(_money_text(3, high=100))} for name in rated
        ]
    return pricing


@st.composite
def offer_files(draw: st.DrawFn) -> OfferFile:
    """Structurally valid offers across every pricing form (not necessarily lint-clean); a
    quarter are drafts, which may leave out buyers, expiresOn, pricing and legal (OFR106)."""
    buyers = draw(
        st.lists(st.sampled_from(ALIASES) | accounts, min_size=1, max_size=4, unique=True)
    )
    spec: dict[str, Any] = {
        "name": draw(words),
        "product": draw(st.sampled_from(["analytics-saas", "vision-ami", "secure-gateway"])),
        "renewal": draw(
            st.sampled_from(["none", "existing-marketplace-customer", "moving-to-marketplace"])
        ),
        "expiresOn": draw(st.dates(date(2026, 12, 1), date(2027, 12, 31))),
        "buyers": buyers,
        "pricing": draw(st.one_of(_usage(), _contract())),
        "legal": draw(_legal()),
    }
    if draw(st.booleans()):
        spec["description"] = draw(words)
    if draw(st.booleans()):
        spec["support"] = {"refundPolicy": draw(words)}
    if draw(st.booleans()):
        channel: dict[str, Any] = {"resaleAuthorization": "resaleauthz-1a2b3c4d5e6f7"}
        if draw(st.booleans()):
            channel["markupPercentage"] = draw(_money_text(2, high=100))
        spec["channel"] = channel
    if draw(ONE_IN_FOUR):
        spec["lifecycle"] = "draft"
        for part in draw(st.lists(st.sampled_from(DRAFTABLE), unique=True)):
            del spec[part]
    offer = {
        "apiVersion": "offerops/v1",
        "kind": "PrivateOffer",
        "key": "generated-offer",
        "spec": spec,
    }
    return OfferFile.model_validate(offer)


@st.composite
def _legal(draw: st.DrawFn) -> dict[str, Any]:
    terms = draw(st.sampled_from(["standard-eula", "scmp", "custom"]))
    if terms != "custom":
        return {"terms": terms}
    if draw(st.booleans()):
        return {"terms": terms, "url": draw(keys.map(lambda name: f"https://example.com/{name}"))}
    documents = draw(st.lists(st.sampled_from(LEGAL_FILES), min_size=1, max_size=3, unique=True))
    return {"terms": terms, "documents": documents}
