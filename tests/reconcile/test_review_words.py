"""The reviewer's view in words, and the review flags, on small hand-made offers.

The golden plans show the example offers; these pin the rules behind the words: money per
currency, lengths, units, differences in amount and percent, custom EULA documents whose
content changed, and when a total moves far enough to flag.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from offerops.reconcile.review import flags, price_decreased, total_moved
from offerops.reconcile.view import (
    BuyerRef,
    Directory,
    LegalDocument,
    LegalView,
    OfferView,
    Payment,
    PricedDimension,
    Review,
    TermLength,
    view_of,
)
from offerops.reconcile.view_json import review_from_json, review_json
from offerops.reconcile.wording import (
    TIMES,
    compare,
    difference,
    duration_words,
    legal_words,
    length_words,
    money,
    rows,
    unit_word,
)
from offerops.terms.legal import custom
from offerops.terms.offer import OfferTerms
from offerops.terms.pricing import FixedUpfrontPricingTerm, Grant, Pricing
from offerops.terms.values import Duration


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("1200", "USD", "USD 1,200.00"),
        ("0.085", "USD", "USD 0.085"),
        ("0.120", "USD", "USD 0.12"),
        ("1000", "JPY", "JPY 1,000"),
        ("330000.00", "EUR", "EUR 330,000.00"),
    ],
)
def test_money_has_its_currency_separators_and_the_decimals_it_needs(
    amount: str, currency: str, shown: str
) -> None:
    assert money(Decimal(amount), currency) == shown


@pytest.mark.parametrize(
    ("before", "after", "shown"),
    [
        ("250.00", "240.00", "-10.00 (-4.0%)"),
        ("0.12", "0.11", "-0.01 (-8.3%)"),
        ("330000", "396000", "+66,000.00 (+20.0%)"),
        ("0.085", "0.09", "+0.005 (+5.9%)"),
        ("0", "100", "+100.00"),
        ("250", "250.00", ""),
    ],
)
def test_a_difference_is_an_amount_and_a_percent(before: str, after: str, shown: str) -> None:
    assert difference(Decimal(before), Decimal(after)) == shown


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        (Duration(months=36), "36 months"),
        (Duration(months=1), "1 month"),
        (Duration(days=650), "650 days"),
        (Duration(years=1, months=2), "1 year 2 months"),
    ],
)
def test_durations_are_words(duration: Duration, words: str) -> None:
    assert duration_words(duration) == words


def test_a_length_says_from_when() -> None:
    assert length_words(TermLength(Duration(months=12))) == "12 months from acceptance"
    starts = TermLength(Duration(months=12), starts=date(2027, 2, 1))
    assert length_words(starts) == "12 months from 2027-02-01"
    ends = TermLength(ends=date(2027, 12, 31))
    assert length_words(ends) == "from acceptance until 2027-12-31"


@pytest.mark.parametrize(
    ("unit", "word"),
    [("Hrs", "hour"), ("Units", "unit"), ("GB", "GB"), ("Seats", "seat"), (None, "unit")],
)
def test_units_read_as_per_unit(unit: str | None, word: str) -> None:
    assert unit_word(unit) == word


MSA = LegalDocument("aaaaaaaaaaaaaaaa", "legal/msa.pdf")
FORM = LegalDocument("bbbbbbbbbbbbbbbb", "legal/form.txt")
FORM_BEFORE = LegalDocument("cccccccccccccccc")


def test_custom_documents_say_which_content_changed() -> None:
    before = LegalView("custom", documents=(MSA, FORM_BEFORE))
    after = LegalView("custom", documents=(MSA, FORM))
    assert legal_words(after, before, later=True) == (
        "custom: legal/msa.pdf (unchanged)",
        "        legal/form.txt (content changed)",
    )
    assert legal_words(before, after, later=False) == (
        "custom: legal/msa.pdf",
        "        an earlier version of legal/form.txt",
    )


def test_a_document_added_to_a_custom_eula_is_new() -> None:
    before = LegalView("custom", documents=(MSA,))
    after = LegalView("custom", documents=(MSA, FORM))
    assert legal_words(after, before, later=True)[1] == "        legal/form.txt (new)"


def test_standard_forms_are_named_as_the_offer_file_names_them() -> None:
    assert legal_words(LegalView("standard-eula"), None, later=True) == ("standard EULA",)
    assert legal_words(LegalView("scmp"), None, later=True)[0].startswith("SCMP")
    other = LegalView("StandardEula", version="2020-01-01")
    assert legal_words(other, None, later=True) == ("StandardEula version 2020-01-01",)


def _fixed(price: str, quantity: int) -> OfferTerms:
    term = FixedUpfrontPricingTerm("USD", Decimal(price), (Grant("gateways", quantity),))
    return OfferTerms(pricing=Pricing("Contract", (term,)))


def test_a_single_fixed_dimension_shows_its_price_per_unit_times_its_quantity() -> None:
    view = view_of(_fixed("72000.00", 150), None, None, Directory())
    assert view.dimensions == (
        PricedDimension("gateways", "contract", price=Decimal("480.00"), quantity=150),
    )
    assert view.total == Decimal("72000.00")
    row = next(row for row in rows(view) if row.key == "contract gateways")
    assert row.lines == (f"USD 480.00 per unit {TIMES} 150 = USD 72,000.00",)


def test_a_price_that_is_no_whole_cent_per_unit_shows_the_total_only() -> None:
    view = view_of(_fixed("100.00", 3), None, None, Directory())
    assert view.dimensions[0].price is None
    assert next(r for r in rows(view) if r.key == "total").lines == ("USD 100.00",)


def test_installments_show_the_balance_left_down_to_zero() -> None:
    view = OfferView(
        currency="USD",
        fixed_price=Decimal("0.00"),
        dimensions=(PricedDimension("users", "contract", quantity=500),),
        installments=(
            Payment(date(2027, 2, 1), Decimal("90000.00")),
            Payment(date(2027, 8, 1), Decimal("30000.00")),
        ),
    )
    shown = {row.key: row.lines for row in rows(view)}
    assert shown["total"] == ("USD 120,000.00 in 2 installments",)
    assert shown["installments"] == (
        "2027-02-01  USD 90,000.00  balance USD 30,000.00",
        "2027-08-01  USD 30,000.00  balance USD      0.00",
    )
    assert shown["contract users"] == ("quantity 500",)


def _priced(price: str, total: str | None = None) -> OfferView:
    dimension = PricedDimension("users", "contract", price=Decimal(price))
    fixed = Decimal(total) if total is not None else None
    return OfferView(currency="USD", dimensions=(dimension,), fixed_price=fixed)


def test_price_decreases_and_totals_beyond_the_threshold_are_flagged() -> None:
    assert price_decreased(_priced("250"), _priced("240"))
    assert not price_decreased(_priced("250"), _priced("260"))
    assert price_decreased(_priced("1", "1000"), _priced("1", "900"))
    assert total_moved(_priced("1", "1000"), _priced("1", "1101"), Decimal(10))
    assert not total_moved(_priced("1", "1000"), _priced("1", "1100"), Decimal(10))
    assert total_moved(_priced("1", "1000"), _priced("1", "1000.01"), Decimal(0))
    assert total_moved(_priced("1", "0"), _priced("1", "10"), Decimal(50))
    review = Review(_priced("250", "1000"), _priced("240", "2000"))
    assert flags(("expiry-change",), review, Directory()) == (
        "price-decrease",
        "total-change",
        "expiry-change",
    )
    assert flags(("new-buyer",), Review(None, _priced("1")), Directory()) == ("new-buyer",)


def test_changed_buyers_are_named() -> None:
    before = OfferView(buyers=(BuyerRef("123456789012", "acme-prod", "Acme Corp"),))
    after = OfferView(buyers=(BuyerRef("210987654321", "globex", "Globex GmbH"),))
    [row] = compare(before, after)
    assert row.difference == "added globex; removed acme-prod"
    assert row.after == ("globex: Globex GmbH, 210987654321",)


def test_a_review_survives_the_plan_json() -> None:
    view = OfferView(
        name="Offer",
        buyers=(BuyerRef("123456789012"),),
        expires=date(2027, 3, 31),
        currency="USD",
        length=TermLength(Duration(days=650)),
        annual=Duration(days=365),
        dimensions=(PricedDimension("m5.large", "annual", "hours", "Hrs", None, 4),),
        fixed_price=Decimal("0.00"),
        installments=(Payment(date(2027, 2, 15), Decimal("1200.00")),),
        legal=LegalView("custom", url="https://x.invalid/a.pdf", documents=(FORM_BEFORE,)),
        renewal="existing-marketplace-customer",
        refund_policy="None.",
        markup=Decimal("8.5"),
        other=(("countries", "US"),),
    )
    review = Review(view, OfferView(legal=LegalView("scmp")), "old-key")
    assert review_from_json(review_json(review)) == review
    assert review_from_json(None) is None


def test_a_custom_eula_url_is_named_by_the_documents_the_directory_knows() -> None:
    terms = OfferTerms(legal=custom(f"https://docs.invalid/eula/{MSA.digest}-{FORM.digest}.pdf"))
    known = {MSA.digest: MSA.path}
    view = view_of(terms, None, None, Directory(documents=known.get))
    assert view.legal is not None
    assert view.legal.documents == (MSA, LegalDocument(FORM.digest))


def test_quantities_one_says_the_buyer_chooses_no_quantity() -> None:
    """``contract.quantities: one`` (QuantityConfiguration Disallowed, AWS's tiered samples):
    the buyer picks a tier and gets one of it; the plan must not say they choose a quantity."""
    from offerops.terms.pricing.configurable import (
        ConfigurableRateCard,
        ConfigurableUpfrontPricingTerm,
    )
    from offerops.terms.pricing.rates import DimensionPrice

    card = ConfigurableRateCard(
        Duration(months=12),
        (DimensionPrice("basic", Decimal("100.00")),),
        multiple_dimension_selection="Disallowed",
        quantity_configuration="Disallowed",
    )
    term = ConfigurableUpfrontPricingTerm("USD", (card,))
    view = view_of(OfferTerms(pricing=Pricing("Contract", (term,))), None, None, Directory())
    assert view.quantities == "one"
    row = next(row for row in rows(view) if row.key == "contract basic")
    assert row.note == "one, no quantity to choose"
    review = Review(view, None, None)
    assert review_from_json(review_json(review)) == review
