"""OFR210-OFR211: resale authorizations declared in offerops.yaml, as example tables.

RESALE_CONFIG makes both products resold (``manufacturerAccountId``) and declares one
authorization for each. CPPO is CONTRACT_OFFER for one buyer with a ``channel`` on lines 8-9
(``resaleAuthorization`` value at line 9, column 26).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support import CONFIG, CONTRACT_OFFER, Case, OfferRepo, run_case

ISV = '    manufacturerAccountId: "999988887777"\n'
RESALE_CONFIG = (
    CONFIG.replace("    name: Acme Analytics\n", "    name: Acme Analytics\n" + ISV).replace(
        "    type: ami\n", "    type: ami\n" + ISV
    )
    + "resaleAuthorizations:\n"
    + "  resaleauthz-1a2b3c4d5e6f7: { product: analytics-saas }\n"
    + "  resaleauthz-0000vision: { product: vision-ami }\n"
)
CPPO = CONTRACT_OFFER.replace(
    "  product: analytics-saas\n",
    "  product: analytics-saas\n  channel:\n    resaleAuthorization: resaleauthz-1a2b3c4d5e6f7\n",
).replace("    - globex-uk\n", "")


def authorization(value: str) -> str:
    return CPPO.replace("resaleauthz-1a2b3c4d5e6f7", value)


CASES = [
    Case("OFR210", authorization("resaleauthz-1a2b3c4d5e6f8"), [(9, 26, "OFR210")],
         config=RESALE_CONFIG, name="typo"),
    Case("OFR210", authorization("resaleauthz-0000vision"), [(9, 26, "OFR210")],
         config=RESALE_CONFIG, name="other-product"),
    Case("OFR210", CPPO, [(9, 26, "OFR210")], config=RESALE_CONFIG.split("resaleAuth")[0],
         name="none-declared"),
    Case("OFR210", CPPO, [], config=RESALE_CONFIG),
    Case("OFR210", CONTRACT_OFFER, [], name="direct-offer"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_rule_case(case: Case, tmp_path: Path) -> None:
    assert run_case(case, tmp_path) == case.expect


def test_unknown_authorization_message_lists_the_declared_ones(tmp_path: Path) -> None:
    repo = OfferRepo.create(tmp_path, RESALE_CONFIG)
    repo.offer(authorization("resaleauthz-1a2b3c4d5e6f8"))
    (finding,) = [f for f in repo.findings() if f.rule == "OFR210"]
    assert finding.message == (
        'resale authorization "resaleauthz-1a2b3c4d5e6f8" is not declared in offerops.yaml '
        "(resaleAuthorizations; declared: resaleauthz-0000vision, resaleauthz-1a2b3c4d5e6f7); "
        "add the one the ISV shared, or fix the id"
    )


def config_findings(root: Path, config: str) -> list[tuple[int, int, str, str]]:
    repo = OfferRepo.create(root, config)
    repo.offer(CONTRACT_OFFER)
    return [
        (f.line, f.column, f.rule, f.message)
        for f in repo.lint().findings
        if f.file == "offerops.yaml"
    ]


def test_OFR211_authorization_for_an_unknown_or_own_product(tmp_path: Path) -> None:
    config = (
        CONFIG
        + "resaleAuthorizations:\n"
        + "  resaleauthz-1a2b3c4d5e6f7: { product: analytics-saas }\n"
        + "  resaleauthz-2: { product: gateway }\n"
    )
    found = config_findings(tmp_path, config)
    assert [(line, column, rule) for line, column, rule, _ in found] == [
        (28, 41, "OFR211"),
        (29, 29, "OFR211"),
    ]
    assert "no manufacturerAccountId" in found[0][3]
    assert 'product "gateway" is not in products' in found[1][3]


def test_OFR211_terms_price_a_dimension_of_the_product(tmp_path: Path) -> None:
    config = RESALE_CONFIG.replace(
        "  resaleauthz-1a2b3c4d5e6f7: { product: analytics-saas }\n",
        "  resaleauthz-1a2b3c4d5e6f7:\n"
        "    product: analytics-saas\n"
        '    terms: { prices: { users: "10.00", seats: "1.00" } }\n',
    )
    found = config_findings(tmp_path, config)
    assert [(line, rule) for line, _, rule, _ in found] == [(32, "OFR211")]
    assert found[0][3].startswith('"seats" is not a dimension of "analytics-saas"')


def test_OFR211_passes_for_resold_products(tmp_path: Path) -> None:
    assert config_findings(tmp_path, RESALE_CONFIG) == []
