"""Every operation and request member of the installed botocore models is answered (issue 12.7).

For every Catalog operation the emulator routes, and the Agreement operations it serves, each
input member is sent (with a value built from its model shape, on top of the required members):
the answer must be a success or one of the errors the model lists for that operation, never a
500, a 501 or an unmodelled code. Members and operations of a newer botocore than the one reviewed
here are reported (the ``report`` fixture), not failed: they are still answered, by the same rule.

Offer filters and sort keys are checked one by one with a 200: each is honoured (or, for
attributes no emulated offer has, matches nothing / sorts by id), none is a 422.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import botocore
import pytest

from offerops.catalog.embedded import AGREEMENT_MODEL, CATALOG_MODEL, service_model
from offerops.emulator import urls
from offerops.emulator.auth import signed_headers
from offerops.emulator.engine import Marketplace
from offerops.emulator.responses import EmulatorResponses, WireRequest
from offerops.model.config import Product

Reporter = Callable[[str], None]
SELLER = "111122223333"
PRODUCT_ID = "prod-4x7yvqjzt5abc"
PRODUCT_ARN = f"arn:aws:aws-marketplace:us-east-1:{SELLER}:AWSMarketplace/SaaSProduct/{PRODUCT_ID}"

IGNORED: Mapping[tuple[str, str], str] = {
    ("StartAssessment", "ClientToken"): "validated; no assessment ever starts (no framework)",
    ("StartAssessment", "Controls"): "validated; no assessment ever starts (no framework)",
    ("StartAssessment", "Tags"): "validated; no assessment ever starts (no framework)",
    ("DescribeAssessment", "MaxResults"): "validated; no assessment exists to page",
    ("DescribeAssessment", "NextToken"): "validated; no assessment exists to page",
    ("ListAssessments", "FrameworkId"): "validated; the list is always empty",
    ("ListAssessments", "AssessmentTargetFilter"): "validated; the list is always empty",
    ("ListAssessments", "FrameworkFilters"): "validated; the list is always empty",
    ("ListAssessments", "MaxResults"): "validated; the list is always empty",
}
"""Members the emulator accepts but deliberately does nothing with, and why (docs/emulator.md)."""

REVIEWED: Mapping[str, frozenset[str]] = {
    op: frozenset(members.split())
    for op, members in {
        "BatchDescribeEntities": "EntityRequestList",
        "CancelChangeSet": "Catalog ChangeSetId",
        "DeleteResourcePolicy": "ResourceArn",
        "DescribeAssessment": "Catalog AssessmentIdentifier MaxResults NextToken",
        "DescribeChangeSet": "Catalog ChangeSetId",
        "DescribeEntity": "Catalog EntityId",
        "GetResourcePolicy": "ResourceArn",
        "ListAssessments": "Catalog FrameworkId AssessmentTargetFilter FrameworkFilters "
        "MaxResults NextToken",
        "ListChangeSets": "Catalog FilterList Sort MaxResults NextToken",
        "ListEntities": "Catalog EntityType FilterList Sort NextToken MaxResults OwnershipType "
        "EntityTypeFilters EntityTypeSort",
        "ListTagsForResource": "ResourceArn",
        "PutResourcePolicy": "ResourceArn Policy",
        "StartAssessment": "Catalog ClientToken FrameworkId EntityId Controls Tags",
        "StartChangeSet": "Catalog ChangeSet ChangeSetName ClientRequestToken ChangeSetTags Intent",
        "TagResource": "ResourceArn Tags",
        "UntagResource": "ResourceArn TagKeys",
        "SearchAgreements": "catalog filters sort maxResults nextToken",
        "DescribeAgreement": "agreementId",
        "GetAgreementTerms": "agreementId maxResults nextToken",
    }.items()
}
"""Members reviewed against botocore 1.44.8: honoured, or in :data:`IGNORED` with a reason."""

STRING_EXAMPLES: Mapping[str, str] = {
    "Catalog": "AWSMarketplace",
    "ResourceId": PRODUCT_ID,
    "ResourceARN": PRODUCT_ARN,
    "EntityType": "Offer",
    "ChangeSetName": "coverage",
    "DateTimeISO8601": "2026-01-01T00:00:00Z",
    "ResourcePolicyJson": '{"Version": "2012-10-17", "Statement": []}',
    "FrameworkId": "framework-1",
    "AssessmentIdentifier": "assessment-abc123",
}


def example(shapes: Mapping[str, Any], name: str, depth: int = 0) -> Any:
    """A value of shape ``name``: the model's first enum value, a known example, or filler."""
    shape = shapes[name]
    kind = shape["type"]
    if kind == "string":
        if name in STRING_EXAMPLES:
            return STRING_EXAMPLES[name]
        if "enum" in shape:
            return shape["enum"][0]
        return (
            "x" * max(int(shape.get("min", 1)), 3)
            if name != "ClientRequestToken"
            else str(uuid.uuid4())
        )
    if kind in ("integer", "long"):
        return max(int(shape.get("min", 1)), 1)
    if kind == "boolean":
        return True
    if kind == "list":
        return [example(shapes, shape["member"]["shape"], depth + 1)]
    if kind == "map":
        return {"key": example(shapes, shape["value"]["shape"], depth + 1)}
    if kind == "structure":
        return _structure(shapes, shape, depth)
    return "x"


