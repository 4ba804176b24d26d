"""The static routing table against the installed botocore models, and the account rule.

Version-independent on purpose: these check invariants (every route is a real operation with the
same method, path and members; every other model operation is refused with 501), never that the
installed SDK has exactly the operations it had when the test was written.
"""

from __future__ import annotations

from collections.abc import Callable

import botocore
import pytest

from offerops.catalog.embedded import AGREEMENT_MODEL, CATALOG_MODEL, service_model
from offerops.emulator import urls
from offerops.emulator.accounts import access_key_for, access_key_id, account_for
from offerops.emulator.exceptions import CatalogError

Reporter = Callable[[str], None]


@pytest.mark.parametrize("route", urls.CATALOG_ROUTES, ids=lambda route: route.operation)
def test_catalog_route_matches_the_botocore_model(route: urls.Route) -> None:
    """What boto3 sends is what the route reads: same method and path, query members it knows,
    and no member required that the model lets a client leave out. Members a newer model adds
    (optional or required) do not fail this: the emulator still answers those requests."""
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
    assert dict(route.query).items() <= query.items()
    assert set(route.required) <= set(shape.get("required", []))


def _model_paths() -> dict[str, str]:
    model = service_model(*CATALOG_MODEL)
    return {op["http"]["requestUri"]: name for name, op in model["operations"].items()}


def test_every_routed_path_is_a_real_catalog_operation() -> None:
    routed = {route.path: route.operation for route in urls.CATALOG_ROUTES}
    assert routed.items() <= _model_paths().items()
    assert not urls.UNIMPLEMENTED_CATALOG_OPERATIONS & set(routed.values())


def test_every_model_operation_is_routed_or_refused_with_501(report: Reporter) -> None:
    """Whatever the installed botocore, each of its Catalog operations is either served or
    recognised as not implemented (501), never an unknown path (404). Operations nobody has
    reviewed yet (new in this SDK) are reported, not failed: the SDK moves on its own."""
    routed = {route.path for route in urls.CATALOG_ROUTES}
    refused = {
        path: urls.unimplemented_catalog_operation(path)
        for path in _model_paths()
        if path not in routed
    }
    assert refused == {path: _model_paths()[path] for path in refused}
    unreviewed = sorted(set(refused.values()) - urls.UNIMPLEMENTED_CATALOG_OPERATIONS)
    if unreviewed:
        report(
            f"botocore {botocore.__version__}: Catalog operations the emulator answers with 501 "
            f"but nobody has reviewed yet (add them to urls.UNIMPLEMENTED_CATALOG_OPERATIONS or "
            f"implement them): {', '.join(unreviewed)}"
        )
    absent = sorted(urls.UNIMPLEMENTED_CATALOG_OPERATIONS - set(_model_paths().values()))
    if absent:
        report(
            f"botocore {botocore.__version__} predates these refused Catalog operations: "
            f"{', '.join(absent)}"
        )


def test_an_operation_newer_than_the_installed_model_is_refused_not_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        urls, "installed_catalog_operations", lambda: {"/StartSomethingNew": "StartSomethingNew"}
    )
    assert urls.unimplemented_catalog_operation("/StartSomethingNew") == "StartSomethingNew"
    assert urls.unimplemented_catalog_operation("/StartAssessment") is None
    assert urls.unimplemented_catalog_operation("/ListEntities") is None
    assert urls.unimplemented_catalog_operation("/NoSuchOperation") is None


def test_agreement_operations_match_the_model() -> None:
    model = service_model(*AGREEMENT_MODEL)
    assert model["metadata"]["targetPrefix"] == urls.AGREEMENT_TARGET_PREFIX
    for name, required in urls.AGREEMENT_OPERATIONS.items():
        shape = model["shapes"][model["operations"][name]["input"]["shape"]]
        assert set(required) <= set(shape.get("required", []))


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
