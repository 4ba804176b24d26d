"""Replacement offers (CreateReplacementOffer*) and the agreements they replace; expiry as the
Seller Guide describes it (docs/emulator.md, "Replacement offers" and "Expiry")."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.engine_support import (
    BUYER,
    CATALOG,
    LEGAL,
    OFFER,
    OTHER_BUYER,
    SELLER,
    Api,
    availability,
    contract_offer,
    contract_pricing,
    errors_of,
    update,
    validity,
)
from offerops.emulator.clock import ManualClock
from offerops.emulator.engine import Marketplace
from offerops.emulator.exceptions import ResourceNotFoundException, ValidationException

REF = "$CreateReplacementOffer.Entity.Identifier"


def replacement(agreement_id: str, *, release: bool = True) -> list[dict[str, Any]]:
    """AWS's CreateReplacementPrivateOfferWithContractPricing: no UpdateTargeting."""
    changes = [
        {
            "ChangeType": "CreateReplacementOffer",
            "Entity": {"Type": OFFER},
            "ChangeName": "CreateReplacementOffer",
            "DetailsDocument": {"AgreementId": agreement_id},
        },
        update("UpdateInformation", {"Name": "Acme renewal"}, REF),
        update("UpdatePricingTerms", contract_pricing("200.00"), REF),
        update("UpdateValidityTerms", validity("P24M"), REF),
        update("UpdateLegalTerms", LEGAL, REF),
        update("UpdateAvailability", availability("2027-01-31"), REF),
    ]
    return [*changes, update("ReleaseOffer", {}, REF)] if release else changes


def search(market: Marketplace, account: str, party: str, **filters: str) -> list[dict[str, Any]]:
    request = {
        "filters": [
            {"name": "PartyType", "values": [party]},
            {"name": "AgreementType", "values": ["PurchaseAgreement"]},
            *({"name": name, "values": [value]} for name, value in filters.items()),
        ]
    }
    return list(market.call("SearchAgreements", account, request)["agreementViewSummaries"])


@pytest.fixture
def agreement(seller: Api, market: Marketplace) -> str:
    return str(market.accept_offer(BUYER, seller.new_offer())["agreementId"])


def test_replacement_offer_targets_the_agreements_buyer(seller: Api, agreement: str) -> None:
    offer_id = seller.new_offer(replacement(agreement))
    details = seller.details(offer_id)
    assert details["State"] == "Released"
    targeting = next(r for r in details["Rules"] if r["Type"] == "TargetingRule")
    assert targeting["PositiveTargeting"] == {"BuyerAccounts": [BUYER]}
    listed = seller(
        "ListEntities",
        Catalog=CATALOG,
        EntityType="Offer",
        EntityTypeFilters={"OfferFilters": {"TargetAgreementId": {"ValueList": [agreement]}}},
    )["EntitySummaryList"]
    assert [s["EntityId"] for s in listed] == [offer_id]
    assert listed[0]["OfferSummary"]["TargetAgreementId"] == agreement
    others = seller(
        "ListEntities",
        Catalog=CATALOG,
        EntityType="Offer",
        EntityTypeFilters={"OfferFilters": {"TargetAgreementId": {"ValueList": ["agmt-x"]}}},
    )
    assert others["EntitySummaryList"] == []


def test_accepting_a_replacement_replaces_the_agreement(
    seller: Api, market: Marketplace, clock: ManualClock, agreement: str
) -> None:
    offer_id = seller.new_offer(replacement(agreement))
    clock.advance(3600)
    new = market.accept_offer(BUYER, offer_id)
    assert new["status"] == "ACTIVE"
    assert new["initialAgreementId"] == agreement
    old = market.call("DescribeAgreement", SELLER, {"agreementId": agreement})
    assert old["status"] == "REPLACED"
    assert old["endTime"] == new["acceptanceTime"]
    replaced = search(market, SELLER, "Proposer", Status="REPLACED")
    assert [a["agreementId"] for a in replaced] == [agreement]
    chain = search(market, SELLER, "Proposer", InitialAgreementId=agreement)
    assert {a["agreementId"] for a in chain} == {agreement, new["agreementId"]}
    assert (
        search(market, BUYER, "Acceptor", Status="ACTIVE")[0]["agreementId"] == (new["agreementId"])
    )
    with pytest.raises(ValidationException, match=f"agreement {agreement}, which is REPLACED"):
        market.accept_offer(BUYER, offer_id)


def test_only_the_proposer_replaces_an_active_agreement(
    seller: Api, other_seller: Api, market: Marketplace, agreement: str
) -> None:
    (_t, code, message) = errors_of(other_seller.run(replacement(agreement, release=False)))[0]
    assert code == "INVALID_AGREEMENT_ID"
    assert "only the agreement's proposer can replace it" in message
    market.accept_offer(BUYER, seller.new_offer(replacement(agreement)))
    (_t, code, message) = errors_of(seller.run(replacement(agreement, release=False)))[0]
    assert (code, message) == (
        "INVALID_STATE",
        f"agreement {agreement} is REPLACED; only an ACTIVE agreement can be replaced",
    )


def test_replacement_offer_is_only_for_the_agreements_buyer(
    seller: Api, market: Marketplace, agreement: str
) -> None:
    offer_id = seller.new_offer(replacement(agreement))
    with pytest.raises(ResourceNotFoundException):
        market.accept_offer(OTHER_BUYER, offer_id)


def test_channel_partner_replacement_needs_a_matching_authorization(
    seller: Api, agreement: str
) -> None:
    changes = replacement(agreement, release=False)
    changes[0] = {
        **changes[0],
        "ChangeType": "CreateReplacementOfferUsingResaleAuthorization",
        "DetailsDocument": {"AgreementId": agreement, "ResaleAuthorizationId": "resaleauthz-x"},
    }
    (_t, code, _m) = errors_of(seller.run(changes))[0]
    assert code == "INVALID_RESALE_AUTHORIZATION_ID"


def test_a_past_end_date_makes_an_offer_unacceptable_at_once(
    seller: Api, market: Marketplace
) -> None:
    """AWS's ExpirePrivateOffer sample: UpdateAvailability with a past date."""
    offer_id = seller.new_offer(contract_offer(buyers=(BUYER,)))
    seller.run([update("UpdateAvailability", availability("2023-01-01"), offer_id)])
    with pytest.raises(ValidationException, match="expired on 2023-01-01"):
        market.accept_offer(BUYER, offer_id)
    summary = seller("ListEntities", Catalog=CATALOG, EntityType="Offer")["EntitySummaryList"]
    assert summary[0]["OfferSummary"]["AvailabilityEndDate"] == "2023-01-01T00:00:00Z"
    seller.run([update("UpdateAvailability", availability("2027-02-28"), offer_id)])
    assert market.accept_offer(BUYER, offer_id)["status"] == "ACTIVE"
