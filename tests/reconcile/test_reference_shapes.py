"""Every AWS reference change set that makes or changes a private offer, written as an offer file
(the "proof" of the deal-shapes issue).

AWS's samples (aws-samples/aws-marketplace-reference-code, vendored in
``tests/emulator/reference``: private offers, channel partner offers and replacement offers) each
have a *twin* here, an offer file in offerops' format, or a stated refusal:

- the twin lints clean, and ``apply`` on the embedded emulator gives the offer the sample's
  terms: DescribeEntity of the offer after the sample's change set equals DescribeEntity after
  ``apply`` (name, description, state, product, resale authorization, markup, rules and terms),
  after removing the ids the service assigns, with dates as days (the replay moves the
  samples' 2023/2024 dates to today's; both sides run on today's clock), money by value
  (``"150"`` is ``150.00``) and a rate card's dimensions in key order (offerops sorts them:
  their order is not a term). One
  documented difference: for a contract offerops also sends the ValidityTerm its rate card's
  duration means, which AWS's contract samples (and a resale authorization's inherited terms)
  leave out (``terms/validity.py``);
- a sample that changes an offer made before it (``Sample.target``) has a twin that changes an
  offer file made before it (``Twin.before``, applied first as ``offers/target.yaml``): the plan
  of the change is an update with exactly the sample's change types (``expire`` for
  ExpirePrivateOffer). A released target is the replay's own (a fixed-price contract, or a
  channel partner offer with its authorization's terms), so the whole offer is compared; a
  draft target is a bare draft in the replay, so only what the sample's changes set is;
- a replacement sample (``Sample.agreement``) has a twin with ``replaces: {offer: target}``:
  the target file is applied, its buyer accepts it, then the twin is planned (a create that
  replaces that agreement) and applied;
- ``import`` of the sample's offer (with every other offer of that marketplace: the targets)
  writes files that lint without errors and plan as no-ops. For a draft target, whose sample
  leaves a bare draft with one part set, ``import`` is of the twin's offer instead;
- a sample that makes an incomplete draft (CreateDraftPrivateOffer, CreateDraftCppoOffer,
  create_draft_cppo_offer: a product and a name, the console's "Save and exit") has a
  ``lifecycle: draft`` twin that leaves buyers, expiresOn, pricing and legal out (only a draft
  may: OFR106); a channel partner draft keeps its authorization's terms. Such a draft targets
  nobody (``UNTARGETED``): reconcile/fetch.py lists those drafts too (``OFFER_LISTINGS``);
- a resale replacement sample whose fixed price carries its own Duration (P6M, P12M) has a
  twin with ``fixedPrice: { durationMonths: N }``.

Every vendored sample has a twin (UpdateOfferTargeting's is a draft that targets countries
only, which fetch.py's second listing finds); :func:`test_every_vendored_sample_has_a_twin`
fails for a newly vendored sample that has none.

Where the sample leaves something to its setting, the twin picks what makes one coherent offer,
and says so: the channel partner samples that release with the authorization's pricing and a
450-day ValidityTerm are replayed with an authorization of pay-as-you-go rates (a 12-month
contract rate card, the emulator's invented default, contradicts 450 days, and offerops derives
a rate card's duration from the contract's); the replacement sample that releases with the
agreement's pricing (``...FromAGWithContractPricingDetailDocument``) is replayed on an
agreement of an installment contract, whose fixed price is 0.00 (an upfront price beside its
0.00 payment schedule has no form).

The samples run through the embedded emulator on the wall clock, like the reconciler's own
round trips (release refuses an expiry in the emulator's past); dates are moved to 30 days from
today, as ``tests/emulator/test_reference_changesets.py`` moves them from its fixed today.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from emulator.engine_support import Api
from emulator.test_reference_changesets import (
    BUYER,
    CATALOG,
    DATE_MEMBERS,
    ISV,
    ISV_PRODUCTS,
    LEAD_DAYS,
    OFFER_TYPE,
    REFERENCE,
    RESALE,
    SAAS,
    SAMPLES,
    SELLER,
    SELLER_PRODUCTS,
    Replay,
    Sample,
    _change,
    _release_changes,
)
from offerops.emulator.clock import ManualClock
from offerops.emulator.engine import Marketplace
from offerops.emulator.seeding import isv_terms, load_config
from offerops.emulator.store import catalog
from offerops.model.config import Product
from offerops.reconcile.diff import OfferPlan
from offerops.reconcile.importer import import_offers, offers_to_import
from reconcile.roundtrip import FAST, errors_of, lint_repo, session_of

NOW = datetime.now(UTC)
TODAY = NOW.date()
EXPIRES = TODAY + timedelta(days=LEAD_DAYS)
"""Where the earliest date of every sample (its AvailabilityEndDate) lands."""
TARGET_DAYS = 20
TARGET_END = TODAY + timedelta(days=TARGET_DAYS)
"""When the offers made before a sample expire: before the samples' own dates, so an expiry the
sample sets is a change."""
EULA = "https://s3.amazonaws.com/sample-bucket/custom-eula.pdf"


def _product(key: str, product: Product) -> list[str]:
    lines = [f"  {key}:", f"    id: {product.id}", f"    type: {product.type}"]
    if product.manufacturerAccountId:
        lines.append(f'    manufacturerAccountId: "{product.manufacturerAccountId}"')
    lines.append("    dimensions:")
    for dimension in product.dimensions:
        fields = [f"key: {dimension.key}", f"name: {dimension.name}"]
        fields += [f"unit: {dimension.unit}"] if dimension.unit else []
        fields += ["usage: true"] if dimension.usage else []
        lines.append("      - { " + ", ".join(fields) + " }")
    return lines


CUSTOM_DIMENSION = "      - { key: Custom4, name: Custom Pricing 4, unit: Units, custom: true }"
"""The dimension CreateSaasProductCustomDimensionAndPrivateOffer adds to the SaaS product."""


def config(caller: str, resale_terms: str = "") -> str:
    """offerops.yaml of the sample's caller, with the products the replay seeds (same ids): the
    seller's own, with the custom dimension; for the reseller, the resold product and its
    resale authorization (with the ISV's ``terms`` given, else the emulator's invented ones)."""
    head = ["apiVersion: offerops/v1", "kind: Config", "seller:", f'  accountId: "{caller}"']
    if caller == SELLER:
        lines = ["products:"]
        for key, product in SELLER_PRODUCTS.items():
            lines += _product(key, product)
            lines += [CUSTOM_DIMENSION] if product.id == SAAS else []
        return "\n".join([*head, *lines]) + "\n"
    lines = ["products:"]
    for key, product in ISV_PRODUCTS.items():
        lines += _product(key, product.model_copy(update={"manufacturerAccountId": ISV}))
    lines += ["resaleAuthorizations:", f"  {RESALE}:", "    product: ref-resold"]
    return "\n".join([*head, *lines]) + "\n" + resale_terms


PAY_AS_YOU_GO_RESALE = """\
    terms:
      prices: { WorkloadSmall: "0.10", WorkloadMedium: "0.20" }
