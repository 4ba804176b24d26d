"""Reporters: golden files for every format, SARIF against the official schema, GitHub escaping.

Refresh the golden files after an intended change with
``.venv/bin/pytest tests/report --update-golden`` and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import offerops
from offerops.docs import render_rules_markdown, rule_anchor, rule_markdown
from offerops.gitops.gitrepo import work_tree_prefix
from offerops.lint.finding import Finding, Severity
from offerops.lint.rule import REGISTRY
from offerops.lint.runner import LintReport
from offerops.report import REPORTERS, ReportSettings, github, sarif, summary
from support import CONFIG, CONTRACT_OFFER, OfferRepo

GOLDEN = Path(__file__).parent / "golden"
SCHEMA = Path(__file__).parent / "fixtures" / "sarif-schema-2.1.0.json"

DOCS = "https://github.com/example/offerops/blob/v0.1.0/docs/rules.md"
"""A rules page URL, as the GitHub Action sets it (``OFFEROPS_DOCS_URL``)."""

GOLDEN_FILES = {
    # name: (reporter, color, the offers repository's directory inside the git work tree)
    "report.txt": ("text", False, ""),
    "report.color.txt": ("text", True, ""),
    "report.json": ("json", False, ""),
    "report.sarif": ("sarif", False, ""),
    "report.github.txt": ("github", False, ""),
    "subdir.sarif": ("sarif", False, "deals/"),
    "subdir.github.txt": ("github", False, "deals/"),
    "subdir.summary.md": ("summary", False, "deals/"),
}


def build_repo(root: Path) -> OfferRepo:
    """A fixed repository with errors in three offer files and a warning in offerops.yaml.

    Only rules whose messages are settled are used: YAML and structure (loader and models),
    key-matches-file, and currency-without-usd (the warning).
    """
    repo = OfferRepo.create(root, CONFIG.replace("currencies: [USD, EUR]", "currencies: [EUR]"))
    repo.offer(
        CONTRACT_OFFER.replace('price: "500.00"', "price: 500.5").replace(
            "  renewal: none", "  renewl: none"
        )
    )
    repo.offer(CONTRACT_OFFER, key="globex-2027")
    repo.write("offers/broken.yaml", 'key: broken\nspec:\n  buyers: ["123456789012"\n')
    return repo


@pytest.fixture
def golden_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LintReport:
    monkeypatch.setattr(offerops, "__version__", "0.0.0-golden")
    return build_repo(tmp_path.resolve()).lint()


def golden_run(work_tree: Path, inside: str) -> tuple[LintReport, ReportSettings]:
    """The golden repository at ``inside`` of a git work tree (only ``.git`` is needed)."""
    (work_tree / ".git").mkdir(parents=True)
    root = work_tree / inside
    report = build_repo(root).lint()
    return report, ReportSettings(prefix=work_tree_prefix(root), docs_url=DOCS, root=root)


def render_golden(reporter: str, report: LintReport, color: bool, settings: ReportSettings) -> str:
    """The reporter's output; SARIF rule descriptors cut to id, name, level and helpUri (every
    rule is listed with its full help: that is checked against the registry, not a file)."""
    if reporter == "summary":
        return summary.render(report, settings)
    if reporter != "sarif":
        return REPORTERS[reporter](report, color, settings)
    log = sarif.sarif_log(report, settings)
    driver = log["runs"][0]["tool"]["driver"]
    keep = ("id", "name", "helpUri", "defaultConfiguration")
    driver["rules"] = [{key: rule[key] for key in keep} for rule in driver["rules"]]
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def test_golden_repository_covers_what_the_reporters_must_show(golden_report: LintReport) -> None:
    findings = golden_report.findings
    assert {f.file for f in findings} == {
        "offerops.yaml",
        "offers/acme-2027.yaml",
        "offers/broken.yaml",
        "offers/globex-2027.yaml",
    }
    assert {f.severity for f in findings} == {Severity.ERROR, Severity.WARNING}
    assert ("offerops.yaml", "OFR703", Severity.WARNING) in {
        (f.file, f.rule, f.severity) for f in findings
    }
    assert all(not Path(f.file).is_absolute() for f in findings)


@pytest.mark.parametrize("name", sorted(GOLDEN_FILES))
def test_golden(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, update_golden: bool
) -> None:
    monkeypatch.setattr(offerops, "__version__", "0.0.0-golden")
    reporter, color, inside = GOLDEN_FILES[name]
    report, settings = golden_run(tmp_path.resolve() / "work", inside)
    output = render_golden(reporter, report, color, settings)
    path = GOLDEN / name
    if update_golden:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(output, encoding="utf-8", newline="\n")
    assert path.is_file(), f"{path} is missing; run: .venv/bin/pytest tests/report --update-golden"
    expected = path.read_text(encoding="utf-8")
    assert output == expected, (
        f"{reporter} output differs from {path.name}; if the change is intended, run "
        ".venv/bin/pytest tests/report --update-golden and review the diff"
    )


def test_reporters_are_registered_by_name() -> None:
    assert sorted(REPORTERS) == ["github", "json", "sarif", "text"]


def test_no_findings_in_every_format(repo: OfferRepo) -> None:
    repo.offer(CONTRACT_OFFER)
    report = repo.lint()
    assert report.findings == []
    assert REPORTERS["text"](report, False) == "2 files checked, no problems\n"
    assert REPORTERS["github"](report, False) == "2 files checked, no problems\n"
    log = json.loads(REPORTERS["sarif"](report, False))
    validate_sarif(log)
    assert log["runs"][0]["results"] == []
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == sorted(REGISTRY), "every rule, findings or not"


# --- SARIF ---------------------------------------------------------------------------------


def validate_sarif(log: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(log)


def test_sarif_validates_against_the_official_schema(golden_report: LintReport) -> None:
    validate_sarif(json.loads(sarif.render(golden_report, False)))


def test_sarif_schema_fixture_is_the_official_one() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")


def test_sarif_lists_every_rule_with_help(golden_report: LintReport) -> None:
    run = sarif.sarif_log(golden_report, ReportSettings(docs_url=DOCS))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == sorted(REGISTRY)
    assert run["tool"]["driver"]["informationUri"] == DOCS
    docs = render_rules_markdown()
    for descriptor in rules:
        rule = REGISTRY[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["help"]["markdown"] == rule_markdown(rule)
        assert descriptor["defaultConfiguration"]["level"] == str(rule.severity)
        assert descriptor["helpUri"] == f"{DOCS}#{rule_anchor(rule)}"
        assert f"\n### {rule.id} {rule.name}\n" in docs  # GitHub slugs this heading to anchor
    for result, finding in zip(run["results"], golden_report.findings, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.rule
        assert result["level"] == str(finding.severity)
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": finding.file, "uriBaseId": "%SRCROOT%"}
        region = location["region"]
        assert (region["startLine"], region["startColumn"]) == (finding.line, finding.column)
        assert region["endLine"] == finding.line and region["endColumn"] >= finding.column
    assert run["originalUriBaseIds"]["%SRCROOT%"]


def test_sarif_rule_list_is_the_same_whatever_fired(golden_report: LintReport) -> None:
    empty = sarif.sarif_log(LintReport([], files=1))["runs"][0]["tool"]["driver"]["rules"]
    full = sarif.sarif_log(golden_report)["runs"][0]["tool"]["driver"]["rules"]
    assert empty == full


def test_sarif_without_a_docs_url_has_no_help_uri(golden_report: LintReport) -> None:
    log = sarif.sarif_log(golden_report)
    driver = log["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver
    assert all("helpUri" not in rule and rule["help"]["markdown"] for rule in driver["rules"])
    validate_sarif(log)


def test_sarif_region_ends_at_the_end_of_the_value(golden_report: LintReport) -> None:
    run = sarif.sarif_log(golden_report)["runs"][0]
    price = next(r for r in run["results"] if r["ruleId"] == "OFR104")
    region = price["locations"][0]["physicalLocation"]["region"]
    line = (
        (golden_report.repo.root / "offers/acme-2027.yaml")
        .read_text()
        .splitlines()[  # type: ignore[union-attr]
            region["startLine"] - 1
        ]
    )
    assert line[region["startColumn"] - 1 : region["endColumn"] - 1] == "500.5"


@pytest.mark.parametrize(
    ("line", "column", "value"),
    [
        ('  price: "500.00"  # a comment', 10, '"500.00"'),
        ("  name: it's a b   # c", 9, "it's a b"),
        ("  name: 'it''s' # c", 9, "'it''s'"),
        ('  name: "a \\" b" tail', 9, '"a \\" b"'),
        ("  renewl: none", 3, "renewl: none"),
        ("", 1, ""),
        ("short", 9, ""),
    ],
)
def test_sarif_value_end(line: str, column: int, value: str) -> None:
    end = sarif.value_end(line, column)
    assert line[column - 1 : end - 1] == value


def test_sarif_region_of_an_unreadable_file_is_an_insertion_point() -> None:
    finding = Finding("offers", 1, 1, "OFR008", "not-a-regular-file", Severity.ERROR, "dir")
    log = sarif.sarif_log(LintReport([finding], files=1), ReportSettings(root=Path("/nonexistent")))
    region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}
    validate_sarif(log)


def test_subdirectory_paths_are_relative_to_the_git_work_tree(tmp_path: Path) -> None:
    report, settings = golden_run(tmp_path.resolve(), "teams/deals")
    assert settings.prefix == "teams/deals/"
    run = sarif.sarif_log(report, settings)["runs"][0]
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    assert uris == {f"teams/deals/{finding.file}" for finding in report.findings}
    lines = github.render(report, False, settings).splitlines()
    assert all(line.startswith("::") and "file=teams/deals/" in line for line in lines[:-1])
    assert REPORTERS["text"](report, False, settings) == REPORTERS["text"](report, False)
    outside = Finding("/elsewhere/x.yaml", 1, 1, "OFR004", "empty-file", Severity.ERROR, "empty")
    assert "file=/elsewhere/x.yaml," in github.annotation(outside, settings)


def fingerprints(report: LintReport) -> dict[tuple[str, str], str]:
    run = sarif.sarif_log(report)["runs"][0]
    return {
        (result["ruleId"], result["message"]["text"]): result["partialFingerprints"][
            sarif.FINGERPRINT
        ]
        for result in run["results"]
    }


def test_sarif_fingerprints_survive_lines_moving(tmp_path: Path) -> None:
    repo = build_repo(tmp_path.resolve())
    before = repo.lint()
    path = repo.root / "offers" / "acme-2027.yaml"
    path.write_text("# a comment\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    after = repo.lint()
    assert [f.line for f in after.findings] != [f.line for f in before.findings]
    assert fingerprints(after) == fingerprints(before)
    assert len(set(fingerprints(before).values())) == len(before.findings)


def test_sarif_identical_findings_get_distinct_fingerprints() -> None:
    finding = Finding("offers/a.yaml", 3, 5, "OFR002", "duplicate-key", Severity.ERROR, "dup")
    moved = Finding("offers/a.yaml", 9, 5, "OFR002", "duplicate-key", Severity.ERROR, "dup")
    log = sarif.sarif_log(LintReport([finding, moved], files=1))
    values = [r["partialFingerprints"][sarif.FINGERPRINT] for r in log["runs"][0]["results"]]
    assert values[0] != values[1]
    assert [value.rsplit(":", 1)[1] for value in values] == ["1", "2"]
    validate_sarif(log)


def test_sarif_uri_is_percent_encoded() -> None:
    finding = Finding("offers/a b#c.yaml", 1, 1, "OFR004", "empty-file", Severity.ERROR, "empty")
    log = sarif.sarif_log(LintReport([finding], files=1))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "offers/a%20b%23c.yaml"
    validate_sarif(log)


# --- GitHub workflow commands --------------------------------------------------------------


def test_github_escapes_message_and_properties() -> None:
    finding = Finding(
        "offers/a,b:c%.yaml",
        4,
        2,
        "OFR103",
        "invalid-value",
        Severity.WARNING,
        'name must be "x", got 100%\r\nnext: line',
    )
    assert github.annotation(finding) == (
        "::warning file=offers/a%2Cb%3Ac%25.yaml,line=4,col=2,title=OFR103 invalid-value"
        '::name must be "x", got 100%25%0D%0Anext: line'
    )


def test_github_one_line_per_finding_and_a_summary(golden_report: LintReport) -> None:
    lines = github.render(golden_report, False).splitlines()
    assert len(lines) == len(golden_report.findings) + 1
    for line, finding in zip(lines, golden_report.findings, strict=False):
        assert line.startswith(f"::{finding.severity} file={finding.file},line={finding.line},")
    assert lines[-1] == REPORTERS["text"](golden_report, False).splitlines()[-1]
