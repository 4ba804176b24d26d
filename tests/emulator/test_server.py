"""The emulator served over HTTP, driven by boto3 with ``endpoint_url`` as a user would.

One server per module on an ephemeral loopback port; the database is reset and the products
re-seeded before each test. The engine's clock is a ManualClock and change sets take 60 seconds,
so a test decides when a change set finishes (``settle``).
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from offerops.emulator.auth import signed_headers
from offerops.emulator.clock import ManualClock
from offerops.emulator.engine import Marketplace
from offerops.emulator.faults import FaultConfig
from offerops.emulator.server import RunningServer, make_server, running_server
from offerops.model.config import Product

SELLER = "111122223333"
BUYER = "123456789012"
OTHER_BUYER = "210987654321"
RESELLER = "444455556666"
PRODUCT_ID = "prod-4x7yvqjzt5abc"
CATALOG = "AWSMarketplace"
PROCESSING_SECONDS = 60.0
PRODUCT = Product.model_validate(
    {
        "id": PRODUCT_ID,
        "type": "saas",
        "name": "Acme Analytics",
        "dimensions": [
            {"key": "users", "name": "Users"},
            {"key": "admins", "name": "Admins"},
            {"key": "USER", "name": "User hours", "usage": True},
        ],
    }
)
NO_RETRIES: dict[str, Any] = {"retries": {"total_max_attempts": 1}}


# --- change sets as the reconciler writes them ------------------------------------------------


def change(change_type: str, details: dict[str, Any], entity: str = "$offer") -> dict[str, Any]:
    """One change; ``$offer`` refers to the offer created in the same set."""
    identifier = "$offer.Entity.Identifier" if entity == "$offer" else entity
    return {
        "ChangeType": change_type,
        "Entity": {"Type": "Offer@1.0", "Identifier": identifier},
        "DetailsDocument": details,
    }


def create(change_type: str = "CreateOffer", **details: Any) -> dict[str, Any]:
    details = details or {"ProductId": PRODUCT_ID, "Name": "Acme 2027"}
    return {
        "ChangeType": change_type,
        "ChangeName": "offer",
        "Entity": {"Type": "Offer@1.0"},
        "DetailsDocument": details,
    }


def contract_pricing(price: str = "250.00") -> dict[str, Any]:
    rate_card = {
        "Selector": {"Type": "Duration", "Value": "P12M"},
        "Constraints": {
            "MultipleDimensionSelection": "Allowed",
            "QuantityConfiguration": "Allowed",
        },
        "RateCard": [{"DimensionKey": "users", "Price": price}],
    }
    term = {
        "Type": "ConfigurableUpfrontPricingTerm",
        "CurrencyCode": "USD",
        "RateCards": [rate_card],
    }
    return {"PricingModel": "Contract", "Terms": [term]}


def usage_pricing() -> dict[str, Any]:
    term = {
        "Type": "UsageBasedPricingTerm",
        "CurrencyCode": "USD",
        "RateCards": [{"RateCard": [{"DimensionKey": "USER", "Price": "0.125"}]}],
    }
    return {"PricingModel": "Usage", "Terms": [term]}


def installment_changes(entity: str = "$offer") -> list[dict[str, Any]]:
    fixed = {
        "Type": "FixedUpfrontPricingTerm",
        "CurrencyCode": "USD",
        "Price": "0.0",
        "Grants": [{"DimensionKey": "users", "MaxQuantity": 100}],
    }
    schedule = {
        "Type": "PaymentScheduleTerm",
        "CurrencyCode": "USD",
        "Schedule": [
            {"ChargeDate": "2027-01-15", "ChargeAmount": "30000.00"},
            {"ChargeDate": "2027-04-15", "ChargeAmount": "30000.00"},
        ],
    }
    return [
        change("UpdatePricingTerms", {"PricingModel": "Contract", "Terms": [fixed]}, entity),
        change("UpdatePaymentScheduleTerms", {"Terms": [schedule]}, entity),
    ]


def offer_changes(
    pricing: list[dict[str, Any]] | None = None,
    *,
    buyers: tuple[str, ...] = (BUYER,),
    expires: str = "2027-03-31",
    first: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Create, configure and release a private offer in one change set."""
    priced = pricing or [change("UpdatePricingTerms", contract_pricing())]
    eula = {"Type": "LegalTerm", "Documents": [{"Type": "StandardEula", "Version": "2022-07-14"}]}
    return [
        first or create(),
        change("UpdateTargeting", {"PositiveTargeting": {"BuyerAccounts": list(buyers)}}),
        *priced,
        change(
            "UpdateValidityTerms",
            {"Terms": [{"Type": "ValidityTerm", "AgreementDuration": "P12M"}]},
        ),
        change("UpdateLegalTerms", {"Terms": [eula]}),
        change("UpdateAvailability", {"AvailabilityEndDate": expires}),
        change("ReleaseOffer", {}),
    ]


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory, clock: ManualClock) -> Marketplace:
    db = tmp_path_factory.mktemp("emulator") / "marketplace.sqlite"
    return Marketplace(db, clock=clock, processing_seconds=PROCESSING_SECONDS)


