"""YAML syntax errors in the seller's words, at the place to fix.

libyaml says what the parser saw ("found character that cannot start any token", "mapping values
are not allowed in this context"); a seller needs what they did: a tab used for indentation, a
key indented more or less than the keys around it, a ``: `` in an unquoted value. The mark
libyaml reports and the lines above it are enough to tell these apart; anything else keeps the
parser's words after "YAML syntax error:".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from offerops.source.document import ORIGIN, LoadProblem, Position, count_lines, offset_position

TAB_MESSAGE = "tab characters are not allowed for indentation, use spaces"

_LEAD = re.compile(r"^[ \t\-?:]*")
"""The indentation and block indicators (``- ``, ``? ``, ``: ``) that start a line."""

_CONTENT = re.compile(r"^(?P<indent> *)(?P<dash>- +)?(?P<rest>.*)$")
_KEY = re.compile(r"^(?P<key>[^\s#'\"\[\]{},&*!|>%@`-][^#]*?|\"[^\"]*\"|'[^']*') *:(?: |$)")


@dataclass(frozen=True, slots=True)
class _Line:
    """One line of the file as indentation sees it."""

    number: int
    """1-based."""
    indent: int
    """Spaces before the first token (a ``- `` included: for an item, the column of its dash)."""
    item: bool
    """Starts with ``- ``: a list item."""
    key: str | None
    """The key the line starts with (after ``- `` for an item), unquoted."""
    key_column: int
    """0-based column of the key (or of the content when there is no key)."""
    text: str

    @property
    def label(self) -> str:
        """How a message names the line: ``"currency"``, or ``list item "- globex-uk"``."""
        if self.item:
            return f'list item "{self.text.strip()}"'
        return f'"{self.key}"' if self.key is not None else f'"{self.text.strip()}"'


def _read_line(lines: list[str], index: int) -> _Line | None:
    """The line at 0-based ``index``; None for a blank or comment line (or past the end)."""
    if not 0 <= index < len(lines):
        return None
    text = lines[index].rstrip("\r")
    match = _CONTENT.match(text)
    if match is None or not match["rest"].strip() or match["rest"].lstrip().startswith("#"):
        return None
    dash = match["dash"] or ""
    column = len(match["indent"]) + len(dash)
    key_match = _KEY.match(match["rest"])
    key = key_match["key"].strip().strip("\"'") if key_match else None
    return _Line(index + 1, len(match["indent"]), bool(dash), key, column, text)


def _previous(lines: list[str], index: int) -> _Line | None:
    """The nearest line with content above 0-based ``index``."""
    for above in range(index - 1, -1, -1):
        line = _read_line(lines, above)
        if line is not None:
            return line
    return None


def _previous_item(lines: list[str], index: int, indent: int) -> _Line | None:
    """The nearest list item above ``index`` that the item at ``indent`` could be a sibling of:
    the search stops at a key less indented than both (the list's own key)."""
    for above in range(index - 1, -1, -1):
        line = _read_line(lines, above)
        if line is None:
            continue
        if line.item:
            return line
        if line.indent < indent:
            return None
    return None


def _spaces(count: int) -> str:
    if count == 0:
        return "no spaces"
    return f"{count} space" + ("" if count == 1 else "s")


def _quoted(value: str) -> str:
    """``value`` as a YAML quoted scalar: double quotes, or single ones if it has a ``"``."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _tab_problem(error: Any, lines: list[str]) -> LoadProblem | None:
    """A tab in the indentation of the line the parser stopped at (or one it names)."""
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return None
    line = lines[mark.line] if mark.line < len(lines) else ""
    lead = _LEAD.match(line)
    tab = lead.group(0).find("\t") if lead else -1
    if tab >= 0:
        return LoadProblem("OFR001", Position(mark.line + 1, tab + 1), TAB_MESSAGE)
    problem = str(getattr(error, "problem", "") or "")
    if "tab" in problem:
        return LoadProblem("OFR001", Position(mark.line + 1, mark.column + 1), TAB_MESSAGE)
    return None


def _indentation_problem(error: Any, lines: list[str]) -> LoadProblem | None:
    """A line indented unlike the lines around it, named by its key (or list item)."""
    problem = str(getattr(error, "problem", "") or "")
    mark = getattr(error, "problem_mark", None)
    if mark is None:
        return None
    line = _read_line(lines, mark.line)
    if line is None:
        return None
    if "mapping values are not allowed" in problem:
        return _over_indented(line, mark, lines)
    if "did not find expected key" in problem or "did not find expected '-'" in problem:
        return _misaligned(line, lines)
    return None


def _over_indented(line: _Line, mark: Any, lines: list[str]) -> LoadProblem | None:
    """``mapping values are not allowed``: a key indented under a line that already has a value
    (it reads as more of that value), or a ``: `` inside an unquoted value."""
    at = Position(line.number, line.key_column + 1)
    if line.key is not None and mark.column > line.key_column + len(line.key) + 1:
        value = line.text[line.key_column :].split(":", 1)[1].strip()
        message = (
            f'the value of "{line.key}" contains ": "; put it in quotes: {line.key}: "{value}"'
        )
        return LoadProblem("OFR001", Position(mark.line + 1, mark.column + 1), message)
    above = _previous(lines, line.number - 1)
    if line.key is None or above is None or above.key is None:
        return None
    message = (
        f'"{line.key}" is indented more than "{above.key}" on line {above.number}, so it reads '
        f'as part of the value of "{above.key}"; indent "{line.key}" like "{above.key}" '
        f"({_spaces(above.key_column)}), or like the key it belongs to"
    )
    return LoadProblem("OFR001", at, message)


def _misaligned(line: _Line, lines: list[str]) -> LoadProblem | None:
    """``did not find expected key`` / ``'-' indicator``: a key or item that lines up with
    nothing above it."""
    at = Position(line.number, line.indent + 1)
    if line.item:
        sibling = _previous_item(lines, line.number - 1, line.indent)
        if sibling is not None and sibling.indent != line.indent:
            message = (
                f"{line.label} is indented {_spaces(line.indent)}, but the list item above it "
                f"(line {sibling.number}) is indented {_spaces(sibling.indent)}; "
                "line up the items of one list"
            )
            return LoadProblem("OFR001", at, message)
    above = _previous(lines, line.number - 1)
    if above is None:
        return None
    what = f'"{above.key}"' if above.key is not None and not line.item else "the line"
    message = (
        f"{line.label} is indented {_spaces(line.key_column)}, which lines up with no key "
        f"above it ({what} on line {above.number} is indented {_spaces(above.key_column)}); "
        f"indent it like the keys it belongs with"
    )
    return LoadProblem("OFR001", Position(line.number, line.key_column + 1), message)


def _word_at(text: str, mark: Any, sigil: str) -> str:
    """The anchor or alias name at a parser mark (``&name`` / ``*name``)."""
    lines = text.split("\n")
    line = lines[mark.line] if mark.line < len(lines) else ""
    match = re.match(re.escape(sigil) + r"([^\s,\[\]{}]+)", line[mark.column :])
    return match.group(1) if match else "?"


def parse_error(error: Exception, text: str) -> LoadProblem:
    """Turn any libyaml error into a problem at its mark, never past the end of the file."""
    problem = _parse_problem(error, text)
    last = count_lines(text)
    if problem.position.line > last:
        end_of_last_line = len(text.rstrip("\n").rsplit("\n", 1)[-1]) + 1
        return LoadProblem(problem.rule, Position(last, end_of_last_line), problem.message)
    return problem


def _parse_problem(error: Exception, text: str) -> LoadProblem:
    lines = text.split("\n")
    worded = _tab_problem(error, lines) or _known_problem(error, text)
    if worded is None:
        worded = _indentation_problem(error, lines)
    return worded or _parser_words(error, text)


def _known_problem(error: Exception, text: str) -> LoadProblem | None:
    """Anchors, aliases, a key without its colon, a second document."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    position = Position(mark.line + 1, mark.column + 1) if mark is not None else ORIGIN
    problem = getattr(error, "problem", None) or ""
    context = getattr(error, "context", None) or ""
    context_mark = getattr(error, "context_mark", None)
    if "duplicate anchor" in context and mark is not None:
        name = _word_at(text, mark, "&")
        first = f" (first at line {context_mark.line + 1})" if context_mark is not None else ""
        return LoadProblem(
            "OFR001", position, f'anchor "&{name}" is defined twice{first}; rename one'
        )
    if "undefined alias" in problem and mark is not None:
        name = _word_at(text, mark, "*")
        return LoadProblem(
            "OFR001", position, f'alias "*{name}" refers to no anchor; define "&{name}" before it'
        )
    if "could not find expected ':'" in problem and context_mark is not None:
        position = Position(context_mark.line + 1, context_mark.column + 1)
        return LoadProblem("OFR001", position, "YAML syntax error: a key without its ':'")
    if "expected a single document" in context:
        return LoadProblem(
            "OFR007", position, "file has more than one YAML document (---); keep one offer a file"
        )
    return None


def _parser_words(error: Exception, text: str) -> LoadProblem:
    """Any other error: the parser's own words, at its mark."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    position = Position(mark.line + 1, mark.column + 1) if mark is not None else ORIGIN
    offset = getattr(error, "position", None)
    if mark is None and isinstance(offset, int):
        position = offset_position(text, offset)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    context = getattr(error, "context", None)
    detail = f"{context}, {problem}" if context and context != problem else problem
    return LoadProblem("OFR001", position, f"YAML syntax error: {detail}")
