"""The wire routing table: which HTTP request is which API operation.

Copied from the botocore service models: ``marketplace-catalog/2018-09-17`` is rest-json (one
method and path per operation, some members in the query string), and
``marketplace-agreement/2020-03-01`` is json-1.0 (``POST /`` with the operation in
``X-Amz-Target``). The table is static so the server
does not load botocore at start-up; ``tests/emulator/test_server_routing.py`` checks that every
route exists in the installed models with the same method, path and query members. Operations of
the model the emulator does not route are answered 501 ``NotImplementedException``, looked up in the
installed model on first need, so a new SDK operation is never a bare 404.

Emulator-only endpoints (a buyer's view, seeding, reset) live under :data:`EMULATOR_PREFIX`, a path
the real service never uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType


@dataclass(frozen=True)
class Route:
    """One rest-json operation: its method and path, and which members travel in the query."""

    operation: str
    method: str
    path: str
    required: tuple[str, ...] = ()
    query: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Query-string name (lower camelCase on the wire) -> botocore member name (PascalCase)."""

    def wire_name(self, member: str) -> str:
        """The name the caller used for ``member``: the query name, or the body member name."""
        for name, target in self.query.items():
            if target == member:
                return name
        return member


def _query(**names: str) -> Mapping[str, str]:
    return MappingProxyType(dict(names))


_CATALOG_CS = _query(catalog="Catalog", changeSetId="ChangeSetId")

CATALOG_ROUTES: tuple[Route, ...] = (
    Route("StartChangeSet", "POST", "/StartChangeSet", ("Catalog", "ChangeSet")),
    Route(
        "DescribeChangeSet", "GET", "/DescribeChangeSet", ("Catalog", "ChangeSetId"), _CATALOG_CS
    ),
    Route("ListChangeSets", "POST", "/ListChangeSets", ("Catalog",)),
    Route("CancelChangeSet", "PATCH", "/CancelChangeSet", ("Catalog", "ChangeSetId"), _CATALOG_CS),
    Route(
        "DescribeEntity",
        "GET",
        "/DescribeEntity",
        ("Catalog", "EntityId"),
        _query(catalog="Catalog", entityId="EntityId"),
    ),
    Route("BatchDescribeEntities", "POST", "/BatchDescribeEntities", ("EntityRequestList",)),
    Route("ListEntities", "POST", "/ListEntities", ("Catalog", "EntityType")),
    Route("TagResource", "POST", "/TagResource", ("ResourceArn", "Tags")),
    Route("UntagResource", "POST", "/UntagResource", ("ResourceArn", "TagKeys")),
    Route("ListTagsForResource", "POST", "/ListTagsForResource", ("ResourceArn",)),
    Route("PutResourcePolicy", "POST", "/PutResourcePolicy", ("ResourceArn", "Policy")),
    Route(
        "GetResourcePolicy",
        "GET",
        "/GetResourcePolicy",
        ("ResourceArn",),
        _query(resourceArn="ResourceArn"),
    ),
    Route(
        "DeleteResourcePolicy",
        "DELETE",
        "/DeleteResourcePolicy",
        ("ResourceArn",),
        _query(resourceArn="ResourceArn"),
    ),
    Route("StartAssessment", "POST", "/StartAssessment", ("Catalog", "FrameworkId", "EntityId")),
    Route("DescribeAssessment", "POST", "/DescribeAssessment", ("Catalog", "AssessmentIdentifier")),
    Route("ListAssessments", "POST", "/ListAssessments", ("Catalog",)),
)
"""The Catalog API operations the emulator implements (every one of botocore 1.44.8's)."""

UNIMPLEMENTED_CATALOG_OPERATIONS: frozenset[str] = frozenset()
"""Catalog API operations reviewed and deliberately not implemented: answered with 501.

Empty since the resource-policy and assessment operations were implemented (issue 12). Any
operation of the installed botocore model that the emulator does not route is still answered 501
(:func:`unimplemented_catalog_operation`), so an operation AWS adds later is a clear
``NotImplementedException`` rather than a 404, and ``tests/emulator/test_server_routing.py``
reports it.
"""

