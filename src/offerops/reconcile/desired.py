"""Desired state: each valid offer file mapped to the Catalog API change documents it means.

This is the only place that knows how the YAML format maps onto offer terms; ``actual.py`` reads
the same documents back from DescribeEntity. Choices where the public API docs are silent are
listed in docs/reconciler.md (e.g. upfront with fixed quantities -> FixedUpfrontPricingTerm).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from offerops.model.config import Config
from offerops.model.installments import schedule_of
from offerops.model.offer import Legal, OfferFile
from offerops.model.pricing import ContractPricing, ContractTerm, UsagePricing, UsageTerm
from offerops.reconcile.canonical import ChangeDocs, canonical, fingerprint, money

STANDARD_EULA_VERSION = "2019-12-12"
"""``terms: standard-eula`` -> StandardEula of this version (unconfirmed; one place to change)."""
SCMP_VERSION = "2022-07-14"
"""``terms: scmp`` -> the Standard Contract for AWS Marketplace, StandardEula of this version."""


@dataclass(frozen=True)
class DesiredOffer:
    """One offer as git wants it, ready to diff and to turn into a change set."""

    key: str
    relpath: str
    adopted_id: str | None
    product_id: str
    resale_authorization_id: str | None
    name: str
    lifecycle: Literal["active", "expired"]
    expires_on: date
    docs: ChangeDocs

    @property
    def content_hash(self) -> str:
        """Hash of everything apply would send: the idempotency token derives from it."""
        payload = [
            self.key,
            self.product_id,
            self.resale_authorization_id,
            self.lifecycle,
            self.docs,
        ]
        return hashlib.sha256(fingerprint(payload).encode()).hexdigest()


def desired_offer(offer: OfferFile, relpath: str, config: Config, root: Path) -> DesiredOffer:
    """Map one structurally valid, lint-clean offer to its desired state."""
    spec = offer.spec
    product = config.products[spec.product]
    pricing = spec.pricing
    docs: ChangeDocs = {
        "UpdateInformation": _information(offer),
        "UpdateTargeting": {
            "PositiveTargeting": {"BuyerAccounts": sorted(set(_accounts(spec.buyers, config)))}
        },
        "UpdateAvailability": {"AvailabilityEndDate": spec.expiresOn.isoformat()},
        "UpdatePricingTerms": _pricing_terms(pricing),
        "UpdateValidityTerms": {"Terms": [_validity(pricing)]},
        "UpdatePaymentScheduleTerms": _payment_schedule(pricing),
        "UpdateLegalTerms": {"Terms": [_legal(spec.legal, config, root)]},
    }
    if spec.channel is not None and spec.channel.markupPercentage is not None:
        docs["UpdateMarkup"] = {"Percentage": money(spec.channel.markupPercentage)}
    return DesiredOffer(
        key=offer.key,
        relpath=relpath,
        adopted_id=offer.id,
        product_id=product.id,
        resale_authorization_id=spec.channel.resaleAuthorization if spec.channel else None,
        name=spec.name,
        lifecycle=spec.lifecycle,
        expires_on=spec.expiresOn,
        docs=canonical(docs),
    )


def _accounts(refs: list[str], config: Config) -> list[str]:
    return [ref if ref.isdigit() else config.buyers[ref].account for ref in refs]


def _information(offer: OfferFile) -> dict[str, Any]:
    spec = offer.spec
    document: dict[str, Any] = {"Name": spec.name, "Description": spec.description}
    if spec.renewal != "none":
        channel = (
            "AwsMarketplace" if spec.renewal == "existing-marketplace-customer" else "External"
        )
        model = "Usage" if isinstance(spec.pricing, UsagePricing) else "Contract"
        document["PreExistingAgreement"] = {"AcquisitionChannel": channel, "PricingModel": model}
    return document


def _pricing_terms(pricing: UsagePricing | ContractPricing) -> dict[str, Any]:
    if isinstance(pricing, UsagePricing):
        rate_card = [{"DimensionKey": d.key, "Price": money(d.price)} for d in pricing.dimensions]
        term = {
            "Type": "UsageBasedPricingTerm",
            "CurrencyCode": pricing.currency,
            "RateCards": [{"RateCard": rate_card}],
        }
        return {"PricingModel": "Usage", "Terms": [term]}
    return {"PricingModel": "Contract", "Terms": [_contract_term(pricing)]}


def _contract_term(pricing: ContractPricing) -> dict[str, Any]:
    """Upfront per-unit prices, fixed-quantity upfront, or installments (FPS)."""
    dimensions = pricing.dimensions
    if pricing.payment == "installments" or all(d.quantity is not None for d in dimensions):
        total = Decimal(0)
        if pricing.payment == "upfront":
            total = sum(
                ((d.price or Decimal(0)) * (d.quantity or 0) for d in dimensions), Decimal(0)
            )
        grants = [{"DimensionKey": d.key, "MaxQuantity": d.quantity} for d in dimensions]
        return {
            "Type": "FixedUpfrontPricingTerm",
            "CurrencyCode": pricing.currency,
            "Price": money(total),
            "Grants": grants,
        }
    multiple = pricing.contract.purchasing == "multiple-dimensions"
    return {
        "Type": "ConfigurableUpfrontPricingTerm",
        "CurrencyCode": pricing.currency,
        "RateCards": [
            {
                "Selector": {"Type": "Duration", "Value": _duration(pricing.contract)},
                "Constraints": {
                    "MultipleDimensionSelection": "Allowed" if multiple else "Disallowed",
                    "QuantityConfiguration": "Allowed",
                },
                "RateCard": [
                    {"DimensionKey": d.key, "Price": money(d.price or Decimal(0))}
                    for d in dimensions
                ],
            }
        ],
    }


def _duration(term: ContractTerm | UsageTerm) -> str:
    """ISO 8601 duration of a term: ``P36M``, or days up to ``endsOn`` from a dated start."""
    if term.durationMonths is not None:
        return f"P{term.durationMonths}M"
    start = getattr(term, "starts", "on-acceptance")
    if isinstance(start, date) and term.endsOn is not None:
        return f"P{(term.endsOn - start).days + 1}D"
    return "P12M"


def _validity(pricing: UsagePricing | ContractPricing) -> dict[str, Any]:
    term: ContractTerm | UsageTerm = (
        pricing.usage if isinstance(pricing, UsagePricing) else pricing.contract
    )
    validity: dict[str, Any] = {"Type": "ValidityTerm"}
    if term.endsOn is not None:
        validity["AgreementEndDate"] = term.endsOn.isoformat()
    else:
        validity["AgreementDuration"] = f"P{term.durationMonths}M"
    starts = getattr(term, "starts", "on-acceptance")
    if isinstance(starts, date):
        validity["AgreementStartDate"] = starts.isoformat()
    return validity


def _payment_schedule(pricing: UsagePricing | ContractPricing) -> dict[str, Any]:
    if not isinstance(pricing, ContractPricing) or pricing.installments is None:
        return {"Terms": []}
    schedule = [
        {"ChargeDate": when.isoformat(), "ChargeAmount": money(amount)}
        for when, amount in schedule_of(pricing.installments)
    ]
    term = {"Type": "PaymentScheduleTerm", "CurrencyCode": pricing.currency, "Schedule": schedule}
    return {"Terms": [term]}


def _legal(legal: Legal, config: Config, root: Path) -> dict[str, Any]:
    if legal.terms == "custom":
        document = {"Type": "CustomEula", "Url": documents_url(legal.documents or [], config, root)}
    else:
        version = SCMP_VERSION if legal.terms == "scmp" else STANDARD_EULA_VERSION
        document = {"Type": "StandardEula", "Version": version}
    return {"Type": "LegalTerm", "Documents": [document]}


DOCUMENT_HASH_LENGTH = 16
"""Hex digits of each document's SHA-256 in the published URL (64 bits: no practical clash)."""


