"""Offer entities in the store, and the read operations on them.

DescribeEntity, BatchDescribeEntities and ListEntities for ``Offer``; products and resale
authorizations are served by :mod:`offerops.emulator.catalog_entities` through the same
operations. An account sees only the offers it owns: another account's offer is reported exactly
like one that does not exist.

ListEntities pages with a keyset (the sort column and the id of the last item); the request is
validated here and turned into store filters, and :mod:`offerops.emulator.store.offers` holds the
SQL.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from offerops.emulator import catalog_entities, checks, pagination
from offerops.emulator.clock import api_time
from offerops.emulator.exceptions import ResourceNotFoundException, ValidationException
from offerops.emulator.ids import OFFER_ENTITY_TYPE, entity_identifier, offer_arn
from offerops.emulator.offers import Document, buyer_accounts, rule, targeting_kinds
from offerops.emulator.offers.replacement import TARGET_AGREEMENT
from offerops.emulator.store import offers as offer_store
from offerops.emulator.store.offers import OfferRow

SERVED_ENTITY_TYPES = catalog_entities.LISTED_PRODUCT_TYPES | {
    catalog_entities.RESALE_AUTHORIZATION
}
"""Entity types besides Offer that ListEntities serves."""
ENTITY_TYPES_NOT_EMULATED = frozenset(
    {
        "ProfessionalServicesProduct",
        "OfferSet",
        "Solution",
        "ExpressPrivateOfferConfiguration",
        "SubsidiaryAuthorization",
    }
)

_VALUE_LIST_FILTERS: Mapping[str, int] = {
    "EntityId": 10,
    "ProductId": 10,
    "ResaleAuthorizationId": 10,
    "State": 2,
    "TargetAgreementId": 10,
}
"""Filters that take a ValueList, with the most values each takes."""
_DATE_RANGE_FILTERS = frozenset({"ReleaseDate", "AvailabilityEndDate", "LastModifiedDate"})
_ABSENT_ATTRIBUTE_FILTERS: Mapping[str, int] = {
    "OfferSetId": 10,
    "SubsidiaryAuthorizationId": 10,
    "TargetAgreementIntent": 2,
}
"""Attributes no emulated offer has (a replacement offer's intent is unconfirmed: none is set;
subsidiary authorizations, botocore 1.44.8's ``OfferSubsidiaryAuthorizationIdFilter``, are not
emulated, so no offer is created from one and the filter matches nothing)."""
OFFER_FILTERS = frozenset(
    {*_VALUE_LIST_FILTERS, *_DATE_RANGE_FILTERS, *_ABSENT_ATTRIBUTE_FILTERS}
    | {"Name", "BuyerAccounts", "Targeting", "CreatedBySource"}
)

_LIST_MEMBERS = frozenset(
    {
        "Catalog",
        "EntityType",
        "FilterList",
        "Sort",
        "NextToken",
        "MaxResults",
        "OwnershipType",
        "EntityTypeFilters",
        "EntityTypeSort",
    }
)


# --- rows --------------------------------------------------------------------------------------


def load_offer(connection: sqlite3.Connection, offer_id: str) -> OfferRow | None:
    """The offer with this id, whoever owns it."""
    return offer_store.load(connection, offer_id)


def owned_offer(connection: sqlite3.Connection, account: str, offer_id: str) -> OfferRow | None:
    """The offer if ``account`` owns it (another account's offer looks nonexistent)."""
    offer = load_offer(connection, offer_id)
    return offer if offer is not None and offer.account == account else None


def save_offer(
    connection: sqlite3.Connection, account: str, details: Document, revision: int, when: float
) -> None:
    """Insert or replace an offer with its indexed columns derived from ``details``."""
    availability = (rule(details, "AvailabilityRule") or {}).get("AvailabilityEndDate")
    record = offer_store.OfferRecord(
        id=details["Id"],
        account=account,
        revision=revision,
        name=details.get("Name"),
        product_id=details["ProductId"],
        resale_authorization_id=details.get("ResaleAuthorizationId"),
        state=details["State"],
        release_date=_api_from_details(details.get("ReleaseDate")),
        availability_end=_api_from_details(availability),
        buyers=buyer_accounts(details),
        targeting=targeting_kinds(details),
        last_modified=api_time(when),
        details=_ordered(details),
        target_agreement_id=details.get(TARGET_AGREEMENT),
    )
    offer_store.save(connection, record)


_DETAILS_ORDER = (
    "Id",
    "Name",
    "Description",
    "ProductId",
    "ResaleAuthorizationId",
    "State",
    "ReleaseDate",
    "MarkupPercentage",
    "PreExistingAgreement",
    "Rules",
    "Terms",
)


def _ordered(details: Document) -> Document:
    """The DetailsDocument with its members in the order the service documents them."""
    return {key: details[key] for key in _DETAILS_ORDER if key in details}


def _api_from_details(value: Any) -> str | None:
    """``2027-03-31T00:00:00.000Z`` (DetailsDocument) -> ``2027-03-31T00:00:00Z`` (API)."""
    return f"{str(value)[:19]}Z" if value else None


# --- shapes ------------------------------------------------------------------------------------


def _entity_detail(offer: OfferRow, region: str) -> dict[str, Any]:
    return {
        "EntityType": OFFER_ENTITY_TYPE,
        "EntityIdentifier": entity_identifier(offer.id, offer.revision),
        "EntityArn": offer_arn(region, offer.account, offer.id),
        "LastModifiedDate": offer.last_modified,
        "DetailsDocument": offer.details,
    }


def _summary(row: sqlite3.Row, region: str) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "Name": row["name"],
        "ProductId": row["product_id"],
        "ResaleAuthorizationId": row["resale_authorization_id"],
        "ReleaseDate": row["release_date"],
        "AvailabilityEndDate": row["availability_end"],
        "BuyerAccounts": row["buyer_accounts"].split(",") if row["buyer_accounts"] else [],
        "State": row["state"],
        "Targeting": row["targeting"].split(","),
        "TargetAgreementId": row["target_agreement_id"],
        "CreatedBySource": "Seller",
    }
    entity: dict[str, Any] = {
        "Name": row["name"],
        "EntityType": "Offer",
        "EntityId": row["id"],
        "EntityArn": offer_arn(region, row["account"], row["id"]),
        "LastModifiedDate": row["last_modified"],
        "OfferSummary": {key: value for key, value in summary.items() if value is not None},
    }
    return {key: value for key, value in entity.items() if value is not None}


