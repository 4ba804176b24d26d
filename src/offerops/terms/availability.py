"""``UpdateAvailability``: the last day a buyer can accept the offer.

Shape (Catalog API reference, "Work with private offers" -> UpdateAvailability):
``{"AvailabilityEndDate": "2027-03-31"}``; DescribeEntity returns it as the ``AvailabilityRule``
in ``Rules``, as ``2027-03-31T00:00:00.000Z``. Sent last in a change set, so an offer is never
available before the rest of it is configured.

YAML: ``spec.expiresOn``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
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


def ended(today: date) -> Availability:
    """What ``lifecycle: expired`` sends: the day before ``today``, so the offer ends at once.

    ``expiresOn`` is the last day a buyer can accept, so sending today would leave the offer
    acceptable until 23:59:59 UTC. AWS's ``ExpirePrivateOffer`` sample
    (aws-samples/aws-marketplace-reference-code,
    ``java/src/main/resources/changeSets/offers/ExpirePrivateOffer.json``) ends an offer with a
    past AvailabilityEndDate, and the Seller Guide says cancelling "will modify the offer
    expiration date, so the offer will display as expired". The day before today is the
    latest past date: it keeps the record of when the offer was ended, and ``today`` is the
    plan's (UTC, or ``OFFEROPS_TODAY``), so a saved plan sends the date it showed.
    """
    return Availability(today - timedelta(days=1))
