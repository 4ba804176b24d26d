"""The base revision a change is compared with: what the history rules (OFR220-OFR222) read.

``offerops lint --changed-since REF`` compares each changed offer with its version at REF. The
linter does not know git: it asks this protocol for the few things the history rules need, and
``offerops.gitops.history.base_revision`` implements it over a git repository (tests may pass any
object with these methods). Parsing and comparing stay in the rules
(``offerops.lint.rules.history``); an implementation only finds paths and reads bytes.
"""

from __future__ import annotations

from typing import Protocol


class BaseRevision(Protocol):
    """The offers repository at the base revision, and what is known about the marketplace."""

    @property
    def ref(self) -> str:
        """The revision as the user named it (``main``, a sha): findings say "since REF"."""
        ...

    def previous_path(self, relpath: str) -> str | None:
        """Where the offer file now at ``relpath`` was at the base (renames followed); None for
        an offer that is new since the base."""
        ...

    def read(self, relpath: str) -> bytes | None:
        """The exact bytes of a repo-relative file at the base; None when it was no file there
        (or one too large to read)."""
        ...

    def released(self, key: str) -> bool | None:
        """Whether the offer with ``key`` is released on the marketplace; None when unknown
        (lint has no backend), which makes released-terms findings warnings."""
        ...
