"""The private offer file: ``apiVersion: offerops/v1``, ``kind: PrivateOffer``."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from offerops.model.common import Date, Percentage, StrictModel
from offerops.model.config import CountryCode
from offerops.model.limits import (
    ACCOUNT_ID_PATTERN,
    ALIAS_PATTERN,
    API_MAX_BUYERS_PER_OFFER,
    KEY_PATTERN,
    MAX_DOCUMENTS,
    MAX_TARGET_COUNTRIES,
    OFFER_DESCRIPTION_MAX,
    OFFER_ID_PATTERN,
    OFFER_NAME_MAX,
    REFUND_POLICY_MAX,
    RESALE_AUTHORIZATION_ID_PATTERN,
)
from offerops.model.pricing import Pricing

_ACCOUNT_RE = re.compile(ACCOUNT_ID_PATTERN)
_ALIAS_RE = re.compile(ALIAS_PATTERN)


def _buyer_ref(value: Any) -> str:
    """A buyer entry is a quoted 12-digit account id or an alias from offerops.yaml."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise PydanticCustomError(
            "account_not_quoted",
            'must be a quoted string like "{example}", got the bare number {value} '
            "(YAML drops leading zeros of numbers)",
            {"value": value, "example": f"{value:012d}"},
        )
    if not isinstance(value, str):
        raise PydanticCustomError(
            "buyer_format",
            "must be an account id or an alias, got {shown}",
            {"value": value, "shown": repr(value)},
        )
    if value.isdigit() and not _ACCOUNT_RE.match(value):
        raise PydanticCustomError(
            "buyer_format",
            'must be 12 digits, got "{value}" ({count} digits)',
            {"value": value, "count": len(value)},
        )
    if not value.isdigit() and not _ALIAS_RE.match(value):
        raise PydanticCustomError(
            "buyer_format",
            'must be a 12-digit account id or a buyer alias from offerops.yaml, got "{value}"',
            {"value": value},
        )
    return value


BuyerRef = Annotated[
    str,
    PlainValidator(_buyer_ref),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": ACCOUNT_ID_PATTERN},
                {"type": "string", "pattern": ALIAS_PATTERN},
            ],
            "description": "A quoted 12-digit AWS account id, or a buyer alias from offerops.yaml.",
            "examples": ["123456789012", "acme-prod"],
        }
    ),
]


class Channel(StrictModel):
    """A channel partner private offer (CPPO), made under a resale authorization."""

    resaleAuthorization: str = Field(
        pattern=RESALE_AUTHORIZATION_ID_PATTERN,
        description="The resale authorization the ISV shared with this reseller.",
        examples=["resaleauthz-1a2b3c4d5e6f7"],
    )
    markupPercentage: Percentage | None = Field(
        default=None, description="The reseller's markup on the ISV's price, in percent."
    )


class Legal(StrictModel):
    """The contract terms: a standard contract, or the seller's own as files or a public URL."""

    terms: Literal["standard-eula", "scmp", "custom"] = Field(
        description="standard-eula, scmp (Standard Contract for AWS Marketplace) or custom."
    )
    documents: list[str] | None = Field(
        default=None,
        json_schema_extra={"minItems": 1, "maxItems": MAX_DOCUMENTS},
        description="Only with custom: 1..5 .pdf or .txt files, relative to the repository root.",
        examples=[["legal/acme-msa.pdf"]],
    )
    url: str | None = Field(
        default=None,
        description="Only with custom, instead of documents: the https URL of a contract the "
        "seller already published.",
        examples=["https://example.com/legal/acme-eula.pdf"],
    )


class Support(StrictModel):
    """Support terms shown to the buyer (``UpdateSupportTerms``)."""

    refundPolicy: str = Field(
        min_length=1,
        max_length=REFUND_POLICY_MAX,
        description="The refund policy text; 1..500 characters.",
    )


AGREEMENT_ID_PATTERN = r"^agmt-[a-zA-Z0-9]{1,64}$"
"""An AWS Marketplace agreement id (``agmt-`` and 25 characters on AWS and the emulator)."""


