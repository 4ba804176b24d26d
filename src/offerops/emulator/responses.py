"""The wire layer: an HTTP request in, the engine called, an HTTP response out.

Thin on purpose (moto's ``responses.py``): parse the request into botocore member names, call
``Marketplace.call`` (all business rules live in the engine), serialize with the exact wire names.
Two protocols share one server:

- the Catalog API, rest-json: ``<METHOD> /<Operation>``, GET/PATCH members in the query string
  (``?catalog=…&changeSetId=…``), the rest in a JSON body; errors are the status code, an
  ``x-amzn-ErrorType: <Code>`` header and ``{"Message": …}``;
- the Agreement API, json-1.0: ``POST /`` with
  ``X-Amz-Target: AWSMPCommerceService_v20200301.<Op>``; errors are
  ``{"__type": <Code>, "message": …}``.

Every request but ``GET /_offerops/health`` must look SigV4-signed (:mod:`auth`): unsigned is 403
``MissingAuthenticationTokenException``, malformed ``IncompleteSignatureException`` (403 Catalog,
400 Agreement), checked before routing. Every response carries ``x-amzn-RequestId``. A malformed
request (bad JSON, unknown path, missing required member) is a 4xx error in the protocol's shape;
an emulator bug is logged with its traceback and answered with a bare 500
``InternalServiceException`` that never leaks the traceback.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from offerops.emulator import checks, urls
from offerops.emulator.accounts import access_key_id, account_for
from offerops.emulator.auth import INCOMPLETE, AuthenticationError, check_signed
from offerops.emulator.exceptions import CatalogError

log = logging.getLogger(__name__)

JSON = dict[str, Any]
REST_JSON_CONTENT_TYPE = "application/json"


class MarketplaceBackend(Protocol):
    """What the wire layer needs from ``offerops.emulator.engine.Marketplace``."""

    def call(self, operation: str, account: str, request: dict[str, Any]) -> dict[str, Any]: ...

    def list_offers_for_buyer(self, buyer_account: str) -> list[dict[str, Any]]: ...

    def accept_offer(
        self, buyer_account: str, offer_id: str, purchase_order: str | None = None
    ) -> dict[str, Any]: ...

    def seed_products(self, account: str, products: dict[str, Any]) -> Any: ...

    def reset(self) -> Any: ...


@dataclass(frozen=True)
class WireRequest:
    """An HTTP request as the server received it; ``headers`` have lower-case names."""

    method: str
    path: str
    query: Mapping[str, list[str]] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True)
class WireResponse:
    """An HTTP response to send as is."""

    status: int
    headers: Mapping[str, str]
    body: bytes


class WireError(Exception):
    """A request the wire layer rejects before the engine sees it (bad JSON, unknown path...)."""

    def __init__(self, code: str, status: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message


def new_request_id() -> str:
    """A request id in the shape AWS uses (a UUID)."""
    return str(uuid.uuid4())


# --- serialization, shared with the embedded client -------------------------------------------


def json_bytes(document: Mapping[str, Any]) -> bytes:
    """Compact JSON, as AWS sends it."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def rest_json_success(result: Mapping[str, Any], request_id: str) -> WireResponse:
    """A Catalog API (rest-json) success: 200 and the result as the JSON body."""
    return _response(200, request_id, REST_JSON_CONTENT_TYPE, json_bytes(result))


def rest_json_error(code: str, status: int, message: str, request_id: str) -> WireResponse:
    """A Catalog API error: status, ``x-amzn-ErrorType`` header, ``{"Message": ...}`` body."""
    body = json_bytes({"Message": message})
    response = _response(status, request_id, REST_JSON_CONTENT_TYPE, body)
    return WireResponse(status, {**response.headers, "x-amzn-ErrorType": code}, body)


def agreement_error_code(error: CatalogError) -> tuple[str, int]:
    """The Agreement API's code and status for an engine error (its spellings and statuses)."""
    code = urls.AGREEMENT_ERROR_RENAMES.get(error.code, error.code)
    return code, urls.AGREEMENT_ERROR_STATUS.get(code, error.http_status)


