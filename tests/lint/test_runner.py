"""The lint runner: parallel and sequential runs agree; rule settings from offerops.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from offerops.lint.finding import Finding, Severity
from offerops.lint.revision import BaseRevision
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


@dataclass
class FakeBase:
    """A :class:`offerops.lint.revision.BaseRevision` without git: files by path, renames."""

    files: dict[str, bytes]
    renamed: dict[str, str] = field(default_factory=dict)
    """Current path -> path at the base."""
    released_keys: set[str] | None = None
    ref: str = "main"

    def previous_path(self, relpath: str) -> str | None:
        previous = self.renamed.get(relpath, relpath)
        return previous if previous in self.files else None

    def read(self, relpath: str) -> bytes | None:
        return self.files.get(relpath)

    def released(self, key: str) -> bool | None:
        return None if self.released_keys is None else key in self.released_keys


def _history(repo: OfferRepo, base: BaseRevision | None, jobs: str = "1") -> list[Finding]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OFFEROPS_JOBS", jobs)
        report = lint(LintRequest(repo.root, TODAY, keep_models=False, base=base))
    return [f for f in report.findings if f.rule in {"OFR220", "OFR221", "OFR222"}]


def _base_of(config: str = CONFIG, **offers: str) -> FakeBase:
    files = {f"offers/{key}.yaml": text.encode() for key, text in offers.items()}
    return FakeBase({"offerops.yaml": config.encode(), **files})


def test_history_rules_run_only_with_a_base_revision(repo: OfferRepo) -> None:
    repo.offer(CONTRACT_OFFER.replace('"25000.00"', '"24000.00"'))
    assert _history(repo, None) == []
    (finding,) = _history(repo, _base_of(**{"acme-2027": CONTRACT_OFFER}))
    assert (finding.line, finding.rule, finding.severity) == (13, "OFR222", Severity.WARNING)
    assert finding.message.startswith("pricing changed since main; if the offer")
    assert finding.offer == "acme-2027"


def test_history_severity_goes_through_the_runner(repo: OfferRepo) -> None:
    """A problem's own severity (OFR222 "if released": warning) is the default; ``lint.rules``
    still wins (made an error), and a warning rule can be switched off, like any rule."""
    settings = (
        "lint:\n  rules:\n"
        "    released-terms-changed: { severity: error, reason: all ours are released }\n"
        '    key-changed: { severity: "off", reason: renames are reviewed }\n'
    )
    repo.write("offerops.yaml", CONFIG + settings)
    repo.offer(CONTRACT_OFFER.replace('"25000.00"', '"24000.00"'))
    renamed = CONTRACT_OFFER.replace("key: acme-2027", "key: acme-2028")
    repo.offer(renamed, "acme-2028")
    base = _base_of(**{"acme-2027": CONTRACT_OFFER, "old": CONTRACT_OFFER})
    base.renamed = {"offers/acme-2028.yaml": "offers/old.yaml"}
    assert [(f.rule, f.severity) for f in _history(repo, base)] == [("OFR222", Severity.ERROR)]


def test_history_rules_see_models_even_when_lint_would_run_in_parallel(
    repo: OfferRepo,
) -> None:
    for number in range(3):
        repo.offer(CONTRACT_OFFER.replace("key: acme-2027", f"key: o-{number}"), f"o-{number}")
    old = CONTRACT_OFFER.replace("key: acme-2027", "key: old-key")
    base = _base_of(**{f"o-{number}": old for number in range(3)})
    base.released_keys = {"old-key"}
    findings = _history(repo, base, jobs="2")
    assert [(f.offer, f.rule, f.severity) for f in findings] == [
        (f"o-{number}", "OFR220", Severity.WARNING) for number in range(3)
    ]
