"""Typed terms -> the text of an offer file (``offerops import``), or why the format cannot say it.

The inverse of ``from_offer.offer_terms``: the file written here maps back to the same terms, so
the next plan adopts the offer with nothing to change. Same layout as hand-written offers (and
as the dictionary-based importer it replaced). Whatever the v1 format cannot say raises
:class:`NotExpressible` rather than being left out: renewal terms, terms of unknown types,
excluded countries in the targeting (NegativeTargeting), a renewal of another pricing model,
several rate cards or one without both constraints (``quantities: one`` says
QuantityConfiguration Disallowed), a rate card duration that does not follow from the contract,
a price next to a payment schedule or a schedule in another currency, a standard EULA of another
version. (Found by the round-trip property in tests/terms/test_unrepresentable.py.) A custom
EULA whose documents are not in legal/ is written as its ``url``; durations in whole days as
``durationDays``; a support term as ``support``; hourly plus annual pricing as ``annual`` and a
contract's usage rates as ``usageDimensions``; a released offer past its expiry as ``lifecycle:
expired``; a fixed price's own ``Duration`` as ``fixedPrice``. A draft without buyers, an
expiry, pricing or legal terms (AWS's CreateDraftPrivateOffer sample: a product and a name) is
written without them, as ``lifecycle: draft`` (the file a seller writes for the console's "Save
and exit"); a released offer without one of them has no form (OFR106 refuses such a file).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from offerops.errors import OfferopsError
from offerops.model.config import Config
from offerops.terms.from_offer import DEFAULT_SELECTOR, SCMP_VERSION, STANDARD_EULA_VERSION
from offerops.terms.information import renewal_of
from offerops.terms.offer import OfferTerms
from offerops.terms.payment_schedule import PaymentScheduleTerm
from offerops.terms.pricing import (
    ConfigurableRateCard,
    ConfigurableUpfrontPricingTerm,
    FixedUpfrontPricingTerm,
    UsageBasedPricingTerm,
)
from offerops.terms.pricing import term_type as pricing_term_type
from offerops.terms.pricing.rates import DimensionPrice
from offerops.terms.validity import ValidityTerm
from offerops.terms.values import Duration, format_money

MODELINE: Final = "# yaml-language-server: $schema=../schemas/offer.schema.json"
_CENT: Final = Decimal("0.01")
_PLAIN_KEY: Final = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
_YAML_WORDS: Final = frozenset({"true", "false", "yes", "no", "on", "off", "null"})
"""Plain words the offer loader (YAML 1.1 resolution) reads as booleans or null."""

LegalDocuments = Callable[[str], list[str] | None]
"""A custom EULA's URL -> its documents in legal/ (repo-relative), or None if any is missing."""


class NotExpressible(OfferopsError):
    """The offer uses something the v1 format cannot say."""


@dataclass(frozen=True)
class OfferIdentity:
    """What names an offer but is not one of its terms (set by CreateOffer, or by offerops)."""

    key: str
    offer_id: str
    product_id: str | None
    resale_authorization_id: str | None = None
    draft: bool = False
    """The offer was never released: written as ``lifecycle: draft`` so plan keeps it one."""
    expired: bool = False
    """The released offer's availability ended: written as ``lifecycle: expired`` (its past
    ``expiresOn`` is then no lint error, and plan leaves it ended)."""
    replaces_agreement: str | None = None
    """The agreement a replacement offer replaces (``OfferSummary.TargetAgreementId``)."""


