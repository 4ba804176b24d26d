"""The embedded backend: the emulator engine in-process, with boto3's request and response shapes.

The point is that the reconciler cannot tell this client from boto3 talking to the emulator over
HTTP (a test runs the same flow through both and compares the responses). So each call does what
boto3 and the wire would do, without HTTP:

- requests: a missing required member raises ``ParamValidationError`` (boto3 checks before
  sending); ``ClientRequestToken`` is filled with a UUID when absent (an idempotency token in the
  model); the request goes through a JSON round trip, as it would on the wire;
- responses: shaped by the botocore service model as botocore's JSON parser does (members not in the
  model and null members dropped, ``timestamp`` members parsed into aware datetimes, documents kept
  as they are), plus ``ResponseMetadata``;
- errors: ``ClientError`` (a subclass named after the error code, like boto3's modeled
  exceptions) with the response dict botocore builds: ``Error.Code``, ``Error.Message``,
  ``ResponseMetadata`` and the error shape's message member.

Only ``botocore.exceptions`` is imported; the service models are read straight from botocore's data
files (a few milliseconds), not through botocore's loader.
"""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, ClassVar, cast

from botocore.exceptions import ClientError, ParamValidationError

from offerops.emulator import urls
from offerops.emulator.exceptions import CatalogError
from offerops.emulator.responses import MarketplaceBackend, agreement_error_code

if TYPE_CHECKING:
    from mypy_boto3_marketplace_catalog.type_defs import (
        BatchDescribeEntitiesRequestTypeDef,
        BatchDescribeEntitiesResponseTypeDef,
        CancelChangeSetRequestTypeDef,
        CancelChangeSetResponseTypeDef,
        DescribeChangeSetRequestTypeDef,
        DescribeChangeSetResponseTypeDef,
        DescribeEntityRequestTypeDef,
        DescribeEntityResponseTypeDef,
        ListChangeSetsRequestTypeDef,
        ListChangeSetsResponseTypeDef,
        ListEntitiesRequestTypeDef,
        ListEntitiesResponseTypeDef,
        ListTagsForResourceRequestTypeDef,
        ListTagsForResourceResponseTypeDef,
        StartChangeSetRequestTypeDef,
        StartChangeSetResponseTypeDef,
        TagResourceRequestTypeDef,
        UntagResourceRequestTypeDef,
    )
    from typing_extensions import Unpack

JSON = dict[str, Any]
Shape = Mapping[str, Any]

CATALOG_MODEL = ("marketplace-catalog", "2018-09-17")
AGREEMENT_MODEL = ("marketplace-agreement", "2020-03-01")


@cache
def service_model(service: str, version: str) -> Mapping[str, Any]:
    """The botocore service model (``service-2.json``) as installed with botocore."""
    folder = resources.files("botocore") / "data" / service / version
    gz = folder / "service-2.json.gz"
    if gz.is_file():
        return cast(Mapping[str, Any], json.loads(gzip.decompress(gz.read_bytes())))
    return cast(Mapping[str, Any], json.loads((folder / "service-2.json").read_text("utf-8")))


class _ModelShaper:
    """Shapes a wire-level result the way botocore's JSON parser does, for one service model."""

    def __init__(self, model: Mapping[str, Any]) -> None:
        self._shapes: Mapping[str, Shape] = model["shapes"]
        self._operations: Mapping[str, Any] = model["operations"]

    def output(self, operation: str, body: Any) -> JSON:
        name = self._operations[operation].get("output", {}).get("shape")
        if name is None or not isinstance(body, dict):
            return {}
        return cast(JSON, self._parse(self._shapes[name], body))

    def error_member(self, code: str) -> str | None:
        """The message member of a modeled error (``Message`` or ``message``), if modeled."""
        shape = self._shapes.get(code)
        if shape is None or not shape.get("exception"):
            return None
        members = shape.get("members", {})
        return next((name for name in ("Message", "message") if name in members), None)

    def _parse(self, shape: Shape, value: Any) -> Any:
        kind = shape["type"]
        if value is None:
            return None
        if kind == "structure":
            return value if shape.get("document") else self._structure(shape, value)
        if kind == "list":
            member = self._shapes[shape["member"]["shape"]]
            return [None if item is None else self._parse(member, item) for item in value]
        if kind == "map":
            target = self._shapes[shape["value"]["shape"]]
            return {key: self._parse(target, item) for key, item in value.items()}
        if kind == "timestamp":
            return _timestamp(value)
        return value

    def _structure(self, shape: Shape, value: Mapping[str, Any]) -> JSON:
        parsed: JSON = {}
        for name, member in shape.get("members", {}).items():
            if member.get("location"):
                continue
            raw = value.get(member.get("locationName", name))
            if raw is not None:
                parsed[name] = self._parse(self._shapes[member["shape"]], raw)
        return parsed


def _timestamp(value: Any) -> datetime:
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@cache
def _shaper(service: str, version: str) -> _ModelShaper:
    return _ModelShaper(service_model(service, version))


@cache
def _error_class(code: str) -> type[ClientError]:
    """A ``ClientError`` subclass named like boto3's modeled exception for ``code``."""
    return type(code, (ClientError,), {})


