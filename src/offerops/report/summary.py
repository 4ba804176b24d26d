"""The job summary of ``lint --format github``: every finding as a row of a Markdown table.

GitHub shows at most 10 error and 10 warning annotations per step (50 per job), and none when
a fork's token cannot write them; the job summary (``$GITHUB_STEP_SUMMARY``) has room for every
finding, so a reviewer sees them all, also where code scanning is unavailable. Messages quote
the seller's values: they are escaped so a value cannot become Markdown or HTML.
"""

from __future__ import annotations

import html

from offerops.lint.finding import Finding
from offerops.lint.runner import LintReport
from offerops.report.github import summary_line
from offerops.report.settings import DEFAULT_SETTINGS, ReportSettings

MAX_ROWS = 500
"""Rows shown; a summary is limited to 1 MiB per step, and 500 findings are already a list to
fix from the log or the SARIF file."""
HEADING = "### offerops lint"
_MARKDOWN = str.maketrans({char: f"\\{char}" for char in "\\`*_[]|#~"})


def render(report: LintReport, settings: ReportSettings = DEFAULT_SETTINGS) -> str:
    """The heading, the one-line summary, and a table of findings (paths as annotations')."""
    parts = [HEADING, f"**{summary_line(report.summary, bool(report.findings))}**"]
    if report.findings:
        rows = [_row(finding, settings) for finding in report.findings[:MAX_ROWS]]
        header = ["| where | severity | rule | message |", "|---|---|---|---|"]
        parts.append("\n".join([*header, *rows]))
    hidden = len(report.findings) - MAX_ROWS
    if hidden > 0:
        parts.append(f"… and {hidden} more: see the step's log or the SARIF file.")
    return "\n\n".join(parts) + "\n"


def _row(finding: Finding, settings: ReportSettings) -> str:
    where = f"{settings.repository_path(finding.file)}:{finding.line}:{finding.column}"
    rule = f"{finding.rule} {finding.name}"
    cells = (where, str(finding.severity), rule, finding.message)
    return "| " + " | ".join(escape(cell) for cell in cells) + " |"


def escape(text: str) -> str:
    """Plain text for a table cell: HTML and Markdown syntax escaped, one line."""
    flat = " ".join(text.splitlines())
    return html.escape(flat, quote=False).translate(_MARKDOWN)