def _structure(shapes: Mapping[str, Any], shape: Mapping[str, Any], depth: int) -> Any:
    if shape.get("document") or depth > 6:
        return {}
    members = shape["members"]
    chosen = [next(iter(members))] if shape.get("union") else list(members)
    return {member: example(shapes, members[member]["shape"], depth + 1) for member in chosen}


@pytest.fixture(scope="module")
def responses(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorResponses]:
    market = Marketplace(Path(tmp_path_factory.mktemp("coverage")) / "m.sqlite")
    product = Product.model_validate(
        {
            "id": PRODUCT_ID,
            "type": "saas",
            "name": "Coverage",
            "dimensions": [{"key": "users", "name": "Users"}],
        }
    )
    market.seed_products(SELLER, {"coverage": product})
    yield EmulatorResponses(market, default_account=SELLER)


def catalog_request(operation: str, members: Mapping[str, Any]) -> WireRequest:
    route = next(route for route in urls.CATALOG_ROUTES if route.operation == operation)
    query = {name: [str(members[m])] for name, m in route.query.items() if m in members}
    body = {k: v for k, v in members.items() if k not in route.query.values()}
    headers = {k.lower(): v for k, v in signed_headers(SELLER).items()}
    payload = urls_json(body) if route.method in ("POST", "PUT") else b""
    return WireRequest(route.method, route.path, query, headers, payload)


def urls_json(body: Mapping[str, Any]) -> bytes:
    import json

    return json.dumps(body).encode()


def answer_code(responses: EmulatorResponses, request: WireRequest) -> tuple[int, str]:
    import json

    response = responses.dispatch(request)
    if response.status == 200:
        return 200, ""
    document = json.loads(response.body)
    code = response.headers.get("x-amzn-ErrorType") or document.get("__type", "")
    return response.status, str(code)


def _inputs(model: Mapping[str, Any], operation: str) -> tuple[Mapping[str, Any], list[str]]:
    shape = model["shapes"][model["operations"][operation]["input"]["shape"]]
    return shape, list(shape.get("required", []))


def _modelled_errors(model: Mapping[str, Any], operation: str) -> set[str]:
    return {error["shape"] for error in model["operations"][operation].get("errors", [])}


def _member_cases(model: Mapping[str, Any], operations: list[str]) -> Iterator[tuple[str, str]]:
    for operation in operations:
        shape, _required = _inputs(model, operation)
        for member in shape["members"]:
            yield operation, member


CATALOG = service_model(*CATALOG_MODEL)
ROUTED = [route.operation for route in urls.CATALOG_ROUTES]


