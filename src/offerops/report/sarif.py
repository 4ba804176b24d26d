"""SARIF 2.1.0 (placeholder until the SARIF reporter lands)."""

from __future__ import annotations

from offerops.lint.runner import LintReport
from offerops.report import json_report


def render(report: LintReport, color: bool) -> str:
    return json_report.render(report, color)
