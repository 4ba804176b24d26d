"""Read products and resale authorizations from the Catalog API into typed values.

Shapes (docs/emulator.md, "Products and resale authorizations", and botocore's model): a product
is an entity of its type (``SaaSProduct@1.0`` ...) whose DetailsDocument has
``Description.ProductTitle`` and ``Dimensions`` (``Key, Name, Unit, Types``); a resale
authorization (``ResaleAuthorization@1.0``) has ``ProductId, ProductName, ManufacturerAccountId,
Name, Status`` and the ISV's ``Terms``.

What a reseller can see decides how a resold product is read. Only the owner lists a product,
and AWS does not document that a reseller may describe the ISV's product (the emulator refuses
it), so a resold product is known through its authorization: its id, title and ISV, and the
dimensions the authorization's terms price (a subset of the product's, typed by the term that
prices them). Its product type is not in the authorization at all. If the backend does let the
reseller describe the product, the product's own entity wins.

Calls: one ListEntities page (50) per product type and one for the shared authorizations, then
BatchDescribeEntities for all of them together, 20 ids per call; every call goes through the
reconciler's :class:`~offerops.reconcile.retry.RetryPolicy`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from offerops.catalog.client import CATALOG, CatalogClient
from offerops.model.common import ProductType
from offerops.reconcile.fetch import LIST_PAGE, describe_offers, list_entities
from offerops.reconcile.retry import RetryPolicy
from offerops.terms.document import ShapeError, array, mapping, optional_text, text

if TYPE_CHECKING:
    from mypy_boto3_marketplace_catalog.type_defs import ListEntitiesRequestTypeDef

ENTITY_TYPES: Mapping[str, ProductType] = {
    "SaaSProduct": "saas",
    "AmiProduct": "ami",
    "ContainerProduct": "container",
    "MachineLearningProduct": "ml",
    "DataProduct": "data",
}
"""Product entity types ListEntities serves (ProfessionalServicesProduct has no summary shape in
botocore's model, so it cannot be listed) -> offerops.yaml's ``type``."""
T = TypeVar("T")
RESALE_AUTHORIZATION = "ResaleAuthorization"
ENTITLED = "Entitled"
METERED_TYPES = frozenset({"Metered", "ExternallyMetered"})
CONTRACT_TERMS = frozenset(
    {
        "ResaleConfigurableUpfrontPricingTerm",
        "ResaleFixedUpfrontPricingTerm",
        "ConfigurableUpfrontPricingTerm",
        "FixedUpfrontPricingTerm",
    }
)
USAGE_TERMS = frozenset({"ResaleUsageBasedPricingTerm", "UsageBasedPricingTerm"})


@dataclass(frozen=True)
class RemoteDimension:
    """A dimension as the marketplace types it: ``usage`` is a metered one."""

    key: str
    usage: bool
    name: str | None = None
    unit: str | None = None

    @property
    def kind(self) -> str:
        return "usage" if self.usage else "contract"


@dataclass(frozen=True)
class RemoteProduct:
    """A product the caller can see; ``complete`` is False when only an authorization's terms
    showed its dimensions (a subset), and ``type`` is None when nothing showed its type."""

    id: str
    type: ProductType | None
    title: str | None
    dimensions: tuple[RemoteDimension, ...]
    manufacturer: str | None = None
    complete: bool = True

    def dimension(self, key: str) -> RemoteDimension | None:
        return next((d for d in self.dimensions if d.key == key), None)


@dataclass(frozen=True)
class RemoteAuthorization:
    """A resale authorization shared with the seller, with the dimensions its terms price."""

    id: str
    name: str | None
    product_id: str
    product_name: str | None
    manufacturer: str
    status: str
    dimensions: tuple[RemoteDimension, ...]

    @property
    def active(self) -> bool:
        return self.status == "Active"

    def as_product(self) -> RemoteProduct:
        """The resold product as far as this authorization shows it."""
        return RemoteProduct(
            self.product_id,
            None,
            self.product_name,
            self.dimensions,
            manufacturer=self.manufacturer,
            complete=False,
        )


@dataclass
class Catalog:
    """What the marketplace has: the seller's own products, the authorizations shared with it,
    resold products it could describe, and what could not be read."""

    products: list[RemoteProduct] = field(default_factory=list)
    authorizations: list[RemoteAuthorization] = field(default_factory=list)
    resold: dict[str, RemoteProduct] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def read_catalog(client: CatalogClient, retry: RetryPolicy) -> Catalog:
    """The seller's products and the resale authorizations shared with it.

    The resold products' ids come from the authorizations' summaries, so they are described in
    the same BatchDescribeEntities calls as everything else (in case the backend lets a reseller
    see them); those it refuses are simply absent.
    """
    product_ids = [
        entity_id
        for entity_type in ENTITY_TYPES
        for entity_id in list_ids(client, retry, entity_type, "SELF")
    ]
    shared = list(_summaries(client, retry, RESALE_AUTHORIZATION, "SHARED"))
    authorization_ids = [str(summary["EntityId"]) for summary in shared]
    resold = sorted({_summary_product(summary) for summary in shared} - {""} - set(product_ids))
    found = describe(client, retry, [*product_ids, *authorization_ids, *resold])
    catalog = Catalog()
    for entity_id in authorization_ids:
        authorization = _read(entity_id, found, catalog.notes, authorization_from_entity)
        if authorization is not None:
            catalog.authorizations.append(authorization)
    for entity_id in product_ids:
        product = _read(entity_id, found, catalog.notes, product_from_entity)
        if product is not None:
            catalog.products.append(product)
    for entity_id in resold:
        if entity_id in found:
            product = _read(entity_id, found, catalog.notes, product_from_entity)
            if product is not None:
                catalog.resold[entity_id] = product
    return catalog


def _summary_product(summary: Mapping[str, object]) -> str:
    inner = summary.get("ResaleAuthorizationSummary")
    return str(inner.get("ProductId", "")) if isinstance(inner, Mapping) else ""


def _read(
    entity_id: str,
    found: Mapping[str, Mapping[str, object]],
    notes: list[str],
    reader: Callable[[str, Mapping[str, object]], T],
) -> T | None:
    """The entity read by ``reader``; a listed one that is missing or unreadable is a note, so
    one odd entity never stops the rest."""
    entity = found.get(entity_id)
    if entity is None:
        notes.append(f"{entity_id} was listed but could not be described; left out")
        return None
    try:
        return reader(entity_id, entity)
    except ShapeError as error:
        notes.append(f"{entity_id} could not be read ({error}); left out")
        return None


def list_ids(
    client: CatalogClient, retry: RetryPolicy, entity_type: str, ownership: str
) -> list[str]:
    """Every entity id ListEntities gives for ``entity_type`` and ``ownership``, page by page."""
    return [
        str(summary["EntityId"]) for summary in _summaries(client, retry, entity_type, ownership)
    ]


def _summaries(
    client: CatalogClient, retry: RetryPolicy, entity_type: str, ownership: str
) -> Iterator[Mapping[str, object]]:
    request: ListEntitiesRequestTypeDef = {
        "Catalog": CATALOG,
        "EntityType": entity_type,
        "MaxResults": LIST_PAGE,
        "OwnershipType": "SHARED" if ownership == "SHARED" else "SELF",
    }
    return list_entities(client, retry, request)


def describe(
    client: CatalogClient, retry: RetryPolicy, ids: Sequence[str]
) -> dict[str, Mapping[str, object]]:
    """Entity id -> EntityDetail (20 ids per call); ids the caller may not see are left out."""
    unique = list(dict.fromkeys(ids))
    return {str(entity["EntityId"]): entity for entity in describe_offers(client, unique, retry)}


def product_from_entity(entity_id: str, entity: Mapping[str, object]) -> RemoteProduct:
    """A product entity: type from ``EntityType``, title and dimensions from its details."""
    details = mapping(entity.get("DetailsDocument") or {}, "DetailsDocument")
    entity_type = str(entity.get("EntityType", "")).split("@", 1)[0]
    description = mapping(details.get("Description") or {}, "Description")
    return RemoteProduct(
        entity_id,
        ENTITY_TYPES.get(entity_type),
        optional_text(description.get("ProductTitle"), "Description.ProductTitle"),
        tuple(_dimensions(array(details.get("Dimensions") or [], "Dimensions"))),
    )


def _dimensions(items: Iterable[object]) -> Iterator[RemoteDimension]:
    for number, item in enumerate(items):
        dimension = mapping(item, f"Dimensions[{number}]")
        types = {text(t, "Types[]") for t in array(dimension.get("Types") or [], "Types")}
        yield RemoteDimension(
            text(dimension.get("Key"), f"Dimensions[{number}].Key"),
            usage=usage_of(types),
            name=optional_text(dimension.get("Name"), "Name") or None,
            unit=optional_text(dimension.get("Unit"), "Unit") or None,
        )


def usage_of(types: set[str]) -> bool:
    """Metered (usage) unless the dimension is Entitled only, as the emulator's pricing rules
    read Types; an unknown or missing type is a ShapeError rather than a guess."""
    if types == {ENTITLED}:
        return False
    if types and types <= METERED_TYPES | {ENTITLED}:
        return True
    raise ShapeError(f"dimension Types {sorted(types)} are neither Entitled nor metered")


def authorization_from_entity(entity_id: str, entity: Mapping[str, object]) -> RemoteAuthorization:
    """A resale authorization entity, its priced dimensions read from its terms."""
    details = mapping(entity.get("DetailsDocument") or {}, "DetailsDocument")
    return RemoteAuthorization(
        entity_id,
        optional_text(details.get("Name"), "Name") or None,
        text(details.get("ProductId"), "ProductId"),
        optional_text(details.get("ProductName"), "ProductName") or None,
        text(details.get("ManufacturerAccountId"), "ManufacturerAccountId"),
        optional_text(details.get("Status"), "Status") or "Active",
        terms_dimensions(array(details.get("Terms") or [], "Terms")),
    )


def terms_dimensions(terms: Sequence[object]) -> tuple[RemoteDimension, ...]:
    """The dimension keys the pricing terms price: a usage term makes a dimension metered (an
    AMI's hourly-annual dimension is in both), a contract term alone Entitled."""
    usage: dict[str, bool] = {}
    for number, item in enumerate(terms):
        term = mapping(item, f"Terms[{number}]")
        term_type = str(term.get("Type", ""))
        if term_type in CONTRACT_TERMS | USAGE_TERMS:
            for key in _priced_keys(term):
                usage[key] = usage.get(key, False) or term_type in USAGE_TERMS
    return tuple(RemoteDimension(key, metered) for key, metered in usage.items())


def _priced_keys(term: Mapping[str, object]) -> Iterator[str]:
    """DimensionKeys of a term's rate cards and grants."""
    for card in array(term.get("RateCards") or [], "RateCards"):
        for rate in array(mapping(card, "RateCards[]").get("RateCard") or [], "RateCard"):
            yield text(mapping(rate, "RateCard[]").get("DimensionKey"), "DimensionKey")
    for grant in array(term.get("Grants") or [], "Grants"):
        yield text(mapping(grant, "Grants[]").get("DimensionKey"), "DimensionKey")
