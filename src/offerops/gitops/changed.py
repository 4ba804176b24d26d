"""What a pull request changes: offer files, config entries and legal documents since a revision.

``offerops lint --changed-since REF`` lints the offers a change can break, not the whole
repository: offers that were added, modified or renamed, and every offer that references a
product or buyer alias whose entry in offerops.yaml changed, or a legal document that changed.
A change to the rest of offerops.yaml (seller, policy, lint settings) can break any offer, so it
selects them all. Deleted offers are listed (the plan reports them) but there is nothing to lint.

The comparison is from the merge base of REF and HEAD to the working tree, untracked files
included: what ``git diff REF...`` shows, plus what a seller has not committed yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from offerops.fileio import FileTooLarge, NotRegularFile, OutsideRepository, read_inside
from offerops.gitops.gitrepo import GitView, open_view
from offerops.model.limits import MAX_OFFER_FILE_BYTES
from offerops.repo import CONFIG_NAME, OFFER_SUFFIXES, OFFERS_DIR, offer_relpaths, posix
from offerops.source.loader import load_file, parse_text

REFERENCE_SECTIONS = ("products", "buyers")
"""Config sections whose entries offers name; a change there selects only the offers using it."""
IGNORED_SECTIONS = frozenset({"backend"})
"""Config sections lint does not read: changing them selects no offer."""


@dataclass(frozen=True)
class ChangeSet:
    """Offer files and references changed since ``ref``; paths relative to the offers repo."""

    ref: str
    base: str
    added: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()
    """``(old path, new path)`` pairs."""
    deleted: tuple[str, ...] = ()
    changed_files: tuple[str, ...] = ()
    """Every changed path that is not an offer (config, legal documents, anything else)."""
    changed_aliases: frozenset[str] = frozenset()
    """Product and buyer keys of offerops.yaml whose entry was added, changed or removed."""
    changed_accounts: frozenset[str] = frozenset()
    """Account ids of changed buyer entries: a raw id in an offer may be registered there."""
    config_wide: bool = False
    """Something in offerops.yaml other than products, buyers and backend changed."""
    to_lint: frozenset[str] = frozenset()
    """Offers to lint (existing now), repo-relative."""

    def previous_path(self, path: str) -> str | None:
        """Where the offer now at ``path`` was at the base, or None for a new offer.

        An unchanged file selected because a document or config entry it uses changed was at
        the same path: its terms may have changed all the same.
        """
        if path in self.modified or (path in self.to_lint and path not in self.added):
            renamed_from = next((old for old, new in self.renamed if new == path), None)
            return renamed_from or path
        return None


def changed_since(root: Path, ref: str) -> ChangeSet:
    """Compare the offers repository at ``root`` with ``ref``; UsageError outside git."""
    root = root.resolve()
    with open_view(root, ref) as view:
        entries = _diff_entries(view)
        config_before = _config_data(view.read_at_base(CONFIG_NAME))
        base = view.base
    current_offers = set(offer_relpaths(root))
    changes = _classify(entries, current_offers, ref, base)
    config_now = _config_data(_read(root, CONFIG_NAME))
    aliases, accounts, wide = _config_changes(config_before, config_now)
    changes = replace(changes, changed_aliases=aliases, changed_accounts=accounts, config_wide=wide)
    return _with_selection(changes, root, current_offers)


def changed_paths_for_lint(root: Path, ref: str) -> frozenset[str]:
    """The repo-relative offers ``lint --changed-since REF`` lints (``LintRequest.only``)."""
    return changed_since(root, ref).to_lint


def _diff_entries(view: GitView) -> list[tuple[str, str, str | None]]:
    """``(status letter, path, new path for renames)``, relative to the offers repository."""
    pathspec = view.prefix or "."
    raw: str = view.repo.git.diff(
        "--name-status", "-z", "-M", "--no-ext-diff", view.base, "--", pathspec
    )
    tokens = raw.split("\0")
    entries: list[tuple[str, str, str | None]] = []
    index = 0
    while index < len(tokens) and tokens[index]:
        status = tokens[index][0]
        if status in "RC":
            old, new = tokens[index + 1], tokens[index + 2]
            entries.append((status, old, new))
            index += 3
        else:
            entries.append((status, tokens[index + 1], None))
            index += 2
    untracked: str = view.repo.git.ls_files("--others", "--exclude-standard", "-z", "--", pathspec)
    entries.extend(("A", path, None) for path in untracked.split("\0") if path)
    return [
        (status, local, view.to_root(new) if new is not None else None)
        for status, path, new in entries
        if (local := view.to_root(path)) is not None
    ]


def is_offer_path(path: str) -> bool:
    """An offer file by location: ``offers/**/*.yaml`` (or .yml), no hidden parts."""
    parts = PurePosixPath(path).parts
    return (
        len(parts) >= 2
        and parts[0] == OFFERS_DIR
        and path.endswith(OFFER_SUFFIXES)
        and not any(part.startswith(".") for part in parts)
    )


def _classify(
    entries: Iterable[tuple[str, str, str | None]], existing: set[str], ref: str, base: str
) -> ChangeSet:
    added: list[str] = []
    modified: list[str] = []
    renamed: list[tuple[str, str]] = []
    deleted: list[str] = []
    other: list[str] = []
    for status, path, new in entries:
        if new is not None:  # rename or copy
            other.extend(p for p in (path, new) if not is_offer_path(p))
            if status == "R" and is_offer_path(path) and is_offer_path(new):
                renamed.append((path, new))
            else:
                deleted.extend([path] if status == "R" and is_offer_path(path) else [])
                added.extend([new] if is_offer_path(new) else [])
        elif not is_offer_path(path):
            other.append(path)
        elif status == "D" or path not in existing:
            deleted.append(path)
        elif status == "A":
            added.append(path)
        else:
            modified.append(path)
    return ChangeSet(
        ref=ref,
        base=base,
        added=tuple(sorted(set(added))),
        modified=tuple(sorted(set(modified))),
        renamed=tuple(sorted(set(renamed))),
        deleted=tuple(sorted(set(deleted))),
        changed_files=tuple(sorted(set(other))),
    )


def _read(root: Path, relpath: str) -> bytes | None:
    """A file of the working tree, or None when it cannot be read as an offer-sized regular file
    inside the repository (lint reports why; this only decides what to lint)."""
    try:
        return read_inside(root, relpath, MAX_OFFER_FILE_BYTES)
    except (OSError, OutsideRepository, NotRegularFile, FileTooLarge):
        return None


def _config_data(raw: bytes | None) -> dict[str, Any] | None:
    """offerops.yaml as plain data, or None when missing or unreadable."""
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    document, _ = parse_text(text, CONFIG_NAME)
    if document is None or not isinstance(document.data, dict):
        return None
    return document.data


def _config_changes(
    before: dict[str, Any] | None, now: dict[str, Any] | None
) -> tuple[frozenset[str], frozenset[str], bool]:
    """Changed product/buyer keys, the accounts of changed buyers, and "everything changed"."""
    if before is None or now is None:
        return frozenset(), frozenset(), before != now
    sections = (set(before) | set(now)) - IGNORED_SECTIONS - set(REFERENCE_SECTIONS)
    wide = any(before.get(name) != now.get(name) for name in sections)
    aliases: set[str] = set()
    accounts: set[str] = set()
    for section in REFERENCE_SECTIONS:
        old, new = _mapping(before.get(section)), _mapping(now.get(section))
        for key in set(old) | set(new):
            if old.get(key) != new.get(key):
                aliases.add(key)
                if section == "buyers":
                    accounts.update(_account(entry) for entry in (old.get(key), new.get(key)))
    return frozenset(aliases), frozenset(accounts - {""}), wide


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _account(entry: Any) -> str:
    account = entry.get("account") if isinstance(entry, dict) else None
    return account if isinstance(account, str) else ""


def _with_selection(changes: ChangeSet, root: Path, current: set[str]) -> ChangeSet:
    """Add the offers to lint: changed ones, and those referencing a changed entry or file."""
    direct = {*changes.added, *changes.modified, *(new for _, new in changes.renamed)}
    if CONFIG_NAME in changes.changed_files and changes.config_wide:
        selected = set(current)
    else:
        documents = {posix(path) for path in changes.changed_files}
        names = changes.changed_aliases | changes.changed_accounts
        candidates = current - direct if names or documents else set()
        selected = {path for path in candidates if references(root, path, names, documents)}
    to_lint = frozenset((direct | selected) & current)
    return replace(changes, to_lint=to_lint)


def references(root: Path, path: str, names: frozenset[str], documents: set[str]) -> bool:
    """Whether the offer names a changed product or buyer, or lists a changed document."""
    if not names and not documents:
        return False
    document, _ = load_file(root / path, path, root)
    spec = document.data.get("spec") if document and isinstance(document.data, dict) else None
    if not isinstance(spec, dict):
        return False
    product = spec.get("product")
    buyers = _list(spec.get("buyers"))
    legal = spec.get("legal")
    listed = _list(legal.get("documents")) if isinstance(legal, dict) else []
    if product in names or any(buyer in names for buyer in buyers if isinstance(buyer, str)):
        return True
    return any(isinstance(doc, str) and posix(doc) in documents for doc in listed)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
