"""The reviewer's view of one offer: what a sales leader or a deal desk approves.

The plan's field changes (``terms.fields``) speak the Catalog API: ``contract price: 0.00`` for
an offer paid in installments, ``P36M``, bare buyer ids, ``StandardEula version 2022-07-14``.
People approve a product, buyers by name, prices times quantities, a contract total, a payment
schedule, a length and a legal form as the offer file names them. :func:`view_of` reads that
from an offer's typed terms and the names in offerops.yaml (:class:`Directory`), the same way for
the file and for the marketplace, so the two sides compare field by field. The plan keeps both
sides (:class:`Review`; the ``review`` of a plan JSON entry, :mod:`view_json`), so a saved plan
shows what was reviewed without offerops.yaml.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Final, Literal

from offerops.model.config import Config
from offerops.model.money import amount_decimals
from offerops.terms import OfferTerms, legal, opaque
from offerops.terms.from_offer import SCMP_VERSION, STANDARD_EULA_VERSION
from offerops.terms.information import renewal_of
from offerops.terms.pricing import (
    ConfigurableUpfrontPricingTerm,
    FixedUpfrontPricingTerm,
    OpaqueTerm,
    Pricing,
    UsageBasedPricingTerm,
)
from offerops.terms.values import Duration

DimensionKind = Literal["contract", "usage", "annual"]
"""An upfront contract dimension, a usage rate, or the annual part of hourly plus annual."""
DIMENSION_KINDS: Final[tuple[DimensionKind, ...]] = ("contract", "usage", "annual")


@dataclass(frozen=True)
class ProductInfo:
    """A product as offerops.yaml names it, with its dimensions' names and units."""

    key: str
    name: str | None = None
    dimensions: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)


def _no_documents(_digest: str) -> str | None:
    return None


@dataclass(frozen=True)
class Directory:
    """The names offerops.yaml gives to what the marketplace knows by id.

    ``documents`` names a custom EULA document by the short content hash in its published URL
    (a path in the repository, or None); ``threshold`` is ``policy.reviewThresholdPercent``.
    """

    products: Mapping[str, ProductInfo] = field(default_factory=dict)
    buyers: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)
    documents: Callable[[str], str | None] = _no_documents
    threshold: Decimal = Decimal(10)


def directory_of(config: Config, documents: Callable[[str], str | None]) -> Directory:
    """The directory of one offerops.yaml (products by id, buyers by account)."""
    products = {
        product.id: ProductInfo(
            key,
            product.name,
            {dimension.key: (dimension.name, dimension.unit) for dimension in product.dimensions},
        )
        for key, product in config.products.items()
    }
    return Directory(
        products=products,
        buyers={buyer.account: (alias, buyer.name) for alias, buyer in config.buyers.items()},
        channels={
            authorization_id: authorization.name or authorization_id
            for authorization_id, authorization in config.resaleAuthorizations.items()
        },
        documents=documents,
        threshold=config.policy.reviewThresholdPercent,
    )


@dataclass(frozen=True)
class ProductRef:
    """The offer's product: its id, and its key and name in offerops.yaml when it is there."""

    id: str
    key: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class BuyerRef:
    """A buyer account, with its alias and company name from offerops.yaml when registered."""

    account: str
    alias: str | None = None
    company: str | None = None


@dataclass(frozen=True)
class PricedDimension:
    """One dimension as the buyer pays for it: a price per unit and/or a quantity.

    ``price`` None: not priced per unit (its quantity is paid by the fixed price or the
    installments); ``quantity`` None: the buyer chooses how many (or pays per unit of usage).
    """

    key: str
    kind: DimensionKind
    name: str | None = None
    unit: str | None = None
    price: Decimal | None = None
    quantity: int | None = None


@dataclass(frozen=True)
class Payment:
    """One installment."""

    on: date
    amount: Decimal


@dataclass(frozen=True)
class LegalDocument:
    """A custom EULA document: its short content hash and where it is in the repository."""

    digest: str
    path: str | None = None


@dataclass(frozen=True)
class LegalView:
    """The contract as the offer file says it: ``standard-eula``, ``scmp`` or ``custom``.

    Any other document type (a StandardEula of another version, a data subscription agreement)
    keeps its API name in ``form`` and its ``version``.
    """

    form: str
    version: str | None = None
    url: str | None = None
    documents: tuple[LegalDocument, ...] = ()


@dataclass(frozen=True)
class TermLength:
    """How long the agreement lasts: a duration or an end date, from acceptance or a date."""

    duration: Duration | None = None
    ends: date | None = None
    starts: date | None = None


