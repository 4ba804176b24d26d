"""The pure parts of the reconciler: mapping, normalization, diff. No backend involved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from offerops.reconcile.actual import actual_offer
from offerops.reconcile.desired import DesiredOffer
from offerops.reconcile.diff import diff
from offerops.reconcile.plan import desired_state
from offerops.terms import change_documents, details_for
from offerops.terms.document import DetailsDocument
from offerops.terms.values import format_money
from support import CONTRACT_OFFER, QUANTITY_SLOT, TODAY, USAGE_OFFER, OfferRepo
from terms.strategies import entity_with


def desired(repo: OfferRepo, text: str) -> DesiredOffer:
    repo.offer(text)
    report = repo.lint()
    assert report.findings == []
    (offer,) = desired_state(report)
    return offer


ID = "offer-abcdefghijklm"


def entity_for(offer: DesiredOffer, state: str = "Released", **overrides: Any) -> dict[str, Any]:
    """What DescribeEntity would return after applying ``offer`` (dates as timestamps)."""
    details = entity_with(change_documents(offer.terms))
    details.update({"Id": ID, "ProductId": offer.product_id, "State": state, **overrides})
    return {
        "EntityIdentifier": f"{details['Id']}@3",
        "EntityArn": f"arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/Offer/{ID}",
        "DetailsDocument": details,
    }


def pricing_term(offer: DesiredOffer) -> DetailsDocument:
    document = details_for(offer.terms, "UpdatePricingTerms")
    assert document is not None
    terms = document["Terms"]
    assert isinstance(terms, list) and len(terms) == 1 and isinstance(terms[0], dict)
    return terms[0]


@pytest.mark.parametrize("text", [CONTRACT_OFFER, USAGE_OFFER], ids=["contract", "usage"])
def test_desired_round_trips_through_describe_entity(repo: OfferRepo, text: str) -> None:
    offer = desired(repo, text)
    actual = actual_offer(entity_for(offer), key=offer.key)
    assert actual.terms == offer.terms
    assert actual.unreadable is None
    assert actual.expires_on == offer.expires_on
    assert [p.action for p in diff([offer], [actual], TODAY)] == ["no-op"]


def test_money_is_written_in_one_form() -> None:
    assert format_money(Decimal("250")) == format_money(Decimal("250.0")) == "250.00"
    assert format_money(Decimal("0.125")) == "0.125"
    assert format_money(Decimal("1E+2")) == "100.00"


def test_dates_money_and_buyer_order_do_not_show_as_changes(repo: OfferRepo) -> None:
    offer = desired(repo, CONTRACT_OFFER)
    entity = entity_for(offer)
    details = entity["DetailsDocument"]
    targeting = next(rule for rule in details["Rules"] if rule["Type"] == "TargetingRule")
    targeting["PositiveTargeting"]["BuyerAccounts"].reverse()
    configurable = next(t for t in details["Terms"] if t["Type"].startswith("Configurable"))
    configurable["RateCards"][0]["RateCard"][0]["Price"] = "500.0"
    (entry,) = diff([offer], [actual_offer(entity, key=offer.key)], TODAY)
    assert entry.action == "no-op"


def test_contract_upfront_maps_to_configurable_upfront(repo: OfferRepo) -> None:
    offer = desired(repo, CONTRACT_OFFER)
    term = pricing_term(offer)
    assert term["Type"] == "ConfigurableUpfrontPricingTerm"
    card = term["RateCards"][0]
    assert card["Selector"] == {"Type": "Duration", "Value": "P36M"}
    assert card["RateCard"] == [
        {"DimensionKey": "admins", "Price": "500.00"},
        {"DimensionKey": "users", "Price": "25000.00"},
    ]
    assert offer.terms.targeting is not None
    assert offer.terms.targeting.buyer_accounts == ("123456789012", "210987654321")


def test_fixed_quantities_map_to_fixed_upfront(repo: OfferRepo) -> None:
    """One dimension with a quantity: a fixed price (several are refused by lint, OFR317)."""
    text = CONTRACT_OFFER.replace(QUANTITY_SLOT, "        quantity: 100\n").replace(
        '      - key: admins\n        price: "500.00"\n', ""
    )
    term = pricing_term(desired(repo, text))
    assert term["Type"] == "FixedUpfrontPricingTerm"
    assert term["Price"] == "2500000.00"
    assert term["Grants"] == [{"DimensionKey": "users", "MaxQuantity": 100}]


def test_expiry_change_on_released_offer_is_update(repo: OfferRepo) -> None:
    before = desired(repo, CONTRACT_OFFER)
    actual = actual_offer(entity_for(before), key=before.key)
    after = desired(repo, CONTRACT_OFFER.replace("2027-03-31", "2027-04-30"))
    (entry,) = diff([after], [actual], TODAY)
    assert entry.action == "update"
    assert entry.change_types == ("UpdateAvailability",)
    assert entry.flags == ("expiry-change",)


def test_price_decrease_on_draft_is_flagged_update_with_release(repo: OfferRepo) -> None:
    before = desired(repo, CONTRACT_OFFER)
    actual = actual_offer(entity_for(before, state="Draft"), key=before.key)
    after = desired(repo, CONTRACT_OFFER.replace('"25000.00"', '"24000.00"'))
    (entry,) = diff([after], [actual], TODAY)
    assert entry.action == "update"
    assert entry.release is True
    assert entry.change_types == ("UpdatePricingTerms",)
    assert "price-decrease" in entry.flags


def test_new_buyer_on_released_offer_needs_replacement(repo: OfferRepo) -> None:
    before = desired(repo, CONTRACT_OFFER)
    actual = actual_offer(entity_for(before), key=before.key)
    after = desired(
        repo,
        CONTRACT_OFFER.replace("    - globex-uk\n", "    - globex-uk\n    - initech-br\n").replace(
            '    - "123456789012"\n', ""
        ),
    )
    (entry,) = diff([after], [actual], TODAY)
    assert entry.action == "replace-needed"
    assert "UpdateTargeting" in entry.reason


def test_an_expired_offer_given_a_later_expiry_is_active_again(repo: OfferRepo) -> None:
    """Issue 13 item 10: the Seller Guide's "Updating the expiration date"."""
    before = desired(repo, CONTRACT_OFFER)
    actual = actual_offer(entity_for(before), key=before.key)
    later = date(2027, 6, 1)
    after = desired(repo, CONTRACT_OFFER.replace("2027-03-31", "2027-09-30"))
    (entry,) = diff([after], [actual], later)
    assert (entry.action, entry.change_types) == ("update", ("UpdateAvailability",))
    assert "expired on 2027-03-31; the later expiresOn makes it active again" in entry.reason
    assert [(c.field, c.old, c.new) for c in entry.changes] == [
        ("expires", "2027-03-31", "2027-09-30")
    ]


