"""A whole offer as typed terms, and the operations the reconciler needs on it.

``OfferTerms`` has one optional attribute per term module. Everything callers do with an offer's
terms goes through the table ``_SLOTS`` below, one row per Update* change type, so adding a term
means a module and a row here (and a line in ``from_offer``/``to_offer`` if the format says it):

- :func:`change_documents`: the Update* documents in the order a change set sends them;
- :func:`details_for`: one change type's document, or the document that clears it;
- :func:`from_entity`: an offer entity's DetailsDocument read back into typed terms;
- :func:`differing`: the change types whose typed values differ (the diff of a plan);
- :func:`completed`: a draft's desired terms with what its file leaves out taken from the
  marketplace's, so that what a file does not say is neither sent nor compared;
- :func:`fields` / :func:`field_path`: the reviewer's labels and where each comes from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Final, TypeVar

from offerops.terms import (
    availability,
    information,
    legal,
    markup,
    opaque,
    payment_schedule,
    pricing,
    renewal_term,
    support,
    targeting,
    validity,
)
from offerops.terms.availability import Availability
from offerops.terms.document import (
    DetailsDocument,
    EntityDetails,
    YamlPath,
    array,
    mapping,
    terms_details,
)
from offerops.terms.information import Information
from offerops.terms.legal import LegalTerm
from offerops.terms.markup import Markup
from offerops.terms.opaque import OpaqueTerm
from offerops.terms.payment_schedule import PaymentScheduleTerm
from offerops.terms.pricing import Pricing
from offerops.terms.renewal_term import RenewalTerm
from offerops.terms.support import SupportTerm
from offerops.terms.targeting import Targeting
from offerops.terms.validity import ValidityTerm
from offerops.terms.values import Fields

V = TypeVar("V")


@dataclass(frozen=True)
class OfferTerms:
    """Everything an offer's Update* changes set; None: the offer has no such term."""

    information: Information | None = None
    targeting: Targeting | None = None
    pricing: Pricing | None = None
    validity: ValidityTerm | None = None
    payment_schedule: PaymentScheduleTerm | None = None
    legal: LegalTerm | None = None
    support: SupportTerm | None = None
    renewal_term: RenewalTerm | None = None
    markup: Markup | None = None
    availability: Availability | None = None
    unmodelled: tuple[OpaqueTerm, ...] = field(default=())
    """Entity terms of types no module knows: shown and refused by import, never sent."""


@dataclass(frozen=True)
class _Slot:
    """One change type: how to get its document, compare it and label it."""

    change_type: str
    area: str
    yaml_path: YamlPath
    details: Callable[[OfferTerms], DetailsDocument | None]
    same: Callable[[OfferTerms, OfferTerms], bool]
    fields: Callable[[OfferTerms], Fields]
    field_path: Callable[[str], YamlPath]
    clears_with_empty_terms: bool


def _slot(
    module_change_type: str,
    area: str,
    yaml_path: YamlPath,
    get: Callable[[OfferTerms], V | None],
    to_details: Callable[[V], DetailsDocument],
    to_fields: Callable[[V], Fields],
    field_path: Callable[[str], YamlPath],
    *,
    terms_list: bool,
) -> _Slot:
    """A row of the table, typed by the module's value type ``V``."""

    def details(terms: OfferTerms) -> DetailsDocument | None:
        value = get(terms)
        return None if value is None else to_details(value)

    def labelled(terms: OfferTerms) -> Fields:
        value = get(terms)
        return {} if value is None else to_fields(value)

    return _Slot(
        module_change_type,
        area,
        yaml_path,
        details,
        lambda one, other: get(one) == get(other),
        labelled,
        field_path,
        terms_list,
    )


