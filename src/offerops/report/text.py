"""The default, human format: ``file:line:col: severity rule message``, grouped by file."""

from __future__ import annotations

from itertools import groupby

from offerops.lint.finding import Finding, Severity
from offerops.lint.runner import LintReport
from offerops.report.settings import DEFAULT_SETTINGS, ReportSettings

_COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def render(report: LintReport, color: bool, settings: ReportSettings = DEFAULT_SETTINGS) -> str:
    """Findings grouped by file (a blank line between files), then a one-line summary.

    Paths stay relative to the offers repository, as in the terminal; ``settings`` is unused.
    """
    blocks = [
        "\n".join(_line(finding, color) for finding in findings)
        for _, findings in groupby(report.findings, key=lambda finding: finding.file)
    ]
    return "\n\n".join([*blocks, _summary(report, color)]) + "\n"


def _line(finding: Finding, color: bool) -> str:
    where = f"{finding.file}:{finding.line}:{finding.column}:"
    severity = str(finding.severity)
    if color:
        where = f"{_BOLD}{where}{_RESET}"
        severity = f"{_COLORS[finding.severity]}{severity}{_RESET}"
        return f"{where} {severity} {_DIM}{finding.rule}{_RESET} {finding.message}"
    return f"{where} {severity} {finding.rule} {finding.message}"


def _summary(report: LintReport, color: bool) -> str:
    summary = report.summary
    files = f"{summary.files} file{'s' if summary.files != 1 else ''}"
    if not report.findings:
        return f"{files} checked, no problems"
    counts = f"{_plural(summary.errors, 'error')}, {_plural(summary.warnings, 'warning')}"
    line = f"{counts} in {files}"
    if color:
        severity = Severity.ERROR if summary.errors else Severity.WARNING
        return f"{_COLORS[severity]}{line}{_RESET}"
    return line


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
