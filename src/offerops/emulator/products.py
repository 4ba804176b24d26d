"""Products and resale authorizations: seeded by the emulator-only methods, read by offer rules.

The real service creates these through its own change types (CreateProduct, AddDimensions,
CreateResaleAuthorization...); the emulator only needs them to exist, so they are seeded from
``offerops.yaml`` (idempotently: seeding again updates names and dimensions).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Protocol

from offerops.emulator.exceptions import ValidationException
from offerops.emulator.offers import ENTITLED, METERED, Product, ResaleAuthorization

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


class StoreCatalog:
    """:class:`offerops.emulator.offers.Catalog` on an open connection."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def product(self, product_id: str) -> Product | None:
        row = self._connection.execute(
            "SELECT * FROM products WHERE product_id = ?", (product_id,)
        ).fetchone()
        if row is None:
            return None
        return Product(
            row["product_id"],
            row["account"],
            row["product_type"],
            row["name"],
            json.loads(row["dimensions"]),
        )

    def resale_authorization(self, authorization_id: str) -> ResaleAuthorization | None:
        row = self._connection.execute(
            "SELECT * FROM resale_authorizations WHERE id = ?", (authorization_id,)
        ).fetchone()
        if row is None:
            return None
        return ResaleAuthorization(
            row["id"],
            row["isv_account"],
            row["reseller_account"],
            row["product_id"],
            row["name"],
            row["status"],
        )


def seed_products(
    connection: sqlite3.Connection, account: str, products: Iterable[ProductLike]
) -> list[str]:
    """Create or update products owned by ``account``; returns their ids."""
    seeded: list[str] = []
    for product in products:
        owner = connection.execute(
            "SELECT account FROM products WHERE product_id = ?", (product.id,)
        ).fetchone()
        if owner is not None and owner["account"] != account:
            raise ValidationException(
                f"product {product.id} already belongs to account {owner['account']}"
            )
        dimensions = {d.key: METERED if d.usage else ENTITLED for d in product.dimensions}
        connection.execute(
            "INSERT OR REPLACE INTO products (product_id, account, product_type, name, dimensions)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                product.id,
                account,
                PRODUCT_TYPES.get(product.type, product.type),
                product.name,
                json.dumps(dimensions),
            ),
        )
        seeded.append(product.id)
    return seeded


def seed_resale_authorization(
    connection: sqlite3.Connection,
    authorization: ResaleAuthorization,
) -> None:
    """Create or update an Active resale authorization of a product the ISV owns."""
    product = StoreCatalog(connection).product(authorization.product_id)
    if product is None or product.account != authorization.isv_account:
        raise ValidationException(
            f"product {authorization.product_id} is not seeded for account "
            f"{authorization.isv_account}; seed it before authorizing a reseller"
        )
    connection.execute(
        "INSERT OR REPLACE INTO resale_authorizations (id, isv_account, reseller_account, "
        "product_id, name, status) VALUES (?, ?, ?, ?, ?, ?)",
        (
            authorization.id,
            authorization.isv_account,
            authorization.reseller_account,
            authorization.product_id,
            authorization.name,
            authorization.status,
        ),
    )
