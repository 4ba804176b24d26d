"""A loaded YAML document: plain data plus the 1-based position of every key and value.

Positions are keyed by *data path*, the tuple of keys and indexes from the root
(``("spec", "buyers", 1)``), so rules never compute line numbers: they name a path and the runner
looks it up, falling back to the nearest existing parent (cfn-lint's design).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

PathElement = str | int
DataPath = tuple[PathElement, ...]
Anchor = Literal["value", "key"]


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and column in a file."""

    line: int
    column: int


ORIGIN = Position(1, 1)


@dataclass(slots=True)
class Document:
    """One YAML file, converted to plain Python data with positions on the side."""

    relpath: str
    data: Any
    values: dict[DataPath, Position] = field(default_factory=dict)
    keys: dict[DataPath, Position] = field(default_factory=dict)

    def locate(self, path: DataPath, at: Anchor = "value") -> Position:
        """Where ``path`` is in the file.

        ``at="key"`` points at the key of a mapping entry (for unknown or misplaced fields);
        ``at="value"`` at its value. A path that does not exist (a missing field) points at the key
        of its nearest existing parent, which is where the seller has to add it.
        """
        if at == "key" and path in self.keys:
            return self.keys[path]
        if path in self.values:
            return self.values[path]
        for end in range(len(path) - 1, 0, -1):
            parent = path[:end]
            if parent in self.keys:
                return self.keys[parent]
            if parent in self.values:
                return self.values[parent]
        return self.values.get((), ORIGIN)

    def exists(self, path: DataPath) -> bool:
        """True when ``path`` names a node of the document."""
        return path in self.values