class _EngineClient:
    """The shared machinery: validate, call the engine, shape the result or raise ClientError."""

    _model: ClassVar[tuple[str, str]]
    _required: ClassVar[Mapping[str, tuple[str, ...]]]

    def __init__(self, marketplace: MarketplaceBackend, account: str) -> None:
        self.marketplace = marketplace
        self.account = account

    def close(self) -> None:
        """Nothing to release: the caller owns the marketplace."""

    def _call(self, operation: str, params: Mapping[str, Any]) -> JSON:
        _check_required(operation, params, self._required.get(operation, ()))
        request = json.loads(json.dumps(params))
        request_id = str(uuid.uuid4())
        shaper = _shaper(*self._model)
        try:
            result = self.marketplace.call(operation, self.account, request)
        except CatalogError as error:
            raise self._client_error(shaper, operation, error, request_id) from None
        parsed = shaper.output(operation, json.loads(json.dumps(result)))
        parsed["ResponseMetadata"] = _metadata(request_id, 200)
        return parsed

    def _client_error(
        self, shaper: _ModelShaper, operation: str, error: CatalogError, request_id: str
    ) -> ClientError:
        code, status = self._wire_error(error)
        response: JSON = {
            "Error": {"Message": error.message, "Code": code},
            "ResponseMetadata": _metadata(request_id, status),
        }
        member = shaper.error_member(code)
        if member is not None:
            response[member] = error.message
        return _error_class(code)(cast(Any, response), operation)

    def _wire_error(self, error: CatalogError) -> tuple[str, int]:
        return error.code, error.http_status


def _check_required(operation: str, params: Mapping[str, Any], required: tuple[str, ...]) -> None:
    missing = [name for name in required if name not in params]
    if missing:
        report = "\n".join(f'Missing required parameter in input: "{name}"' for name in missing)
        raise ParamValidationError(report=report)


def _metadata(request_id: str, status: int) -> JSON:
    return {
        "RequestId": request_id,
        "HTTPStatusCode": status,
        "HTTPHeaders": {"x-amzn-requestid": request_id},
        "RetryAttempts": 0,
    }


class EmbeddedCatalogClient(_EngineClient):
    """The Catalog API of an in-process :class:`~offerops.emulator.engine.Marketplace`."""

    _model = CATALOG_MODEL
    _required: ClassVar[Mapping[str, tuple[str, ...]]] = {
        route.operation: route.required for route in urls.CATALOG_ROUTES
    }

    def start_change_set(
        self, **kwargs: Unpack[StartChangeSetRequestTypeDef]
    ) -> StartChangeSetResponseTypeDef:
        params: JSON = dict(kwargs)
        params.setdefault("ClientRequestToken", str(uuid.uuid4()))
        return cast("StartChangeSetResponseTypeDef", self._call("StartChangeSet", params))

    def describe_change_set(
        self, **kwargs: Unpack[DescribeChangeSetRequestTypeDef]
    ) -> DescribeChangeSetResponseTypeDef:
        return cast("DescribeChangeSetResponseTypeDef", self._call("DescribeChangeSet", kwargs))

    def list_change_sets(
        self, **kwargs: Unpack[ListChangeSetsRequestTypeDef]
    ) -> ListChangeSetsResponseTypeDef:
        return cast("ListChangeSetsResponseTypeDef", self._call("ListChangeSets", kwargs))

    def cancel_change_set(
        self, **kwargs: Unpack[CancelChangeSetRequestTypeDef]
    ) -> CancelChangeSetResponseTypeDef:
        return cast("CancelChangeSetResponseTypeDef", self._call("CancelChangeSet", kwargs))

    def describe_entity(
        self, **kwargs: Unpack[DescribeEntityRequestTypeDef]
    ) -> DescribeEntityResponseTypeDef:
        return cast("DescribeEntityResponseTypeDef", self._call("DescribeEntity", kwargs))

    def batch_describe_entities(
        self, **kwargs: Unpack[BatchDescribeEntitiesRequestTypeDef]
    ) -> BatchDescribeEntitiesResponseTypeDef:
        result = self._call("BatchDescribeEntities", kwargs)
        return cast("BatchDescribeEntitiesResponseTypeDef", result)

    def list_entities(
        self, **kwargs: Unpack[ListEntitiesRequestTypeDef]
    ) -> ListEntitiesResponseTypeDef:
        return cast("ListEntitiesResponseTypeDef", self._call("ListEntities", kwargs))

    def tag_resource(self, **kwargs: Unpack[TagResourceRequestTypeDef]) -> dict[str, Any]:
        return self._call("TagResource", kwargs)

    def untag_resource(self, **kwargs: Unpack[UntagResourceRequestTypeDef]) -> dict[str, Any]:
        return self._call("UntagResource", kwargs)

    def list_tags_for_resource(
        self, **kwargs: Unpack[ListTagsForResourceRequestTypeDef]
    ) -> ListTagsForResourceResponseTypeDef:
        result = self._call("ListTagsForResource", kwargs)
        return cast("ListTagsForResourceResponseTypeDef", result)


class EmbeddedAgreementClient(_EngineClient):
    """The Agreement API of an in-process marketplace (camelCase members, datetime timestamps)."""

    _model = AGREEMENT_MODEL
    _required = urls.AGREEMENT_OPERATIONS

    def search_agreements(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("SearchAgreements", kwargs)

    def describe_agreement(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("DescribeAgreement", kwargs)

    def get_agreement_terms(self, **kwargs: Any) -> dict[str, Any]:
        return self._call("GetAgreementTerms", kwargs)

    def _wire_error(self, error: CatalogError) -> tuple[str, int]:
        return agreement_error_code(error)
