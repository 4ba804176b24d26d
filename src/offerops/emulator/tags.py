"""Tags on offers and change sets, keyed by ARN.

A resource is taggable only by the account that owns it; an ARN of another account, an unknown id
or a malformed ARN is a ResourceNotFoundException (404), as for any unknown resource.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from offerops.emulator import checks
from offerops.emulator.exceptions import ResourceNotFoundException

_ARN = re.compile(
    r"^arn:aws:aws-marketplace:(?P<region>[\w-]*):(?P<account>\d{12}):AWSMarketplace/"
    r"(?P<kind>Offer|ChangeSet)/(?P<id>[\w-]+)$"
)


def _owned_resource(connection: sqlite3.Connection, account: str, arn: str, region: str) -> str:
    """The ARN, if it names an offer or change set of ``account``; else 404."""
    match = _ARN.match(arn)
    if match and match["account"] == account and match["region"] == region:
        table = "offers" if match["kind"] == "Offer" else "change_sets"
        row = connection.execute(
            f"SELECT 1 FROM {table} WHERE id = ? AND account = ?", (match["id"], account)
        ).fetchone()
        if row is not None:
            return arn
    raise ResourceNotFoundException(f"Resource {arn} was not found in account {account}")


def _arn(request: Mapping[str, Any]) -> str:
    return checks.required_string(request, "ResourceArn", max_length=255)


def put_tags(connection: sqlite3.Connection, arn: str, pairs: Iterable[tuple[str, str]]) -> None:
    """Set tags on a resource known to exist (used by change sets for their own tags too)."""
    connection.executemany(
        "INSERT OR REPLACE INTO tags (arn, key, value) VALUES (?, ?, ?)",
        [(arn, key, value) for key, value in pairs],
    )


def tag_resource(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any], region: str
) -> dict[str, Any]:
    arn = _owned_resource(connection, account, _arn(request), region)
    put_tags(connection, arn, checks.tags(request.get("Tags"), "Tags"))
    return {}


def untag_resource(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any], region: str
) -> dict[str, Any]:
    arn = _owned_resource(connection, account, _arn(request), region)
    keys = checks.tag_keys(request.get("TagKeys"), "TagKeys")
    connection.executemany(
        "DELETE FROM tags WHERE arn = ? AND key = ?", [(arn, key) for key in keys]
    )
    return {}


def list_tags(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any], region: str
) -> dict[str, Any]:
    arn = _owned_resource(connection, account, _arn(request), region)
    rows = connection.execute("SELECT key, value FROM tags WHERE arn = ? ORDER BY key", (arn,))
    return {"ResourceArn": arn, "Tags": [{"Key": r["key"], "Value": r["value"]} for r in rows]}