"""
"""An authorization whose ISV sells pay-as-you-go rates (a SaaS subscription), for the channel
partner samples that release with the authorization's pricing and a 450-day ValidityTerm."""

SAAS_NAME = "Test private offer for SaaSProduct using AWS Marketplace API Reference Code"
AMI_NAME = "Test private offer for AmiProduct using AWS Marketplace API Reference Code"
SUBSCRIPTION = (
    "Test private offer with subscription pricing for SaaSProduct using AWS Marketplace API "
    "Reference Code"
)
HOURLY_ANNUAL = (
    "Test private offer with hourly annual pricing for AmiProduct using AWS Marketplace API "
    "Reference Code"
)
HOURLY = (
    "Test private offer with hourly pricing for AmiProduct using AWS Marketplace API Reference Code"
)
CONTAINER_NAME = "Test private offer for Container product using AWS Marketplace API Reference Code"
CONTAINER_DESCRIPTION = (
    "Test private offer for Container product with contract pricing using AWS Marketplace API "
    "Reference Code"
)
REPLACEMENT_NAME = (
    "Test replacement offer for SaaSProduct using AWS Marketplace API Reference Codes"
)
BOTH = '["111111111111", "222222222222"]'
FIRST = '["111111111111"]'
SECOND = '["222222222222"]'


def _offer(
    product: str,
    name: str,
    description: str | None,
    pricing: str,
    rest: str,
    *,
    key: str = "sample",
    buyers: str = BOTH,
    expires: date = EXPIRES,
    head: str = "",
) -> str:
    """An offer file: ``pricing`` is the block under ``pricing:``, ``rest`` what follows it
    (legal, support, lifecycle), ``head`` spec lines before ``expiresOn`` (channel, replaces)."""
    described = f'  description: "{description}"\n' if description is not None else ""
    return f"""\
apiVersion: offerops/v1
kind: PrivateOffer
key: {key}
spec:
  name: "{name}"
{described}  product: {product}
{head}  expiresOn: {expires.isoformat()}
  buyers: {buyers}
  pricing:
{pricing}{rest}"""


def _day(offset: int) -> str:
    """A date ``offset`` days after the offer expires (the samples charge from 2024-01-01)."""
    return (EXPIRES + timedelta(days=offset)).isoformat()


