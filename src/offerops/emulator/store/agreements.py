"""Agreements in the store: one row per acceptance, the offer's terms frozen in it as JSON."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

Row = sqlite3.Row
Term = dict[str, Any]


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
    initial_agreement_id: str | None = None


@dataclass(frozen=True)
class AgreementRecord:
    """What a replacement offer needs to know about the agreement it targets."""

    id: str
    proposer: str
    acceptor: str
    product_id: str
    end_time: float | None
    replaced_time: float | None
    initial_agreement_id: str
    terms: tuple[Term, ...] = ()
    """The accepted offer's terms as its DetailsDocument showed them (``Terms``), in order."""

    def status(self, now: float) -> str:
        """REPLACED once a replacement offer was accepted, EXPIRED past its end, else ACTIVE."""
        if self.replaced_time is not None:
            return "REPLACED"
        return "EXPIRED" if self.end_time is not None and self.end_time <= now else "ACTIVE"

    @classmethod
    def from_row(cls, row: Row) -> AgreementRecord:
        return cls(
            row["id"],
            row["proposer"],
            row["acceptor"],
            row["product_id"],
            row["end_time"],
            row["replaced_time"],
            row["initial_agreement_id"] or row["id"],
            tuple(json.loads(row["terms"] or "[]")),
        )


def insert(connection: sqlite3.Connection, agreement: NewAgreement) -> Row:
    """Insert an agreement; returns its row."""
    connection.execute(
        "INSERT INTO agreements (id, offer_id, proposer, acceptor, product_id, product_type, "
        "acceptance_time, start_time, end_time, purchase_order, terms, renews, "
        "initial_agreement_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            agreement.initial_agreement_id or agreement.id,
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


def record(connection: sqlite3.Connection, agreement_id: str) -> AgreementRecord | None:
    """The agreement with this id as an :class:`AgreementRecord`."""
    row = get(connection, agreement_id)
    return AgreementRecord.from_row(row) if row is not None else None


def mark_replaced(connection: sqlite3.Connection, agreement_id: str, when: float) -> None:
    """End an agreement at ``when`` because a replacement offer's acceptance replaced it."""
    connection.execute(
        "UPDATE agreements SET replaced_time = ? WHERE id = ? AND replaced_time IS NULL",
        (when, agreement_id),
    )


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
