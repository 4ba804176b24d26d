"""Where a report will be read, which the findings themselves do not know.

Findings are relative to the offers repository (the directory of offerops.yaml). GitHub
annotations and code scanning resolve paths against the root of the git work tree instead, and
SARIF wants absolute documentation links; the text and JSON reporters ignore all of this.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class ReportSettings:
    """What the github and sarif reporters need besides the lint report."""

    prefix: str = ""
    """The offers repository's path inside the git work tree: ``""`` at the top, else ``a/b/``
    (:func:`offerops.gitops.gitrepo.work_tree_prefix`)."""
    docs_url: str | None = None
    """The absolute URL of ``docs/rules.md`` (SARIF ``helpUri``); None: no link, the help text
    is embedded (:func:`offerops.docs.docs_url`)."""
    root: Path | None = None
    """The offers repository, to read the lines findings point at (SARIF region ends); by
    default the report's own root."""

    def repository_path(self, file: str) -> str:
        """A finding's file relative to the git work tree; a path outside stays as it is."""
        if not self.prefix or PurePosixPath(file).is_absolute():
            return file
        return f"{self.prefix}{file}"


DEFAULT_SETTINGS = ReportSettings()
"""Findings at the top of the work tree, no documentation URL."""
