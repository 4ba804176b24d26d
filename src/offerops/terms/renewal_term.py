"""``UpdateRenewalTerms``: whether the agreement may be renewed (read, never produced).

Shape (Catalog API reference, "Work with private offers" -> UpdateRenewalTerms):
``{"Terms": [{"Type": "RenewalTerm"}]}``; the term has no fields. Not to be confused with the
offer file's ``spec.renewal``, which is the PreExistingAgreement of ``information.py``. The offer
format cannot say it: it is read so that an adopted offer with it is never imported without it.

YAML: none.
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
)
from offerops.terms.values import Fields

CHANGE_TYPE: Final = "UpdateRenewalTerms"
TERM_TYPE: Final = "RenewalTerm"
AREA: Final = "renewal terms"
YAML_PATH: Final[YamlPath] = ("spec",)


@dataclass(frozen=True)
class RenewalTerm:
    """The offer carries a RenewalTerm (it has no fields of its own)."""


def to_details(value: RenewalTerm) -> DetailsDocument:
    """The UpdateRenewalTerms document with its one RenewalTerm."""
    return terms_details({"Type": TERM_TYPE})


def from_entity(details: EntityDetails) -> RenewalTerm | None:
    """The offer's RenewalTerm; None when it has none."""
    term = single_term(details, TERM_TYPE)
    if term is None:
        return None
    only_keys(term, frozenset({"Type"}), TERM_TYPE)
    return RenewalTerm()


def fields(value: RenewalTerm) -> Fields:
    """``renewal term``: ``RenewalTerm``."""
    return {"renewal term": TERM_TYPE}


def field_path(label: str) -> YamlPath:
    """No YAML field: findings point at ``spec``."""
    return YAML_PATH
