"""Resource policies, assessments, the default ChangeSetName, untagged resources and the
SubsidiaryAuthorizationId offer filter, through boto3 against the served emulator (issue 12.7)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.engine_support import OTHER_SELLER, SAAS, SELLER, contract_offer
from offerops.emulator.server import RunningServer

CATALOG = "AWSMarketplace"
NO_RETRIES: dict[str, Any] = {"retries": {"total_max_attempts": 1}}
POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "aws-marketplace:DescribeEntity",
                "Resource": "*",
            }
        ],
    }
)


@pytest.fixture
def seller(server: RunningServer) -> Iterator[Any]:
    client = server.catalog_client(account=SELLER, **NO_RETRIES)
    yield client
    client.close()


def product_arn(client: Any) -> str:
    return str(client.describe_entity(Catalog=CATALOG, EntityId=SAAS)["EntityArn"])


def code_of(call: Any) -> str:
    with pytest.raises(ClientError) as raised:
        call()
    return str(raised.value.response["Error"]["Code"])


def test_a_resource_policy_is_put_read_and_deleted(seller: Any) -> None:
    arn = product_arn(seller)
    seller.put_resource_policy(ResourceArn=arn, Policy=POLICY)
    assert seller.get_resource_policy(ResourceArn=arn)["Policy"] == POLICY
    seller.delete_resource_policy(ResourceArn=arn)
    assert code_of(lambda: seller.get_resource_policy(ResourceArn=arn)) == (
        "ResourceNotFoundException"
    )
    assert code_of(lambda: seller.delete_resource_policy(ResourceArn=arn)) == (
        "ResourceNotFoundException"
    )


def test_a_resource_policy_needs_an_entity_of_the_caller(
    server: RunningServer, seller: Any
) -> None:
    arn = product_arn(seller)
    other = server.catalog_client(account=OTHER_SELLER, **NO_RETRIES)
    try:
        assert code_of(lambda: other.put_resource_policy(ResourceArn=arn, Policy=POLICY)) == (
            "ResourceNotFoundException"
        )
    finally:
        other.close()
    unknown = arn.replace(SAAS, "prod-nothere12345")
    assert code_of(lambda: seller.get_resource_policy(ResourceArn=unknown)) == (
        "ResourceNotFoundException"
    )
    assert code_of(lambda: seller.put_resource_policy(ResourceArn=arn, Policy="not json")) == (
        "ValidationException"
    )


def test_assessments_are_validated_and_none_exists(seller: Any) -> None:
    assert code_of(
        lambda: seller.start_assessment(Catalog=CATALOG, FrameworkId="ami-security", EntityId=SAAS)
    ) == ("ValidationException")
    assert code_of(
        lambda: seller.start_assessment(
            Catalog=CATALOG, FrameworkId="ami-security", EntityId="prod-nothere12345"
        )
    ) == ("ResourceNotFoundException")
    assert seller.list_assessments(Catalog=CATALOG)["AssessmentSummaryList"] == []
    assert code_of(
        lambda: seller.describe_assessment(Catalog=CATALOG, AssessmentIdentifier="assessment-abc")
    ) == ("ResourceNotFoundException")


def test_a_change_set_without_a_name_is_submitted_by_the_account(seller: Any) -> None:
    started = seller.start_change_set(Catalog=CATALOG, ChangeSet=contract_offer("Unnamed"))
    described = seller.describe_change_set(Catalog=CATALOG, ChangeSetId=started["ChangeSetId"])
    assert described["ChangeSetName"] == f"Submitted by {SELLER}"
    listed = seller.list_change_sets(
        Catalog=CATALOG,
        FilterList=[{"Name": "ChangeSetName", "ValueList": [f"Submitted by {SELLER}"]}],
    )["ChangeSetSummaryList"]
    assert [item["ChangeSetId"] for item in listed] == [started["ChangeSetId"]]


def test_an_untagged_resource_lists_no_tags_member(seller: Any) -> None:
    started = seller.start_change_set(Catalog=CATALOG, ChangeSet=contract_offer("Untagged"))
    answer = seller.list_tags_for_resource(ResourceArn=started["ChangeSetArn"])
    assert "Tags" not in answer
    seller.tag_resource(ResourceArn=started["ChangeSetArn"], Tags=[{"Key": "k", "Value": "v"}])
    answer = seller.list_tags_for_resource(ResourceArn=started["ChangeSetArn"])
    assert answer["Tags"] == [{"Key": "k", "Value": "v"}]


def test_the_subsidiary_authorization_filter_and_sort_are_answered(seller: Any) -> None:
    seller.start_change_set(Catalog=CATALOG, ChangeSet=contract_offer("Any offer"))
    filtered = seller.list_entities(
        Catalog=CATALOG,
        EntityType="Offer",
        EntityTypeFilters={
            "OfferFilters": {"SubsidiaryAuthorizationId": {"ValueList": ["subauthz-abcdefghij123"]}}
        },
    )
    assert filtered["EntitySummaryList"] == []
    sorted_ = seller.list_entities(
        Catalog=CATALOG,
        EntityType="Offer",
        EntityTypeSort={"OfferSort": {"SortBy": "SubsidiaryAuthorizationId"}},
    )
    assert len(sorted_["EntitySummaryList"]) == 1
