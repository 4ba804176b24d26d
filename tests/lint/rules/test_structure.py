"""OFR1xx structure rules (fields, types, money, apiVersion/kind), as example tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import (
    CONTRACT_OFFER,
    INSTALLMENT_OFFER,
    QUANTITY_SLOT,
    USAGE_OFFER,
    Case,
    OfferRepo,
    run_case,
)

C = CONTRACT_OFFER
SCHEDULE = """\
      schedule:
        - { date: 2027-01-15, amount: "30000.00" }
        - { date: 2027-04-15, amount: "30000.00" }
        - { date: 2027-07-15, amount: "30000.00" }
"""
assert SCHEDULE in INSTALLMENT_OFFER


def plan(count: str) -> str:
    """INSTALLMENT_OFFER with a generated plan on line 20 (``count`` value at column 70)."""
    line = f"      plan: {{ frequency: quarterly, firstInvoice: 2027-01-15, count: {count} }}\n"
    return INSTALLMENT_OFFER.replace(SCHEDULE, line)


STRICT_TYPES = [
    # a boolean is never a number, a number never a date: each at its value
    Case("OFR103", C.replace(QUANTITY_SLOT, "        quantity: true\n"), [(23, 19, "OFR103")]),
    Case("OFR103", C.replace("durationMonths: 36", "durationMonths: true"), [(18, 23, "OFR103")]),
    Case("OFR103", C.replace("durationMonths: 36", "durationMonths: 36.0"), [(18, 23, "OFR103")]),
    Case("OFR103", C.replace("durationMonths: 36", 'durationMonths: "36"'), [(18, 23, "OFR103")]),
    Case("OFR103", C.replace("2027-03-31", "1801353600"), [(9, 14, "OFR103")]),
    Case("OFR103", C.replace("2027-03-31", "01/31/2027"), [(9, 14, "OFR103")]),
    Case("OFR103", C.replace("2027-03-31", "2027-02-30"), [(9, 14, "OFR103")]),
    Case("OFR103", plan("true"), [(20, 70, "OFR103")]),
    Case(
        "OFR103",
        USAGE_OFFER.replace("endsOn: 2027-12-31", "endsOn: 20271231"),
        [(13, 15, "OFR103")],
    ),
    Case(
        "OFR103",
        USAGE_OFFER.replace("endsOn: 2027-12-31", "durationMonths: yes"),
        [(13, 23, "OFR103")],
    ),
    Case("OFR103", INSTALLMENT_OFFER.replace("2027-04-15", "1807833600"), [(22, 19, "OFR103")]),
    Case("OFR103", C.replace("starts: on-acceptance", "starts: 1801353600"), [(17, 15, "OFR103")]),
    # what stays accepted: a quoted ISO date, a plan with a whole number
    Case("OFR103", C.replace("2027-03-31", '"2027-03-31"'), [], name="quoted-date"),
    Case("OFR103", plan("3"), [], name="plan-count"),
]

CASES = [
    # OFR101 unknown-field: at the key, with a suggestion
    Case("OFR101", C.replace("  renewal: none", "  renewl: none"), [(8, 3, "OFR101")]),
    Case(
        "OFR101",
        C.replace("      durationMonths: 36", "      durationMonths: 36\n      autoRenew: true"),
        [(19, 7, "OFR101")],
        name="nested",
    ),
    Case("OFR101", C.replace("key: acme-2027", "key: acme-2027\nname: x"), [(4, 1, "OFR101")]),
    Case("OFR101", C, []),
    # OFR102 missing-field: at the key of the mapping it belongs in
    Case(
        "OFR102",
        C.replace("  name: Acme Corp - Analytics Enterprise 2027\n", ""),
        [(4, 1, "OFR102")],
    ),
    # a released offer without expiresOn is OFR106's (a draft may leave it out)
    Case("OFR106", C.replace("  expiresOn: 2027-03-31\n", ""), [(4, 1, "OFR106")], name="expiry"),
    Case(
        "OFR102",
        C.replace("    currency: USD\n", ""),
        [(13, 3, "OFR102")],
        name="pricing-currency",
    ),
    Case("OFR102", C.replace("apiVersion: offerops/v1\n", ""), [(1, 1, "OFR102")], name="top"),
    Case("OFR102", C, []),
    Case("OFR102", USAGE_OFFER, [], name="usage"),
    # OFR103 invalid-value: wrong type or not an allowed value, at the value
    Case(
        "OFR103",
        C.replace("durationMonths: 36", "durationMonths: three"),
        [(18, 23, "OFR103")],
    ),
    Case("OFR103", C.replace("terms: standard-eula", "terms: custm"), [(28, 12, "OFR103")]),
    Case(
        "OFR103",
        C.replace("  legal:\n    terms: standard-eula\n", "  legal: [standard-eula]\n"),
        [(27, 10, "OFR103")],
        name="list-for-mapping",
    ),
    Case("OFR103", C.replace("renewal: none", "renewal: 42"), [(8, 12, "OFR103")], name="int"),
    Case("OFR103", C, []),
    # OFR104 money-format: a bare number is refused with the quoted form to use
    Case("OFR104", C.replace('price: "25000.00"', "price: 25000"), [(22, 16, "OFR104")]),
    Case("OFR104", C.replace('"500.00"', "500.5"), [(25, 16, "OFR104")], name="float"),
    Case("OFR104", C.replace('"500.00"', '"5OO.00"'), [(25, 16, "OFR104")], name="letters"),
    Case("OFR104", C, []),
    # OFR105 not-an-offer
    Case("OFR105", C.replace("apiVersion: offerops/v1", "apiVersion: v1"), [(1, 13, "OFR105")]),
    Case("OFR105", C.replace("kind: PrivateOffer", "kind: Offer"), [(2, 7, "OFR105")], name="kind"),
    Case(
        "OFR105",
        C.replace("apiVersion: offerops/v1", "apiVersion: offerops/v2"),
        [(1, 13, "OFR105")],
        name="future-version",
    ),
    Case("OFR105", C, []),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_rule_case(case: Case, tmp_path: Path) -> None:
    assert run_case(case, tmp_path) == case.expect


@pytest.mark.parametrize("case", STRICT_TYPES, ids=lambda case: case.id)
def test_strict_types(case: Case, tmp_path: Path) -> None:
    assert run_case(case, tmp_path) == case.expect


def messages(repo: OfferRepo, text: str) -> list[str]:
    repo.offer(text)
    return [finding.message for finding in repo.findings()]


def test_unknown_field_suggests_the_closest(repo: OfferRepo) -> None:
    assert messages(repo, C.replace("  renewal: none", "  renewl: none")) == [
        'unknown field "renewl" in "spec"; did you mean "renewal"?'
    ]


def test_unknown_field_without_a_close_match_lists_the_allowed(repo: OfferRepo) -> None:
    (message,) = messages(repo, C.replace("  renewal: none", "  zzz: none"))
    assert message.startswith('unknown field "zzz" in "spec"; allowed here: buyers, channel, ')


def test_missing_field_names_the_field_and_its_parent(repo: OfferRepo) -> None:
    assert messages(repo, C.replace("  product: analytics-saas\n", "")) == [
        'missing required field "product" in "spec"; add it'
    ]


def test_bare_number_price_shows_the_quoted_form(repo: OfferRepo) -> None:
    assert messages(repo, C.replace('"500.00"', "500.5")) == [
        'price must be a quoted decimal like "500.50", got the bare number 500.5'
    ]


def test_wrong_type_names_the_value(repo: OfferRepo) -> None:
    assert messages(repo, C.replace("durationMonths: 36", "durationMonths: three")) == [
        'durationMonths must be a whole number, got "three"'
    ]


@pytest.mark.parametrize(
    ("offer", "message"),
    [
        (
            C.replace(QUANTITY_SLOT, "        quantity: true\n"),
            "quantity must be a whole number, got the boolean true",
        ),
        (
            C.replace("durationMonths: 36", "durationMonths: true"),
            "durationMonths must be a whole number, got the boolean true",
        ),
        (
            C.replace("durationMonths: 36", "durationMonths: 36.5"),
            "durationMonths must be a whole number, got the number 36.5",
        ),
        (
            C.replace("durationMonths: 36", 'durationMonths: "36"'),
            'durationMonths must be a whole number, got "36"; remove the quotes',
        ),
        (plan("true"), "count must be a whole number, got the boolean true"),
        (
            C.replace("2027-03-31", "1801353600"),
            "expiresOn must be a date written YYYY-MM-DD, got the number 1801353600",
        ),
        (
            C.replace("2027-03-31", "true"),
            "expiresOn must be a date written YYYY-MM-DD, got the boolean true",
        ),
        (
            C.replace("2027-03-31", "2027-03-31T23:59:59Z"),
            "expiresOn must be a date written YYYY-MM-DD, without a time of day, "
            'got "2027-03-31T23:59:59Z"',
        ),
        (
            C.replace("starts: on-acceptance", "starts: 1801353600"),
            'starts must be "on-acceptance" or a date written YYYY-MM-DD, '
            "got the number 1801353600",
        ),
    ],
    ids=[
        "bool-quantity",
        "bool-months",
        "float-months",
        "quoted-months",
        "bool-count",
        "number-date",
        "bool-date",
        "timestamp",
        "number-starts",
    ],
)
def test_strict_type_messages(repo: OfferRepo, offer: str, message: str) -> None:
    assert messages(repo, offer) == [message]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "01/31/2027",
            'expiresOn is "01/31/2027", but dates are written YYYY-MM-DD, e.g. 2027-01-31',
        ),
        (
            "31.01.2027",
            'expiresOn is "31.01.2027", but dates are written YYYY-MM-DD, e.g. 2027-01-31',
        ),
        (
            "03/04/2027",
            'expiresOn is "03/04/2027", but dates are written YYYY-MM-DD, '
            "e.g. 2027-03-04 or 2027-04-03",
        ),
        (
            "2027-3-31",
            'expiresOn is "2027-3-31", but dates are written YYYY-MM-DD, e.g. 2027-03-31',
        ),
        (
            "next year",
            'expiresOn is "next year", but dates are written YYYY-MM-DD, e.g. 2027-01-31',
        ),
        (
            "2027-02-30",
            'expiresOn is "2027-02-30", which is not a calendar date (February 2027 has 28 days)',
        ),
        ("2027-13-01", 'expiresOn is "2027-13-01", which has no month 13'),
    ],
)
def test_dates_in_another_format_are_shown_as_written(
    repo: OfferRepo, written: str, message: str
) -> None:
    assert messages(repo, C.replace("expiresOn: 2027-03-31", f"expiresOn: {written}")) == [message]


def test_a_date_in_another_format_for_starts_gets_the_date_message(repo: OfferRepo) -> None:
    offer = C.replace("starts: on-acceptance", "starts: 01/31/2027")
    assert messages(repo, offer) == [
        'starts is "01/31/2027", but dates are written YYYY-MM-DD, e.g. 2027-01-31'
    ]


def test_pricing_model_echoes_the_bad_value_at_its_line(repo: OfferRepo) -> None:
    repo.offer(C.replace("model: contract", "model: contracts"))
    assert [(f.line, f.column, f.rule, f.message) for f in repo.findings()] == [
        (14, 12, "OFR103", 'model must be usage or contract, got "contracts"')
    ]


def test_missing_pricing_model_says_what_to_add(repo: OfferRepo) -> None:
    repo.offer(C.replace("    model: contract\n", ""))
    assert [(f.line, f.rule, f.message) for f in repo.findings()] == [
        (
            13,
            "OFR102",
            'missing required field "model" in "pricing"; add "model: usage" or "model: contract"',
        )
    ]


def test_closed_sets_echo_the_value(repo: OfferRepo) -> None:
    assert messages(repo, C.replace("renewal: none", "renewal: 42")) == [
        'renewal must be "none", "existing-marketplace-customer" or "moving-to-marketplace", '
        "got the number 42"
    ]


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ("true", "markupPercentage must be a number, got the boolean true"),
        ("eight", 'markupPercentage must be a number, got "eight"'),
    ],
)
def test_markup_is_a_number_never_a_boolean(repo: OfferRepo, markup: str, message: str) -> None:
    channel = (
        "  channel:\n"
        "    resaleAuthorization: resaleauthz-1a2b3c4d5e6f7\n"
        f"    markupPercentage: {markup}\n"
    )
    offer = C.replace("  product: analytics-saas\n", "  product: analytics-saas\n" + channel)
    repo.offer(offer)
    assert [(f.line, f.column, f.message) for f in repo.findings()] == [(10, 23, message)]


def test_config_booleans_and_numbers_are_strict(repo: OfferRepo) -> None:
    """``yes`` is a string in YAML 1.2 and ``true`` no number: offerops.yaml is strict too."""
    config = repo.root / "offerops.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      - { key: GB, name: Data scanned, unit: GB, usage: true }",
            "      - { key: GB, name: Data scanned, unit: GB, usage: yes }",
        )
        + "policy:\n  maxBuyersPerOffer: true\n",
        encoding="utf-8",
    )
    found = [(f.line, f.column, f.message) for f in repo.lint().findings]
    assert found == [
        (16, 57, 'usage must be true or false, got "yes"'),
        (28, 22, "maxBuyersPerOffer must be a whole number, got the boolean true"),
    ]


def test_structure_errors_carry_the_offer_key(repo: OfferRepo) -> None:
    repo.offer(C.replace("  renewal: none", "  renewl: none"))
    assert [finding.offer for finding in repo.findings()] == ["acme-2027"]
