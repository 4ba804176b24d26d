"""``UpdateAvailability``: the last day a buyer can accept the offer.

Shape (Catalog API reference, "Work with private offers" -> UpdateAvailability):
``{"AvailabilityEndDate": "2027-03-31"}``; DescribeEntity returns it as the ``AvailabilityRule``
in ``Rules``, as ``2027-03-31T00:00:00.000Z``. Sent last in a change set, so an offer is never
available before the rest of it is configured.

YAML: ``spec.expiresOn``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from offerops.terms.document import (
    DetailsDocument,
    EntityDetails,
    YamlPath,
    only_keys,
    rule_of_type,
)
from offerops.terms.values import Fields, day_of

CHANGE_TYPE: Final = "UpdateAvailability"
AREA: Final = "expiry"
YAML_PATH: Final[YamlPath] = ("spec", "expiresOn")
RULE_TYPE: Final = "AvailabilityRule"


@dataclass(frozen=True)
class Availability:
    """The offer is void after 23:59:59 UTC on ``end_date``."""

    end_date: date


def to_details(value: Availability) -> DetailsDocument:
    """The UpdateAvailability document."""
    return {"AvailabilityEndDate": value.end_date.isoformat()}


def from_entity(details: EntityDetails) -> Availability | None:
    """The offer's AvailabilityRule end date; None when it has none."""
    rule = rule_of_type(details, RULE_TYPE)
    if rule is None or not rule.get("AvailabilityEndDate"):
        return None
    only_keys(rule, frozenset({"Type", "AvailabilityEndDate"}), RULE_TYPE)
    return Availability(day_of(rule["AvailabilityEndDate"], f"{RULE_TYPE}.AvailabilityEndDate"))


def fields(value: Availability) -> Fields:
    """``expires``: ``2027-03-31``."""
    return {"expires": value.end_date.isoformat()}


def field_path(label: str) -> YamlPath:
    """``expires`` comes from ``spec.expiresOn``."""
    return YAML_PATH
