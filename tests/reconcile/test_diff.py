"""The pure parts of the reconciler: mapping, normalization, diff. No backend involved."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from offerops.reconcile.actual import actual_offer
from offerops.reconcile.canonical import money, normalize
from offerops.reconcile.desired import DesiredOffer
from offerops.reconcile.diff import diff
from offerops.reconcile.plan import desired_state
from support import CONTRACT_OFFER, TODAY, USAGE_OFFER, OfferRepo


def desired(repo: OfferRepo, text: str) -> DesiredOffer:
    repo.offer(text)
    report = repo.lint()
    assert report.findings == []
    (offer,) = desired_state(report)
    return offer


ID = "offer-abcdefghijklm"


def entity_for(offer: DesiredOffer, state: str = "Released", **overrides: Any) -> dict[str, Any]:
    """What DescribeEntity would return after applying ``offer`` (dates as timestamps)."""
    docs = offer.docs
    end = docs["UpdateAvailability"]["AvailabilityEndDate"] + "T00:00:00.000Z"
    terms = [
        *docs["UpdatePricingTerms"]["Terms"],
        *docs.get("UpdateValidityTerms", {}).get("Terms", []),
        *docs.get("UpdatePaymentScheduleTerms", {}).get("Terms", []),
        *docs["UpdateLegalTerms"]["Terms"],
    ]
    details = {
        "Id": "offer-abcdefghijklm",
        "ProductId": offer.product_id,
        "State": state,
        "Rules": [
            {
                "Type": "TargetingRule",
                "PositiveTargeting": docs["UpdateTargeting"]["PositiveTargeting"],
            },
            {"Type": "AvailabilityRule", "AvailabilityEndDate": end},
        ],
        "Terms": [{**term, "Id": "term-123"} for term in reversed(terms)],
        **docs["UpdateInformation"],
        **overrides,
    }
    return {
        "EntityIdentifier": "offer-abcdefghijklm@3",
        "EntityArn": f"arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/Offer/{ID}",
        "DetailsDocument": details,
    }


@pytest.mark.parametrize("text", [CONTRACT_OFFER, USAGE_OFFER], ids=["contract", "usage"])
def test_desired_round_trips_through_describe_entity(repo: OfferRepo, text: str) -> None:
    offer = desired(repo, text)
    actual = actual_offer(entity_for(offer), key=offer.key)
    assert actual.docs == offer.docs
    assert actual.expires_on == offer.expires_on
    assert [p.action for p in diff([offer], [actual], TODAY)] == ["no-op"]


def test_money_is_compared_by_value() -> None:
    assert money("250") == money("250.0") == money("250.00") == "250.00"
    assert money("0.125") == "0.125"
    assert normalize({"Price": "1E+2"}, "") == {"Price": "100.00"}


def test_dates_and_buyer_order_are_normalized() -> None:
    document = {
        "AvailabilityEndDate": "2027-03-31T00:00:00.000Z",
        "BuyerAccounts": ["222222222222", "111111111111"],
    }
    assert normalize(document) == {
        "AvailabilityEndDate": "2027-03-31",
        "BuyerAccounts": ["111111111111", "222222222222"],
    }


def test_contract_upfront_maps_to_configurable_upfront(repo: OfferRepo) -> None:
    offer = desired(repo, CONTRACT_OFFER)
    (term,) = offer.docs["UpdatePricingTerms"]["Terms"]
    assert term["Type"] == "ConfigurableUpfrontPricingTerm"
    card = term["RateCards"][0]
    assert card["Selector"] == {"Type": "Duration", "Value": "P36M"}
    assert card["RateCard"] == [
        {"DimensionKey": "admins", "Price": "500.00"},
        {"DimensionKey": "users", "Price": "25000.00"},
    ]
    assert offer.docs["UpdateTargeting"]["PositiveTargeting"]["BuyerAccounts"] == [
        "123456789012",
        "210987654321",
    ]


def test_fixed_quantities_map_to_fixed_upfront(repo: OfferRepo) -> None:
    text = CONTRACT_OFFER.replace(
        '        price: "500.00"\n', '        price: "500.00"\n        quantity: 5\n'
    )
    (term,) = desired(repo, text).docs["UpdatePricingTerms"]["Terms"]
    assert term["Type"] == "FixedUpfrontPricingTerm"
    assert term["Price"] == "2502500.00"
    assert term["Grants"] == [
        {"DimensionKey": "admins", "MaxQuantity": 5},
        {"DimensionKey": "users", "MaxQuantity": 100},
    ]


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


def test_expired_actual_cannot_be_reopened(repo: OfferRepo) -> None:
    before = desired(repo, CONTRACT_OFFER)
    actual = actual_offer(entity_for(before), key=before.key)
    later = date(2027, 6, 1)
    after = desired(repo, CONTRACT_OFFER.replace("2027-03-31", "2027-09-30"))
    (entry,) = diff([after], [actual], later)
    assert entry.action == "replace-needed"
    assert "cannot be reopened" in entry.reason


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
