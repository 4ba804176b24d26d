"""``UpdateMarkup``: a channel partner's markup on the ISV's price (CPPO only).

Shape (Catalog API reference, "Work with private offers" -> UpdateMarkup, for offers made with
CreateOfferUsingResaleAuthorization): ``{"Percentage": "8.5"}``, a decimal string. The offer
entity carries it as ``MarkupPercentage`` (as the emulator stores it).

YAML: ``spec.channel.markupPercentage``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from offerops.terms.document import DetailsDocument, EntityDetails, YamlPath
from offerops.terms.values import Fields, format_money, money_of

CHANGE_TYPE: Final = "UpdateMarkup"
AREA: Final = "reseller markup"
YAML_PATH: Final[YamlPath] = ("spec", "channel", "markupPercentage")


@dataclass(frozen=True)
class Markup:
    """The reseller's markup in percent (``Decimal("8.5")``)."""

    percentage: Decimal


def to_details(value: Markup) -> DetailsDocument:
    """The UpdateMarkup document."""
    return {"Percentage": format_money(value.percentage)}


def from_entity(details: EntityDetails) -> Markup | None:
    """The offer's MarkupPercentage; None for a direct offer or one without markup."""
    raw = details.get("MarkupPercentage")
    return None if raw is None else Markup(money_of(raw, "MarkupPercentage"))


def fields(value: Markup) -> Fields:
    """``markup %``: ``8.50``."""
    return {"markup %": format_money(value.percentage)}


def field_path(label: str) -> YamlPath:
    """``markup %`` comes from ``spec.channel.markupPercentage``."""
    return YAML_PATH
