"""Products and resale authorizations as Catalog API entities: DescribeEntity and ListEntities.

Sources (docs/emulator.md, "Products and resale authorizations"):

- a SaaSProduct's DescribeEntity answer in AWS's reference code
  (aws-samples/aws-marketplace-reference-code,
  ``python/src/catalog_api/offers/bulk_create_private_offer_usage_based/1_publishSaasProcuct/
  product_usageBased.json``): ``EntityType: SaaSProduct@1.0``, ``EntityIdentifier: prod-…@2``, the
  ARN ``…:AWSMarketplace/SaaSProduct/prod-…``, and a DetailsDocument with ``Description``
  (``ProductTitle``, ``Visibility``, ``ProductState``…), ``Dimensions`` (``Key, Name,
  Description, Unit, Types``), ``Versions`` and ``Targeting``;
- the dimension Types of the reference change sets (``java/src/main/resources/changeSets/
  products/``): ``Entitled`` and ``ExternallyMetered`` for SaaS, ``Metered`` for AMI hours,
  ``Entitled`` for containers;
- botocore's ``marketplace-catalog`` model: ``EntitySummary`` with ``SaaSProductSummary`` /
  ``AmiProductSummary`` / ``ContainerProductSummary`` / ``DataProductSummary`` /
  ``MachineLearningProductSummary`` (``ProductTitle``, ``Visibility``) and
  ``ResaleAuthorizationSummary``; the ``*Filters`` and ``*Sort`` shapes; ``OwnershipType``;
- ``list_all_shared_resale_authorizations.py`` (reference code): a reseller lists the
  authorizations shared with it with ``EntityType: ResaleAuthorization, OwnershipType: SHARED``;
  ``describe_resale_authorization.py``: and describes one with DescribeEntity.

Unconfirmed, and chosen conservatively: only the owner describes or lists a product (a reseller
sees a resold product only through its authorization); seeded products are ``Limited`` and
``Active``; the resale authorization's DetailsDocument members beyond those its Create change
takes (``ProductId, Name, Description, ResellerAccountId``) and its summary names.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from offerops.emulator import checks, pagination
from offerops.emulator.exceptions import ValidationException
from offerops.emulator.ids import CATALOG, entity_identifier
from offerops.emulator.store import catalog as store
from offerops.emulator.store.catalog import Product, ResaleAuthorization

LISTED_PRODUCT_TYPES = frozenset(
    {"SaaSProduct", "AmiProduct", "ContainerProduct", "DataProduct", "MachineLearningProduct"}
)
"""Product types with a summary shape in botocore's EntitySummary (ListEntities serves them)."""
RESALE_AUTHORIZATION = "ResaleAuthorization"
SEEDED_VISIBILITY = "Limited"
"""A product private offers are made for is at least Limited (unconfirmed for seeded ones)."""
_REGIONAL_TYPES = frozenset({"AmiProduct", "ContainerProduct"})
_EPOCH = "1970-01-01T00:00:00Z"

_PRODUCT_SORT = ("EntityId", "ProductTitle", "Visibility", "LastModifiedDate")
_AUTHORIZATION_VALUES: Mapping[str, Callable[[ResaleAuthorization], str]] = {
    "EntityId": lambda a: a.id,
    "Name": lambda a: a.name,
    "ProductId": lambda a: a.product_id,
    "ManufacturerAccountId": lambda a: a.isv_account,
    "ResellerAccountID": lambda a: a.reseller_account,
    "Status": lambda a: a.status,
    "CreatedDate": lambda a: a.created or _EPOCH,
    "LastModifiedDate": lambda a: a.created or _EPOCH,
}
"""ResaleAuthorization attributes the emulator filters (ValueList) and sorts on."""


def arn(region: str, account: str, entity_type: str, entity_id: str) -> str:
    """``arn:aws:aws-marketplace:<region>:<owner>:AWSMarketplace/<Type>/<id>`` (the reference
    SaaSProduct answer's form)."""
    return f"arn:aws:aws-marketplace:{region}:{account}:{CATALOG}/{entity_type}/{entity_id}"


# --- DescribeEntity ----------------------------------------------------------------------------


def describe(
    connection: sqlite3.Connection, account: str, entity_id: str, region: str
) -> dict[str, Any] | None:
    """A product the caller owns, or an authorization it issued or that is shared with it."""
    product = store.product(connection, entity_id)
    if product is not None and product.account == account:
        return product_entity(product, region)
    authorization = store.resale_authorization(connection, entity_id)
    if authorization is not None and account in (
        authorization.isv_account,
        authorization.reseller_account,
    ):
        return _authorization_entity(connection, authorization, region)
    return None


def product_entity(product: Product, region: str) -> dict[str, Any]:
    """DescribeEntity's answer for a product (without ``Details``, as BatchDescribeEntities)."""
    return {
        "EntityType": f"{product.product_type}@1.0",
        "EntityIdentifier": entity_identifier(product.product_id, product.revision),
        "EntityArn": arn(region, product.account, product.product_type, product.product_id),
        "LastModifiedDate": product.last_modified or _EPOCH,
        "DetailsDocument": product_details(product, region),
    }


