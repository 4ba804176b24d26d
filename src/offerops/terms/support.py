"""``UpdateSupportTerms``: the refund policy shown to the buyer.

Shape (Catalog API reference, "Work with private offers" -> UpdateSupportTerms; AWS sample
UpdateRefundPolicy): ``{"Terms": [{"Type": "SupportTerm", "RefundPolicy": "…"}]}``. An offer
without ``support`` has no SupportTerm: on a draft the update removes one (``{"Terms": []}``).

YAML: ``spec.support.refundPolicy``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from offerops.terms.document import (
    DetailsDocument,
    EntityDetails,
    YamlPath,
    only_keys,
    single_term,
    terms_details,
    text,
)
from offerops.terms.values import Fields

CHANGE_TYPE: Final = "UpdateSupportTerms"
TERM_TYPE: Final = "SupportTerm"
AREA: Final = "support terms"
YAML_PATH: Final[YamlPath] = ("spec", "support")


@dataclass(frozen=True)
class SupportTerm:
    """The refund policy text (1..500 characters on the marketplace)."""

    refund_policy: str


def to_details(value: SupportTerm) -> DetailsDocument:
    """The UpdateSupportTerms document with its one SupportTerm."""
    return terms_details({"Type": TERM_TYPE, "RefundPolicy": value.refund_policy})


def from_entity(details: EntityDetails) -> SupportTerm | None:
    """The offer's SupportTerm; None when it has none."""
    term = single_term(details, TERM_TYPE)
    if term is None:
        return None
    only_keys(term, frozenset({"Type", "RefundPolicy"}), TERM_TYPE)
    return SupportTerm(text(term.get("RefundPolicy"), f"{TERM_TYPE}.RefundPolicy"))


def fields(value: SupportTerm) -> Fields:
    """``refund policy``."""
    return {"refund policy": value.refund_policy}


def field_path(label: str) -> YamlPath:
    """``refund policy`` comes from ``spec.support``."""
    return YAML_PATH