# --- operations --------------------------------------------------------------------------------


def describe_entity(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any], region: str
) -> dict[str, Any]:
    checks.catalog(request)
    entity_id = checks.required_string(
        request, "EntityId", pattern=checks.RESOURCE_ID, max_length=255
    )
    offer = owned_offer(connection, account, entity_id)
    detail = _entity_detail(offer, region) if offer is not None else None
    if detail is None:
        detail = catalog_entities.describe(connection, account, entity_id, region)
    if detail is None:
        raise ResourceNotFoundException(f"Entity {entity_id} was not found in account {account}")
    detail["Details"] = json.dumps(detail["DetailsDocument"], separators=(",", ":"))
    return detail


def batch_describe_entities(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any], region: str
) -> dict[str, Any]:
    entries = checks.items(request, "EntityRequestList", 1, 20)
    wanted: list[str] = []
    for index, entry in enumerate(entries):
        where = f"EntityRequestList.{index + 1}"
        item = checks.mapping(entry, where)
        checks.catalog(item, f"{where}.Catalog")
        wanted.append(
            checks.required_string(item, "EntityId", pattern=checks.ENTITY_ID, max_length=255)
        )
    rows = offer_store.load_many(connection, wanted)
    details: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for entity_id in wanted:
        offer = rows.get(entity_id)
        found = (
            _entity_detail(offer, region)
            if offer is not None and offer.account == account
            else catalog_entities.describe(connection, account, entity_id, region)
        )
        if found is None:
            errors[entity_id] = {
                "ErrorCode": "ResourceNotFoundException",
                "ErrorMessage": f"Entity {entity_id} was not found in account {account}",
            }
        else:
            details[entity_id] = found
    return {"EntityDetails": details, "Errors": errors}


