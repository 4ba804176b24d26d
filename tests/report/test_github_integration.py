"""What GitHub needs beyond the reporters' output: paths from the git root, the rules page URL,
and the job summary written by ``lint --format github``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from offerops.docs import DOCS_URL_ENV, docs_url
from offerops.errors import UsageError
from offerops.gitops.gitrepo import work_tree_prefix
from offerops.lint.finding import Finding, Severity
from offerops.lint.runner import LintReport
from offerops.report import summary
from support import CONTRACT_OFFER, OfferRepo

PAGE = "https://github.com/example/offerops/blob/v0.1.0/docs/rules.md"


def test_work_tree_prefix(tmp_path: Path) -> None:
    root = tmp_path / "mono" / "teams" / "deals"
    root.mkdir(parents=True)
    assert work_tree_prefix(root) == "", "outside git: paths stay as they are"
    (tmp_path / "mono" / ".git").mkdir()
    assert work_tree_prefix(root) == "teams/deals/"
    assert work_tree_prefix(tmp_path / "mono") == ""
    (root / ".git").write_text("gitdir: /somewhere/else\n")  # a worktree or submodule
    assert work_tree_prefix(root) == ""


def test_docs_url_from_the_environment() -> None:
    assert docs_url({}) is None
    assert docs_url({DOCS_URL_ENV: " "}) is None
    assert docs_url({DOCS_URL_ENV: PAGE + "#index"}) == PAGE
    with pytest.raises(UsageError, match="absolute http"):
        docs_url({DOCS_URL_ENV: "docs/rules.md"})


def test_summary_escapes_what_the_seller_wrote() -> None:
    message = 'name "<img src=x>|*x*" is [too](javascript:1) `long`'
    finding = Finding("offers/a.yaml", 3, 5, "OFR103", "invalid-value", Severity.ERROR, message)
    text = summary.render(LintReport([finding], files=2))
    row = text.splitlines()[-1]
    assert row.startswith("| offers/a.yaml:3:5 | error | OFR103 invalid-value | ")
    assert "<img" not in row and "&lt;img src=x&gt;" in row
    assert row.count(" | ") == 3 and "\\|\\*x\\*" in row
    assert "\\[too\\](javascript:1) \\`long\\`" in row


def test_summary_without_findings_and_with_too_many() -> None:
    assert summary.render(LintReport([], files=2)) == (
        "### offerops lint\n\n**2 files checked, no problems**\n"
    )
    many = [
        Finding("offers/a.yaml", line, 1, "OFR004", "empty-file", Severity.WARNING, "m")
        for line in range(1, summary.MAX_ROWS + 3)
    ]
    text = summary.render(LintReport(many, files=2))
    assert text.count("\n| offers/a.yaml:") == summary.MAX_ROWS
    assert text.endswith("… and 2 more: see the step's log or the SARIF file.\n")


def monorepo(tmp_path: Path) -> OfferRepo:
    """An offers repository in ``deals/`` of a git work tree, with one broken offer."""
    (tmp_path / ".git").mkdir()
    repo = OfferRepo.create(tmp_path / "deals")
    repo.offer(CONTRACT_OFFER.replace('price: "500.00"', "price: 500.5"))
    return repo


def run_lint(repo: OfferRepo, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    from offerops.cli import cli

    arguments = ["--root", str(repo.root), "lint", "--today", "2026-11-23", *args]
    result = CliRunner().invoke(cli, arguments, env=env)
    return result.exit_code, result.output


def test_lint_github_in_a_subdirectory_writes_annotations_and_the_job_summary(
    tmp_path: Path,
) -> None:
    repo = monorepo(tmp_path)
    target = tmp_path / "summary.md"
    target.write_text("earlier step\n")
    code, output = run_lint(repo, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(target)})
    assert code == 1
    assert output.startswith("::error file=deals/offers/acme-2027.yaml,line=")
    written = target.read_text()
    assert written.startswith("earlier step\n### offerops lint\n")
    assert "| deals/offers/acme-2027.yaml:" in written and "OFR104 money-format" in written


def test_lint_sarif_in_a_subdirectory_with_a_docs_url(tmp_path: Path) -> None:
    repo = monorepo(tmp_path)
    code, output = run_lint(repo, "--format", "sarif", env={DOCS_URL_ENV: PAGE})
    assert code == 1
    run = json.loads(output)["runs"][0]
    location = run["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "deals/offers/acme-2027.yaml"
    assert run["tool"]["driver"]["rules"][0]["helpUri"].startswith(PAGE + "#ofr")


def test_lint_refuses_a_relative_docs_url_for_sarif_only(tmp_path: Path) -> None:
    repo = monorepo(tmp_path)
    code, output = run_lint(repo, "--format", "sarif", env={DOCS_URL_ENV: "docs/rules.md"})
    assert code == 2 and DOCS_URL_ENV in output
    code, output = run_lint(repo, env={DOCS_URL_ENV: "docs/rules.md"})
    assert code == 1 and output.startswith("offers/acme-2027.yaml:")


def test_an_unwritable_job_summary_does_not_change_the_result(tmp_path: Path) -> None:
    repo = monorepo(tmp_path)
    env = {"GITHUB_STEP_SUMMARY": str(tmp_path / "missing-dir" / "summary.md")}
    code, output = run_lint(repo, "--format", "github", env=env)
    assert code == 1 and "job summary not written" in output
