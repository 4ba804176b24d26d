"""Buyers: what they see, accepting offers, and the Agreement API on the resulting agreements."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.engine_support import (
    BUYER,
    OTHER_BUYER,
    SAAS,
    SELLER,
    Api,
    availability,
    contract_offer,
    update,
)
from offerops.emulator.clock import ManualClock
from offerops.emulator.engine import Marketplace
from offerops.emulator.exceptions import ResourceNotFoundException, ValidationException

PROPOSER = [
    {"name": "PartyType", "values": ["Proposer"]},
    {"name": "AgreementType", "values": ["PurchaseAgreement"]},
]
ACCEPTOR = [
    {"name": "PartyType", "values": ["Acceptor"]},
    {"name": "AgreementType", "values": ["PurchaseAgreement"]},
]


def search(
    market: Marketplace, account: str, filters: list[dict[str, Any]], **extra: Any
) -> list[str]:
    request = {"catalog": "AWSMarketplace", "filters": filters, **extra}
    result = market.call("SearchAgreements", account, request)
    return [summary["agreementId"] for summary in result["agreementViewSummaries"]]


def test_buyer_sees_only_released_unexpired_offers_targeting_it(
    seller: Api, market: Marketplace
) -> None:
    mine = seller.new_offer(contract_offer("For Acme"))
    seller.new_offer(contract_offer("For Globex", buyers=(OTHER_BUYER,)))
    seller.new_offer(contract_offer("Draft for Acme", release=False))
    [offer] = market.list_offers_for_buyer(BUYER)
    assert offer["OfferId"] == mine
    assert (offer["Name"], offer["ProductId"], offer["SellerAccountId"]) == (
        "For Acme",
        SAAS,
        SELLER,
    )
    assert offer["AvailabilityEndDate"] == "2027-03-31T00:00:00.000Z"
    assert [o["Name"] for o in market.list_offers_for_buyer(OTHER_BUYER)] == ["For Globex"]


def test_accepting_an_offer_creates_an_agreement_and_leaves_the_offer(
    seller: Api, market: Marketplace
) -> None:
    offer_id = seller.new_offer()
    before = seller.entity(offer_id)
    agreement = market.accept_offer(BUYER, offer_id, purchase_order="PO-42")
    assert agreement["agreementId"].startswith("agmt-") and len(agreement["agreementId"]) == 30
    assert agreement["status"] == "ACTIVE"
    assert agreement["acceptor"] == {"accountId": BUYER}
    assert agreement["proposer"] == {"accountId": SELLER}
    assert agreement["proposalSummary"] == {
        "offerId": offer_id,
        "resources": [{"id": SAAS, "type": "SaaSProduct"}],
    }
    # P12M from 2026-11-23 12:00 UTC
    assert agreement["endTime"] - agreement["startTime"] == 365 * 24 * 3600
    assert seller.entity(offer_id) == before
    described = market.call("DescribeAgreement", SELLER, {"agreementId": agreement["agreementId"]})
    assert described == agreement


def test_other_buyers_cannot_accept(seller: Api, market: Marketplace) -> None:
    offer_id = seller.new_offer()
    with pytest.raises(ResourceNotFoundException) as raised:
        market.accept_offer(OTHER_BUYER, offer_id)
    assert raised.value.message == f"Offer {offer_id} is not available to account {OTHER_BUYER}"


def test_unreleased_offers_cannot_be_accepted(seller: Api, market: Marketplace) -> None:
    offer_id = seller.new_offer(contract_offer(release=False))
    with pytest.raises(ResourceNotFoundException, match="it has not been released"):
        market.accept_offer(BUYER, offer_id)


def test_expired_offers_cannot_be_accepted(
    seller: Api, market: Marketplace, clock: ManualClock
) -> None:
    offer_id = seller.new_offer()
    market.accept_offer(BUYER, offer_id)  # still fine on its last day...
    seller.run([update("UpdateAvailability", availability("2026-11-23"), offer_id)])
    market.accept_offer(BUYER, offer_id)
    clock.advance(12 * 3600)  # ...and void after 23:59:59 UTC on it
    with pytest.raises(ValidationException) as raised:
        market.accept_offer(BUYER, offer_id)
    assert raised.value.message == (
        f"Offer {offer_id} expired on 2026-11-23 and can no longer be accepted"
    )
    assert market.list_offers_for_buyer(BUYER) == []


def test_search_agreements_by_party_and_filters(seller: Api, market: Marketplace) -> None:
    first = seller.new_offer(contract_offer("One", buyers=(BUYER, OTHER_BUYER)))
    second = seller.new_offer(contract_offer("Two"))
    a1 = market.accept_offer(BUYER, first)["agreementId"]
    a2 = market.accept_offer(OTHER_BUYER, first)["agreementId"]
    a3 = market.accept_offer(BUYER, second)["agreementId"]
    assert sorted(search(market, SELLER, PROPOSER)) == sorted([a1, a2, a3])
    by_offer = [*PROPOSER, {"name": "OfferId", "values": [first]}]
    assert sorted(search(market, SELLER, by_offer)) == sorted([a1, a2])
    by_acceptor = [*by_offer, {"name": "AcceptorAccountId", "values": [OTHER_BUYER]}]
    assert search(market, SELLER, by_acceptor) == [a2]
    assert (
        search(
            market,
            SELLER,
            [
                *PROPOSER,
                {"name": "ResourceIdentifier", "values": [SAAS]},
                {"name": "Status", "values": ["EXPIRED"]},
            ],
        )
        == []
    )
    assert sorted(search(market, BUYER, ACCEPTOR)) == sorted([a1, a3])
    assert search(market, OTHER_BUYER, [*ACCEPTOR, {"name": "OfferId", "values": [first]}]) == [a2]
    assert search(market, OTHER_BUYER, PROPOSER) == []
    assert len(search(market, SELLER, PROPOSER, maxResults=2)) == 2


def test_search_agreements_pagination(seller: Api, market: Marketplace) -> None:
    offer_id = seller.new_offer()
    made = {market.accept_offer(BUYER, offer_id)["agreementId"] for _ in range(5)}
    request: dict[str, Any] = {"catalog": "AWSMarketplace", "filters": PROPOSER, "maxResults": 2}
    seen: list[str] = []
    while True:
        page = market.call("SearchAgreements", SELLER, request)
        seen += [s["agreementId"] for s in page["agreementViewSummaries"]]
        if not page.get("nextToken"):
            break
        request["nextToken"] = page["nextToken"]
    assert sorted(seen) == sorted(made)


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ([{"name": "AgreementType", "values": ["PurchaseAgreement"]}], "need PartyType"),
        ([{"name": "PartyType", "values": ["Proposer"]}], "need AgreementType"),
        (
            [*ACCEPTOR, {"name": "AcceptorAccountId", "values": [BUYER]}],
            "is not supported when PartyType is Acceptor",
        ),
        (
            [
                *ACCEPTOR,
                {"name": "OfferId", "values": ["a"]},
                {"name": "ResourceIdentifier", "values": ["b"]},
            ],
            "is not supported when PartyType is Acceptor",
        ),
        ([*PROPOSER, {"name": "Colour", "values": ["red"]}], "Filter 'Colour' is not supported"),
        ([*PROPOSER, {"name": "OfferId", "values": ["a", "b"]}], "takes exactly one value"),
    ],
)
def test_search_agreements_refuses_undocumented_filters(
    market: Marketplace, filters: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(ValidationException) as raised:
        search(market, BUYER, filters)
    assert message in raised.value.message


def test_agreement_terms_are_the_offers_terms_in_camel_case(
    seller: Api, market: Marketplace
) -> None:
    offer_id = seller.new_offer()
    agreement_id = market.accept_offer(BUYER, offer_id)["agreementId"]
    terms = market.call("GetAgreementTerms", BUYER, {"agreementId": agreement_id})
    kinds = [next(iter(term)) for term in terms["acceptedTerms"]]
    assert kinds == ["configurableUpfrontPricingTerm", "validityTerm", "legalTerm"]
    pricing = terms["acceptedTerms"][0]["configurableUpfrontPricingTerm"]
    assert pricing["id"].startswith("term-")
    assert pricing["rateCards"][0]["rateCard"] == [{"dimensionKey": "users", "price": "250.00"}]
    page = market.call("GetAgreementTerms", BUYER, {"agreementId": agreement_id, "maxResults": 2})
    assert len(page["acceptedTerms"]) == 2 and page["nextToken"]


def test_strangers_cannot_see_an_agreement(seller: Api, market: Marketplace) -> None:
    agreement_id = market.accept_offer(BUYER, seller.new_offer())["agreementId"]
    for operation in ("DescribeAgreement", "GetAgreementTerms"):
        with pytest.raises(ResourceNotFoundException, match=f"Agreement {agreement_id} was not"):
            market.call(operation, OTHER_BUYER, {"agreementId": agreement_id})


def test_agreements_expire_at_their_end(
    seller: Api, market: Marketplace, clock: ManualClock
) -> None:
    agreement_id = market.accept_offer(BUYER, seller.new_offer())["agreementId"]
    clock.advance(366 * 24 * 3600)
    described = market.call("DescribeAgreement", BUYER, {"agreementId": agreement_id})
    assert described["status"] == "EXPIRED"
    expired = [*PROPOSER, {"name": "Status", "values": ["EXPIRED"]}]
    assert search(market, SELLER, expired) == [agreement_id]
