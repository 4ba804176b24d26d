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
    create,
    errors_of,
    targeting,
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


# --- what the draft carries from the agreement (docs/emulator.md, "Replacement offers") ---------

FIXED_UPFRONT = {
    "Type": "FixedUpfrontPricingTerm",
    "CurrencyCode": "USD",
    "Price": "1200.00",
    "Grants": [{"DimensionKey": "users", "MaxQuantity": 10}],
}
SUPPORT = {"Type": "SupportTerm", "RefundPolicy": "Refunds within 30 days."}
CARRIED = {"FixedUpfrontPricingTerm", "LegalTerm", "SupportTerm", "RenewalTerm"}


def create_replacement(agreement_id: str, name: str = "Acme renewal") -> dict[str, Any]:
    return {
        "ChangeType": "CreateReplacementOffer",
        "Entity": {"Type": OFFER},
        "ChangeName": "CreateReplacementOffer",
        "DetailsDocument": {"AgreementId": agreement_id, "Name": name},
    }


@pytest.fixture
def installment_agreement(seller: Api, market: Marketplace) -> tuple[str, list[dict[str, Any]]]:
    """An agreement on a FixedUpfront contract with every kind of term; (its id, the offer's
    terms as DescribeEntity showed them when it was accepted)."""
    schedule = [
        {"ChargeDate": "2026-12-01", "ChargeAmount": "600.00"},
        {"ChargeDate": "2027-06-01", "ChargeAmount": "600.00"},
    ]
    offer_id = seller.new_offer(
        [
            create("Acme 2027"),
            update("UpdateInformation", {"Name": "Acme 2027"}),
            update("UpdateTargeting", targeting(BUYER)),
            update("UpdatePricingTerms", {"PricingModel": "Contract", "Terms": [FIXED_UPFRONT]}),
            update("UpdateValidityTerms", validity("P12M")),
            update(
                "UpdatePaymentScheduleTerms",
                {
                    "Terms": [
                        {"Type": "PaymentScheduleTerm", "CurrencyCode": "USD", "Schedule": schedule}
                    ]
                },
            ),
            update("UpdateLegalTerms", LEGAL),
            update("UpdateSupportTerms", {"Terms": [SUPPORT]}),
            update("UpdateRenewalTerms", {"Terms": [{"Type": "RenewalTerm"}]}),
            update("UpdateAvailability", availability()),
            update("ReleaseOffer", {}),
        ]
    )
    terms = seller.details(offer_id)["Terms"]
    return str(market.accept_offer(BUYER, offer_id)["agreementId"]), terms


def by_type(terms: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(term["Type"]): term for term in terms}


def test_replacement_draft_carries_the_agreements_undated_terms(
    seller: Api, installment_agreement: tuple[str, list[dict[str, Any]]]
) -> None:
    agreement, accepted = installment_agreement
    assert {t["Type"] for t in accepted} == CARRIED | {"ValidityTerm", "PaymentScheduleTerm"}
    described = seller.run([create_replacement(agreement)])
    assert described["Status"] == "SUCCEEDED", errors_of(described)
    draft = seller.details(seller.created_id(described))
    assert draft["State"] == "Draft"
    # Pricing, legal, support and renewal terms as the agreement has them; the agreement's dated
    # ValidityTerm and PaymentScheduleTerm stay behind.
    assert by_type(draft["Terms"]) == {k: v for k, v in by_type(accepted).items() if k in CARRIED}


def test_the_reference_sample_without_pricing_releases_and_replaces(
    seller: Api,
    market: Marketplace,
    clock: ManualClock,
    installment_agreement: tuple[str, list[dict[str, Any]]],
) -> None:
    """The shape of AWS's CreateReplacementOfferFromAGWithContractPricingDetailDocument: no
    UpdatePricingTerms, a zero payment schedule that needs the agreement's FixedUpfront term."""
    agreement, _accepted = installment_agreement
    schedule = [{"ChargeDate": "2027-01-15", "ChargeAmount": "0"}]
    described = seller.run(
        [
            create_replacement(agreement, "Test Replacement Offer"),
            update(
                "UpdateInformation", {"Name": "Acme replacement", "Description": "Upgrade"}, REF
            ),
            update(
                "UpdateValidityTerms",
                {"Terms": [{"Type": "ValidityTerm", "AgreementEndDate": "2027-12-30"}]},
                REF,
            ),
            update(
                "UpdatePaymentScheduleTerms",
                {
                    "Terms": [
                        {"Type": "PaymentScheduleTerm", "CurrencyCode": "USD", "Schedule": schedule}
                    ]
                },
                REF,
            ),
            update("UpdateLegalTerms", LEGAL, REF),
            update("UpdateAvailability", availability("2026-12-31"), REF),
            update("ReleaseOffer", {}, REF),
        ]
    )
    assert described["Status"] == "SUCCEEDED", errors_of(described)
    offer_id = seller.created_id(described)
    terms = by_type(seller.details(offer_id)["Terms"])
    assert seller.details(offer_id)["State"] == "Released"
    assert terms["FixedUpfrontPricingTerm"] == FIXED_UPFRONT
    assert terms["PaymentScheduleTerm"]["Schedule"] == [
        {"ChargeDate": "2027-01-15T00:00:00.000Z", "ChargeAmount": "0"}
    ]
    clock.advance(3600)
    new = market.accept_offer(BUYER, offer_id)
    assert new["initialAgreementId"] == agreement
    old = market.call("DescribeAgreement", SELLER, {"agreementId": agreement})
    assert old["status"] == "REPLACED"


def test_update_changes_in_the_set_override_the_copied_terms(
    seller: Api, market: Marketplace, installment_agreement: tuple[str, list[dict[str, Any]]]
) -> None:
    agreement, accepted = installment_agreement
    legal = {"Type": "LegalTerm", "Documents": [{"Type": "StandardEula", "Version": "2019-12-12"}]}
    support = {"Type": "SupportTerm", "RefundPolicy": "No refunds."}
    described = seller.run(
        [
            create_replacement(agreement),
            update("UpdatePricingTerms", contract_pricing("200.00"), REF),
            update("UpdateLegalTerms", {"Terms": [legal]}, REF),
            update("UpdateSupportTerms", {"Terms": [support]}, REF),
            update("UpdateRenewalTerms", {"Terms": []}, REF),
        ]
    )
    assert described["Status"] == "SUCCEEDED", errors_of(described)
    terms = by_type(seller.details(seller.created_id(described))["Terms"])
    # UpdatePricingTerms replaces every pricing term, so the copied FixedUpfront term is gone.
    assert set(terms) == {"ConfigurableUpfrontPricingTerm", "LegalTerm", "SupportTerm"}
    expected = contract_pricing("200.00")["Terms"][0]
    assert terms["ConfigurableUpfrontPricingTerm"] == expected
    assert (terms["LegalTerm"], terms["SupportTerm"]) == (legal, support)
    # The agreement itself keeps its terms.
    kept = market.call("GetAgreementTerms", SELLER, {"agreementId": agreement})["acceptedTerms"]
    fixed = next(t["fixedUpfrontPricingTerm"] for t in kept if "fixedUpfrontPricingTerm" in t)
    assert fixed["price"] == FIXED_UPFRONT["Price"]
    assert len(kept) == len(accepted)
