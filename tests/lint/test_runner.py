"""The lint runner: parallel and sequential runs agree; rule settings from offerops.yaml."""

from __future__ import annotations

import pytest

from offerops.lint.runner import LintRequest, lint
from support import CONFIG, CONTRACT_OFFER, TODAY, USAGE_OFFER, OfferRepo


def _many(repo: OfferRepo, count: int) -> None:
    for number in range(count):
        key = f"offer-{number:04d}"
        text = (CONTRACT_OFFER if number % 2 else USAGE_OFFER).replace(
            "key: acme-2027", f"key: {key}"
        )
        if number % 7 == 0:
            text = text.replace("expiresOn: 2027-03-31", "expiresOn: 2025-03-31")
        if number % 11 == 0:
            text = text.replace("key: offer", "id: offer-dup\nkey: offer")
        repo.offer(text, key=key)


def test_parallel_lint_finds_exactly_what_sequential_lint_finds(
    repo: OfferRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _many(repo, 40)
    monkeypatch.setenv("OFFEROPS_JOBS", "1")
    sequential = lint(LintRequest(root=repo.root, today=TODAY, keep_models=False))
    monkeypatch.setenv("OFFEROPS_JOBS", "2")
    parallel = lint(LintRequest(root=repo.root, today=TODAY, keep_models=False))
    assert parallel.findings == sequential.findings
    assert {f.rule for f in parallel.findings} >= {"OFR205"}
    assert len(parallel.offers) == 40
    assert all(loaded.key for loaded in parallel.offers)


def test_warning_switched_off_with_a_reason(repo: OfferRepo) -> None:
    text = CONTRACT_OFFER.replace("  description: Three-year enterprise agreement.\n", "")
    config = CONFIG.replace("buyers:\n", "policy:\n  requireDescription: false\nbuyers:\n")
    repo.write(
        "offerops.yaml", config + "lint:\n  rules:\n    OFR507: { severity: off, reason: test }\n"
    )
    repo.offer(text.replace('    - "123456789012"\n', '    - "111122223333"\n'))
    assert "OFR507" not in repo.rules()


def test_error_cannot_be_switched_off(repo: OfferRepo) -> None:
    repo.write(
        "offerops.yaml",
        CONFIG + "lint:\n  rules:\n    unknown-product: { severity: off, reason: x }\n",
    )
    repo.offer(CONTRACT_OFFER)
    findings = repo.lint().findings
    assert [(f.file, f.rule) for f in findings] == [("offerops.yaml", "OFR702")]
    assert "cannot be switched off" in findings[0].message


def test_unknown_rule_in_settings(repo: OfferRepo) -> None:
    repo.write(
        "offerops.yaml", CONFIG + "lint:\n  rules:\n    OFR999: { severity: off, reason: x }\n"
    )
    repo.offer(CONTRACT_OFFER)
    (finding,) = repo.lint().findings
    assert (finding.rule, finding.line) == ("OFR702", 29)


def test_a_one_mib_key_gives_a_short_message(repo: OfferRepo) -> None:
    """Messages quote keys and values; a hostile key must not make a 1 MiB finding."""
    key = "k" * (1024 * 1024 - 4000)
    repo.offer(CONTRACT_OFFER.replace("spec:\n", f"spec:\n  ? {key}\n  : 1\n"))
    (finding,) = repo.findings()
    assert finding.rule == "OFR101"
    assert len(finding.message) < 300
    assert f"({len(key):,} characters)" in finding.message
