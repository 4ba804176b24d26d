"""Change sets: synchronous validation, lifecycle, cancel, locks, idempotency, listing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from emulator.engine_support import (
    CATALOG,
    CREATE_REF,
    OFFER,
    SELLER,
    Api,
    availability,
    contract_offer,
    create,
    update,
)
from offerops.emulator.clock import ManualClock
from offerops.emulator.engine import Marketplace
from offerops.emulator.exceptions import (
    ResourceInUseException,
    ResourceNotFoundException,
    ValidationException,
)


@pytest.fixture
def slow(db: Path, clock: ManualClock, market: Marketplace) -> Api:
    """The same database, with change sets that take 60 seconds to process."""
    return Api(Marketplace(db, clock=clock, processing_seconds=60), SELLER)


def start_request(**overrides: Any) -> dict[str, Any]:
    request: dict[str, Any] = {"Catalog": CATALOG, "ChangeSet": [create()]}
    request.update(overrides)
    return request


def rename(offer_id: str, name: str = "Renamed") -> dict[str, Any]:
    return update("UpdateInformation", {"Name": name}, offer_id)


BAD_START_REQUESTS = [
    ({"Catalog": "AWSMarketplaceX"}, "Catalog 'AWSMarketplaceX' is not supported"),
    (
        {"ChangeSet": []},
        "at 'ChangeSet' failed to satisfy constraint: Member must have length between 1 and 20",
    ),
    ({"ChangeSet": [create()] * 21}, "Member must have length between 1 and 20"),
    ({"ChangeSetName": "bad/name"}, "at 'ChangeSetName' failed to satisfy constraint"),
    ({"ChangeSetName": "x" * 101}, "Member must have length between 1 and 100"),
    ({"ClientRequestToken": "has space"}, "at 'ClientRequestToken' failed to satisfy"),
    ({"ClientRequestToken": "x" * 65}, "Member must have length between 1 and 64"),
    ({"Intent": "MAYBE"}, "Member must satisfy enum value set: [APPLY, VALIDATE]"),
    (
        {"ChangeSet": [{**create(), "Details": "{}"}]},
        "ChangeSet.1: provide Details or DetailsDocument, not both",
    ),
    (
        {"ChangeSet": [{"ChangeType": "CreateOffer", "Entity": {"Type": OFFER}, "Details": "[1]"}]},
        "ChangeSet.1.Details must hold a JSON object",
    ),
    (
        {"ChangeSet": [{"ChangeType": "CreateOffer", "Entity": {"Type": OFFER}, "Details": "{x"}]},
        "ChangeSet.1.Details is not valid JSON",
    ),
    (
        {
            "ChangeSet": [
                {
                    "ChangeType": "CreateOffer",
                    "Entity": {"Type": OFFER},
                    "Details": '{"Name": "' + "x" * 16384 + '"}',
                }
            ]
        },
        "ChangeSet.1.Details must be a string of 2 to 16384 characters",
    ),
    (
        {"ChangeSet": [{**create(), "ChangeType": "UpdateProduct"}]},
        "ChangeSet.1: ChangeType UpdateProduct is not valid for entity type Offer@1.0",
    ),
    (
        {"ChangeSet": [{**create(), "Entity": {"Type": "OfferSet@1.0"}}]},
        "ChangeSet.1.Entity.Type 'OfferSet@1.0' is not supported",
    ),
    (
        {"ChangeSet": [{**create(), "Entity": {"Type": "SaaSProduct@1.0"}}]},
        "ChangeSet.1: ChangeType CreateOffer on SaaSProduct@1.0 is not supported",
    ),
    (
        {
            "ChangeSet": [
                create(),
                update("UpdateInformation", {"Name": "a"}),
                update("UpdateInformation", {"Name": "b"}),
            ]
        },
        "ChangeSet.3: the change set already has a UpdateInformation change for "
        "$CreateOfferChange.Entity.Identifier",
    ),
    (
        {"ChangeSet": [update("UpdateInformation", {"Name": "a"}, "$Nope.Entity.Identifier")]},
        "ChangeSet.1: Entity.Identifier $Nope.Entity.Identifier does not refer to the ChangeName "
        "of an earlier Create change",
    ),
    (
        {"ChangeSet": [update("UpdateInformation", {"Name": "a"}), create()]},
        "does not refer to the ChangeName of an earlier Create change",
    ),
    (
        {"ChangeSet": [{**create(), "Entity": {"Type": OFFER, "Identifier": "offer-x"}}]},
        "ChangeSet.1: CreateOffer takes no Entity.Identifier",
    ),
    (
        {"ChangeSet": [{**update("UpdateInformation", {"Name": "a"}), "Entity": {"Type": OFFER}}]},
        "ChangeSet.1: UpdateInformation needs an Entity.Identifier",
    ),
    (
        {"ChangeSet": [{**create(), "ChangeType": "UpdateCustomerVerificationTerms"}]},
        "ChangeSet.1: ChangeType UpdateCustomerVerificationTerms is not supported by the offerops "
        "emulator",
    ),
    ({"ChangeSetTags": [{"Key": "", "Value": "x"}]}, "at 'ChangeSetTags.1.Key'"),
    ({"Surprise": 1}, "StartChangeSetRequest has unknown member(s) Surprise"),
]


@pytest.mark.parametrize(("overrides", "message"), BAD_START_REQUESTS)
def test_malformed_start_requests_are_refused_at_once(
    seller: Api, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationException) as raised:
        seller("StartChangeSet", **start_request(**overrides))
    assert raised.value.code == "ValidationException"
    assert raised.value.http_status == 422
    assert message in raised.value.message
    assert seller("ListChangeSets", Catalog=CATALOG)["ChangeSetSummaryList"] == []


def test_lifecycle_follows_the_clock(slow: Api, clock: ManualClock) -> None:
    started = slow("StartChangeSet", **start_request(ChangeSetName="first offer"))
    assert set(started) == {"ChangeSetId", "ChangeSetArn"}
    assert started["ChangeSetArn"].endswith(
        f":{SELLER}:AWSMarketplace/ChangeSet/{started['ChangeSetId']}"
    )
    change_set_id = started["ChangeSetId"]
    first = slow.describe(change_set_id)
    assert (first["Status"], first["ChangeSetName"], first["StartTime"]) == (
        "PREPARING",
        "first offer",
        "2026-11-23T12:00:00Z",
    )
    assert "EndTime" not in first
    clock.advance(30)
    assert slow.describe(change_set_id)["Status"] == "APPLYING"
    assert slow("ListEntities", Catalog=CATALOG, EntityType="Offer")["EntitySummaryList"] == []
    clock.advance(30)
    done = slow.describe(change_set_id)
    assert (done["Status"], done["EndTime"]) == ("SUCCEEDED", "2026-11-23T12:01:00Z")
    clock.advance(3600)
    assert slow.describe(change_set_id) == done


def test_cancel_only_while_preparing(slow: Api, clock: ManualClock) -> None:
    change_set_id = slow.start([create()])
    cancelled = slow("CancelChangeSet", Catalog=CATALOG, ChangeSetId=change_set_id)
    assert cancelled["ChangeSetId"] == change_set_id
    described = slow.describe(change_set_id)
    assert (described["Status"], described["EndTime"]) == ("CANCELLED", "2026-11-23T12:00:00Z")
    clock.advance(120)
    assert slow.describe(change_set_id)["Status"] == "CANCELLED"
    assert slow("ListEntities", Catalog=CATALOG, EntityType="Offer")["EntitySummaryList"] == []

    applying = slow.start([create()])
    clock.advance(45)
    with pytest.raises(ResourceInUseException, match="is APPLYING; only a PREPARING change set"):
        slow("CancelChangeSet", Catalog=CATALOG, ChangeSetId=applying)


def test_a_running_set_locks_its_entities(seller: Api, slow: Api, clock: ManualClock) -> None:
    offer_id = seller.new_offer(contract_offer(release=False))
    holder = slow.start([rename(offer_id, "First")])
    with pytest.raises(ResourceInUseException) as raised:
        slow.start([rename(offer_id, "Second")])
    assert raised.value.http_status == 423
    assert raised.value.message.startswith(f"Entity {offer_id} is in use by change set {holder}")
    assert slow.start([create()])  # other entities are free
    clock.advance(60)
    assert slow.describe(holder)["Status"] == "SUCCEEDED"
    assert slow.start([rename(offer_id, "Second")])


def test_same_token_same_body_returns_the_same_change_set(seller: Api) -> None:
    request = start_request(ClientRequestToken="offerops-abc", ChangeSet=contract_offer())
    first = seller("StartChangeSet", **request)
    second = seller("StartChangeSet", **request)
    assert first == second
    assert len(seller("ListChangeSets", Catalog=CATALOG)["ChangeSetSummaryList"]) == 1
    assert (
        len(seller("ListEntities", Catalog=CATALOG, EntityType="Offer")["EntitySummaryList"]) == 1
    )


def test_same_token_different_body_is_refused(seller: Api) -> None:
    seller("StartChangeSet", **start_request(ClientRequestToken="offerops-abc"))
    with pytest.raises(
        ValidationException, match="ClientRequestToken offerops-abc was already used"
    ):
        seller(
            "StartChangeSet",
            **start_request(ClientRequestToken="offerops-abc", ChangeSetName="different"),
        )


def test_tokens_are_per_account(seller: Api, other_seller: Api) -> None:
    first = seller("StartChangeSet", **start_request(ClientRequestToken="t"))
    second = other_seller("StartChangeSet", **start_request(ClientRequestToken="t"))
    assert first["ChangeSetId"] != second["ChangeSetId"]


def test_unknown_or_foreign_entities_are_not_found(seller: Api, other_seller: Api) -> None:
    offer_id = seller.new_offer()
    for api, entity in ((seller, "offer-doesnotexist1"), (other_seller, offer_id)):
        with pytest.raises(ResourceNotFoundException) as raised:
            api.start([rename(entity)])
        assert raised.value.message == f"Entity {entity} was not found in account {api.account}"


def test_describe_unknown_and_foreign_change_sets(seller: Api, other_seller: Api) -> None:
    change_set_id = seller.start([create()])
    for api, wanted in ((seller, "nope"), (other_seller, change_set_id)):
        with pytest.raises(ResourceNotFoundException, match=f"Change set {wanted} was not found"):
            api.describe(wanted)


def test_change_set_tags(seller: Api) -> None:
    started = seller(
        "StartChangeSet",
        **start_request(ChangeSetTags=[{"Key": "gitops/commit", "Value": "abc123"}]),
    )
    tags = seller("ListTagsForResource", ResourceArn=started["ChangeSetArn"])
    assert tags["Tags"] == [{"Key": "gitops/commit", "Value": "abc123"}]


def test_list_change_sets_pages_filters_and_sorts(seller: Api, clock: ManualClock) -> None:
    ids = []
    for number in range(5):
        ids.append(seller.start([create(f"Offer {number}")], ChangeSetName=f"set {number}"))
        clock.advance(10)
    offer_id = seller.created_id(seller.describe(ids[0]))
    failing = seller.start([update("UpdateAvailability", availability("nope"), offer_id)])
    seen: list[str] = []
    request: dict[str, Any] = {"Catalog": CATALOG, "MaxResults": 2}
    while True:
        page = seller("ListChangeSets", **request)
        assert len(page["ChangeSetSummaryList"]) <= 2
        seen += [item["ChangeSetId"] for item in page["ChangeSetSummaryList"]]
        if "NextToken" not in page:
            break
        request["NextToken"] = page["NextToken"]
    assert seen == [failing, *reversed(ids)]

    def listed(*filters: dict[str, Any], **extra: Any) -> list[str]:
        result = seller("ListChangeSets", Catalog=CATALOG, FilterList=list(filters), **extra)
        return [item["ChangeSetId"] for item in result["ChangeSetSummaryList"]]

    assert listed({"Name": "Status", "ValueList": ["FAILED"]}) == [failing]
    assert listed({"Name": "EntityId", "ValueList": [offer_id]}) == [failing, ids[0]]
    assert listed({"Name": "ChangeSetName", "ValueList": ["set 1", "set 3"]}) == [ids[3], ids[1]]
    assert listed(
        {"Name": "AfterStartTime", "ValueList": ["2026-11-23T12:00:20Z"]},
        {"Name": "BeforeStartTime", "ValueList": ["2026-11-23T12:00:30Z"]},
    ) == [ids[3], ids[2]]
    assert listed(Sort={"SortBy": "StartTime", "SortOrder": "ASCENDING"})[:2] == ids[:2]
    failed = seller(
        "ListChangeSets", Catalog=CATALOG, FilterList=[{"Name": "Status", "ValueList": ["FAILED"]}]
    )["ChangeSetSummaryList"][0]
    assert (failed["FailureCode"], failed["EntityIdList"]) == ("CLIENT_ERROR", [offer_id])


@pytest.mark.parametrize(
    ("request_members", "message"),
    [
        ({"MaxResults": 21}, "Member must have value between 1 and 20 inclusive"),
        ({"MaxResults": 0}, "Member must have value between 1 and 20 inclusive"),
        (
            {"FilterList": [{"Name": "Colour", "ValueList": ["red"]}]},
            "Unknown filter name 'Colour'",
        ),
        ({"Sort": {"SortBy": "Name"}}, "Member must satisfy enum value set: [StartTime, EndTime]"),
        ({"NextToken": "garbage"}, "The NextToken 'garbage' is not valid"),
    ],
)
def test_list_change_sets_validation(
    seller: Api, request_members: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationException) as raised:
        seller("ListChangeSets", Catalog=CATALOG, **request_members)
    assert message in raised.value.message


def test_a_token_from_another_query_is_refused(seller: Api) -> None:
    for number in range(3):
        seller.start([create(f"Offer {number}")])
    token = seller("ListChangeSets", Catalog=CATALOG, MaxResults=1)["NextToken"]
    with pytest.raises(ValidationException, match="belongs to a different request"):
        seller(
            "ListChangeSets",
            Catalog=CATALOG,
            MaxResults=1,
            NextToken=token,
            Sort={"SortBy": "EndTime"},
        )


def test_history_is_kept_for_60_days(seller: Api, clock: ManualClock) -> None:
    change_set_id = seller.start([create()])
    clock.advance(61 * 24 * 3600)
    with pytest.raises(ResourceNotFoundException):
        seller.describe(change_set_id)
    assert seller("ListChangeSets", Catalog=CATALOG)["ChangeSetSummaryList"] == []


def test_reference_identifier_shows_as_submitted_until_success(slow: Api) -> None:
    change_set_id = slow.start([create(), update("UpdateInformation", {"Description": "d"})])
    assert slow.describe(change_set_id)["ChangeSet"][1]["Entity"]["Identifier"] == CREATE_REF
