"""OFR5xx buyer rules, as example tables.

CONTRACT_OFFER lists its buyers on lines 11 ("123456789012", which is acme-prod/US) and 12
(globex-uk/GB); the ``buyers`` key is on line 10.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support import (
    CONFIG,
    CONTRACT_OFFER,
    INSTALLMENT_OFFER,
    USAGE_OFFER,
    Case,
    OfferRepo,
    run_case,
)

GB_CONFIG = CONFIG.replace("bankCountry: US", "bankCountry: GB")
NO_COUNTRY = '  nocountry-ltd: { account: "444455556666", name: No Country Ltd }\n'
ONLY_GLOBEX = CONTRACT_OFFER.replace('    - "123456789012"\n', "")
"""CONTRACT_OFFER with globex-uk (GB) as its only buyer, on line 11."""


def with_buyers(*entries: str) -> str:
    """CONTRACT_OFFER with other buyer entries; the first is on line 11."""
    listed = "".join(f"    - {entry}\n" for entry in entries)
    return CONTRACT_OFFER.replace('    - "123456789012"\n    - globex-uk\n', listed)


def policy(max_buyers: int) -> str:
    return CONFIG + f"policy:\n  maxBuyersPerOffer: {max_buyers}\n"


MANY = [f'"{n:012d}"' for n in range(100000000001, 100000000027)]
"""26 distinct account ids: more than the default policy's 25."""

CASES = [
    # OFR501 buyer-id-format (reported by the model)
    Case("OFR501", with_buyers("123456789012", "globex-uk"), [(11, 7, "OFR501")], name="bare"),
    Case("OFR501", with_buyers('"12345678901"'), [(11, 7, "OFR501")], name="11-digits"),
    Case("OFR501", with_buyers("Acme Prod"), [(11, 7, "OFR501")], name="alias-chars"),
    Case("OFR501", CONTRACT_OFFER, []),
    # OFR502 unknown-buyer-alias
    Case("OFR502", CONTRACT_OFFER.replace("- globex-uk", "- globex-k"), [(12, 7, "OFR502")]),
    Case("OFR502", with_buyers("nobody-here"), [(11, 7, "OFR502")], name="no-suggestion"),
    Case("OFR502", CONTRACT_OFFER, []),
    Case("OFR502", USAGE_OFFER, [], name="raw-id-needs-no-registry"),
    # OFR503 duplicate-buyer
    Case("OFR503", with_buyers('"123456789012"', "acme-prod"), [(12, 7, "OFR503")]),
    Case("OFR503", with_buyers("acme-prod", '"123456789012"'), [(12, 7, "OFR503")], name="id"),
    Case(
        "OFR503",
        with_buyers("globex-uk", "acme-prod", "globex-uk"),
        [(13, 7, "OFR503")],
        name="same-alias",
    ),
    Case("OFR503", CONTRACT_OFFER, []),
    # OFR504 too-many-buyers
    Case("OFR504", with_buyers(*MANY), [(10, 3, "OFR504")], name="default-policy"),
    Case("OFR504", CONTRACT_OFFER, [(10, 3, "OFR504")], config=policy(1), name="policy"),
    Case("OFR504", with_buyers(*MANY[:25]), [], name="25"),
    Case("OFR504", CONTRACT_OFFER, [], config=policy(2)),
    # OFR505 buyer-outside-emea
    Case("OFR505", CONTRACT_OFFER, [(11, 7, "OFR505")], config=GB_CONFIG, name="raw-id"),
    Case("OFR505", with_buyers("initech-br"), [(11, 7, "OFR505")], config=GB_CONFIG),
    Case("OFR505", ONLY_GLOBEX, [], config=GB_CONFIG),
    Case("OFR505", CONTRACT_OFFER, [], name="us-bank"),
    # OFR506 buyer-not-registered (warning)
    Case("OFR506", with_buyers('"999988887777"'), [(11, 7, "OFR506")], config=GB_CONFIG),
    Case(
        "OFR506",
        with_buyers("nocountry-ltd"),
        [(11, 7, "OFR506")],
        config=GB_CONFIG + NO_COUNTRY,
        name="no-country",
    ),
    Case("OFR506", with_buyers("globex-k"), [(11, 7, "OFR502")], config=GB_CONFIG, name="alias"),
    Case("OFR506", ONLY_GLOBEX, [], config=GB_CONFIG),
    Case("OFR506", with_buyers('"999988887777"'), [], name="us-bank"),
    # OFR507 seller-account-as-buyer (warning)
    Case("OFR507", with_buyers("globex-uk", '"111122223333"'), [(12, 7, "OFR507")]),
    Case("OFR507", CONTRACT_OFFER, []),
    Case("OFR507", INSTALLMENT_OFFER, [], name="installments"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_rule_case(case: Case, tmp_path: Path) -> None:
    assert run_case(case, tmp_path) == case.expect


def messages(case: Case, tmp_path: Path) -> list[str]:
    repo = OfferRepo.create(tmp_path, case.config)
    repo.offer(str(case.offer))
    return [finding.message for finding in repo.findings(case.today)]


def test_unknown_alias_suggests_the_closest(tmp_path: Path) -> None:
    case = Case("OFR502", with_buyers("acme-prd"), [])
    assert messages(case, tmp_path) == ['unknown buyer alias "acme-prd"; did you mean "acme-prod"?']


def test_duplicate_names_the_first_entry(tmp_path: Path) -> None:
    case = Case("OFR503", with_buyers('"123456789012"', "acme-prod"), [])
    assert messages(case, tmp_path) == [
        'buyer "acme-prod" (account "123456789012") is already listed as item 1, '
        '"123456789012"; remove one of them'
    ]


def test_buyer_not_registered_can_be_switched_off(tmp_path: Path) -> None:
    config = GB_CONFIG + (
        "lint:\n  rules:\n    buyer-not-registered:\n"
        "      { severity: off, reason: EMEA status is checked in our CRM }\n"
    )
    case = Case("OFR506", with_buyers('"999988887777"'), [], config=config)
    assert run_case(case, tmp_path) == []


def test_outside_emea_cannot_be_switched_off(tmp_path: Path) -> None:
    config = GB_CONFIG + (
        "lint:\n  rules:\n    buyer-outside-emea: { severity: off, reason: we know }\n"
    )
    case = Case("OFR505", with_buyers("initech-br"), [(11, 7, "OFR505")], config=config)
    assert run_case(case, tmp_path) == case.expect
