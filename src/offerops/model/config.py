"""The repository configuration: ``offerops.yaml``."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from offerops.model.common import AccountId, Currency, Percentage, ProductType, StrictModel
from offerops.model.limits import (
    ALIAS_PATTERN,
    API_MAX_BUYERS_PER_OFFER,
    DEFAULT_MAX_BUYERS_PER_OFFER,
    DEFAULT_MAX_CONTRACT_MONTHS,
    DEFAULT_MAX_USAGE_DAYS,
    DIMENSION_KEY_PATTERN,
    PRODUCT_ID_PATTERN,
    RESALE_AUTHORIZATION_ID_PATTERN,
)
from offerops.model.money import Money

CountryCode = Annotated[
    str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 country code.")
]
Alias = Annotated[str, Field(pattern=ALIAS_PATTERN)]
ResaleAuthorizationId = Annotated[
    str, Field(pattern=RESALE_AUTHORIZATION_ID_PATTERN, examples=["resaleauthz-1a2b3c4d5e6f7"])
]
DimensionKey = Annotated[str, Field(pattern=DIMENSION_KEY_PATTERN)]
PacedOperation = Literal[
    "ListEntities",
    "DescribeEntity",
    "BatchDescribeEntities",
    "StartChangeSet",
    "ListChangeSets",
    "DescribeChangeSet",
    "CancelChangeSet",
    "TagResource",
    "UntagResource",
    "ListTagsForResource",
]
"""The Catalog API operations offerops calls (``offerops.catalog.quotas``)."""
PositiveRate = Annotated[float, Field(gt=0, le=1000)]


def _usd_only() -> list[Currency]:
    return ["USD"]


def _default_contract_months() -> dict[ProductType, int]:
    return {"saas": DEFAULT_MAX_CONTRACT_MONTHS["saas"]}


def _default_usage_days() -> dict[ProductType, int]:
    return {"ami": DEFAULT_MAX_USAGE_DAYS["ami"], "container": DEFAULT_MAX_USAGE_DAYS["container"]}


class Seller(StrictModel):
    """The seller of record: its account, bank country and disbursement currencies."""

    accountId: AccountId
    bankCountry: CountryCode = Field(
        default="US", description="A GB bank account may only sell to buyers in EMEA countries."
    )
    currencies: list[Currency] = Field(
        default_factory=_usd_only,
        description="Currencies with disbursement configured; USD is always enabled.",
    )


class Dimension(StrictModel):
    """A pricing dimension declared on the product listing."""

    key: DimensionKey
    name: str = Field(min_length=1)
    unit: str | None = None
    usage: bool = Field(default=False, description="true: a metered (usage) dimension.")
    custom: bool = Field(
        default=False,
        description="true: a custom dimension, not yet on the marketplace product; the first "
        "new offer that prices it adds it to the product (AddDimensions in its change set).",
    )


class Product(StrictModel):
    """A product listing that offers can be made for."""

    id: Annotated[str, Field(pattern=PRODUCT_ID_PATTERN, examples=["prod-4x7yvqjzt5abc"])]
    type: ProductType
    name: str | None = Field(default=None, description="Title, for plans and the emulator.")
    manufacturerAccountId: AccountId | None = Field(
        default=None,
        description="For a product you resell (channel partner offers): the ISV's account.",
    )
    dimensions: list[Dimension] = Field(min_length=1)


class ResaleTerms(StrictModel):
    """The ISV's terms on a resale authorization, which a channel partner offer starts from.

    On AWS they are the ISV's, already on the authorization: offerops never sends them. The
    embedded and served emulators seed the authorization with them, so a CPPO draft inherits
    these prices and this contract instead of invented ones.
    """

    currency: Currency = "USD"
    durationMonths: int = Field(
        default=12, ge=1, le=60, description="Contract length of the ISV's upfront rate card."
    )
    prices: dict[DimensionKey, Money] = Field(
        min_length=1,
        description="Dimension key -> the ISV's price: per unit for the contract (an upfront "
        "dimension) or per unit of usage (a usage dimension).",
    )
    legal: Literal["standard-eula", "scmp"] = Field(
        default="scmp", description="The ISV's contract: the standard EULA or the SCMP."
    )


class ResaleAuthorization(StrictModel):
    """A resale authorization an ISV shared with the seller: the seller may make channel partner
    offers (``spec.channel.resaleAuthorization``) for the ISV's product under it."""

    product: Alias = Field(
        description="The product key in ``products`` (a product with a manufacturerAccountId)."
    )
    name: str | None = Field(default=None, min_length=1, description="For plans and the emulator.")
    terms: ResaleTerms | None = Field(
        default=None,
        description="The ISV's prices and contract, for the emulator to seed; AWS has its own.",
    )


