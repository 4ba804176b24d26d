"""``UpdateTargeting``: which buyers (accounts, or countries) may accept the offer.

Shape (Catalog API reference, "Work with private offers" -> UpdateTargeting):
``{"PositiveTargeting": {"BuyerAccounts": ["123456789012", ...], "CountryCodes": [...]},
"NegativeTargeting": {"CountryCodes": [...]}}``. DescribeEntity returns it as the offer's
``TargetingRule`` in ``Rules``. The offer format sets BuyerAccounts (``spec.buyers``) and
PositiveTargeting's CountryCodes (``spec.countries``; AWS's UpdateOfferTargeting sample targets
``["US", "ES", "FR", "AU"]`` on a draft); NegativeTargeting is read so that an adopted offer that
has it is never compared or imported without it. The rule is one term, replaced as a whole: a
file that says buyers or countries says the whole targeting (a draft's ``buyers`` without
``countries`` removes the countries the marketplace has).

YAML: ``spec.buyers`` (aliases resolved through offerops.yaml), ``spec.countries``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from offerops.terms.document import (
    DetailsDocument,
    EntityDetails,
    JsonValue,
    YamlPath,
    array,
    mapping,
    only_keys,
    rule_of_type,
    text,
)
from offerops.terms.values import Fields

CHANGE_TYPE: Final = "UpdateTargeting"
AREA: Final = "buyers"
YAML_PATH: Final[YamlPath] = ("spec", "buyers")
RULE_TYPE: Final = "TargetingRule"


def _sorted(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values)))


@dataclass(frozen=True)
class Targeting:
    """Buyer accounts (and countries) the offer is for; each kept sorted and without repeats."""

    buyer_accounts: tuple[str, ...]
    country_codes: tuple[str, ...] = field(default=())
    excluded_country_codes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "buyer_accounts", _sorted(self.buyer_accounts))
        object.__setattr__(self, "country_codes", _sorted(self.country_codes))
        object.__setattr__(self, "excluded_country_codes", _sorted(self.excluded_country_codes))


def to_details(value: Targeting) -> DetailsDocument:
    """The UpdateTargeting document: BuyerAccounts and CountryCodes, each only when set (the
    UpdateOfferTargeting sample sends CountryCodes alone)."""
    positive: dict[str, JsonValue] = {}
    if value.buyer_accounts:
        positive["BuyerAccounts"] = list(value.buyer_accounts)
    if value.country_codes:
        positive["CountryCodes"] = list(value.country_codes)
    document: DetailsDocument = {"PositiveTargeting": positive}
    if value.excluded_country_codes:
        document["NegativeTargeting"] = {"CountryCodes": list(value.excluded_country_codes)}
    return document


def from_entity(details: EntityDetails) -> Targeting | None:
    """The offer's TargetingRule; None when it has none."""
    rule = rule_of_type(details, RULE_TYPE)
    if rule is None:
        return None
    where = RULE_TYPE
    only_keys(rule, frozenset({"Type", "PositiveTargeting", "NegativeTargeting"}), where)
    positive = _part(rule, "PositiveTargeting", frozenset({"BuyerAccounts", "CountryCodes"}))
    negative = _part(rule, "NegativeTargeting", frozenset({"CountryCodes"}))
    return Targeting(
        _strings(positive.get("BuyerAccounts"), f"{where}.PositiveTargeting.BuyerAccounts"),
        _strings(positive.get("CountryCodes"), f"{where}.PositiveTargeting.CountryCodes"),
        _strings(negative.get("CountryCodes"), f"{where}.NegativeTargeting.CountryCodes"),
    )


def _part(rule: Mapping[str, object], name: str, keys: frozenset[str]) -> Mapping[str, object]:
    where = f"{RULE_TYPE}.{name}"
    part = mapping(rule.get(name) or {}, where)
    only_keys(part, keys, where)
    return part


def _strings(value: object, where: str) -> tuple[str, ...]:
    return tuple(text(item, f"{where}[{i}]") for i, item in enumerate(array(value, where)))


def fields(value: Targeting) -> Fields:
    """``buyers`` (``123456789012, 210987654321``); countries when an offer has them."""
    result: Fields = {}
    if value.buyer_accounts:
        result["buyers"] = ", ".join(value.buyer_accounts)
    if value.country_codes:
        result["countries"] = ", ".join(value.country_codes)
    if value.excluded_country_codes:
        result["excluded countries"] = ", ".join(value.excluded_country_codes)
    return result


COUNTRIES_PATH: Final[YamlPath] = ("spec", "countries")


def field_path(label: str) -> YamlPath:
    """``countries`` comes from ``spec.countries``; the other labels from ``spec.buyers``
    (excluded countries have no YAML form)."""
    return COUNTRIES_PATH if label == "countries" else YAML_PATH
