"""Compose YAML with libyaml (ruamel.yaml.clib) and convert nodes to data, keeping marks.

Why not ruamel's round-trip loader: it is pure Python and costs ~5 ms per offer file; composing
nodes with the C parser costs well under 1 ms and the nodes carry the same line/column marks.

The conversion is also where hostile YAML is contained: tags are never constructed (an unknown
tag is a finding and its node is read as plain data), aliases are expanded against a node budget
(no billion-laughs), nesting is bounded, and every parser error becomes a positioned problem.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import Resolver

from offerops.fileio import (
    FileTooLarge,
    NotRegularFile,
    OutsideRepository,
    read_inside,
    read_regular,
)
from offerops.model.limits import MAX_OFFER_FILE_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES
from offerops.source.aliases import Slot, alias_positions, slot
from offerops.source.document import (
    ORIGIN,
    DataPath,
    Document,
    Mark,
    Position,
    count_lines,
    offset_position,
    position_of,
)
from offerops.source.document import LoadProblem as LoadProblem  # re-exported for the runner
from offerops.source.syntax import parse_error

try:  # the C parser; ruamel ships a pure-Python fallback we deliberately do not use
    from _ruamel_yaml import CParser  # type: ignore[import-not-found]
except ModuleNotFoundError:  # pragma: no cover - exercised only without ruamel.yaml.clib
    from _ruamel_yaml_clibz import CParser  # type: ignore[import-not-found]

TAG = "tag:yaml.org,2002:"
SAFE_TAGS = frozenset(
    TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
_INT_DECIMAL = re.compile(r"^[-+]?[0-9][0-9_]*$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


_RESOLVED: dict[tuple[str, Any], Any] = {}
"""Implicit tags by (scalar text, implicit flags): offer files repeat the same keys and words."""
_RESOLVED_MAX = 50_000
_RESOLVED_LENGTH = 200
"""Only short scalars are memoized: a run over hostile files must not keep megabytes alive."""


class _Composer(CParser, Resolver):  # type: ignore[misc]
    """libyaml's composer with ruamel's YAML 1.2 implicit tag resolution."""

    def __init__(self, text: str) -> None:
        CParser.__init__(self, text)
        Resolver.__init__(self, loadumper=self)

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        """Memoized: libyaml calls back into this pure-Python resolver for every scalar."""
        if kind is not ScalarNode or not isinstance(implicit, tuple):
            return super().resolve(kind, value, implicit)
        if len(value) > _RESOLVED_LENGTH:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_RESOLVED) < _RESOLVED_MAX:
                _RESOLVED[key] = tag
        return tag


class _Budget(Exception):
    """Raised when a document is too large or too deep to expand safely."""

    def __init__(self, position: Position, message: str) -> None:
        super().__init__(message)
        self.position = position
        self.message = message


def _tag(node: Node) -> str:
    """The node's resolved tag. libyaml nodes carry the full tag as the suffix of their Tag;
    reading it directly skips ruamel's ``Tag.__str__``, a measurable cost on 10,000 files."""
    ctag = getattr(node, "ctag", None)
    if ctag is None:
        return str(node.tag or "")
    return str(ctag.suffix) if ctag.handle is None else str(ctag)


def _line(mark: Mark | Position) -> int:
    return position_of(mark).line


def _pos(node: Node) -> Position:
    mark = node.start_mark
    return Position(mark.line + 1, mark.column + 1)


