"""The base revision of ``lint --changed-since REF``, read from git for the history rules.

The history rules (OFR220-OFR222, ``offerops.lint.rules.history``) are ordinary lint rules: they
compare each changed offer with its version at the base through the small
:class:`offerops.lint.revision.BaseRevision` protocol, and the lint runner gives their findings
positions and severities like every other rule's. This module implements that protocol over git:
which path an offer had at the base (renames, from the :class:`ChangeSet`), the exact bytes of a
file there, and which offers are released when the caller knows. ``gitops`` imports ``lint``,
never the other way round.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from offerops.gitops.changed import ChangeSet
from offerops.gitops.gitrepo import GitView, open_view

Released = Callable[[str], bool] | AbstractSet[str]
"""Which offer keys are released on the marketplace: a predicate or a set of keys."""


@dataclass(frozen=True)
class GitBaseRevision:
    """:class:`offerops.lint.revision.BaseRevision` over an open git view and a change set."""

    view: GitView
    changes: ChangeSet
    is_released: Callable[[str], bool] | None = None
    """None when lint has no backend: released-terms findings are then warnings."""

    @property
    def ref(self) -> str:
        return self.changes.ref

    def previous_path(self, relpath: str) -> str | None:
        return self.changes.previous_path(relpath)

    def read(self, relpath: str) -> bytes | None:
        return self.view.read_at_base(relpath)

    def released(self, key: str) -> bool | None:
        return None if self.is_released is None else self.is_released(key)


@contextmanager
def base_revision(
    root: Path, changes: ChangeSet, released: Released | None = None
) -> Iterator[GitBaseRevision]:
    """The base of ``changes`` (``changed_since(root, ref)``) for ``LintRequest.base``; the git
    repository is closed on exit. ``released`` says which keys are released on the marketplace;
    None (lint has no backend) reports terms changes as warnings that apply only if the offer is
    released. UsageError (exit 2) outside git or for an unknown revision."""
    with open_view(root.resolve(), changes.ref) as view:
        yield GitBaseRevision(view, changes, _predicate(released))


def _predicate(released: Released | None) -> Callable[[str], bool] | None:
    if released is None or callable(released):
        return released
    keys = frozenset(released)
    return keys.__contains__
