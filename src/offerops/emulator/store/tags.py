"""Tags in the store, keyed by the tagged resource's ARN."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


def put(connection: sqlite3.Connection, arn: str, pairs: Iterable[tuple[str, str]]) -> None:
    """Set tags (later values of a key replace earlier ones)."""
    connection.executemany(
        "INSERT OR REPLACE INTO tags (arn, key, value) VALUES (?, ?, ?)",
        [(arn, key, value) for key, value in pairs],
    )


def delete(connection: sqlite3.Connection, arn: str, keys: Iterable[str]) -> None:
    """Remove tags by key (an absent key is no error)."""
    connection.executemany(
        "DELETE FROM tags WHERE arn = ? AND key = ?", [(arn, key) for key in keys]
    )


def of(connection: sqlite3.Connection, arn: str) -> list[tuple[str, str]]:
    """The resource's tags as (key, value), by key."""
    rows = connection.execute("SELECT key, value FROM tags WHERE arn = ? ORDER BY key", (arn,))
    return [(row["key"], row["value"]) for row in rows]
