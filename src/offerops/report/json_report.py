"""``{"findings": [...], "summary": {...}}``: the documented machine-readable format."""

from __future__ import annotations

import json

from offerops.lint.runner import LintReport
from offerops.report.settings import DEFAULT_SETTINGS, ReportSettings


def render(report: LintReport, color: bool, settings: ReportSettings = DEFAULT_SETTINGS) -> str:
    """Stable JSON: findings sorted by file, line, column; fields as in offer-format.md §5.

    Paths are the documented ones, relative to the offers repository; ``settings`` is unused.
    """
    document = {
        "findings": [finding.as_dict() for finding in report.findings],
        "summary": report.summary.as_dict(),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
