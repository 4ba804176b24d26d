"""Reading offers: DescribeEntity, BatchDescribeEntities, ListEntities; tags; account isolation."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.engine_support import (
    BUYER,
    CATALOG,
    OTHER_BUYER,
    SAAS,
    Api,
    availability,
    contract_offer,
    create,
    update,
)
from offerops.emulator.clock import ManualClock
from offerops.emulator.exceptions import (
    ResourceNotFoundException,
    ValidationException,
)


def list_offers(api: Api, **request: Any) -> list[dict[str, Any]]:
    result = api("ListEntities", Catalog=CATALOG, EntityType="Offer", **request)
    return list(result["EntitySummaryList"])


def filtered(api: Api, **filters: Any) -> list[str]:
    return [s["EntityId"] for s in list_offers(api, EntityTypeFilters={"OfferFilters": filters})]


@pytest.fixture
def three_offers(seller: Api, clock: ManualClock) -> list[str]:
    """A released offer for BUYER, a released one for OTHER_BUYER (later), and a draft."""
    first = seller.new_offer(contract_offer("Acme Analytics"))
    clock.advance(60)
    second = seller.new_offer(contract_offer("Globex Tiers", buyers=(OTHER_BUYER,)))
    clock.advance(60)
    draft = seller.new_offer([create("Draft idea")])
    return [first, second, draft]


def test_offer_summary_shape(seller: Api, three_offers: list[str]) -> None:
    summary = next(s for s in list_offers(seller) if s["EntityId"] == three_offers[0])
    assert summary == {
        "Name": "Acme Analytics",
        "EntityType": "Offer",
        "EntityId": three_offers[0],
        "EntityArn": f"arn:aws:aws-marketplace:us-east-1:{seller.account}:AWSMarketplace/Offer/"
        f"{three_offers[0]}",
        "LastModifiedDate": "2026-11-23T12:00:00Z",
        "OfferSummary": {
            "Name": "Acme Analytics",
            "ProductId": SAAS,
            "ReleaseDate": "2026-11-23T12:00:00Z",
            "AvailabilityEndDate": "2027-03-31T00:00:00Z",
            "BuyerAccounts": [BUYER],
            "State": "Released",
            "Targeting": ["BuyerAccounts"],
            "CreatedBySource": "Seller",
        },
    }
    draft = next(s for s in list_offers(seller) if s["EntityId"] == three_offers[2])
    assert draft["OfferSummary"]["Targeting"] == ["None"]
    assert draft["OfferSummary"]["BuyerAccounts"] == []


def test_offer_filters(seller: Api, three_offers: list[str]) -> None:
    first, second, draft = three_offers
    assert filtered(seller, State={"ValueList": ["Draft"]}) == [draft]
    assert sorted(filtered(seller, State={"ValueList": ["Released"]})) == sorted([first, second])
    assert filtered(seller, BuyerAccounts={"WildCardValue": OTHER_BUYER[:6]}) == [second]
    assert filtered(seller, Name={"WildCardValue": "globex"}) == [second]
    assert filtered(seller, Name={"ValueList": ["Acme Analytics"]}) == [first]
    assert filtered(seller, EntityId={"ValueList": [draft]}) == [draft]
    assert sorted(filtered(seller, ProductId={"ValueList": [SAAS]})) == sorted(three_offers)
    assert filtered(seller, Targeting={"ValueList": ["None"]}) == [draft]
    assert filtered(
        seller,
        LastModifiedDate={
            "DateRange": {
                "AfterValue": "2026-11-23T12:01:00Z",
                "BeforeValue": "2026-11-23T12:01:59Z",
            }
        },
    ) == [second]
    assert filtered(
        seller,
        AvailabilityEndDate={"DateRange": {"AfterValue": "2027-01-01T00:00:00Z"}},
        BuyerAccounts={"WildCardValue": BUYER},
    ) == [first]
    assert filtered(seller, OfferSetId={"ValueList": ["offerset-abc123"]}) == []


def test_sorting(seller: Api, three_offers: list[str]) -> None:
    by_modified = list_offers(
        seller,
        EntityTypeSort={"OfferSort": {"SortBy": "LastModifiedDate", "SortOrder": "DESCENDING"}},
    )
    assert [s["EntityId"] for s in by_modified] == list(reversed(three_offers))
    by_name = list_offers(seller, EntityTypeSort={"OfferSort": {"SortBy": "Name"}})
    assert [s["Name"] for s in by_name] == ["Acme Analytics", "Draft idea", "Globex Tiers"]


def test_pagination_visits_every_offer_once(seller: Api) -> None:
    changes = [{**create(f"Offer {n:03d}"), "ChangeName": f"Create{n}"} for n in range(20)]
    for _ in range(6):
        seller.run(changes)
    seen: list[str] = []
    request: dict[str, Any] = {
        "MaxResults": 50,
        "EntityTypeSort": {"OfferSort": {"SortBy": "Name", "SortOrder": "DESCENDING"}},
    }
    pages = 0
    while True:
        result = seller("ListEntities", Catalog=CATALOG, EntityType="Offer", **request)
        seen += [s["EntityId"] for s in result["EntitySummaryList"]]
        pages += 1
        if "NextToken" not in result:
            break
        request["NextToken"] = result["NextToken"]
    assert pages == 3
    assert len(seen) == len(set(seen)) == 120
    details = seller(
        "BatchDescribeEntities",
        EntityRequestList=[{"Catalog": CATALOG, "EntityId": i} for i in seen[:20]],
    )
    assert set(details["EntityDetails"]) == set(seen[:20])
    assert details["Errors"] == {}


@pytest.mark.parametrize(
    ("request_members", "message"),
    [
        ({"MaxResults": 51}, "Member must have value between 1 and 50 inclusive"),
        (
            {"EntityTypeFilters": {"OfferFilters": {"Colour": {"ValueList": ["x"]}}}},
            "Unknown OfferFilters Colour",
        ),
        (
            {"EntityTypeFilters": {"OfferFilters": {"State": {"ValueList": []}}}},
            "Member must have length between 1 and 2",
        ),
        (
            {
                "EntityTypeFilters": {
                    "OfferFilters": {
                        "LastModifiedDate": {"DateRange": {"AfterValue": "2026-11-23"}}
                    }
                }
            },
            "failed to satisfy constraint",
        ),
        ({"EntityTypeSort": {"OfferSort": {"SortBy": "Colour"}}}, "Member must satisfy enum"),
        ({"FilterList": [{"Name": "EntityId", "ValueList": ["x"]}]}, "FilterList is not supported"),
        ({"NextToken": "bm90IG91cnM="}, "is not valid"),
    ],
)
def test_list_entities_validation(
    seller: Api, request_members: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationException) as raised:
        list_offers(seller, **request_members)
    assert message in raised.value.message


def test_unemulated_entity_types_are_refused(seller: Api) -> None:
    with pytest.raises(ValidationException, match="EntityType OfferSet is not supported"):
        seller("ListEntities", Catalog=CATALOG, EntityType="OfferSet")
    assert list_offers(seller, OwnershipType="SHARED") == []


def test_batch_describe_reports_missing_and_foreign_entities(
    seller: Api, other_seller: Api, three_offers: list[str]
) -> None:
    wanted = [three_offers[0], "offer-doesnotexist1"]
    result = other_seller(
        "BatchDescribeEntities",
        EntityRequestList=[{"Catalog": CATALOG, "EntityId": i} for i in wanted],
    )
    assert result["EntityDetails"] == {}
    assert result["Errors"][three_offers[0]] == {
        "ErrorCode": "ResourceNotFoundException",
        "ErrorMessage": f"Entity {three_offers[0]} was not found in account {other_seller.account}",
    }
    with pytest.raises(ValidationException, match="Member must have length between 1 and 20"):
        seller(
            "BatchDescribeEntities",
            EntityRequestList=[{"Catalog": CATALOG, "EntityId": three_offers[0]}] * 21,
        )


def test_another_seller_sees_nothing(
    seller: Api, other_seller: Api, three_offers: list[str]
) -> None:
    assert list_offers(other_seller) == []
    with pytest.raises(ResourceNotFoundException) as raised:
        other_seller.entity(three_offers[0])
    assert raised.value.http_status == 404
    arn = seller.entity(three_offers[0])["EntityArn"]
    for operation, extra in (
        ("ListTagsForResource", {}),
        ("TagResource", {"Tags": [{"Key": "k", "Value": "v"}]}),
        ("UntagResource", {"TagKeys": ["k"]}),
    ):
        with pytest.raises(ResourceNotFoundException, match=f"Resource {arn} was not found"):
            other_seller(operation, ResourceArn=arn, **extra)
    listed = other_seller("ListChangeSets", Catalog=CATALOG)["ChangeSetSummaryList"]
    assert listed == []


def test_another_sellers_product_is_not_found(other_seller: Api) -> None:
    with pytest.raises(ResourceNotFoundException):
        other_seller.entity(SAAS)


def test_tag_untag_list(seller: Api, three_offers: list[str]) -> None:
    arn = seller.entity(three_offers[2])["EntityArn"]
    seller(
        "TagResource",
        ResourceArn=arn,
        Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}],
    )
    seller("TagResource", ResourceArn=arn, Tags=[{"Key": "a", "Value": "3"}])
    seller("UntagResource", ResourceArn=arn, TagKeys=["b"])
    assert seller("ListTagsForResource", ResourceArn=arn) == {
        "ResourceArn": arn,
        "Tags": [{"Key": "a", "Value": "3"}],
    }
    with pytest.raises(ResourceNotFoundException):
        seller("ListTagsForResource", ResourceArn=arn.replace(three_offers[2], "offer-nope"))
    with pytest.raises(ValidationException, match=r"Tags\.1\.Key"):
        seller("TagResource", ResourceArn=arn, Tags=[{"Key": "bad{key}", "Value": "1"}])


def test_revision_and_last_modified_move_with_each_applied_set(
    seller: Api, clock: ManualClock, three_offers: list[str]
) -> None:
    offer_id = three_offers[0]
    clock.advance(3600)
    seller.run([update("UpdateAvailability", availability("2027-05-31"), offer_id)])
    entity = seller.entity(offer_id)
    assert entity["EntityIdentifier"] == f"{offer_id}@2"
    assert entity["LastModifiedDate"] == "2026-11-23T13:02:00Z"
