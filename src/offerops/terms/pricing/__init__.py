"""``UpdatePricingTerms``: the pricing model and its pricing terms, one module per term type.

Shape (Catalog API reference, "Work with private offers" -> UpdatePricingTerms):
``{"PricingModel": "Contract" | "Usage" | …, "Terms": [<pricing term>, …]}``. DescribeEntity
has no PricingModel field: it is read back from the term types (:func:`pricing_model`), and for a
usage term next to an upfront one from what they price (:func:`model_of`).
The terms are kept in ``Type`` order (one of each type, as the service requires).

YAML: ``spec.pricing``; which term an offer becomes is decided in ``terms/from_offer.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, TypeAlias

from offerops.terms import opaque
from offerops.terms.document import (
    DetailsDocument,
    EntityDetails,
    JsonValue,
    ShapeError,
    YamlPath,
    array,
    mapping,
)
from offerops.terms.opaque import OpaqueTerm
from offerops.terms.pricing import configurable, fixed, usage
from offerops.terms.pricing.configurable import ConfigurableRateCard, ConfigurableUpfrontPricingTerm
from offerops.terms.pricing.fixed import FixedUpfrontPricingTerm
from offerops.terms.pricing.rates import DimensionPrice, Grant
from offerops.terms.pricing.usage import UsageBasedPricingTerm
from offerops.terms.values import Fields, PricingModel

__all__ = [
    "AREA",
    "CHANGE_TYPE",
    "PRICING_TERM_TYPES",
    "YAML_PATH",
    "ConfigurableRateCard",
    "ConfigurableUpfrontPricingTerm",
    "DimensionPrice",
    "FixedUpfrontPricingTerm",
    "Grant",
    "OpaqueTerm",
    "Pricing",
    "PricingTerm",
    "UsageBasedPricingTerm",
    "field_path",
    "fields",
    "from_entity",
    "model_of",
    "pricing_model",
    "term_type",
    "to_details",
]

CHANGE_TYPE: Final = "UpdatePricingTerms"
AREA: Final = "pricing"
YAML_PATH: Final[YamlPath] = ("spec", "pricing")

PricingTerm: TypeAlias = (
    UsageBasedPricingTerm | ConfigurableUpfrontPricingTerm | FixedUpfrontPricingTerm | OpaqueTerm
)
PRICING_TERM_TYPES: Final = frozenset(
    {
        usage.TERM_TYPE,
        configurable.TERM_TYPE,
        fixed.TERM_TYPE,
        "FreeTrialPricingTerm",
        "ByolPricingTerm",
        "RecurringPaymentTerm",
    }
)
"""Term types that UpdatePricingTerms sets (the others have their own Update* change)."""


def term_type(term: PricingTerm) -> str:
    """The ``Type`` of a pricing term."""
    if isinstance(term, UsageBasedPricingTerm):
        return usage.TERM_TYPE
    if isinstance(term, ConfigurableUpfrontPricingTerm):
        return configurable.TERM_TYPE
    if isinstance(term, FixedUpfrontPricingTerm):
        return fixed.TERM_TYPE
    return term.type


@dataclass(frozen=True)
class Pricing:
    """The pricing model and its terms, in ``Type`` order."""

    model: PricingModel
    terms: tuple[PricingTerm, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", tuple(sorted(self.terms, key=term_type)))


def to_details(value: Pricing) -> DetailsDocument:
    """The UpdatePricingTerms document."""
    terms: list[JsonValue] = [_to_term(term) for term in value.terms]
    return {"PricingModel": value.model, "Terms": terms}


def _to_term(term: PricingTerm) -> DetailsDocument:
    if isinstance(term, UsageBasedPricingTerm):
        return usage.to_term(term)
    if isinstance(term, ConfigurableUpfrontPricingTerm):
        return configurable.to_term(term)
    if isinstance(term, FixedUpfrontPricingTerm):
        return fixed.to_term(term)
    return opaque.to_term(term)


def from_entity(details: EntityDetails) -> Pricing | None:
    """The offer's pricing terms; None when it has none."""
    terms = []
    for index, raw in enumerate(array(details.get("Terms"), "Terms")):
        term = mapping(raw, f"Terms[{index}]")
        kind = term.get("Type")
        if isinstance(kind, str) and kind in PRICING_TERM_TYPES:
            terms.append(_from_term(kind, term, f"Terms[{index}] ({kind})"))
    if not terms:
        return None
    types = [term_type(term) for term in terms]
    repeated = sorted({kind for kind in types if types.count(kind) > 1})
    if repeated:
        raise ShapeError(f"Terms: more than one {', '.join(repeated)}")
    return Pricing(model_of(terms), tuple(terms))


