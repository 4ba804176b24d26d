"""Turn pydantic validation errors into positioned, actionable structure problems.

pydantic reports *where* (``loc``) and *what* (``type``); this module maps ``loc`` back to the data
path of the YAML document (removing the tags pydantic inserts for unions), picks the rule, and
rewrites the message into what the seller should do.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

from offerops.model.common import describe, parse_date
from offerops.source.document import Anchor, DataPath, Document

_UNION_FIELDS: frozenset[DataPath] = frozenset({("spec", "pricing")})
"""Paths of discriminated unions: pydantic adds the tag to ``loc`` right after them."""

_CUSTOM_KINDS = frozenset(
    {"account_not_quoted", "buyer_format", "date_format", "date_with_time", "number_type"}
)
"""Error kinds whose message is already written for sellers."""

_EXPECTED_BY_TYPE = {
    "int_type": "a whole number",
    "bool_type": "true or false",
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
}
"""Strict type errors (the models convert no types) in words: what the field takes."""

_RULE_BY_TYPE = {
    "extra_forbidden": "OFR101",
    "missing": "OFR102",
    "union_tag_not_found": "OFR102",
    "money_not_quoted": "OFR104",
    "money_format": "OFR104",
    "money_type": "OFR104",
}


@dataclass(frozen=True, slots=True)
class StructureProblem:
    """A structure problem with its rule id and data path."""

    rule: str
    path: DataPath
    message: str
    at: Anchor


def structure_problems(
    error: ValidationError, document: Document, model: type[BaseModel]
) -> list[StructureProblem]:
    """One problem per pydantic error, deduplicated by (path, message)."""
    seen: set[tuple[DataPath, str]] = set()
    problems = []
    for detail in error.errors(include_url=False):
        problem = _problem(dict(detail), document, model)
        if (problem.path, problem.message) not in seen:
            seen.add((problem.path, problem.message))
            problems.append(problem)
    return problems


def _problem(
    detail: dict[str, Any], document: Document, model: type[BaseModel]
) -> StructureProblem:
    path, at_key = _data_path(tuple(detail["loc"]))
    kind: str = detail["type"]
    if kind in _UNION_TAG_KINDS:
        path = (*path, _discriminator(detail))
    field = _label(path)
    rule = _rule_for(kind, path)
    message = _message(kind, field, path, detail, model)
    at: Anchor = "key" if at_key or kind == "extra_forbidden" else "value"
    return StructureProblem(rule, path, message, at)


def _data_path(loc: tuple[Any, ...]) -> tuple[DataPath, bool]:
    """Drop union tags and ``[key]`` markers from a pydantic ``loc``; say if it names a key."""
    cleaned = _strip_union_tags(loc)
    return tuple(e for e in cleaned if e != "[key]"), "[key]" in loc


def _strip_union_tags(loc: tuple[Any, ...]) -> DataPath:
    for union_path in _UNION_FIELDS:
        size = len(union_path)
        if loc[:size] == union_path and len(loc) > size and loc[size] in ("usage", "contract"):
            return (*union_path, *loc[size + 1 :])
    return loc


def _rule_for(kind: str, path: DataPath) -> str:
    if kind in _RULE_BY_TYPE:
        return _RULE_BY_TYPE[kind]
    if path[:2] == ("spec", "buyers"):
        return "OFR501"
    if path in (("apiVersion",), ("kind",)):
        return "OFR105"
    if path == ("key",):
        return "OFR201"
    return "OFR103"


def _message(
    kind: str, field: str, path: DataPath, detail: dict[str, Any], model: type[BaseModel]
) -> str:
    value = detail.get("input")
    where = _where(path[:-1])
    if kind == "missing":
        return f'missing required field "{path[-1]}"{where}; add it'
    if kind == "extra_forbidden":
        name = str(path[-1])
        return f'unknown field "{name}"{where}; {_suggest(name, path[:-1], model)}'
    if kind in _UNION_TAG_KINDS:
        return _union_tag_message(kind, path, detail)
    expected = _expected(kind, detail)
    if expected is not None:
        return f"{field} must be {expected}, got {_show(value)}{_unquote(kind, value)}"
    if kind == "starts_format":
        return f"{field} {_starts_message(value)}"
    hint = _HINTS.get(tuple(e for e in path if isinstance(e, str)))
    if kind == "string_pattern_mismatch" and hint:
        return f"{field} {hint}, got {_show(value)}"
    text = str(detail["msg"])
    if kind == "literal_error":
        text = text.replace("'", '"')
    if kind.startswith("money") or kind in _CUSTOM_KINDS:
        return f"{field} {text}"
    text = text.replace("Input should be", "must be").replace("Value error, ", "")
    text = text[0].lower() + text[1:] if text else text
    return f"{field} {text}, got {_show(value)}"


_UNION_TAG_KINDS = frozenset({"union_tag_invalid", "union_tag_not_found"})


def _expected(kind: str, detail: dict[str, Any]) -> str | None:
    """What a strict type error's field takes, in words; None for other errors."""
    if kind == "is_instance_of" and detail.get("ctx", {}).get("class") == "Decimal":
        return "a number"
    return _EXPECTED_BY_TYPE.get(kind)


