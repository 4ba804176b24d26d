"""Change sets: synchronous validation, idempotency, entity locks and the async lifecycle.

StartChangeSet checks the request's shape at once (ValidationException), replays a known
ClientRequestToken, refuses entities held by a running set (ResourceInUseException) and stores the
set as PREPARING with the instants at which it shows as APPLYING and at which it is processed.
There is no background worker: every engine call first processes the sets that are due, inside one
``BEGIN IMMEDIATE`` transaction per call, so the lifecycle advances with the clock, in any process
sharing the database, and a set is applied entirely or not at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from offerops.emulator import checks, offers, pagination, product_changes
from offerops.emulator.clock import Clock, api_time, parse_api_time, utc_date
from offerops.emulator.entities import owned_offer, save_offer
from offerops.emulator.exceptions import (
    ResourceInUseException,
    ResourceNotFoundException,
    ValidationException,
)
from offerops.emulator.faults import Faults
from offerops.emulator.ids import (
    OFFER_ENTITY_TYPE,
    change_set_arn,
    entity_identifier,
    new_change_set_id,
    new_offer_id,
    offer_arn,
)
from offerops.emulator.store import change_sets as store
from offerops.emulator.store import tags as tag_store
from offerops.emulator.store.catalog import StoreCatalog

log = logging.getLogger(__name__)

HISTORY_SECONDS = 60 * 24 * 3600
"""Change sets can be described and listed for 60 days."""

_REFERENCE = re.compile(r"^\$([A-Za-z0-9]+)\.Entity\.Identifier$")
_START_MEMBERS = frozenset(
    {"Catalog", "ChangeSet", "ChangeSetName", "ClientRequestToken", "ChangeSetTags", "Intent"}
)
_CHANGE_MEMBERS = frozenset(
    {"ChangeType", "Entity", "EntityTags", "Details", "DetailsDocument", "ChangeName"}
)
_LIST_FILTERS = frozenset(
    {
        "ChangeSetName",
        "Status",
        "EntityId",
        "BeforeStartTime",
        "AfterStartTime",
        "BeforeEndTime",
        "AfterEndTime",
    }
)
_STATUSES = ("PREPARING", "APPLYING", "SUCCEEDED", "CANCELLED", "FAILED")


def default_change_set_name(account: str) -> str:
    """The name AWS gives a change set started without ``ChangeSetName``.

    Source: AWS's reference code, whose Postman collections show DescribeChangeSet answering
    ``"ChangeSetName": "Submitted by 111111111111"`` (PostmanCollections/
    aws_marketplace_labs_postman_collections.json and aws_marketplace_catalog_api_postman_
    collections.json in aws-samples/aws-marketplace-reference-code).
    """
    return f"Submitted by {account}"


@dataclass(frozen=True)
class _Change:
    """One submitted change after synchronous validation."""

    echo: dict[str, Any]
    """The change as submitted (ChangeType, Entity, ChangeName, Details or DetailsDocument)."""
    document: dict[str, Any]
    entity_id: str
    created: bool
    existing: bool
    tags: list[tuple[str, str]]

    def stored(self) -> dict[str, Any]:
        return {
            "echo": self.echo,
            "document": self.document,
            "entity_id": self.entity_id,
            "created": self.created,
            "existing": self.existing,
            "tags": self.tags,
            "errors": [],
        }


class ChangeSets:
    """The change set operations of one engine (its clock, faults, region and timing)."""

    def __init__(
        self, *, clock: Clock, faults: Faults, region: str, processing_seconds: float
    ) -> None:
        self.clock = clock
        self.faults = faults
        self.region = region
        self.processing_seconds = processing_seconds

    # --- StartChangeSet ------------------------------------------------------------------------

    def start(
        self, connection: sqlite3.Connection, account: str, request: Mapping[str, Any]
    ) -> dict[str, Any]:
        checks.no_unknown_members(request, _START_MEMBERS, "StartChangeSetRequest")
        checks.catalog(request)
        raw_changes = checks.items(request, "ChangeSet", 1, 20)
        name = checks.string(
            request, "ChangeSetName", pattern=checks.CHANGE_SET_NAME, max_length=100
        ) or default_change_set_name(account)
        token = checks.string(
            request, "ClientRequestToken", pattern=checks.CLIENT_REQUEST_TOKEN, max_length=64
        )
        intent = checks.one_of(request.get("Intent", "APPLY"), "Intent", ("APPLY", "VALIDATE"))
        set_tags = (
            checks.tags(request["ChangeSetTags"], "ChangeSetTags")
            if request.get("ChangeSetTags") is not None
            else []
        )
        changes = _parse_changes(raw_changes)
        digest = _request_hash(request)
        if token is not None:
            replay = self._replay(connection, account, token, digest)
            if replay is not None:
                return replay
        targets = sorted({c.entity_id for c in changes if c.existing})
        _require_owned(connection, account, targets)
        _require_unlocked(connection, targets)
        return self._insert(
            connection, account, name, intent, token, digest, changes, targets, set_tags
        )

    def _replay(
        self, connection: sqlite3.Connection, account: str, token: str, digest: str
    ) -> dict[str, Any] | None:
        row = store.by_token(connection, account, token)
        if row is None:
            return None
        if row["request_hash"] != digest:
            raise ValidationException(
                f"ClientRequestToken {token} was already used for a different request "
                f"(change set {row['id']}); use a new token for a new request"
            )
        return self._ids(account, row["id"])

    def _insert(
        self,
        connection: sqlite3.Connection,
        account: str,
        name: str | None,
        intent: str,
        token: str | None,
        digest: str,
        changes: list[_Change],
        targets: list[str],
        set_tags: list[tuple[str, str]],
    ) -> dict[str, Any]:
        server_fault, jitter = self.faults.change_set_plan()
        now = self.clock.now()
        processing = self.processing_seconds + jitter
        change_set_id = new_change_set_id()
        new = store.NewChangeSet(
            id=change_set_id,
            account=account,
            name=name,
            intent=intent,
            start_time=now,
            applying_at=now + processing / 2,
            apply_at=now + processing,
            server_fault=server_fault,
            token=token,
            request_hash=digest,
            changes=[change.stored() for change in changes],
            entity_ids=targets,
        )
        store.insert(connection, new)
        tag_store.put(connection, change_set_arn(self.region, account, change_set_id), set_tags)
        return self._ids(account, change_set_id)

    def _ids(self, account: str, change_set_id: str) -> dict[str, Any]:
        return {
            "ChangeSetId": change_set_id,
            "ChangeSetArn": change_set_arn(self.region, account, change_set_id),
        }

    # --- DescribeChangeSet / CancelChangeSet ---------------------------------------------------

    def describe(
        self, connection: sqlite3.Connection, account: str, request: Mapping[str, Any]
    ) -> dict[str, Any]:
        row = self._owned(connection, account, request)
        result: dict[str, Any] = {
            **self._ids(account, row["id"]),
            "ChangeSetName": row["name"],
            "Intent": row["intent"],
            "StartTime": api_time(row["start_time"]),
            "EndTime": api_time(row["end_time"]) if row["end_time"] is not None else None,
            "Status": self._status(row),
            "FailureCode": row["failure_code"],
            "FailureDescription": row["failure_description"],
            "ChangeSet": [_summary(change) for change in json.loads(row["changes"])],
        }
        return {key: value for key, value in result.items() if value is not None}

    def cancel(
        self, connection: sqlite3.Connection, account: str, request: Mapping[str, Any]
    ) -> dict[str, Any]:
        row = self._owned(connection, account, request)
        status = self._status(row)
        if status != "PREPARING":
            raise ResourceInUseException(
                f"Change set {row['id']} is {status}; only a PREPARING change set can be cancelled"
            )
        store.cancel(connection, row["id"], self.clock.now())
        return self._ids(account, row["id"])

    def _owned(
        self, connection: sqlite3.Connection, account: str, request: Mapping[str, Any]
    ) -> sqlite3.Row:
        checks.catalog(request)
        change_set_id = checks.required_string(
            request, "ChangeSetId", pattern=checks.RESOURCE_ID, max_length=255
        )
        row = store.owned(connection, change_set_id, account, self.clock.now() - HISTORY_SECONDS)
        if row is None:
            raise ResourceNotFoundException(
                f"Change set {change_set_id} was not found in account {account}"
            )
        return row

    def _status(self, row: sqlite3.Row) -> str:
        if row["status"] != store.NOT_TERMINAL:
            return str(row["status"])
        return "PREPARING" if self.clock.now() < row["applying_at"] else "APPLYING"

    # --- ListChangeSets ------------------------------------------------------------------------

    def list_change_sets(
        self, connection: sqlite3.Connection, account: str, request: Mapping[str, Any]
    ) -> dict[str, Any]:
        checks.no_unknown_members(
            request,
            frozenset({"Catalog", "FilterList", "Sort", "MaxResults", "NextToken"}),
            "ListChangeSetsRequest",
        )
        checks.catalog(request)
        limit = checks.integer(request, "MaxResults", 1, 20, 20)
        now = self.clock.now()
        filters = self._list_filters(request, now)
        column, descending = _list_sort(request)
        fingerprint = pagination.fingerprint(
            {"filters": request.get("FilterList"), "sort": [column, descending]}
        )
        after = None
        if request.get("NextToken") is not None:
            value, seq = pagination.decode(request["NextToken"], fingerprint)
            after = (value, seq)
        query = store.ChangeSetPage(
            now - HISTORY_SECONDS, filters, column, descending, after, limit
        )
        rows = store.page(connection, account, query)
        page = rows[:limit]
        entity_ids = store.entity_ids(connection, [row["id"] for row in page])
        result: dict[str, Any] = {
            "ChangeSetSummaryList": [self._list_item(row, entity_ids) for row in page]
        }
        if len(rows) > limit:
            last = page[-1]
            result["NextToken"] = pagination.encode(fingerprint, [last[column], last["seq"]])
        return result

    def _list_item(self, row: sqlite3.Row, entity_ids: Mapping[str, list[str]]) -> dict[str, Any]:
        item: dict[str, Any] = {
            **self._ids(row["account"], row["id"]),
            "ChangeSetName": row["name"],
            "StartTime": api_time(row["start_time"]),
            "EndTime": api_time(row["end_time"]) if row["end_time"] is not None else None,
            "Status": self._status(row),
            "EntityIdList": entity_ids.get(row["id"], []),
            "FailureCode": row["failure_code"],
        }
        return {key: value for key, value in item.items() if value is not None}

    def _list_filters(self, request: Mapping[str, Any], now: float) -> list[store.ChangeSetFilter]:
        found: list[store.ChangeSetFilter] = []
        for index, entry in enumerate(checks.items(request, "FilterList", 0, 8)):
            member = f"FilterList.{index + 1}"
            item = checks.mapping(entry, member)
            name = item.get("Name")
            if name not in _LIST_FILTERS:
                raise ValidationException(
                    f"Unknown filter name {name!r} at {member}.Name; supported: "
                    f"{', '.join(sorted(_LIST_FILTERS))}"
                )
            values = checks.items(item, "ValueList", 1, 10)
            found.append(_list_filter(str(name), values, f"{member}.ValueList", now))
        return found

    # --- processing ----------------------------------------------------------------------------

    def has_due(self, connection: sqlite3.Connection) -> bool:
        """Whether a set is waiting to be processed (a cheap indexed read)."""
        return store.has_due(connection, self.clock.now())

    def process_due(self, connection: sqlite3.Connection) -> None:
        """Validate and apply (or fail) every set whose processing time has come, oldest first."""
        for row in store.due(connection, self.clock.now()):
            _process_contained(connection, row, self.region)


def _process_contained(connection: sqlite3.Connection, row: sqlite3.Row, region: str) -> None:
    """Process one set; an emulator bug fails that set (SERVER_FAULT) instead of wedging all."""
    try:
        with store.savepoint(connection):
            _Processing(connection, row, region).run()
    except Exception:
        log.exception("emulator bug while processing change set %s", row["id"])
        store.finish(
            connection,
            row["id"],
            status="FAILED",
            when=row["apply_at"],
            code="SERVER_FAULT",
            description="internal error in the emulator; nothing was applied",
        )


class _Processing:
    """Processing one due change set, at the instant it was due."""

    def __init__(self, connection: sqlite3.Connection, row: sqlite3.Row, region: str) -> None:
        self.connection = connection
        self.row = row
        self.region = region
        self.account: str = row["account"]
        self.when: float = row["apply_at"]
        self.changes: list[dict[str, Any]] = json.loads(row["changes"])
        self.catalog = product_changes.WorkingCatalog(StoreCatalog(connection))
        self.context = offers.Context(self.account, self.when, utc_date(self.when), self.catalog)

    def run(self) -> None:
        if self.row["server_fault"]:
            self._finish(
                "FAILED",
                "SERVER_FAULT",
                "An internal error occurred while processing the change set (injected "
                "SERVER_FAULT); nothing was applied, start it again",
            )
            return
        working = self._apply_in_memory()
        failed = sum(1 for change in self.changes if change["errors"])
        if failed:
            self._finish(
                "FAILED", "CLIENT_ERROR", f"{failed} change(s) failed; see their ErrorDetailList"
            )
        elif self.row["intent"] == "VALIDATE":
            self._finish("SUCCEEDED")
        else:
            self._write(working)
            self._finish("SUCCEEDED")

    def _apply_in_memory(self) -> dict[str, offers.Document]:
        working: dict[str, offers.Document] = {}
        for change in self.changes:
            result = self._apply_one(change, working)
            if result.offer is not None:
                working[change["entity_id"]] = result.offer
            change["errors"] = [error.wire() for error in result.errors]
        self._check_consistency(working)
        return working

    def _apply_one(
        self, change: dict[str, Any], working: dict[str, offers.Document]
    ) -> offers.ChangeResult:
        if product_changes.is_product_change(change):
            return product_changes.apply(change, self.catalog, self.context)
        change_type = change["echo"]["ChangeType"]
        entity_id = change["entity_id"]
        if change["created"]:
            return offers.create(change_type, change["document"], entity_id, self.context)
        offer = working.get(entity_id)
        if offer is None and not change["existing"]:
            return offers.ChangeResult(
                None,
                [
                    offers.ErrorDetail(
                        "INVALID_ENTITY_ID",
                        "the offer this change refers to was "
                        "not created (its Create change failed)",
                    )
                ],
            )
        if offer is None:
            stored = owned_offer(self.connection, self.account, entity_id)
            assert stored is not None, "ownership was checked when the set started"
            offer = stored.details
        return offers.update(offer, change_type, change["document"], self.context)

    def _check_consistency(self, working: Mapping[str, offers.Document]) -> None:
        """Cross-term rules for offers this set changed (ReleaseOffer checks them itself)."""
        for entity_id, offer in working.items():
            mine = [c for c in self.changes if c["entity_id"] == entity_id]
            if any(c["echo"]["ChangeType"] == "ReleaseOffer" for c in mine):
                continue
            for change_type, error in offers.consistency(offer):
                same = [c for c in mine if c["echo"]["ChangeType"] == change_type]
                (same or mine)[-1]["errors"].append(error.wire())

    def _write(self, working: Mapping[str, offers.Document]) -> None:
        revisions = self.catalog.write(self.connection, api_time(self.when))
        for entity_id, offer in working.items():
            stored = owned_offer(self.connection, self.account, entity_id)
            revisions[entity_id] = stored.revision + 1 if stored else 1
            save_offer(self.connection, self.account, offer, revisions[entity_id], self.when)
        for change in self.changes:
            entity_id = change["entity_id"]
            change["echo"]["Entity"]["Identifier"] = entity_identifier(
                entity_id, revisions[entity_id]
            )
            if change["created"]:
                store.add_created_entity(self.connection, self.row["id"], entity_id)
                arn = offer_arn(self.region, self.account, entity_id)
                tag_store.put(self.connection, arn, [tuple(pair) for pair in change["tags"]])

    def _finish(self, status: str, code: str | None = None, description: str | None = None) -> None:
        store.finish(
            self.connection,
            self.row["id"],
            status=status,
            when=self.when,
            code=code,
            description=description,
            changes=self.changes,
        )


# --- synchronous validation of the submitted changes ---------------------------------------------


def _parse_changes(raw_changes: list[Any]) -> list[_Change]:
    names: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    parsed: list[_Change] = []
    for index, raw in enumerate(raw_changes):
        member = f"ChangeSet.{index + 1}"
        change = _parse_change(checks.mapping(raw, member), member, names)
        key = (change.echo["ChangeType"], change.entity_id)
        if key in seen:
            raise ValidationException(
                f"{member}: the change set already has a {key[0]} change for "
                f"{change.echo['Entity'].get('Identifier') or 'this entity'}; a change type may "
                "appear only once per entity"
            )
        seen.add(key)
        parsed.append(change)
    return parsed


def _parse_change(change: Mapping[str, Any], member: str, names: dict[str, str]) -> _Change:
    checks.no_unknown_members(change, _CHANGE_MEMBERS, member)
    change_type = checks.required_string(
        change, "ChangeType", pattern=checks.CHANGE_TYPE, max_length=255
    )
    entity = checks.mapping(change.get("Entity"), f"{member}.Entity")
    checks.no_unknown_members(entity, frozenset({"Type", "Identifier"}), f"{member}.Entity")
    entity_type = checks.required_string(entity, "Type", max_length=255)
    identifier = checks.string(entity, "Identifier", max_length=255)
    _known_change_type(change_type, entity_type, member)
    document, echo_details = _details(change, member)
    change_name = checks.string(change, "ChangeName", pattern=checks.CHANGE_NAME, max_length=72)
    echo: dict[str, Any] = {"ChangeType": change_type, "Entity": dict(entity), **echo_details}
    if change_name is not None:
        echo["ChangeName"] = change_name
    created = change_type in offers.CREATE_TYPES
    tags = _entity_tags(change, member, created)
    entity_id, existing = _target(identifier, created, change_type, member, names)
    if change_name is not None:
        if change_name in names:
            raise ValidationException(f"{member}: ChangeName {change_name} is used twice")
        names[change_name] = entity_id if created else ""
    return _Change(echo, document, entity_id, created, existing, tags)


def _known_change_type(change_type: str, entity_type: str, member: str) -> None:
    if product_changes.is_product_type(entity_type):
        product_changes.check_change_type(change_type, entity_type, member)
        return
    if entity_type != OFFER_ENTITY_TYPE:
        raise ValidationException(
            f"{member}.Entity.Type {entity_type!r} is not supported by the offerops emulator "
            f"(it emulates {OFFER_ENTITY_TYPE})"
        )
    if change_type in offers.NOT_EMULATED:
        raise ValidationException(
            f"{member}: ChangeType {change_type} is not supported by the offerops emulator"
        )
    if change_type not in offers.CHANGE_TYPES:
        raise ValidationException(
            f"{member}: ChangeType {change_type} is not valid for entity type {entity_type}"
        )


def _details(change: Mapping[str, Any], member: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The details as a dict, and the member to echo in DescribeChangeSet."""
    has_string, has_document = "Details" in change, "DetailsDocument" in change
    if has_string and has_document:
        raise ValidationException(f"{member}: provide Details or DetailsDocument, not both")
    as_list = product_changes.takes_list(change.get("ChangeType"))
    if has_document:
        document = change["DetailsDocument"]
        if as_list and isinstance(document, list):
            return {"list": document}, {"DetailsDocument": document}
        if not isinstance(document, dict):
            raise ValidationException(f"{member}.DetailsDocument must be a JSON object")
        return document, {"DetailsDocument": document}
    if not has_string:
        return {}, {}
    text = change["Details"]
    if not isinstance(text, str) or not 2 <= len(text) <= 16384:
        raise ValidationException(
            f"{member}.Details must be a string of 2 to 16384 characters holding a JSON object"
        )
    try:
        document = checks.load_json(text)
    except ValueError as error:
        raise ValidationException(f"{member}.Details is not valid JSON: {error}") from None
    if as_list and isinstance(document, list):
        return {"list": document}, {"Details": text}
    if not isinstance(document, dict):
        raise ValidationException(f"{member}.Details must hold a JSON object")
    return document, {"Details": text}


