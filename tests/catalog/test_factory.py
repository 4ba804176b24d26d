"""open_catalog: which client each backend kind gives, and with which account and region."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from offerops.catalog.embedded import EmbeddedAgreementClient, EmbeddedCatalogClient
from offerops.catalog.factory import open_catalog
from offerops.emulator.engine import Marketplace
from offerops.emulator.server import RunningServer, running_server
from offerops.emulator.store import catalog as store
from offerops.errors import ConfigError
from offerops.model.config import Backend
from support import OfferRepo

SELLER = "111122223333"
OTHER = "999988887777"
CATALOG = "AWSMarketplace"
RESOLD_ID = "prod-7h6g5f4d3s2a1"


@pytest.fixture(autouse=True)
def no_ambient_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No credentials, profile or region from the machine running the tests."""
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with running_server(Marketplace(tmp_path / "served.sqlite"), default_account=OTHER) as running:
        yield running


def close(*clients: Any) -> None:
    for client in clients:
        client.close()


def test_emulator_backend_is_embedded_under_the_repository(tmp_path: Path) -> None:
    backend = Backend(kind="emulator", path="state/nested/marketplace.sqlite")
    catalog, agreements = open_catalog(backend, tmp_path, account=SELLER)
    try:
        listed = catalog.list_entities(Catalog=CATALOG, EntityType="Offer")
    finally:
        close(catalog, agreements)
    assert isinstance(catalog, EmbeddedCatalogClient)
    assert isinstance(agreements, EmbeddedAgreementClient)
    assert catalog.account == SELLER
    assert (tmp_path / "state/nested/marketplace.sqlite").is_file()
    assert listed["EntitySummaryList"] == []


RESOLD = (
    "  gateway:\n    id: prod-7h6g5f4d3s2a1\n    type: saas\n"
    f'    manufacturerAccountId: "{OTHER}"\n'
    "    dimensions:\n      - { key: gateways, name: Gateways }\n"
)
AUTHORIZATION = "resaleauthz-1a2b3c4d5e6f7"


def resold_repo(repo: OfferRepo, declared: str = "") -> OfferRepo:
    """The test repository plus a resold product, the resale authorization its ISV shared
    (``declared``: what offerops.yaml says of it, default just the product), and a CPPO."""
    config = repo.root / "offerops.yaml"
    declaration = declared or "    product: gateway\n"
    authorizations = f"resaleAuthorizations:\n  {AUTHORIZATION}:\n{declaration}"
    config.write_text(
        config.read_text().replace("buyers:\n", RESOLD + authorizations + "buyers:\n")
    )
    repo.write(
        "offers/cppo.yaml",
        f"spec:\n  product: gateway\n  channel:\n    resaleAuthorization: {AUTHORIZATION}\n",
    )
    return repo


def draft_from_authorization(catalog: Any, authorization_id: str) -> str:
    """Start a CreateOfferUsingResaleAuthorization set; its final status."""
    return str(described_draft(catalog, authorization_id)["Status"])


def described_draft(catalog: Any, authorization_id: str) -> dict[str, Any]:
    """Start a CreateOfferUsingResaleAuthorization set; DescribeChangeSet once it ended."""
    change = {
        "ChangeType": "CreateOfferUsingResaleAuthorization",
        "Entity": {"Type": "Offer@1.0"},
        "DetailsDocument": {"ResaleAuthorizationId": authorization_id},
    }
    started = catalog.start_change_set(Catalog=CATALOG, ChangeSet=[change])
    return dict(catalog.describe_change_set(Catalog=CATALOG, ChangeSetId=started["ChangeSetId"]))


def test_an_authorization_only_an_offer_names_is_not_seeded(repo: OfferRepo) -> None:
    """An id offerops.yaml does not declare fails the change set, as a typo would on AWS."""
    resold_repo(repo)
    typo = "resaleauthz-1a2b3c4d5e6f8"
    repo.write(
        "offers/typo.yaml",
        f"spec:\n  product: gateway\n  channel:\n    resaleAuthorization: {typo}\n",
    )
    catalog, agreements = open_catalog(Backend(kind="emulator"), repo.root, account=SELLER)
    try:
        described = described_draft(catalog, typo)
    finally:
        close(catalog, agreements)
    assert described["Status"] == "FAILED"
    assert described["FailureCode"] == "CLIENT_ERROR"
    (error,) = described["ChangeSet"][0]["ErrorDetailList"]
    assert error["ErrorCode"] == "INVALID_RESALE_AUTHORIZATION_ID"
    assert typo in error["ErrorMessage"]