def authentication_status(code: str, *, agreement: bool) -> int:
    """The HTTP status of an authentication error.

    ``MissingAuthenticationTokenException``: 403 on both APIs (AWS's Common Errors,
    "MissingAuthenticationToken ... HTTP Status Code: 403"; Lambda, a rest-json service, answers
    403). ``IncompleteSignatureException``: 403 on the rest-json Catalog API (what rest-json
    front ends answer, per API Gateway's 403 troubleshooting article), 400 on the json-1.0
    Agreement API (Common Errors: "IncompleteSignature ... 400"; a Coral json answer seen with 400).
    Which front end each Marketplace API sits behind is unconfirmed.
    """
    if code == INCOMPLETE and agreement:
        return 400
    return 403


def json10_success(result: Mapping[str, Any], request_id: str) -> WireResponse:
    """An Agreement API (json-1.0) success."""
    return _response(200, request_id, urls.AGREEMENT_CONTENT_TYPE, json_bytes(result))


def json10_error(code: str, status: int, message: str, request_id: str) -> WireResponse:
    """An Agreement API error: ``{"__type": <Code>, "message": ...}``."""
    body = json_bytes({"__type": code, "message": message})
    return _response(status, request_id, urls.AGREEMENT_CONTENT_TYPE, body)


def _response(status: int, request_id: str, content_type: str, body: bytes) -> WireResponse:
    headers = {"x-amzn-RequestId": request_id, "Content-Type": content_type}
    return WireResponse(status, headers, body)


def missing_member_message(names: list[str]) -> str:
    """AWS's wording for absent required members."""
    count = len(names)
    details = "; ".join(
        f"Value null at '{name}' failed to satisfy constraint: Member must not be null"
        for name in names
    )
    return f"{count} validation error{'s' if count > 1 else ''} detected: {details}"


# --- dispatch ----------------------------------------------------------------------------------


class EmulatorResponses:
    """Turns wire requests into engine calls for one marketplace."""

    def __init__(
        self, marketplace: MarketplaceBackend, *, default_account: str, allow_reset: bool = False
    ) -> None:
        self.marketplace = marketplace
        self.default_account = default_account
        self.allow_reset = allow_reset

    def dispatch(self, request: WireRequest) -> WireResponse:
        """Answer one request; never raises."""
        request_id = new_request_id()
        account = account_for(access_key_id(request.headers, request.query), self.default_account)
        agreement = request.path == "/" and request.method == "POST"
        try:
            self._authenticate(request, agreement)
            if agreement:
                return self._agreement(request, account, request_id)
            return self._rest(request, account, request_id)
        except WireError as failure:
            code, status, message = failure.code, failure.status, failure.message
        except AuthenticationError as failure:
            code, message = failure.code, failure.message
            status = authentication_status(failure.code, agreement=agreement)
        except CatalogError as failure:
            code, status, message = failure.code, failure.http_status, failure.message
            if agreement:
                code, status = agreement_error_code(failure)
        except Exception:
            log.exception("emulator bug while answering %s %s", request.method, request.path)
            code = "InternalServerException" if agreement else "InternalServiceException"
            status = 500
            message = f"internal error in the emulator (request {request_id}; see its log)"
        serialize = json10_error if agreement else rest_json_error
        return serialize(code, status, message, request_id)

    @staticmethod
    def _authenticate(request: WireRequest, agreement: bool) -> None:
        """Refuse an unsigned or malformed-signature request, as AWS does (:mod:`auth`).

        Every path is checked before routing (an unknown path unsigned is refused for its
        signature, as AWS does), except ``GET /_offerops/health``: a readiness probe needs no
        credentials and changes nothing.
        """
        if not agreement and request.path == urls.HEALTH_PATH:
            return
        check_signed(request.headers, request.query)

    # rest-json: the Catalog API and the emulator-only endpoints

    def _rest(self, request: WireRequest, account: str, request_id: str) -> WireResponse:
        route = _find_route(request)
        params = _rest_params(route, request)
        _require(route, params)
        if route.path.startswith(urls.EMULATOR_PREFIX):
            result = self._emulator(route.operation, account, params)
        else:
            result = self.marketplace.call(route.operation, account, params)
        return rest_json_success(result, request_id)

    def _emulator(self, operation: str, account: str, params: JSON) -> JSON:
        """The emulator-only operations (``/_offerops/...``); the caller's account as usual."""
        market = self.marketplace
        if operation == "Health":
            return {"Status": "ok", "DefaultAccount": self.default_account, "Account": account}
        if operation == "ListOffersForBuyer":
            return {"Offers": market.list_offers_for_buyer(account)}
        if operation == "AcceptOffer":
            offer_id = _string(params, "OfferId")
            return market.accept_offer(account, offer_id, _optional_string(params, "PurchaseOrder"))
        if operation == "SeedProducts":
            market.seed_products(account, _products(params["Products"]))
        elif operation == "Reset":
            self._reset()
        return {}

    def _reset(self) -> None:
        """Wipe the state of every account, if the server was started to allow it.

        Off by default: any caller could otherwise erase every other account's offers, and the
        state is not partitioned cleanly enough by account (agreements, resale authorizations
        join two accounts) for a per-account reset to be obviously right.
        """
        if not self.allow_reset:
            raise WireError(
                "AccessDeniedException",
                403,
                "Reset is disabled on this server: it wipes every account's state; start the "
                "server with `offerops emulator serve --allow-reset` to allow it",
            )
        self.marketplace.reset()

    # json-1.0: the Agreement API

    def _agreement(self, request: WireRequest, account: str, request_id: str) -> WireResponse:
        operation = _agreement_operation(request.headers.get("x-amz-target", ""))
        params = _json_object(request.body)
        missing = [name for name in urls.AGREEMENT_OPERATIONS[operation] if name not in params]
        if missing:
            raise WireError("ValidationException", 400, missing_member_message(missing))
        return json10_success(self.marketplace.call(operation, account, params), request_id)


