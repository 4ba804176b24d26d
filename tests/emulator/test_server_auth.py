"""Unsigned and malformed-signature requests are refused the way AWS refuses them (issue 12.6).

Through boto3 (an unsigned client; a signed one whose Authorization header is mangled before it
is sent, so botocore's own parser turns the answer into the ClientError code) and through raw
``http.client`` for the wire shape. Sources and statuses: ``offerops.emulator.auth`` and
``responses.authentication_status``.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore
import pytest
from botocore.exceptions import ClientError

from offerops.emulator.auth import signed_headers
from offerops.emulator.engine import Marketplace
from offerops.emulator.server import RunningServer, running_server

SELLER = "111122223333"
TARGET = "AWSMPCommerceService_v20200301.SearchAgreements"
NO_RETRIES: dict[str, Any] = {"retries": {"total_max_attempts": 1}}
SCOPE = f"{SELLER}/20261123/us-east-1/aws-marketplace/aws4_request"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    db = tmp_path_factory.mktemp("auth") / "m.sqlite"
    with running_server(Marketplace(Path(db)), default_account=SELLER) as running:
        yield running


def send(
    server: RunningServer, method: str, path: str, headers: dict[str, str], body: bytes = b"{}"
) -> tuple[int, dict[str, str], dict[str, Any]]:
    host, port = server.server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        answer = {k.lower(): v for k, v in response.getheaders()}
        return response.status, answer, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def error_of(call: Any) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as raised:
        call()
    response = raised.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


# --- through boto3 ----------------------------------------------------------------------------


def test_an_unsigned_catalog_client_is_refused(server: RunningServer) -> None:
    client = server.catalog_client(signature_version=botocore.UNSIGNED, **NO_RETRIES)
    try:
        code, status, message = error_of(
            lambda: client.list_entities(Catalog="AWSMarketplace", EntityType="Offer")
        )
    finally:
        client.close()
    assert (code, status, message) == (
        "MissingAuthenticationTokenException",
        403,
        "Missing Authentication Token",
    )


def test_an_unsigned_agreement_client_is_refused(server: RunningServer) -> None:
    client = server.agreement_client(signature_version=botocore.UNSIGNED, **NO_RETRIES)
    try:
        code, status, _ = error_of(lambda: client.search_agreements(catalog="AWSMarketplace"))
    finally:
        client.close()
    assert (code, status) == ("MissingAuthenticationTokenException", 403)


def _mangle(value: str) -> Any:
    def handler(request: Any, **_: Any) -> None:
        request.headers["Authorization"] = value

    return handler


@pytest.mark.parametrize(
    ("service", "status"), [("marketplace-catalog", 403), ("marketplace-agreement", 400)]
)
def test_a_malformed_signature_is_incomplete(
    server: RunningServer, service: str, status: int
) -> None:
    client = (
        server.catalog_client(**NO_RETRIES)
        if service == "marketplace-catalog"
        else server.agreement_client(**NO_RETRIES)
    )
    client.meta.events.register_first(
        "before-send", _mangle(f"AWS4-HMAC-SHA256 Credential={SCOPE}")
    )
    try:
        if service == "marketplace-catalog":
            got = error_of(
                lambda: client.list_entities(Catalog="AWSMarketplace", EntityType="Offer")
            )
        else:
            got = error_of(lambda: client.search_agreements(catalog="AWSMarketplace"))
    finally:
        client.close()
    assert got[:2] == ("IncompleteSignatureException", status)
    assert "Authorization header requires 'Signature' parameter." in got[2]
    assert "Authorization header requires 'SignedHeaders' parameter." in got[2]


def test_a_signed_client_of_any_secret_works(server: RunningServer) -> None:
    client = server.catalog_client(**NO_RETRIES)
    try:
        answer = client.list_entities(Catalog="AWSMarketplace", EntityType="Offer")
    finally:
        client.close()
    assert answer["EntitySummaryList"] == []


# --- on the wire ------------------------------------------------------------------------------

DATE = {"X-Amz-Date": "20261123T000000Z"}
GOOD = f"AWS4-HMAC-SHA256 Credential={SCOPE}, SignedHeaders=host;x-amz-date, Signature=ab12"


@pytest.mark.parametrize(
    ("headers", "fragment"),
    [
        ({"Authorization": "", **DATE}, "cannot be empty"),
        ({"Authorization": "Bearer abc", **DATE}, "only AWS4-HMAC-SHA256"),
        (
            {"Authorization": f"AWS4-HMAC-SHA256 Credential={SCOPE} Signature=x", **DATE},
            "requires 'SignedHeaders' parameter",
        ),
        ({"Authorization": f"AWS4-HMAC-SHA256 {SCOPE}", **DATE}, "missing equal-sign"),
        ({"Authorization": GOOD}, "either a 'X-Amz-Date' or a 'Date' header"),
        (
            {"Authorization": GOOD.replace("aws4_request", "x"), **DATE},
            "Credential should be scoped",
        ),
    ],
    ids=["empty", "bearer", "no-signed-headers", "no-equal-sign", "no-date", "bad-scope"],
)
def test_malformed_authorization_headers(
    server: RunningServer, headers: dict[str, str], fragment: str
) -> None:
    status, answer, body = send(server, "POST", "/ListEntities", headers)
    assert (status, answer["x-amzn-errortype"]) == (403, "IncompleteSignatureException")
    assert fragment in body["Message"]
    status, _, body = send(
        server, "POST", "/", {**headers, "X-Amz-Target": TARGET, "Content-Type": "x"}
    )
    assert (status, body["__type"]) == (400, "IncompleteSignatureException")
    assert fragment in body["message"]


def test_a_well_formed_header_with_any_signature_passes(server: RunningServer) -> None:
    body = b'{"Catalog": "AWSMarketplace", "EntityType": "Offer"}'
    status, _, answer = send(server, "POST", "/ListEntities", {"Authorization": GOOD, **DATE}, body)
    assert (status, answer) == (200, {"EntitySummaryList": []})


def test_unsigned_requests_are_refused_before_routing(server: RunningServer) -> None:
    """An unknown path unsigned is a missing token, not a 404 (AWS checks the caller first)."""
    for method, path in [("POST", "/ListEntities"), ("GET", "/NoSuchThing"), ("POST", "/")]:
        status, answer, body = send(server, method, path, {})
        code = answer.get("x-amzn-errortype") or body.get("__type")
        assert (status, code) == (403, "MissingAuthenticationTokenException")


def test_presigned_query_parameters_count_as_a_signature(server: RunningServer) -> None:
    query = (
        f"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={SCOPE.replace('/', '%2F')}"
        "&X-Amz-Date=20261123T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=ab"
    )
    path = "/DescribeEntity?catalog=AWSMarketplace&entityId=offer-nothere12345"
    status, answer, _ = send(server, "GET", f"{path}&{query}", {}, b"")
    assert (status, answer["x-amzn-errortype"]) == (404, "ResourceNotFoundException")
    partial = query.split("&X-Amz-SignedHeaders")[0]
    status, answer, body = send(server, "GET", f"{path}&{partial}", {}, b"")
    assert (status, answer["x-amzn-errortype"]) == (403, "IncompleteSignatureException")
    assert "'X-Amz-Signature'" in body["Message"]


def test_health_needs_no_signature_but_emulator_endpoints_do(server: RunningServer) -> None:
    status, _, body = send(server, "GET", "/_offerops/health", {}, b"")
    assert (status, body["Status"], body["Account"]) == (200, "ok", SELLER)
    status, answer, _ = send(server, "POST", "/_offerops/ListOffersForBuyer", {})
    assert (status, answer["x-amzn-errortype"]) == (403, "MissingAuthenticationTokenException")
    signed = signed_headers("123456789012")
    status, _, body = send(server, "POST", "/_offerops/ListOffersForBuyer", signed)
    assert (status, body) == (200, {"Offers": []})
