"""Change sets: what apply sends for each action, built from the typed terms."""

from __future__ import annotations

from dataclasses import replace

import pytest

from offerops.reconcile.changeset import CannotChange, build_changes
from offerops.reconcile.desired import DesiredOffer
from offerops.reconcile.diff import FieldChange, OfferPlan
from offerops.reconcile.plan import desired_state
from offerops.terms import change_documents
from support import CONTRACT_OFFER, INSTALLMENT_OFFER, OfferRepo


def desired(repo: OfferRepo, text: str) -> DesiredOffer:
    repo.offer(text)
    (offer,) = desired_state(repo.lint())
    return offer


def test_a_create_sends_every_term_in_order_then_releases(repo: OfferRepo) -> None:
    offer = desired(repo, INSTALLMENT_OFFER)
    types = tuple(change_type for change_type, _ in change_documents(offer.terms))
    entry = OfferPlan("create", offer.key, offer.relpath, None, offer.name, change_types=types)
    changes = build_changes(entry, offer)
    assert [change["ChangeType"] for change in changes] == [
        "CreateOffer",
        "UpdateInformation",
        "UpdateTargeting",
        "UpdatePricingTerms",
        "UpdateValidityTerms",
        "UpdatePaymentScheduleTerms",
        "UpdateLegalTerms",
        "UpdateAvailability",
        "ReleaseOffer",
    ]
    assert changes[0]["EntityTags"] == [{"Key": "offerops:key", "Value": "acme-2027"}]
    assert [c["DetailsDocument"] for c in changes[1:-1]] == [
        d for _, d in change_documents(offer.terms)
    ]


def test_an_update_clears_terms_the_file_no_longer_has(repo: OfferRepo) -> None:
    offer = desired(repo, CONTRACT_OFFER)
    entry = OfferPlan(
        "update",
        offer.key,
        offer.relpath,
        "offer-abcdefghijklm",
        offer.name,
        change_types=("UpdatePaymentScheduleTerms", "UpdateSupportTerms"),
        release=True,
    )
    changes = build_changes(entry, offer)
    assert [(c["ChangeType"], c["DetailsDocument"]) for c in changes] == [
        ("UpdatePaymentScheduleTerms", {"Terms": []}),
        ("UpdateSupportTerms", {"Terms": []}),
        ("ReleaseOffer", {}),
    ]


def test_what_the_api_cannot_remove_is_refused_with_a_replacement_hint(repo: OfferRepo) -> None:
    offer = desired(repo, CONTRACT_OFFER)
    assert offer.terms.markup is None
    entry = OfferPlan(
        "update", offer.key, offer.relpath, "offer-abc", offer.name, change_types=("UpdateMarkup",)
    )
    with pytest.raises(CannotChange, match="cannot remove it \\(UpdateMarkup\\)") as refused:
        build_changes(entry, offer)
    assert refused.value.hint is not None and "acme-2027-v2" in refused.value.hint
    expire = replace(entry, action="expire", change_types=(), expire_on="2026-11-23")
    assert build_changes(expire, None)[0]["DetailsDocument"] == {
        "AvailabilityEndDate": "2026-11-23"
    }


def test_a_removed_description_is_sent_empty_so_it_is_removed(repo: OfferRepo) -> None:
    offer = desired(
        repo, CONTRACT_OFFER.replace("  description: Three-year enterprise agreement.\n", "")
    )
    removal = (FieldChange("description", "Three-year enterprise agreement.", None),)
    entry = OfferPlan(
        "update",
        offer.key,
        offer.relpath,
        "offer-abc",
        offer.name,
        change_types=("UpdateInformation",),
        changes=removal,
    )
    (change,) = build_changes(entry, offer)
    assert change["DetailsDocument"] == {"Name": offer.name, "Description": ""}
    renamed = replace(entry, changes=(FieldChange("name", "Old", offer.name),))
    assert build_changes(renamed, offer)[0]["DetailsDocument"] == {"Name": offer.name}