CUSTOM = f"  legal:\n    terms: custom\n    url: {EULA}\n"
SCMP = "  legal:\n    terms: scmp\n"
DRAFT = "  lifecycle: draft\n"
CONSUMPTION = """\
    model: contract
    currency: USD
    contract: { durationMonths: 12 }
    dimensions:
      - { key: BasicService, price: "150" }
      - { key: PremiumService, price: "300" }
    usageDimensions:
      - { key: WorkloadSmall, price: "0.15" }
      - { key: WorkloadMedium, price: "0.25" }
"""
ANNUAL = """\
    model: usage
    currency: USD
    usage: { durationDays: 650 }
    dimensions:
      - { key: t2.micro, price: "0.17" }
    annual:
      durationDays: 365
      dimensions:
        - { key: t2.micro, price: "220.00" }
"""
ANNUAL_INSTALLMENTS = f"""\
    model: usage
    currency: USD
    usage: {{ durationDays: 650 }}
    dimensions:
      - {{ key: t2.micro, price: "0.17" }}
    annual:
      durationDays: 365
      dimensions:
        - {{ key: t2.micro, quantity: 1 }}
    payment: installments
    installments:
      total: "370.00"
      schedule:
        - {{ date: {_day(1)}, amount: "200.00" }}
        - {{ date: {_day(32)}, amount: "170.00" }}
"""
FLEXIBLE = f"""\
    model: contract
    currency: USD
    contract: {{ durationMonths: 12 }}
    dimensions:
      - {{ key: BasicService, quantity: 1 }}
    payment: installments
    installments:
      total: "370.00"
      schedule:
        - {{ date: {_day(1)}, amount: "200.00" }}
        - {{ date: {_day(32)}, amount: "170.00" }}
"""
RESOLD_CONTRACT = """\
    model: contract
    currency: USD
    contract: { durationMonths: 12 }
    dimensions:
      - { key: BasicService, price: "1.00" }
      - { key: PremiumService, price: "1.00" }
    usageDimensions:
      - { key: WorkloadSmall, price: "1.00" }
      - { key: WorkloadMedium, price: "1.00" }
"""
"""The pricing a channel partner offer inherits from an authorization seeded without terms (the
emulator's invention: 1.00 USD per dimension, a 12-month contract rate card)."""
RESOLD_RATES = """\
    model: usage
    currency: USD
    usage: { durationDays: 450 }
    dimensions:
      - { key: WorkloadSmall, price: "0.10" }
      - { key: WorkloadMedium, price: "0.20" }
"""
"""The rates of PAY_AS_YOU_GO_RESALE, for the 450 days the samples' ValidityTerm says."""


def _replacement(quantity: int, fixed_months: int | None = None) -> str:
    """The replacement samples' pricing: ``quantity`` BasicService for 0.00 in one payment of
    0.00, ending 30 days after; ``fixed_months`` the fixed price's own Duration (``PnM``)."""
    fixed = f"    fixedPrice: {{ durationMonths: {fixed_months} }}\n" if fixed_months else ""
    return f"""\
    model: contract
    currency: USD
    contract: {{ endsOn: {_day(30)} }}
    dimensions:
      - {{ key: BasicService, quantity: {quantity} }}
{fixed}    payment: installments
    installments:
      total: "0.00"
      schedule:
        - {{ date: {_day(1)}, amount: "0.00" }}
"""


TARGET = _offer(
    "ref-saas",
    "Target",
    None,
    "    model: contract\n    currency: USD\n    contract: { durationMonths: 12 }\n"
    '    dimensions:\n      - { key: BasicService, price: "120.00", quantity: 10 }\n',
    SCMP,
    key="target",
    buyers=FIRST,
    expires=TARGET_END,
)
"""The replay's released target offer (1200.00 for 10 BasicService, 12 months, the SCMP)."""
INSTALLMENTS_TARGET = _offer(
    "ref-saas",
    "Target",
    None,
    "    model: contract\n    currency: USD\n    contract: { durationMonths: 12 }\n"
    "    dimensions:\n      - { key: BasicService, quantity: 10 }\n"
    '    payment: installments\n    installments:\n      total: "1200.00"\n'
    f"      schedule:\n        - {{ date: {(TARGET_END + timedelta(days=1)).isoformat()}, "
    'amount: "1200.00" }\n',
    SCMP,
    key="target",
    buyers=FIRST,
    expires=TARGET_END,
)
"""The same contract paid in one installment (the agreement DetailDocument replaces)."""
CHANNEL = f"  channel: {{ resaleAuthorization: {RESALE} }}\n"
MARKUP = f'  channel: {{ resaleAuthorization: {RESALE}, markupPercentage: "5.0" }}\n'
RESOLD_TARGET = _offer(
    "ref-resold",
    "Target",
    None,
    RESOLD_CONTRACT,
    SCMP,
    key="target",
    buyers=FIRST,
    expires=TARGET_END,
    head=CHANNEL,
)
"""The replay's released channel partner target: its authorization's terms, the SCMP."""
REPLACES = "  replaces: { offer: target }\n"


_BARE = """\
apiVersion: offerops/v1
kind: PrivateOffer
key: sample
spec:
  name: "{name}"
  product: {product}
  lifecycle: draft
"""
"""A draft with a product and a name, nothing else: what AWS's CreateDraftPrivateOffer sample
makes (the console's "Save and exit"). It leaves out buyers, expiresOn, pricing and legal,
which only a draft may (OFR106): offerops sends none of them and leaves them as the
marketplace has them (for a channel partner draft, its authorization's pricing and legal)."""


def _draft(pricing: str = CONSUMPTION, rest: str = CUSTOM, **kwargs: Any) -> str:
    """A draft SaaS offer ``target`` (the twin of a sample that changes a draft)."""
    fields: dict[str, Any] = {"key": "target", "buyers": FIRST, **kwargs}
    name = fields.pop("name", SAAS_NAME)
    description = fields.pop("description", SUBSCRIPTION)
    product = fields.pop("product", "ref-saas")
    return _offer(product, name, description, pricing, rest + DRAFT, **fields)