def document_hash(path: Path) -> str:
    """The short content hash that names one document in a published URL.

    Memoized by size and modification time: one MSA of up to 30 MB is often shared by hundreds
    of offers, and it is read once, not once per offer.
    """
    status = path.stat()
    return _document_hash(str(path), status.st_size, status.st_mtime_ns)


@functools.lru_cache(maxsize=1024)
def _document_hash(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()[:DOCUMENT_HASH_LENGTH]


def documents_url(paths: list[str], config: Config, root: Path) -> str:
    """The URL the custom EULA is published at: named by its documents' contents, in order.

    The Catalog API takes one document URL and fetches it. Each document's short hash is part of
    the name (``<base>/<hash1>-<hash2>.pdf``), so a changed document changes the URL and shows
    as a legal-terms change, and ``offerops import`` can find each document in legal/ again.
    """
    hashes = [document_hash(root / relpath) for relpath in paths]
    suffix = ".pdf" if any(p.lower().endswith(".pdf") for p in paths) else ".txt"
    base = config.backend.documentsBaseUrl.rstrip("/")
    return f"{base}/{'-'.join(hashes)}{suffix}"


def document_hashes(url: str) -> list[str]:
    """The per-document hashes named in a documents URL (empty if it is not one of ours)."""
    name = url.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    parts = name.split("-")
    if all(len(part) == DOCUMENT_HASH_LENGTH and _is_hex(part) for part in parts):
        return parts
    return []


def _is_hex(text: str) -> bool:
    return all(char in "0123456789abcdef" for char in text)