def _entity_tags(change: Mapping[str, Any], member: str, created: bool) -> list[tuple[str, str]]:
    if change.get("EntityTags") is None:
        return []
    if not created:
        raise ValidationException(
            f"{member}: EntityTags apply only to Create changes; tag an existing offer with "
            "TagResource"
        )
    return checks.tags(change["EntityTags"], f"{member}.EntityTags")


def _target(
    identifier: str | None,
    created: bool,
    change_type: str,
    member: str,
    names: Mapping[str, str],
) -> tuple[str, bool]:
    """(entity id, whether it exists already) for a change."""
    if created:
        if identifier is not None:
            raise ValidationException(f"{member}: {change_type} takes no Entity.Identifier")
        return new_offer_id(), False
    if identifier is None:
        raise ValidationException(f"{member}: {change_type} needs an Entity.Identifier")
    reference = _REFERENCE.match(identifier)
    if reference:
        target = names.get(reference.group(1))
        if not target:
            raise ValidationException(
                f"{member}: Entity.Identifier {identifier} does not refer to the ChangeName of "
                "an earlier Create change in this change set"
            )
        return target, False
    if identifier.startswith("$") or not checks.IDENTIFIER.match(identifier):
        raise ValidationException(f"{member}: Entity.Identifier {identifier!r} is not valid")
    return identifier.split("@", 1)[0], True


