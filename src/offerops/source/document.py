"""A loaded YAML document: plain data plus the 1-based position of every key and value.

Positions are keyed by *data path*, the tuple of keys and indexes from the root
(``("spec", "buyers", 1)``), so rules never compute line numbers: they name a path and the runner
looks it up, falling back to the nearest existing parent (cfn-lint's design).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

PathElement = str | int
DataPath = tuple[PathElement, ...]
Anchor = Literal["value", "key"]


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and column in a file."""

    line: int
    column: int


ORIGIN = Position(1, 1)


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """A problem found while reading or parsing, before any model exists."""

    rule: str
    position: Position
    message: str


class Mark(Protocol):
    """A 0-based parser mark (libyaml's); converted to a :class:`Position` only when needed."""

    @property
    def line(self) -> int: ...

    @property
    def column(self) -> int: ...


def offset_position(content: str | bytes, offset: int) -> Position:
    """The position of a character (or byte) offset into ``content``."""
    newline = "\n" if isinstance(content, str) else b"\n"
    head = content[:offset]
    line = head.count(newline) + 1  # type: ignore[arg-type]
    column = offset - (head.rfind(newline) + 1) + 1  # type: ignore[arg-type]
    return Position(line, column)


def count_lines(text: str) -> int:
    """Lines as an editor shows them (a last line without newline counts)."""
    return max(1, text.count("\n") + (0 if text.endswith("\n") else 1))


def position_of(mark: Mark | Position) -> Position:
    """1-based position of a 0-based parser mark (positions pass through unchanged)."""
    if isinstance(mark, Position):
        return mark
    return Position(mark.line + 1, mark.column + 1)


@dataclass(slots=True)
class Document:
    """One YAML file, converted to plain Python data with positions on the side."""

    relpath: str
    data: Any
    values: dict[DataPath, Mark | Position] = field(default_factory=dict)
    keys: dict[DataPath, Mark | Position] = field(default_factory=dict)
    """Marks are kept as the parser made them: building 10,000 files' worth of positions up
    front costs more than parsing; only the few that a finding needs are converted."""
    lines: int = 0
    """Lines in the file (0: unknown); libyaml may mark the end of a file one line past it."""
    tagged: set[DataPath] = field(default_factory=set)
    """Paths of nodes with a refused tag (OFR003): structure errors under them are not
    reported again."""

    def locate(self, path: DataPath, at: Anchor = "value") -> Position:
        """Where ``path`` is, never past the last line of the file."""
        position = self._locate(path, at)
        if self.lines and position.line > self.lines:
            return Position(self.lines, 1)
        return position

    def _locate(self, path: DataPath, at: Anchor) -> Position:
        """Where ``path`` is in the file.

        ``at="key"`` points at the key of a mapping entry (for unknown or misplaced fields);
        ``at="value"`` at its value. A path that does not exist (a missing field) points at the key
        of its nearest existing parent, which is where the seller has to add it.
        """
        if at == "key" and path in self.keys:
            return position_of(self.keys[path])
        if path in self.values:
            return position_of(self.values[path])
        for end in range(len(path) - 1, 0, -1):
            parent = path[:end]
            if parent in self.keys:
                return position_of(self.keys[parent])
            if parent in self.values:
                return position_of(self.values[parent])
        return position_of(self.values.get((), ORIGIN))

    def top_level(self) -> Document:
        """A copy with only the root and top-level positions, as plain positions (picklable):
        what repository rules point at (``key``, ``id``)."""
        values = {p: position_of(m) for p, m in self.values.items() if len(p) <= 1}
        keys = {p: position_of(m) for p, m in self.keys.items() if len(p) <= 1}
        return Document(self.relpath, None, dict(values), dict(keys), self.lines)

    def exists(self, path: DataPath) -> bool:
        """True when ``path`` names a node of the document."""
        return path in self.values
