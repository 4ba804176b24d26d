"""Products, resale authorizations, AddDimensions and replacement offers through boto3 against the
served emulator (``endpoint_url``), as AWS's reference code calls them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from emulator.engine_support import (
    BUYER,
    OTHER_SELLER,
    SAAS,
    SELLER,
    contract_offer,
    contract_pricing,
    update,
)
from emulator.test_engine_catalog import CUSTOM, ISV_PRODUCT, add_dimensions
from emulator.test_engine_replacement import replacement
from offerops.emulator.engine import Marketplace
from offerops.emulator.server import RunningServer
from offerops.model.config import Dimension, Product

CATALOG = "AWSMarketplace"
NO_RETRIES: dict[str, Any] = {"retries": {"total_max_attempts": 1}}


@pytest.fixture
def seller(server: RunningServer) -> Iterator[Any]:
    client = server.catalog_client(account=SELLER, **NO_RETRIES)
    yield client
    client.close()


def run(client: Any, changes: list[dict[str, Any]]) -> dict[str, Any]:
    started = client.start_change_set(Catalog=CATALOG, ChangeSet=changes)
    described: dict[str, Any] = client.describe_change_set(
        Catalog=CATALOG, ChangeSetId=started["ChangeSetId"]
    )
    assert described["Status"] == "SUCCEEDED", described
    return described


def test_products_are_described_and_listed(seller: Any) -> None:
    entity = seller.describe_entity(Catalog=CATALOG, EntityId=SAAS)
    assert entity["EntityType"] == "SaaSProduct@1.0"
    keys = {d["Key"]: d["Types"] for d in entity["DetailsDocument"]["Dimensions"]}
    assert keys == {"users": ["Entitled"], "admins": ["Entitled"], "USER": ["ExternallyMetered"]}
    listed = seller.list_entities(Catalog=CATALOG, EntityType="SaaSProduct")
    assert [s["SaaSProductSummary"]["ProductTitle"] for s in listed["EntitySummaryList"]] == [
        "Acme Analytics"
    ]
    batch = seller.batch_describe_entities(
        EntityRequestList=[{"Catalog": CATALOG, "EntityId": SAAS}]
    )
    assert batch["EntityDetails"][SAAS]["EntityType"] == "SaaSProduct@1.0"


def test_reseller_lists_shared_resale_authorizations(
    server: RunningServer, market: Marketplace, seller: Any
) -> None:
    """list_all_shared_resale_authorizations.py and describe_resale_authorization.py."""
    product = Product(id=ISV_PRODUCT, type="saas", dimensions=[Dimension(key="u", name="U")])
    market.seed_products(OTHER_SELLER, {"isv": product})
    authorization = market.seed_resale_authorization(OTHER_SELLER, SELLER, ISV_PRODUCT)
    shared = seller.list_entities(
        Catalog=CATALOG, EntityType="ResaleAuthorization", OwnershipType="SHARED"
    )
    assert [s["EntityId"] for s in shared["EntitySummaryList"]] == [authorization]
    described = seller.describe_entity(Catalog=CATALOG, EntityId=authorization)
    assert described["EntityType"] == "ResaleAuthorization@1.0"
    isv = server.catalog_client(account=OTHER_SELLER, **NO_RETRIES)
    own = isv.list_entities(Catalog=CATALOG, EntityType="ResaleAuthorization", OwnershipType="SELF")
    isv.close()
    assert [s["EntityId"] for s in own["EntitySummaryList"]] == [authorization]


def test_add_dimensions_with_a_list_details_document(seller: Any) -> None:
    offer = contract_offer()
    offer[3] = update("UpdatePricingTerms", contract_pricing(key="Custom4"))
    described = run(seller, [add_dimensions([CUSTOM]), *offer])
    assert described["ChangeSet"][0]["Entity"]["Identifier"] == f"{SAAS}@2"
    dimensions = seller.describe_entity(Catalog=CATALOG, EntityId=SAAS)["DetailsDocument"]
    assert dimensions["Dimensions"][-1] == CUSTOM


def test_replacement_offer_replaces_the_agreement(
    server: RunningServer, market: Marketplace, seller: Any
) -> None:
    first = run(seller, contract_offer())["ChangeSet"][0]["Entity"]["Identifier"].split("@")[0]
    old = market.accept_offer(BUYER, first)["agreementId"]
    described = run(seller, replacement(old))
    offer_id = described["ChangeSet"][0]["Entity"]["Identifier"].split("@")[0]
    listed = seller.list_entities(
        Catalog=CATALOG,
        EntityType="Offer",
        EntityTypeFilters={"OfferFilters": {"TargetAgreementId": {"ValueList": [old]}}},
    )["EntitySummaryList"]
    assert [(s["EntityId"], s["OfferSummary"]["TargetAgreementId"]) for s in listed] == [
        (offer_id, old)
    ]
    new = market.accept_offer(BUYER, offer_id)["agreementId"]
    agreements = server.agreement_client(account=SELLER, **NO_RETRIES)
    found = agreements.search_agreements(
        catalog=CATALOG,
        filters=[
            {"name": "PartyType", "values": ["Proposer"]},
            {"name": "AgreementType", "values": ["PurchaseAgreement"]},
            {"name": "InitialAgreementId", "values": [old]},
        ],
    )["agreementViewSummaries"]
    statuses = {a["agreementId"]: a["status"] for a in found}
    replaced = agreements.describe_agreement(agreementId=old)
    agreements.close()
    assert statuses == {old: "REPLACED", new: "ACTIVE"}
    assert replaced["status"] == "REPLACED"
    assert replaced["initialAgreementId"] == old