def test_unclaimed_offers_are_unmanaged_or_pruned(repo: OfferRepo, tmp_path: Path) -> None:
    offer = desired(repo, CONTRACT_OFFER)
    tagged = actual_offer(entity_for(offer), key="gone-2027")
    untagged = actual_offer(entity_for(offer, Id="offer-zzzzzzzzzzzzz"), key=None)
    plans = diff([], [tagged, untagged], TODAY)
    assert [p.action for p in plans] == ["unmanaged", "unmanaged"]
    pruned = diff([], [tagged, untagged], TODAY, prune=True)
    assert [p.action for p in pruned] == ["expire", "unmanaged"]


def test_adopted_id_claims_an_untagged_offer(repo: OfferRepo) -> None:
    text = CONTRACT_OFFER.replace("key: acme-2027\n", "key: acme-2027\nid: offer-abcdefghijklm\n")
    offer = desired(repo, text)
    untagged = actual_offer(entity_for(offer), key=None)
    assert [p.action for p in diff([offer], [untagged], TODAY)] == ["no-op"]


def _two_validity_terms(offer: DesiredOffer, **overrides: Any) -> dict[str, Any]:
    """An entity offerops cannot read faithfully (changed by hand: two ValidityTerms)."""
    entity = entity_for(offer, **overrides)
    terms = entity["DetailsDocument"]["Terms"]
    terms.append({"Id": "term-x", "Type": "ValidityTerm", "AgreementDuration": "P12M"})
    return entity