@pytest.fixture(scope="module")
def server(market: Marketplace) -> Iterator[RunningServer]:
    with running_server(market, default_account=SELLER, allow_reset=True) as running:
        yield running


@pytest.fixture(autouse=True)
def fresh_state(market: Marketplace) -> None:
    market.reset()
    market.seed_products(SELLER, {"analytics": PRODUCT})


@pytest.fixture(scope="module")
def seller(server: RunningServer) -> Iterator[Any]:
    client = server.catalog_client(account=SELLER, **NO_RETRIES)
    yield client
    client.close()


@pytest.fixture(scope="module")
def agreements(server: RunningServer) -> Iterator[dict[str, Any]]:
    clients = {
        account: server.agreement_client(account=account, **NO_RETRIES)
        for account in (SELLER, BUYER, OTHER_BUYER)
    }
    yield clients
    for client in clients.values():
        client.close()


def start(client: Any, changes: list[dict[str, Any]], **extra: Any) -> str:
    response = client.start_change_set(Catalog=CATALOG, ChangeSet=changes, **extra)
    return str(response["ChangeSetId"])


def settle(client: Any, clock: ManualClock, change_set_id: str) -> dict[str, Any]:
    """Let the change set finish and describe it."""
    clock.advance(PROCESSING_SECONDS + 1)
    described: dict[str, Any] = client.describe_change_set(
        Catalog=CATALOG, ChangeSetId=change_set_id
    )
    assert described["Status"] in ("SUCCEEDED", "FAILED"), described
    return described


def released_offer(client: Any, clock: ManualClock, changes: list[dict[str, Any]]) -> str:
    described = settle(client, clock, start(client, changes))
    assert described["Status"] == "SUCCEEDED", described
    return str(described["ChangeSet"][0]["Entity"]["Identifier"]).split("@")[0]


def details(client: Any, offer_id: str) -> dict[str, Any]:
    entity = client.describe_entity(Catalog=CATALOG, EntityId=offer_id)
    document: dict[str, Any] = entity["DetailsDocument"]
    assert json.loads(entity["Details"]) == document
    return document