def test_a_draft_inherits_the_declared_isv_terms(repo: OfferRepo) -> None:
    resold_repo(
        repo,
        "    product: gateway\n"
        "    name: Gateway resale\n"
        "    terms:\n"
        "      currency: EUR\n"
        "      durationMonths: 24\n"
        '      prices: { gateways: "400.00" }\n'
        "      legal: standard-eula\n",
    )
    catalog, agreements = open_catalog(Backend(kind="emulator"), repo.root, account=SELLER)
    try:
        described = described_draft(catalog, AUTHORIZATION)
        offer_id = described["ChangeSet"][0]["Entity"]["Identifier"].split("@")[0]
        offer = catalog.describe_entity(Catalog=CATALOG, EntityId=offer_id)["DetailsDocument"]
        shared = catalog.describe_entity(Catalog=CATALOG, EntityId=AUTHORIZATION)
    finally:
        close(catalog, agreements)
    assert described["Status"] == "SUCCEEDED"
    assert offer["Terms"] == [
        {"Type": "LegalTerm", "Documents": [{"Type": "StandardEula", "Version": "2019-12-12"}]},
        {
            "Type": "ConfigurableUpfrontPricingTerm",
            "CurrencyCode": "EUR",
            "RateCards": [
                {
                    "Selector": {"Type": "Duration", "Value": "P24M"},
                    "Constraints": {
                        "MultipleDimensionSelection": "Allowed",
                        "QuantityConfiguration": "Allowed",
                    },
                    "RateCard": [{"DimensionKey": "gateways", "Price": "400.00"}],
                }
            ],
        },
    ]
    details = shared["DetailsDocument"]
    assert details["Name"] == "Gateway resale"
    assert [term["Type"] for term in details["Terms"]] == [
        "BuyerLegalTerm",
        "ResaleConfigurableUpfrontPricingTerm",
    ]


def test_removing_declared_terms_brings_back_the_invented_ones(repo: OfferRepo) -> None:
    resold_repo(repo, '    product: gateway\n    terms: { prices: { gateways: "400.00" } }\n')
    close(*open_catalog(Backend(kind="emulator"), repo.root, account=SELLER))
    config = repo.root / "offerops.yaml"
    config.write_text(
        config.read_text().replace('    terms: { prices: { gateways: "400.00" } }\n', "")
    )
    catalog, agreements = open_catalog(Backend(kind="emulator"), repo.root, account=SELLER)
    try:
        described = described_draft(catalog, AUTHORIZATION)
        offer_id = described["ChangeSet"][0]["Entity"]["Identifier"].split("@")[0]
        offer = catalog.describe_entity(Catalog=CATALOG, EntityId=offer_id)["DetailsDocument"]
    finally:
        close(catalog, agreements)
    prices = offer["Terms"][1]["RateCards"][0]["RateCard"]
    assert prices == [{"DimensionKey": "gateways", "Price": "1.00"}]


def test_embedded_backend_seeds_products_and_resale_authorizations(repo: OfferRepo) -> None:
    resold_repo(repo)
    catalog, agreements = open_catalog(Backend(kind="emulator"), repo.root, account=SELLER)
    try:
        status = draft_from_authorization(catalog, AUTHORIZATION)
    finally:
        close(catalog, agreements)
    market = Marketplace(repo.root / ".offerops" / "marketplace.sqlite")
    with market.store.read() as connection:
        products = {p: store.product(connection, p) for p in ("prod-4x7yvqjzt5abc", RESOLD_ID)}
        authorization = store.resale_authorization(connection, AUTHORIZATION)
    assert status == "SUCCEEDED"
    assert {p: product.account if product else None for p, product in products.items()} == {
        "prod-4x7yvqjzt5abc": SELLER,
        RESOLD_ID: OTHER,
    }
    assert authorization is not None and authorization.reseller_account == SELLER


def test_embedded_backend_seeds_through_the_engine_its_clients_use(
    repo: OfferRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[object] = []
    original = Marketplace.__init__

    def counting(self: Marketplace, *args: Any, **kwargs: Any) -> None:
        opened.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Marketplace, "__init__", counting)
    catalog, agreements = open_catalog(Backend(kind="emulator"), repo.root, account=SELLER)
    close(catalog, agreements)
    assert len(opened) == 1, "one engine per database file per process"


