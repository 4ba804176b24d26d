"""JSON documents at the edge of the typed terms: what change sets take and DescribeEntity gives.

Values in this package are typed; documents are only built at the boundary (``to_details``) and
read at the boundary (``from_entity``). Building is typed by :data:`JsonValue`; reading takes the
untyped ``DetailsDocument`` of an ``Offer@1.0`` entity (botocore returns it as parsed JSON, the
emulator as a dict) and checks every value it uses, so nothing here needs ``Any``.

Reading is strict on purpose: a known term in a shape this package cannot read faithfully (an
unknown key, a second ``ValidityTerm``) raises :class:`ShapeError` naming the place, instead of
being compared or imported half. The two things the service adds are tolerated: a term or rule
``Id`` (real DescribeEntity assigns ``term-…`` ids) and a time of day on dates
(``2027-03-31T00:00:00.000Z`` where a change set sent ``2027-03-31``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TypeAlias

JsonValue: TypeAlias = "str | int | bool | list[JsonValue] | dict[str, JsonValue] | None"
"""A JSON value as change sets take it: money and dates are strings, quantities integers."""

DetailsDocument: TypeAlias = dict[str, JsonValue]
"""The ``DetailsDocument`` of one change (``UpdateTargeting`` …) or one term inside it."""

EntityDetails: TypeAlias = Mapping[str, object]
"""An offer's ``DetailsDocument`` from DescribeEntity: parsed JSON, checked where it is read."""

YamlPath: TypeAlias = tuple[str | int, ...]
"""A place in an offer file, e.g. ``("spec", "pricing", "dimensions", 0, "quantity")``."""

SERVICE_KEYS = frozenset({"Id"})
"""Keys the service adds to stored terms and rules; never part of what a seller sets."""


class ShapeError(ValueError):
    """An entity document this package cannot read faithfully; the message says where and why."""


def mapping(value: object, where: str) -> Mapping[str, object]:
    """``value`` as a JSON object, or :class:`ShapeError`."""
    if not isinstance(value, Mapping):
        raise ShapeError(f"{where}: expected an object, got {_shown(value)}")
    return {str(key): item for key, item in value.items()}


def array(value: object, where: str) -> Sequence[object]:
    """``value`` as a JSON array (a missing array is empty), or :class:`ShapeError`."""
    if value is None:
        return ()
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise ShapeError(f"{where}: expected a list, got {_shown(value)}")
    return value


def text(value: object, where: str) -> str:
    """``value`` as a string, or :class:`ShapeError`."""
    if not isinstance(value, str):
        raise ShapeError(f"{where}: expected a string, got {_shown(value)}")
    return value


def optional_text(value: object, where: str) -> str | None:
    """A string or None (absent)."""
    return None if value is None else text(value, where)


def integer(value: object, where: str) -> int:
    """``value`` as an integer (``"5"`` is read too: some SDKs stringify numbers)."""
    if isinstance(value, bool):
        raise ShapeError(f"{where}: expected an integer, got {_shown(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise ShapeError(f"{where}: expected an integer, got {_shown(value)}")


def only_keys(document: Mapping[str, object], allowed: frozenset[str], where: str) -> None:
    """Refuse keys this package does not model (they would be dropped without a trace)."""
    unknown = sorted(set(document) - allowed - SERVICE_KEYS)
    if unknown:
        raise ShapeError(f"{where}: unexpected {', '.join(unknown)}; offerops cannot read it")


def terms_of_type(details: EntityDetails, term_type: str) -> list[Mapping[str, object]]:
    """The entity's terms of one ``Type`` (``Terms`` is a list of typed terms with ``Id``s)."""
    found = []
    for index, term in enumerate(array(details.get("Terms"), "Terms")):
        checked = mapping(term, f"Terms[{index}]")
        if checked.get("Type") == term_type:
            found.append(checked)
    return found


def single_term(details: EntityDetails, term_type: str) -> Mapping[str, object] | None:
    """The one term of ``term_type``; an offer with two is not one offerops can represent."""
    found = terms_of_type(details, term_type)
    if len(found) > 1:
        raise ShapeError(f"Terms: {len(found)} terms of type {term_type}; expected at most one")
    return found[0] if found else None


def rule_of_type(details: EntityDetails, rule_type: str) -> Mapping[str, object] | None:
    """The entity's rule of one ``Type`` (``TargetingRule``, ``AvailabilityRule``)."""
    found = []
    for index, rule in enumerate(array(details.get("Rules"), "Rules")):
        checked = mapping(rule, f"Rules[{index}]")
        if checked.get("Type") == rule_type:
            found.append(checked)
    if len(found) > 1:
        raise ShapeError(f"Rules: {len(found)} rules of type {rule_type}; expected at most one")
    return found[0] if found else None


def without_service_keys(document: Mapping[str, object]) -> dict[str, object]:
    """A term without the keys the service adds (its ``Id``)."""
    return {key: value for key, value in document.items() if key not in SERVICE_KEYS}


def json_value(value: object, where: str) -> JsonValue:
    """A parsed JSON value checked into :data:`JsonValue` (for terms kept opaque)."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float | Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): json_value(v, f"{where}.{k}") for k, v in sorted(value.items())}
    if isinstance(value, Sequence) and not isinstance(value, bytes):
        return [json_value(item, f"{where}[{i}]") for i, item in enumerate(value)]
    raise ShapeError(f"{where}: {_shown(value)} is not JSON")


def _shown(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def canonical_json(value: object) -> str:
    """One text per JSON value (sorted keys, no whitespace, ASCII): what is hashed and compared.

    Content hashes of desired offers (apply's idempotency tokens, a saved plan's base) and the
    documents of terms kept opaque are written this way, so equal values give equal text.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def terms_details(*terms: DetailsDocument) -> DetailsDocument:
    """An ``Update*Terms`` document: ``{"Terms": [term, ...]}``; no terms clears them."""
    listed: list[JsonValue] = [*terms]
    return {"Terms": listed}
