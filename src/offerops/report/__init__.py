"""Reporters: turn a lint report into text, json, sarif or GitHub annotations.

Registered by name; ``--format`` choices come from :data:`REPORTERS` (check-jsonschema's design).
"""

from __future__ import annotations

from typing import Protocol

from offerops.lint.runner import LintReport
from offerops.report import github, json_report, sarif, text
from offerops.report.settings import DEFAULT_SETTINGS, ReportSettings

__all__ = ["DEFAULT_SETTINGS", "REPORTERS", "ReportSettings", "Reporter"]


class Reporter(Protocol):
    """``render(report, color, settings) -> str``; ``color`` is only honoured by the text
    reporter, ``settings`` (paths inside the git work tree, documentation URL) only by github
    and sarif."""

    def __call__(
        self, report: LintReport, color: bool, settings: ReportSettings = ..., /
    ) -> str: ...


REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "github": github.render,
}
