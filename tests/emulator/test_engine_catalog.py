"""Products and resale authorizations as entities, and AddDimensions (docs/emulator.md,
"Products and resale authorizations")."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.engine_support import (
    AMI,
    BUYER,
    CATALOG,
    OTHER_SELLER,
    PRODUCTS,
    RESALE,
    SAAS,
    SELLER,
    Api,
    contract_offer,
    contract_pricing,
    create,
    errors_of,
    update,
)
from offerops.emulator.engine import Marketplace
from offerops.emulator.exceptions import ResourceNotFoundException, ValidationException
from offerops.model.config import Dimension, Product

ISV_PRODUCT = "prod-isvproduct00001"
CUSTOM = {
    "Key": "Custom4",
    "Name": "Custom Pricing 4",
    "Description": "Custom Pricing 4 w/ terms and coverage to be defined in Private Offer",
    "Unit": "Units",
    "Types": ["Entitled"],
}


def add_dimensions(dimensions: list[Any], product: str = SAAS) -> dict[str, Any]:
    """AWS's CreateSaasProductCustomDimensionAndPrivateOffer first change."""
    return {
        "ChangeType": "AddDimensions",
        "Entity": {"Type": "SaaSProduct@1.0", "Identifier": product},
        "DetailsDocument": dimensions,
    }


def test_saas_product_is_described_with_its_dimensions(seller: Api) -> None:
    entity = seller.entity(SAAS)
    assert entity["EntityType"] == "SaaSProduct@1.0"
    assert entity["EntityIdentifier"] == f"{SAAS}@1"
    assert entity["EntityArn"] == (
        f"arn:aws:aws-marketplace:us-east-1:{SELLER}:AWSMarketplace/SaaSProduct/{SAAS}"
    )
    details = entity["DetailsDocument"]
    assert details["Description"]["ProductTitle"] == "Acme Analytics"
    assert details["Dimensions"] == [
        {
            "Key": "users",
            "Name": "Named users",
            "Description": "Named users",
            "Unit": "Units",
            "Types": ["Entitled"],
        },
        {
            "Key": "admins",
            "Name": "Admin seats",
            "Description": "Admin seats",
            "Unit": "Units",
            "Types": ["Entitled"],
        },
        {
            "Key": "USER",
            "Name": "User hours",
            "Description": "User hours",
            "Unit": "Hrs",
            "Types": ["ExternallyMetered"],
        },
    ]
    assert '"Dimensions"' in entity["Details"]


def test_ami_product_has_metered_dimensions_and_regions(seller: Api) -> None:
    entity = seller.entity(AMI)
    assert entity["EntityType"] == "AmiProduct@1.0"
    details = entity["DetailsDocument"]
    assert details["Dimensions"][0]["Types"] == ["Metered"]
    assert details["RegionAvailability"] == {"Regions": ["us-east-1"]}


def test_products_are_listed_by_type(seller: Api, other_seller: Api) -> None:
    listed = seller("ListEntities", Catalog=CATALOG, EntityType="SaaSProduct")
    [summary] = listed["EntitySummaryList"]
    assert summary["EntityId"] == SAAS
    assert summary["SaaSProductSummary"] == {
        "ProductTitle": "Acme Analytics",
        "Visibility": "Limited",
    }
    amis = seller("ListEntities", Catalog=CATALOG, EntityType="AmiProduct")["EntitySummaryList"]
    assert [s["EntityId"] for s in amis] == [AMI]
    assert other_seller("ListEntities", Catalog=CATALOG, EntityType="SaaSProduct") == {
        "EntitySummaryList": []
    }
    filtered = seller(
        "ListEntities",
        Catalog=CATALOG,
        EntityType="SaaSProduct",
        EntityTypeFilters={"SaaSProductFilters": {"ProductTitle": {"WildCardValue": "nope"}}},
    )
    assert filtered["EntitySummaryList"] == []
    with pytest.raises(ValidationException, match="not supported by the offerops emulator"):
        seller(
            "ListEntities",
            Catalog=CATALOG,
            EntityType="SaaSProduct",
            EntityTypeFilters={"SaaSProductFilters": {"DeliveryOptionTypes": {}}},
        )


def test_batch_describe_mixes_offers_and_products(seller: Api) -> None:
    offer_id = seller.new_offer()
    result = seller(
        "BatchDescribeEntities",
        EntityRequestList=[
            {"Catalog": CATALOG, "EntityId": entity} for entity in (offer_id, SAAS, "prod-none")
        ],
    )
    assert result["EntityDetails"][SAAS]["EntityType"] == "SaaSProduct@1.0"
    assert result["EntityDetails"][offer_id]["EntityType"] == "Offer@1.0"
    assert list(result["Errors"]) == ["prod-none"]


@pytest.fixture
def isv_authorization(market: Marketplace) -> str:
    """OTHER_SELLER (the ISV) shares RESALE with SELLER (the channel partner)."""
    product = Product(
        id=ISV_PRODUCT,
        type="saas",
        name="ISV Product",
        dimensions=[Dimension(key="users", name="Users")],
    )
    market.seed_products(OTHER_SELLER, {"isv": product})
    return market.seed_resale_authorization(
        OTHER_SELLER, SELLER, ISV_PRODUCT, authorization_id=RESALE, name="Resale"
    )


