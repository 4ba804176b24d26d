"""Products and resale authorizations in the store: what offer rules look up and what
DescribeEntity / ListEntities show.

The records are plain data; whether a product may be priced or resold is decided by the offer
change types (:mod:`offerops.emulator.offers`), and what the entities look like on the wire by
:mod:`offerops.emulator.catalog_entities`, not here.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from offerops.emulator.store import agreements
from offerops.emulator.store.agreements import AgreementRecord

Dimension = Mapping[str, Any]
"""A product dimension as the Catalog API shows it: ``{Key, Name, Description, Unit, Types}``."""


@dataclass(frozen=True)
class Product:
    """A product: its owner, type, title and dimensions.

    ``dimensions`` classifies each key as Entitled or ExternallyMetered for the offer pricing rules;
    ``dimension_list`` holds the dimensions as DescribeEntity shows them (empty for a product stored
    before the emulator described products: then they are derived from ``dimensions``).
    """

    product_id: str
    account: str
    product_type: str
    name: str | None
    dimensions: Mapping[str, str]
    dimension_list: Sequence[Dimension] = ()
    revision: int = 1
    last_modified: str | None = None

    def described_dimensions(self) -> list[dict[str, Any]]:
        """The Dimensions of the product's DetailsDocument."""
        if self.dimension_list:
            return [dict(dimension) for dimension in self.dimension_list]
        return [{"Key": key, "Types": [kind]} for key, kind in self.dimensions.items()]


@dataclass(frozen=True)
class ResaleAuthorization:
    """An ISV's authorization for a reseller (channel partner) to sell one product."""

    id: str
    isv_account: str
    reseller_account: str
    product_id: str
    name: str
    status: str
    created: str | None = None
    terms: Sequence[Mapping[str, Any]] | None = None
    """The ISV's terms (Resale*/Buyer* types), or None: seeded without terms of its own."""


def _product(row: sqlite3.Row) -> Product:
    return Product(
        row["product_id"],
        row["account"],
        row["product_type"],
        row["name"],
        json.loads(row["dimensions"]),
        tuple(json.loads(row["dimension_details"] or "[]")),
        row["revision"],
        row["last_modified"],
    )


def product(connection: sqlite3.Connection, product_id: str) -> Product | None:
    """The product with this id, whoever owns it."""
    row = connection.execute(
        "SELECT * FROM products WHERE product_id = ?", (product_id,)
    ).fetchone()
    return _product(row) if row is not None else None


def products_of(connection: sqlite3.Connection, account: str) -> list[Product]:
    """Every product ``account`` owns, by id (a seller has few: ListEntities pages in memory)."""
    rows = connection.execute(
        "SELECT * FROM products WHERE account = ? ORDER BY product_id", (account,)
    ).fetchall()
    return [_product(row) for row in rows]


def save_product(connection: sqlite3.Connection, record: Product) -> None:
    """Insert or replace a product."""
    connection.execute(
        "INSERT OR REPLACE INTO products (product_id, account, product_type, name, dimensions, "
        "dimension_details, revision, last_modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            record.product_id,
            record.account,
            record.product_type,
            record.name,
            json.dumps(dict(record.dimensions)),
            json.dumps([dict(d) for d in record.dimension_list]),
            record.revision,
            record.last_modified,
        ),
    )


def _authorization(row: sqlite3.Row) -> ResaleAuthorization:
    return ResaleAuthorization(
        row["id"],
        row["isv_account"],
        row["reseller_account"],
        row["product_id"],
        row["name"],
        row["status"],
        row["created"],
        _terms(row["terms"]),
    )


def _terms(text: str | None) -> tuple[dict[str, Any], ...] | None:
    if text is None:
        return None
    terms = json.loads(text)
    return tuple(terms) if isinstance(terms, list) else None


def resale_authorization(
    connection: sqlite3.Connection, authorization_id: str
) -> ResaleAuthorization | None:
    """The resale authorization with this id, whoever it is shared with."""
    row = connection.execute(
        "SELECT * FROM resale_authorizations WHERE id = ?", (authorization_id,)
    ).fetchone()
    return _authorization(row) if row is not None else None


def authorizations_of(
    connection: sqlite3.Connection, party: Literal["isv", "reseller"], account: str
) -> list[ResaleAuthorization]:
    """The authorizations ``account`` issued (``isv``) or that are shared with it (``reseller``)."""
    column = _PARTY_COLUMNS[party]
    rows = connection.execute(
        f"SELECT * FROM resale_authorizations WHERE {column} = ? ORDER BY id", (account,)
    ).fetchall()
    return [_authorization(row) for row in rows]


_PARTY_COLUMNS = {"isv": "isv_account", "reseller": "reseller_account"}
"""Party -> column (a fixed mapping, so no caller's text ever reaches the SQL)."""


def save_resale_authorization(
    connection: sqlite3.Connection, authorization: ResaleAuthorization
) -> None:
    """Insert or replace a resale authorization (keeping the first CreatedDate, and its terms
    when ``authorization.terms`` is None: :func:`save_resale_terms` sets or clears them)."""
    terms = authorization.terms
    connection.execute(
        "INSERT INTO resale_authorizations (id, isv_account, reseller_account, product_id, name, "
        "status, created, terms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
        "isv_account = excluded.isv_account, reseller_account = excluded.reseller_account, "
        "product_id = excluded.product_id, name = excluded.name, status = excluded.status, "
        "created = COALESCE(resale_authorizations.created, excluded.created), "
        "terms = COALESCE(excluded.terms, resale_authorizations.terms)",
        (
            authorization.id,
            authorization.isv_account,
            authorization.reseller_account,
            authorization.product_id,
            authorization.name,
            authorization.status,
            authorization.created,
            None if terms is None else json.dumps([dict(term) for term in terms]),
        ),
    )


def save_resale_terms(
    connection: sqlite3.Connection,
    authorization_id: str,
    terms: Sequence[Mapping[str, Any]] | None,
) -> bool:
    """Set (or with None clear) an authorization's own terms; False if there is no such id."""
    text = None if terms is None else json.dumps([dict(term) for term in terms])
    cursor = connection.execute(
        "UPDATE resale_authorizations SET terms = ? WHERE id = ?", (text, authorization_id)
    )
    return cursor.rowcount > 0


class StoreCatalog:
    """The lookups offer rules need (:class:`offerops.emulator.offers.Catalog`) on a connection,
    plus the agreement a replacement offer targets."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def product(self, product_id: str) -> Product | None:
        return product(self._connection, product_id)

    def resale_authorization(self, authorization_id: str) -> ResaleAuthorization | None:
        return resale_authorization(self._connection, authorization_id)

    def agreement(self, agreement_id: str) -> AgreementRecord | None:
        return agreements.record(self._connection, agreement_id)