def terms(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {term["Type"]: term for term in document["Terms"]}


# --- offers -----------------------------------------------------------------------------------


def test_contract_offer_is_created_and_released(seller: Any, clock: ManualClock) -> None:
    change_set_id = start(seller, offer_changes(), ChangeSetName="acme-2027")
    preparing = seller.describe_change_set(Catalog=CATALOG, ChangeSetId=change_set_id)
    assert preparing["Status"] == "PREPARING"
    assert "EndTime" not in preparing

    described = settle(seller, clock, change_set_id)
    offer_id = described["ChangeSet"][0]["Entity"]["Identifier"].split("@")[0]
    document = details(seller, offer_id)

    assert described["Status"] == "SUCCEEDED"
    assert described["ChangeSetName"] == "acme-2027"
    assert len(described["EndTime"]) == 20
    assert document["State"] == "Released"
    assert terms(document)["ConfigurableUpfrontPricingTerm"]["RateCards"][0]["RateCard"] == [
        {"DimensionKey": "users", "Price": "250.00"}
    ]


def test_usage_offer(seller: Any, clock: ManualClock) -> None:
    offer_id = released_offer(
        seller, clock, offer_changes([change("UpdatePricingTerms", usage_pricing())])
    )
    assert "UsageBasedPricingTerm" in terms(details(seller, offer_id))


def test_installment_offer(seller: Any, clock: ManualClock) -> None:
    offer_id = released_offer(seller, clock, offer_changes(installment_changes()))
    schedule = terms(details(seller, offer_id))["PaymentScheduleTerm"]["Schedule"]
    assert [item["ChargeDate"] for item in schedule] == [
        "2027-01-15T00:00:00.000Z",
        "2027-04-15T00:00:00.000Z",
    ]


def test_channel_partner_offer(
    server: RunningServer, market: Marketplace, clock: ManualClock
) -> None:
    authorization = market.seed_resale_authorization(SELLER, RESELLER, PRODUCT_ID)
    first = create("CreateOfferUsingResaleAuthorization", ResaleAuthorizationId=authorization)
    changes = offer_changes(first=first)
    changes.insert(-1, change("UpdateMarkup", {"Percentage": "5.0"}))
    changes.insert(1, change("UpdateInformation", {"Name": "Acme via partner"}))
    reseller = server.catalog_client(account=RESELLER, **NO_RETRIES)
    try:
        offer_id = released_offer(reseller, clock, changes)
        document = details(reseller, offer_id)
        listed = reseller.list_entities(Catalog=CATALOG, EntityType="Offer")
    finally:
        reseller.close()
    assert document["MarkupPercentage"] == "5.0"
    assert [item["EntityId"] for item in listed["EntitySummaryList"]] == [offer_id]


def test_expiry_of_a_released_offer_can_be_extended(seller: Any, clock: ManualClock) -> None:
    offer_id = released_offer(seller, clock, offer_changes())
    extend = [change("UpdateAvailability", {"AvailabilityEndDate": "2027-06-30"}, offer_id)]
    described = settle(seller, clock, start(seller, extend))
    assert described["Status"] == "SUCCEEDED"
    availability = next(
        r for r in details(seller, offer_id)["Rules"] if r["Type"] == "AvailabilityRule"
    )
    assert availability["AvailabilityEndDate"] == "2027-06-30T00:00:00.000Z"


def test_pricing_change_on_a_released_offer_fails(seller: Any, clock: ManualClock) -> None:
    offer_id = released_offer(seller, clock, offer_changes())
    reprice = [change("UpdatePricingTerms", contract_pricing("199.00"), offer_id)]
    described = settle(seller, clock, start(seller, reprice))
    assert described["Status"] == "FAILED"
    assert described["FailureCode"] == "CLIENT_ERROR"
    errors = described["ChangeSet"][0]["ErrorDetailList"]
    assert errors and all(set(error) == {"ErrorCode", "ErrorMessage"} for error in errors)
    price = terms(details(seller, offer_id))["ConfigurableUpfrontPricingTerm"]
    assert price["RateCards"][0]["RateCard"][0]["Price"] == "250.00"


def test_second_change_set_on_a_busy_offer_is_resource_in_use(
    seller: Any, clock: ManualClock
) -> None:
    offer_id = released_offer(seller, clock, offer_changes())
    first = start(
        seller, [change("UpdateAvailability", {"AvailabilityEndDate": "2027-05-31"}, offer_id)]
    )
    with pytest.raises(ClientError) as raised:
        start(
            seller, [change("UpdateAvailability", {"AvailabilityEndDate": "2027-06-30"}, offer_id)]
        )
    error = raised.value.response
    assert error["Error"]["Code"] == "ResourceInUseException"
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 423
    assert isinstance(raised.value, seller.exceptions.ResourceInUseException)
    assert settle(seller, clock, first)["Status"] == "SUCCEEDED"


def test_simultaneous_change_sets_on_one_offer_admit_exactly_one(
    server: RunningServer, seller: Any, clock: ManualClock
) -> None:
    offer_id = released_offer(seller, clock, offer_changes())
    barrier = threading.Barrier(4)

    def attempt(day: int) -> str:
        client = server.catalog_client(**NO_RETRIES)
        extend = [
            change("UpdateAvailability", {"AvailabilityEndDate": f"2027-05-{day:02d}"}, offer_id)
        ]
        try:
            barrier.wait(timeout=10)
            start(client, extend)
            return "started"
        except ClientError as error:
            response = error.response
            return f"{response['ResponseMetadata']['HTTPStatusCode']} {response['Error']['Code']}"
        finally:
            client.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = sorted(pool.map(attempt, range(1, 5)))

    assert outcomes == ["423 ResourceInUseException"] * 3 + ["started"]


def test_cancel_only_while_preparing(seller: Any, clock: ManualClock) -> None:
    change_set_id = start(seller, offer_changes())
    cancelled = seller.cancel_change_set(Catalog=CATALOG, ChangeSetId=change_set_id)
    assert cancelled["ChangeSetId"] == change_set_id
    described = seller.describe_change_set(Catalog=CATALOG, ChangeSetId=change_set_id)
    assert described["Status"] == "CANCELLED"


def test_client_request_token_makes_start_idempotent(seller: Any) -> None:
    changes = offer_changes()
    first = seller.start_change_set(Catalog=CATALOG, ChangeSet=changes, ClientRequestToken="acme-1")
    again = seller.start_change_set(Catalog=CATALOG, ChangeSet=changes, ClientRequestToken="acme-1")
    assert (again["ChangeSetId"], again["ChangeSetArn"]) == (
        first["ChangeSetId"],
        first["ChangeSetArn"],
    )
    with pytest.raises(ClientError) as raised:
        seller.start_change_set(
            Catalog=CATALOG,
            ChangeSet=offer_changes(expires="2027-04-30"),
            ClientRequestToken="acme-1",
        )
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 422


def test_paginators_walk_entities_and_change_sets(seller: Any, clock: ManualClock) -> None:
    for number in range(3):
        start(seller, [create(ProductId=PRODUCT_ID, Name=f"Draft {number}")])
    clock.advance(PROCESSING_SECONDS + 1)

    entity_pages = list(
        seller.get_paginator("list_entities").paginate(
            Catalog=CATALOG, EntityType="Offer", PaginationConfig={"PageSize": 2}
        )
    )
    change_set_pages = list(
        seller.get_paginator("list_change_sets").paginate(
            Catalog=CATALOG, PaginationConfig={"PageSize": 1}
        )
    )

    assert [len(page["EntitySummaryList"]) for page in entity_pages] == [2, 1]
    assert [len(page["ChangeSetSummaryList"]) for page in change_set_pages] == [1, 1, 1]
    names = {item["Name"] for page in entity_pages for item in page["EntitySummaryList"]}
    assert names == {"Draft 0", "Draft 1", "Draft 2"}


def test_tags_round_trip(seller: Any, clock: ManualClock) -> None:
    offer_id = released_offer(seller, clock, offer_changes())
    arn = seller.describe_entity(Catalog=CATALOG, EntityId=offer_id)["EntityArn"]
    seller.tag_resource(ResourceArn=arn, Tags=[{"Key": "managed-by", "Value": "offerops"}])
    assert seller.list_tags_for_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "managed-by", "Value": "offerops"}
    ]
    seller.untag_resource(ResourceArn=arn, TagKeys=["managed-by"])
    assert seller.list_tags_for_resource(ResourceArn=arn).get("Tags", []) == []