def test_embedded_backend_takes_known_authorizations_without_reading_offers(
    repo: OfferRepo,
) -> None:
    resold_repo(repo)
    (repo.root / "offers" / "cppo.yaml").unlink()
    known = {"resaleauthz-9z8y7x6w5v4u3": (OTHER, RESOLD_ID)}
    catalog, agreements = open_catalog(
        Backend(kind="emulator"), repo.root, account=SELLER, resale_authorizations=known
    )
    try:
        status = draft_from_authorization(catalog, "resaleauthz-9z8y7x6w5v4u3")
    finally:
        close(catalog, agreements)
    assert status == "SUCCEEDED"


def test_embedded_backend_without_a_config_seeds_nothing(tmp_path: Path) -> None:
    catalog, agreements = open_catalog(Backend(kind="emulator"), tmp_path, account=SELLER)
    close(catalog, agreements)
    market = Marketplace(tmp_path / ".offerops" / "marketplace.sqlite")
    with market.store.read() as connection:
        assert store.product(connection, "prod-4x7yvqjzt5abc") is None


def owner_of_a_new_change_set(server: RunningServer, catalog: Any) -> str:
    draft = [{"ChangeType": "CreateOffer", "Entity": {"Type": "Offer@1.0"}, "DetailsDocument": {}}]
    arn = catalog.start_change_set(Catalog=CATALOG, ChangeSet=draft)["ChangeSetArn"]
    return str(arn.split(":")[4])


def test_http_backend_signs_as_the_seller(tmp_path: Path, server: RunningServer) -> None:
    backend = Backend(kind="http", endpoint=server.url)
    catalog, agreements = open_catalog(backend, tmp_path, account=SELLER)
    try:
        owner = owner_of_a_new_change_set(server, catalog)
    finally:
        close(catalog, agreements)
    assert owner == SELLER


def test_http_backend_keeps_credentials_from_the_environment(
    tmp_path: Path, server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    catalog, agreements = open_catalog(
        Backend(kind="http", endpoint=server.url), tmp_path, account=SELLER
    )
    try:
        owner = owner_of_a_new_change_set(server, catalog)
    finally:
        close(catalog, agreements)
    assert owner == OTHER  # no account in that key id: the server's default account


def test_http_backend_needs_an_endpoint(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="endpoint"):
        open_catalog(Backend(kind="http"), tmp_path, account=SELLER)


def test_http_backend_does_not_retry_by_default(tmp_path: Path, server: RunningServer) -> None:
    catalog, agreements = open_catalog(
        Backend(kind="http", endpoint=server.url), tmp_path, account=SELLER
    )
    try:
        config = catalog.meta.config  # type: ignore[attr-defined]
    finally:
        close(catalog, agreements)
    assert config.retries == {"total_max_attempts": 1, "mode": "standard"}
    assert config.connect_timeout == 10.0  # the reconciler's RetryPolicy retries, and sooner


@pytest.mark.parametrize(
    ("configured", "environment", "expected"),
    [
        (None, None, "us-east-1"),
        (None, "eu-west-1", "eu-west-1"),
        ("ap-southeast-2", "eu-west-1", "ap-southeast-2"),
    ],
)
def test_aws_backend_region(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    configured: str | None,
    environment: str | None,
    expected: str,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    if environment:
        monkeypatch.setenv("AWS_REGION", environment)
    catalog, agreements = open_catalog(
        Backend(kind="aws", region=configured), tmp_path, account=SELLER
    )
    try:
        meta = catalog.meta  # type: ignore[attr-defined]
        agreement_meta = agreements.meta  # type: ignore[attr-defined]
        assert meta.region_name == expected
        assert meta.endpoint_url == f"https://catalog.marketplace.{expected}.amazonaws.com"
        assert agreement_meta.region_name == expected
    finally:
        close(catalog, agreements)


def test_aws_backend_uses_the_named_profile(tmp_path: Path) -> None:
    (tmp_path / "aws-credentials").write_text(
        "[seller]\naws_access_key_id = AKIAPROFILEEXAMPLE\naws_secret_access_key = s\n",
        encoding="utf-8",
    )
    catalog, agreements = open_catalog(
        Backend(kind="aws", profile="seller"), tmp_path, account=SELLER
    )
    try:
        credentials = catalog._request_signer._credentials  # type: ignore[attr-defined]
        assert credentials.access_key == "AKIAPROFILEEXAMPLE"
    finally:
        close(catalog, agreements)
