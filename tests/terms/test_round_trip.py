"""``from_entity(entity_with(to_details(x))) == x`` for every term module and for whole offers.

The entity is built the way DescribeEntity returns it (terms in one list with ``Id``s, dates with
``T00:00:00.000Z``, money as strings), so the round trip also proves the readers tolerate what the
service adds. Documents are written in one form: reading them back and writing them again gives
the same documents.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offerops.terms import (
    availability,
    information,
    legal,
    markup,
    offer,
    payment_schedule,
    pricing,
    renewal_term,
    support,
    targeting,
    validity,
)
from offerops.terms.document import DetailsDocument, EntityDetails
from offerops.terms.values import Fields
from terms import strategies

PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Module:
    """The functions every term module has (the test's view of its interface)."""

    def __init__(self, module: Any, values: st.SearchStrategy[Any]) -> None:
        self.name = str(module.__name__).rsplit(".", 1)[-1]
        self.change_type: str = module.CHANGE_TYPE
        self.to_details: Callable[[Any], DetailsDocument] = module.to_details
        self.from_entity: Callable[[EntityDetails], Any] = module.from_entity
        self.fields: Callable[[Any], Fields] = module.fields
        self.values = values

    def __repr__(self) -> str:
        return self.name


MODULES = [
    Module(information, strategies.information),
    Module(targeting, strategies.targeting),
    Module(availability, strategies.availability),
    Module(pricing, strategies.pricing()),
    Module(validity, strategies.validity),
    Module(payment_schedule, strategies.payment_schedule),
    Module(legal, strategies.legal),
    Module(support, strategies.support),
    Module(renewal_term, strategies.renewal_term),
    Module(markup, strategies.markup),
]


@pytest.mark.parametrize("module", MODULES, ids=repr)
@PROPERTY
@given(data=st.data())
def test_module_round_trip(module: Module, data: st.DataObject) -> None:
    value = data.draw(module.values)
    details = module.to_details(value)
    entity = strategies.entity_with([(module.change_type, details)])
    assert module.from_entity(entity) == value
    assert module.to_details(module.from_entity(entity)) == details


@pytest.mark.parametrize("module", MODULES, ids=repr)
def test_module_absent(module: Module) -> None:
    """An offer without the term reads back as None, not as an empty value."""
    assert module.from_entity(strategies.entity_with([])) is None


@PROPERTY
@given(strategies.offer_terms)
def test_offer_round_trip(terms: offer.OfferTerms) -> None:
    documents = offer.change_documents(terms)
    assert offer.from_entity(strategies.entity_with(documents)) == terms
    assert offer.differing(terms, offer.from_entity(strategies.entity_with(documents))) == ()


@PROPERTY
@given(strategies.offer_terms)
def test_documents_are_written_in_one_form_and_in_sending_order(terms: offer.OfferTerms) -> None:
    documents = offer.change_documents(terms)
    again = offer.change_documents(offer.from_entity(strategies.entity_with(documents)))
    assert again == documents
    types = [change_type for change_type, _ in documents]
    assert types == [t for t in offer.ORDERED_CHANGE_TYPES if t in dict(documents)]


@PROPERTY
@given(strategies.offer_terms, strategies.offer_terms)
def test_differing_names_exactly_the_changed_documents(
    one: offer.OfferTerms, other: offer.OfferTerms
) -> None:
    mine, theirs = dict(offer.change_documents(one)), dict(offer.change_documents(other))
    expected = tuple(t for t in offer.ORDERED_CHANGE_TYPES if mine.get(t) != theirs.get(t))
    assert offer.differing(one, other) == expected