# --- buyers -----------------------------------------------------------------------------------


def signed_as(account: str) -> dict[str, str]:
    """Well-formed SigV4 headers whose access key id selects ``account`` (dummy signature)."""
    return signed_headers(account)


def emulator_post(server: RunningServer, path: str, account: str, body: dict[str, Any]) -> Any:
    payload = json.dumps(body).encode()
    status, _, answer = raw(server, "POST", f"/_offerops/{path}", payload, signed_as(account))
    assert status == 200, answer
    return json.loads(answer)


def acceptor_filters() -> list[dict[str, Any]]:
    return [
        {"name": "PartyType", "values": ["Acceptor"]},
        {"name": "AgreementType", "values": ["PurchaseAgreement"]},
    ]


def test_buyer_sees_accepts_and_finds_the_agreement(
    server: RunningServer, seller: Any, agreements: dict[str, Any], clock: ManualClock
) -> None:
    offer_id = released_offer(seller, clock, offer_changes())

    visible = emulator_post(server, "ListOffersForBuyer", BUYER, {})["Offers"]
    hidden = emulator_post(server, "ListOffersForBuyer", OTHER_BUYER, {})["Offers"]
    accepted = emulator_post(
        server, "AcceptOffer", BUYER, {"OfferId": offer_id, "PurchaseOrder": "PO-7"}
    )
    mine = agreements[BUYER].search_agreements(catalog=CATALOG, filters=acceptor_filters())
    theirs = agreements[OTHER_BUYER].search_agreements(catalog=CATALOG, filters=acceptor_filters())
    proposer_filters = [
        {"name": "PartyType", "values": ["Proposer"]},
        {"name": "AgreementType", "values": ["PurchaseAgreement"]},
        {"name": "OfferId", "values": [offer_id]},
    ]
    sold = agreements[SELLER].search_agreements(catalog=CATALOG, filters=proposer_filters)
    agreement_id = accepted["agreementId"]
    described = agreements[BUYER].describe_agreement(agreementId=agreement_id)
    accepted_terms = agreements[BUYER].get_agreement_terms(agreementId=agreement_id)

    assert [offer["OfferId"] for offer in visible] == [offer_id]
    assert hidden == []
    assert [a["agreementId"] for a in mine["agreementViewSummaries"]] == [agreement_id]
    assert theirs["agreementViewSummaries"] == []
    assert [a["agreementId"] for a in sold["agreementViewSummaries"]] == [agreement_id]
    assert described["acceptor"] == {"accountId": BUYER}
    assert described["proposer"] == {"accountId": SELLER}
    assert isinstance(described["acceptanceTime"], datetime)
    assert accepted_terms["acceptedTerms"]