class Replaces(StrictModel):
    """The existing agreement this offer replaces when its buyer accepts it.

    The Catalog API's replacement offers (``CreateReplacementOffer``, Catalog API reference,
    "Work with private offers"): how a seller upgrades or renews a current customer before the
    agreement ends. Exactly one of ``agreement`` and ``offer`` (lint OFR801).
    """

    agreement: str | None = Field(
        default=None,
        pattern=AGREEMENT_ID_PATTERN,
        description="The id of the agreement to replace.",
        examples=["agmt-1a2b3c4d5e6f7g8h9i0j1k2l3"],
    )
    offer: str | None = Field(
        default=None,
        pattern=KEY_PATTERN,
        description="The key of the offer whose one active agreement this offer replaces.",
        examples=["acme-analytics-2027"],
    )


DRAFTABLE: tuple[str, ...] = ("buyers", "expiresOn", "pricing", "legal")
"""What a ``lifecycle: draft`` offer may leave out, as the seller console's "Save and exit"
and AWS's CreateDraftPrivateOffer / CreateDraftCppoOffer samples do (a draft with a product
and a name); lint (OFR106) requires them of every other offer."""

_REQUIRED_UNLESS_DRAFT: dict[str, Any] = {
    "if": {
        "not": {"required": ["lifecycle"], "properties": {"lifecycle": {"const": "draft"}}},
    },
    "then": {"required": list(DRAFTABLE)},
}
"""The JSON Schema form of OFR106, so an editor flags a released offer that lacks one."""


class OfferSpec(StrictModel):
    """What the offer is: name, product, buyers, pricing, legal terms and expiry.

    ``buyers``, ``expiresOn``, ``pricing`` and ``legal`` are optional in the model only so
    that a draft may leave them out (:data:`DRAFTABLE`); OFR106 refuses an offer that is not a
    draft without them, and the schema says the same.
    """

    model_config = ConfigDict(json_schema_extra=_REQUIRED_UNLESS_DRAFT)

    name: str = Field(
        min_length=1,
        json_schema_extra={"maxLength": OFFER_NAME_MAX},
        description="Offer name shown to the buyer; 1..150 characters, none of < > \\ ;.",
    )
    description: str | None = Field(
        default=None,
        json_schema_extra={"maxLength": OFFER_DESCRIPTION_MAX},
        description="Optional description shown to the buyer; at most 255 characters.",
    )
    product: str = Field(description="A key of `products` in offerops.yaml.")
    channel: Channel | None = Field(
        default=None, description="Absent: a direct offer from the seller; set for a CPPO."
    )
    renewal: Literal["none", "existing-marketplace-customer", "moving-to-marketplace"] = Field(
        default="none", description="Whether the offer renews an existing agreement."
    )
    replaces: Replaces | None = Field(
        default=None,
        description="Absent: a new agreement; set: the agreement the buyer's accept replaces.",
    )
    expiresOn: Date | None = Field(
        default=None,
        description="The offer is void after 23:59:59 UTC on this date. Required unless "
        "lifecycle is draft.",
    )
    buyers: list[BuyerRef] | None = Field(
        default=None,
        min_length=1,
        json_schema_extra={"maxItems": API_MAX_BUYERS_PER_OFFER},
        description="Buyer accounts the offer targets: quoted 12-digit ids or aliases. Required "
        "unless lifecycle is draft.",
    )
    countries: list[CountryCode] | None = Field(
        default=None,
        min_length=1,
        json_schema_extra={"maxItems": MAX_TARGET_COUNTRIES},
        description="Optional: the countries (ISO 3166-1 alpha-2 codes) the offer targets, next "
        "to its buyers (UpdateTargeting PositiveTargeting.CountryCodes).",
    )
    pricing: Pricing | None = Field(
        default=None, description="The offer's pricing. Required unless lifecycle is draft."
    )
    legal: Legal | None = Field(
        default=None, description="The contract terms. Required unless lifecycle is draft."
    )
    support: Support | None = Field(
        default=None, description="Optional support terms: a refund policy."
    )
    lifecycle: Literal["draft", "active", "expired"] = Field(
        default="active",
        description=(
            "draft: created and updated, never released; active: released; expired: ended "
            "on the marketplace (a buyer can no longer accept it)."
        ),
    )


class OfferFile(StrictModel):
    """One private offer, one file: ``offers/<key>.yaml``."""

    apiVersion: Literal["offerops/v1"]
    kind: Literal["PrivateOffer"]
    key: str = Field(
        pattern=KEY_PATTERN,
        description="Stable identity in git; unique in the repository; equals the file stem.",
        examples=["acme-analytics-2027"],
    )
    id: str | None = Field(
        default=None,
        pattern=OFFER_ID_PATTERN,
        description="The marketplace offer id, set by `offerops import` to adopt an offer.",
    )
    spec: OfferSpec
