"""OFR110-OFR117 offer information rules, as example tables.

In CONTRACT_OFFER the name is on line 5 (value at column 9) and the description on line 6
(value at column 16); ``spec`` is on line 4. INSTALLMENT_OFFER has no description.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support import CONFIG, CONTRACT_OFFER, INSTALLMENT_OFFER, USAGE_OFFER, Case, run_case

NAME = "Acme Corp - Analytics Enterprise 2027"
DESCRIPTION = "Three-year enterprise agreement."
REQUIRE_DESCRIPTION = CONFIG + "policy:\n  requireDescription: true\n"


def named(name: str) -> str:
    """CONTRACT_OFFER with another name (a YAML scalar, quoted by the caller if needed)."""
    return CONTRACT_OFFER.replace(f"name: {NAME}", f"name: {name}")


def described(description: str) -> str:
    """CONTRACT_OFFER with another description (a YAML scalar or block)."""
    return CONTRACT_OFFER.replace(f"description: {DESCRIPTION}", f"description: {description}")


CASES = [
    # OFR110 offer-name-length
    Case("OFR110", named("A" * 151), [(5, 9, "OFR110")]),
    Case("OFR110", named("A" * 150), [], name="150"),
    Case("OFR110", named('"Café ünïcode ' + "é" * 137 + '"'), [], name="150-unicode"),
    Case("OFR110", CONTRACT_OFFER, []),
    # OFR111 offer-description-length
    Case("OFR111", described("d" * 256), [(6, 16, "OFR111")]),
    Case("OFR111", described("d" * 255), [], name="255"),
    Case("OFR111", INSTALLMENT_OFFER, [], name="none"),
    # OFR112 offer-name-characters
    Case("OFR112", named("Acme <Analytics>"), [(5, 9, "OFR112")]),
    Case("OFR112", named("Acme; Analytics"), [(5, 9, "OFR112")], name="semicolon"),
    Case("OFR112", named('"Acme \\\\ Analytics"'), [(5, 9, "OFR112")], name="backslash"),
    Case("OFR112", named("Acme - Analytics & Co. (2027)"), []),
    # OFR113 offer-description-characters (warning)
    Case("OFR113", described("Three years; paid upfront."), [(6, 16, "OFR113")]),
    Case("OFR113", described("Three years, paid upfront."), []),
    # OFR114 offer-text-leading-space
    Case("OFR114", named('"  Acme Corp"'), [(5, 9, "OFR114")]),
    Case("OFR114", described('"   "'), [(6, 16, "OFR114")], name="blank-description"),
    Case("OFR114", described('""'), [], name="empty-description"),
    Case("OFR114", CONTRACT_OFFER, []),
    # OFR115 offer-text-invisible-characters (warning)
    Case("OFR115", named('"Acme Corp\\u200b 2027"'), [(5, 9, "OFR115")], name="zero-width"),
    Case("OFR115", named('"Acme\\tCorp"'), [(5, 9, "OFR115")], name="tab"),
    Case("OFR115", named('"Acme Corp "'), [(5, 9, "OFR115")], name="trailing-space"),
    Case("OFR115", described(f">\n    {DESCRIPTION}"), [(6, 16, "OFR115")], name="folded"),
    Case("OFR115", described(f">-\n    {DESCRIPTION}"), [], name="folded-strip"),
    Case("OFR115", described("|-\n    Line one.\n    Line two."), [], name="multi-line"),
    Case("OFR115", named('"Team \U0001f468\u200d\U0001f469 Analytics"'), [], name="zwj-emoji"),
    Case("OFR115", CONTRACT_OFFER, []),
    # OFR116 description-required
    Case("OFR116", INSTALLMENT_OFFER, [(4, 1, "OFR116")], config=REQUIRE_DESCRIPTION),
    Case("OFR116", described('""'), [(6, 3, "OFR116")], config=REQUIRE_DESCRIPTION, name="empty"),
    Case("OFR116", CONTRACT_OFFER, [], config=REQUIRE_DESCRIPTION),
    Case("OFR116", INSTALLMENT_OFFER, [], name="not-required"),
    # OFR117 personal-data-in-offer-text (warning)
    Case("OFR117", named("Acme Corp (jane.doe@acme.example)"), [(5, 9, "OFR117")]),
    Case("OFR117", described("Call +44 20 7946 0958."), [(6, 16, "OFR117")], name="intl"),
    Case("OFR117", described("Call (555) 123-4567."), [(6, 16, "OFR117")], name="area-code"),
    Case("OFR117", described("Call 555.123.4567."), [(6, 16, "OFR117")], name="dotted"),
    Case("OFR117", named("Acme 2027-03-31 to 2029-03-31, 500 users"), [], name="dates"),
    Case("OFR117", described("Account 123456789012, +15% uplift, v1.2.3."), [], name="numbers"),
    Case("OFR117", CONTRACT_OFFER, []),
    Case("OFR117", USAGE_OFFER, [], name="usage"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_rule_case(case: Case, tmp_path: Path) -> None:
    assert run_case(case, tmp_path) == case.expect
