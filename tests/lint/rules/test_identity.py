"""OFR2xx identity rules and OFR7xx repository rules, as example tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import CONFIG, CONTRACT_OFFER, Case, OfferRepo, run_case

WITH_ID = CONTRACT_OFFER.replace("key: acme-2027\n", "key: acme-2027\nid: offer-abc\n")

CASES = [
    Case("OFR201", CONTRACT_OFFER.replace("key: acme-2027", "key: Acme_2027"), [(3, 6, "OFR201")]),
    Case("OFR201", CONTRACT_OFFER, []),
    Case("OFR202", CONTRACT_OFFER, [(3, 6, "OFR202")], key="acme-2028"),
    Case("OFR202", CONTRACT_OFFER, []),
    Case(
        "OFR204",
        CONTRACT_OFFER.replace("product: analytics-saas", "product: analytics-sass"),
        [(7, 12, "OFR204")],
    ),
    Case("OFR204", CONTRACT_OFFER, []),
    Case(
        "OFR205",
        WITH_ID,
        [(4, 5, "OFR205")],
        files=(("offers/a-first.yaml", WITH_ID.replace("key: acme-2027", "key: a-first")),),
    ),
    Case(
        "OFR205",
        WITH_ID,
        [],
        files=(("offers/a-first.yaml", CONTRACT_OFFER.replace("key: acme-2027", "key: a-first")),),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_rule_case(case: Case, tmp_path: Path) -> None:
    assert run_case(case, tmp_path) == case.expect


def test_duplicate_offer_key_across_directories(repo: OfferRepo) -> None:
    repo.write("offers/us/acme-2027.yaml", CONTRACT_OFFER)
    repo.write("offers/emea/acme-2027.yaml", CONTRACT_OFFER)
    findings = repo.findings()
    assert {(f.file, f.line, f.rule) for f in findings} == {
        ("offers/emea/acme-2027.yaml", 3, "OFR203"),
        ("offers/us/acme-2027.yaml", 3, "OFR203"),
    }


def test_duplicate_offer_key_passes_with_distinct_names(repo: OfferRepo) -> None:
    repo.write("offers/us/acme-2027.yaml", CONTRACT_OFFER)
    repo.write("offers/emea/acme-2028.yaml", CONTRACT_OFFER.replace("acme-2027", "acme-2028"))
    assert repo.hits() == []


def test_duplicate_buyer_account_is_reported_in_config(repo: OfferRepo) -> None:
    repo.write("offerops.yaml", CONFIG + '  acme-alt: { account: "123456789012", name: Acme }\n')
    repo.offer(CONTRACT_OFFER)
    findings = repo.lint().findings
    assert [(f.file, f.line, f.rule) for f in findings] == [("offerops.yaml", 27, "OFR701")]


def test_duplicate_offer_id_against_files_not_linted(repo: OfferRepo) -> None:
    """Under --changed-since only the changed file is linted; the unchanged twin still counts."""
    from offerops.lint.runner import LintRequest, lint
    from support import TODAY

    repo.offer(WITH_ID)
    repo.offer(WITH_ID.replace("key: acme-2027", "key: zz-new"), key="zz-new")
    only = frozenset({"offers/acme-2027.yaml"})
    report = lint(LintRequest(root=repo.root, today=TODAY, only=only))
    assert [(f.file, f.line, f.rule) for f in report.findings] == [
        ("offers/acme-2027.yaml", 4, "OFR205")
    ]
    assert "offers/zz-new.yaml" in report.findings[0].message


def test_many_files_with_one_key_name_three_others_each(repo: OfferRepo) -> None:
    """A hostile pull request with thousands of copies must not make each finding list all."""
    for index in range(6):
        repo.write(f"offers/d{index}/acme-2027.yaml", CONTRACT_OFFER)
    messages = [f.message for f in repo.lint().findings if f.rule == "OFR203"]
    assert len(messages) == 6
    assert all(message.count("offers/d") == 3 and "and 2 more" in message for message in messages)