def _request_hash(request: Mapping[str, Any]) -> str:
    body = {key: value for key, value in request.items() if key != "ClientRequestToken"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _require_owned(connection: sqlite3.Connection, account: str, entity_ids: list[str]) -> None:
    for entity_id in entity_ids:
        owned = owned_offer(connection, account, entity_id) is not None
        if not owned and not product_changes.owns(connection, account, entity_id):
            raise ResourceNotFoundException(
                f"Entity {entity_id} was not found in account {account}"
            )


def _require_unlocked(connection: sqlite3.Connection, entity_ids: list[str]) -> None:
    """No running set may hold any of the entities (docs/emulator.md, "Locks")."""
    row = store.lock_holder(connection, entity_ids)
    if row is not None:
        raise ResourceInUseException(
            f"Entity {row['entity_id']} is in use by change set {row['id']}, which has not "
            "finished; start this change set after it completes"
        )


# --- describe/list helpers -----------------------------------------------------------------------


def _summary(change: Mapping[str, Any]) -> dict[str, Any]:
    return {**change["echo"], "ErrorDetailList": change["errors"]}


def _list_sort(request: Mapping[str, Any]) -> tuple[str, bool]:
    """(column, descending); default: StartTime, newest first."""
    sort = request.get("Sort")
    if sort is None:
        return "start_time", True
    sort = checks.mapping(sort, "Sort")
    by = checks.one_of(sort.get("SortBy", "StartTime"), "Sort.SortBy", ("StartTime", "EndTime"))
    order = checks.one_of(
        sort.get("SortOrder", "ASCENDING"), "Sort.SortOrder", ("ASCENDING", "DESCENDING")
    )
    return store.SORT_COLUMNS[by], order == "DESCENDING"


def _list_filter(name: str, values: list[Any], member: str, now: float) -> store.ChangeSetFilter:
    """One FilterList entry as a store filter (values are ORed, filters ANDed)."""
    if name == "ChangeSetName":
        return store.NamedAnyOf(values)
    if name == "EntityId":
        return store.TouchesAnyOf(values)
    if name == "Status":
        statuses = [checks.one_of(value, member, _STATUSES) for value in values]
        return store.StatusAnyOf(statuses, now)
    if len(values) != 1:
        raise ValidationException(f"{member} of {name} takes exactly one timestamp")
    instant = _instant(values[0], member)
    return store.TimeBound(
        "start" if name.endswith("StartTime") else "end", name.startswith("Before"), instant
    )


def _instant(value: Any, member: str) -> float:
    return parse_api_time(checks.api_time(value, member))
