"""Change sets in the store: rows, entity locks, the lazy lifecycle's queries, ListChangeSets.

A set is stored PREPARING until it is processed, with the instants it shows as APPLYING
(``applying_at``) and is due (``apply_at``); what those mean is decided by
:mod:`offerops.emulator.changesets`, which this module serves with SQL only. The submitted changes
and their outcome are one JSON column.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

Row = sqlite3.Row

NOT_TERMINAL = "PREPARING"
"""Stored status of every non-terminal set; it shows as APPLYING from ``applying_at`` on."""

SORT_COLUMNS: Mapping[str, str] = {"StartTime": "start_time", "EndTime": "end_key"}
"""ListChangeSets SortBy -> column (``end_key``: EndTime with unfinished sets last)."""

_NEVER = 1e18


@dataclass(frozen=True)
class NewChangeSet:
    """A change set to insert, PREPARING."""

    id: str
    account: str
    name: str | None
    intent: str
    start_time: float
    applying_at: float
    apply_at: float
    server_fault: bool
    token: str | None
    request_hash: str
    changes: Sequence[Mapping[str, Any]]
    entity_ids: Sequence[str]
    """The existing entities the set locks until it is terminal."""


# --- filters of ListChangeSets, as data ----------------------------------------------------------


@dataclass(frozen=True)
class NamedAnyOf:
    """The set's ChangeSetName is one of ``names``."""

    names: Sequence[str]


@dataclass(frozen=True)
class TouchesAnyOf:
    """The set targets (or created) one of ``entity_ids``."""

    entity_ids: Sequence[str]


@dataclass(frozen=True)
class StatusAnyOf:
    """The set's status, as seen at ``now``, is one of ``statuses``."""

    statuses: Sequence[str]
    now: float


@dataclass(frozen=True)
class TimeBound:
    """The set's start (or end) time is at or before/after ``instant``; no end never matches."""

    field: Literal["start", "end"]
    before: bool
    instant: float


ChangeSetFilter = NamedAnyOf | TouchesAnyOf | StatusAnyOf | TimeBound


@dataclass(frozen=True)
class ChangeSetPage:
    """One ListChangeSets page to read."""

    since: float
    """Sets that started before this are out of the history."""
    filters: Sequence[ChangeSetFilter]
    column: str
    descending: bool
    after: tuple[Any, Any] | None
    limit: int


# --- StartChangeSet, DescribeChangeSet, CancelChangeSet -------------------------------------------


def by_token(connection: sqlite3.Connection, account: str, token: str) -> Row | None:
    """The set ``account`` started with this ClientRequestToken (its id and request hash)."""
    row: Row | None = connection.execute(
        "SELECT id, request_hash FROM change_sets WHERE account = ? AND token = ?",
        (account, token),
    ).fetchone()
    return row


def insert(connection: sqlite3.Connection, change_set: NewChangeSet) -> None:
    """Insert a PREPARING set and lock the entities it targets."""
    connection.execute(
        "INSERT INTO change_sets (id, account, name, intent, status, start_time, applying_at,"
        " apply_at, server_fault, token, request_hash, changes) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            change_set.id,
            change_set.account,
            change_set.name,
            change_set.intent,
            NOT_TERMINAL,
            change_set.start_time,
            change_set.applying_at,
            change_set.apply_at,
            int(change_set.server_fault),
            change_set.token,
            change_set.request_hash,
            json.dumps(list(change_set.changes)),
        ),
    )
    connection.executemany(
        "INSERT INTO change_set_entities (entity_id, change_set_id) VALUES (?, ?)",
        [(entity_id, change_set.id) for entity_id in change_set.entity_ids],
    )


def lock_holder(connection: sqlite3.Connection, entity_ids: Sequence[str]) -> Row | None:
    """A non-terminal set targeting one of ``entity_ids`` (``entity_id``, ``id``), if any."""
    if not entity_ids:
        return None
    marks = ",".join("?" * len(entity_ids))
    row: Row | None = connection.execute(
        "SELECT e.entity_id, c.id FROM change_set_entities e "
        "JOIN change_sets c ON c.id = e.change_set_id "
        f"WHERE e.entity_id IN ({marks}) AND c.status = ? LIMIT 1",
        [*entity_ids, NOT_TERMINAL],
    ).fetchone()
    return row


def owned(
    connection: sqlite3.Connection, change_set_id: str, account: str, since: float
) -> Row | None:
    """The set if ``account`` started it at ``since`` or later."""
    row: Row | None = connection.execute(
        "SELECT * FROM change_sets WHERE id = ? AND account = ? AND start_time >= ?",
        (change_set_id, account, since),
    ).fetchone()
    return row


def exists(connection: sqlite3.Connection, change_set_id: str, account: str) -> bool:
    """Whether ``account`` started a set with this id (however long ago)."""
    row = connection.execute(
        "SELECT 1 FROM change_sets WHERE id = ? AND account = ?", (change_set_id, account)
    ).fetchone()
    return row is not None


def cancel(connection: sqlite3.Connection, change_set_id: str, when: float) -> None:
    """Mark the set CANCELLED at ``when``."""
    connection.execute(
        "UPDATE change_sets SET status = 'CANCELLED', end_time = ? WHERE id = ?",
        (when, change_set_id),
    )


