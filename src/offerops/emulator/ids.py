"""Identifiers and ARNs in the real service's formats.

Offer ids are ``offer-`` + 13 lowercase alphanumerics, change set ids 25 lowercase alphanumerics,
agreement ids ``agmt-`` + 25; ids come from :mod:`secrets` so that several processes sharing one
database never collide.
"""

from __future__ import annotations

import re
import secrets
import string

_ALPHABET = string.ascii_lowercase + string.digits

OFFER_ID = re.compile(r"^offer-[a-z0-9]{13}$")
CATALOG = "AWSMarketplace"
OFFER_ENTITY_TYPE = "Offer@1.0"


def _random(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def new_offer_id() -> str:
    return "offer-" + _random(13)


def new_change_set_id() -> str:
    return _random(25)


def new_agreement_id() -> str:
    return "agmt-" + _random(25)


def new_resale_authorization_id() -> str:
    return "resaleauthz-" + _random(13)


def offer_arn(region: str, account: str, offer_id: str) -> str:
    return f"arn:aws:aws-marketplace:{region}:{account}:{CATALOG}/Offer/{offer_id}"


def change_set_arn(region: str, account: str, change_set_id: str) -> str:
    return f"arn:aws:aws-marketplace:{region}:{account}:{CATALOG}/ChangeSet/{change_set_id}"


def entity_identifier(entity_id: str, revision: int) -> str:
    """``EntityIdentifier`` in Describe* responses: ``<id>@<revision>``."""
    return f"{entity_id}@{revision}"