CATALOG_SERVICE = "marketplace-catalog"
CATALOG_API_VERSION = "2018-09-17"

CATALOG_ROUTES_BY_PATH: Mapping[str, Route] = MappingProxyType(
    {route.path: route for route in CATALOG_ROUTES}
)

AGREEMENT_TARGET_PREFIX = "AWSMPCommerceService_v20200301"
AGREEMENT_CONTENT_TYPE = "application/x-amz-json-1.0"

AGREEMENT_OPERATIONS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "SearchAgreements": (),
        "DescribeAgreement": ("agreementId",),
        "GetAgreementTerms": ("agreementId",),
    }
)
"""Agreement API operation -> required members (camelCase, as in the model)."""

AGREEMENT_ERROR_STATUS: Mapping[str, int] = MappingProxyType(
    {
        "ValidationException": 400,
        "AccessDeniedException": 403,
        "ResourceNotFoundException": 404,
        "ConflictException": 409,
        "ThrottlingException": 429,
        "InternalServerException": 500,
        "ServiceQuotaExceededException": 402,
    }
)
"""HTTP status of each Agreement API error, from the model (they differ from the Catalog API's)."""

AGREEMENT_ERROR_RENAMES: Mapping[str, str] = MappingProxyType(
    {"InternalServiceException": "InternalServerException"}
)
"""Catalog error codes the engine raises that the Agreement API spells differently."""

EMULATOR_PREFIX = "/_offerops/"

HEALTH_PATH = "/_offerops/health"
"""The one path answered without a signature (a readiness probe)."""

EMULATOR_ROUTES: tuple[Route, ...] = (
    Route("Health", "GET", HEALTH_PATH),
    Route("ListOffersForBuyer", "POST", "/_offerops/ListOffersForBuyer"),
    Route("AcceptOffer", "POST", "/_offerops/AcceptOffer", ("OfferId",)),
    Route("SeedProducts", "POST", "/_offerops/SeedProducts", ("Products",)),
    Route("Reset", "POST", "/_offerops/Reset"),
)
"""Emulator-only operations; the caller's account comes from the access key id like any call."""

EMULATOR_ROUTES_BY_PATH: Mapping[str, Route] = MappingProxyType(
    {route.path: route for route in EMULATOR_ROUTES}
)


def unimplemented_catalog_operation(path: str) -> str | None:
    """The real Catalog API operation at ``path`` if the emulator does not implement it, else None.

    Known from :data:`UNIMPLEMENTED_CATALOG_OPERATIONS`, or from the installed botocore model, so
    a newer SDK's operation is recognised without a release of the emulator.
    """
    if path in CATALOG_ROUTES_BY_PATH:
        return None
    name = path.lstrip("/")
    if name in UNIMPLEMENTED_CATALOG_OPERATIONS:
        return name
    return installed_catalog_operations().get(path)


@cache
def installed_catalog_operations() -> Mapping[str, str]:
    """Request path -> operation of the installed botocore's Catalog model; empty if unreadable.

    Loaded on the first request for a path the static table does not know, never at start-up.
    """
    try:
        from botocore.exceptions import DataNotFoundError
        from botocore.loaders import Loader
    except ImportError:
        return MappingProxyType({})
    try:
        model = Loader().load_service_model(
            CATALOG_SERVICE, "service-2", api_version=CATALOG_API_VERSION
        )
    except (DataNotFoundError, OSError, ValueError):
        return MappingProxyType({})
    paths = {
        str(operation["http"]["requestUri"]).split("?", 1)[0]: name
        for name, operation in model.get("operations", {}).items()
        if "http" in operation
    }
    return MappingProxyType(paths)