def test_an_unreadable_offer_is_never_planned_as_absent(repo: OfferRepo) -> None:
    """Its file is not a create of a duplicate: nothing is sent, and the plan says why."""
    offer = desired(repo, CONTRACT_OFFER)
    actual = actual_offer(_two_validity_terms(offer), key=offer.key)
    assert actual.unreadable is not None and "ValidityTerm" in actual.unreadable
    (entry,) = diff([offer], [actual], TODAY)
    assert entry.action == "replace-needed"
    assert entry.offer_id == ID
    assert not entry.changes_anything
    assert "cannot read this offer's terms (Terms: 2 terms of type ValidityTerm" in entry.reason


def test_an_unreadable_offer_can_still_be_expired_or_left_unmanaged(repo: OfferRepo) -> None:
    offer = desired(repo, CONTRACT_OFFER + "  lifecycle: expired\n")
    actual = actual_offer(_two_validity_terms(offer), key=offer.key)
    assert actual.expires_on == date(2027, 3, 31)
    (entry,) = diff([offer], [actual], TODAY)
    assert (entry.action, entry.expire_on) == ("expire", "2026-11-22")
    (unclaimed,) = diff([], [actual_offer(_two_validity_terms(offer))], TODAY)
    assert unclaimed.action == "unmanaged"
    assert "offerops cannot read its terms" in unclaimed.reason
    assert "offerops import" not in unclaimed.reason


def test_terms_offerops_never_writes_are_compared_too(repo: OfferRepo) -> None:
    """An adopted offer with a refund policy differs from its file: it needs a replacement."""
    offer = desired(repo, CONTRACT_OFFER)
    entity = entity_for(offer)
    support = {"Id": "term-s", "Type": "SupportTerm", "RefundPolicy": "No refunds."}
    entity["DetailsDocument"]["Terms"].append(support)
    (entry,) = diff([offer], [actual_offer(entity, key=offer.key)], TODAY)
    assert entry.action == "replace-needed"
    assert "UpdateSupportTerms" in entry.reason
    assert ("refund policy", "No refunds.", None) in [
        (c.field, c.old, c.new) for c in entry.changes
    ]


def test_a_draft_with_a_markup_its_file_lacks_needs_a_replacement(repo: OfferRepo) -> None:
    """The API replaces a markup but cannot remove it, so the draft cannot be completed."""
    offer = desired(repo, CONTRACT_OFFER)
    actual = actual_offer(entity_for(offer, state="Draft", MarkupPercentage="5.0"), key=offer.key)
    (entry,) = diff([offer], [actual], TODAY)
    assert entry.action == "replace-needed"
    assert "reseller markup, which the marketplace cannot remove (UpdateMarkup)" in entry.reason


def test_a_changed_channel_needs_a_replacement(repo: OfferRepo) -> None:
    """No change moves an offer to another resale authorization (or makes it direct)."""
    offer = desired(repo, CONTRACT_OFFER)
    entity = entity_for(offer, ResaleAuthorizationId="resaleauthz-1a2b3c4d5e6f7")
    (entry,) = diff([offer], [actual_offer(entity, key=offer.key)], TODAY)
    assert entry.action == "replace-needed"
    assert "the channel changed (resaleauthz-1a2b3c4d5e6f7 -> a direct offer)" in entry.reason
