"""Which account is calling: derived from the SigV4 access key id, never verified.

The rule (also in docs/emulator-http.md): the emulator reads the access key id from the
``Authorization`` header (``AWS4-HMAC-SHA256 Credential=<key id>/<date>/<region>/...``) or from a
presigned URL's ``X-Amz-Credential``. If the key id contains a run of exactly 12 digits, that number
is the calling account (``123456789012``, ``AKIA123456789012``, ``buyer-123456789012`` all select
123456789012; moto also reads a 12-digit key id as the account). Any other key id (or none, on the
one path that takes unsigned requests, ``/_offerops/health``) acts as the server's default
account, normally the seller; other unsigned requests are refused (:mod:`auth`). Signatures are
not checked, so any secret key works.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_ACCOUNT_IN_KEY = re.compile(r"(?<!\d)(\d{12})(?!\d)")
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)")

DEFAULT_SELLER_ACCOUNT = "111122223333"
"""The default account of a server started without one (the example repository's seller)."""

EMULATOR_SECRET_KEY = "offerops-emulator"
"""The secret key offerops pairs with an emulator access key id; any value works."""


def access_key_id(headers: Mapping[str, str], query: Mapping[str, list[str]]) -> str | None:
    """The access key id the request was signed with, if it was signed.

    ``headers`` must have lower-case names.
    """
    authorization = headers.get("authorization", "")
    match = _CREDENTIAL.search(authorization)
    if match:
        return match.group(1)
    credential = query.get("X-Amz-Credential")
    if credential and credential[0]:
        return credential[0].split("/", 1)[0]
    return None


def account_for(key_id: str | None, default_account: str) -> str:
    """The account an access key id selects: its 12-digit number, else ``default_account``."""
    if key_id:
        match = _ACCOUNT_IN_KEY.search(key_id)
        if match:
            return match.group(1)
    return default_account


def access_key_for(account: str) -> str:
    """An access key id that selects ``account`` on the emulator (the account id itself)."""
    if not _ACCOUNT_IN_KEY.fullmatch(account):
        raise ValueError(f"an AWS account id has 12 digits, got {account!r}")
    return account