@dataclass(frozen=True)
class OfferView:
    """Everything a reviewer reads about one offer, in their terms (see the module docstring)."""

    name: str | None = None
    description: str | None = None
    product: ProductRef | None = None
    channel: str | None = None
    buyers: tuple[BuyerRef, ...] = ()
    expires: date | None = None
    currency: str | None = None
    length: TermLength | None = None
    annual: Duration | None = None
    purchasing: str | None = None
    quantities: str | None = None
    """``one`` when the buyer gets one of what they pick and chooses no quantity."""
    dimensions: tuple[PricedDimension, ...] = ()
    fixed_price: Decimal | None = None
    installments: tuple[Payment, ...] = ()
    legal: LegalView | None = None
    renewal: str | None = None
    refund_policy: str | None = None
    markup: Decimal | None = None
    other: tuple[tuple[str, str], ...] = ()

    @property
    def total(self) -> Decimal | None:
        """The contract total: the fixed price plus the installments; None when it depends on
        the quantities the buyer chooses or on usage."""
        if self.fixed_price is None and not self.installments:
            return None
        scheduled = sum((payment.amount for payment in self.installments), Decimal(0))
        return (self.fixed_price or Decimal(0)) + scheduled

    @property
    def pay_as_you_go(self) -> bool:
        """Usage rates are part of what the buyer pays (alone or next to a contract)."""
        return any(dimension.kind == "usage" for dimension in self.dimensions)

    @property
    def buyer_chooses(self) -> bool:
        """Some upfront price is per unit and the buyer chooses the quantity."""
        return any(d.kind != "usage" and d.quantity is None for d in self.dimensions)


@dataclass(frozen=True)
class Review:
    """Both sides of a plan entry as a reviewer reads them.

    ``before`` is the offer on the marketplace, or for a replacement offer (``replaces: offer``)
    the offer it replaces (``replaced`` names it); ``after`` is the offer file. Either is None
    where there is no such side (a new offer, an offer being ended or not in git).
    """

    before: OfferView | None = None
    after: OfferView | None = None
    replaced: str | None = None


def view_of(
    terms: OfferTerms,
    product_id: str | None,
    channel_id: str | None,
    directory: Directory,
) -> OfferView:
    """The reviewer's view of an offer's terms, named through ``directory``."""
    product = directory.products.get(product_id or "")
    information = terms.information
    pricing = _pricing(terms.pricing, product)
    return OfferView(
        name=information.name if information else None,
        description=information.description if information else None,
        product=_product(product_id, product),
        channel=directory.channels.get(channel_id, channel_id) if channel_id else None,
        buyers=_buyers(terms, directory),
        expires=terms.availability.end_date if terms.availability else None,
        length=_length(terms),
        installments=_installments(terms),
        legal=_legal(terms, directory),
        renewal=_renewal(terms),
        refund_policy=terms.support.refund_policy if terms.support else None,
        markup=terms.markup.percentage if terms.markup else None,
        other=_other(terms),
        currency=pricing.currency,
        purchasing=pricing.purchasing,
        quantities=pricing.quantities,
        annual=pricing.annual,
        fixed_price=pricing.fixed_price,
        dimensions=tuple(pricing.dimensions),
    )


def _product(product_id: str | None, product: ProductInfo | None) -> ProductRef | None:
    if not product_id:
        return None
    if product is None:
        return ProductRef(product_id)
    return ProductRef(product_id, product.key, product.name)


def _buyers(terms: OfferTerms, directory: Directory) -> tuple[BuyerRef, ...]:
    if terms.targeting is None:
        return ()
    found = []
    for account in terms.targeting.buyer_accounts:
        alias, company = directory.buyers.get(account, (None, None))
        found.append(BuyerRef(account, alias, company))
    return tuple(found)


def _length(terms: OfferTerms) -> TermLength | None:
    validity = terms.validity
    if validity is None:
        return None
    return TermLength(validity.duration, validity.end_date, validity.start_date)


def _installments(terms: OfferTerms) -> tuple[Payment, ...]:
    schedule = terms.payment_schedule
    if schedule is None:
        return ()
    return tuple(Payment(item.date, item.amount) for item in schedule.schedule)


def _renewal(terms: OfferTerms) -> str | None:
    """``spec.renewal`` as the seller wrote it; None for ``none`` (the default)."""
    information = terms.information
    if information is None or information.pre_existing_agreement is None:
        return None
    return renewal_of(information.pre_existing_agreement)


_STANDARD_FORMS: Final = {STANDARD_EULA_VERSION: "standard-eula", SCMP_VERSION: "scmp"}


def _legal(terms: OfferTerms, directory: Directory) -> LegalView | None:
    """The first legal document (offerops sends exactly one) as the offer file names it."""
    if terms.legal is None or not terms.legal.documents:
        return None
    document = terms.legal.documents[0]
    if document.type == "StandardEula" and document.version in _STANDARD_FORMS:
        return LegalView(_STANDARD_FORMS[document.version])
    if document.type == "CustomEula" and document.url is not None:
        digests = legal.document_hashes(document.url)
        named = tuple(LegalDocument(digest, directory.documents(digest)) for digest in digests)
        return LegalView("custom", url=document.url, documents=named)
    return LegalView(document.type, version=document.version, url=document.url)