def _discriminator(detail: dict[str, Any]) -> str:
    """The field that picks a union member (``model`` of ``pricing``)."""
    return str(detail.get("ctx", {}).get("discriminator", "model")).strip("'")


def _union_tag_message(kind: str, path: DataPath, detail: dict[str, Any]) -> str:
    """``model: contracts`` names what it may be and echoes what it is; a missing ``model`` says
    what to add. ``path`` already ends with the discriminator."""
    name = str(path[-1])
    expected = str(detail.get("ctx", {}).get("expected_tags", "'usage', 'contract'"))
    tags = [tag.strip().strip("'") for tag in expected.split(",")]
    if kind == "union_tag_not_found":
        add = " or ".join(f'"{name}: {tag}"' for tag in tags)
        return f'missing required field "{name}"{_where(path[:-1])}; add {add}'
    given = detail["input"].get(name) if isinstance(detail["input"], dict) else None
    return f"{name} must be {' or '.join(tags)}, got {_show(given)}"


def _unquote(kind: str, value: Any) -> str:
    """A number or boolean written in quotes is text in YAML: say so, it is easy to miss."""
    if not isinstance(value, str):
        return ""
    if kind == "int_type" and value.strip().lstrip("+-").isdigit():
        return "; remove the quotes"
    if kind == "bool_type" and value.strip().lower() in ("true", "false"):
        return "; remove the quotes"
    return ""


def _starts_message(value: Any) -> str:
    """``starts`` is ``on-acceptance`` or a date: a date-like value gets the date's message."""
    if isinstance(value, str) and value[:1].isdigit():
        try:
            parse_date(value)
        except PydanticCustomError as error:
            return error.message()
    return f'must be "on-acceptance" or a date written YYYY-MM-DD, got {_show(value)}'


_HINTS = {
    ("key",): 'must be 2..63 lowercase letters, digits and dashes, like "acme-analytics-2027"',
    ("id",): 'must be a marketplace offer id like "offer-6s4yhickti7lu"',
    ("spec", "channel", "resaleAuthorization"): 'must look like "resaleauthz-1a2b3c4d5e6f7"',
}
"""Pattern errors explained in words, by data path (list indexes removed)."""


def _label(path: DataPath) -> str:
    """``buyers item 2`` for list items, the field name otherwise (1-based for people)."""
    if not path:
        return "document"
    if isinstance(path[-1], int):
        return f"{_label(path[:-1])} item {path[-1] + 1}"
    return str(path[-1])


def _where(parent: DataPath) -> str:
    named = [str(element) for element in parent if isinstance(element, str)]
    return f' in "{named[-1]}"' if named else ""


def _show(value: Any, limit: int = 60) -> str:
    """A value for a one-line message, as the seller wrote it (``the boolean true``, ``"36"``),
    truncated."""
    text = describe(value)
    return text if len(text) <= limit else text[: limit - 4] + '..."'


def _suggest(field: str, parent: DataPath, model: type[BaseModel]) -> str:
    allowed = _fields_at(model, parent)
    if not allowed:
        return "remove it"
    close = difflib.get_close_matches(field, allowed, n=1, cutoff=0.6)
    if close:
        return f'did you mean "{close[0]}"?'
    return "allowed here: " + ", ".join(sorted(allowed))


def _fields_at(model: type[BaseModel], path: DataPath) -> list[str]:
    """The field names of the model found by walking ``path`` (through lists, dicts, unions)."""
    candidates: list[Any] = [model]
    for element in path:
        candidates = [child for item in candidates for child in _children(item, element)]
    names: set[str] = set()
    for item in candidates:
        if isinstance(item, type) and issubclass(item, BaseModel):
            names.update(item.model_fields)
    return sorted(names)


def _children(annotation: Any, element: str | int) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _children(typing.get_args(annotation)[0], element)
    if origin in (typing.Union, types.UnionType):
        return [c for arg in typing.get_args(annotation) for c in _children(arg, element)]
    if origin is list and isinstance(element, int):
        return [typing.get_args(annotation)[0]]
    if origin is dict and isinstance(element, str):
        return [typing.get_args(annotation)[1]]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(element))
        return [field.annotation] if field is not None else []
    return []