def test_agreement_errors_use_the_json_protocol(agreements: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as raised:
        agreements[BUYER].describe_agreement(agreementId="agmt-doesnotexist000000000000")
    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


# --- faults -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("faults", "code", "status"),
    [
        (FaultConfig(throttle_rate=1.0), "ThrottlingException", 429),
        (FaultConfig(error_rate=1.0), "InternalServiceException", 500),
    ],
)
def test_injected_faults_reach_boto3(
    tmp_path: Path, faults: FaultConfig, code: str, status: int
) -> None:
    market = Marketplace(tmp_path / "faulty.sqlite", faults=faults)
    with running_server(market) as faulty:
        client = faulty.catalog_client(**NO_RETRIES)
        try:
            with pytest.raises(ClientError) as raised:
                client.list_entities(Catalog=CATALOG, EntityType="Offer")
        finally:
            client.close()
    assert raised.value.response["Error"]["Code"] == code
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert type(raised.value).__name__ == code


def test_injected_server_error_on_the_agreement_api(tmp_path: Path) -> None:
    market = Marketplace(tmp_path / "faulty.sqlite", faults=FaultConfig(error_rate=1.0))
    with running_server(market) as faulty:
        client = faulty.agreement_client(account=BUYER, **NO_RETRIES)
        try:
            with pytest.raises(ClientError) as raised:
                client.search_agreements(catalog=CATALOG, filters=acceptor_filters())
        finally:
            client.close()
    assert raised.value.response["Error"]["Code"] == "InternalServerException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


# --- the wire itself --------------------------------------------------------------------------


def raw(
    server: RunningServer,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    *,
    signed: bool = True,
) -> tuple[int, dict[str, str], bytes]:
    """One plain HTTP request: (status, lower-cased headers, body).

    Signed as the server's default account unless ``signed`` is False (``headers`` win).
    """
    host, port = server.server.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=10)
    sent = {**(signed_headers(server.default_account) if signed else {}), **(headers or {})}
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        payload = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, payload
    finally:
        connection.close()


TARGET = "AWSMPCommerceService_v20200301"


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status", "code"),
    [
        ("POST", "/StartChangeSet", b"{not json", {}, 400, "SerializationException"),
        ("POST", "/StartChangeSet", b"[1, 2]", {}, 400, "SerializationException"),
        ("POST", "/StartChangeSet", b"\xff\xfe", {}, 400, "SerializationException"),
        (
            "POST",
            "/StartChangeSet",
            b'{"Catalog": "AWSMarketplace"}',
            {},
            422,
            "ValidationException",
        ),
        ("GET", "/DescribeChangeSet?catalog=AWSMarketplace", None, {}, 422, "ValidationException"),
        ("GET", "/DescribeEntity?entityId=offer-x", None, {}, 422, "ValidationException"),
        ("GET", "/NoSuchOperation", None, {}, 404, "UnknownOperationException"),
        ("GET", "/StartChangeSet", None, {}, 405, "MethodNotAllowedException"),
        ("GET", "/GetResourcePolicy?resourceArn=x", None, {}, 422, "ValidationException"),
        ("POST", "/ListEntities", b'{"Catalog": "AWSMarketplace"}', {}, 422, "ValidationException"),
    ],
)
def test_malformed_catalog_requests_are_4xx_with_the_error_header(
    server: RunningServer,
    method: str,
    path: str,
    body: bytes | None,
    headers: dict[str, str],
    status: int,
    code: str,
) -> None:
    got_status, got_headers, payload = raw(server, method, path, body, headers)
    assert (got_status, got_headers.get("x-amzn-errortype")) == (status, code)
    assert set(json.loads(payload)) == {"Message"}
    assert got_headers["x-amzn-requestid"]