_SLOTS: Final = (
    _slot(
        information.CHANGE_TYPE,
        information.AREA,
        information.YAML_PATH,
        lambda t: t.information,
        information.to_details,
        information.fields,
        information.field_path,
        terms_list=False,
    ),
    _slot(
        targeting.CHANGE_TYPE,
        targeting.AREA,
        targeting.YAML_PATH,
        lambda t: t.targeting,
        targeting.to_details,
        targeting.fields,
        targeting.field_path,
        terms_list=False,
    ),
    _slot(
        pricing.CHANGE_TYPE,
        pricing.AREA,
        pricing.YAML_PATH,
        lambda t: t.pricing,
        pricing.to_details,
        pricing.fields,
        pricing.field_path,
        terms_list=False,
    ),
    _slot(
        validity.CHANGE_TYPE,
        validity.AREA,
        validity.YAML_PATH,
        lambda t: t.validity,
        validity.to_details,
        validity.fields,
        validity.field_path,
        terms_list=True,
    ),
    _slot(
        payment_schedule.CHANGE_TYPE,
        payment_schedule.AREA,
        payment_schedule.YAML_PATH,
        lambda t: t.payment_schedule,
        payment_schedule.to_details,
        payment_schedule.fields,
        payment_schedule.field_path,
        terms_list=True,
    ),
    _slot(
        legal.CHANGE_TYPE,
        legal.AREA,
        legal.YAML_PATH,
        lambda t: t.legal,
        legal.to_details,
        legal.fields,
        legal.field_path,
        terms_list=True,
    ),
    _slot(
        support.CHANGE_TYPE,
        support.AREA,
        support.YAML_PATH,
        lambda t: t.support,
        support.to_details,
        support.fields,
        support.field_path,
        terms_list=True,
    ),
    _slot(
        renewal_term.CHANGE_TYPE,
        renewal_term.AREA,
        renewal_term.YAML_PATH,
        lambda t: t.renewal_term,
        renewal_term.to_details,
        renewal_term.fields,
        renewal_term.field_path,
        terms_list=True,
    ),
    _slot(
        markup.CHANGE_TYPE,
        markup.AREA,
        markup.YAML_PATH,
        lambda t: t.markup,
        markup.to_details,
        markup.fields,
        markup.field_path,
        terms_list=False,
    ),
    _slot(
        availability.CHANGE_TYPE,
        availability.AREA,
        availability.YAML_PATH,
        lambda t: t.availability,
        availability.to_details,
        availability.fields,
        availability.field_path,
        terms_list=False,
    ),
)
"""In the order a change set sends them: availability last, so an offer is never available
before everything else is set (the order of earlier versions, with support and renewal terms,
which offerops only reads, before the markup)."""

ORDERED_CHANGE_TYPES: Final = tuple(slot.change_type for slot in _SLOTS)
"""Every change type of a term, in sending order."""

MUTABLE_WHEN_RELEASED: Final = frozenset({information.CHANGE_TYPE, availability.CHANGE_TYPE})
"""What a released offer still accepts; anything else needs a replacement offer."""

AREAS: Final = {slot.change_type: (slot.area, slot.yaml_path) for slot in _SLOTS}
"""Change type -> what a reviewer calls it, and where in the offer file a finding points."""

_VIEW_ORDER: Final = (
    information.CHANGE_TYPE,
    targeting.CHANGE_TYPE,
    availability.CHANGE_TYPE,
    pricing.CHANGE_TYPE,
    validity.CHANGE_TYPE,
    payment_schedule.CHANGE_TYPE,
    legal.CHANGE_TYPE,
    markup.CHANGE_TYPE,
    support.CHANGE_TYPE,
    renewal_term.CHANGE_TYPE,
)
"""The order reviewers read fields in (that of earlier versions' plans): what, who, until
when, how much, how long, legal."""
_BY_TYPE: Final = {slot.change_type: slot for slot in _SLOTS}


def change_documents(terms: OfferTerms) -> list[tuple[str, DetailsDocument]]:
    """``(change type, DetailsDocument)`` of every term the offer has, in sending order."""
    documents = []
    for slot in _SLOTS:
        document = slot.details(terms)
        if document is not None:
            documents.append((slot.change_type, document))
    return documents


