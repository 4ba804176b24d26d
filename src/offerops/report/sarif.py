"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

Design (cfn-lint's): ``tool.driver.rules`` lists only the rules that fired, sorted by id, each with
its documentation and a ``helpUri`` into ``docs/rules.md``; ``ruleIndex`` points into that list.
Listing every rule would add ~60 descriptors to every upload without telling the viewer anything;
GitHub shows the help of a rule when one of its alerts is opened.

Locations are repo-relative URIs against ``%SRCROOT%``. ``originalUriBaseIds`` describes that base
without giving the absolute checkout path, so the log is the same on every machine and does not
leak the runner's directory layout; GitHub resolves the URIs against the repository root.

``partialFingerprints["offeropsFinding/v1"]`` is a hash of rule, file, offer key and message,
without the line, so an alert survives lines being added above it; identical findings in one file
are told apart by an occurrence counter (``<hash>:<n>``), as GitHub's own line hash is.
Columns count Unicode code points (``columnKind``), which is what the YAML parser reports.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

import offerops
from offerops.docs import DOCS_BASE_URL, rule_description, rule_markdown, rule_url
from offerops.lint.finding import Finding
from offerops.lint.rule import REGISTRY, Rule, all_rules
from offerops.lint.runner import LintReport

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
FINGERPRINT = "offeropsFinding/v1"


def render(report: LintReport, color: bool) -> str:
    """The SARIF log as indented JSON; ``color`` is ignored."""
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"


def sarif_log(report: LintReport) -> dict[str, Any]:
    """The SARIF log object for one lint run."""
    all_rules()  # make sure every rule module is registered
    fired = sorted({finding.rule for finding in report.findings})
    index = {rule_id: position for position, rule_id in enumerate(fired)}
    occurrences: Counter[str] = Counter()
    results = []
    for finding in report.findings:
        digest = _digest(finding)
        occurrences[digest] += 1
        results.append(_result(finding, index[finding.rule], f"{digest}:{occurrences[digest]}"))
    summary = report.summary
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "offerops",
                "version": offerops.__version__,
                "semanticVersion": offerops.__version__,
                "informationUri": DOCS_BASE_URL,
                "rules": [_descriptor(REGISTRY[rule_id]) for rule_id in fired],
            }
        },
        "originalUriBaseIds": {
            SRCROOT: {
                "description": {
                    "text": "The root of the offers repository (the directory of offerops.yaml)."
                }
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"summary": summary.as_dict()},
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule_description(rule)},
        "help": {"text": rule.doc, "markdown": rule_markdown(rule)},
        "helpUri": rule_url(rule),
        "defaultConfiguration": {"level": str(rule.severity)},
        "properties": {"tags": [rule.category], "scope": rule.scope},
    }


def _result(finding: Finding, rule_index: int, fingerprint: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": str(finding.severity),
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(finding.file),
                    "region": {"startLine": finding.line, "startColumn": finding.column},
                }
            }
        ],
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


def _digest(finding: Finding) -> str:
    """Stable across runs and line moves: rule, file, offer and message, not the position."""
    parts = (finding.rule, finding.file, finding.offer or "", finding.message)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
