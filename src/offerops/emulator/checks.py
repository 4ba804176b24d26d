"""Synchronous request validation: what the service rejects at once with ValidationException.

Each helper names the member the way the caller spelled it and says what was expected, in the
style of AWS's own messages (``Value '...' at 'Catalog' failed to satisfy constraint: ...``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from offerops.emulator.exceptions import ValidationException
from offerops.emulator.ids import CATALOG

CHANGE_SET_NAME = re.compile(r"^[\w\s+=.:@-]+$")
CLIENT_REQUEST_TOKEN = re.compile(r"^[!-~]+$")
RESOURCE_ID = re.compile(r"^[\w\-]+$")
IDENTIFIER = re.compile(r"^[\w\-@]+$")
ENTITY_ID = re.compile(r"^[a-zA-Z0-9][.a-zA-Z0-9/-]+[a-zA-Z0-9]$")
CHANGE_NAME = re.compile(r"^[a-zA-Z0-9]{1,72}$")
CHANGE_TYPE = re.compile(r"^[A-Z]\w{0,254}$")
ENTITY_TYPE_NAME = re.compile(r"^[a-zA-Z]{1,255}$")
API_TIME = re.compile(
    r"^(\d{4})-(1[0-2]|0[1-9])-(3[01]|0[1-9]|[12]\d)T(2[0-3]|[01]\d):([0-5]\d):([0-5]\d)Z$"
)
_TAG_PUNCTUATION = frozenset("_.:/=+-@")

MAX_JSON_DEPTH = 64
"""Deepest JSON the emulator parses: an offer's DetailsDocument in a change set is ~12 deep."""


