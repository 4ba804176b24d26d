"""Terms offerops does not model (free trial, BYOL, recurring payment, …), kept opaque.

They are never produced from an offer file. An adopted offer may carry them; keeping them (as
canonical JSON text, without the service's ``Id``) means a plan shows and compares them and
``import`` refuses the offer instead of writing it without them. Pricing terms of such types
live in ``Pricing.terms``; other unknown term types in ``OfferTerms.unmodelled``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from offerops.terms.document import (
    DetailsDocument,
    ShapeError,
    canonical_json,
    json_value,
    text,
    without_service_keys,
)
from offerops.terms.values import Fields


@dataclass(frozen=True)
class OpaqueTerm:
    """A term by its ``Type`` and its document as canonical JSON text."""

    type: str
    document: str


def to_term(value: OpaqueTerm) -> DetailsDocument:
    """The term document as it was read."""
    parsed = json_value(json.loads(value.document), value.type)
    if not isinstance(parsed, dict):
        raise ShapeError(f"{value.type}: the kept document is not an object")
    return parsed


def from_term(term: Mapping[str, object], where: str) -> OpaqueTerm:
    """Keep the term as canonical JSON text (sorted keys, no ``Id``)."""
    document = json_value(without_service_keys(term), where)
    return OpaqueTerm(
        text(term.get("Type"), f"{where}.Type"),
        canonical_json(document),
    )


def fields(value: OpaqueTerm) -> Fields:
    """``term <Type>``: its JSON."""
    return {f"term {value.type}": value.document}
