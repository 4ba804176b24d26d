"""OFR0xx: the file itself (encoding, syntax, tags, size), as example tables.

Hostile YAML is part of the table: unsafe tags are never constructed, alias bombs and cycles are
refused quickly, and the position of a finding does not depend on line endings or a BOM.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from support import CONTRACT_OFFER, INSTALLMENT_OFFER, Case, OfferRepo, run_case

C = CONTRACT_OFFER


def billion_laughs(levels: int = 9) -> str:
    """Each level is a list of ten aliases of the level below: 10**levels strings in all."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{aliases}]")
    return "\n".join(lines) + "\n"


ANCHORED = C.replace('price: "25000.00"', 'price: &price "25000.00"').replace(
    'price: "500.00"', "price: *price"
)
"""Anchors used for what they are for: a small repeated value."""

CASES = [
    # OFR001 yaml-syntax
    Case(
        "OFR001",
        C.replace("    - globex-uk\n", "    - [globex-uk\n"),
        [(13, 10, "OFR001")],
        name="unclosed-bracket",
    ),
    Case("OFR001", "key: acme-2027\nspec:\n\tname: x\n", [(3, 1, "OFR001")], name="tab"),
    Case(
        "OFR001",
        C.replace("  renewal: none\n", "  renewal none\n"),
        [(8, 3, "OFR001")],  # the key without its colon
        name="missing-colon",
    ),
    Case("OFR001", "key: acme-2027\nspec: [\n", [(2, 8, "OFR001")]),
    Case("OFR001", "key: \x07bell\n", [(1, 6, "OFR001")], name="control-character"),
    Case("OFR001", "key: *nowhere\n", [(1, 6, "OFR001")], name="undefined-alias"),
    Case("OFR001", C, []),
    # OFR002 duplicate-key
    Case(
        "OFR002",
        C.replace("  renewal: none\n", "  renewal: none\n  renewal: none\n"),
        [(9, 3, "OFR002")],
    ),
    Case(
        "OFR002",
        C.replace("    terms: standard-eula\n", "    terms: standard-eula\n    terms: scmp\n"),
        [(29, 5, "OFR002")],
        name="nested",
    ),
    Case(
        "OFR002",
        C.replace("apiVersion: offerops/v1\n", "apiVersion: offerops/v1\n" * 2),
        [(2, 1, "OFR002")],
        name="top-level",
    ),
    Case("OFR002", C, []),
    # OFR003 unsafe-tag: the node is read as plain data and reported, never constructed
    Case(
        "OFR003",
        C.replace(
            "name: Acme Corp - Analytics Enterprise 2027",
            'name: !!python/object/apply:os.system ["echo pwned"]',
        ),
        [(5, 9, "OFR003")],  # never constructed, reported once
        name="python-object",
    ),
    Case("OFR003", C.replace("renewal: none", "renewal: !custom none"), [(8, 12, "OFR003")]),
    Case(
        "OFR003",
        C.replace("description: Three", "description: !!binary VGhyZWU="),
        [(6, 16, "OFR003")],
        name="binary",
    ),
    Case("OFR003", C, []),
    Case("OFR003", C.replace("description: ", "description: !!str "), [], name="core-tag"),
    # OFR004 empty-file
    Case("OFR004", "", [(1, 1, "OFR004")], name="empty"),
    Case("OFR004", "# TODO: write the Acme offer\n\n# later\n", [(1, 1, "OFR004")]),
    Case("OFR004", C, []),
    # OFR005 file-encoding
    Case(
        "OFR005",
        C.replace("Three-year", "Caf\xe9 three-year").encode("latin-1"),
        [(6, 19, "OFR005")],
        name="latin-1",
    ),
    Case(
        "OFR005",
        C.replace("Three-year", "Three\x00year").encode(),
        [(6, 21, "OFR005")],
        name="nul-byte",
    ),
    Case("OFR005", b"\xff\xfe" + C.encode("utf-16-le"), [(1, 1, "OFR005")], name="utf-16"),
    Case("OFR005", C.replace("Three-year", "Caf\xe9 three-year").encode(), [], name="utf-8"),
    Case("OFR005", b"\xef\xbb\xbf" + C.encode(), [], name="bom"),
    Case(
        "OFR005",
        C.replace("\nspec:\n", "\rspec:\n").encode(),
        [(3, 15, "OFR005")],
        name="lone-cr",
    ),
    Case(
        "OFR005",
        C.replace("Three-year", "Three\u2028year").encode(),
        [(6, 21, "OFR005")],
        name="line-separator",
    ),
    # line endings and BOM do not move positions
    Case("OFR104", C.replace('"500.00"', "500.5").encode(), [(25, 16, "OFR104")], name="lf"),
    Case(
        "OFR104",
        C.replace('"500.00"', "500.5").replace("\n", "\r\n").encode(),
        [(25, 16, "OFR104")],
        name="crlf",
    ),
    Case(
        "OFR104",
        b"\xef\xbb\xbf" + C.replace('"500.00"', "500.5").encode(),
        [(25, 16, "OFR104")],
        name="bom",
    ),
    # OFR006 document-too-complex
    Case("OFR006", billion_laughs(), [(1, 38, "OFR006")], name="billion-laughs"),
    Case("OFR006", "key: &k [*k]\n", [(1, 6, "OFR006")], name="alias-cycle"),
    Case("OFR006", "spec: &s\n  again: *s\n", [(1, 7, "OFR006")], name="mapping-cycle"),
    Case("OFR006", "key: " + "[" * 100 + "]" * 100 + "\n", [(1, 69, "OFR006")], name="deep"),
    Case(
        "OFR006",
        C.replace("  renewal: none\n", "  renewal:\n    " + "- " * 100_000 + "x\n"),
        [(9, 129, "OFR006")],
        name="deep-block-sequences",
    ),
    Case(
        "OFR006",
        C.replace("  renewal: none\n", "".join(" " * i + "k:\n" for i in range(2, 70))),
        [(71, 66, "OFR006")],
        name="deep-indented-mappings",
    ),
    Case("OFR006", ANCHORED, [], name="small-anchor"),
    # OFR007 multiple-documents
    Case("OFR007", C + "---\n" + C, [(29, 1, "OFR007")]),
    Case("OFR007", C + "---\n", [(29, 1, "OFR007")], name="empty-second-document"),
    Case("OFR007", "---\n" + C + "...\n", [], name="explicit-markers"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_rule_case(case: Case, tmp_path: Path) -> None:
    assert run_case(case, tmp_path) == case.expect


SEAT = C.replace(
    '      - key: users\n        price: "25000.00"\n',
    '      - &seat\n        key: users\n        price: "25000.00"\n',
).replace('      - key: admins\n        price: "500.00"\n', "      - <<: *seat\n")
"""The second dimension merges the first (``<<: *seat``, line 25) without its own key: the same
dimension twice (OFR303)."""

REPEATED = [
    # a finding about a value reached through an alias points at the alias, not the anchor
    Case(
        "OFR503",
        C.replace(
            '    - "123456789012"\n    - globex-uk\n', "    - &acme acme-prod\n    - *acme\n"
        ),
        [(12, 7, "OFR503")],
        name="alias",
    ),
    Case("OFR303", SEAT, [(25, 13, "OFR303")], name="merge-key"),
    Case(
        "OFR303", SEAT.replace("<<: *seat", "<<: [*seat]"), [(25, 14, "OFR303")], name="merge-list"
    ),
    Case(
        "OFR316",
        INSTALLMENT_OFFER.replace("{ date: 2027-01-15,", "{ date: &first 2027-01-15,").replace(
            "{ date: 2027-04-15,", "{ date: *first,"
        ),
        [(22, 19, "OFR316")],
        name="date-alias",
    ),
    Case(
        "OFR101",
        SEAT.replace(
            '        price: "25000.00"\n', '        price: "25000.00"\n        prize: 1\n'
        ),
        [(24, 9, "OFR101"), (26, 13, "OFR101")],
        name="merged-key",
    ),
]


@pytest.mark.parametrize("case", REPEATED, ids=lambda case: case.id)
def test_repeated_values_are_found_where_they_are_repeated(case: Case, tmp_path: Path) -> None:
    assert run_case(case, tmp_path) == case.expect


def syntax_message(repo: OfferRepo, text: str) -> tuple[int, int, str]:
    repo.offer(text)
    (finding,) = repo.findings()
    assert finding.rule == "OFR001"
    return finding.line, finding.column, finding.message


TAB = "tab characters are not allowed for indentation, use spaces"


@pytest.mark.parametrize(
    ("offer", "expect"),
    [
        (C.replace("  renewal: none", "\trenewal: none"), (8, 1, TAB)),
        (C.replace("      durationMonths: 36", "    \t  durationMonths: 36"), (18, 5, TAB)),
        (C.replace("    - globex-uk", "\t- globex-uk"), (12, 1, TAB)),
        (C.replace("    - globex-uk", "    -\tglobex-uk"), (12, 6, TAB)),
    ],
    ids=["key", "nested", "list-item", "after-dash"],
)
def test_tabs_are_named(repo: OfferRepo, offer: str, expect: tuple[int, int, str]) -> None:
    assert syntax_message(repo, offer) == expect


def test_a_tab_inside_a_value_is_fine(repo: OfferRepo) -> None:
    repo.offer(C.replace("renewal: none", "renewal:\tnone"))
    assert repo.findings() == []


@pytest.mark.parametrize(
    ("offer", "expect"),
    [
        (
            C.replace("    currency: USD", "   currency: USD"),
            (
                15,
                4,
                '"currency" is indented 3 spaces, which lines up with no key above it ("model" '
                "on line 14 is indented 4 spaces); indent it like the keys it belongs with",
            ),
        ),
        (
            C.replace("      durationMonths: 36", "        durationMonths: 36"),
            (
                18,
                9,
                '"durationMonths" is indented more than "starts" on line 17, so it reads as part '
                'of the value of "starts"; indent "durationMonths" like "starts" (6 spaces), or '
                "like the key it belongs to",
            ),
        ),
        (
            C.replace("    - globex-uk", "   - globex-uk"),
            (
                12,
                4,
                'list item "- globex-uk" is indented 3 spaces, but the list item above it '
                "(line 11) is indented 4 spaces; line up the items of one list",
            ),
        ),
        (
            C.replace("      - key: admins", "     - key: admins"),
            (
                24,
                6,
                'list item "- key: admins" is indented 5 spaces, but the list item above it '
                "(line 21) is indented 6 spaces; line up the items of one list",
            ),
        ),
        (
            C.replace("Analytics Enterprise 2027", "Analytics: Enterprise 2027"),
            (
                5,
                30,
                'the value of "name" contains ": "; put it in quotes: '
                'name: "Acme Corp - Analytics: Enterprise 2027"',
            ),
        ),
    ],
    ids=["under-indented-key", "over-indented-key", "list-item", "list-of-mappings", "colon"],
)
def test_broken_indentation_names_the_key(
    repo: OfferRepo, offer: str, expect: tuple[int, int, str]
) -> None:
    assert syntax_message(repo, offer) == expect


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:os.system ['touch {marker}']",
        "!!python/name:os.system",
        "!!python/object:pathlib.Path {{}}",
        "!touch '{marker}'",
    ],
)
def test_tags_are_never_constructed(tagged: str, repo: OfferRepo, tmp_path: Path) -> None:
    marker = tmp_path / "constructed"
    value = tagged.format(marker=marker)
    repo.offer(C.replace("description: Three-year enterprise agreement.", f"description: {value}"))
    findings = repo.findings()
    assert not marker.exists()
    assert (6, 16, "OFR003") in [(f.line, f.column, f.rule) for f in findings]
    assert "is not allowed in offer files" in findings[0].message