class Buyer(StrictModel):
    """A buyer registered under an alias, so offers can say ``acme-prod``."""

    account: AccountId
    name: str = Field(min_length=1)
    country: CountryCode | None = None


class Policy(StrictModel):
    """Limits the seller chooses within the marketplace's own."""

    maxBuyersPerOffer: int = Field(
        default=DEFAULT_MAX_BUYERS_PER_OFFER, ge=1, le=API_MAX_BUYERS_PER_OFFER
    )
    maxContractMonths: dict[ProductType, Annotated[int, Field(ge=1)]] = Field(
        default_factory=_default_contract_months,
        description="Contract length per product type, in months; a type not listed keeps the "
        "marketplace's (saas, ami, container: 60).",
    )
    maxUsageDays: dict[ProductType, Annotated[int, Field(ge=1)]] = Field(
        default_factory=_default_usage_days,
        description="Length of a usage (hourly) agreement per product type, in days; a type "
        "not listed keeps the marketplace's (ami, container: 1095).",
    )
    requireDescription: bool = False
    reviewThresholdPercent: Percentage = Field(
        default=Decimal(10),
        description="The plan flags an offer whose contract total moves by more than this "
        "percent (up or down) for review, next to every price decrease; 0 flags every change "
        "of a total.",
    )


class Backend(StrictModel):
    """Where the reconciler reads and writes offers."""

    kind: Literal["emulator", "http", "aws"] = Field(
        default="emulator",
        description="emulator (embedded, default), http (an emulator server) or aws.",
    )
    path: str = Field(
        default=".offerops/marketplace.sqlite",
        description="The embedded emulator's database, relative to the repository root.",
    )
    endpoint: str | None = Field(
        default=None, description="http: the emulator server URL; aws: an endpoint override."
    )
    region: str | None = Field(default=None, description="aws: the region (default us-east-1).")
    profile: str | None = Field(default=None, description="aws: a named credentials profile.")
    quotas: Literal["documented", "none"] | dict[PacedOperation, PositiveRate] | None = Field(
        default=None,
        description="Requests per second the client sends per Catalog API operation: "
        "documented (AWS's published per-account quotas; the default for aws and http), none "
        "(the default for the embedded emulator), or a map of operation -> rate for an account "
        "with raised quotas (the other operations keep the documented rate). Throttling slows "
        "the pace further either way.",
    )
    documentsBaseUrl: str = Field(
        default="https://documents.offerops.invalid/eula",
        pattern=r"^https?://",
        description="Where custom EULA documents are published for the Catalog API to fetch; "
        "each document set is named by its content hash.",
    )


class RuleSetting(StrictModel):
    """Override of one lint rule's severity; switching a rule off needs a reason."""

    severity: Literal["error", "warning", "off"]
    reason: str = Field(min_length=1, description="Why: reviewers read this.")


class LintConfig(StrictModel):
    """Linter settings."""

    rules: dict[str, RuleSetting] = Field(
        default_factory=dict, description="Rule id or name -> severity override with a reason."
    )


class Config(StrictModel):
    """``offerops.yaml``: seller, products, resale authorizations, buyer registry, policy,
    backend."""

    apiVersion: Literal["offerops/v1"]
    kind: Literal["Config"]
    seller: Seller
    products: dict[Alias, Product] = Field(min_length=1)
    resaleAuthorizations: dict[ResaleAuthorizationId, ResaleAuthorization] = Field(
        default_factory=dict,
        description="The resale authorizations ISVs shared with the seller, by id; a channel "
        "partner offer must name one of them.",
    )
    buyers: dict[Alias, Buyer] = Field(default_factory=dict)
    policy: Policy = Field(default_factory=Policy)
    backend: Backend = Field(default_factory=Backend)
    lint: LintConfig = Field(default_factory=LintConfig)


CONFIG_HINT = "run `offerops lint` for every problem"
"""What to do when offerops.yaml is refused with its first problem: lint lists them all."""


def validated_config(data: object, where: str) -> Config:
    """``data`` (offerops.yaml as parsed) as a :class:`Config`, for the commands that read it
    without linting it first (seeding, ``products import``); its first validation error is a
    ``ConfigError`` at ``where``, and the hint sends the user to ``offerops lint``."""
    from pydantic import ValidationError

    from offerops.errors import ConfigError

    try:
        return Config.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        at = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{where}: {at}: {first['msg']}", hint=CONFIG_HINT) from None
