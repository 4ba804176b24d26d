"""OFR206-OFR207 channel partner private offer (CPPO) rules, as example tables.

CPPO below is CONTRACT_OFFER with a ``channel`` on lines 8-10 (``markupPercentage`` value at
line 10, column 23), so ``buyers`` moves to line 13 and its entries to lines 14-15.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support import CONTRACT_OFFER, Case, run_case

CHANNEL = """\
  channel:
    resaleAuthorization: resaleauthz-1a2b3c4d5e6f7
    markupPercentage: "8.5"
"""
CPPO = CONTRACT_OFFER.replace(
    "  product: analytics-saas\n", "  product: analytics-saas\n" + CHANNEL
)
ONE_BUYER = CPPO.replace("    - globex-uk\n", "")


def markup(value: str) -> str:
    return ONE_BUYER.replace('markupPercentage: "8.5"', f"markupPercentage: {value}")


CASES = [
    # OFR206 markup-percentage-decimals
    Case("OFR206", markup('"8.1234567891"'), [(10, 23, "OFR206")]),
    Case("OFR206", markup("1e-10"), [(10, 23, "OFR206")], name="float"),
    Case("OFR206", markup('"8.123456789"'), [], name="nine"),
    Case("OFR206", markup("12"), [], name="integer"),
    Case("OFR206", ONE_BUYER.replace('    markupPercentage: "8.5"\n', ""), [], name="none"),
    Case("OFR206", ONE_BUYER, []),
    # OFR207 cppo-single-buyer (warning)
    Case("OFR207", CPPO, [(13, 3, "OFR207")]),
    Case("OFR207", ONE_BUYER, []),
    Case(
        "OFR207",
        ONE_BUYER.replace('    - "123456789012"\n', '    - "123456789012"\n    - acme-prod\n'),
        [(15, 7, "OFR503")],
        name="same-account-twice",
    ),
    Case("OFR207", CONTRACT_OFFER, [], name="direct-offer"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_rule_case(case: Case, tmp_path: Path) -> None:
    assert run_case(case, tmp_path) == case.expect
