"""Reporters: turn a lint report into text, json, sarif or GitHub annotations.

Registered by name; ``--format`` choices come from :data:`REPORTERS` (check-jsonschema's design).
"""

from __future__ import annotations

from collections.abc import Callable

from offerops.lint.runner import LintReport
from offerops.report import github, json_report, sarif, text

Reporter = Callable[[LintReport, bool], str]
"""``render(report, color) -> str``; ``color`` is only honoured by the text reporter."""

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "github": github.render,
}
