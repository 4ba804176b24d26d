"""Products and resale authorizations in the store: what offer rules look up.

The records are plain data; whether a product may be priced or resold is decided by the offer
change types (:mod:`offerops.emulator.offers`), not here.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Product:
    """A seeded product: its owner and dimensions (key -> Entitled or ExternallyMetered)."""

    product_id: str
    account: str
    product_type: str
    name: str | None
    dimensions: Mapping[str, str]


@dataclass(frozen=True)
class ResaleAuthorization:
    """An ISV's authorization for a reseller (channel partner) to sell one product."""

    id: str
    isv_account: str
    reseller_account: str
    product_id: str
    name: str
    status: str


def product(connection: sqlite3.Connection, product_id: str) -> Product | None:
    """The product with this id, whoever owns it."""
    row = connection.execute(
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


def save_product(connection: sqlite3.Connection, record: Product) -> None:
    """Insert or replace a product."""
    connection.execute(
        "INSERT OR REPLACE INTO products (product_id, account, product_type, name, dimensions)"
        " VALUES (?, ?, ?, ?, ?)",
        (
            record.product_id,
            record.account,
            record.product_type,
            record.name,
            json.dumps(dict(record.dimensions)),
        ),
    )


def resale_authorization(
    connection: sqlite3.Connection, authorization_id: str
) -> ResaleAuthorization | None:
    """The resale authorization with this id, whoever it is shared with."""
    row = connection.execute(
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


def save_resale_authorization(
    connection: sqlite3.Connection, authorization: ResaleAuthorization
) -> None:
    """Insert or replace a resale authorization."""
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


class StoreCatalog:
    """The lookups offer rules need (:class:`offerops.emulator.offers.Catalog`) on a connection."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def product(self, product_id: str) -> Product | None:
        return product(self._connection, product_id)

    def resale_authorization(self, authorization_id: str) -> ResaleAuthorization | None:
        return resale_authorization(self._connection, authorization_id)