@dataclass(frozen=True)
class Twin:
    """The offer file that says what a sample does, and what it starts from."""

    offer: str
    before: str | None = None
    """The target offer file (``offers/target.yaml``), applied first: for a sample that changes
    an offer, ``offer`` is its next version; for a replacement, the offer it replaces."""
    resale_terms: str = ""
    """The ISV's ``terms`` of the resale authorization, seeded alike in both marketplaces."""
    installments_target: bool = False
    """The replay's target is a contract paid in installments (``INSTALLMENTS_TARGET``)."""


TWINS: Mapping[str, Twin] = {
    # --- direct offers ------------------------------------------------------------------------
    "java/offers/CreatePrivateOfferWithContractPricingForAmiProduct": Twin(
        _offer(
            "ref-ami",
            AMI_NAME,
            HOURLY_ANNUAL,
            "    model: contract\n    currency: USD\n    contract: { durationMonths: 12 }\n"
            '    dimensions:\n      - { key: ReadOnlyUsers, price: "220.00" }\n',
            CUSTOM,
        )
    ),
    "java/offers/CreatePrivateOfferWithContractPricingForContainerProduct": Twin(
        _offer(
            "ref-container",
            CONTAINER_NAME,
            CONTAINER_DESCRIPTION,
            "    model: contract\n    currency: USD\n    contract:\n      durationMonths: 12\n"
            "      purchasing: single-dimension\n      quantities: one\n"
            '    dimensions:\n      - { key: ReqPerHour, price: "0.25" }\n',
            SCMP,
            buyers=FIRST,
        )
    ),
    "java/offers/CreatePrivateOfferWithContractPricingWithFlexiblePaymentScheduleForSaas": Twin(
        _offer(
            "ref-saas",
            SAAS_NAME,
            SUBSCRIPTION,
            FLEXIBLE.replace(
                "BasicService, quantity: 1 }\n",
                "BasicService, quantity: 1 }\n      - { key: PremiumService, quantity: 1 }\n",
            ),
            CUSTOM,
        )
    ),
    "java/offers/CreatePrivateOfferWithContractWithPayAsYouGoPricingForSaas": Twin(
        _offer("ref-saas", SAAS_NAME, SUBSCRIPTION, CONSUMPTION, CUSTOM)
    ),
    "java/offers/CreatePrivateOfferWithHourlyAnnualPricingAndFlexiblePaymentScheduleForAmi": Twin(
        _offer("ref-ami", AMI_NAME, HOURLY_ANNUAL, ANNUAL_INSTALLMENTS, CUSTOM)
    ),
    "java/offers/CreatePrivateOfferWithHourlyAnnualPricingForAmiProduct": Twin(
        _offer("ref-ami", AMI_NAME, HOURLY_ANNUAL, ANNUAL, CUSTOM)
    ),
    "java/offers/CreatePrivateOfferWithHourlyPricingForAmi": Twin(
        _offer(
            "ref-ami",
            AMI_NAME,
            HOURLY,
            "    model: usage\n    currency: USD\n    usage: { durationDays: 30 }\n"
            '    dimensions:\n      - { key: t2.micro, price: "0.15" }\n',
            SCMP,
        )
    ),
    "java/offers/CreatePrivateOfferWithSubscriptionPricingForSaas": Twin(
        _offer(
            "ref-saas",
            SAAS_NAME,
            SUBSCRIPTION,
            "    model: usage\n    currency: USD\n    usage: { durationDays: 30 }\n"
            '    dimensions:\n      - { key: WorkloadSmall, price: "0.13" }\n'
            '      - { key: WorkloadMedium, price: "0.22" }\n',
            CUSTOM,
        )
    ),
    "java/offers/CreatePrivateOfferWithTieredContractPricingForSaas": Twin(
        _offer(
            "ref-saas",
            SAAS_NAME,
            SUBSCRIPTION,
            "    model: contract\n    currency: USD\n    contract:\n      durationMonths: 12\n"
            "      purchasing: single-dimension\n      quantities: one\n"
            '    dimensions:\n      - { key: BasicService, price: "120.00" }\n'
            '      - { key: PremiumService, price: "200.00" }\n',
            CUSTOM,
        )
    ),
    "java/offers/CreateSaasProductCustomDimensionAndPrivateOffer": Twin(
        _offer(
            "ref-saas",
            "Private Test Offer - SaaS Contract Product",
            "Private Test Offer - SaaS Contract Product",
            "    model: contract\n    currency: USD\n    contract: { durationMonths: 36 }\n"
            '    dimensions:\n      - { key: Custom4, price: "300.0" }\n',
            SCMP,
            buyers=FIRST,
        )
    ),
    "python/create_private_offer_with_contract_pricing_with_flexible_payment_schedule_for_saas_product": Twin(  # noqa: E501
        _offer(
            "ref-saas",
            SAAS_NAME,
            SUBSCRIPTION,
            FLEXIBLE,
            CUSTOM + '  support:\n    refundPolicy: "Some kind of refund policy description"\n',
            buyers=FIRST,
        )
    ),
    "python/bulk_create_private_offer_usage_based": Twin(
        _offer(
            "ref-metered",
            "Demo Private Offer with Dynamic Pricing",
            "Demo Private Offer with Rate Card Based Pricing",
            "    model: usage\n    currency: USD\n    usage: { durationDays: 365 }\n"
            '    dimensions:\n      - { key: metered_1_id, price: "0.9" }\n'
            '      - { key: metered_2_id, price: "1.7" }\n'
            '      - { key: metered_3_id, price: "2.4" }\n',
            "  legal:\n    terms: custom\n    url: https://s3.amazonaws.com/aws-mp-standard-"
            "contracts/Standard-Contact-for-AWS-Marketplace-2022-07-14.pdf\n",
            buyers=FIRST,
        )
    ),
    # --- changes of a draft -------------------------------------------------------------------
    "java/offers/UpdateEula": Twin(_draft(), before=_draft(rest=SCMP)),
    "java/offers/UpdateOfferNameAndDescription": Twin(
        _draft(name="New offer name", description="New offer description"), before=_draft()
    ),
    "java/offers/UpdateOfferWithContractAndPayAsYouGoPricing": Twin(
        _draft(),
        before=_draft(
            CONSUMPTION.replace('"150"', '"100"').replace('"0.15"', '"0.11"'),
        ),
    ),
    "java/offers/UpdateOfferWithHourlyAnnualPricing": Twin(
        _draft(
            ANNUAL.replace("t2.micro", "m5.large")
            .replace('"0.17"', '"0.13"')
            .replace('"220.00"', '"20.03"'),
            product="ref-ami",
            name=AMI_NAME,
            description=HOURLY_ANNUAL,
        ),
        before=_draft(ANNUAL, product="ref-ami", name=AMI_NAME, description=HOURLY_ANNUAL),
    ),
    "java/offers/UpdateOfferTargeting": Twin(
        _draft().replace("  buyers: " + FIRST, "  countries: [US, ES, FR, AU]"),
        before=_draft().replace("  buyers: " + FIRST + "\n", ""),
    ),
    "java/offers/UpdateRefundPolicy": Twin(
        _draft(rest=CUSTOM + '  support:\n    refundPolicy: "Updated refund policy description"\n'),
        before=_draft(),
    ),
    # --- changes of a released offer ----------------------------------------------------------
    "java/offers/UpdateOfferExpirationDateOfPrivateOffer": Twin(
        TARGET.replace(TARGET_END.isoformat(), EXPIRES.isoformat()), before=TARGET
    ),
    "java/offers/ExpirePrivateOffer": Twin(TARGET + "  lifecycle: expired\n", before=TARGET),
    # --- replacement offers -------------------------------------------------------------------
    "java/offers/CreateReplacementPrivateOfferWithContractPricing": Twin(
        _offer(
            "ref-saas",
            REPLACEMENT_NAME,
            "Test private replacement offer with contract pricing for SaaSProduct",
            _replacement(2),
            SCMP,
            buyers=FIRST,
            head=REPLACES,
        ),
        before=TARGET,
    ),
    "java/offers/CreateReplacementOfferWithContractPricing": Twin(
        _offer(
            "ref-saas",
            REPLACEMENT_NAME,
            SUBSCRIPTION,
            _replacement(2),
            SCMP,
            buyers=FIRST,
            head=REPLACES,
        ),
        before=TARGET,
    ),
    "java/offers/CreateReplacementOfferFromAGWithContractPricingDetailDocument2": Twin(
        _offer(
            "ref-saas",
            REPLACEMENT_NAME,
            SUBSCRIPTION,
            _replacement(2),
            SCMP,
            buyers=FIRST,
            head=REPLACES,
        ),
        before=TARGET,
    ),
    "java/offers/CreateReplacementOfferFromAGWithContractPricingDetailDocument": Twin(
        _offer(
            "ref-saas",
            REPLACEMENT_NAME,
            SUBSCRIPTION,
            _replacement(10),
            SCMP,
            buyers=FIRST,
            head=REPLACES,
        ),
        before=INSTALLMENTS_TARGET,
        installments_target=True,
    ),
    # --- channel partner offers ---------------------------------------------------------------
    "java/channel_partner_offers/PublishCppoEula": Twin(
        _offer(
            "ref-resold",
            "Test Offer",
            "Test product",
            RESOLD_RATES,
            CUSTOM,
            buyers=SECOND,
            head=CHANNEL,
        ),
        resale_terms=PAY_AS_YOU_GO_RESALE,
    ),
    "java/channel_partner_offers/PublishCppoPiceMarkupObject": Twin(
        _offer(
            "ref-resold",
            "Test Offer",
            "Test product",
            RESOLD_RATES,
            SCMP,
            buyers=SECOND,
            head=MARKUP,
        ),
        resale_terms=PAY_AS_YOU_GO_RESALE,
    ),
    "python/publish_cppo_price_markup": Twin(
        _offer(
            "ref-resold",
            "Test Offer name",
            "Test Offer description",
            RESOLD_RATES,
            SCMP,
            buyers=FIRST,
            head=MARKUP,
        ),
        resale_terms=PAY_AS_YOU_GO_RESALE,
    ),
    "python/publish_one_time_cppo_with_price_markup": Twin(
        _offer(
            "ref-resold",
            "Test Offer name",
            "Test Offer description",
            RESOLD_CONTRACT,
            SCMP,
            buyers=FIRST,
            head=MARKUP,
        )
    ),
    "java/channel_partner_offers/UpdateCppoExpiryDate": Twin(
        RESOLD_TARGET.replace(TARGET_END.isoformat(), EXPIRES.isoformat()), before=RESOLD_TARGET
    ),
    # --- channel partner replacement offers: a fixed price with its own Duration ---------------
    "java/channel_partner_offers/CreateRAReplacementOfferFromAGWithContractPricing": Twin(
        _offer(
            "ref-resold",
            REPLACEMENT_NAME,
            SUBSCRIPTION,
            _replacement(2, fixed_months=6),
            SCMP,
            buyers=FIRST,
            head=CHANNEL + REPLACES,
        ),
        before=RESOLD_TARGET,
    ),
    "java/channel_partner_offers/CreateResaleAuthorizationReplacementOffer": Twin(
        _offer(
            "ref-resold",
            REPLACEMENT_NAME,
            "Test private resale replacement offer with contract pricing for SaaSProduct",
            _replacement(2, fixed_months=12),
            SCMP,
            buyers=FIRST,
            head=CHANNEL + REPLACES,
        ),
        before=RESOLD_TARGET,
    ),
    # --- incomplete drafts: a product and a name (the console's "Save and exit") --------------
    "java/offers/CreateDraftPrivateOffer": Twin(
        _BARE.format(name="Test Private Offer", product="ref-saas")
    ),
    "java/channel_partner_offers/CreateDraftCppoOffer": Twin(
        _BARE.format(name="Test Offer", product="ref-resold").replace(
            "  lifecycle: draft\n", '  description: "Test product"\n' + CHANNEL + DRAFT
        )
    ),
    "python/create_draft_cppo_offer": Twin(
        _BARE.format(name="Test Offer name", product="ref-resold").replace(
            "  lifecycle: draft\n", CHANNEL + DRAFT
        )
    ),
}