def details_for(terms: OfferTerms, change_type: str) -> DetailsDocument | None:
    """One change type's document; for a term the offer lacks, the document that removes it.

    ``Update*Terms`` changes replace all terms of their type, so ``{"Terms": []}`` clears them.
    None when the change type cannot be cleared (a name, targeting, pricing, markup or expiry is
    replaced, never removed): the caller must refuse, e.g. ask for a replacement offer.
    Raises ``KeyError`` for a change type that is not an offer term.
    """
    slot = _BY_TYPE[change_type]
    document = slot.details(terms)
    if document is None and slot.clears_with_empty_terms:
        return terms_details()
    return document


def differing(desired: OfferTerms, actual: OfferTerms) -> tuple[str, ...]:
    """Change types whose typed values differ, in sending order (money compared by value)."""
    return tuple(slot.change_type for slot in _SLOTS if not slot.same(desired, actual))


def completed(desired: OfferTerms, actual: OfferTerms) -> OfferTerms:
    """The desired terms with the parts a draft's file leaves out taken from ``actual``.

    An offer file always has buyers, an expiry, pricing and legal terms, so their terms are
    None on the desired side only for a ``lifecycle: draft`` file that leaves them out (the
    console's "Save and exit"; AWS's CreateDraftPrivateOffer sample). What the file does not
    say is left as the marketplace has it: a channel partner draft keeps its authorization's
    pricing and legal terms, a replacement draft its agreement's buyer. Leaving out pricing
    leaves out its validity and payment schedule too. Other terms are not completed: a file
    without ``support`` has no support term, and a draft's is removed.
    """
    unpriced = desired.pricing is None
    return replace(
        desired,
        targeting=_either(desired.targeting, actual.targeting),
        pricing=_either(desired.pricing, actual.pricing),
        validity=actual.validity if unpriced else desired.validity,
        payment_schedule=actual.payment_schedule if unpriced else desired.payment_schedule,
        legal=_either(desired.legal, actual.legal),
        availability=_either(desired.availability, actual.availability),
    )


def _either(mine: V | None, theirs: V | None) -> V | None:
    return theirs if mine is None else mine


def from_entity(details: EntityDetails) -> OfferTerms:
    """An offer entity's DetailsDocument (DescribeEntity, BatchDescribeEntities) as terms.

    Raises :class:`~offerops.terms.document.ShapeError` for a known term this package cannot
    read faithfully; terms of unknown types are kept in ``unmodelled``.
    """
    return OfferTerms(
        information=information.from_entity(details),
        targeting=targeting.from_entity(details),
        pricing=pricing.from_entity(details),
        validity=validity.from_entity(details),
        payment_schedule=payment_schedule.from_entity(details),
        legal=legal.from_entity(details),
        support=support.from_entity(details),
        renewal_term=renewal_term.from_entity(details),
        markup=markup.from_entity(details),
        availability=availability.from_entity(details),
        unmodelled=_unmodelled(details),
    )


_MODELLED_TERMS: Final = pricing.PRICING_TERM_TYPES | {
    validity.TERM_TYPE,
    payment_schedule.TERM_TYPE,
    legal.TERM_TYPE,
    support.TERM_TYPE,
    renewal_term.TERM_TYPE,
}


def _unmodelled(details: EntityDetails) -> tuple[OpaqueTerm, ...]:
    found = []
    for index, raw in enumerate(array(details.get("Terms"), "Terms")):
        term = mapping(raw, f"Terms[{index}]")
        if term.get("Type") not in _MODELLED_TERMS:
            found.append(opaque.from_term(term, f"Terms[{index}]"))
    return tuple(sorted(found, key=lambda term: (term.type, term.document)))


def fields(terms: OfferTerms) -> Fields:
    """Every reviewer field of the offer (``name``, ``buyers``, ``price users`` …), in order."""
    result: Fields = {}
    for change_type in _VIEW_ORDER:
        result.update(_BY_TYPE[change_type].fields(terms))
    for term in terms.unmodelled:
        result.update(opaque.fields(term))
    return result


def field_path(terms: OfferTerms, label: str) -> YamlPath:
    """Where in the offer file a label of :func:`fields` comes from (``spec`` if nowhere)."""
    for slot in _SLOTS:
        if label in slot.fields(terms):
            return slot.field_path(label)
    return ("spec",)
