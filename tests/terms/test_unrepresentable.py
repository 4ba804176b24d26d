"""Nothing silently dropped: every value of an offer file reaches the terms and comes back, or
``unrepresentable`` names it at its YAML path with the reason (issue 11)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offerops.model.config import Config
from offerops.model.offer import OfferFile
from offerops.model.pricing import ContractTerm
from offerops.reconcile.desired import documents_url as documents_url_of
from offerops.reconcile.importer import legal_documents as legal_documents_of
from offerops.terms import legal, offer
from offerops.terms.from_offer import (
    SCMP_VERSION,
    STANDARD_EULA_VERSION,
    Unrepresentable,
    offer_terms,
    selector_duration,
    unrepresentable,
)
from offerops.terms.offer import OfferTerms
from offerops.terms.payment_schedule import PaymentScheduleTerm
from offerops.terms.pricing import (
    ConfigurableRateCard,
    ConfigurableUpfrontPricingTerm,
    FixedUpfrontPricingTerm,
    Grant,
    Pricing,
    PricingTerm,
    UsageBasedPricingTerm,
    model_of,
)
from offerops.terms.pricing.rates import DimensionPrice
from offerops.terms.targeting import Targeting
from offerops.terms.to_offer import NotExpressible, OfferIdentity, offer_yaml
from offerops.terms.validity import ValidityTerm
from offerops.terms.values import Duration
from terms import strategies
from terms.strategies import ROOT, load_config, load_offer, offer_files

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
USERS_PRICE = '        price: "250.00"          # per user for the whole contract\n'
EXAMPLE = (ROOT / "offers" / "acme-analytics-2027.yaml").read_text()
ACME = EXAMPLE.replace(USERS_PRICE, USERS_PRICE + "        quantity: 400\n")
"""The example as issue 11 found it: users quantity 400 beside admins without one."""
HOOLI = (ROOT / "offers" / "hooli-reseller-2027.yaml").read_text()


@cache
def config() -> Config:
    return load_config()


def documents_url(paths: list[str]) -> str:
    return documents_url_of(config(), ROOT)(paths)


def legal_documents(url: str) -> list[str] | None:
    return legal_documents_of(ROOT)(url)


def test_the_defect_of_issue_11_is_reported_at_the_quantity() -> None:
    """users quantity 400 next to admins without one: 400 -> 4000 changes no term."""
    offer = load_offer(ACME)
    bigger = load_offer(ACME.replace("quantity: 400", "quantity: 4000"))
    assert offer_terms(offer, config(), documents_url) == offer_terms(
        bigger, config(), documents_url
    )
    [found] = unrepresentable(offer)
    assert found.path == ("spec", "pricing", "dimensions", 0, "quantity")
    assert "quantity 400 is not sent" in found.message
    assert found.covered_by is None


def test_several_priced_dimensions_at_a_fixed_price_are_reported_at_each_price() -> None:
    text = HOOLI.replace(
        "        quantity: 150\n",
        '        quantity: 150\n      - key: extra\n        price: "10.00"\n        quantity: 2\n',
    )
    found = unrepresentable(load_offer(text))
    assert [item.path for item in found] == [
        ("spec", "pricing", "dimensions", 0, "price"),
        ("spec", "pricing", "dimensions", 1, "price"),
    ]
    assert "72020.00 USD in total" in found[0].message


def test_single_dimension_purchasing_of_a_fixed_price_is_reported() -> None:
    text = HOOLI.replace(
        "durationMonths: 24", "durationMonths: 24\n      purchasing: single-dimension"
    )
    assert unrepresentable(load_offer(text)) == [
        Unrepresentable(
            ("spec", "pricing", "contract", "purchasing"),
            "a fixed price for fixed quantities has no purchasing choice, so single-dimension "
            "is not sent; remove it",
        )
    ]


def test_quantities_one_is_quantity_configuration_disallowed_and_imports_back() -> None:
    """One unit of each dimension bought: QuantityConfiguration Disallowed, as AWS's tiered and
    container contract samples send it; shown as ``quantities``, written back by import."""
    text = EXAMPLE.replace(
        "purchasing: multiple-dimensions", "purchasing: single-dimension\n      quantities: one"
    )
    file = load_offer(text)
    terms = offer_terms(file, config(), documents_url)
    assert terms.pricing is not None
    (term,) = terms.pricing.terms
    assert isinstance(term, ConfigurableUpfrontPricingTerm)
    card = term.rate_cards[0]
    assert (card.multiple_dimension_selection, card.quantity_configuration) == (
        "Disallowed",
        "Disallowed",
    )
    assert offer.fields(terms)["quantities"] == "one"
    assert offer.field_path(terms, "quantities") == ("spec", "pricing", "contract", "quantities")
    assert "quantities" not in offer.fields(
        offer_terms(load_offer(EXAMPLE), config(), documents_url)
    )
    identity = OfferIdentity(file.key, "offer-abcdef123", "prod-4x7yvqjzt5abc")
    imported = offer_yaml(terms, identity, config(), legal_documents)
    assert "      purchasing: single-dimension\n      quantities: one\n" in imported
    assert offer_terms(load_offer(imported), config(), documents_url) == terms


def test_a_fixed_prices_own_duration_is_sent_and_imports_back() -> None:
    """``fixedPrice`` is the FixedUpfrontPricingTerm's Duration (AWS's resale replacement
    samples: P6M beside an AgreementEndDate), labelled for reviewers, written back by import."""
    text = HOOLI.replace(
        "    payment: upfront\n", "    fixedPrice: { durationMonths: 6 }\n    payment: upfront\n"
    )
    file = load_offer(text)
    assert unrepresentable(file) == []
    terms = offer_terms(file, config(), documents_url)
    assert terms.pricing is not None and terms.validity is not None
    (term,) = terms.pricing.terms
    assert isinstance(term, FixedUpfrontPricingTerm)
    assert (term.duration, terms.validity.duration) == (Duration(months=6), Duration(months=24))
    assert offer.fields(terms)["fixed price duration"] == "P6M"
    assert offer.field_path(terms, "fixed price duration") == ("spec", "pricing", "fixedPrice")
    product = config().products[file.spec.product].id
    identity = OfferIdentity(file.key, "offer-abcdef123", product, "resaleauthz-1a2b3c4d5e6f7")
    imported = offer_yaml(terms, identity, config(), legal_documents)
    assert "    fixedPrice:\n      durationMonths: 6\n    payment: upfront\n" in imported
    assert offer_terms(load_offer(imported), config(), documents_url) == terms


def test_a_fixed_price_duration_of_prices_per_unit_is_reported() -> None:
    text = EXAMPLE.replace(
        "    payment: upfront", "    fixedPrice: { durationDays: 30 }\n    payment: upfront"
    )
    (found,) = unrepresentable(load_offer(text))
    assert (found.path, found.covered_by) == (("spec", "pricing", "fixedPrice"), None)
    assert "it is not sent" in found.message


def test_quantities_one_of_a_fixed_price_is_reported() -> None:
    text = HOOLI.replace("durationMonths: 24", "durationMonths: 24\n      quantities: one")
    (found,) = unrepresentable(load_offer(text))
    assert (found.path, found.covered_by) == (("spec", "pricing", "contract", "quantities"), None)
    assert "quantities: one is not sent" in found.message


def test_what_lint_already_refuses_names_the_rule() -> None:
    text = ACME.replace(
        "terms: standard-eula", "terms: standard-eula\n    documents: [legal/acme-msa.pdf]"
    )
    assert [item.covered_by for item in unrepresentable(load_offer(text))] == [None, "OFR601"]


def test_the_repository_offers_lose_nothing() -> None:
    for path in sorted((ROOT / "offers").glob("*.yaml")):
        assert unrepresentable(load_offer(path.read_text())) == [], path.name


@PROPERTY
@given(offer_files())
def test_an_offer_that_loses_nothing_comes_back_from_the_marketplace(file: OfferFile) -> None:
    """Offer file -> terms -> (marketplace) -> terms -> offer file -> the same terms."""
    terms = offer_terms(file, config(), documents_url)
    if unrepresentable(file):
        return
    product = config().products[file.spec.product].id
    channel = file.spec.channel.resaleAuthorization if file.spec.channel else None
    draft = file.spec.lifecycle == "draft"
    identity = OfferIdentity(file.key, "offer-abcdef123", product, channel, draft=draft)
    text = offer_yaml(terms, identity, config(), legal_documents)
    assert offer_terms(load_offer(text), config(), documents_url) == terms


@PROPERTY
@given(offer_files(), offer_files())
def test_a_reviewer_sees_every_difference_between_two_offers(
    one: OfferFile, two: OfferFile
) -> None:
    """When the terms of two offers differ, so do their reviewer fields (a plan shows it)."""
    if unrepresentable(one) or unrepresentable(two):
        return
    first = offer_terms(one, config(), documents_url)
    second = offer_terms(two, config(), documents_url)
    if offer.differing(first, second):
        assert offer.fields(first) != offer.fields(second)


@st.composite
def importable_terms(draw: st.DrawFn) -> OfferTerms:
    """Terms close to what offerops writes, so that most can be imported (the rest refused)."""
    start = draw(st.none() | strategies.days)
    length = draw(st.sampled_from(["months", "days", "ends"]))
    if length == "months":
        months = draw(st.integers(1, 60))
        validity = ValidityTerm(duration=Duration(months=months), start_date=start)
    elif length == "days":
        days = draw(st.integers(1, 1095))
        validity = ValidityTerm(duration=Duration(days=days), start_date=start)
    else:
        validity = ValidityTerm(end_date=draw(strategies.days), start_date=start)
    kinds = ["usage", "configurable", "fixed", "installments", "any", "annual", "consumption"]
    kind = draw(st.sampled_from(kinds))
    schedule = draw(strategies.payment_schedule) if kind == "installments" else None
    terms = (draw(_pricing_term("configurable" if kind == "consumption" else kind, validity)),)
    if kind == "annual":
        terms, schedule = draw(_hourly_annual())
    elif kind == "consumption":
        terms += (draw(_consumption(terms[0])),)
    if isinstance(terms[0], UsageBasedPricingTerm):
        validity = replace(validity, start_date=None)
    return OfferTerms(
        information=draw(strategies.information.filter(lambda info: info.name is not None)),
        targeting=Targeting(
            tuple(draw(st.lists(strategies.accounts, min_size=1, max_size=3))),
            tuple(draw(st.lists(strategies.countries, max_size=3))),
        ),
        pricing=Pricing(model_of(list(terms)), terms),
        validity=validity,
        payment_schedule=schedule,
        legal=draw(_legal_term()),
        support=draw(st.none() | strategies.support),
        availability=draw(strategies.availability),
    )


def _consumption(contract: PricingTerm) -> st.SearchStrategy[UsageBasedPricingTerm]:
    """Usage rates next to a contract: metered dimensions, so other keys, same currency."""
    currency = contract.currency if isinstance(contract, ConfigurableUpfrontPricingTerm) else "USD"
    return strategies.usage_term.map(
        lambda term: UsageBasedPricingTerm(
            currency, tuple(replace(item, key=f"u{item.key}") for item in term.rates)
        )
    )


def _legal_term() -> st.SearchStrategy[legal.LegalTerm]:
    standard = st.sampled_from([STANDARD_EULA_VERSION, SCMP_VERSION]).map(legal.standard)
    published = strategies.keys.map(lambda name: legal.custom(f"https://example.com/{name}.pdf"))
    return standard | published


@st.composite
def _hourly_annual(
    draw: st.DrawFn,
) -> tuple[tuple[PricingTerm, ...], PaymentScheduleTerm | None]:
    """Hourly rates and annual prices of the same dimensions (Configurable, or Fixed at 0.00
    with a Duration and a schedule)."""
    hourly = draw(strategies.usage_term)
    keys = [item.key for item in hourly.rates]
    duration = Duration(days=draw(st.integers(1, 1095)))
    if draw(st.booleans()):
        prices = tuple(DimensionPrice(key, draw(strategies.money())) for key in keys)
        card = ConfigurableRateCard(duration, prices, "Allowed", "Allowed")
        return (hourly, ConfigurableUpfrontPricingTerm(hourly.currency, (card,))), None
    grants = tuple(Grant(key, draw(st.integers(1, 50))) for key in keys)
    fixed = FixedUpfrontPricingTerm(hourly.currency, Decimal(0), grants, duration)
    schedule = draw(strategies.payment_schedule)
    return (hourly, fixed), replace(schedule, currency=hourly.currency)


def _pricing_term(kind: str, validity: ValidityTerm) -> st.SearchStrategy[PricingTerm]:
    if kind == "usage":
        return strategies.usage_term
    if kind == "configurable":
        selector = selector_duration(_contract(validity))
        return st.builds(
            ConfigurableUpfrontPricingTerm,
            st.sampled_from(strategies.CURRENCIES),
            st.builds(
                ConfigurableRateCard,
                st.just(selector),
                strategies.configurable_term.map(lambda term: term.rate_cards[0].prices),
                st.sampled_from(["Allowed", "Disallowed"]),
                st.sampled_from(["Allowed", "Disallowed"]),
            ).map(lambda card: (card,)),
        )
    if kind == "fixed":
        return st.builds(
            lambda unit, quantity, key, duration: FixedUpfrontPricingTerm(
                "USD", unit * quantity, (Grant(key, quantity),), duration
            ),
            strategies.money(),
            st.integers(1, 5000),
            strategies.keys,
            st.none() | strategies.durations,
        )
    if kind == "installments":
        return strategies.fixed_term.map(
            lambda term: replace(
                term,
                price=Decimal(0),
                grants=tuple(replace(g, max_quantity=g.max_quantity or 1) for g in term.grants),
            )
        )
    return strategies.pricing().map(lambda pricing: pricing.terms[0])


def _contract(validity: ValidityTerm) -> ContractTerm:
    months = validity.duration.whole_months if validity.duration else None
    days = validity.duration.whole_days if validity.duration else None
    return ContractTerm(
        starts=validity.start_date or "on-acceptance",
        durationMonths=months,
        durationDays=days,
        endsOn=validity.end_date,
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(importable_terms())
def test_an_imported_file_means_the_terms_it_was_written_from(terms: OfferTerms) -> None:
    """Whatever ``to_offer`` writes maps back to the same terms; the rest it refuses."""
    identity = OfferIdentity("imported", "offer-abcdef123", "prod-4x7yvqjzt5abc")
    try:
        text = offer_yaml(terms, identity, config(), legal_documents)
    except NotExpressible:
        return
    assert offer_terms(load_offer(text), config(), documents_url) == terms


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    importable_terms(), st.sets(st.sampled_from(["targeting", "availability", "pricing", "legal"]))
)
def test_an_imported_draft_means_the_terms_it_was_written_from(
    terms: OfferTerms, left_out: set[str]
) -> None:
    """A draft without some of its parts (the console's "Save and exit") is written without
    them, as ``lifecycle: draft``, and maps back to the same terms."""
    gone = dict.fromkeys(left_out)
    if "pricing" in left_out:
        gone.update(validity=None, payment_schedule=None)
        info = terms.information
        assert info is not None
        gone["information"] = replace(info, pre_existing_agreement=None)
    draft = replace(terms, **gone)  # type: ignore[arg-type]
    identity = OfferIdentity("imported", "offer-abcdef123", "prod-4x7yvqjzt5abc", draft=True)
    try:
        text = offer_yaml(draft, identity, config(), legal_documents)
    except NotExpressible:
        return
    assert "lifecycle: draft" in text
    assert offer_terms(load_offer(text), config(), documents_url) == draft