def _find_route(request: WireRequest) -> urls.Route:
    route = urls.CATALOG_ROUTES_BY_PATH.get(request.path) or urls.EMULATOR_ROUTES_BY_PATH.get(
        request.path
    )
    if route is None:
        unimplemented = urls.unimplemented_catalog_operation(request.path)
        if unimplemented is not None:
            message = f"{unimplemented} is not implemented by the offerops emulator"
            raise WireError("NotImplementedException", 501, message)
        raise WireError(
            "UnknownOperationException", 404, f"no operation at {request.method} {request.path}"
        )
    if route.method != request.method:
        raise WireError(
            "MethodNotAllowedException",
            405,
            f"{route.operation} is {route.method} {route.path}, not {request.method}",
        )
    return route


def _rest_params(route: urls.Route, request: WireRequest) -> JSON:
    params: JSON = {}
    if route.method in ("POST", "PUT"):
        params.update(_json_object(request.body))
    for name, member in route.query.items():
        values = request.query.get(name)
        if values:
            params[member] = values[0]
    return params


def _require(route: urls.Route, params: Mapping[str, Any]) -> None:
    missing = [route.wire_name(member) for member in route.required if params.get(member) is None]
    if missing:
        raise WireError("ValidationException", 422, missing_member_message(missing))


def _json_object(body: bytes) -> JSON:
    if not body.strip():
        return {}
    try:
        document = checks.load_json(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise WireError(
            "SerializationException", 400, f"the request body is not valid JSON: {error}"
        ) from None
    if not isinstance(document, dict):
        raise WireError("SerializationException", 400, "the request body must be a JSON object")
    return document


def _agreement_operation(target: str) -> str:
    prefix, _, operation = target.partition(".")
    if prefix != urls.AGREEMENT_TARGET_PREFIX or not operation:
        raise WireError(
            "UnknownOperationException",
            400,
            f"X-Amz-Target must be {urls.AGREEMENT_TARGET_PREFIX}.<Operation>, got {target!r}",
        )
    if operation not in urls.AGREEMENT_OPERATIONS:
        raise WireError(
            "NotImplementedException",
            501,
            f"{operation} is not implemented by the offerops emulator",
        )
    return operation


def _string(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value:
        raise WireError("ValidationException", 422, f"{name} must be a non-empty string")
    return value


def _optional_string(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise WireError("ValidationException", 422, f"{name} must be a string")
    return value


def _products(raw: Any) -> dict[str, Any]:
    """``{alias: product}`` validated with the config model, so seeding rejects what lint would."""
    from pydantic import ValidationError

    from offerops.model.config import Product

    if not isinstance(raw, dict):
        raise WireError("ValidationException", 422, "Products must be an object alias -> product")
    try:
        return {str(alias): Product.model_validate(value) for alias, value in raw.items()}
    except ValidationError as error:
        raise WireError("ValidationException", 422, f"invalid product: {error}") from None
