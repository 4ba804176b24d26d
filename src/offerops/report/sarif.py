"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

``tool.driver.rules`` lists every rule offerops has, sorted by id, whether it fired or not, so
the descriptor list (and each result's ``ruleIndex`` into it) is the same from run to run and a
viewer can show any rule's help. Each descriptor carries the rule's full help as text and
Markdown; ``helpUri`` (and ``informationUri``) only when the absolute URL of the published
``docs/rules.md`` is known (:func:`offerops.docs.docs_url`): SARIF requires absolute URIs, and
offerops has no published home to default to.

Locations are URIs relative to the root of the git work tree, against ``%SRCROOT%``: GitHub
resolves them against the repository root, also when offerops.yaml lives in a subdirectory
(:class:`ReportSettings`). ``originalUriBaseIds`` describes that base without giving the
absolute checkout path, so the log is the same on every machine and does not leak the runner's
directory layout. Regions end at the end of the value on the finding's line (``endLine``,
``endColumn``), read from the file; the linter reports where a problem starts.

``partialFingerprints["offeropsFinding/v1"]`` is a hash of rule, file, offer key and message,
without the line, so an alert survives lines being added above it; identical findings in one file
are told apart by an occurrence counter (``<hash>:<n>``), as GitHub's own line hash is.
Columns count Unicode code points (``columnKind``), which is what the YAML parser reports.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import offerops
from offerops.docs import rule_description, rule_markdown, rule_url
from offerops.fileio import FileTooLarge, NotRegularFile, OutsideRepository, read_inside
from offerops.lint.finding import Finding
from offerops.lint.rule import Rule, all_rules
from offerops.lint.runner import LintReport
from offerops.model.limits import MAX_OFFER_FILE_BYTES
from offerops.report.settings import DEFAULT_SETTINGS, ReportSettings

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
FINGERPRINT = "offeropsFinding/v1"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_QUOTED = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^']|'')*'""")

Lines = dict[str, list[str] | None]
"""The lines of each file findings point at (None: unreadable), read once per file."""


def render(report: LintReport, color: bool, settings: ReportSettings = DEFAULT_SETTINGS) -> str:
    """The SARIF log as indented JSON; ``color`` is ignored."""
    return json.dumps(sarif_log(report, settings), indent=2, ensure_ascii=False) + "\n"


def sarif_log(report: LintReport, settings: ReportSettings = DEFAULT_SETTINGS) -> dict[str, Any]:
    """The SARIF log object for one lint run."""
    rules = sorted(all_rules(), key=lambda rule: rule.id)
    index = {rule.id: position for position, rule in enumerate(rules)}
    root = settings.root or (report.repo.root if report.repo is not None else None)
    lines: Lines = {}
    occurrences: Counter[str] = Counter()
    results = []
    for finding in report.findings:
        digest = _digest(finding)
        occurrences[digest] += 1
        location = {
            "artifactLocation": _artifact(settings.repository_path(finding.file)),
            "region": _region(finding, _lines(lines, root, finding.file)),
        }
        fingerprint = f"{digest}:{occurrences[digest]}"
        results.append(_result(finding, index[finding.rule], location, fingerprint))
    run: dict[str, Any] = {
        "tool": {"driver": _driver(rules, settings.docs_url)},
        "originalUriBaseIds": {
            SRCROOT: {
                "description": {
                    "text": "The root of the git work tree that holds offerops.yaml (the "
                    "directory of offerops.yaml when it is not in git)."
                }
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"summary": report.summary.as_dict()},
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _driver(rules: list[Rule], docs_url: str | None) -> dict[str, Any]:
    driver: dict[str, Any] = {
        "name": "offerops",
        "version": offerops.__version__,
        "semanticVersion": offerops.__version__,
    }
    if docs_url is not None:
        driver["informationUri"] = docs_url
    driver["rules"] = [_descriptor(rule, docs_url) for rule in rules]
    return driver


def _descriptor(rule: Rule, docs_url: str | None) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule_description(rule)},
        "help": {"text": rule.doc, "markdown": rule_markdown(rule)},
    }
    if docs_url is not None:
        descriptor["helpUri"] = rule_url(rule, docs_url)
    descriptor["defaultConfiguration"] = {"level": str(rule.severity)}
    descriptor["properties"] = {"tags": [rule.category], "scope": rule.scope}
    return descriptor


def _result(
    finding: Finding, rule_index: int, location: dict[str, object], fingerprint: str
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": str(finding.severity),
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {FINGERPRINT: fingerprint},
    }
    if finding.offer is not None:
        result["properties"] = {"offer": finding.offer}
    return result


def _artifact(file: str) -> dict[str, str]:
    """A repo-relative, percent-encoded URI; a file outside the repository gets a file: URI."""
    if PurePosixPath(file).is_absolute():
        return {"uri": "file://" + quote(file)}
    return {"uri": quote(file), "uriBaseId": SRCROOT}


def _lines(cache: Lines, root: Path | None, file: str) -> list[str] | None:
    """The lines of ``file`` (inside ``root``), or None when it cannot be read as text."""
    if file not in cache:
        cache[file] = None
        if root is not None and not PurePosixPath(file).is_absolute():
            try:
                raw = read_inside(root, file, MAX_OFFER_FILE_BYTES)
            except (OSError, OutsideRepository, NotRegularFile, FileTooLarge):
                return None
            text = raw.decode("utf-8-sig", errors="replace")
            cache[file] = _LINE_BREAK.split(text)
    return cache[file]


def _region(finding: Finding, lines: list[str] | None) -> dict[str, int]:
    """From the finding's position to the end of the value on its line.

    When the line cannot be read the region is empty (an insertion point at the position),
    which viewers show as the start of the problem.
    """
    start = finding.column
    line = lines[finding.line - 1] if lines and 0 < finding.line <= len(lines) else ""
    return {
        "startLine": finding.line,
        "startColumn": start,
        "endLine": finding.line,
        "endColumn": max(start, value_end(line, start)),
    }


def value_end(line: str, column: int) -> int:
    """The 1-based column just past the value that starts at ``column``.

    A quoted scalar ends at its closing quote; anything else at a comment (`` #``) or the end
    of the line, trailing blanks dropped. A heuristic: the YAML parser gives starts only.
    """
    rest = line[column - 1 :]
    quoted = _QUOTED.match(rest)
    if quoted:
        return column + quoted.end()
    comment = rest.find(" #")
    body = rest if comment < 0 else rest[:comment]
    return column + len(body.rstrip())


def _digest(finding: Finding) -> str:
    """Stable across runs and line moves: rule, file, offer and message, not the position."""
    parts = (finding.rule, finding.file, finding.offer or "", finding.message)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
