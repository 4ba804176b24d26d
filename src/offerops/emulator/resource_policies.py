"""PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy: one policy per entity ARN.

What the model says (botocore ``marketplace-catalog`` 2018-09-17): the operations attach, read
and delete "a resource-based policy" on "an entity" named by its ARN ("Examples of an entity
include: AmiProduct and ContainerProduct"); ``ResourceArn`` is 1-255 characters of the ARN
pattern, ``Policy`` 1-10,240 characters of tab, newline, carriage return and U+0020-U+00FF; the
modelled errors are ValidationException, ResourceNotFoundException, AccessDeniedException,
ThrottlingException and InternalServiceException.

What the emulator does: any entity the caller owns and can describe (offers, products, resale
authorizations it issued) takes a policy; an ARN of another account, of another region, of a
change set or of nothing is ResourceNotFoundException, as for tags. The policy must be a JSON
object (AWS validates the document; its exact rules are unconfirmed, and the emulator never
evaluates it: access between accounts is unchanged). Get and Delete with no policy attached
answer ResourceNotFoundException (unconfirmed: the conservative choice; AWS may answer Get with
no ``Policy``, or Delete with success).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from typing import Any

from offerops.emulator import checks, entities
from offerops.emulator.exceptions import ResourceNotFoundException, ValidationException
from offerops.emulator.store import policies as store

RESOURCE_ARN = re.compile(
    r"^arn:[\w+=/,.@-]+:aws-marketplace:[\w+=/,.@-]*:[0-9]+:[\w+=,.@-]+(/[\w+=,.@-]+)*$"
)
"""The model's ``ResourceARN`` pattern."""
POLICY_TEXT = re.compile(r"^[\t\n\r\x20-\xff]+$")
"""The model's ``ResourcePolicyJson`` pattern."""
_ENTITY_ARN = re.compile(
    r"^arn:aws:aws-marketplace:(?P<region>[\w-]*):(?P<account>\d{12}):AWSMarketplace/"
    r"(?P<type>\w+)/(?P<id>[\w-]+)$"
)


def put_resource_policy(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any], region: str
) -> dict[str, Any]:
    """Attach the policy (replacing any earlier one)."""
    arn = _owned_entity(connection, account, request, region)
    policy = checks.required_string(request, "Policy", pattern=POLICY_TEXT, max_length=10240)
    _require_json_object(policy)
    store.put(connection, arn, policy)
    return {}


def get_resource_policy(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any], region: str
) -> dict[str, Any]:
    """``{"Policy": ...}``, or ResourceNotFoundException when none is attached."""
    arn = _owned_entity(connection, account, request, region)
    policy = store.get(connection, arn)
    if policy is None:
        raise ResourceNotFoundException(f"No resource policy is attached to {arn}")
    return {"Policy": policy}


def delete_resource_policy(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any], region: str
) -> dict[str, Any]:
    """Remove the policy; ResourceNotFoundException when none is attached."""
    arn = _owned_entity(connection, account, request, region)
    if not store.delete(connection, arn):
        raise ResourceNotFoundException(f"No resource policy is attached to {arn}")
    return {}


def _owned_entity(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any], region: str
) -> str:
    """``ResourceArn``, if it is the ARN of an entity ``account`` owns; else 404."""
    arn = checks.required_string(request, "ResourceArn", pattern=RESOURCE_ARN, max_length=255)
    match = _ENTITY_ARN.match(arn)
    if match and match["account"] == account and match["region"] == region:
        try:
            detail = entities.describe_entity(
                connection, account, {"Catalog": "AWSMarketplace", "EntityId": match["id"]}, region
            )
        except (ResourceNotFoundException, ValidationException):
            detail = {}
        if detail.get("EntityArn") == arn:
            return arn
    raise ResourceNotFoundException(f"Resource {arn} was not found in account {account}")


def _require_json_object(policy: str) -> None:
    try:
        document = checks.load_json(policy)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise checks.fail("Policy must be a JSON policy document (an object)")