# --- ListChangeSets ------------------------------------------------------------------------------


def page(connection: sqlite3.Connection, account: str, query: ChangeSetPage) -> list[Row]:
    """Up to ``query.limit`` sets (one more tells the caller a page follows)."""
    where: list[str] = []
    params: list[Any] = []
    for condition in query.filters:
        sql, values = _condition(condition)
        where.append(sql)
        params += values
    column, descending = query.column, query.descending
    if query.after is not None:
        op = "<" if descending else ">"
        where.append(f"({column} {op} ? OR ({column} = ? AND seq {op} ?))")
        params += [query.after[0], query.after[0], query.after[1]]
    direction = "DESC" if descending else "ASC"
    return connection.execute(
        f"SELECT *, COALESCE(end_time, {_NEVER}) AS end_key FROM change_sets "
        f"WHERE account = ? AND start_time >= ? {''.join(' AND ' + w for w in where)} "
        f"ORDER BY {column} {direction}, seq {direction} LIMIT ?",
        [account, query.since, *params, query.limit + 1],
    ).fetchall()


def _condition(condition: ChangeSetFilter) -> tuple[str, list[Any]]:
    if isinstance(condition, NamedAnyOf):
        return f"name IN ({_marks(condition.names)})", list(condition.names)
    if isinstance(condition, TouchesAnyOf):
        return (
            "EXISTS (SELECT 1 FROM change_set_entities e WHERE e.change_set_id = change_sets.id "
            f"AND e.entity_id IN ({_marks(condition.entity_ids)}))",
            list(condition.entity_ids),
        )
    if isinstance(condition, StatusAnyOf):
        return _status_condition(condition)
    column = "start_time" if condition.field == "start" else "end_time"
    op = "<=" if condition.before else ">="
    return f"({column} IS NOT NULL AND {column} {op} ?)", [condition.instant]


def _status_condition(condition: StatusAnyOf) -> tuple[str, list[Any]]:
    """PREPARING and APPLYING are one stored status split by ``applying_at``."""
    conditions: list[str] = []
    params: list[Any] = []
    for status in condition.statuses:
        if status == "PREPARING":
            conditions.append("(status = 'PREPARING' AND applying_at > ?)")
            params.append(condition.now)
        elif status == "APPLYING":
            conditions.append("(status = 'PREPARING' AND applying_at <= ?)")
            params.append(condition.now)
        else:
            conditions.append("status = ?")
            params.append(status)
    return "(" + " OR ".join(conditions) + ")", params


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


def entity_ids(
    connection: sqlite3.Connection, change_set_ids: Sequence[str]
) -> dict[str, list[str]]:
    """The entities each set targets or created (``EntityIdList``), by set id."""
    if not change_set_ids:
        return {}
    rows = connection.execute(
        "SELECT change_set_id, entity_id FROM change_set_entities "
        f"WHERE change_set_id IN ({_marks(change_set_ids)}) ORDER BY entity_id",
        list(change_set_ids),
    )
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["change_set_id"], []).append(row["entity_id"])
    return found


# --- processing ----------------------------------------------------------------------------------


def has_due(connection: sqlite3.Connection, now: float) -> bool:
    """Whether a set is waiting to be processed (a cheap indexed read)."""
    row = connection.execute(
        "SELECT 1 FROM change_sets WHERE status = ? AND apply_at <= ? LIMIT 1",
        (NOT_TERMINAL, now),
    ).fetchone()
    return row is not None


def due(connection: sqlite3.Connection, now: float) -> list[Row]:
    """The sets whose processing time has come, oldest first."""
    return connection.execute(
        "SELECT * FROM change_sets WHERE status = ? AND apply_at <= ? ORDER BY apply_at, seq",
        (NOT_TERMINAL, now),
    ).fetchall()


@contextmanager
def savepoint(connection: sqlite3.Connection) -> Iterator[None]:
    """Everything inside is undone if it raises (the outer transaction goes on)."""
    connection.execute("SAVEPOINT change_set")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK TO change_set")
        connection.execute("RELEASE change_set")
        raise
    connection.execute("RELEASE change_set")


def add_created_entity(connection: sqlite3.Connection, change_set_id: str, entity_id: str) -> None:
    """Record an entity the set created, for ``EntityIdList`` and the EntityId filter."""
    connection.execute(
        "INSERT OR IGNORE INTO change_set_entities (entity_id, change_set_id) VALUES (?, ?)",
        (entity_id, change_set_id),
    )


def finish(
    connection: sqlite3.Connection,
    change_set_id: str,
    *,
    status: str,
    when: float,
    code: str | None = None,
    description: str | None = None,
    changes: Sequence[Mapping[str, Any]] | None = None,
) -> None:
    """Make the set terminal (``changes``: the changes with their outcome, when known)."""
    if changes is None:
        connection.execute(
            "UPDATE change_sets SET status = ?, end_time = ?, failure_code = ?, "
            "failure_description = ? WHERE id = ?",
            (status, when, code, description, change_set_id),
        )
        return
    connection.execute(
        "UPDATE change_sets SET status = ?, end_time = ?, failure_code = ?, "
        "failure_description = ?, changes = ? WHERE id = ?",
        (status, when, code, description, json.dumps(list(changes)), change_set_id),
    )