# --- the sample, replayed -----------------------------------------------------------------------


class WallClockReplay(Replay):
    """The replay of test_reference_changesets on the wall clock, with the twin's setting: the
    targets it makes expire TARGET_DAYS from today, its resale authorization has the twin's ISV
    terms, its agreement is of an installment contract when the twin says so."""

    today = TODAY
    target_days = TARGET_DAYS

    def __init__(self, market: Marketplace, sample: Sample, root: Path, twin: Twin | None) -> None:
        self.root = root
        self.twin = twin
        super().__init__(market, sample)

    def seeded(self) -> None:
        if self.twin is None or not self.twin.resale_terms:
            return
        terms = isv_terms(load_config(self.root / "offerops.yaml"), RESALE)
        with self.market.store.write() as connection:
            catalog.save_resale_terms(connection, RESALE, terms)

    def release_changes(self, end: str) -> list[dict[str, Any]]:
        changes = super().release_changes(end)
        if self.twin is None or not self.twin.installments_target:
            return changes
        pricing = {
            "Type": "FixedUpfrontPricingTerm",
            "CurrencyCode": "USD",
            "Price": "0.00",
            "Grants": [{"DimensionKey": "BasicService", "MaxQuantity": 10}],
        }
        charge = (date.fromisoformat(end) + timedelta(days=1)).isoformat()
        schedule = {
            "Type": "PaymentScheduleTerm",
            "CurrencyCode": "USD",
            "Schedule": [{"ChargeDate": charge, "ChargeAmount": "1200.00"}],
        }
        paid = [
            _change("UpdatePricingTerms", {"PricingModel": "Contract", "Terms": [pricing]})
            if change["ChangeType"] == "UpdatePricingTerms"
            else change
            for change in changes
        ]
        return [*paid[:-1], _change("UpdatePaymentScheduleTerms", {"Terms": [schedule]}), paid[-1]]


