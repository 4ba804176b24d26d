"""AWS's reference change sets for the shapes of issue 13, written as offer files (items 1, 2, 4,
6, 7, 7b, 7c).

For each vendored sample (``tests/emulator/reference``, from aws-samples/
aws-marketplace-reference-code) of a contract with consumption, hourly plus annual pricing (with
and without a payment schedule), durations in days, a refund policy and a published custom EULA:

- the offer file in ``SHAPES`` lints clean, and ``apply`` makes an offer whose terms are the
  sample's, compared after removing the ids the service assigns and moving every date by one
  number of days (the samples' dates are in 2023/2024), with money by value (``"150"`` is
  ``150.00``) and a rate card's dimensions in key order (offerops sorts them: their order is
  not a term). One documented difference: for a contract offerops also sends the ValidityTerm
  its rate card's duration means, which AWS's contract samples leave out
  (``terms/validity.py``); an update sample is compared on the terms it sets;
- ``import`` of the offer the sample creates writes a file that lints without errors and plans
  as a no-op.

The samples run through the embedded emulator on the wall clock, like the reconciler's own
round trips (release refuses an expiry in the emulator's past); dates are moved to 30 days from
today, as ``tests/emulator/test_reference_changesets.py`` moves them from its fixed today.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from emulator.engine_support import Api
from emulator.test_reference_changesets import (
    AMI,
    DATE_MEMBERS,
    LEAD_DAYS,
    REFERENCE,
    SAAS,
    SELLER,
    SELLER_PRODUCTS,
    Replay,
    Sample,
    _dates,
)
from offerops.emulator.clock import ManualClock
from offerops.emulator.engine import Marketplace
from offerops.reconcile.importer import import_offers, offers_to_import
from reconcile.roundtrip import FAST, errors_of, lint_repo, session_of

NOW = datetime.now(UTC)
TODAY = NOW.date()
EXPIRES = TODAY + timedelta(days=LEAD_DAYS)
"""Where the earliest date of every sample (its AvailabilityEndDate) lands."""
EULA = "https://s3.amazonaws.com/sample-bucket/custom-eula.pdf"

CONFIG = f"""\
apiVersion: offerops/v1
kind: Config
seller:
  accountId: "{SELLER}"
products:
  ref-saas:
    id: {SAAS}
    type: saas
    dimensions:
      - {{ key: BasicService, name: Basic service }}
      - {{ key: PremiumService, name: Premium service }}
      - {{ key: WorkloadSmall, name: Small workloads, usage: true }}
      - {{ key: WorkloadMedium, name: Medium workloads, usage: true }}
  ref-ami:
    id: {AMI}
    type: ami
    dimensions:
      - {{ key: t2.micro, name: t2.micro, unit: Hrs, usage: true }}
      - {{ key: m5.large, name: m5.large, unit: Hrs, usage: true }}
      - {{ key: ReadOnlyUsers, name: Read-only users }}
"""
"""The products the replay seeds (``SELLER_PRODUCTS``), declared with the same ids."""

SAAS_NAME = "Test private offer for SaaSProduct using AWS Marketplace API Reference Code"
AMI_NAME = "Test private offer for AmiProduct using AWS Marketplace API Reference Code"
SUBSCRIPTION = (
    "Test private offer with subscription pricing for SaaSProduct using AWS Marketplace API "
    "Reference Code"
)
HOURLY_ANNUAL = (
    "Test private offer with hourly annual pricing for AmiProduct using AWS Marketplace API "
    "Reference Code"
)
HOURLY = (
    "Test private offer with hourly pricing for AmiProduct using AWS Marketplace API Reference Code"
)


def _offer(product: str, name: str, description: str, pricing: str, rest: str) -> str:
    return f"""\
