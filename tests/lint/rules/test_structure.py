"""OFR1xx structure rules (fields, types, money, apiVersion/kind), as example tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import CONTRACT_OFFER, USAGE_OFFER, Case, OfferRepo, run_case

C = CONTRACT_OFFER

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
    Case("OFR102", C.replace("  expiresOn: 2027-03-31\n", ""), [(4, 1, "OFR102")]),
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
    assert messages(repo, C.replace("  expiresOn: 2027-03-31\n", "")) == [
        'missing required field "expiresOn" in "spec"; add it'
    ]


def test_bare_number_price_shows_the_quoted_form(repo: OfferRepo) -> None:
    assert messages(repo, C.replace('"500.00"', "500.5")) == [
        'price must be a quoted decimal like "500.50", got the bare number 500.5'
    ]


def test_wrong_type_names_the_value(repo: OfferRepo) -> None:
    (message,) = messages(repo, C.replace("durationMonths: 36", "durationMonths: three"))
    assert message.startswith("durationMonths must be a valid integer")
    assert message.endswith('got "three"')


def test_structure_errors_carry_the_offer_key(repo: OfferRepo) -> None:
    repo.offer(C.replace("  renewal: none", "  renewl: none"))
    assert [finding.offer for finding in repo.findings()] == ["acme-2027"]