def _repo(root: Path, name: str, twin: Twin | None) -> Path:
    (root / "offers").mkdir(parents=True)
    terms = twin.resale_terms if twin else ""
    (root / "offerops.yaml").write_text(config(SAMPLES[name].caller, terms))
    return root


def _replayed(name: str, root: Path, twin: Twin | None) -> tuple[str, dict[str, Any], list[str]]:
    """Replay the sample into ``root``'s database: (offer id, its details, its change types on
    the offer)."""
    sample = SAMPLES[name]
    request = json.loads((REFERENCE / f"{name}.json").read_text(encoding="utf-8"))
    database = root / ".offerops" / "marketplace.sqlite"
    database.parent.mkdir(parents=True, exist_ok=True)
    with Marketplace(database, clock=ManualClock(NOW)) as market:
        replay = WallClockReplay(market, sample, root, twin)
        request = replay.prepare(request)
        described = replay.run(request)
        assert described["Status"] == "SUCCEEDED", described
        offer_id = replay.offer_of(described)
        details = Api(market, sample.caller).details(offer_id)
    types = [c["ChangeType"] for c in request["ChangeSet"] if c["Entity"]["Type"] == OFFER_TYPE]
    return offer_id, details, types


# --- the twin, applied --------------------------------------------------------------------------


def _write(root: Path, key: str, text: str) -> None:
    (root / "offers" / f"{key}.yaml").write_text(text)
    assert errors_of(lint_repo(root)) == [], text