def product_details(product: Product, region: str) -> dict[str, Any]:
    """Description, Dimensions, Versions (none seeded) and, for AMI and container products,
    RegionAvailability (the emulator's region; the member's full shape is unconfirmed)."""
    details: dict[str, Any] = {
        "Description": {
            "ProductTitle": _title(product),
            "Visibility": SEEDED_VISIBILITY,
            "ProductState": "Active",
        },
        "Dimensions": product.described_dimensions(),
        "Versions": [],
    }
    if product.product_type in _REGIONAL_TYPES:
        details["RegionAvailability"] = {"Regions": [region]}
    return details


def _title(product: Product) -> str:
    return product.name or product.product_id


def _authorization_entity(
    connection: sqlite3.Connection, authorization: ResaleAuthorization, region: str
) -> dict[str, Any]:
    product = store.product(connection, authorization.product_id)
    details: dict[str, Any] = {
        "Id": authorization.id,
        "ProductId": authorization.product_id,
        "ProductName": _title(product) if product else None,
        "ManufacturerAccountId": authorization.isv_account,
        "ResellerAccountId": authorization.reseller_account,
        "Name": authorization.name,
        "Status": authorization.status,
        "Terms": [dict(term) for term in authorization.terms or ()],
    }
    return {
        "EntityType": f"{RESALE_AUTHORIZATION}@1.0",
        "EntityIdentifier": entity_identifier(authorization.id, 1),
        "EntityArn": arn(region, authorization.isv_account, RESALE_AUTHORIZATION, authorization.id),
        "LastModifiedDate": authorization.created or _EPOCH,
        "DetailsDocument": {key: value for key, value in details.items() if value is not None},
    }


# --- ListEntities ------------------------------------------------------------------------------


def list_entities(
    connection: sqlite3.Connection,
    account: str,
    request: Mapping[str, Any],
    entity_type: str,
    region: str,
) -> dict[str, Any]:
    """ListEntities for a product type or ResaleAuthorization (request already checked for
    Catalog, EntityType and unknown members)."""
    limit = checks.integer(request, "MaxResults", 1, 50, 20)
    ownership = checks.one_of(request.get("OwnershipType", "SELF"), "OwnershipType", _OWNERSHIP)
    if request.get("FilterList") is not None:
        raise ValidationException(
            f"FilterList is not supported for the {entity_type} entity type; use "
            f"EntityTypeFilters.{entity_type}Filters"
        )
    filters = _typed(request, "EntityTypeFilters", f"{entity_type}Filters")
    sort = _typed(request, "EntityTypeSort", f"{entity_type}Sort") or request.get("Sort")
    if entity_type == RESALE_AUTHORIZATION:
        rows = _authorization_rows(connection, account, ownership, region)
    else:
        rows = _product_rows(connection, account, ownership, entity_type, region)
    rows = [row for row in rows if all(test(row) for test in _tests(filters, entity_type))]
    key, descending = _sort(sort, entity_type)
    return _page(rows, (key, descending), request, limit)


_OWNERSHIP = ("SELF", "SHARED")


def _typed(request: Mapping[str, Any], member: str, expected: str) -> Mapping[str, Any] | None:
    value = request.get(member)
    if value is None:
        return None
    typed = checks.mapping(value, member)
    if set(typed) != {expected}:
        raise ValidationException(f"{member} for this EntityType must be {expected}")
    return checks.mapping(typed[expected], f"{member}.{expected}")


Row = tuple[dict[str, Any], Mapping[str, str]]
"""(the EntitySummary, its filterable/sortable attribute values)."""


def _product_rows(
    connection: sqlite3.Connection, account: str, ownership: str, entity_type: str, region: str
) -> list[Row]:
    if ownership == "SHARED":
        return []  # products are not shared with other accounts (unconfirmed)
    rows: list[Row] = []
    for product in store.products_of(connection, account):
        if product.product_type != entity_type:
            continue
        values = {
            "EntityId": product.product_id,
            "ProductTitle": _title(product),
            "Visibility": SEEDED_VISIBILITY,
            "LastModifiedDate": product.last_modified or _EPOCH,
        }
        summary = {
            "Name": _title(product),
            "EntityType": entity_type,
            "EntityId": product.product_id,
            "EntityArn": arn(region, account, entity_type, product.product_id),
            "LastModifiedDate": values["LastModifiedDate"],
            "Visibility": SEEDED_VISIBILITY,
            f"{entity_type}Summary": {
                "ProductTitle": _title(product),
                "Visibility": SEEDED_VISIBILITY,
            },
        }
        rows.append((summary, values))
    return rows