@pytest.mark.parametrize(
    "request_body",
    [
        {"Catalog": "AWSMarketplace", "ChangeSet": "not a list"},
        {"Catalog": "AWSMarketplace", "ChangeSet": [{"ChangeType": "CreateOffer"}]},
        {"Catalog": 7, "ChangeSet": []},
        {"Catalog": "AWSMarketplace", "ChangeSet": [None]},
    ],
)
def test_wrongly_typed_members_are_validation_errors(
    server: RunningServer, request_body: dict[str, Any]
) -> None:
    status, headers, payload = raw(
        server, "POST", "/StartChangeSet", json.dumps(request_body).encode()
    )
    assert (status, headers.get("x-amzn-errortype")) == (422, "ValidationException")
    assert b"Traceback" not in payload


@pytest.mark.parametrize(
    ("target", "body", "status", "code"),
    [
        (None, b"{}", 400, "UnknownOperationException"),
        ("Wrong_v1.SearchAgreements", b"{}", 400, "UnknownOperationException"),
        (f"{TARGET}.CancelAgreement", b"{}", 501, "NotImplementedException"),
        (f"{TARGET}.DescribeAgreement", b"{}", 400, "ValidationException"),
        (f"{TARGET}.SearchAgreements", b"{oops", 400, "SerializationException"),
    ],
)
def test_malformed_agreement_requests(
    server: RunningServer, target: str | None, body: bytes, status: int, code: str
) -> None:
    headers = {"Content-Type": "application/x-amz-json-1.0"}
    if target:
        headers["X-Amz-Target"] = target
    got_status, got_headers, payload = raw(server, "POST", "/", body, headers)
    document = json.loads(payload)
    assert (got_status, document["__type"]) == (status, code)
    assert document["message"]
    assert got_headers["x-amzn-requestid"]


DEEP = 100_000