apiVersion: offerops/v1
kind: PrivateOffer
key: sample
spec:
  name: "{name}"
  description: "{description}"
  product: {product}
  expiresOn: {EXPIRES.isoformat()}
  buyers: ["111111111111", "222222222222"]
  pricing:
{pricing}{rest}"""


def _day(offset: int) -> str:
    """A date ``offset`` days after the offer expires (the samples charge from 2024-01-01)."""
    return (EXPIRES + timedelta(days=offset)).isoformat()


CUSTOM = f"  legal:\n    terms: custom\n    url: {EULA}\n"
CONSUMPTION = """\
    model: contract
    currency: USD
    contract: { durationMonths: 12 }
    dimensions:
      - { key: BasicService, price: "150" }
      - { key: PremiumService, price: "300" }
    usageDimensions:
      - { key: WorkloadSmall, price: "0.15" }
      - { key: WorkloadMedium, price: "0.25" }
"""
ANNUAL = """\
    model: usage
    currency: USD
    usage: { durationDays: 650 }
    dimensions:
      - { key: t2.micro, price: "0.17" }
    annual:
      durationDays: 365
      dimensions:
        - { key: t2.micro, price: "220.00" }
"""
ANNUAL_INSTALLMENTS = f"""\
    model: usage
    currency: USD
    usage: {{ durationDays: 650 }}
    dimensions:
      - {{ key: t2.micro, price: "0.17" }}
    annual:
      durationDays: 365
      dimensions:
        - {{ key: t2.micro, quantity: 1 }}
    payment: installments
    installments:
      total: "370.00"
      schedule:
        - {{ date: {_day(1)}, amount: "200.00" }}
        - {{ date: {_day(32)}, amount: "170.00" }}
"""


@dataclass(frozen=True)
class Shape:
    """A sample, the offer file that says the same, and what to compare."""

    sample: Sample
    offer: str
    creates: bool = True
    """False: an update of a draft, compared on the term types its changes set."""


SHAPES: Mapping[str, Shape] = {
    "java/offers/CreatePrivateOfferWithContractWithPayAsYouGoPricingForSaas": Shape(
        Sample(SAAS), _offer("ref-saas", SAAS_NAME, SUBSCRIPTION, CONSUMPTION, CUSTOM)
    ),
    "java/offers/UpdateOfferWithContractAndPayAsYouGoPricing": Shape(
        Sample(SAAS, target="draft"),
        _offer("ref-saas", SAAS_NAME, SUBSCRIPTION, CONSUMPTION, CUSTOM),
        creates=False,
    ),
    "java/offers/CreatePrivateOfferWithHourlyAnnualPricingForAmiProduct": Shape(
        Sample(AMI), _offer("ref-ami", AMI_NAME, HOURLY_ANNUAL, ANNUAL, CUSTOM)
    ),
    "java/offers/CreatePrivateOfferWithHourlyAnnualPricingAndFlexiblePaymentScheduleForAmi": Shape(
        Sample(AMI), _offer("ref-ami", AMI_NAME, HOURLY_ANNUAL, ANNUAL_INSTALLMENTS, CUSTOM)
    ),
    "java/offers/UpdateOfferWithHourlyAnnualPricing": Shape(
        Sample(AMI, target="draft"),
        _offer(
            "ref-ami",
            AMI_NAME,
            HOURLY_ANNUAL,
            ANNUAL.replace("t2.micro", "m5.large")
            .replace('"0.17"', '"0.13"')
            .replace('"220.00"', '"20.03"'),
            CUSTOM,
        ),
        creates=False,
    ),
    "java/offers/CreatePrivateOfferWithHourlyPricingForAmi": Shape(
        Sample(AMI),
        _offer(
            "ref-ami",
            AMI_NAME,
            HOURLY,
            "    model: usage\n    currency: USD\n    usage: { durationDays: 30 }\n"
            '    dimensions:\n      - { key: t2.micro, price: "0.15" }\n',
            "  legal:\n    terms: scmp\n",
        ),
    ),
    "java/offers/CreatePrivateOfferWithSubscriptionPricingForSaas": Shape(
        Sample(SAAS),
        _offer(
            "ref-saas",
            SAAS_NAME,
            SUBSCRIPTION,
            "    model: usage\n    currency: USD\n    usage: { durationDays: 30 }\n"
            '    dimensions:\n      - { key: WorkloadSmall, price: "0.13" }\n'
            '      - { key: WorkloadMedium, price: "0.22" }\n',
            CUSTOM,
        ),
    ),
    "java/offers/UpdateRefundPolicy": Shape(
        Sample(SAAS, target="draft"),
        _offer("ref-saas", SAAS_NAME, SUBSCRIPTION, CONSUMPTION, CUSTOM)
        + '  support:\n    refundPolicy: "Updated refund policy description"\n',
        creates=False,
    ),
    "python/create_private_offer_with_contract_pricing_with_flexible_payment_schedule_for_saas_product": Shape(  # noqa: E501
        Sample(SAAS),
        _offer(
            "ref-saas",
            SAAS_NAME,
            SUBSCRIPTION,
            "    model: contract\n    currency: USD\n    contract: { durationMonths: 12 }\n"
            "    dimensions:\n      - { key: BasicService, quantity: 1 }\n"
            '    payment: installments\n    installments:\n      total: "370.00"\n'
            f'      schedule:\n        - {{ date: {_day(1)}, amount: "200.00" }}\n'
            f'        - {{ date: {_day(32)}, amount: "170.00" }}\n',
            CUSTOM + '  support:\n    refundPolicy: "Some kind of refund policy description"\n',
        ).replace('["111111111111", "222222222222"]', '["111111111111"]'),
    ),
}


class WallClockReplay(Replay):
    """The replay of test_reference_changesets, its dates moved from today instead of START."""

    def _shift(self, request: Mapping[str, Any]) -> timedelta:
        dates = sorted(date.fromisoformat(d) for d in _dates(request))
        return EXPIRES - dates[0] if dates else timedelta(0)


def _repo(root: Path) -> Path:
    (root / "offers").mkdir(parents=True)
    (root / "offerops.yaml").write_text(CONFIG)
    return root


def _replayed(name: str, shape: Shape, root: Path) -> tuple[str, dict[str, Any], set[str]]:
    """Replay the sample into ``root``'s database: (offer id, its details, the change types)."""
    request = json.loads((REFERENCE / f"{name}.json").read_text(encoding="utf-8"))
    database = root / ".offerops" / "marketplace.sqlite"
    database.parent.mkdir(parents=True, exist_ok=True)
    with Marketplace(database, clock=ManualClock(NOW)) as market:
        replay = WallClockReplay(market, shape.sample)
        request = replay.prepare(request)
        described = replay.run(request)
        assert described["Status"] == "SUCCEEDED", described
        offer_id = replay.offer_of(described)
        details = Api(market, SELLER).details(offer_id)
    types = {change["ChangeType"] for change in request["ChangeSet"]}
    return offer_id, details, types


