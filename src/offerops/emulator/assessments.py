"""StartAssessment, DescribeAssessment and ListAssessments, with no assessment framework.

What the model says (botocore ``marketplace-catalog`` 2018-09-17, new in botocore 1.44.8): an
assessment evaluates a product entity against a framework's controls (the ``FrameworkSummary``
union names AMI security, container security, listing quality and listing recommendations);
StartAssessment (Catalog, FrameworkId, EntityId required; ClientToken, Controls 1-100, Tags
1-200) returns an ``AssessmentId``; DescribeAssessment and ListAssessments read results. Modelled
errors: ValidationException, ResourceNotFoundException, AccessDeniedException,
ThrottlingException, InternalServiceException, and for StartAssessment ResourceInUseException and
ServiceQuotaExceededException too.

What the emulator does (documented choice): it runs no framework, since the controls are AWS's
security scans and listing checks, which it cannot reproduce. So the requests are validated
against the model; StartAssessment of an entity the caller cannot describe is
ResourceNotFoundException, and of one it can is ValidationException naming the framework (both
modelled); no assessment ever exists, so ListAssessments answers an empty
``AssessmentSummaryList`` and DescribeAssessment ResourceNotFoundException. Which frameworks AWS
accepts for which entity types is unconfirmed.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from typing import Any

from offerops.emulator import checks, entities
from offerops.emulator.exceptions import ResourceNotFoundException

ASSESSMENT_IDENTIFIER = re.compile(
    r"^(assessment-[a-zA-Z0-9]+|arn:[a-zA-Z0-9-]+:[a-zA-Z0-9-]+:[a-zA-Z0-9-]*:[0-9]*:"
    r"[a-zA-Z0-9-]+/Assessment/assessment-[a-zA-Z0-9]+)$"
)
FRAMEWORK_ID = checks.IDENTIFIER
NEXT_TOKEN = re.compile(r"^[\w+=.:@\-\/]+$")

_START = frozenset({"Catalog", "ClientToken", "FrameworkId", "EntityId", "Controls", "Tags"})
_DESCRIBE = frozenset({"Catalog", "AssessmentIdentifier", "MaxResults", "NextToken"})
_LIST = frozenset(
    {
        "Catalog",
        "FrameworkId",
        "AssessmentTargetFilter",
        "FrameworkFilters",
        "MaxResults",
        "NextToken",
    }
)
_TARGET_FILTER = frozenset({"EntityId", "ChangeSetId", "EntityIds"})
_FRAMEWORK_FILTERS = frozenset({"AMISecurityFilters", "ContainerSecurityFilters"})


def start_assessment(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any], region: str
) -> dict[str, Any]:
    """Validate, then refuse: the entity is unknown (404) or no framework runs here (422)."""
    checks.no_unknown_members(request, _START, "StartAssessmentRequest")
    checks.catalog(request)
    checks.string(request, "ClientToken", pattern=checks.CLIENT_REQUEST_TOKEN, max_length=64)
    framework = checks.required_string(request, "FrameworkId", pattern=FRAMEWORK_ID, max_length=255)
    entity_id = checks.required_string(
        request, "EntityId", pattern=checks.RESOURCE_ID, max_length=255
    )
    _controls(request)
    _tag_map(request.get("Tags"))
    entities.describe_entity(
        connection, account, {"Catalog": "AWSMarketplace", "EntityId": entity_id}, region
    )
    raise checks.fail(
        f"Framework {framework} cannot assess {entity_id}: the offerops emulator runs no "
        "assessment framework"
    )


def describe_assessment(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any], region: str
) -> dict[str, Any]:
    """Validate; no assessment exists, so ResourceNotFoundException."""
    checks.no_unknown_members(request, _DESCRIBE, "DescribeAssessmentRequest")
    checks.catalog(request)
    identifier = checks.required_string(
        request, "AssessmentIdentifier", pattern=ASSESSMENT_IDENTIFIER, max_length=2048
    )
    checks.integer(request, "MaxResults", 1, 100, 100)
    checks.string(request, "NextToken", pattern=NEXT_TOKEN, max_length=4096)
    raise ResourceNotFoundException(f"Assessment {identifier} was not found in account {account}")


def list_assessments(
    connection: sqlite3.Connection, account: str, request: Mapping[str, Any], region: str
) -> dict[str, Any]:
    """Validate; no assessment exists, so an empty list (a token can only be a stale one)."""
    checks.no_unknown_members(request, _LIST, "ListAssessmentsRequest")
    checks.catalog(request)
    checks.string(request, "FrameworkId", pattern=FRAMEWORK_ID, max_length=255)
    checks.integer(request, "MaxResults", 1, 100, 100)
    _target_filter(request.get("AssessmentTargetFilter"))
    _framework_filters(request.get("FrameworkFilters"))
    if checks.string(request, "NextToken", pattern=NEXT_TOKEN, max_length=4096) is not None:
        raise checks.fail("NextToken is not valid for this request")
    return {"AssessmentSummaryList": []}


def _controls(request: Mapping[str, Any]) -> None:
    if request.get("Controls") is None:
        return
    for index, entry in enumerate(checks.items(request, "Controls", 1, 100)):
        where = f"Controls.{index + 1}"
        control = checks.mapping(entry, where)
        checks.no_unknown_members(control, frozenset({"ControlId", "Input"}), where)
        checks.required_string(control, "ControlId", pattern=checks.RESOURCE_ID, max_length=255)


def _tag_map(value: Any) -> None:
    """A ``TagMap``: 1-200 string keys and values."""
    if value is None:
        return
    tags = checks.mapping(value, "Tags")
    pairs = [{"Key": key, "Value": text} for key, text in tags.items()]
    checks.tags(pairs, "Tags")


def _target_filter(value: Any) -> None:
    if value is None:
        return
    target = checks.mapping(value, "AssessmentTargetFilter")
    checks.no_unknown_members(target, _TARGET_FILTER, "AssessmentTargetFilter")
    for member in ("EntityId", "ChangeSetId"):
        checks.string(target, member, pattern=checks.RESOURCE_ID, max_length=255)
    if target.get("EntityIds") is None:
        return
    for index, entity_id in enumerate(checks.items(target, "EntityIds", 1, 50)):
        where = f"AssessmentTargetFilter.EntityIds.{index + 1}"
        checks.string({where: entity_id}, where, pattern=checks.RESOURCE_ID, max_length=255)


def _framework_filters(value: Any) -> None:
    """A union: exactly one of AMISecurityFilters, ContainerSecurityFilters."""
    if value is None:
        return
    filters = checks.mapping(value, "FrameworkFilters")
    checks.no_unknown_members(filters, _FRAMEWORK_FILTERS, "FrameworkFilters")
    if len(filters) != 1:
        raise checks.fail("FrameworkFilters must set exactly one member")
    for name, member in filters.items():
        chosen = checks.mapping(member, f"FrameworkFilters.{name}")
        checks.no_unknown_members(
            chosen, frozenset({"DeliveryOptionId"}), f"FrameworkFilters.{name}"
        )
        checks.string(chosen, "DeliveryOptionId", pattern=checks.RESOURCE_ID, max_length=255)