@pytest.mark.parametrize(
    "body",
    [
        b"[" * DEEP + b"]" * DEEP,
        b'{"a":' * DEEP + b"1" + b"}" * DEEP,
        b'{"Catalog": "AWSMarketplace", "EntityType": "Offer", "Filters": '
        + b"[" * 70
        + b"]" * 70
        + b"}",
    ],
    ids=["lists-100000-deep", "objects-100000-deep", "deeper-than-the-limit"],
)
def test_deeply_nested_json_is_a_serialization_error(
    server: RunningServer, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    status, headers, payload = raw(server, "POST", "/ListEntities", body)
    assert (status, headers["x-amzn-errortype"]) == (400, "SerializationException")
    assert "nested" in json.loads(payload)["Message"]
    assert "Traceback" not in caplog.text and "emulator bug" not in caplog.text


def test_deeply_nested_json_on_the_agreement_api_is_a_serialization_error(
    server: RunningServer,
) -> None:
    headers = {"X-Amz-Target": f"{TARGET}.SearchAgreements"}
    status, _, payload = raw(server, "POST", "/", b"[" * DEEP + b"]" * DEEP, headers)
    assert (status, json.loads(payload)["__type"]) == (400, "SerializationException")


def test_deeply_nested_details_string_is_a_validation_error(server: RunningServer) -> None:
    details = "[" * 8000 + "]" * 8000
    body = {
        "Catalog": CATALOG,
        "ChangeSet": [{**create(), "DetailsDocument": None, "Details": details}],
    }
    del body["ChangeSet"][0]["DetailsDocument"]
    status, headers, payload = raw(server, "POST", "/StartChangeSet", json.dumps(body).encode())
    assert (status, headers["x-amzn-errortype"]) == (422, "ValidationException")
    assert "nested" in json.loads(payload)["Message"]


def _unrouted_model_paths() -> list[str]:
    from offerops.catalog.embedded import CATALOG_MODEL, service_model
    from offerops.emulator import urls

    operations = service_model(*CATALOG_MODEL)["operations"].values()
    paths = {operation["http"]["requestUri"] for operation in operations}
    return sorted(paths - {route.path for route in urls.CATALOG_ROUTES})


def test_every_model_operation_the_emulator_lacks_is_501(server: RunningServer) -> None:
    """Empty with botocore 1.44.8 (every operation is routed); a newer SDK's are 501."""
    for path in _unrouted_model_paths():
        status, headers, payload = raw(server, "POST", path, b"{}")
        assert (status, headers["x-amzn-errortype"]) == (501, "NotImplementedException")
        assert path.lstrip("/") in json.loads(payload)["Message"]


def test_an_operation_newer_than_the_installed_sdk_is_501_too(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from offerops.emulator import urls

    monkeypatch.setattr(urls, "installed_catalog_operations", lambda: {"/StartNew": "StartNew"})
    status, headers, _ = raw(server, "POST", "/StartNew", b"{}")
    assert (status, headers["x-amzn-errortype"]) == (501, "NotImplementedException")


def test_emulator_bugs_are_500_without_a_traceback(
    server: RunningServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: Any) -> Any:
        raise KeyError("boom")

    monkeypatch.setattr(server.marketplace, "call", broken)
    body = json.dumps({"Catalog": CATALOG, "EntityType": "Offer"}).encode()
    status, headers, payload = raw(server, "POST", "/ListEntities", body)
    assert (status, headers["x-amzn-errortype"]) == (500, "InternalServiceException")
    assert b"Traceback" not in payload and b"boom" not in payload
    assert "KeyError" in caplog.text


def test_health_reports_the_calling_account(server: RunningServer) -> None:
    status, _, payload = raw(
        server, "GET", "/_offerops/health", None, {"Authorization": f"Credential={BUYER}/x"}
    )
    assert status == 200
    assert json.loads(payload) == {"Status": "ok", "DefaultAccount": SELLER, "Account": BUYER}


def test_seed_and_reset_endpoints_when_reset_is_allowed(
    server: RunningServer, seller: Any, market: Marketplace
) -> None:
    other_product = PRODUCT.model_dump(mode="json") | {"id": "prod-1234567890abc"}
    emulator_post(server, "SeedProducts", OTHER_BUYER, {"Products": {"other": other_product}})
    draft = [create(ProductId="prod-1234567890abc")]
    other = server.catalog_client(account=OTHER_BUYER, **NO_RETRIES)
    try:
        start(other, draft)
    finally:
        other.close()
    emulator_post(server, "Reset", SELLER, {})
    assert seller.list_change_sets(Catalog=CATALOG)["ChangeSetSummaryList"] == []


def test_reset_is_refused_unless_the_server_allows_it(tmp_path: Path) -> None:
    market = Marketplace(tmp_path / "shared.sqlite")
    market.seed_products(SELLER, {"analytics": PRODUCT})
    with running_server(market, default_account=SELLER) as shared:
        status, headers, payload = raw(
            shared, "POST", "/_offerops/Reset", b"{}", signed_as(OTHER_BUYER)
        )
        seller = shared.catalog_client(**NO_RETRIES)
        try:
            start(seller, [create()])
            listed = seller.list_change_sets(Catalog=CATALOG)["ChangeSetSummaryList"]
        finally:
            seller.close()
    assert (status, headers["x-amzn-errortype"]) == (403, "AccessDeniedException")
    assert "--allow-reset" in json.loads(payload)["Message"]
    assert len(listed) == 1  # the seller's product survived the refused reset


def test_seeding_an_invalid_product_is_a_validation_error(server: RunningServer) -> None:
    body = json.dumps({"Products": {"bad": {"id": "nope"}}}).encode()
    status, headers, _ = raw(server, "POST", "/_offerops/SeedProducts", body, signed_as(SELLER))
    assert (status, headers["x-amzn-errortype"]) == (422, "ValidationException")


def test_binds_loopback_by_default(market: Marketplace) -> None:
    server = make_server(market)
    try:
        assert server.server_address[0] == "127.0.0.1"
        assert server.url.startswith("http://127.0.0.1:")
    finally:
        server.server_close()