def _applied(shape: Shape, root: Path) -> dict[str, Any]:
    """Apply the offer file to a fresh embedded emulator; the details of the offer it made."""
    (root / "offers" / "sample.yaml").write_text(shape.offer)
    assert errors_of(lint_repo(root)) == []
    session = session_of(root)
    try:
        results = session.apply(session.plan(), FAST)
        assert [(r.status, r.errors) for r in results] == [("SUCCEEDED", [])]
        (actual,) = session.actual()
    finally:
        session.close()
    with Marketplace(root / ".offerops" / "marketplace.sqlite") as market:
        return Api(market, SELLER).details(actual.offer_id)


TERMS_OF_CHANGE = {
    "UpdatePricingTerms": {
        "UsageBasedPricingTerm",
        "ConfigurableUpfrontPricingTerm",
        "FixedUpfrontPricingTerm",
    },
    "UpdateSupportTerms": {"SupportTerm"},
}


def comparable(details: Mapping[str, Any], types: set[str] | None = None) -> dict[str, Any]:
    """Name, description, rules and terms without service ids, money by value, rate cards and
    grants by key, dates moved so the earliest is 2000-01-01; only terms of ``types`` when
    given."""
    terms = [_plain(term) for term in details.get("Terms", [])]
    if types is not None:
        terms = [term for term in terms if term["Type"] in types]
    document = {
        "Name": details.get("Name"),
        "Description": details.get("Description"),
        "Rules": sorted((_plain(rule) for rule in details.get("Rules", [])), key=repr),
        "Terms": sorted(terms, key=lambda term: str(term["Type"])),
    }
    if types is not None:
        document = {"Terms": document["Terms"]}
    days = sorted(date.fromisoformat(day) for day in _dates_of(document))
    return _moved(document, date(2000, 1, 1) - days[0] if days else timedelta(0))


