"""Opaque ``NextToken`` values for keyset pagination.

A token carries the sort key of the last item returned plus a fingerprint of the query it belongs
to, so each page is one indexed range query (cost proportional to the page, not to the offset) and a
token replayed against a different query is refused instead of silently skipping items.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from offerops.emulator.exceptions import ValidationException


def fingerprint(query: Mapping[str, Any]) -> str:
    """A short hash of the parts of a request that define the result set and its order."""
    canonical = json.dumps(query, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def encode(query_fingerprint: str, position: list[Any]) -> str:
    """A token that resumes after ``position`` (the last item's sort key)."""
    payload = json.dumps({"q": query_fingerprint, "p": position}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode()


def decode(token: Any, query_fingerprint: str, member: str = "NextToken") -> list[Any]:
    """The position a token resumes after; ValidationException if it is not one of ours."""
    try:
        payload = json.loads(base64.urlsafe_b64decode(str(token).encode()))
        position = payload["p"]
        matches = payload["q"] == query_fingerprint
    except (ValueError, KeyError, TypeError, RecursionError):
        raise ValidationException(f"The {member} '{token}' is not valid") from None
    if not matches or not isinstance(position, list):
        raise ValidationException(
            f"The {member} belongs to a different request; repeat the request with the same "
            "filters and sort to continue"
        )
    return position
