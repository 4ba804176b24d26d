"""Tags on offers and change sets, keyed by ARN.

A resource is taggable only by the account that owns it; an ARN of another account, an unknown id
or a malformed ARN is a ResourceNotFoundException (404), as for any unknown resource.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from typing import Any

from offerops.emulator import checks
from offerops.emulator.exceptions import ResourceNotFoundException
from offerops.emulator.store import change_sets as change_set_store
from offerops.emulator.store import offers as offer_store
from offerops.emulator.store import tags as store

_ARN = re.compile(
    r"^arn:aws:aws-marketplace:(?P<region>[\w-]*):(?P<account>\d{12}):AWSMarketplace/"
    r"(?P<kind>Offer|ChangeSet)/(?P<id>[\w-]+)$"
)


def _owned_resource(connection: sqlite3.Connection, account: str, arn: str, region: str) -> str:
    """The ARN, if it names an offer or change set of ``account``; else 404."""
    match = _ARN.match(arn)
    if match and match["account"] == account and match["region"] == region:
        kind = offer_store if match["kind"] == "Offer" else change_set_store
        if kind.exists(connection, match["id"], account):
            return arn
    raise ResourceNotFoundException(f"Resource {arn} was not found in account {account}")


def _arn(request: Mapping[str, Any]) -> str:
    return checks.required_string(request, "ResourceArn", max_length=255)


def tag_resource(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any], region: str
) -> dict[str, Any]:
    arn = _owned_resource(connection, account, _arn(request), region)
    store.put(connection, arn, checks.tags(request.get("Tags"), "Tags"))
    return {}


def untag_resource(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any], region: str
) -> dict[str, Any]:
    arn = _owned_resource(connection, account, _arn(request), region)
    keys = checks.tag_keys(request.get("TagKeys"), "TagKeys")
    store.delete(connection, arn, keys)
    return {}


def list_tags(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any], region: str
) -> dict[str, Any]:
    arn = _owned_resource(connection, account, _arn(request), region)
    pairs = store.of(connection, arn)
    if not pairs:
        # The model's TagList has min 1: an untagged resource's answer has no Tags member.
        return {"ResourceArn": arn}
    return {"ResourceArn": arn, "Tags": [{"Key": key, "Value": value} for key, value in pairs]}
