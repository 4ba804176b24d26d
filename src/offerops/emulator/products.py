"""Products and resale authorizations: seeded by the emulator-only methods, read by offer rules.

The real service creates these through its own change types (CreateProduct, AddDimensions,
CreateResaleAuthorization...); the emulator seeds them from ``offerops.yaml`` (idempotently:
seeding again updates names and dimensions) and emulates AddDimensions
(:mod:`offerops.emulator.product_changes`).

A seeded dimension is shown the way AWS's reference change sets declare one
(aws-samples/aws-marketplace-reference-code, ``java/src/main/resources/changeSets/products/`` and
``offers/CreateSaasProductCustomDimensionAndPrivateOffer.json``): ``Key, Name, Description, Unit,
Types``. ``usage: true`` in offerops.yaml is ``Metered`` for an AMI product (the AMI samples' hourly
dimensions) and ``ExternallyMetered`` otherwise (the SaaS samples); anything else is ``Entitled``.
offerops.yaml has no dimension description, so the name stands in for it, and ``Units`` is the
unit when none is given (the samples' most common unit).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from offerops.emulator.exceptions import ValidationException
from offerops.emulator.offers import ENTITLED, METERED
from offerops.emulator.store import catalog as store
from offerops.emulator.store.catalog import Dimension, Product, ResaleAuthorization

PRODUCT_TYPES: Mapping[str, str] = {
    "saas": "SaaSProduct",
    "ami": "AmiProduct",
    "container": "ContainerProduct",
    "ml": "MachineLearningProduct",
    "professional-services": "ProfessionalServicesProduct",
    "data": "DataProduct",
}
"""offerops.yaml product type -> the Catalog/Agreement API's product (resource) type."""

AMI_METERED = "Metered"
DEFAULT_UNIT = "Units"


class DimensionLike(Protocol):
    """What seeding reads from ``offerops.model.config.Dimension``."""

    @property
    def key(self) -> str: ...

    @property
    def usage(self) -> bool: ...


class ProductLike(Protocol):
    """What seeding reads from ``offerops.model.config.Product``."""

    @property
    def id(self) -> str: ...

    @property
    def type(self) -> str: ...

    @property
    def name(self) -> str | None: ...

    @property
    def dimensions(self) -> Iterable[DimensionLike]: ...


def pricing_kind(types: Sequence[str]) -> str:
    """How offer pricing treats a dimension: Entitled (upfront terms) unless it is metered."""
    return ENTITLED if list(types) == [ENTITLED] else METERED


def with_dimensions(product: Product, dimensions: Sequence[Dimension], when: str) -> Product:
    """``product`` with ``dimensions`` (full shapes), one revision later."""
    return Product(
        product.product_id,
        product.account,
        product.product_type,
        product.name,
        {str(d["Key"]): pricing_kind(d["Types"]) for d in dimensions},
        tuple(dimensions),
        product.revision + 1,
        when,
    )


def seed_products(
    connection: sqlite3.Connection, account: str, products: Iterable[ProductLike], when: str
) -> list[str]:
    """Create or update products owned by ``account``; returns their ids.

    Dimensions the product already has and offerops.yaml does not name (added by AddDimensions)
    are kept: on AWS they would still be there. An unchanged product keeps its revision.
    """
    seeded: list[str] = []
    for product in products:
        owner = store.product(connection, product.id)
        if owner is not None and owner.account != account:
            raise ValidationException(
                f"product {product.id} already belongs to account {owner.account}"
            )
        store.save_product(connection, _seeded(product, account, owner, when))
        seeded.append(product.id)
    return seeded


def _seeded(product: ProductLike, account: str, stored: Product | None, when: str) -> Product:
    product_type = PRODUCT_TYPES.get(product.type, product.type)
    dimensions = {d.key: _dimension(d, product_type) for d in product.dimensions}
    if stored is not None:
        kept = [d for d in stored.described_dimensions() if d["Key"] not in dimensions]
        merged = [*dimensions.values(), *kept]
        if stored.name == product.name and merged == stored.described_dimensions():
            return stored
        return with_dimensions(
            Product(product.id, account, product_type, product.name, {}, (), stored.revision),
            merged,
            when,
        )
    new = Product(product.id, account, product_type, product.name, {}, (), 0)
    return with_dimensions(new, list(dimensions.values()), when)


def _dimension(dimension: DimensionLike, product_type: str) -> dict[str, Any]:
    """A configured dimension in the Catalog API's shape."""
    name = getattr(dimension, "name", None) or dimension.key
    unit = getattr(dimension, "unit", None) or DEFAULT_UNIT
    if not dimension.usage:
        kind = ENTITLED
    else:
        kind = AMI_METERED if product_type == "AmiProduct" else METERED
    return {"Key": dimension.key, "Name": name, "Description": name, "Unit": unit, "Types": [kind]}


def seed_resale_authorization(
    connection: sqlite3.Connection,
    authorization: ResaleAuthorization,
) -> None:
    """Create or update an Active resale authorization of a product the ISV owns."""
    product = store.product(connection, authorization.product_id)
    if product is None or product.account != authorization.isv_account:
        raise ValidationException(
            f"product {authorization.product_id} is not seeded for account "
            f"{authorization.isv_account}; seed it before authorizing a reseller"
        )
    store.save_resale_authorization(connection, authorization)