def _authorization_rows(
    connection: sqlite3.Connection, account: str, ownership: str, region: str
) -> list[Row]:
    issued = ownership == "SELF"
    shared = store.authorizations_of(connection, "isv" if issued else "reseller", account)
    rows: list[Row] = []
    for authorization in shared:
        values = {name: get(authorization) for name, get in _AUTHORIZATION_VALUES.items()}
        product = store.product(connection, authorization.product_id)
        summary = {
            "Name": authorization.name,
            "ProductId": authorization.product_id,
            "ProductName": _title(product) if product else None,
            "ManufacturerAccountId": authorization.isv_account,
            "ResellerAccountID": authorization.reseller_account,
            "Status": authorization.status,
            "CreatedDate": authorization.created,
        }
        entity = {
            "Name": authorization.name,
            "EntityType": RESALE_AUTHORIZATION,
            "EntityId": authorization.id,
            "EntityArn": arn(
                region, authorization.isv_account, RESALE_AUTHORIZATION, authorization.id
            ),
            "LastModifiedDate": values["LastModifiedDate"],
            "ResaleAuthorizationSummary": {k: v for k, v in summary.items() if v is not None},
        }
        rows.append((entity, values))
    return rows


# --- filters, sort, pages ------------------------------------------------------------------------

_PRODUCT_FILTERS = frozenset({"EntityId", "ProductTitle", "Visibility", "LastModifiedDate"})
_AUTHORIZATION_FILTERS = frozenset(
    {"EntityId", "Name", "ProductId", "ManufacturerAccountId", "ResellerAccountID", "Status"}
    | {"CreatedDate", "LastModifiedDate"}
)
_DATE_FILTERS = frozenset({"LastModifiedDate", "CreatedDate"})
_WILDCARD_FILTERS = frozenset({"ProductTitle", "Name", "ProductId", "ManufacturerAccountId"})


def _tests(filters: Mapping[str, Any] | None, entity_type: str) -> list[Callable[[Row], bool]]:
    """Each filter as a predicate on a row (ANDed); unknown or unemulated names are refused."""
    if not filters:
        return []
    known = _AUTHORIZATION_FILTERS if entity_type == RESALE_AUTHORIZATION else _PRODUCT_FILTERS
    unknown = sorted(set(filters) - known)
    if unknown:
        raise ValidationException(
            f"{entity_type}Filters {', '.join(unknown)} are not supported by the offerops "
            f"emulator; supported: {', '.join(sorted(known))}"
        )
    return [_test(name, checks.mapping(value, name), name) for name, value in filters.items()]


def _test(name: str, value: Mapping[str, Any], member: str) -> Callable[[Row], bool]:
    if name in _DATE_FILTERS:
        bounds = checks.mapping(value.get("DateRange"), f"{member}.DateRange")
        after = checks.api_time(bounds["AfterValue"], member) if "AfterValue" in bounds else ""
        before = checks.api_time(bounds["BeforeValue"], member) if "BeforeValue" in bounds else "~"
        return lambda row: after <= row[1][name] <= before
    if "WildCardValue" in value and name in _WILDCARD_FILTERS:
        text = str(value["WildCardValue"]).lower()
        return lambda row: text in row[1][name].lower()
    values = checks.items(value, "ValueList", 1, 10)
    return lambda row: row[1][name] in values


def _sort(sort: Any, entity_type: str) -> tuple[str, bool]:
    """(attribute, descending); default EntityId ascending (as for offers; unconfirmed)."""
    if sort is None:
        return "EntityId", False
    sort = checks.mapping(sort, "Sort")
    allowed = tuple(_AUTHORIZATION_VALUES) if entity_type == RESALE_AUTHORIZATION else _PRODUCT_SORT
    order = checks.one_of(
        sort.get("SortOrder", "ASCENDING"), "SortOrder", ("ASCENDING", "DESCENDING")
    )
    return checks.one_of(sort.get("SortBy", "EntityId"), "SortBy", allowed), order == "DESCENDING"


def _page(
    rows: Sequence[Row], sort: tuple[str, bool], request: Mapping[str, Any], limit: int
) -> dict[str, Any]:
    """A keyset page of rows sorted by (attribute, EntityId), in memory (a seller has few
    products and authorizations; offers page in SQL instead)."""
    key, descending = sort

    def position(row: Row) -> tuple[str, str]:
        return row[1][key], row[1]["EntityId"]

    ordered = sorted(rows, key=position, reverse=descending)
    fingerprint = pagination.fingerprint(
        {"filters": request.get("EntityTypeFilters"), "sort": [key, descending]}
        | {"type": request.get("EntityType"), "owner": request.get("OwnershipType", "SELF")}
    )
    if request.get("NextToken") is not None:
        value, entity_id = pagination.decode(request["NextToken"], fingerprint)
        after = (str(value), str(entity_id))
        ordered = [r for r in ordered if (position(r) < after) == descending]
        ordered = [r for r in ordered if position(r) != after]
    result: dict[str, Any] = {"EntitySummaryList": [row[0] for row in ordered[:limit]]}
    if len(ordered) > limit:
        result["NextToken"] = pagination.encode(fingerprint, list(position(ordered[limit - 1])))
    return result