class _Converter:
    """Turns a node graph into plain data, recording positions and problems.

    A node reached through an alias (``*acme``, ``<<: *seat``) is the anchored node itself; its
    whole subtree is recorded at the alias (``via``), the line that repeats it, so a finding about
    the repeated value points where the seller repeated it, not at the anchor.
    """

    def __init__(self, relpath: str, aliases: dict[Slot, Position] | None = None) -> None:
        self.doc = Document(relpath=relpath, data=None)
        self.problems: list[LoadProblem] = []
        self._nodes = 0
        self._on_stack: set[int] = set()
        self._aliases = aliases or {}

    def _via(self, via: Position | None, collection: Node, index: int) -> Position | None:
        """Where child ``index`` of ``collection`` is recorded: the enclosing alias, if any, else
        its own alias if it is written as one, else None (its own marks)."""
        if via is not None or not self._aliases:
            return via
        return self._aliases.get(slot(collection.start_mark, index))

    def convert(
        self, node: Node, path: DataPath, depth: int = 0, via: Position | None = None
    ) -> Any:
        self._nodes += 1
        if self._nodes > MAX_YAML_NODES:
            raise _Budget(_pos(node), f"document expands to more than {MAX_YAML_NODES} nodes")
        if depth > MAX_YAML_DEPTH:
            raise _Budget(_pos(node), f"document nests deeper than {MAX_YAML_DEPTH} levels")
        self.doc.values[path] = via or node.start_mark
        tag = _tag(node)
        if tag not in SAFE_TAGS and self._check_tag(node, tag):
            self.doc.tagged.add(path)
        if isinstance(node, ScalarNode):
            return _scalar(node, tag)
        if id(node) in self._on_stack:
            raise _Budget(_pos(node), "an alias refers to a node that contains it (a cycle)")
        self._on_stack.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path, depth, via)
            return [
                self.convert(item, (*path, index), depth + 1, self._via(via, node, index))
                for index, item in enumerate(node.value)
            ]
        finally:
            self._on_stack.discard(id(node))

    def _check_tag(self, node: Node, tag: str) -> bool:
        """Report a tag that is not plain data; True when it was reported."""
        if tag == TAG + "merge" or tag in ("!", "?"):
            return False
        shown = "!!" + tag[len(TAG) :] if tag.startswith(TAG) else tag
        self.problems.append(
            LoadProblem(
                "OFR003",
                _pos(node),
                f'tag "{shown}" is not allowed in offer files; remove it '
                "(offerops reads plain strings, numbers, dates, lists and mappings only)",
            )
        )
        return True

    def _mapping(
        self, node: MappingNode, path: DataPath, depth: int, via: Position | None
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merges: list[tuple[Node, Position | None]] = []
        for index, (key_node, value_node) in enumerate(node.value):
            value_via = self._via(via, node, 2 * index + 1)
            if isinstance(key_node, ScalarNode) and _tag(key_node) == TAG + "merge":
                merges.append((value_node, value_via))
            else:
                entry = _Entry(key_node, value_node, self._via(via, node, 2 * index), value_via)
                self._entry(result, entry, path, depth)
        for merge, merge_via in merges:
            self._merge(result, merge, merge_via, path, depth)
        return result

    def _entry(self, target: dict[str, Any], entry: _Entry, path: DataPath, depth: int) -> None:
        key = self._key(entry.key)
        if key is None:
            return
        child = (*path, key)
        key_mark = entry.key_via or entry.key.start_mark
        if key in target:
            self.problems.append(
                LoadProblem(
                    "OFR002",
                    position_of(key_mark),
                    f'duplicate key "{key}" (first at line {_line(self.doc.keys[child])}); '
                    "keep one of them",
                )
            )
            return
        self.doc.keys[child] = key_mark
        target[key] = self.convert(entry.value, child, depth + 1, entry.value_via)

    def _key(self, node: Node) -> str | None:
        self._nodes += 1
        if isinstance(node, ScalarNode):
            return str(node.value)
        self.problems.append(
            LoadProblem(
                "OFR001", _pos(node), "mapping keys must be plain strings, not lists or maps"
            )
        )
        return None

    def _merge(
        self,
        target: dict[str, Any],
        node: Node,
        via: Position | None,
        path: DataPath,
        depth: int,
    ) -> None:
        """Support ``<<: *defaults``: keys written in place win over merged ones. Merged entries
        are recorded at the alias that merges them (``via``) when there is one."""
        if isinstance(node, SequenceNode):
            sources = [(item, self._via(via, node, i)) for i, item in enumerate(node.value)]
        else:
            sources = [(node, via)]
        for source, source_via in sources:
            if not isinstance(source, MappingNode):
                position = source_via or _pos(source)
                message = "a merge key (<<) needs a mapping or list"
                self.problems.append(LoadProblem("OFR001", position, message))
                continue
            for index, (key_node, value_node) in enumerate(source.value):
                key = self._key(key_node)
                if key is not None and key not in target:
                    key_via = self._via(source_via, source, 2 * index)
                    value_via = self._via(source_via, source, 2 * index + 1)
                    entry = _Entry(key_node, value_node, key_via, value_via)
                    self._entry(target, entry, path, depth)


@dataclass(frozen=True, slots=True)
class _Entry:
    """A mapping entry's nodes, and the aliases they are recorded at (None: their own marks)."""

    key: Node
    value: Node
    key_via: Position | None
    value_via: Position | None


def _scalar(node: ScalarNode, tag: str) -> Any:
    """Read a scalar by its resolved tag without constructing anything unsafe."""
    text = str(node.value)
    if tag == TAG + "int":
        return _int(text)
    if tag == TAG + "float":
        return _float(text)
    if tag == TAG + "bool":  # YAML 1.2: only true/false; yes, no, on, off stay strings
        return text.lower() == "true"
    if tag == TAG + "null":
        return None
    if tag == TAG + "timestamp" and _DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return text
    return text


def _int(text: str) -> int | str:
    cleaned = text.replace("_", "")
    try:
        return int(cleaned, 10) if _INT_DECIMAL.match(text) else int(cleaned, 0)
    except ValueError:
        return text


def _float(text: str) -> float | str:
    special = {".inf": "inf", "+.inf": "inf", "-.inf": "-inf", ".nan": "nan"}
    try:
        return float(special.get(text.lower(), text.replace("_", "")))
    except ValueError:
        return text


def _decode(raw: bytes) -> tuple[str | None, LoadProblem | None]:
    """UTF-8 (with or without BOM) or a positioned problem; NUL bytes are refused too."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        message = "file is UTF-16; save it as UTF-8"
        return None, LoadProblem("OFR005", ORIGIN, message)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, LoadProblem(
            "OFR005",
            offset_position(raw, error.start),
            f"file is not valid UTF-8 (byte 0x{raw[error.start]:02x}); save it as UTF-8",
        )
    nul = text.find("\x00")
    if nul >= 0:
        return None, LoadProblem(
            "OFR005", offset_position(text, nul), "file contains a NUL byte; remove it"
        )
    odd = _odd_line_break(text)
    if odd is not None:
        offset, name = odd
        message = f"file has a {name} line break; save it with LF (or CRLF) line endings"
        return None, LoadProblem("OFR005", offset_position(text, offset), message)
    return text, None


_ODD_BREAKS = {"\x85": "NEL (U+0085)", "\u2028": "U+2028", "\u2029": "U+2029"}
_LONE_CR = re.compile("\r(?!\n)")


def _odd_line_break(text: str) -> tuple[int, str] | None:
    """The first line break other than LF and CRLF: libyaml counts lines at it, Git and GitHub
    do not, so every position after it would point at the wrong line."""
    found = []
    if "\r" in text:
        lone = _LONE_CR.search(text)
        if lone:
            found.append((lone.start(), "lone carriage return (CR)"))
    for char, name in _ODD_BREAKS.items():
        offset = text.find(char)
        if offset >= 0:
            found.append((offset, name))
    return min(found) if found else None


_LEAD = re.compile(r"^(?![ \t]*(?:#|\r?\n|$))[ \t\-?:\ufeff]*", re.MULTILINE)
"""The indentation and block indicators (``- ``, ``? ``, ``: ``) that start a line; lines that
hold only a comment or only whitespace open nothing, so they are skipped (a comment aligned far
to the right is common in hand-written offers)."""
_NOT_COMMENT_ONLY = r"(?![ \t]*(?:#|\r?\n|$))"


def _depth_bound(text: str) -> int:
    """An upper bound of the nesting depth, from the text alone, in linear time.

    libyaml opens a block collection only at a column deeper than the enclosing one, and only at
    the first token after a line's indentation and block indicators (a key, ``-`` or ``?``); a
    sequence written at its parent key's column adds one more level. So block nesting is at most
    twice the widest such lead, plus one per flow bracket. Scalars that contain ``-`` or ``:``
    only make the bound looser, never wrong.
    """
    lead = max((len(match) for match in _LEAD.findall(text)), default=0)
    return 2 * (lead + 1) + text.count("[") + text.count("{")


@functools.cache
def _lead_of(width: int) -> re.Pattern[str]:
    """Finds a line (after the first) whose lead (see ``_LEAD``) is at least ``width`` long."""
    return re.compile("\\n" + _NOT_COMMENT_ONLY + r"[ \t\-?:\ufeff]{" + str(width) + "}")


def may_nest_too_deep(text: str) -> bool:
    """``_depth_bound(text) > MAX_YAML_DEPTH``, computed with one regex search and no lists:
    it runs on every file, and most files are far from the limit."""
    brackets = text.count("[") + text.count("{")
    widest_allowed = (MAX_YAML_DEPTH - brackets) // 2 - 1
    if widest_allowed < 0:
        return True
    lead = _lead_of(widest_allowed + 1)  # "\n" first: re scans for a literal prefix fast
    return lead.match("\n" + text[: widest_allowed + 1]) is not None or bool(lead.search(text))


def _too_deep(text: str) -> Position | None:
    """Where nesting first goes deeper than MAX_YAML_DEPTH, if it does.

    libyaml composes nested collections recursively in C: ~50,000 nested ``[`` or ``- `` or
    indented keys overflow the stack (a segfault, no error) before the converter's own depth
    check runs. Offer files are shallow, so the event walk (libyaml's parser does not recurse)
    only runs when the cheap textual bound allows a deep document.
    """
    if not may_nest_too_deep(text):
        return None
    parser = CParser(text)
    depth = 0
    try:
        while True:
            event = parser.get_event()
            name = type(event).__name__
            if name in ("SequenceStartEvent", "MappingStartEvent"):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    return Position(event.start_mark.line + 1, event.start_mark.column + 1)
            elif name in ("SequenceEndEvent", "MappingEndEvent"):
                depth -= 1
            elif name == "StreamEndEvent":
                return None
    except Exception:  # a syntax error: composing reports it with its position
        return None
    finally:
        parser.dispose()


def parse_text(text: str, relpath: str) -> tuple[Document | None, list[LoadProblem]]:
    """Parse YAML text into a :class:`Document`, or problems explaining why not."""
    deep = _too_deep(text)
    if deep is not None:
        message = f"document nests deeper than {MAX_YAML_DEPTH} levels"
        return None, [LoadProblem("OFR006", deep, message)]
    composer = _Composer(text)
    try:
        root = composer.get_single_node()
    except Exception as error:  # libyaml raises several unrelated error types
        return None, [parse_error(error, text)]
    finally:
        composer.dispose()
    lines = count_lines(text)
    if root is None or (isinstance(root, ScalarNode) and _tag(root) == TAG + "null"):
        return None, [LoadProblem("OFR004", ORIGIN, "file is empty; write an offer or delete it")]
    if not isinstance(root, MappingNode):
        kind = "a list" if isinstance(root, SequenceNode) else "a single value"
        message = f"the file must be a mapping of fields (apiVersion, kind, key, spec), not {kind}"
        return None, [LoadProblem("OFR103", ORIGIN, message)]
    converter = _Converter(relpath, alias_positions(text))
    converter.doc.lines = lines
    try:
        converter.doc.data = converter.convert(root, ())
    except _Budget as budget:
        return None, [*converter.problems, LoadProblem("OFR006", budget.position, budget.message)]
    return converter.doc, converter.problems


def load_file(
    path: Path, relpath: str, root: Path | None = None
) -> tuple[Document | None, list[LoadProblem]]:
    """Read and parse one file; unreadable, oversized or non-UTF-8 files are problems too.

    With ``root`` (absolute, resolved), ``relpath`` is read inside it: a symlink that leaves the
    repository is refused unread. Only regular files are opened (a FIFO or device would block
    or never end), and at most the size limit plus one byte is read.
    """
    try:
        raw = (
            read_inside(root, relpath, MAX_OFFER_FILE_BYTES)
            if root is not None
            else read_regular(path, MAX_OFFER_FILE_BYTES)
        )
    except OutsideRepository:
        message = (
            "file is a symbolic link (or under one) that leads outside the repository; "
            "it is not read: put the file itself in the repository"
        )
        return None, [LoadProblem("OFR008", ORIGIN, message)]
    except NotRegularFile as refused:
        message = f"{relpath} is {refused.kind}, not a regular file; it is not read"
        return None, [LoadProblem("OFR008", ORIGIN, message)]
    except FileTooLarge as large:
        message = (
            f"file is {large.size} bytes or more; offer files and offerops.yaml are at most "
            "1 MiB, and larger ones are not read"
        )
        return None, [LoadProblem("OFR006", ORIGIN, message)]
    except OSError as error:
        reason = error.strerror or str(error)
        return None, [LoadProblem("OFR005", ORIGIN, f"cannot read file: {reason}")]
    text, problem = _decode(raw)
    if text is None:
        return None, [problem] if problem else []
    return parse_text(text, relpath)