def offer_yaml(
    terms: OfferTerms, identity: OfferIdentity, config: Config, legal_documents: LegalDocuments
) -> str:
    """The offer file text for an offer on the marketplace, with ``id:`` so plan adopts it."""
    _refuse_unsayable(terms, identity)
    _refuse_incomplete(terms, identity)
    information = terms.information
    if information is None or information.name is None:
        raise NotExpressible("the offer has no name")
    lines = [MODELINE, "apiVersion: offerops/v1", "kind: PrivateOffer", f"key: {identity.key}"]
    lines += [f"id: {identity.offer_id}", "spec:", f"  name: {_q(information.name)}"]
    if information.description is not None:
        lines.append(f"  description: {_q(information.description)}")
    lines.append(f"  product: {product_key(identity.product_id, config)}")
    if identity.resale_authorization_id:
        lines += ["  channel:", f"    resaleAuthorization: {identity.resale_authorization_id}"]
        if terms.markup is not None:
            lines.append(f"    markupPercentage: {_q(format_money(terms.markup.percentage))}")
    lines.append(f"  renewal: {renewal_of(information.pre_existing_agreement)}")
    if identity.replaces_agreement:
        lines += ["  replaces:", f"    agreement: {identity.replaces_agreement}"]
    if terms.availability is not None:
        lines.append(f"  expiresOn: {terms.availability.end_date.isoformat()}")
    lines += _buyers(terms, config)
    lines += _countries(terms)
    if terms.pricing is not None:
        lines += _pricing(terms)
    if terms.legal is not None:
        lines += _legal(terms, legal_documents)
    if terms.support is not None:
        lines += ["  support:", f"    refundPolicy: {_q(terms.support.refund_policy)}"]
    if identity.draft:
        lines.append("  lifecycle: draft")
    elif identity.expired:
        lines.append("  lifecycle: expired")
    return "\n".join(lines) + "\n"


def _refuse_unsayable(terms: OfferTerms, identity: OfferIdentity) -> None:
    """Terms offerops reads but the v1 format has no field for."""
    if terms.renewal_term is not None:
        raise NotExpressible("the offer has a renewal term; v1 has no field for it")
    if terms.unmodelled:
        kinds = ", ".join(sorted({term.type for term in terms.unmodelled}))
        raise NotExpressible(f"the offer has terms v1 cannot say: {kinds}")
    targeting = terms.targeting
    if targeting is not None and targeting.excluded_country_codes:
        raise NotExpressible(
            "the offer excludes countries (NegativeTargeting); v1 has no field for it"
        )
    agreement = terms.information.pre_existing_agreement if terms.information else None
    model = terms.pricing.model if terms.pricing else None
    if agreement is not None and agreement.pricing_model != model:
        raise NotExpressible(
            f"the offer renews a {agreement.pricing_model} agreement with {model} pricing; "
            "v1 renews agreements of the offer's own pricing model"
        )
    if terms.markup is not None and not identity.resale_authorization_id:
        raise NotExpressible("the offer has a markup but is not a channel partner offer")


def _refuse_incomplete(terms: OfferTerms, identity: OfferIdentity) -> None:
    """Only a draft may lack buyers, an expiry, pricing or legal terms (OFR106); a draft's
    validity or payment schedule without pricing has no form either."""
    missing = missing_parts(terms)
    if missing and not identity.draft:
        raise NotExpressible(
            f"the released offer has no {', '.join(missing)}; only a draft may leave them out"
        )
    if terms.pricing is None and (terms.validity or terms.payment_schedule):
        raise NotExpressible("the draft has a contract duration or payment schedule, no pricing")
    agreement = terms.information.pre_existing_agreement if terms.information else None
    if terms.pricing is None and agreement is not None:
        raise NotExpressible("the draft renews an agreement and has no pricing")


def missing_parts(terms: OfferTerms) -> list[str]:
    """The fields an offer file would leave out for these terms (in the file's order)."""
    parts = {
        "expiresOn": terms.availability,
        "buyers": terms.targeting.buyer_accounts if terms.targeting else None,
        "pricing": terms.pricing,
        "legal": terms.legal,
    }
    return [name for name, value in parts.items() if not value]


def _buyers(terms: OfferTerms, config: Config) -> list[str]:
    """The ``buyers`` list; nothing for a draft that targets no account yet."""
    accounts = terms.targeting.buyer_accounts if terms.targeting else ()
    if not accounts:
        return []
    return ["  buyers:", *(f"    - {_buyer(account, config)}" for account in accounts)]


def _countries(terms: OfferTerms) -> list[str]:
    """The ``countries`` list (PositiveTargeting.CountryCodes); nothing when there are none."""
    codes = terms.targeting.country_codes if terms.targeting else ()
    return [f"  countries: [{', '.join(codes)}]"] if codes else []