def _apply(root: Path, key: str) -> tuple[OfferPlan, str]:
    """Plan and apply; every offer but ``key`` plans as a no-op. (The plan entry of ``key``,
    the offer id after apply.)"""
    session = session_of(root)
    try:
        plan = session.plan()
        (entry,) = [e for e in plan.entries if e.key == key]
        assert [e.action for e in plan.entries if e.key != key] == ["no-op"] * (
            len(plan.entries) - 1
        ), plan.entries
        results = session.apply(plan, FAST)
        assert [(r.status, r.errors) for r in results] == [("SUCCEEDED", [])]
        (actual,) = [offer for offer in session.actual() if offer.key == key]
    finally:
        session.close()
    return entry, actual.offer_id


def _applied(name: str, twin: Twin, root: Path) -> tuple[OfferPlan, dict[str, Any]]:
    """Apply the twin (after its target, accepted for a replacement) to a fresh embedded
    emulator: its plan entry and the details of the offer it made or changed."""
    sample = SAMPLES[name]
    database = root / ".offerops" / "marketplace.sqlite"
    if twin.before is not None:
        _write(root, "target", twin.before)
        entry, target = _apply(root, "target")
        assert entry.action == "create", entry
        if sample.agreement:
            with Marketplace(database) as market:
                market.accept_offer(BUYER, target)
    key = "target" if sample.target else "sample"
    _write(root, key, twin.offer)
    entry, offer_id = _apply(root, key)
    with Marketplace(database) as market:
        return entry, Api(market, sample.caller).details(offer_id)


# --- comparing ----------------------------------------------------------------------------------

OFFER_PARTS: Mapping[str, set[str]] = {
    "UpdateInformation": {"Name", "Description"},
    "UpdateTargeting": {"TargetingRule"},
    "UpdateAvailability": {"AvailabilityRule"},
    "UpdatePricingTerms": {
        "UsageBasedPricingTerm",
        "ConfigurableUpfrontPricingTerm",
        "FixedUpfrontPricingTerm",
    },
    "UpdateValidityTerms": {"ValidityTerm"},
    "UpdatePaymentScheduleTerms": {"PaymentScheduleTerm"},
    "UpdateLegalTerms": {"LegalTerm"},
    "UpdateSupportTerms": {"SupportTerm"},
    "UpdateMarkup": {"MarkupPercentage"},
}
"""What each change type sets: members of the offer, rule types, term types."""
MEMBERS = ("Name", "Description", "State", "ProductId", "ResaleAuthorizationId")
READING = date(2000, 1, 1) - EXPIRES
"""Dates are shown moved by this (EXPIRES reads 2000-01-01): both sides run on today's clock."""


def comparable(details: Mapping[str, Any], parts: set[str] | None = None) -> dict[str, Any]:
    """The offer without service ids, money by value, rate cards and grants by key, dates moved
    by one number of days for reading (EXPIRES is 2000-01-01); only ``parts`` (members, rule and
    term types) when given."""
    rules = sorted((_plain(rule) for rule in details.get("Rules", [])), key=repr)
    terms = sorted(
        (_plain(term) for term in details.get("Terms", [])),
        key=lambda term: (str(term["Type"]), repr(term)),
    )
    markup = details.get("MarkupPercentage")
    document: dict[str, Any] = {member: details.get(member) for member in MEMBERS}
    document["MarkupPercentage"] = None if markup is None else _plain(markup, "Price")
    if parts is not None:
        document = {member: value for member, value in document.items() if member in parts}
        rules = [rule for rule in rules if rule["Type"] in parts]
        terms = [term for term in terms if term["Type"] in parts]
    moved: dict[str, Any] = _moved({**document, "Rules": rules, "Terms": terms}, READING)
    return moved


def _plain(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _plain(v, k) for k, v in value.items() if k != "Id"}
    if isinstance(value, list) and key == "CountryCodes":
        return sorted(value)  # offerops sends them sorted; their order is not a term
    if isinstance(value, list) and key in {"RateCard", "Grants"}:
        return sorted((_plain(item, key) for item in value), key=lambda i: i["DimensionKey"])
    if isinstance(value, list):
        return [_plain(item, key) for item in value]
    if key in {"Price", "ChargeAmount"}:
        return format(Decimal(value).normalize(), "f")
    if key in DATE_MEMBERS and isinstance(value, str):
        return value[:10]
    return value


