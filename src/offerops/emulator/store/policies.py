"""Resource-based policies in the store: one policy document per resource ARN."""

from __future__ import annotations

import sqlite3


def put(connection: sqlite3.Connection, arn: str, policy: str) -> None:
    """Attach ``policy`` to ``arn``, replacing any earlier one."""
    connection.execute(
        "INSERT OR REPLACE INTO resource_policies (arn, policy) VALUES (?, ?)", (arn, policy)
    )


def get(connection: sqlite3.Connection, arn: str) -> str | None:
    """The policy attached to ``arn``, if any."""
    row = connection.execute("SELECT policy FROM resource_policies WHERE arn = ?", (arn,))
    found = row.fetchone()
    return None if found is None else str(found["policy"])


def delete(connection: sqlite3.Connection, arn: str) -> bool:
    """Remove the policy of ``arn``; whether there was one."""
    cursor = connection.execute("DELETE FROM resource_policies WHERE arn = ?", (arn,))
    return cursor.rowcount > 0