def _q(value: str) -> str:
    """A double-quoted YAML scalar (JSON string syntax is valid YAML); characters YAML refuses
    raw, or reads as line breaks (NEL, LS, PS), are escaped."""
    quoted = json.dumps(value, ensure_ascii=False)
    return "".join(_escaped(char) if _unsafe(char) else char for char in quoted)


def _unsafe(char: str) -> bool:
    return unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def product_key(product_id: str | None, config: Config) -> str:
    """The key of the product in offerops.yaml with this id."""
    for name, product in config.products.items():
        if product.id == product_id:
            return name
    raise NotExpressible(f"product {product_id} is not in offerops.yaml; add it first")


def _buyer(account: str, config: Config) -> str:
    for alias, buyer in config.buyers.items():
        if buyer.account == account:
            return alias
    return _q(account)


def _pricing(terms: OfferTerms) -> list[str]:
    """The pricing block: one term, a contract with consumption, or hourly plus annual."""
    found = terms.pricing.terms if terms.pricing else ()
    validity = terms.validity or ValidityTerm()
    schedule = terms.payment_schedule
    rates = [term for term in found if isinstance(term, UsageBasedPricingTerm)]
    upfront = [term for term in found if isinstance(term, _UPFRONT)]
    if not found or len(rates) + len(upfront) != len(found) or len(upfront) > 1:
        kinds = sorted(pricing_term_type(term) for term in found)
        raise NotExpressible(f"pricing terms {kinds} have no offerops v1 form")
    rate = rates[0] if rates else None
    if rate is not None and upfront and terms.pricing and terms.pricing.model == "Usage":
        return _hourly_annual(rate, upfront[0], validity, schedule)
    if schedule is not None and not (upfront and isinstance(upfront[0], FixedUpfrontPricingTerm)):
        raise NotExpressible("a payment schedule needs a fixed upfront price")
    if not upfront:
        assert rate is not None
        return _usage(rate, validity)
    lines = _contract(upfront[0], validity, schedule)
    if rate is None:
        return lines
    _same_currency(rate.currency, upfront[0].currency, "usage rates")
    at = lines.index(next(line for line in lines if line.startswith("    payment:")))
    return [*lines[:at], "    usageDimensions:", *_priced(rate.rates), *lines[at:]]


_UPFRONT: Final = (ConfigurableUpfrontPricingTerm, FixedUpfrontPricingTerm)


def _contract(
    term: ConfigurableUpfrontPricingTerm | FixedUpfrontPricingTerm,
    validity: ValidityTerm,
    schedule: PaymentScheduleTerm | None,
) -> list[str]:
    if isinstance(term, ConfigurableUpfrontPricingTerm):
        return _configurable(term, validity)
    return _fixed(term, validity, schedule)


def _same_currency(one: str, other: str, what: str) -> None:
    if one != other:
        raise NotExpressible(f"the {what} are in {one}, the price in {other}; v1 has one currency")


def _hourly_annual(
    rate: UsageBasedPricingTerm,
    annual: ConfigurableUpfrontPricingTerm | FixedUpfrontPricingTerm,
    validity: ValidityTerm,
    schedule: PaymentScheduleTerm | None,
) -> list[str]:
    """Hourly rates plus annual prices (``annual``), paid upfront or by a schedule."""
    _same_currency(annual.currency, rate.currency, "annual prices")
    lines = [*_usage(rate, validity), "    annual:"]
    if isinstance(annual, ConfigurableUpfrontPricingTerm):
        if schedule is not None:
            raise NotExpressible("a payment schedule needs a fixed upfront price")
        card = _annual_card(annual)
        lines += [f"      durationDays: {_days(card.duration)}", "      dimensions:"]
        return lines + _priced(card.prices, indent="        ")
    if schedule is None or annual.price != 0 or annual.duration is None:
        raise NotExpressible(
            "a fixed annual price has a v1 form only as Price 0.00 with a Duration and a "
            "payment schedule"
        )
    if any(grant.max_quantity is None for grant in annual.grants):
        raise NotExpressible("a fixed upfront grant without a MaxQuantity has no v1 form")
    lines += [f"      durationDays: {_days(annual.duration)}", "      dimensions:"]
    for grant in annual.grants:
        lines += [f"        - key: {_key(grant.key)}", f"          quantity: {grant.max_quantity}"]
    return [*lines, "    payment: installments", *_schedule(schedule, annual.currency)]


