"""Where each alias (``*name``) is written, so findings point at the line that repeats a value.

libyaml's composer hands back the anchored node itself for every alias: its marks are those of
the anchor (``&acme``), and nothing in the composed graph says where ``*acme`` was written. The
parser's events do: an ``AliasEvent`` carries its own mark. One event walk (no composing, no
expansion, so linear in the text even for an alias bomb) records each alias by its slot, the
collection it is written in and its index there; the converter looks the slots up while it
walks the graph.
"""

from __future__ import annotations

import contextlib
from typing import Any

from offerops.source.document import Position

try:  # the C parser, as in loader.py
    from _ruamel_yaml import CParser  # type: ignore[import-not-found]
except ModuleNotFoundError:  # pragma: no cover - exercised only without ruamel.yaml.clib
    from _ruamel_yaml_clibz import CParser  # type: ignore[import-not-found]

Slot = tuple[int, int, int]
"""(line, column) of the containing collection's start mark (0-based), and the child's index in
it: for a mapping, entry ``i`` has its key at ``2 * i`` and its value at ``2 * i + 1``."""

_OPEN = frozenset({"SequenceStartEvent", "MappingStartEvent"})
_CLOSE = frozenset({"SequenceEndEvent", "MappingEndEvent"})
_CHILD = frozenset({"ScalarEvent", "AliasEvent"}) | _OPEN


def slot(collection_mark: Any, index: int) -> Slot:
    """The slot of child ``index`` of the collection starting at ``collection_mark``."""
    return (collection_mark.line, collection_mark.column, index)


def alias_positions(text: str) -> dict[Slot, Position]:
    """Every alias of the document by its slot; empty when the text has no ``*`` at all.

    Called only after the text composed without error, so the walk meets no syntax error;
    should it anyway, the aliases found so far are kept (positions then fall back to anchors).
    """
    if "*" not in text:
        return {}
    found: dict[Slot, Position] = {}
    parser = CParser(text)
    stack: list[list[int]] = []  # per open collection: [line, column, children so far]
    try:
        with contextlib.suppress(Exception):  # see the docstring: positions are best effort
            _walk(parser, stack, found)
    finally:
        parser.dispose()
    return found


def _walk(parser: Any, stack: list[list[int]], found: dict[Slot, Position]) -> None:
    while True:
        event = parser.get_event()
        name = type(event).__name__
        if name == "StreamEndEvent":
            return
        if name in _CHILD and stack:
            parent = stack[-1]
            if name == "AliasEvent":
                mark = event.start_mark
                found[(parent[0], parent[1], parent[2])] = Position(mark.line + 1, mark.column + 1)
            parent[2] += 1
        if name in _OPEN:
            stack.append([event.start_mark.line, event.start_mark.column, 0])
        elif name in _CLOSE:
            stack.pop()
