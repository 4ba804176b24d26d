"""OFR206-OFR208 channel partner private offer (CPPO) rules, as example tables.

CPPO below is CONTRACT_OFFER for a resold product (``partner-saas`` in RESOLD, whose
``manufacturerAccountId`` is another ISV's account) with a ``channel`` on lines 8-10
(``markupPercentage`` value at line 10, column 23), so ``buyers`` moves to line 13 and its
entries to lines 14-15.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support import CONFIG, CONTRACT_OFFER, Case, run_case

CHANNEL = """\
  channel:
    resaleAuthorization: resaleauthz-1a2b3c4d5e6f7
    markupPercentage: "8.5"
"""
RESOLD = CONFIG.replace(
    "buyers:\n",
    "  partner-saas:\n"
    "    id: prod-7h6g5f4d3s2a1\n"
    "    type: saas\n"
    '    manufacturerAccountId: "999988887777"\n'
    "    dimensions:\n"
    "      - { key: users, name: Users, unit: Units }\n"
    "      - { key: admins, name: Admin seats, unit: Units }\n"
    "resaleAuthorizations:\n"
    "  resaleauthz-1a2b3c4d5e6f7: { product: partner-saas }\n"
    "buyers:\n",
    1,
)
"""CONFIG plus ``partner-saas``, a product the seller resells (it has a manufacturer), and the
resale authorization its ISV shared."""
CPPO = CONTRACT_OFFER.replace("  product: analytics-saas\n", "  product: partner-saas\n" + CHANNEL)
ONE_BUYER = CPPO.replace("    - globex-uk\n", "")


def markup(value: str) -> str:
    return ONE_BUYER.replace('markupPercentage: "8.5"', f"markupPercentage: {value}")


CASES = [
    # OFR206 markup-percentage-decimals
    Case("OFR206", markup('"8.1234567891"'), [(10, 23, "OFR206")], config=RESOLD),
    Case("OFR206", markup("1e-10"), [(10, 23, "OFR206")], config=RESOLD, name="float"),
    Case("OFR206", markup('"8.123456789"'), [], config=RESOLD, name="nine"),
    Case("OFR206", markup("12"), [], config=RESOLD, name="integer"),
    Case(
        "OFR206",
        ONE_BUYER.replace('    markupPercentage: "8.5"\n', ""),
        [],
        config=RESOLD,
        name="none",
    ),
    Case("OFR206", ONE_BUYER, [], config=RESOLD),
    # OFR207 cppo-single-buyer (warning)
    Case("OFR207", CPPO, [(13, 3, "OFR207")], config=RESOLD),
    Case("OFR207", ONE_BUYER, [], config=RESOLD),
    Case(
        "OFR207",
        ONE_BUYER.replace('    - "123456789012"\n', '    - "123456789012"\n    - acme-prod\n'),
        [(15, 7, "OFR503")],
        config=RESOLD,
        name="same-account-twice",
    ),
    Case("OFR207", CONTRACT_OFFER, [], name="direct-offer"),
    # OFR208 direct-offer-for-resold-product
    Case(
        "OFR208",
        CONTRACT_OFFER.replace("product: analytics-saas", "product: partner-saas"),
        [(7, 12, "OFR208")],
        config=RESOLD,
    ),
    Case("OFR208", ONE_BUYER, [], config=RESOLD),
    Case("OFR208", CONTRACT_OFFER, [], config=RESOLD, name="direct-offer-for-own-product"),
    Case(
        "OFR208",
        CONTRACT_OFFER.replace("product: analytics-saas", "product: partner-sass"),
        [(7, 12, "OFR204")],
        config=RESOLD,
        name="unknown-product-skips",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_rule_case(case: Case, tmp_path: Path) -> None:
    assert run_case(case, tmp_path) == case.expect
