"""Whether a request carries a SigV4 signature AWS would look at: refused like AWS if not.

The emulator never verifies a signature (any secret key works; the account is the access key id's
12 digits, :mod:`offerops.emulator.accounts`). It does refuse what AWS refuses before it even
computes one:

- **no signature** (no ``Authorization`` header and no ``X-Amz-Credential`` in the query):
  ``MissingAuthenticationTokenException``, "Missing Authentication Token";
- **a malformed signature**: ``IncompleteSignatureException`` naming what is wrong: a part that is
  not ``key=value``, a missing ``Credential``, ``SignedHeaders`` or ``Signature``, a credential
  scope that is not ``<key id>/<yyyymmdd>/<region>/<service>/aws4_request``, no ``X-Amz-Date``
  nor ``Date`` header, or an empty header.

Sources: the error names, and "Missing Authentication Token", are what AWS's rest-json services
send (``x-amzn-ErrorType: MissingAuthenticationTokenException``, 403, seen from Lambda and API
Gateway); the "Authorization header requires 'Credential' parameter. ... requires existence of
either a 'X-Amz-Date' or a 'Date' header" and "not a valid key=value pair (missing equal-sign) in
Authorization header" wordings are AWS's (API Gateway's 403 troubleshooting article; a Cloud9
json-1.1 answer). The statuses per protocol are in :mod:`offerops.emulator.responses`. That the
Catalog and Agreement APIs use exactly these texts is unconfirmed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

ALGORITHM = "AWS4-HMAC-SHA256"
MISSING = "MissingAuthenticationTokenException"
INCOMPLETE = "IncompleteSignatureException"

_REQUIRED = ("Credential", "Signature", "SignedHeaders")
_SCOPE = re.compile(r"^[^/\s]+/\d{8}/[^/\s]+/[^/\s]+/aws4_request$")
_PRESIGNED = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
)


class AuthenticationError(Exception):
    """A request refused before any operation runs: AWS's error code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def check_signed(headers: Mapping[str, str], query: Mapping[str, list[str]]) -> None:
    """Raise :class:`AuthenticationError` unless the request looks SigV4-signed.

    ``headers`` have lower-case names. A presigned URL (``X-Amz-Credential`` in the query) is
    checked for its query parameters instead of the header.
    """
    if "authorization" in headers:
        _check_header(headers["authorization"], headers)
    elif "X-Amz-Credential" in query or "X-Amz-Signature" in query:
        _check_presigned(query)
    else:
        raise AuthenticationError(MISSING, "Missing Authentication Token")


def _check_header(value: str, headers: Mapping[str, str]) -> None:
    if not value.strip():
        raise AuthenticationError(INCOMPLETE, "Authorization header cannot be empty")
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise AuthenticationError(
            INCOMPLETE,
            f"Unsupported Authorization algorithm {algorithm!r}: only {ALGORITHM} is accepted",
        )
    pairs = _pairs(rest, value)
    problems = [
        f"Authorization header requires '{name}' parameter."
        for name in _REQUIRED
        if not pairs.get(name)
    ]
    if "x-amz-date" not in headers and "date" not in headers:
        problems.append(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        )
    if problems:
        raise AuthenticationError(INCOMPLETE, " ".join(problems))
    _check_scope(pairs["Credential"])


def _pairs(rest: str, header: str) -> dict[str, str]:
    """``Credential=..., SignedHeaders=..., Signature=...`` as a dict."""
    pairs: dict[str, str] = {}
    for part in (piece.strip() for piece in rest.split(",")):
        if not part:
            continue
        name, equal, content = part.partition("=")
        if not equal:
            raise AuthenticationError(
                INCOMPLETE,
                f"'{part}' not a valid key=value pair (missing equal-sign) in Authorization "
                f"header: '{header}'.",
            )
        pairs[name.strip()] = content.strip()
    return pairs


def _check_scope(credential: str) -> None:
    if not _SCOPE.match(credential):
        raise AuthenticationError(
            INCOMPLETE,
            f"Credential should be scoped as <access key id>/<yyyymmdd>/<region>/<service>/"
            f"aws4_request, got '{credential}'.",
        )


def _check_presigned(query: Mapping[str, list[str]]) -> None:
    missing = [name for name in _PRESIGNED if not (query.get(name) or [""])[0]]
    if missing:
        raise AuthenticationError(
            INCOMPLETE,
            " ".join(f"AWS query-string parameters must include '{name}'." for name in missing)
            + " Re-examine the query-string parameters.",
        )
    if query["X-Amz-Algorithm"][0] != ALGORITHM:
        raise AuthenticationError(INCOMPLETE, f"X-Amz-Algorithm must be {ALGORITHM}")
    _check_scope(query["X-Amz-Credential"][0])


def signed_headers(access_key_id: str, *, date: str = "20260101T000000Z") -> dict[str, str]:
    """Headers that pass :func:`check_signed` for ``access_key_id`` (the signature is a dummy).

    For emulator-only clients (the buyer commands, tests, benchmarks) that do not sign with
    botocore; the emulator reads the account from the key id and never checks the signature.
    """
    scope = f"{access_key_id}/{date[:8]}/us-east-1/aws-marketplace/aws4_request"
    return {
        "Authorization": f"{ALGORITHM} Credential={scope}, SignedHeaders=host;x-amz-date, "
        f"Signature={'0' * 64}",
        "X-Amz-Date": date,
    }
