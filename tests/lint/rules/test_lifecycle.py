"""OFR230-OFR234: replacement offers (``spec.replaces``), as example tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import CONTRACT_OFFER, Case, run_case

ONE_BUYER = CONTRACT_OFFER.replace("    - globex-uk\n", "")
REPLACING = ONE_BUYER.replace(
    "  renewal: none\n", "  renewal: none\n  replaces:\n    offer: acme-2026\n"
)
"""Lines: renewal 8, replaces 9, offer 10, expiresOn 11, buyers 12 (one buyer, line 13)."""
REPLACED = (("offers/acme-2026.yaml", CONTRACT_OFFER.replace("key: acme-2027", "key: acme-2026")),)
BOTH = REPLACING.replace(
    "    offer: acme-2026\n", "    agreement: agmt-1a2b3c\n    offer: acme-2026\n"
)
OTHER_BUYER = (
    (
        "offers/acme-2026.yaml",
        CONTRACT_OFFER.replace("key: acme-2027", "key: acme-2026")
        .replace('    - "123456789012"\n', "")
        .replace("    - globex-uk\n", "    - initech-br\n"),
    ),
)

CASES = [
    Case("OFR230", BOTH, [(9, 3, "OFR230")], files=REPLACED),
    Case(
        "OFR230",
        REPLACING.replace("  replaces:\n    offer: acme-2026\n", "  replaces: {}\n"),
        [(9, 3, "OFR230")],
        files=REPLACED,
        name="neither",
    ),
    Case("OFR230", REPLACING, [], files=REPLACED),
    Case("OFR231", REPLACING, [(10, 12, "OFR231")]),
    Case(
        "OFR231",
        REPLACING.replace("offer: acme-2026", "offer: acme-2027"),
        [(10, 12, "OFR231")],
        name="itself",
    ),
    Case("OFR231", REPLACING, [], files=REPLACED),
    Case("OFR232", REPLACING, [(13, 5, "OFR232")], files=OTHER_BUYER),
    Case("OFR232", REPLACING, [], files=REPLACED),
    Case(
        "OFR233",
        REPLACING.replace("renewal: none", "renewal: moving-to-marketplace"),
        [(8, 12, "OFR233")],
        files=REPLACED,
    ),
    Case(
        "OFR233",
        REPLACING.replace("renewal: none", "renewal: existing-marketplace-customer"),
        [],
        files=REPLACED,
    ),
    Case(
        "OFR234",
        REPLACING.replace("  buyers:\n", "  buyers:\n    - globex-uk\n"),
        [(13, 5, "OFR234")],
        files=REPLACED,
    ),
    Case("OFR234", REPLACING, [], files=REPLACED),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_rule_case(case: Case, tmp_path: Path) -> None:
    assert run_case(case, tmp_path) == case.expect


def test_a_draft_and_an_agreement_id_lint_clean(tmp_path: Path) -> None:
    text = ONE_BUYER.replace(
        "  renewal: none\n", "  renewal: none\n  replaces: { agreement: agmt-abcdef123 }\n"
    )
    case = Case("OFR230", text + "  lifecycle: draft\n", [])
    assert run_case(case, tmp_path) == []
