"""Which offers ``offerops lint FILE...`` checks when the files are not all offers.

pre-commit passes the staged files: offers, ``offerops.yaml`` and legal documents alike. An
offer is linted as itself; a document selects the offers that list it (as ``--changed-since``
does for a changed document); ``offerops.yaml`` selects every offer, since without git history
lint cannot tell which entry changed and any offer may use it. Offers nobody staged are not
linted, so an unrelated broken offer committed earlier does not block a commit; offerops.yaml
itself is always checked, as on every run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from offerops.gitops.changed import references
from offerops.repo import CONFIG_NAME, OFFER_SUFFIXES, OFFERS_DIR, offer_relpaths, relpath


@dataclass(frozen=True)
class Selection:
    """``LintRequest.paths`` and ``LintRequest.only`` for the named files."""

    paths: tuple[Path, ...] = ()
    only: frozenset[str] | None = None
    """Repo-relative offers to lint; None: as ``paths`` says (all offers when empty)."""


def select_named(root: Path, paths: tuple[Path, ...]) -> Selection:
    """Offers for ``paths`` (absolute): offer files and directories as named, offerops.yaml as
    every offer, other files in the repository as the offers that list them as documents."""
    root = root.resolve()
    documents: set[str] = set()
    named: list[Path] = []
    for path in paths:
        kind, relative = _classify(root, path)
        if kind == "config":
            return Selection()
        if kind == "document":
            documents.add(relative)
        else:
            named.append(path)
    if not documents:
        return Selection(paths=tuple(named))
    users = [
        root / offer
        for offer in offer_relpaths(root)
        if references(root, offer, frozenset(), documents)
    ]
    chosen = tuple(dict.fromkeys([*named, *users]))
    return Selection(paths=chosen) if chosen else Selection(only=frozenset())


def _classify(root: Path, path: Path) -> tuple[str, str]:
    """``("config" | "document" | "offer", repo-relative path)`` of a named path.

    Directories, offer-like files (``*.yaml``/``*.yml``) and paths outside the repository stay
    offers, so a misplaced offer file is still linted and a typo still reported.
    """
    relative = relpath(root, Path(os.path.abspath(path)))
    if relative == CONFIG_NAME:
        return "config", relative
    parts = PurePosixPath(relative).parts
    outside = os.path.isabs(relative) or (parts[:1] == ("..",))
    offer_like = relative.endswith(OFFER_SUFFIXES) or parts[:1] == (OFFERS_DIR,)
    if outside or offer_like or not os.path.isfile(path):
        return "offer", relative
    return "document", relative