def _moved(value: Any, shift: timedelta, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _moved(v, shift, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_moved(item, shift, key) for item in value]
    if key in DATE_MEMBERS and isinstance(value, str):
        return (date.fromisoformat(value) + shift).isoformat()
    return value


def _without_implied_validity(mine: dict[str, Any], sample: dict[str, Any]) -> dict[str, Any]:
    """Drop the ValidityTerm offerops sends for a contract whose rate card carries the duration,
    where the sample's offer has none (the one documented difference)."""
    if any(term["Type"] == "ValidityTerm" for term in sample["Terms"]):
        return mine
    selectors = [
        card["Selector"]["Value"]
        for term in mine["Terms"]
        if term["Type"] == "ConfigurableUpfrontPricingTerm"
        for card in term["RateCards"]
    ]
    implied = [{"Type": "ValidityTerm", "AgreementDuration": value} for value in selectors]
    terms = [term for term in mine["Terms"] if term not in implied]
    return {**mine, "Terms": terms}


def _parts(name: str, changes: list[str]) -> set[str] | None:
    """What to compare: the whole offer, or for a change of a bare draft what the change sets."""
    if SAMPLES[name].target != "draft":
        return None
    return {"State"}.union(*(OFFER_PARTS[change] for change in changes))


def _updates(changes: list[str]) -> set[str]:
    return {change for change in changes if change.startswith("Update")}


# --- the tests ----------------------------------------------------------------------------------


UNTARGETED: frozenset[str] = frozenset(
    {
        "java/offers/CreateDraftPrivateOffer",
        "java/channel_partner_offers/CreateDraftCppoOffer",
        "python/create_draft_cppo_offer",
    }
)
"""Samples whose offer targets nobody: a draft without buyers, which reconcile/fetch.py lists
with a second ListEntities (``OFFER_LISTINGS``: untargeted drafts)."""


@pytest.mark.parametrize("name", sorted(TWINS))
def test_the_offer_file_makes_the_samples_terms(name: str, tmp_path: Path) -> None:
    twin = TWINS[name]
    _, sample_details, changes = _replayed(name, _repo(tmp_path / "sample", name, twin), twin)
    entry, mine_details = _applied(name, twin, _repo(tmp_path / "mine", name, twin))
    sample = SAMPLES[name]
    if sample.expire:
        assert entry.action == "expire", entry
    elif sample.target:
        assert (entry.action, set(entry.change_types)) == ("update", _updates(changes)), entry
    else:
        assert entry.action == "create", entry
    parts = _parts(name, changes)
    expected = comparable(sample_details, parts)
    assert _without_implied_validity(comparable(mine_details, parts), expected) == expected


@pytest.mark.parametrize("name", sorted(TWINS))
def test_import_of_the_samples_offer_lints_clean_and_plans_nothing(
    name: str, tmp_path: Path
) -> None:
    """Import every offer of the sample's marketplace (the sample's, and the target it started
    from); for a change of a bare draft, the twin's offer instead."""
    twin = TWINS[name]
    root = _repo(tmp_path / "repo", name, twin)
    if SAMPLES[name].target == "draft":
        _applied(name, twin, root)
        (root / "offers" / "target.yaml").unlink()
    else:
        _replayed(name, root, twin)
    session = session_of(root)
    try:
        chosen = offers_to_import(session.desired(), session.actual(), [])
        results = import_offers(chosen, session.config, root, set(), TODAY)
    finally:
        session.close()
    assert results and [r.error for r in results] == [None] * len(results), results
    texts = "\n".join((root / str(r.path)).read_text() for r in results)
    assert errors_of(lint_repo(root)) == [], texts
    again = session_of(root)
    try:
        plan = again.plan()
    finally:
        again.close()
    assert {(e.action, e.changes) for e in plan.entries} == {("no-op", ())}, texts


def test_every_vendored_sample_has_a_twin() -> None:
    """Each vendored sample makes or changes an offer, so each has an offer file: a newly
    vendored sample cannot be skipped."""
    vendored = {str(p.relative_to(REFERENCE).with_suffix("")) for p in REFERENCE.rglob("*.json")}
    for name in vendored:
        request = json.loads((REFERENCE / f"{name}.json").read_text(encoding="utf-8"))
        kinds = {change["Entity"]["Type"] for change in request["ChangeSet"]}
        assert OFFER_TYPE in kinds, name
    assert set(TWINS) == vendored
    assert vendored == set(SAMPLES)


def test_the_custom_dimension_is_added_as_the_sample_adds_it(tmp_path: Path) -> None:
    """The product gets Custom4 with the sample's key, name, unit and type. Its Description is
    the name (offerops.yaml has no dimension description; the sample's says more)."""
    name = "java/offers/CreateSaasProductCustomDimensionAndPrivateOffer"
    twin = TWINS[name]
    _replayed(name, _repo(tmp_path / "sample", name, twin), twin)
    _applied(name, twin, _repo(tmp_path / "mine", name, twin))

    def custom(root: Path) -> dict[str, Any]:
        with Marketplace(root / ".offerops" / "marketplace.sqlite") as market:
            entity = Api(market, SELLER)("DescribeEntity", Catalog=CATALOG, EntityId=SAAS)
        document = entity["DetailsDocument"]
        (found,) = [d for d in document["Dimensions"] if d["Key"] == "Custom4"]
        return dict(found)

    sample, mine = custom(tmp_path / "sample"), custom(tmp_path / "mine")
    assert mine.pop("Description") == "Custom Pricing 4"
    assert sample.pop("Description").startswith("Custom Pricing 4 w/ terms")
    assert mine == sample


def test_the_replay_release_changes_are_the_shared_ones() -> None:
    """The twins' targets say what the shared replay releases (a guard for TARGET)."""
    changes = _release_changes(SAAS, TARGET_END.isoformat())
    pricing = next(c for c in changes if c["ChangeType"] == "UpdatePricingTerms")
    (term,) = pricing["DetailsDocument"]["Terms"]
    assert (term["Price"], term["Grants"]) == (
        "1200.00",
        [{"DimensionKey": "BasicService", "MaxQuantity": 10}],
    )
    assert SELLER_PRODUCTS["ref-saas"].id == SAAS