@pytest.mark.parametrize(("operation", "member"), list(_member_cases(CATALOG, ROUTED)))
def test_every_catalog_member_is_answered_with_success_or_a_modelled_error(
    responses: EmulatorResponses, operation: str, member: str
) -> None:
    shape, required = _inputs(CATALOG, operation)
    shapes = CATALOG["shapes"]
    members = {name: example(shapes, shape["members"][name]["shape"]) for name in required}
    members[member] = example(shapes, shape["members"][member]["shape"])
    status, code = answer_code(responses, catalog_request(operation, members))
    assert status == 200 or code in _modelled_errors(CATALOG, operation), (status, code)


AGREEMENT = service_model(*AGREEMENT_MODEL)


@pytest.mark.parametrize(
    ("operation", "member"), list(_member_cases(AGREEMENT, list(urls.AGREEMENT_OPERATIONS)))
)
def test_every_served_agreement_member_is_answered_with_success_or_a_modelled_error(
    responses: EmulatorResponses, operation: str, member: str
) -> None:
    shape, required = _inputs(AGREEMENT, operation)
    shapes = AGREEMENT["shapes"]
    members = {name: example(shapes, shape["members"][name]["shape"]) for name in required}
    members[member] = example(shapes, shape["members"][member]["shape"])
    headers = {k.lower(): v for k, v in signed_headers(SELLER).items()}
    headers["x-amz-target"] = f"{urls.AGREEMENT_TARGET_PREFIX}.{operation}"
    request = WireRequest("POST", "/", {}, headers, urls_json(members))
    status, code = answer_code(responses, request)
    assert status == 200 or code in _modelled_errors(AGREEMENT, operation), (status, code)


def test_members_newer_than_the_review_are_reported(report: Reporter) -> None:
    for model, operations in ((CATALOG, ROUTED), (AGREEMENT, list(urls.AGREEMENT_OPERATIONS))):
        for operation in operations:
            shape, _ = _inputs(model, operation)
            new = sorted(set(shape["members"]) - REVIEWED.get(operation, frozenset()))
            if new:
                report(
                    f"botocore {botocore.__version__}: {operation} members not yet reviewed "
                    f"for the emulator (answered, but check them): {', '.join(new)}"
                )
    assert set(IGNORED) <= {(op, m) for op, members in REVIEWED.items() for m in members}


def _offer_list(responses: EmulatorResponses, extra: Mapping[str, Any]) -> tuple[int, str]:
    members = {"Catalog": "AWSMarketplace", "EntityType": "Offer", **extra}
    return answer_code(responses, catalog_request("ListEntities", members))


def _filter_value(shapes: Mapping[str, Any], shape_name: str) -> dict[str, Any]:
    """One alternative of an offer filter (ValueList, WildCardValue or DateRange)."""
    members = shapes[shape_name]["members"]
    first = next(iter(members))
    return {first: example(shapes, members[first]["shape"])}


OFFER_FILTERS = CATALOG["shapes"]["OfferFilters"]["members"]


@pytest.mark.parametrize("name", list(OFFER_FILTERS))
def test_every_offer_filter_is_honoured(responses: EmulatorResponses, name: str) -> None:
    value = _filter_value(CATALOG["shapes"], OFFER_FILTERS[name]["shape"])
    if name == "SubsidiaryAuthorizationId":
        value = {"ValueList": ["subauthz-abcdefghij123"]}
    filters = {"OfferFilters": {name: value}}
    assert _offer_list(responses, {"EntityTypeFilters": filters}) == (200, "")


@pytest.mark.parametrize("sort_by", CATALOG["shapes"]["OfferSortBy"]["enum"])
def test_every_offer_sort_key_is_honoured(responses: EmulatorResponses, sort_by: str) -> None:
    sort = {"OfferSort": {"SortBy": sort_by, "SortOrder": "DESCENDING"}}
    assert _offer_list(responses, {"EntityTypeSort": sort}) == (200, "")