def _plain(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _plain(v, k) for k, v in value.items() if k != "Id"}
    if isinstance(value, list) and key in {"RateCard", "Grants"}:
        return sorted((_plain(item, key) for item in value), key=lambda i: i["DimensionKey"])
    if isinstance(value, list):
        return [_plain(item, key) for item in value]
    if key in {"Price", "ChargeAmount"}:
        return str(Decimal(value).normalize())
    if key in DATE_MEMBERS and isinstance(value, str):
        return value[:10]
    return value


def _dates_of(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _dates_of(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from _dates_of(item, key)
    elif key in DATE_MEMBERS and isinstance(value, str):
        yield value


def _moved(value: Any, shift: timedelta, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _moved(v, shift, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_moved(item, shift, key) for item in value]
    if key in DATE_MEMBERS and isinstance(value, str):
        return (date.fromisoformat(value) + shift).isoformat()
    return value


def _without_implied_validity(mine: dict[str, Any], sample: dict[str, Any]) -> dict[str, Any]:
    """Drop the ValidityTerm offerops sends for a contract whose rate card carries the duration,
    where the sample sends none (the one documented difference)."""
    if any(term["Type"] == "ValidityTerm" for term in sample["Terms"]):
        return mine
    selectors = [
        card["Selector"]["Value"]
        for term in mine["Terms"]
        if term["Type"] == "ConfigurableUpfrontPricingTerm"
        for card in term["RateCards"]
    ]
    implied = [{"Type": "ValidityTerm", "AgreementDuration": value} for value in selectors]
    terms = [term for term in mine["Terms"] if term not in implied]
    return {**mine, "Terms": terms}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_the_offer_file_makes_the_samples_terms(name: str, tmp_path: Path) -> None:
    shape = SHAPES[name]
    _, sample_details, changes = _replayed(name, shape, tmp_path / "sample")
    mine_details = _applied(shape, _repo(tmp_path / "mine"))
    types = None
    if not shape.creates:
        types = set().union(*(TERMS_OF_CHANGE[change] for change in changes))
    sample = comparable(sample_details, types)
    mine = _without_implied_validity(comparable(mine_details, types), sample)
    assert mine == sample


@pytest.mark.parametrize("name", sorted(n for n, shape in SHAPES.items() if shape.creates))
def test_import_of_the_samples_offer_lints_clean_and_plans_nothing(
    name: str, tmp_path: Path
) -> None:
    root = _repo(tmp_path / "repo")
    offer_id, _, _ = _replayed(name, SHAPES[name], root)
    session = session_of(root)
    try:
        chosen = offers_to_import(session.desired(), session.actual(), [offer_id])
        (result,) = import_offers(chosen, session.config, root, set())
    finally:
        session.close()
    assert result.error is None, result.error
    assert errors_of(lint_repo(root)) == []
    again = session_of(root)
    try:
        plan = again.plan()
    finally:
        again.close()
    assert [(e.action, e.changes, e.reason) for e in plan.entries] == [("no-op", (), "")], (
        root / str(result.path)
    ).read_text()


def test_every_sample_of_these_shapes_is_written_as_an_offer_file() -> None:
    """The samples of issue 13's shapes (pay-as-you-go with a contract, hourly annual, days,
    refund policy) all have an offer file here."""
    names = {str(p.relative_to(REFERENCE).with_suffix("")) for p in REFERENCE.rglob("*.json")}
    wanted = {
        name
        for name in names
        if any(
            word in name
            for word in ("PayAsYouGo", "HourlyAnnual", "HourlyPricing", "Subscription", "Refund")
        )
    }
    wanted.add(
        "python/create_private_offer_with_contract_pricing_with_flexible_payment_schedule_"
        "for_saas_product"
    )
    assert wanted <= set(SHAPES)
    assert SELLER_PRODUCTS["ref-ami"].id == AMI