def list_entities(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any], region: str
) -> dict[str, Any]:
    checks.no_unknown_members(request, _LIST_MEMBERS, "ListEntitiesRequest")
    checks.catalog(request)
    entity_type = checks.required_string(
        request, "EntityType", pattern=checks.ENTITY_TYPE_NAME, max_length=255
    )
    _served_type(entity_type)
    if entity_type != "Offer":
        return catalog_entities.list_entities(connection, account, request, entity_type, region)
    limit = checks.integer(request, "MaxResults", 1, 50, 20)
    ownership = request.get("OwnershipType", "SELF")
    checks.one_of(ownership, "OwnershipType", ("SELF", "SHARED"))
    if request.get("FilterList") is not None:
        raise ValidationException(
            "FilterList is not supported for the Offer entity type; use "
            "EntityTypeFilters.OfferFilters"
        )
    filters = _offer_filters(request.get("EntityTypeFilters"))
    column, descending = _offer_sort(request)
    query = {"filters": request.get("EntityTypeFilters"), "sort": [column, descending]}
    fingerprint = pagination.fingerprint({**query, "owner": ownership})
    after = None
    if request.get("NextToken") is not None:
        token = pagination.decode(request["NextToken"], fingerprint)
        after = (token[0], token[1])
    if ownership == "SHARED":
        # Offers are never shared with another account through AWS RAM.
        return {"EntitySummaryList": []}
    page = offer_store.OfferPage(filters, column, descending, after, limit)
    rows = offer_store.page(connection, account, page)
    result: dict[str, Any] = {"EntitySummaryList": [_summary(r, region) for r in rows[:limit]]}
    if len(rows) > limit:
        last = rows[limit - 1]
        result["NextToken"] = pagination.encode(fingerprint, [last[column] or "", last["id"]])
    return result


def _served_type(entity_type: str) -> None:
    if entity_type == "Offer" or entity_type in SERVED_ENTITY_TYPES:
        return
    if entity_type in ENTITY_TYPES_NOT_EMULATED:
        served = ", ".join(sorted({"Offer", *SERVED_ENTITY_TYPES}))
        raise ValidationException(
            f"EntityType {entity_type} is not supported by the offerops emulator (only {served})"
        )
    raise ValidationException(f"EntityType {entity_type} is not a known entity type")


def _offer_sort(request: Mapping[str, Any]) -> tuple[str, bool]:
    """(column, descending) from EntityTypeSort.OfferSort or Sort; default EntityId ascending."""
    sort: Any = request.get("Sort")
    member = "Sort"
    typed = request.get("EntityTypeSort")
    if typed is not None:
        typed = checks.mapping(typed, "EntityTypeSort")
        if set(typed) != {"OfferSort"}:
            raise ValidationException("EntityTypeSort for EntityType Offer must be OfferSort")
        if sort is not None:
            raise ValidationException("Sort and EntityTypeSort cannot be used together")
        sort, member = typed["OfferSort"], "EntityTypeSort.OfferSort"
    if sort is None:
        return "id", False
    sort = checks.mapping(sort, member)
    by = checks.one_of(
        sort.get("SortBy", "EntityId"), f"{member}.SortBy", tuple(offer_store.SORT_COLUMNS)
    )
    order = checks.one_of(
        sort.get("SortOrder", "ASCENDING"), f"{member}.SortOrder", ("ASCENDING", "DESCENDING")
    )
    return offer_store.SORT_COLUMNS[by], order == "DESCENDING"


