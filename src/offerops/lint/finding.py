"""Findings: what the linter reports, one per problem, always with a file and a line."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a finding is: errors fail lint (exit 1), warnings do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem at one place. Fields and order match the JSON output (offer-format.md §5)."""

    file: str
    line: int
    column: int
    rule: str
    name: str
    severity: Severity
    message: str
    offer: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The JSON form: the documented finding fields."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "name": self.name,
            "severity": str(self.severity),
            "message": self.message,
            "offer": self.offer,
        }


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts for the end of a report."""

    files: int
    errors: int
    warnings: int

    @classmethod
    def of(cls, findings: list[Finding], files: int) -> Summary:
        errors = sum(1 for finding in findings if finding.severity is Severity.ERROR)
        return cls(files=files, errors=errors, warnings=len(findings) - errors)

    def as_dict(self) -> dict[str, int]:
        return {"files": self.files, "errors": self.errors, "warnings": self.warnings}
