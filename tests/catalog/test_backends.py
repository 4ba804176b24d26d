"""The embedded client and boto3 over HTTP are interchangeable: same flows, responses and errors.

Each flow test runs on both backends. The identity tests put both clients on ONE marketplace and
compare every read (and every error) field by field, leaving out only ``ResponseMetadata``, whose
request ids and HTTP headers necessarily differ.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, ParamValidationError

from offerops.catalog.client import AgreementClient, CatalogClient
from offerops.catalog.embedded import EmbeddedAgreementClient, EmbeddedCatalogClient
from offerops.emulator.clock import ManualClock
from offerops.emulator.engine import Marketplace
from offerops.emulator.server import RunningServer, running_server
from offerops.model.config import Product

SELLER = "111122223333"
BUYER = "123456789012"
PRODUCT_ID = "prod-4x7yvqjzt5abc"
CATALOG = "AWSMarketplace"
PROCESSING_SECONDS = 30.0
PRODUCT = Product.model_validate(
    {
        "id": PRODUCT_ID,
        "type": "saas",
        "dimensions": [
            {"key": "users", "name": "Users"},
            {"key": "USER", "name": "h", "usage": True},
        ],
    }
)
NO_RETRIES: dict[str, Any] = {"retries": {"total_max_attempts": 1}}
BACKENDS = ("embedded", "http")


def change(change_type: str, details: dict[str, Any], entity: str = "$new") -> dict[str, Any]:
    target: dict[str, str] = {"Type": "Offer@1.0"}
    if change_type.startswith("Create"):
        return {
            "ChangeType": change_type,
            "ChangeName": "new",
            "Entity": target,
            "DetailsDocument": details,
        }
    target["Identifier"] = "$new.Entity.Identifier" if entity == "$new" else entity
    return {"ChangeType": change_type, "Entity": target, "DetailsDocument": details}


def pricing(price: str) -> dict[str, Any]:
    card = {
        "Selector": {"Type": "Duration", "Value": "P12M"},
        "Constraints": {
            "MultipleDimensionSelection": "Allowed",
            "QuantityConfiguration": "Allowed",
        },
        "RateCard": [{"DimensionKey": "users", "Price": price}],
    }
    term = {"Type": "ConfigurableUpfrontPricingTerm", "CurrencyCode": "USD", "RateCards": [card]}
    return {"PricingModel": "Contract", "Terms": [term]}


def private_offer(name: str = "Acme 2027") -> list[dict[str, Any]]:
    eula = {"Type": "LegalTerm", "Documents": [{"Type": "StandardEula", "Version": "2022-07-14"}]}
    validity = {"Type": "ValidityTerm", "AgreementDuration": "P12M"}
    return [
        change("CreateOffer", {"ProductId": PRODUCT_ID, "Name": name}),
        change("UpdateTargeting", {"PositiveTargeting": {"BuyerAccounts": [BUYER]}}),
        change("UpdatePricingTerms", pricing("250.00")),
        change("UpdateValidityTerms", {"Terms": [validity]}),
        change("UpdateLegalTerms", {"Terms": [eula]}),
        change("UpdateAvailability", {"AvailabilityEndDate": "2027-03-31"}),
        change("ReleaseOffer", {}),
    ]


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))


@pytest.fixture(scope="module")
def market(tmp_path_factory: pytest.TempPathFactory, clock: ManualClock) -> Marketplace:
    db = tmp_path_factory.mktemp("backends") / "marketplace.sqlite"
    return Marketplace(db, clock=clock, processing_seconds=PROCESSING_SECONDS)


@pytest.fixture(scope="module")
def server(market: Marketplace) -> Iterator[RunningServer]:
    with running_server(market, default_account=SELLER) as running:
        yield running


@pytest.fixture(autouse=True)
def fresh_state(market: Marketplace) -> None:
    market.reset()
    market.seed_products(SELLER, {"analytics": PRODUCT})


Clients = tuple[CatalogClient, AgreementClient]


@pytest.fixture(scope="module")
def clients(
    market: Marketplace, server: RunningServer
) -> Iterator[dict[str, Callable[[str], Clients]]]:
    opened: dict[str, Clients] = {}

    def http(account: str) -> Clients:
        if account not in opened:
            opened[account] = (
                server.catalog_client(account=account, **NO_RETRIES),
                server.agreement_client(account=account, **NO_RETRIES),
            )
        return opened[account]

    def embedded(account: str) -> Clients:
        return EmbeddedCatalogClient(market, account), EmbeddedAgreementClient(market, account)

    yield {"http": http, "embedded": embedded}
    for catalog, agreement in opened.values():
        catalog.close()
        agreement.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, clients: dict[str, Callable[[str], Clients]]) -> str:
    return str(request.param)


def settle(catalog: CatalogClient, clock: ManualClock, change_set_id: str) -> dict[str, Any]:
    clock.advance(PROCESSING_SECONDS + 1)
    return dict(catalog.describe_change_set(Catalog=CATALOG, ChangeSetId=change_set_id))


def released(catalog: CatalogClient, clock: ManualClock) -> tuple[str, str]:
    """(change set id, offer id) of a released private offer."""
    change_set_id = catalog.start_change_set(Catalog=CATALOG, ChangeSet=private_offer())[
        "ChangeSetId"
    ]
    described = settle(catalog, clock, change_set_id)
    assert described["Status"] == "SUCCEEDED", described
    return change_set_id, described["ChangeSet"][0]["Entity"]["Identifier"].split("@")[0]


def without_metadata(response: Any) -> dict[str, Any]:
    copied = dict(response)
    copied.pop("ResponseMetadata")
    return copied


def error_of(call: Callable[[], Any]) -> dict[str, Any]:
    with pytest.raises(ClientError) as raised:
        call()
    response = dict(raised.value.response)
    metadata = response.pop("ResponseMetadata")
    return {**response, "status": metadata["HTTPStatusCode"], "class": type(raised.value).__name__}


# --- the same flow on each backend ------------------------------------------------------------


def test_release_then_refuse_a_pricing_change(
    backend: str, clients: dict[str, Callable[[str], Clients]], clock: ManualClock
) -> None:
    catalog, _ = clients[backend](SELLER)
    _, offer_id = released(catalog, clock)
    reprice = [change("UpdatePricingTerms", pricing("1.00"), offer_id)]
    failed = settle(
        catalog, clock, catalog.start_change_set(Catalog=CATALOG, ChangeSet=reprice)["ChangeSetId"]
    )
    assert (failed["Status"], failed["FailureCode"]) == ("FAILED", "CLIENT_ERROR")
    assert failed["ChangeSet"][0]["ErrorDetailList"]


def test_busy_offer_and_throttle_style_errors_carry_the_code(
    backend: str, clients: dict[str, Callable[[str], Clients]], clock: ManualClock
) -> None:
    catalog, _ = clients[backend](SELLER)
    _, offer_id = released(catalog, clock)
    extend = [change("UpdateAvailability", {"AvailabilityEndDate": "2027-05-31"}, offer_id)]
    catalog.start_change_set(Catalog=CATALOG, ChangeSet=extend)
    error = error_of(lambda: catalog.start_change_set(Catalog=CATALOG, ChangeSet=extend))
    assert (error["Error"]["Code"], error["status"], error["class"]) == (
        "ResourceInUseException",
        423,
        "ResourceInUseException",
    )


def test_start_without_a_token_is_not_idempotent(
    backend: str, clients: dict[str, Callable[[str], Clients]]
) -> None:
    catalog, _ = clients[backend](SELLER)
    draft = [change("CreateOffer", {"ProductId": PRODUCT_ID})]
    first = catalog.start_change_set(Catalog=CATALOG, ChangeSet=draft)["ChangeSetId"]
    second = catalog.start_change_set(Catalog=CATALOG, ChangeSet=draft)["ChangeSetId"]
    assert first != second


def test_missing_required_member_is_a_client_side_error(
    backend: str, clients: dict[str, Callable[[str], Clients]]
) -> None:
    catalog, agreement = clients[backend](SELLER)
    with pytest.raises(ParamValidationError, match="ChangeSetId"):
        catalog.describe_change_set(Catalog=CATALOG)  # type: ignore[call-arg]
    with pytest.raises(ParamValidationError, match="agreementId"):
        agreement.describe_agreement()


# --- identical responses ----------------------------------------------------------------------


def test_reads_are_identical_on_both_backends(
    clients: dict[str, Callable[[str], Clients]], market: Marketplace, clock: ManualClock
) -> None:
    embedded, _ = clients["embedded"](SELLER)
    http, _ = clients["http"](SELLER)
    change_set_id, offer_id = released(embedded, clock)
    arn = embedded.describe_entity(Catalog=CATALOG, EntityId=offer_id)["EntityArn"]
    embedded.tag_resource(ResourceArn=arn, Tags=[{"Key": "managed-by", "Value": "offerops"}])
    http.start_change_set(
        Catalog=CATALOG, ChangeSet=[change("CreateOffer", {"ProductId": PRODUCT_ID})]
    )

    reads: list[Callable[[CatalogClient], Any]] = [
        lambda c: c.describe_change_set(Catalog=CATALOG, ChangeSetId=change_set_id),
        lambda c: c.describe_entity(Catalog=CATALOG, EntityId=offer_id),
        lambda c: c.batch_describe_entities(
            EntityRequestList=[
                {"Catalog": CATALOG, "EntityId": offer_id},
                {"Catalog": CATALOG, "EntityId": "offer-0000000000000"},
            ]
        ),
        lambda c: c.list_entities(Catalog=CATALOG, EntityType="Offer", MaxResults=1),
        lambda c: c.list_change_sets(Catalog=CATALOG),
        lambda c: c.list_tags_for_resource(ResourceArn=arn),
    ]
    for read in reads:
        assert without_metadata(read(embedded)) == without_metadata(read(http))


def test_agreement_reads_are_identical_on_both_backends(
    clients: dict[str, Callable[[str], Clients]], market: Marketplace, clock: ManualClock
) -> None:
    seller, _ = clients["embedded"](SELLER)
    _, offer_id = released(seller, clock)
    agreement_id = market.accept_offer(BUYER, offer_id, "PO-1")["agreementId"]
    _, embedded = clients["embedded"](BUYER)
    _, http = clients["http"](BUYER)
    filters = [
        {"name": "PartyType", "values": ["Acceptor"]},
        {"name": "AgreementType", "values": ["PurchaseAgreement"]},
    ]

    reads: list[Callable[[AgreementClient], Any]] = [
        lambda c: c.search_agreements(catalog=CATALOG, filters=filters),
        lambda c: c.describe_agreement(agreementId=agreement_id),
        lambda c: c.get_agreement_terms(agreementId=agreement_id),
    ]
    for read in reads:
        from_embedded, from_http = without_metadata(read(embedded)), without_metadata(read(http))
        assert from_embedded == from_http
    described = embedded.describe_agreement(agreementId=agreement_id)
    assert isinstance(described["startTime"], datetime)
    assert described["startTime"].tzinfo is not None


def test_errors_are_identical_on_both_backends(
    clients: dict[str, Callable[[str], Clients]], clock: ManualClock
) -> None:
    embedded, embedded_agreements = clients["embedded"](SELLER)
    http, http_agreements = clients["http"](SELLER)
    _, offer_id = released(embedded, clock)
    extend = [change("UpdateAvailability", {"AvailabilityEndDate": "2027-05-31"}, offer_id)]
    embedded.start_change_set(Catalog=CATALOG, ChangeSet=extend)
    no_party = [{"name": "AgreementType", "values": ["PurchaseAgreement"]}]

    failing: list[tuple[Callable[[], Any], Callable[[], Any]]] = [
        (
            lambda: embedded.describe_change_set(Catalog=CATALOG, ChangeSetId="nope"),
            lambda: http.describe_change_set(Catalog=CATALOG, ChangeSetId="nope"),
        ),
        (
            lambda: embedded.start_change_set(Catalog=CATALOG, ChangeSet=extend),
            lambda: http.start_change_set(Catalog=CATALOG, ChangeSet=extend),
        ),
        (
            lambda: embedded.list_entities(Catalog="Nope", EntityType="Offer"),
            lambda: http.list_entities(Catalog="Nope", EntityType="Offer"),
        ),
        (
            lambda: embedded_agreements.describe_agreement(agreementId="agmt-missing"),
            lambda: http_agreements.describe_agreement(agreementId="agmt-missing"),
        ),
        (
            lambda: embedded_agreements.search_agreements(catalog=CATALOG, filters=no_party),
            lambda: http_agreements.search_agreements(catalog=CATALOG, filters=no_party),
        ),
    ]
    for on_embedded, on_http in failing:
        assert error_of(on_embedded) == error_of(on_http)


def test_a_boto3_client_is_a_catalog_client(server: RunningServer) -> None:
    client: CatalogClient = server.catalog_client()
    try:
        assert callable(client.start_change_set)
    finally:
        client.close()


def test_embedded_client_does_not_own_the_marketplace(market: Marketplace) -> None:
    client = EmbeddedCatalogClient(market, SELLER)
    client.close()
    assert client.list_entities(Catalog=CATALOG, EntityType="Offer")["EntitySummaryList"] == []


def test_embedded_module_does_not_import_boto3(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys, offerops.catalog.embedded, offerops.catalog.factory; "
        "print('boto3' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