def _other(terms: OfferTerms) -> tuple[tuple[str, str], ...]:
    """What the view has no words for: countries, a renewal term, terms of unknown types."""
    found: list[tuple[str, str]] = []
    targeting = terms.targeting
    if targeting is not None and targeting.country_codes:
        found.append(("countries", ", ".join(targeting.country_codes)))
    if targeting is not None and targeting.excluded_country_codes:
        found.append(("excluded countries", ", ".join(targeting.excluded_country_codes)))
    if terms.renewal_term is not None:
        found.append(("renewal term", "an AWS Marketplace renewal term (not in the offer file)"))
    pricing_terms = terms.pricing.terms if terms.pricing else ()
    for term in [*pricing_terms, *terms.unmodelled]:
        if isinstance(term, OpaqueTerm):
            found.extend(opaque.fields(term).items())
    return tuple(found)


@dataclass
class _PricingParts:
    """What the pricing terms say, gathered term by term (see :func:`_pricing`)."""

    currency: str | None = None
    purchasing: str | None = None
    quantities: str | None = None
    annual: Duration | None = None
    fixed_price: Decimal | None = None
    dimensions: list[PricedDimension] = field(default_factory=list)


def _pricing(pricing: Pricing | None, product: ProductInfo | None) -> _PricingParts:
    """Currency, purchasing, the priced dimensions, the fixed price and the annual length.

    Hourly plus annual pricing (PricingModel Usage with an upfront term) makes the upfront
    dimensions ``annual``; a contract's usage term makes its rates ``usage``.
    """
    parts = _PricingParts()
    if pricing is None:
        return parts
    names = product.dimensions if product is not None else {}
    kind: DimensionKind = "annual" if pricing.model == "Usage" else "contract"
    for term in pricing.terms:
        if isinstance(term, UsageBasedPricingTerm):
            parts.currency = term.currency
            parts.dimensions += [
                _dimension(rate.key, "usage", names, price=rate.price) for rate in term.rates
            ]
        elif isinstance(term, ConfigurableUpfrontPricingTerm):
            parts.currency = term.currency
            _configurable(term, kind, names, parts)
        elif isinstance(term, FixedUpfrontPricingTerm):
            parts.currency = term.currency
            _fixed(term, kind, names, parts)
    return parts


def _dimension(
    key: str,
    kind: DimensionKind,
    names: Mapping[str, tuple[str, str | None]],
    price: Decimal | None = None,
    quantity: int | None = None,
) -> PricedDimension:
    name, unit = names.get(key, (None, None))
    return PricedDimension(key, kind, name, unit, price, quantity)


def _configurable(
    term: ConfigurableUpfrontPricingTerm,
    kind: DimensionKind,
    names: Mapping[str, tuple[str, str | None]],
    parts: _PricingParts,
) -> None:
    """Per-unit prices the buyer chooses quantities of (one rate card per contract length)."""
    for card in term.rate_cards:
        if kind == "annual":
            parts.annual = card.duration
        elif card.multiple_dimension_selection is not None:
            allowed = card.multiple_dimension_selection == "Allowed"
            parts.purchasing = "multiple-dimensions" if allowed else "single-dimension"
        if card.quantity_configuration == "Disallowed":
            parts.quantities = "one"
        parts.dimensions += [
            _dimension(item.key, kind, names, price=item.price) for item in card.prices
        ]


def _fixed(
    term: FixedUpfrontPricingTerm,
    kind: DimensionKind,
    names: Mapping[str, tuple[str, str | None]],
    parts: _PricingParts,
) -> None:
    """Fixed quantities for one price; the price per unit where one dimension has it exactly."""
    parts.fixed_price = term.price
    if kind == "annual" and term.duration is not None:
        parts.annual = term.duration
    unit_price = _unit_price(term)
    parts.dimensions += [
        _dimension(grant.key, kind, names, price=unit_price, quantity=grant.max_quantity)
        for grant in term.grants
    ]


def _unit_price(term: FixedUpfrontPricingTerm) -> Decimal | None:
    """Price / quantity of a one-dimension fixed price, when it is a whole amount of the
    currency's minor unit (what the offer file said); None otherwise (or at price 0.00)."""
    if len(term.grants) != 1 or not term.price:
        return None
    quantity = term.grants[0].max_quantity
    if not quantity:
        return None
    price = term.price / quantity
    exponent = Decimal(1).scaleb(-amount_decimals(term.currency))
    return price.quantize(exponent) if price.quantize(exponent) * quantity == term.price else None
