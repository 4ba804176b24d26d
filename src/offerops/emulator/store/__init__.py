"""SQLite persistence: one file, schema on first use, WAL, and one transaction per mutation.

Each engine call opens its own connection and closes it before returning, so the store is safe
across threads and processes without a Python-level lock and never leaks a connection. Mutations run
inside ``BEGIN IMMEDIATE`` (the writer lock is taken up front, so two writers never deadlock on a
lock upgrade and the busy timeout applies); reads run in a deferred transaction, which in WAL mode
is a consistent snapshot that never blocks writers. A crash or an exception rolls the whole
transaction back: a change set is applied entirely or not at all.

Every SQL statement of the emulator lives in this package: :class:`Store` (connections, schema,
transactions) here, and the queries per table group in ``offers``, ``change_sets``, ``catalog``,
``tags``, ``policies`` and ``agreements``. The operation modules pass them plain values and
filters as data, so no request text ever becomes SQL and the rules stay readable without the
schema.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA_VERSION = 3
BUSY_TIMEOUT_MS = 30_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS products (
    product_id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    product_type TEXT NOT NULL,
    name TEXT,
    dimensions TEXT NOT NULL,               -- JSON {key: "Entitled" | "ExternallyMetered"}
    dimension_details TEXT,                 -- JSON [{Key, Name, Description, Unit, Types}]
    revision INTEGER NOT NULL DEFAULT 1,
    last_modified TEXT                      -- DateTimeISO8601
);
CREATE TABLE IF NOT EXISTS resale_authorizations (
    id TEXT PRIMARY KEY,
    isv_account TEXT NOT NULL,
    reseller_account TEXT NOT NULL,
    product_id TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    created TEXT,                           -- DateTimeISO8601
    terms TEXT                              -- JSON [term], the ISV's (NULL: none of its own)
);
CREATE TABLE IF NOT EXISTS offers (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    revision INTEGER NOT NULL,
    name TEXT,
    product_id TEXT NOT NULL,
    resale_authorization_id TEXT,
    state TEXT NOT NULL,
    release_date TEXT,                      -- DateTimeISO8601, sortable
    availability_end TEXT,                  -- DateTimeISO8601 (midnight of the end date)
    buyer_accounts TEXT NOT NULL,           -- comma-separated, for wildcard filters and sorting
    targeting TEXT NOT NULL,                -- comma-separated OfferTargetingString values
    last_modified TEXT NOT NULL,            -- DateTimeISO8601
    details TEXT NOT NULL,                  -- the DetailsDocument as JSON
    target_agreement_id TEXT                -- the agreement a replacement offer replaces
);
CREATE INDEX IF NOT EXISTS offers_by_id ON offers (account, id);
CREATE INDEX IF NOT EXISTS offers_by_modified ON offers (account, last_modified, id);
CREATE INDEX IF NOT EXISTS offers_by_name ON offers (account, name, id);
CREATE INDEX IF NOT EXISTS offers_by_product ON offers (account, product_id, id);
CREATE INDEX IF NOT EXISTS offers_by_end ON offers (account, availability_end, id);
CREATE INDEX IF NOT EXISTS offers_by_state ON offers (account, state, id);
CREATE INDEX IF NOT EXISTS offers_by_target ON offers (account, target_agreement_id, id);
CREATE TABLE IF NOT EXISTS offer_buyers (
    buyer TEXT NOT NULL,
    offer_id TEXT NOT NULL,
    PRIMARY KEY (buyer, offer_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS change_sets (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    account TEXT NOT NULL,
    name TEXT,
    intent TEXT NOT NULL,
    status TEXT NOT NULL,                   -- PREPARING (until due), SUCCEEDED, FAILED, CANCELLED
    start_time REAL NOT NULL,
    applying_at REAL NOT NULL,              -- shown as APPLYING from here on
    apply_at REAL NOT NULL,                 -- processed (validated and applied) from here on
    end_time REAL,
    failure_code TEXT,
    failure_description TEXT,
    server_fault INTEGER NOT NULL,
    token TEXT,
    request_hash TEXT NOT NULL,
    changes TEXT NOT NULL                   -- JSON list of the submitted changes + outcome
);
CREATE UNIQUE INDEX IF NOT EXISTS change_sets_by_token ON change_sets (account, token)
    WHERE token IS NOT NULL;
CREATE INDEX IF NOT EXISTS change_sets_due ON change_sets (status, apply_at);
CREATE INDEX IF NOT EXISTS change_sets_by_start ON change_sets (account, start_time, seq);
CREATE TABLE IF NOT EXISTS change_set_entities (
    entity_id TEXT NOT NULL,
    change_set_id TEXT NOT NULL,
    PRIMARY KEY (entity_id, change_set_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS change_set_entities_by_set ON change_set_entities (change_set_id);
CREATE TABLE IF NOT EXISTS tags (
    arn TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (arn, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS resource_policies (
    arn TEXT PRIMARY KEY,                   -- an entity's ARN (PutResourcePolicy)
    policy TEXT NOT NULL                    -- the policy document as sent
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agreements (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    offer_id TEXT NOT NULL,
    proposer TEXT NOT NULL,
    acceptor TEXT NOT NULL,
    product_id TEXT NOT NULL,
    product_type TEXT NOT NULL,
    acceptance_time REAL NOT NULL,
    start_time REAL NOT NULL,
    end_time REAL,
    purchase_order TEXT,
    terms TEXT NOT NULL,                    -- JSON: the offer's Terms, frozen at acceptance
    renews INTEGER NOT NULL,
    initial_agreement_id TEXT,              -- first agreement of a replacement chain
    replaced_time REAL                      -- when a replacement offer's acceptance replaced it
);
CREATE INDEX IF NOT EXISTS agreements_by_proposer ON agreements (proposer, seq);
CREATE INDEX IF NOT EXISTS agreements_by_acceptor ON agreements (acceptor, seq);
"""

