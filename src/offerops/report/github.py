"""GitHub Actions workflow commands: one ``::error``/``::warning`` annotation per finding.

    ::error file=offers/acme.yaml,line=12,col=9,title=OFR104 money-format::price must be ...

Values are escaped as the Actions runner expects (``actions/toolkit`` ``command.ts``): in the
message ``%``, CR and LF; in properties also ``:`` and ``,``. A finding therefore always takes
exactly one line. The last line is the plain summary, which the runner prints as log text.

``file`` is relative to the root of the git work tree (GitHub places annotations by repository
path), not to the offers repository, which may be a subdirectory (:class:`ReportSettings`).
"""

from __future__ import annotations

from offerops.lint.finding import Finding, Summary
from offerops.lint.runner import LintReport
from offerops.report.settings import DEFAULT_SETTINGS, ReportSettings


def render(report: LintReport, color: bool, settings: ReportSettings = DEFAULT_SETTINGS) -> str:
    """One workflow command per finding, then a summary line; ``color`` is ignored."""
    lines = [annotation(finding, settings) for finding in report.findings]
    lines.append(summary_line(report.summary, bool(report.findings)))
    return "\n".join(lines) + "\n"


def annotation(finding: Finding, settings: ReportSettings = DEFAULT_SETTINGS) -> str:
    """``::error file=…,line=…,col=…,title=…::message`` for one finding."""
    properties = {
        "file": settings.repository_path(finding.file),
        "line": str(finding.line),
        "col": str(finding.column),
        "title": f"{finding.rule} {finding.name}",
    }
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{finding.severity} {joined}::{escape_data(finding.message)}"


def escape_data(value: str) -> str:
    """Escape a command's message: ``%`` first, then CR and LF."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value: as data, plus ``:`` and ``,``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def summary_line(summary: Summary, any_findings: bool) -> str:
    """The same words as the text reporter's last line."""
    files = f"{summary.files} file{'' if summary.files == 1 else 's'}"
    if not any_findings:
        return f"{files} checked, no problems"
    errors = f"{summary.errors} error{'' if summary.errors == 1 else 's'}"
    warnings = f"{summary.warnings} warning{'' if summary.warnings == 1 else 's'}"
    return f"{errors}, {warnings} in {files}"
