"""The static routing table against the installed botocore models, and the account rule."""

from __future__ import annotations

import pytest

from offerops.catalog.embedded import AGREEMENT_MODEL, CATALOG_MODEL, service_model
from offerops.emulator import urls
from offerops.emulator.accounts import access_key_for, access_key_id, account_for
from offerops.emulator.exceptions import CatalogError


@pytest.mark.parametrize("route", urls.CATALOG_ROUTES, ids=lambda route: route.operation)
def test_catalog_route_matches_the_botocore_model(route: urls.Route) -> None:
    model = service_model(*CATALOG_MODEL)
    operation = model["operations"][route.operation]
    shape = model["shapes"][operation["input"]["shape"]]
    query = {
        member["locationName"]: name
        for name, member in shape["members"].items()
        if member.get("location") == "querystring"
    }
    assert (route.method, route.path) == (
        operation["http"]["method"],
        operation["http"]["requestUri"],
    )
    assert dict(route.query) == query
    assert set(route.required) == set(shape.get("required", []))


def test_unsupported_paths_are_real_catalog_operations() -> None:
    model = service_model(*CATALOG_MODEL)
    model_paths = {op["http"]["requestUri"] for op in model["operations"].values()}
    routed = {route.path for route in urls.CATALOG_ROUTES}
    assert model_paths - routed == urls.UNSUPPORTED_CATALOG_PATHS


def test_agreement_operations_match_the_model() -> None:
    model = service_model(*AGREEMENT_MODEL)
    assert model["metadata"]["targetPrefix"] == urls.AGREEMENT_TARGET_PREFIX
    for name, required in urls.AGREEMENT_OPERATIONS.items():
        shape = model["shapes"][model["operations"][name]["input"]["shape"]]
        assert set(required) == set(shape.get("required", []))


def test_agreement_error_statuses_match_the_model() -> None:
    shapes = service_model(*AGREEMENT_MODEL)["shapes"]
    for code, status in urls.AGREEMENT_ERROR_STATUS.items():
        assert shapes[code]["error"]["httpStatusCode"] == status


def test_catalog_error_statuses_match_the_model() -> None:
    shapes = service_model(*CATALOG_MODEL)["shapes"]
    for error in CatalogError.__subclasses__():
        assert shapes[error.code]["error"]["httpStatusCode"] == error.http_status


SIGNED = (
    "AWS4-HMAC-SHA256 Credential={key}/20261123/us-east-1/aws-marketplace/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=abc"
)


@pytest.mark.parametrize(
    ("key", "account"),
    [
        ("123456789012", "123456789012"),
        ("AKIA123456789012", "123456789012"),
        ("buyer-210987654321-key", "210987654321"),
        ("AKIAIOSFODNN7EXAMPLE", "111122223333"),
        ("1234567890123", "111122223333"),
    ],
)
def test_the_access_key_id_selects_the_account(key: str, account: str) -> None:
    headers = {"authorization": SIGNED.format(key=key)}
    assert account_for(access_key_id(headers, {}), "111122223333") == account


def test_unsigned_requests_act_as_the_default_account() -> None:
    assert account_for(access_key_id({}, {}), "444455556666") == "444455556666"


def test_presigned_urls_carry_the_key_in_the_query() -> None:
    query = {"X-Amz-Credential": ["123456789012/20261123/us-east-1/aws-marketplace/aws4_request"]}
    assert access_key_id({}, query) == "123456789012"


def test_access_key_for_rejects_a_non_account() -> None:
    assert access_key_for("123456789012") == "123456789012"
    with pytest.raises(ValueError, match="12 digits"):
        access_key_for("12345")
