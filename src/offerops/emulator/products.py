"""Products and resale authorizations: seeded by the emulator-only methods, read by offer rules.

The real service creates these through its own change types (CreateProduct, AddDimensions,
CreateResaleAuthorization...); the emulator only needs them to exist, so they are seeded from
``offerops.yaml`` (idempotently: seeding again updates names and dimensions).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from typing import Protocol

from offerops.emulator.exceptions import ValidationException
from offerops.emulator.offers import ENTITLED, METERED
from offerops.emulator.store import catalog as store
from offerops.emulator.store.catalog import Product, ResaleAuthorization

PRODUCT_TYPES: Mapping[str, str] = {
    "saas": "SaaSProduct",
    "ami": "AmiProduct",
    "container": "ContainerProduct",
    "ml": "MachineLearningProduct",
    "professional-services": "ProfessionalServicesProduct",
    "data": "DataProduct",
}
"""offerops.yaml product type -> the Catalog/Agreement API's product (resource) type."""


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


def seed_products(
    connection: sqlite3.Connection, account: str, products: Iterable[ProductLike]
) -> list[str]:
    """Create or update products owned by ``account``; returns their ids."""
    seeded: list[str] = []
    for product in products:
        owner = store.product(connection, product.id)
        if owner is not None and owner.account != account:
            raise ValidationException(
                f"product {product.id} already belongs to account {owner.account}"
            )
        dimensions = {d.key: METERED if d.usage else ENTITLED for d in product.dimensions}
        record = Product(
            product.id,
            account,
            PRODUCT_TYPES.get(product.type, product.type),
            product.name,
            dimensions,
        )
        store.save_product(connection, record)
        seeded.append(product.id)
    return seeded


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