_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        "ALTER TABLE products ADD COLUMN dimension_details TEXT",
        "ALTER TABLE products ADD COLUMN revision INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE products ADD COLUMN last_modified TEXT",
        "ALTER TABLE resale_authorizations ADD COLUMN created TEXT",
        "ALTER TABLE offers ADD COLUMN target_agreement_id TEXT",
        "ALTER TABLE agreements ADD COLUMN initial_agreement_id TEXT",
        "ALTER TABLE agreements ADD COLUMN replaced_time REAL",
    ),
    2: ("ALTER TABLE resale_authorizations ADD COLUMN terms TEXT",),
}
"""Schema version -> the statements that bring a database of that version to the next one (a
database written before products, authorizations and replacements were entities keeps its data;
one written before authorizations had terms gets the column, NULL: no terms of their own)."""

TABLES = (
    "products",
    "resale_authorizations",
    "offers",
    "offer_buyers",
    "change_sets",
    "change_set_entities",
    "tags",
    "resource_policies",
    "agreements",
)


class Store:
    """The emulator's database file."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._create_schema()

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
        )
        connection.row_factory = sqlite3.Row
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA synchronous = NORMAL")
        return connection

    def _create_schema(self) -> None:
        connection = self._connect()
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            with self._transaction(connection, "BEGIN IMMEDIATE"):
                version = connection.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise RuntimeError(
                        f"{self.path} was written by a newer offerops emulator "
                        f"(schema {version}, this one knows {SCHEMA_VERSION})"
                    )
                for step in range(version, SCHEMA_VERSION) if version else ():
                    for statement in _MIGRATIONS.get(step, ()):
                        connection.execute(statement)
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        finally:
            connection.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A connection inside ``BEGIN IMMEDIATE``: committed on success, rolled back on error."""
        connection = self._connect()
        try:
            with self._transaction(connection, "BEGIN IMMEDIATE"):
                yield connection
        finally:
            connection.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection inside a deferred transaction: a consistent snapshot for several reads."""
        connection = self._connect()
        try:
            with self._transaction(connection, "BEGIN"):
                yield connection
        finally:
            connection.close()

    @staticmethod
    @contextmanager
    def _transaction(connection: sqlite3.Connection, begin: str) -> Iterator[None]:
        connection.execute(begin)
        try:
            yield
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def reset(self) -> None:
        """Delete every row (the schema stays)."""
        with self.write() as connection:
            for table in TABLES:
                connection.execute(f"DELETE FROM {table}")
