"""``{"findings": [...], "summary": {...}}``: the documented machine-readable format."""

from __future__ import annotations

import json

from offerops.lint.runner import LintReport


def render(report: LintReport, color: bool) -> str:
    """Stable JSON: findings sorted by file, line, column; fields as in offer-format.md §5."""
    document = {
        "findings": [finding.as_dict() for finding in report.findings],
        "summary": report.summary.as_dict(),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
