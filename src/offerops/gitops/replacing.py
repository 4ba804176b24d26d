"""``offerops clone KEY NEW_KEY --replace``: the two file edits a replace-needed plan asks for.

A released offer keeps its pricing and terms, so a change is a new offer and the old one is
ended (docs/reconciler.md, "Plan"). The plan says which offer to create (and which agreement it
replaces) and which to expire; this writes both: the copy (``scaffold.clone_offer``), with
``replaces: {agreement: ...}`` when the plan named the agreement, and ``lifecycle: expired`` in
the original. Both edits are on the text, so comments and layout stay as they were.
"""

from __future__ import annotations

import re
from pathlib import Path

from offerops.errors import UsageError
from offerops.fileio import atomic_write_text
from offerops.gitops.scaffold import clone_offer
from offerops.model.offer import AGREEMENT_ID_PATTERN
from offerops.repo import discover_offers

_SPEC_LINE = re.compile(r"^spec:[ \t]*(#.*)?$")
_LIFECYCLE_LINE = re.compile(r"^(?P<indent>[ \t]+)lifecycle:[ \t]*[^#\s]*(?P<rest>.*)$")
_REPLACES_LINE = re.compile(r"^(?P<indent>[ \t]+)replaces:")
_EXPIRED_NOTE = "  # ended by `offerops clone --replace`"


def clone_replacing(root: Path, key: str, new_key: str, agreement: str | None) -> tuple[Path, Path]:
    """Write the replacement ``new_key`` and expire ``key``; returns (new file, old file)."""
    if agreement is not None and not re.match(AGREEMENT_ID_PATTERN, agreement):
        raise UsageError(f'"{agreement}" is not an agreement id (agmt-...)')
    target = clone_offer(root, key, new_key)
    source = next(path for path in discover_offers(root) if path.stem == key)
    if agreement is not None:
        text = target.read_text(encoding="utf-8")
        atomic_write_text(target, with_replaces(text, agreement))
    atomic_write_text(source, expired_text(source.read_text(encoding="utf-8")))
    return target, source


def expired_text(text: str) -> str:
    """The offer's text with ``lifecycle: expired`` (the existing line changed, or one added
    as the last line of ``spec``)."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        match = _LIFECYCLE_LINE.match(line.rstrip("\r\n"))
        if match:
            ending = line[len(line.rstrip("\r\n")) :]
            lines[index] = f"{match.group('indent')}lifecycle: expired{match.group('rest')}{ending}"
            return "".join(lines)
    ending = "\r\n" if text.endswith("\r\n") else "\n"
    body = text if text.endswith(("\n", "\r")) or not text else text + ending
    return f"{body}  lifecycle: expired{_EXPIRED_NOTE}{ending}"


def with_replaces(text: str, agreement: str) -> str:
    """The offer's text with ``replaces: {agreement: ...}`` as the first line of ``spec``
    (an existing ``replaces`` block is dropped: the copy replaces another agreement)."""
    lines = _without_replaces(text.splitlines(keepends=True))
    for index, line in enumerate(lines):
        if _SPEC_LINE.match(line.rstrip("\r\n")):
            ending = line[len(line.rstrip("\r\n")) :] or "\n"
            lines.insert(index + 1, f"  replaces: {{ agreement: {agreement} }}{ending}")
            return "".join(lines)
    raise UsageError("the offer has no top-level `spec:` line; add replaces by hand")


def _without_replaces(lines: list[str]) -> list[str]:
    """Drop a ``replaces:`` entry and the lines indented under it."""
    kept: list[str] = []
    block: int | None = None
    for line in lines:
        body = line.rstrip("\r\n")
        indent = len(body) - len(body.lstrip(" \t"))
        if block is not None and (not body.strip() or indent > block):
            continue
        block = None
        match = _REPLACES_LINE.match(body)
        if match:
            block = len(match.group("indent"))
            continue
        kept.append(line)
    return kept
