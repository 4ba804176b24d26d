"""Agreements in the store: one row per acceptance, the offer's terms frozen in it as JSON."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

Row = sqlite3.Row


@dataclass(frozen=True)
class NewAgreement:
    """An agreement to insert (status is derived when read, never stored)."""

    id: str
    offer_id: str
    proposer: str
    acceptor: str
    product_id: str
    product_type: str
    acceptance_time: float
    start_time: float
    end_time: float | None
    purchase_order: str | None
    terms: Sequence[Any]
    renews: bool


def insert(connection: sqlite3.Connection, agreement: NewAgreement) -> Row:
    """Insert an agreement; returns its row."""
    connection.execute(
        "INSERT INTO agreements (id, offer_id, proposer, acceptor, product_id, product_type, "
        "acceptance_time, start_time, end_time, purchase_order, terms, renews) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            agreement.id,
            agreement.offer_id,
            agreement.proposer,
            agreement.acceptor,
            agreement.product_id,
            agreement.product_type,
            agreement.acceptance_time,
            agreement.start_time,
            agreement.end_time,
            agreement.purchase_order,
            json.dumps(list(agreement.terms)),
            int(agreement.renews),
        ),
    )
    row = get(connection, agreement.id)
    assert row is not None
    return row


def get(connection: sqlite3.Connection, agreement_id: str) -> Row | None:
    """The agreement with this id, whoever its parties are."""
    row: Row | None = connection.execute(
        "SELECT * FROM agreements WHERE id = ?", (agreement_id,)
    ).fetchone()
    return row


def of_party(
    connection: sqlite3.Connection, party: Literal["proposer", "acceptor"], account: str
) -> list[Row]:
    """Every agreement ``account`` is the proposer (or acceptor) of, oldest first."""
    column = _PARTY_COLUMNS[party]
    return connection.execute(
        f"SELECT * FROM agreements WHERE {column} = ? ORDER BY seq", (account,)
    ).fetchall()


_PARTY_COLUMNS = {"proposer": "proposer", "acceptor": "acceptor"}
"""Party -> column (a fixed mapping, so no caller's text ever reaches the SQL)."""