def test_resale_authorization_is_shared_and_described(
    seller: Api, other_seller: Api, market: Marketplace, isv_authorization: str
) -> None:
    shared = seller(
        "ListEntities", Catalog=CATALOG, EntityType="ResaleAuthorization", OwnershipType="SHARED"
    )["EntitySummaryList"]
    assert [s["EntityId"] for s in shared] == [isv_authorization]
    summary = shared[0]["ResaleAuthorizationSummary"]
    assert summary["ManufacturerAccountId"] == OTHER_SELLER
    assert summary["ResellerAccountID"] == SELLER
    assert (summary["Status"], summary["ProductId"]) == ("Active", ISV_PRODUCT)
    own = other_seller("ListEntities", Catalog=CATALOG, EntityType="ResaleAuthorization")
    assert [s["EntityId"] for s in own["EntitySummaryList"]] == [isv_authorization]
    assert seller("ListEntities", Catalog=CATALOG, EntityType="ResaleAuthorization") == {
        "EntitySummaryList": []
    }
    for party in (seller, other_seller):
        entity = party.entity(isv_authorization)
        assert entity["EntityType"] == "ResaleAuthorization@1.0"
        assert entity["DetailsDocument"]["ResellerAccountId"] == SELLER
    with pytest.raises(ResourceNotFoundException):
        Api(market, BUYER).entity(isv_authorization)
    with pytest.raises(ResourceNotFoundException):
        seller.entity(ISV_PRODUCT)  # the reseller sees the product only through the authorization


def test_add_dimensions_and_price_it_in_the_same_set(seller: Api, market: Marketplace) -> None:
    """AWS's CreateSaasProductCustomDimensionAndPrivateOffer: the new dimension prices the offer."""
    offer = contract_offer()
    offer[3] = update("UpdatePricingTerms", contract_pricing(key="Custom4"))
    described = seller.run([add_dimensions([CUSTOM]), *offer])
    assert described["ChangeSet"][0]["Entity"]["Identifier"] == f"{SAAS}@2"
    offer_id = described["ChangeSet"][1]["Entity"]["Identifier"].split("@")[0]
    assert seller.details(offer_id)["State"] == "Released"
    product = seller.entity(SAAS)
    assert product["EntityIdentifier"] == f"{SAAS}@2"
    assert product["DetailsDocument"]["Dimensions"][-1] == CUSTOM
    market.seed_products(SELLER, PRODUCTS)  # re-seeding keeps the added dimension
    assert seller.entity(SAAS)["DetailsDocument"]["Dimensions"][-1] == CUSTOM


def test_dimension_added_after_the_pricing_is_too_late(seller: Api) -> None:
    changes = [
        create(),
        update("UpdatePricingTerms", contract_pricing(key="Custom4")),
        add_dimensions([CUSTOM]),
    ]
    described = seller.run(changes)
    assert [(t, c) for t, c, _m in errors_of(described)] == [
        ("UpdatePricingTerms", "INVALID_DIMENSION_KEY")
    ]
    assert len(seller.entity(SAAS)["DetailsDocument"]["Dimensions"]) == 3


@pytest.mark.parametrize(
    ("dimension", "problem"),
    [
        ({**CUSTOM, "Key": "users"}, "already has a dimension with Key users"),
        ({**CUSTOM, "Types": ["Metered"]}, "Types of a SaaSProduct dimension are"),
        ({key: v for key, v in CUSTOM.items() if key != "Unit"}, "exactly the members"),
        ({**CUSTOM, "Key": "bad key"}, "must match"),
    ],
)
def test_bad_dimensions_fail_the_set(seller: Api, dimension: dict[str, Any], problem: str) -> None:
    [(change_type, code, message)] = errors_of(seller.run([add_dimensions([dimension])]))
    assert (change_type, code) == ("AddDimensions", "INVALID_INPUT")
    assert problem in message
    assert seller.entity(SAAS)["EntityIdentifier"] == f"{SAAS}@1"


def test_product_changes_need_the_owner_and_the_right_type(seller: Api, other_seller: Api) -> None:
    with pytest.raises(ResourceNotFoundException):
        other_seller.start([add_dimensions([CUSTOM])])
    wrong = {**add_dimensions([CUSTOM], AMI)}
    [(_t, code, _m)] = errors_of(seller.run([wrong]))
    assert code == "INVALID_ENTITY_TYPE"
    with pytest.raises(ValidationException, match=r"UpdateDimensions on SaaSProduct@1\.0"):
        seller.start([{**add_dimensions([CUSTOM]), "ChangeType": "UpdateDimensions"}])
    with pytest.raises(ValidationException, match="DetailsDocument must be a JSON object"):
        seller.start([{**create(), "DetailsDocument": [CUSTOM]}])
