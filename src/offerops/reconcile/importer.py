"""``offerops import``: write offer YAML for offers that exist on the marketplace but not in git.

The reverse of ``desired.py``. Each file gets ``id:`` so the next plan adopts the offer instead
of creating another; an offer that cannot be expressed in the format (an unknown product, a
custom EULA whose document is not in legal/) is reported, never written half.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from offerops.errors import OfferopsError
from offerops.fileio import atomic_write_text
from offerops.model.config import Config
from offerops.reconcile.actual import ActualOffer
from offerops.reconcile.canonical import money
from offerops.reconcile.desired import SCMP_VERSION, document_hash, document_hashes

MODELINE = "# yaml-language-server: $schema=../schemas/offer.schema.json"


class NotExpressible(OfferopsError):
    """The offer uses something the v1 format cannot say."""


@dataclass(frozen=True)
class Imported:
    offer_id: str
    key: str | None
    path: str | None
    error: str | None = None


def import_offers(
    offers: list[ActualOffer], config: Config, root: Path, taken: set[str]
) -> list[Imported]:
    """Write one file per offer into offers/; ``taken`` holds keys already used in git."""
    results = []
    for offer in offers:
        key = _unique_key(offer, taken)
        target = root / "offers" / f"{key}.yaml"
        try:
            if target.exists():
                raise NotExpressible(f"{target.name} already exists; not overwritten")
            text = offer_yaml(offer, key, config, root)
        except NotExpressible as error:
            results.append(Imported(offer.offer_id, None, None, error.message))
            continue
        atomic_write_text(target, text)
        taken.add(key)
        results.append(Imported(offer.offer_id, key, f"offers/{key}.yaml"))
    return results


def _unique_key(offer: ActualOffer, taken: set[str]) -> str:
    base = offer.key or _slug(offer.name) or offer.offer_id.lower()
    key, number = base, 2
    while key in taken:
        key = f"{base[:58]}-{number}"
        number += 1
    return key


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:63].rstrip("-") if len(slug) >= 2 else ""


def offer_yaml(offer: ActualOffer, key: str, config: Config, root: Path) -> str:
    """The offer file text, in the same layout as hand-written offers."""
    docs = offer.docs
    info = docs.get("UpdateInformation", {})
    lines = [MODELINE, "apiVersion: offerops/v1", "kind: PrivateOffer", f"key: {key}"]
    lines += [f"id: {offer.offer_id}", "spec:", f"  name: {_q(info.get('Name', offer.name))}"]
    if info.get("Description"):
        lines.append(f"  description: {_q(info['Description'])}")
    lines.append(f"  product: {_product_key(offer, config)}")
    if offer.resale_authorization_id:
        lines += ["  channel:", f"    resaleAuthorization: {offer.resale_authorization_id}"]
        if "UpdateMarkup" in docs:
            lines.append(f"    markupPercentage: {_q(docs['UpdateMarkup']['Percentage'])}")
    lines.append(f"  renewal: {_renewal(info)}")
    lines.append(f"  expiresOn: {offer.expires_on}")
    lines.append("  buyers:")
    lines += [f"    - {_buyer(account, config)}" for account in _buyers(docs)]
    lines += _pricing(docs)
    lines += _legal(docs, config, root)
    return "\n".join(lines) + "\n"


def _q(value: Any) -> str:
    return json.dumps(str(value), ensure_ascii=False)


def _product_key(offer: ActualOffer, config: Config) -> str:
    for name, product in config.products.items():
        if product.id == offer.product_id:
            return name
    raise NotExpressible(f"product {offer.product_id} is not in offerops.yaml; add it first")


def _renewal(info: dict[str, Any]) -> str:
    agreement = info.get("PreExistingAgreement")
    if not agreement:
        return "none"
    if agreement.get("AcquisitionChannel") == "AwsMarketplace":
        return "existing-marketplace-customer"
    return "moving-to-marketplace"


def _buyers(docs: dict[str, Any]) -> list[str]:
    targeting = docs.get("UpdateTargeting", {}).get("PositiveTargeting", {})
    return list(targeting.get("BuyerAccounts", []))


def _buyer(account: str, config: Config) -> str:
    for alias, buyer in config.buyers.items():
        if buyer.account == account:
            return alias
    return _q(account)


def _pricing(docs: dict[str, Any]) -> list[str]:
    terms = {t["Type"]: t for t in docs.get("UpdatePricingTerms", {}).get("Terms", [])}
    validity: dict[str, Any] = next(iter(docs.get("UpdateValidityTerms", {}).get("Terms", [])), {})
    schedule = next(iter(docs.get("UpdatePaymentScheduleTerms", {}).get("Terms", [])), None)
    if "UsageBasedPricingTerm" in terms and len(terms) == 1:
        return _usage(terms["UsageBasedPricingTerm"], validity)
    if "ConfigurableUpfrontPricingTerm" in terms and len(terms) == 1:
        return _configurable(terms["ConfigurableUpfrontPricingTerm"], validity)
    if "FixedUpfrontPricingTerm" in terms and len(terms) == 1:
        return _fixed(terms["FixedUpfrontPricingTerm"], validity, schedule)
    raise NotExpressible(f"pricing terms {sorted(terms)} have no offerops v1 form")


def _usage(term: dict[str, Any], validity: dict[str, Any]) -> list[str]:
    lines = [
        "  pricing:",
        "    model: usage",
        f"    currency: {term['CurrencyCode']}",
        "    usage:",
    ]
    lines += ["      " + line for line in _term_length(validity, with_start=False)]
    lines.append("    dimensions:")
    for item in term["RateCards"][0]["RateCard"]:
        lines += [f"      - key: {item['DimensionKey']}", f"        price: {_q(item['Price'])}"]
    return lines


def _configurable(term: dict[str, Any], validity: dict[str, Any]) -> list[str]:
    card = term["RateCards"][0]
    selection = (card.get("Constraints") or {}).get("MultipleDimensionSelection", "Allowed")
    purchasing = "multiple-dimensions" if selection == "Allowed" else "single-dimension"
    lines = ["  pricing:", "    model: contract", f"    currency: {term['CurrencyCode']}"]
    lines += [
        "    contract:",
        *("      " + line for line in _term_length(validity, with_start=True)),
    ]
    lines += [f"      purchasing: {purchasing}", "    dimensions:"]
    for item in card["RateCard"]:
        lines += [f"      - key: {item['DimensionKey']}", f"        price: {_q(item['Price'])}"]
    return [*lines, "    payment: upfront"]


def _fixed(
    term: dict[str, Any], validity: dict[str, Any], schedule: dict[str, Any] | None
) -> list[str]:
    grants = term["Grants"]
    lines = ["  pricing:", "    model: contract", f"    currency: {term['CurrencyCode']}"]
    lines += [
        "    contract:",
        *("      " + line for line in _term_length(validity, with_start=True)),
    ]
    lines.append("    dimensions:")
    if schedule is not None:
        for grant in grants:
            lines += [
                f"      - key: {grant['DimensionKey']}",
                f"        quantity: {grant['MaxQuantity']}",
            ]
        payments = schedule["Schedule"]
        total = sum((Decimal(p["ChargeAmount"]) for p in payments), Decimal(0))
        lines += [
            "    payment: installments",
            "    installments:",
            f"      total: {_q(money(total))}",
        ]
        lines.append("      schedule:")
        lines += [
            f"        - {{ date: {p['ChargeDate']}, amount: {_q(p['ChargeAmount'])} }}"
            for p in payments
        ]
        return lines
    if len(grants) != 1:
        raise NotExpressible("a fixed upfront price over several dimensions has no per-unit form")
    quantity = int(grants[0]["MaxQuantity"])
    unit = Decimal(term["Price"]) / quantity
    if unit != unit.quantize(Decimal("0.01")):
        raise NotExpressible(f"fixed price {term['Price']} is not a whole-cent price per unit")
    lines += [f"      - key: {grants[0]['DimensionKey']}", f"        price: {_q(money(unit))}"]
    return [*lines, f"        quantity: {quantity}", "    payment: upfront"]


def _term_length(validity: dict[str, Any], *, with_start: bool) -> list[str]:
    lines = []
    if with_start and validity.get("AgreementStartDate"):
        lines.append(f"starts: {validity['AgreementStartDate']}")
    duration = str(validity.get("AgreementDuration", ""))
    months = re.fullmatch(r"P(\d+)M", duration)
    if validity.get("AgreementEndDate"):
        lines.append(f"endsOn: {validity['AgreementEndDate']}")
    elif months:
        lines.append(f"durationMonths: {months.group(1)}")
    else:
        raise NotExpressible(f"agreement duration {duration or '(none)'} is not in whole months")
    return lines


def _legal(docs: dict[str, Any], config: Config, root: Path) -> list[str]:
    term = next(iter(docs.get("UpdateLegalTerms", {}).get("Terms", [])), None)
    if term is None:
        raise NotExpressible("the offer has no legal terms")
    document = term["Documents"][0]
    if document.get("Type") == "StandardEula":
        terms = "scmp" if document.get("Version") == SCMP_VERSION else "standard-eula"
        return ["  legal:", f"    terms: {terms}"]
    url = str(document.get("Url", ""))
    by_hash = _legal_files(root)
    wanted = document_hashes(url)
    if wanted and all(digest in by_hash for digest in wanted):
        lines = ["  legal:", "    terms: custom", "    documents:"]
        return [*lines, *(f"      - {by_hash[digest]}" for digest in wanted)]
    raise NotExpressible(
        f"the custom EULA at {url} is not in legal/; download it into legal/ and import again"
    )


def _legal_files(root: Path) -> dict[str, str]:
    """Short content hash -> repo-relative path of every file under legal/."""
    legal = root / "legal"
    if not legal.is_dir():
        return {}
    return {
        document_hash(path): path.relative_to(root).as_posix()
        for path in sorted(legal.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }
