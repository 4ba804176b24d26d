"""OFR110-OFR117 offer information rules, as example tables.

In CONTRACT_OFFER the name is on line 5 (value at column 9) and the description on line 6
(value at column 16); ``spec`` is on line 4. INSTALLMENT_OFFER has no description.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from offerops.lint.rules import information
from support import (
    CONFIG,
    CONTRACT_OFFER,
    INSTALLMENT_OFFER,
    USAGE_OFFER,
    Case,
    OfferRepo,
    run_case,
)

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


# --- hostile text: any field of any size lints in well under a second ---------------------------

ONE_MIB = 1024 * 1024 - 2000
"""A name that keeps the whole offer file under the 1 MiB file limit."""

HOSTILE_TEXTS = {
    "letters": "a" * ONE_MIB,
    "dotted": "a." * (ONE_MIB // 2),
    "after-at": "x@" + "a" * ONE_MIB,
    "dashed-domain": "x@a." + "-" * ONE_MIB,
    "digits": "1" * ONE_MIB,
    "plus-spaces": "+1" + " " * ONE_MIB + "x",
    "phones": "(555) 123-4567 " * (ONE_MIB // 15),
    "dashed-phones": "555-123-4567 " * (ONE_MIB // 13),
    "emails": "a@b.cd " * (ONE_MIB // 7),
}


@pytest.mark.parametrize("text", HOSTILE_TEXTS.values(), ids=list(HOSTILE_TEXTS))
def test_personal_data_patterns_are_linear(text: str) -> None:
    """The e-mail pattern once took 15 s on a 100,000-character name (quadratic: minutes on
    1 MiB); phone spans were compared pairwise (70 s on 1 MiB of numbers). Linear, 1 MiB takes
    a few hundredths of a second to 0.3 s; the bound leaves room for a busy CI machine."""
    start = time.perf_counter()
    information._EMAIL_RE.findall(text)
    information._phone_numbers(text)
    assert time.perf_counter() - start < 2.0


def test_a_one_mib_name_lints_fast(repo: OfferRepo) -> None:
    repo.offer(named('"' + "x@" + "a" * ONE_MIB + '"'))
    start = time.perf_counter()
    rules = repo.rules()
    assert time.perf_counter() - start < 1.0
    assert "OFR110" in rules


def test_personal_data_is_still_found_and_listed_briefly(repo: OfferRepo) -> None:
    repo.offer(named('"Acme (a@acme.example, b@acme.example, c@acme.example, d@acme.example)"'))
    (finding,) = [f for f in repo.findings() if f.rule == "OFR117"]
    assert 'e-mail address "a@acme.example"' in finding.message
    assert "and 1 more" in finding.message


def test_phone_numbers_found_by_two_patterns_are_listed_once() -> None:
    assert information._phone_numbers("call +1 (555) 123-4567 or 555-123-4567") == [
        "+1 (555) 123-4567",
        "555-123-4567",
    ]
