"""Offers in the store: rows, the buyer index, and the ListEntities query.

An offer is one row holding its DetailsDocument as JSON plus the columns ListEntities filters and
sorts on; ``offer_buyers`` indexes buyers -> offers for the buyer's view. Which offers a caller may
see, and what a filter means, is decided by :mod:`offerops.emulator.entities`; this module only
turns those decisions into SQL. Every sort column has an ``(account, column, id)`` index, so a
keyset page costs the same on the first and the 200th page of a 10,000-offer catalog.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Row = sqlite3.Row

SORT_COLUMNS: Mapping[str, str] = {
    "EntityId": "id",
    "Name": "name",
    "ProductId": "product_id",
    "ResaleAuthorizationId": "resale_authorization_id",
    "ReleaseDate": "release_date",
    "AvailabilityEndDate": "availability_end",
    "BuyerAccounts": "buyer_accounts",
    "State": "state",
    "Targeting": "targeting",
    "LastModifiedDate": "last_modified",
    "TargetAgreementId": "target_agreement_id",
    # Attributes no emulated offer has: sorting by them is sorting by id.
    "OfferSetId": "id",
    "SubsidiaryAuthorizationId": "id",
    "TargetAgreementIntent": "id",
    "CreatedBySource": "id",
}
"""OfferSortBy attribute -> the column it sorts on (filters name their attribute the same way)."""


@dataclass(frozen=True)
class OfferRow:
    """One offer as stored: its owner, revision and DetailsDocument."""

    id: str
    account: str
    revision: int
    last_modified: str
    details: dict[str, Any]
    target_agreement_id: str | None = None

    @classmethod
    def from_row(cls, row: Row) -> OfferRow:
        return cls(
            row["id"],
            row["account"],
            row["revision"],
            row["last_modified"],
            json.loads(row["details"]),
            row["target_agreement_id"],
        )


@dataclass(frozen=True)
class OfferRecord:
    """An offer to write: the DetailsDocument and the columns derived from it."""

    id: str
    account: str
    revision: int
    name: str | None
    product_id: str
    resale_authorization_id: str | None
    state: str
    release_date: str | None
    availability_end: str | None
    buyers: Sequence[str]
    targeting: Sequence[str]
    last_modified: str
    details: Mapping[str, Any]
    target_agreement_id: str | None = None
    """Set only when a replacement offer is created; later writes keep the stored value."""


# --- filters of ListEntities, as data ------------------------------------------------------------


@dataclass(frozen=True)
class AnyOf:
    """The attribute equals one of ``values``."""

    attribute: str
    values: Sequence[str]


@dataclass(frozen=True)
class Contains:
    """The attribute contains ``text``, ignoring ASCII case (a WildCardValue)."""

    attribute: str
    text: str


@dataclass(frozen=True)
class Between:
    """The attribute (a DateTimeISO8601 column) is within the inclusive bounds given."""

    attribute: str
    after: str | None
    before: str | None


@dataclass(frozen=True)
class TargetedBy:
    """The offer's Targeting list holds one of ``kinds``."""

    kinds: Sequence[str]


@dataclass(frozen=True)
class Always:
    """Matches every offer (``True``) or none (``False``)."""

    matches: bool


OfferFilter = AnyOf | Contains | Between | TargetedBy | Always


@dataclass(frozen=True)
class OfferPage:
    """One ListEntities page to read: ANDed filters, the sort, and the keyset to start after."""

    filters: Sequence[OfferFilter]
    column: str
    descending: bool
    after: tuple[Any, Any] | None
    limit: int


# --- reads and writes ----------------------------------------------------------------------------


def load(connection: sqlite3.Connection, offer_id: str) -> OfferRow | None:
    """The offer with this id, whoever owns it."""
    row = connection.execute("SELECT * FROM offers WHERE id = ?", (offer_id,)).fetchone()
    return OfferRow.from_row(row) if row else None


def load_many(connection: sqlite3.Connection, ids: Sequence[str]) -> dict[str, OfferRow]:
    """The offers among ``ids`` that exist, by id."""
    marks = ",".join("?" * len(ids))
    rows = connection.execute(f"SELECT * FROM offers WHERE id IN ({marks})", list(ids))
    return {row["id"]: OfferRow.from_row(row) for row in rows}


def exists(connection: sqlite3.Connection, offer_id: str, account: str) -> bool:
    """Whether ``account`` owns an offer with this id."""
    row = connection.execute(
        "SELECT 1 FROM offers WHERE id = ? AND account = ?", (offer_id, account)
    ).fetchone()
    return row is not None