def _annual_card(term: ConfigurableUpfrontPricingTerm) -> ConfigurableRateCard:
    """The one annual rate card, with both constraints Allowed (what ``from_offer`` sends)."""
    if len(term.rate_cards) != 1:
        raise NotExpressible(f"{len(term.rate_cards)} annual rate cards; v1 has one")
    card = term.rate_cards[0]
    allowed = ("Allowed", "Allowed")
    if (card.multiple_dimension_selection, card.quantity_configuration) != allowed:
        raise NotExpressible("an annual rate card with constraints other than Allowed")
    return card


def _days(duration: Duration) -> int:
    days = duration.whole_days
    if days is None:
        raise NotExpressible(f"annual duration {duration.iso()} is not in whole days")
    return days


def _key(key: str) -> str:
    """A dimension key as YAML reads it back: plain when safe, quoted when YAML would not
    read it as that string (``100``, ``1.5``, ``true``, ``null`` …)."""
    plain = _PLAIN_KEY.fullmatch(key) and key.lower() not in _YAML_WORDS
    return key if plain else _q(key)


def _priced(prices: tuple[DimensionPrice, ...], indent: str = "      ") -> list[str]:
    lines = []
    for item in prices:
        lines += [
            f"{indent}- key: {_key(item.key)}",
            f"{indent}  price: {_q(format_money(item.price))}",
        ]
    return lines


def _usage(term: UsageBasedPricingTerm, validity: ValidityTerm) -> list[str]:
    if validity.start_date is not None:
        raise NotExpressible("usage pricing with an agreement start date has no v1 form")
    lines = ["  pricing:", "    model: usage", f"    currency: {term.currency}", "    usage:"]
    lines += ["      " + line for line in _term_length(validity, with_start=False)]
    return [*lines, "    dimensions:", *_priced(term.rates)]


def _contract_head(currency: str, validity: ValidityTerm) -> list[str]:
    lines = ["  pricing:", "    model: contract", f"    currency: {currency}", "    contract:"]
    return lines + ["      " + line for line in _term_length(validity, with_start=True)]


def _configurable(term: ConfigurableUpfrontPricingTerm, validity: ValidityTerm) -> list[str]:
    if len(term.rate_cards) != 1:
        raise NotExpressible(f"{len(term.rate_cards)} rate cards; v1 has one contract duration")
    card = term.rate_cards[0]
    lines = _contract_head(term.currency, validity)
    if card.quantity_configuration is None or card.multiple_dimension_selection is None:
        raise NotExpressible(
            "a rate card without QuantityConfiguration and MultipleDimensionSelection has no v1 "
            "form"
        )
    if card.duration != _expected_selector(validity):
        raise NotExpressible(
            f"the rate card's duration {card.duration.iso()} does not follow from the "
            "agreement's validity"
        )
    single = card.multiple_dimension_selection == "Disallowed"
    purchasing = "single-dimension" if single else "multiple-dimensions"
    lines.append(f"      purchasing: {purchasing}")
    if card.quantity_configuration == "Disallowed":
        lines.append("      quantities: one")
    lines += ["    dimensions:", *_priced(card.prices)]
    return [*lines, "    payment: upfront"]


def _expected_selector(validity: ValidityTerm) -> Duration | None:
    """The selector ``from_offer.selector_duration`` derives from the contract's validity."""
    if validity.end_date is None:
        return validity.duration
    if validity.start_date is not None:
        return Duration(days=(validity.end_date - validity.start_date).days + 1)
    return DEFAULT_SELECTOR