def _offer_filters(raw: Any) -> list[offer_store.OfferFilter]:
    """EntityTypeFilters.OfferFilters as store filters (ANDed), in the order given."""
    if raw is None:
        return []
    typed = checks.mapping(raw, "EntityTypeFilters")
    if set(typed) != {"OfferFilters"}:
        raise ValidationException("EntityTypeFilters for EntityType Offer must be OfferFilters")
    filters = checks.mapping(typed["OfferFilters"], "EntityTypeFilters.OfferFilters")
    unknown = sorted(set(filters) - OFFER_FILTERS)
    if unknown:
        raise ValidationException(
            f"Unknown OfferFilters {', '.join(unknown)}; "
            f"supported: {', '.join(sorted(OFFER_FILTERS))}"
        )
    found: list[offer_store.OfferFilter] = []
    for name, value in filters.items():
        member = f"EntityTypeFilters.OfferFilters.{name}"
        found.append(_offer_filter(name, checks.mapping(value, member), member))
    return found


def _offer_filter(name: str, value: Mapping[str, Any], member: str) -> offer_store.OfferFilter:
    if name in _VALUE_LIST_FILTERS:
        return offer_store.AnyOf(name, _value_list(value, member, _VALUE_LIST_FILTERS[name]))
    if name in _DATE_RANGE_FILTERS:
        return _date_range(name, value, member)
    if name in _ABSENT_ATTRIBUTE_FILTERS:
        _value_list(value, member, _ABSENT_ATTRIBUTE_FILTERS[name])
        return offer_store.Always(False)
    if name == "CreatedBySource":
        # Every emulated offer is created by the seller.
        return offer_store.Always("Seller" in _value_list(value, member, 2))
    if name == "Targeting":
        return offer_store.TargetedBy(_value_list(value, member, 4))
    if name == "BuyerAccounts":
        return _wildcard("BuyerAccounts", value, member, allow_list=False)
    return _wildcard("Name", value, member, allow_list=True)


def _value_list(value: Mapping[str, Any], member: str, most: int) -> list[Any]:
    if set(value) != {"ValueList"}:
        raise ValidationException(f"{member} takes a ValueList")
    values = checks.items(value, "ValueList", 1, most)
    if not all(isinstance(v, str) and v for v in values):
        raise ValidationException(f"{member}.ValueList must hold non-empty strings")
    return values


def _wildcard(
    attribute: str, value: Mapping[str, Any], member: str, *, allow_list: bool
) -> offer_store.OfferFilter:
    """WildCardValue: a case-insensitive substring match (the real matching rule is
    unconfirmed); ValueList (Name only): exact values."""
    allowed = {"WildCardValue", "ValueList"} if allow_list else {"WildCardValue"}
    if len(value) != 1 or not set(value) <= allowed:
        raise ValidationException(f"{member} takes exactly one of {', '.join(sorted(allowed))}")
    if "ValueList" in value:
        return offer_store.AnyOf(attribute, _value_list(value, member, 10))
    pattern = value["WildCardValue"]
    if not isinstance(pattern, str) or not 1 <= len(pattern) <= 255:
        raise ValidationException(f"{member}.WildCardValue must be 1 to 255 characters")
    return offer_store.Contains(attribute, pattern)


def _date_range(attribute: str, value: Mapping[str, Any], member: str) -> offer_store.Between:
    """An inclusive DateRange of DateTimeISO8601 bounds."""
    if set(value) != {"DateRange"}:
        raise ValidationException(f"{member} takes a DateRange")
    bounds = checks.mapping(value["DateRange"], f"{member}.DateRange")
    if not bounds or not set(bounds) <= {"AfterValue", "BeforeValue"}:
        raise ValidationException(f"{member}.DateRange takes AfterValue and/or BeforeValue")
    after = before = None
    if "AfterValue" in bounds:
        after = checks.api_time(bounds["AfterValue"], f"{member}.DateRange.AfterValue")
    if "BeforeValue" in bounds:
        before = checks.api_time(bounds["BeforeValue"], f"{member}.DateRange.BeforeValue")
    return offer_store.Between(attribute, after, before)