def test_billion_laughs_is_refused_quickly(repo: OfferRepo) -> None:
    repo.offer(billion_laughs(12))
    start = time.perf_counter()
    findings = repo.findings()
    assert [f.rule for f in findings] == ["OFR006"]
    assert "more than 100000 nodes" in findings[0].message
    assert time.perf_counter() - start < 5


def test_very_deep_flow_nesting_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    """Run in a subprocess: the failure mode is the interpreter dying, not an exception."""
    script = textwrap.dedent(
        """
        from offerops.source.loader import parse_text
        depth = 100_000
        document, problems = parse_text("key: " + "[" * depth + "]" * depth + "\\n", "x.yaml")
        print(problems[0].rule)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert (result.returncode, result.stdout.strip()) == (0, "OFR006")


def test_duplicate_key_message_names_the_first(repo: OfferRepo) -> None:
    repo.offer(C.replace("  renewal: none\n", "  renewal: none\n  renewal: none\n"))
    (finding,) = repo.findings()
    assert finding.message == 'duplicate key "renewal" (first at line 8); keep one of them'


def test_one_bad_file_does_not_stop_the_run(repo: OfferRepo) -> None:
    repo.write("offers/broken.yaml", "key: [\n")
    repo.offer(C.replace('"500.00"', "500.5"))
    assert {(f.file, f.rule) for f in repo.findings()} == {
        ("offers/broken.yaml", "OFR001"),
        ("offers/acme-2027.yaml", "OFR104"),
    }
