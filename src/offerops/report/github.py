"""GitHub workflow commands (placeholder until the GitHub reporter lands)."""

from __future__ import annotations

from offerops.lint.runner import LintReport
from offerops.report import json_report


def render(report: LintReport, color: bool) -> str:
    return json_report.render(report, color)