def load_json(text: str | bytes, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads``, but a document nested deeper than ``max_depth`` is a ``ValueError``.

    Python's parser raises ``RecursionError`` around 1,000 levels, which is not a ``ValueError``
    and would reach the caller as an emulator bug (500); documents below that but still absurdly
    deep would recurse again wherever the engine walks them. Callers already turn ``ValueError``
    into the protocol's error for bad JSON.
    """
    try:
        document = json.loads(text)
    except RecursionError:
        raise ValueError(f"JSON nested more than {max_depth} levels deep") from None
    if _depth_exceeds(document, max_depth):
        raise ValueError(f"JSON nested more than {max_depth} levels deep")
    return document


def _depth_exceeds(document: Any, max_depth: int) -> bool:
    """Whether ``document`` nests deeper than ``max_depth`` (iterative: no recursion to exhaust)."""
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, dict | list):
            continue
        if depth > max_depth:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def fail(message: str) -> ValidationException:
    """A ValidationException to raise."""
    return ValidationException(message)


def constraint(value: Any, member: str, rule: str) -> ValidationException:
    """AWS's wording for a member that breaks its model constraint."""
    return fail(f"Value '{value}' at '{member}' failed to satisfy constraint: {rule}")


def catalog(request: Mapping[str, Any], where: str = "Catalog") -> None:
    """``Catalog`` must be present and exactly ``AWSMarketplace`` (``where`` names it)."""
    value = request.get("Catalog")
    if value is None:
        raise constraint(None, where, "Member must not be null")
    if value != CATALOG:
        raise fail(f"Catalog '{value}' is not supported; the only catalog is {CATALOG}")


def string(
    request: Mapping[str, Any],
    member: str,
    *,
    required: bool = False,
    pattern: re.Pattern[str] | None = None,
    max_length: int | None = None,
    min_length: int = 1,
) -> str | None:
    """An optional (or required) string member with its model constraints."""
    value = request.get(member)
    if value is None:
        if required:
            raise constraint(None, member, "Member must not be null")
        return None
    if not isinstance(value, str):
        raise constraint(value, member, "Member must be a string")
    if len(value) < min_length or (max_length is not None and len(value) > max_length):
        limit = f"{min_length}" if max_length is None else f"{min_length} and {max_length}"
        raise constraint(value, member, f"Member must have length between {limit}")
    if pattern is not None and not pattern.match(value):
        raise constraint(
            value, member, f"Member must satisfy regular expression pattern: {pattern.pattern}"
        )
    return value


def required_string(request: Mapping[str, Any], member: str, **rules: Any) -> str:
    """Like :func:`string` with ``required=True``, typed as never None."""
    value = string(request, member, required=True, **rules)
    assert value is not None
    return value


def integer(request: Mapping[str, Any], member: str, low: int, high: int, default: int) -> int:
    """An optional integer member within ``low..high`` (e.g. MaxResults)."""
    value = request.get(member)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise constraint(value, member, "Member must be an integer")
    if not low <= value <= high:
        raise constraint(
            value, member, f"Member must have value between {low} and {high} inclusive"
        )
    return value


def one_of(value: Any, member: str, allowed: tuple[str, ...]) -> str:
    """An enum member."""
    if value not in allowed:
        raise constraint(
            value, member, f"Member must satisfy enum value set: [{', '.join(allowed)}]"
        )
    return str(value)


def items(request: Mapping[str, Any], member: str, low: int, high: int) -> list[Any]:
    """A list member whose length must be within ``low..high`` (absent: empty)."""
    value = request.get(member)
    if value is None:
        if low > 0:
            raise constraint(None, member, "Member must not be null")
        return []
    if not isinstance(value, list):
        raise constraint(value, member, "Member must be a list")
    if not low <= len(value) <= high:
        raise constraint(
            f"[{len(value)} items]",
            member,
            f"Member must have length between {low} and {high}",
        )
    return value


def mapping(value: Any, member: str) -> Mapping[str, Any]:
    """A structure member (a JSON object)."""
    if not isinstance(value, dict):
        raise constraint(value, member, "Member must be a structure")
    return value


def api_time(value: Any, member: str) -> str:
    """A ``DateTimeISO8601`` value: exactly ``YYYY-MM-DDTHH:MM:SSZ``."""
    if not isinstance(value, str) or not API_TIME.match(value):
        raise constraint(
            value, member, f"Member must satisfy regular expression pattern: {API_TIME.pattern}"
        )
    return value


def _tag_text(text: str) -> bool:
    """The model's ``^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$`` without a regex engine for \\p{}."""
    return all(char in _TAG_PUNCTUATION or unicodedata.category(char)[0] in "LZN" for char in text)


def tags(value: Any, member: str) -> list[tuple[str, str]]:
    """A ``TagList`` (1..200 ``{Key, Value}``) as (key, value) pairs; later duplicates win."""
    entries = items({member: value}, member, 1, 200)
    pairs: dict[str, str] = {}
    for index, entry in enumerate(entries):
        where = f"{member}.{index + 1}"
        tag = mapping(entry, where)
        key, text = tag.get("Key"), tag.get("Value")
        if not isinstance(key, str) or not 1 <= len(key) <= 128 or not _tag_text(key):
            raise constraint(
                key, f"{where}.Key", "Member must be 1-128 letters, digits, spaces or _.:/=+-@"
            )
        if not isinstance(text, str) or len(text) > 256 or not _tag_text(text):
            raise constraint(
                text, f"{where}.Value", "Member must be 0-256 letters, digits, spaces or _.:/=+-@"
            )
        pairs[key] = text
    return list(pairs.items())


def tag_keys(value: Any, member: str) -> list[str]:
    """A ``TagKeyList`` (1..200 keys)."""
    keys = items({member: value}, member, 1, 200)
    for index, key in enumerate(keys):
        if not isinstance(key, str) or not 1 <= len(key) <= 128 or not _tag_text(key):
            raise constraint(key, f"{member}.{index + 1}", "Member must be a tag key")
    return [str(key) for key in keys]


def no_unknown_members(request: Mapping[str, Any], known: frozenset[str], where: str) -> None:
    """Reject members the model does not have (a typo would otherwise be silently ignored)."""
    unknown = sorted(set(request) - known)
    if unknown:
        raise fail(
            f"{where} has unknown member(s) {', '.join(unknown)}; "
            f"expected some of {', '.join(sorted(known))}"
        )