def _from_term(kind: str, term: Mapping[str, object], where: str) -> PricingTerm:
    if kind == usage.TERM_TYPE:
        return usage.from_term(term, where)
    if kind == configurable.TERM_TYPE:
        return configurable.from_term(term, where)
    if kind == fixed.TERM_TYPE:
        return fixed.from_term(term, where)
    return opaque.from_term(term, where)


def model_of(terms: list[PricingTerm]) -> PricingModel:
    """The PricingModel of terms read back, including the two that mix usage and upfront terms.

    A contract with consumption (PricingModel Contract; AWS sample
    CreatePrivateOfferWithContractWithPayAsYouGoPricingForSaas) rates usage dimensions next to
    an upfront term for *entitled* dimensions; hourly plus annual pricing (PricingModel Usage;
    CreatePrivateOfferWithHourlyAnnualPricingForAmiProduct) prices the *same* metered
    dimensions in both. A dimension is either metered or entitled, so the upfront term's keys
    tell them apart: all of them rated in the usage term means Usage.
    """
    rated = {
        item.key for term in terms if isinstance(term, UsageBasedPricingTerm) for item in term.rates
    }
    upfront = set(_upfront_keys(terms))
    if rated and upfront and upfront <= rated:
        return "Usage"
    return pricing_model({term_type(term) for term in terms})


def _upfront_keys(terms: list[PricingTerm]) -> list[str]:
    keys: list[str] = []
    for term in terms:
        if isinstance(term, ConfigurableUpfrontPricingTerm):
            keys += [item.key for card in term.rate_cards for item in card.prices]
        elif isinstance(term, FixedUpfrontPricingTerm):
            keys += [grant.key for grant in term.grants]
    return keys


def pricing_model(types: set[str]) -> PricingModel:
    """The PricingModel that pricing terms of these types are sent under."""
    if types & {configurable.TERM_TYPE, fixed.TERM_TYPE}:
        return "Contract"
    if usage.TERM_TYPE in types:
        return "Usage"
    return "Byol" if "ByolPricingTerm" in types else "Free"


def fields(value: Pricing) -> Fields:
    """``pricing model``, then each term's fields (``currency``, ``price users`` …)."""
    result: Fields = {"pricing model": value.model}
    for term in value.terms:
        result.update(_labelled(value.model, term, _term_fields(term)))
    return result


_ANNUAL_LABELS: Final = {
    "price ": "annual price ",
    "quantity ": "annual quantity ",
    "contract price": "annual price",
    "contract duration": "annual duration",
    "fixed price duration": "annual duration",
}


def _labelled(model: PricingModel, term: PricingTerm, found: Fields) -> Fields:
    """The labels of a term that shares the pricing with another kind of term.

    Hourly plus annual (Usage with an upfront term): the upfront labels say ``annual``; a
    contract with consumption (Contract with a usage term): its rates say ``usage rate``. The
    labels of offers that do not mix terms are unchanged.
    """
    upfront = isinstance(term, ConfigurableUpfrontPricingTerm | FixedUpfrontPricingTerm)
    if model == "Usage" and upfront:
        return {_renamed(label, _ANNUAL_LABELS): shown for label, shown in found.items()}
    if model == "Contract" and isinstance(term, UsageBasedPricingTerm):
        return {_renamed(label, {"rate ": "usage rate "}): shown for label, shown in found.items()}
    return found


def _renamed(label: str, names: dict[str, str]) -> str:
    for old, new in names.items():
        if label == old or (old.endswith(" ") and label.startswith(old)):
            return new + label[len(old) :]
    return label


def _term_fields(term: PricingTerm) -> Fields:
    if isinstance(term, UsageBasedPricingTerm):
        return usage.fields(term)
    if isinstance(term, ConfigurableUpfrontPricingTerm):
        return configurable.fields(term)
    if isinstance(term, FixedUpfrontPricingTerm):
        return fixed.fields(term)
    return opaque.fields(term)


def field_path(label: str) -> YamlPath:
    """Where a pricing label comes from (the dimension list for per-dimension labels)."""
    if label.startswith("annual "):
        return (*YAML_PATH, "annual")
    if label.startswith("usage rate "):
        return (*YAML_PATH, "usageDimensions")
    if label.startswith(("price ", "rate ", "quantity ")):
        return (*YAML_PATH, "dimensions")
    if label in {"purchasing", "quantities"}:
        return (*YAML_PATH, "contract", label)
    if label == "fixed price duration":
        return (*YAML_PATH, "fixedPrice")
    if label == "currency":
        return (*YAML_PATH, "currency")
    return YAML_PATH