def save(connection: sqlite3.Connection, record: OfferRecord) -> None:
    """Insert or replace an offer and its buyer index entries (a replacement offer keeps the
    agreement it targets)."""
    connection.execute(
        "INSERT INTO offers (id, account, revision, name, product_id, "
        "resale_authorization_id, state, release_date, availability_end, buyer_accounts, "
        "targeting, last_modified, details, target_agreement_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
        "account = excluded.account, revision = excluded.revision, name = excluded.name, "
        "product_id = excluded.product_id, "
        "resale_authorization_id = excluded.resale_authorization_id, state = excluded.state, "
        "release_date = excluded.release_date, availability_end = excluded.availability_end, "
        "buyer_accounts = excluded.buyer_accounts, targeting = excluded.targeting, "
        "last_modified = excluded.last_modified, details = excluded.details, "
        "target_agreement_id = COALESCE(excluded.target_agreement_id, offers.target_agreement_id)",
        (
            record.id,
            record.account,
            record.revision,
            record.name,
            record.product_id,
            record.resale_authorization_id,
            record.state,
            record.release_date,
            record.availability_end,
            ",".join(record.buyers),
            ",".join(record.targeting),
            record.last_modified,
            json.dumps(record.details, separators=(",", ":")),
            record.target_agreement_id,
        ),
    )
    connection.execute("DELETE FROM offer_buyers WHERE offer_id = ?", (record.id,))
    connection.executemany(
        "INSERT INTO offer_buyers (buyer, offer_id) VALUES (?, ?)",
        [(buyer, record.id) for buyer in record.buyers],
    )


def released_for_buyer(connection: sqlite3.Connection, buyer: str, since: str) -> list[Row]:
    """Released offers targeting ``buyer`` whose availability ends at ``since`` or later,
    newest release first."""
    return connection.execute(
        "SELECT o.* FROM offer_buyers b JOIN offers o ON o.id = b.offer_id "
        "WHERE b.buyer = ? AND o.state = 'Released' AND o.availability_end >= ? "
        "ORDER BY o.release_date DESC, o.id",
        (buyer, since),
    ).fetchall()


def page(connection: sqlite3.Connection, account: str, query: OfferPage) -> list[Row]:
    """Up to ``query.limit`` offers of ``account`` (one more tells the caller a page follows)."""
    where: list[str] = []
    params: list[Any] = []
    for condition in query.filters:
        sql, values = _condition(condition)
        where.append(sql)
        params.extend(values)
    column = query.column
    if query.after is not None:
        where.append(_after(column, query.descending))
        params += [query.after[0], query.after[0], query.after[1]]
    direction = "DESC" if query.descending else "ASC"
    sql = (
        f"SELECT * FROM offers WHERE account = ? {''.join(' AND ' + w for w in where)} "
        f"ORDER BY COALESCE({column}, '') {direction}, id {direction} LIMIT ?"
    )
    return connection.execute(sql, [account, *params, query.limit + 1]).fetchall()


def _after(column: str, descending: bool) -> str:
    """The keyset condition: strictly after the last (sort value, id) returned."""
    op = "<" if descending else ">"
    return f"(COALESCE({column}, '') {op} ? OR (COALESCE({column}, '') = ? AND id {op} ?))"


def _condition(condition: OfferFilter) -> tuple[str, list[Any]]:
    """One filter as an SQL condition and its parameters."""
    if isinstance(condition, AnyOf):
        column = SORT_COLUMNS[condition.attribute]
        return f"{column} IN ({','.join('?' * len(condition.values))})", list(condition.values)
    if isinstance(condition, Contains):
        column = SORT_COLUMNS[condition.attribute]
        text = condition.text
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"{column} LIKE ? ESCAPE '\\'", [f"%{escaped}%"]
    if isinstance(condition, Between):
        return _between(SORT_COLUMNS[condition.attribute], condition)
    if isinstance(condition, TargetedBy):
        tests = " OR ".join("instr(',' || targeting || ',', ?) > 0" for _ in condition.kinds)
        return f"({tests})", [f",{kind}," for kind in condition.kinds]
    return ("1" if condition.matches else "0"), []


def _between(column: str, condition: Between) -> tuple[str, list[Any]]:
    conditions: list[str] = []
    params: list[Any] = []
    for bound, op in ((condition.after, ">="), (condition.before, "<=")):
        if bound is not None:
            params.append(bound)
            conditions.append(f"{column} {op} ?")
    return "(" + " AND ".join(conditions) + ")", params
