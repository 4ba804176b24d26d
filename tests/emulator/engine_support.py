"""Helpers for engine tests: accounts, products, change builders and a wire-shaped caller."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from offerops.emulator.engine import Marketplace
from offerops.model.config import Dimension, Product

SELLER = "111122223333"
OTHER_SELLER = "444455556666"
RESELLER = "777788889999"
BUYER = "123456789012"
OTHER_BUYER = "210987654321"
START = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SAAS = "prod-4x7yvqjzt5abc"
AMI = "prod-9a8b7c6d5e4f3"
OTHER_PRODUCT = "prod-otherseller001"
RESALE = "resaleauthz-1a2b3c4d5e6f7"
CATALOG = "AWSMarketplace"
OFFER = "Offer@1.0"
CREATE_REF = "$CreateOfferChange.Entity.Identifier"

PRODUCTS = {
    "analytics-saas": Product(
        id=SAAS,
        type="saas",
        name="Acme Analytics",
        dimensions=[
            Dimension(key="users", name="Named users"),
            Dimension(key="admins", name="Admin seats"),
            Dimension(key="USER", name="User hours", unit="Hrs", usage=True),
        ],
    ),
    "vision-ami": Product(
        id=AMI,
        type="ami",
        name="Vision",
        dimensions=[Dimension(key="m5.large", name="m5.large hours", usage=True)],
    ),
}


def create(name: str = "Acme 2027", *, tags: dict[str, str] | None = None) -> dict[str, Any]:
    """A CreateOffer change named CreateOfferChange (so later changes can refer to it)."""
    change: dict[str, Any] = {
        "ChangeType": "CreateOffer",
        "ChangeName": "CreateOfferChange",
        "Entity": {"Type": OFFER},
        "DetailsDocument": {"ProductId": SAAS, "Name": name},
    }
    if tags:
        change["EntityTags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    return change


def update(change_type: str, document: dict[str, Any], target: str = CREATE_REF) -> dict[str, Any]:
    return {
        "ChangeType": change_type,
        "Entity": {"Type": OFFER, "Identifier": target},
        "DetailsDocument": document,
    }


def targeting(*buyers: str) -> dict[str, Any]:
    return {"PositiveTargeting": {"BuyerAccounts": list(buyers or (BUYER,))}}


def contract_pricing(price: str = "250.00", key: str = "users") -> dict[str, Any]:
    return {
        "PricingModel": "Contract",
        "Terms": [
            {
                "Type": "ConfigurableUpfrontPricingTerm",
                "CurrencyCode": "USD",
                "RateCards": [
                    {
                        "Selector": {"Type": "Duration", "Value": "P12M"},
                        "Constraints": {
                            "MultipleDimensionSelection": "Allowed",
                            "QuantityConfiguration": "Allowed",
                        },
                        "RateCard": [{"DimensionKey": key, "Price": price}],
                    }
                ],
            }
        ],
    }


def usage_pricing(price: str = "0.125", key: str = "USER") -> dict[str, Any]:
    return {
        "PricingModel": "Usage",
        "Terms": [
            {
                "Type": "UsageBasedPricingTerm",
                "CurrencyCode": "USD",
                "RateCards": [{"RateCard": [{"DimensionKey": key, "Price": price}]}],
            }
        ],
    }


def validity(duration: str = "P12M") -> dict[str, Any]:
    return {"Terms": [{"Type": "ValidityTerm", "AgreementDuration": duration}]}


LEGAL = {
    "Terms": [
        {"Type": "LegalTerm", "Documents": [{"Type": "StandardEula", "Version": "2022-07-14"}]}
    ]
}


def availability(day: str = "2027-03-31") -> dict[str, Any]:
    return {"AvailabilityEndDate": day}


def contract_offer(
    name: str = "Acme 2027", *, buyers: tuple[str, ...] = (BUYER,), release: bool = True
) -> list[dict[str, Any]]:
    """Create + configure (+ release) a contract offer: the reconciler's create pattern."""
    changes = [
        create(name, tags={"offerops:key": name.lower().replace(" ", "-")}),
        update("UpdateInformation", {"Name": name, "Description": "Three years."}),
        update("UpdateTargeting", targeting(*buyers)),
        update("UpdatePricingTerms", contract_pricing()),
        update("UpdateValidityTerms", validity()),
        update("UpdateLegalTerms", LEGAL),
        update("UpdateAvailability", availability()),
    ]
    return [*changes, update("ReleaseOffer", {})] if release else changes


class Api:
    """Wire-shaped calls to one marketplace as one account."""

    def __init__(self, market: Marketplace, account: str) -> None:
        self.market = market
        self.account = account

    def __call__(self, operation: str, **request: Any) -> dict[str, Any]:
        return self.market.call(operation, self.account, request)

    def start(self, changes: list[dict[str, Any]], **extra: Any) -> str:
        result = self("StartChangeSet", Catalog=CATALOG, ChangeSet=changes, **extra)
        return str(result["ChangeSetId"])

    def describe(self, change_set_id: str) -> dict[str, Any]:
        return self("DescribeChangeSet", Catalog=CATALOG, ChangeSetId=change_set_id)

    def run(self, changes: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        """Start a set and describe it once processed (processing_seconds is 0)."""
        return self.describe(self.start(changes, **extra))

    def created_id(self, described: dict[str, Any]) -> str:
        """The offer id a succeeded create-set made (``offer-…@1`` in its first change)."""
        assert described["Status"] == "SUCCEEDED", described
        return str(described["ChangeSet"][0]["Entity"]["Identifier"]).split("@")[0]

    def entity(self, offer_id: str) -> dict[str, Any]:
        return self("DescribeEntity", Catalog=CATALOG, EntityId=offer_id)

    def details(self, offer_id: str) -> dict[str, Any]:
        return dict(self.entity(offer_id)["DetailsDocument"])

    def new_offer(self, changes: list[dict[str, Any]] | None = None, **extra: Any) -> str:
        return self.created_id(self.run(changes or contract_offer(), **extra))


def errors_of(described: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(ChangeType, ErrorCode, ErrorMessage) for every error of a described change set."""
    return [
        (change["ChangeType"], error["ErrorCode"], error["ErrorMessage"])
        for change in described["ChangeSet"]
        for error in change["ErrorDetailList"]
    ]