def _fixed(
    term: FixedUpfrontPricingTerm, validity: ValidityTerm, schedule: PaymentScheduleTerm | None
) -> list[str]:
    lines = [*_contract_head(term.currency, validity), "    dimensions:"]
    if any(grant.max_quantity is None for grant in term.grants):
        raise NotExpressible("a fixed upfront grant without a MaxQuantity has no v1 form")
    if schedule is not None:
        return lines + _installments(term, schedule)
    if len(term.grants) != 1:
        raise NotExpressible("a fixed upfront price over several dimensions has no per-unit form")
    grant = term.grants[0]
    quantity = grant.max_quantity or 1
    unit = term.price / quantity
    if unit != unit.quantize(_CENT):
        raise NotExpressible(
            f"fixed price {format_money(term.price)} is not a whole-cent price per unit"
        )
    lines += [f"      - key: {_key(grant.key)}", f"        price: {_q(format_money(unit))}"]
    lines += [f"        quantity: {quantity}", *_fixed_price(term)]
    return [*lines, "    payment: upfront"]


def _fixed_price(term: FixedUpfrontPricingTerm) -> list[str]:
    """The ``fixedPrice`` block: the term's own Duration, in whole months or whole days."""
    if term.duration is None:
        return []
    if term.duration.whole_months is not None:
        length = f"durationMonths: {term.duration.whole_months}"
    elif term.duration.whole_days is not None:
        length = f"durationDays: {term.duration.whole_days}"
    else:
        raise NotExpressible(
            f"fixed price duration {term.duration.iso()} is neither whole months nor whole days"
        )
    return ["    fixedPrice:", f"      {length}"]


def _installments(term: FixedUpfrontPricingTerm, schedule: PaymentScheduleTerm) -> list[str]:
    if term.price != 0:
        raise NotExpressible(
            f"a fixed price of {format_money(term.price)} next to a payment schedule has no "
            "v1 form (the schedule carries the money)"
        )
    lines = []
    for grant in term.grants:
        lines += [f"      - key: {_key(grant.key)}", f"        quantity: {grant.max_quantity}"]
    lines += _fixed_price(term)
    return [*lines, "    payment: installments", *_schedule(schedule, term.currency)]


def _schedule(schedule: PaymentScheduleTerm, currency: str) -> list[str]:
    """The ``installments`` block: the schedule's total and its payments, by date."""
    _same_currency(schedule.currency, currency, "payments of the schedule")
    lines = [
        "    installments:",
        f"      total: {_q(format_money(schedule.total))}",
        "      schedule:",
    ]
    return lines + [
        f"        - {{ date: {item.date.isoformat()}, amount: {_q(format_money(item.amount))} }}"
        for item in schedule.schedule
    ]


def _term_length(validity: ValidityTerm, *, with_start: bool) -> list[str]:
    lines = []
    if with_start and validity.start_date is not None:
        lines.append(f"starts: {validity.start_date.isoformat()}")
    if validity.end_date is not None:
        if validity.duration is not None:
            raise NotExpressible("an agreement with both a duration and an end date")
        return [*lines, f"endsOn: {validity.end_date.isoformat()}"]
    duration = validity.duration
    if duration is not None and duration.whole_months is not None:
        return [*lines, f"durationMonths: {duration.whole_months}"]
    if duration is not None and duration.whole_days is not None:
        return [*lines, f"durationDays: {duration.whole_days}"]
    shown = duration.iso() if duration else "(none)"
    raise NotExpressible(f"agreement duration {shown} is neither whole months nor whole days")


def _legal(terms: OfferTerms, legal_documents: LegalDocuments) -> list[str]:
    if terms.legal is None:
        raise NotExpressible("the offer has no legal terms")
    if len(terms.legal.documents) != 1:
        raise NotExpressible(f"{len(terms.legal.documents)} legal documents; v1 sends one")
    document = terms.legal.documents[0]
    if document.type == "StandardEula":
        versions = {SCMP_VERSION: "scmp", STANDARD_EULA_VERSION: "standard-eula"}
        named = versions.get(document.version or "")
        if named is None:
            raise NotExpressible(f"standard EULA version {document.version} has no v1 name")
        return ["  legal:", f"    terms: {named}"]
    if document.type != "CustomEula":
        raise NotExpressible(f"a {document.type} legal document has no v1 form")
    url = document.url or ""
    paths = legal_documents(url)
    if paths:
        lines = ["  legal:", "    terms: custom", "    documents:"]
        return [*lines, *(f"      - {path}" for path in paths)]
    return ["  legal:", "    terms: custom", f"    url: {_q(url)}"]
