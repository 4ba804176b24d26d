"""Offer change types end to end through ``Marketplace.call``: create, configure, release."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.engine_support import (
    AMI,
    BUYER,
    CATALOG,
    CREATE_REF,
    LEGAL,
    OFFER,
    RESALE,
    RESELLER,
    SAAS,
    SELLER,
    Api,
    availability,
    contract_offer,
    contract_pricing,
    create,
    errors_of,
    targeting,
    update,
    usage_pricing,
    validity,
)
from offerops.emulator.engine import Marketplace


def test_contract_offer_is_created_and_released(seller: Api) -> None:
    described = seller.run(contract_offer())
    offer_id = seller.created_id(described)
    entity = seller.entity(offer_id)
    details = entity["DetailsDocument"]
    assert offer_id.startswith("offer-") and len(offer_id) == 19
    assert entity["EntityType"] == OFFER
    assert entity["EntityIdentifier"] == f"{offer_id}@1"
    assert entity["EntityArn"] == (
        f"arn:aws:aws-marketplace:us-east-1:{SELLER}:AWSMarketplace/Offer/{offer_id}"
    )
    assert entity["LastModifiedDate"] == "2026-11-23T12:00:00Z"
    assert details["State"] == "Released"
    assert details["ReleaseDate"] == "2026-11-23T12:00:00.000Z"
    assert (details["Name"], details["Description"], details["ProductId"]) == (
        "Acme 2027",
        "Three years.",
        SAAS,
    )
    assert details["Rules"] == [
        {"Type": "TargetingRule", "PositiveTargeting": {"BuyerAccounts": [BUYER]}},
        {"Type": "AvailabilityRule", "AvailabilityEndDate": "2027-03-31T00:00:00.000Z"},
    ]
    assert [t["Type"] for t in details["Terms"]] == [
        "ConfigurableUpfrontPricingTerm",
        "ValidityTerm",
        "LegalTerm",
    ]
    assert entity["Details"].startswith('{"Id":"' + offer_id)


def test_change_summaries_resolve_references_once_succeeded(seller: Api) -> None:
    described = seller.run(contract_offer())
    offer_id = seller.created_id(described)
    assert {c["Entity"]["Identifier"] for c in described["ChangeSet"]} == {f"{offer_id}@1"}
    assert described["ChangeSet"][0]["ChangeName"] == "CreateOfferChange"
    assert all(change["ErrorDetailList"] == [] for change in described["ChangeSet"])


def test_usage_offer_is_released(seller: Api) -> None:
    offer_id = seller.new_offer(
        [
            create("PAYG"),
            update("UpdateTargeting", targeting()),
            update("UpdatePricingTerms", usage_pricing("0.125")),
            update("UpdateLegalTerms", LEGAL),
            update("UpdateAvailability", availability()),
            update("ReleaseOffer", {}),
        ]
    )
    term = seller.details(offer_id)["Terms"][0]
    assert term["Type"] == "UsageBasedPricingTerm"
    assert term["RateCards"] == [{"RateCard": [{"DimensionKey": "USER", "Price": "0.125"}]}]


def installments(*amounts: tuple[str, str]) -> dict[str, Any]:
    schedule = [{"ChargeDate": day, "ChargeAmount": amount} for day, amount in amounts]
    return {"Terms": [{"Type": "PaymentScheduleTerm", "CurrencyCode": "USD", "Schedule": schedule}]}


FIXED = {
    "PricingModel": "Contract",
    "Terms": [
        {
            "Type": "FixedUpfrontPricingTerm",
            "CurrencyCode": "USD",
            "Price": "90000.00",
            "Grants": [{"DimensionKey": "users", "MaxQuantity": 100}],
        }
    ],
}


def installment_offer(schedule: dict[str, Any], duration: str = "P36M") -> list[dict[str, Any]]:
    return [
        create("Installments"),
        update("UpdateTargeting", targeting()),
        update("UpdatePricingTerms", FIXED),
        update("UpdateValidityTerms", validity(duration)),
        update("UpdatePaymentScheduleTerms", schedule),
        update("UpdateLegalTerms", LEGAL),
        update("UpdateAvailability", availability()),
        update("ReleaseOffer", {}),
    ]


def test_installment_offer_stores_the_schedule_with_timestamps(seller: Api) -> None:
    schedule = installments(("2027-01-15", "30000.00"), ("2027-04-15", "60000.00"))
    offer_id = seller.new_offer(installment_offer(schedule))
    terms = {t["Type"]: t for t in seller.details(offer_id)["Terms"]}
    assert terms["PaymentScheduleTerm"]["Schedule"] == [
        {"ChargeDate": "2027-01-15T00:00:00.000Z", "ChargeAmount": "30000.00"},
        {"ChargeDate": "2027-04-15T00:00:00.000Z", "ChargeAmount": "60000.00"},
    ]
    assert terms["FixedUpfrontPricingTerm"]["Price"] == "90000.00"


def test_more_than_60_installments_fail_the_set(seller: Api) -> None:
    days = [f"2027-{month:02d}-{day:02d}" for month in range(1, 13) for day in range(1, 7)]
    described = seller.run(installment_offer(installments(*((d, "1.00") for d in days[:61]))))
    assert described["Status"] == "FAILED"
    assert described["FailureCode"] == "CLIENT_ERROR"
    assert errors_of(described) == [
        (
            "UpdatePaymentScheduleTerms",
            "INVALID_INPUT",
            "PaymentScheduleTerm.Schedule must have 1 to 60 installments, got 61",
        )
    ]


def test_schedule_dates_outside_the_validity_fail(seller: Api) -> None:
    described = seller.run(
        installment_offer(installments(("2027-01-15", "1.00"), ("2031-01-15", "1.00")), "P12M")
    )
    assert described["Status"] == "FAILED"
    [(change_type, code, message)] = errors_of(described)
    assert (change_type, code) == ("ReleaseOffer", "INVALID_INPUT")
    assert "ChargeDate 2031-01-15 is outside the agreement's validity" in message


def test_schedule_outside_validity_without_release_blames_the_schedule(seller: Api) -> None:
    changes = installment_offer(installments(("2031-01-15", "1.00")), "P12M")[:-1]
    [(change_type, code, _message)] = errors_of(seller.run(changes))
    assert (change_type, code) == ("UpdatePaymentScheduleTerms", "INVALID_INPUT")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            update("UpdatePricingTerms", contract_pricing(key="nope")),
            ("INVALID_DIMENSION_KEY", "DimensionKey 'nope' is not a dimension of the product"),
        ),
        (
            update("UpdatePricingTerms", contract_pricing(key="USER")),
            ("INVALID_DIMENSION_KEY", "'USER' is ExternallyMetered, but this term prices Entitled"),
        ),
        (
            update("UpdatePricingTerms", usage_pricing(key="users")),
            (
                "INVALID_DIMENSION_KEY",
                "'users' is Entitled, but this term prices ExternallyMetered",
            ),
        ),
        (
            update("UpdatePricingTerms", contract_pricing(price="10.123456789")),
            ("INVALID_INPUT", "at most 8 decimals, got '10.123456789'"),
        ),
        (
            update("UpdateTargeting", targeting(*(f"1000000000{n:02d}" for n in range(27)))),
            ("INVALID_INPUT", "must list 1 to 26 accounts, got 27"),
        ),
        (
            update("UpdateTargeting", targeting("12345")),
            ("INVALID_INPUT", "12-digit AWS account ids (as strings), got '12345'"),
        ),
        (
            update("UpdateAvailability", availability("2027-02-30")),
            ("INVALID_INPUT", "AvailabilityEndDate must be a date YYYY-MM-DD, got '2027-02-30'"),
        ),
        (
            update("UpdateInformation", {"Name": "x" * 151}),
            ("INVALID_INPUT", "Name must be a string of 1 to 150 characters"),
        ),
        (
            update("UpdateLegalTerms", {"Terms": [{"Type": "LegalTerm", "Documents": []}]}),
            ("INVALID_INPUT", "LegalTerm.Documents must hold exactly one document"),
        ),
        (
            update("UpdateInformation", {"Name": "ok", "Colour": "red"}),
            ("INVALID_INPUT", "UpdateInformation has unknown field(s) Colour"),
        ),
    ],
)
def test_deep_validation_names_the_problem(
    seller: Api, change: dict[str, Any], expected: tuple[str, str]
) -> None:
    described = seller.run([create(), change])
    assert described["Status"] == "FAILED"
    assert described["FailureCode"] == "CLIENT_ERROR"
    [(change_type, code, message)] = errors_of(described)
    assert change_type == change["ChangeType"]
    assert code == expected[0]
    assert expected[1] in message


def test_bad_currency_and_too_many_decimals_in_installments(seller: Api) -> None:
    bad = {
        "Terms": [
            {
                "Type": "PaymentScheduleTerm",
                "CurrencyCode": "XXX",
                "Schedule": [{"ChargeDate": "2027-01-15", "ChargeAmount": "100.001"}],
            }
        ]
    }
    messages = [
        m
        for _t, _c, m in errors_of(
            seller.run([create(), update("UpdatePaymentScheduleTerms", bad)])
        )
    ]
    assert messages == [
        "PaymentScheduleTerm.CurrencyCode must be one of USD, EUR, GBP, AUD, JPY, CAD, got 'XXX'",
        "PaymentScheduleTerm.Schedule[0].ChargeAmount must be a decimal string of at most "
        "100000000 with at most 2 decimals, got '100.001'",
    ]


def test_unknown_product_fails_the_create(seller: Api) -> None:
    change = create()
    change["DetailsDocument"]["ProductId"] = "prod-doesnotexist1"
    [(change_type, code, message)] = errors_of(seller.run([change]))
    assert (change_type, code) == ("CreateOffer", "INVALID_PRODUCT_ID")
    assert message == f"product 'prod-doesnotexist1' does not exist in account {SELLER}"


def test_release_of_an_incomplete_offer_lists_what_is_missing(seller: Api) -> None:
    described = seller.run(
        [
            create(),
            update("UpdateAvailability", availability("2026-11-01")),
            update("ReleaseOffer", {}),
        ]
    )
    assert described["Status"] == "FAILED"
    assert [(t, c) for t, c, _m in errors_of(described)] == [
        ("ReleaseOffer", "INCOMPLETE_OFFER")
    ] * 3 + [("ReleaseOffer", "INVALID_INPUT")]
    messages = " | ".join(m for _t, _c, m in errors_of(described))
    for missing in ("pricing terms", "a LegalTerm", "BuyerAccounts targeting", "is in the past"):
        assert missing in messages


def without(changes: list[dict[str, Any]], change_type: str) -> list[dict[str, Any]]:
    return [change for change in changes if change["ChangeType"] != change_type]


def test_contract_released_with_only_the_rate_card_duration(seller: Api) -> None:
    """AWS's reference samples (e.g. CreatePrivateOfferWithTieredContractPricingForSaas) release
    a ConfigurableUpfront contract whose only duration is the rate card's Selector."""
    offer_id = seller.new_offer(without(contract_offer(), "UpdateValidityTerms"))
    details = seller.details(offer_id)
    assert details["State"] == "Released"
    assert "ValidityTerm" not in {term["Type"] for term in details["Terms"]}


def test_fixed_upfront_contract_without_any_duration_is_refused(seller: Api) -> None:
    changes = without(
        installment_offer(installments(("2027-01-15", "1.00"))), "UpdateValidityTerms"
    )
    [(change_type, code, message)] = errors_of(seller.run(changes))
    assert (change_type, code) == ("ReleaseOffer", "INCOMPLETE_OFFER")
    assert "a contract duration" in message


def test_fixed_upfront_duration_stands_for_the_validity_term(seller: Api) -> None:
    pricing = {"PricingModel": "Contract", "Terms": [{**FIXED["Terms"][0], "Duration": "P24M"}]}
    changes = without(contract_offer(), "UpdateValidityTerms")
    changes[3] = update("UpdatePricingTerms", pricing)
    assert seller.run(changes)["Status"] == "SUCCEEDED"


def ami_offer(pricing: dict[str, Any], *extra: dict[str, Any]) -> list[dict[str, Any]]:
    """A released AMI offer as AWS's hourly-annual reference samples build it."""
    change = create("AMI hourly-annual")
    change["DetailsDocument"]["ProductId"] = AMI
    return [
        change,
        update("UpdateTargeting", targeting()),
        update("UpdatePricingTerms", pricing),
        update("UpdateValidityTerms", validity("P650D")),
        *extra,
        update("UpdateLegalTerms", LEGAL),
        update("UpdateAvailability", availability()),
        update("ReleaseOffer", {}),
    ]


def hourly_annual(annual: dict[str, Any], hourly_key: str = "m5.large") -> dict[str, Any]:
    hourly = usage_pricing(price="0.13", key=hourly_key)["Terms"][0]
    return {"PricingModel": "Usage", "Terms": [hourly, annual]}


ANNUAL = contract_pricing(price="20.03", key="m5.large")["Terms"][0]
ANNUAL["RateCards"][0]["Selector"]["Value"] = "P365D"


def test_ami_hourly_annual_pricing_is_released(seller: Api) -> None:
    """CreatePrivateOfferWithHourlyAnnualPricingForAmiProduct: Usage, an hourly and an annual
    (P365D) price for the same metered instance type, a P650D validity."""
    offer_id = seller.new_offer(ami_offer(hourly_annual(ANNUAL)))
    types = [term["Type"] for term in seller.details(offer_id)["Terms"]]
    assert {"UsageBasedPricingTerm", "ConfigurableUpfrontPricingTerm"} <= set(types)


def test_ami_hourly_annual_with_a_payment_schedule_is_released(seller: Api) -> None:
    """CreatePrivateOfferWithHourlyAnnualPricingAndFlexiblePaymentScheduleForAmi."""
    fixed = {
        "Type": "FixedUpfrontPricingTerm",
        "CurrencyCode": "USD",
        "Price": "0.0",
        "Duration": "P365D",
        "Grants": [{"DimensionKey": "m5.large", "MaxQuantity": 1}],
    }
    schedule = update(
        "UpdatePaymentScheduleTerms",
        installments(("2027-04-01", "200.00"), ("2027-05-01", "170.00")),
    )
    assert seller.run(ami_offer(hourly_annual(fixed), schedule))["Status"] == "SUCCEEDED"


def test_annual_price_needs_an_hourly_price_for_the_instance_type(
    market: Marketplace, seller: Api
) -> None:
    annual = contract_pricing(price="20.03", key="c5.large")["Terms"][0]
    market.seed_products(SELLER, {"vision-ami": _ami_with("c5.large")})
    errors = errors_of(seller.run(ami_offer(hourly_annual(annual))))
    [(code, message)] = [(c, m) for t, c, m in errors if t == "UpdatePricingTerms"]
    assert code == "INVALID_INPUT"
    assert "c5.large has an annual price but no hourly price" in message


def _ami_with(key: str) -> Any:
    from emulator.engine_support import PRODUCTS
    from offerops.model.config import Dimension

    product = PRODUCTS["vision-ami"]
    extra = Dimension(key=key, name=key, unit="Hrs", usage=True)
    return product.model_copy(update={"dimensions": [*product.dimensions, extra]})


def test_usage_with_an_upfront_term_is_refused_outside_ami(seller: Api) -> None:
    pricing = {
        "PricingModel": "Usage",
        "Terms": [usage_pricing()["Terms"][0], contract_pricing()["Terms"][0]],
    }
    [(_t, code, message)] = errors_of(seller.run([create(), update("UpdatePricingTerms", pricing)]))
    assert code == "INVALID_INPUT"
    assert "only as an AMI product's hourly-annual pricing" in message


def test_grants_without_max_quantity_are_unlimited(seller: Api) -> None:
    """MaxQuantity is optional (Catalog API reference, CPPO UpdatePricingTerms); AWS's
    CreatePublicFreeTrialOfferWithSubscriptionPricingForSaas grants without it."""
    pricing = {"PricingModel": "Contract", "Terms": [dict(FIXED["Terms"][0])]}
    pricing["Terms"][0]["Grants"] = [{"DimensionKey": "users"}]
    described = seller.run([create(), update("UpdatePricingTerms", pricing)])
    assert described["Status"] == "SUCCEEDED"


def test_a_set_whose_third_change_is_invalid_leaves_the_offer_untouched(seller: Api) -> None:
    offer_id = seller.new_offer(contract_offer(release=False))
    before = seller.entity(offer_id)
    described = seller.run(
        [
            update("UpdateInformation", {"Name": "Renamed"}, offer_id),
            update("UpdateTargeting", targeting(BUYER, "210987654321"), offer_id),
            update("UpdatePricingTerms", contract_pricing(key="nope"), offer_id),
        ]
    )
    assert described["Status"] == "FAILED"
    assert [c["ErrorDetailList"] != [] for c in described["ChangeSet"]] == [False, False, True]
    assert seller.entity(offer_id) == before


def test_expiry_of_a_released_offer_can_be_changed(seller: Api) -> None:
    offer_id = seller.new_offer()
    described = seller.run([update("UpdateAvailability", availability("2027-06-30"), offer_id)])
    assert described["Status"] == "SUCCEEDED"
    entity = seller.entity(offer_id)
    assert entity["EntityIdentifier"] == f"{offer_id}@2"
    assert entity["DetailsDocument"]["Rules"][-1]["AvailabilityEndDate"] == (
        "2027-06-30T00:00:00.000Z"
    )


def test_information_of_a_released_offer_can_be_changed(seller: Api) -> None:
    offer_id = seller.new_offer()
    described = seller.run([update("UpdateInformation", {"Name": "New name"}, offer_id)])
    assert described["Status"] == "SUCCEEDED"
    assert seller.details(offer_id)["Name"] == "New name"


@pytest.mark.parametrize(
    ("change_type", "document"),
    [
        ("UpdatePricingTerms", contract_pricing("199.00")),
        ("UpdateTargeting", targeting("210987654321")),
        ("UpdateLegalTerms", LEGAL),
        ("UpdateValidityTerms", validity("P24M")),
    ],
)
def test_terms_of_a_released_offer_cannot_change(
    seller: Api, change_type: str, document: dict[str, Any]
) -> None:
    offer_id = seller.new_offer()
    described = seller.run([update(change_type, document, offer_id)])
    assert described["Status"] == "FAILED"
    [(failed_type, code, message)] = errors_of(described)
    assert (failed_type, code) == (change_type, "INVALID_STATE")
    assert message.startswith(
        f"{change_type} is not allowed on offer {offer_id} because it is Released"
    )
    assert seller.entity(offer_id)["EntityIdentifier"] == f"{offer_id}@1"


def test_expired_offer_stays_released_and_can_be_extended(seller: Api, market: Marketplace) -> None:
    """Seller Guide: an Expired offer's expiration date can be updated, and the buyer can then
    accept it (docs/emulator.md, "Expiry")."""
    offer_id = seller.new_offer()
    seller.run([update("UpdateAvailability", availability("2026-11-22"), offer_id)])
    summary = seller("ListEntities", Catalog=CATALOG, EntityType="Offer")["EntitySummaryList"][0]
    assert summary["OfferSummary"]["State"] == "Released"
    assert summary["OfferSummary"]["AvailabilityEndDate"] == "2026-11-22T00:00:00Z"
    assert market.list_offers_for_buyer(BUYER) == []
    extended = seller.run([update("UpdateAvailability", availability("2027-06-30"), offer_id)])
    assert (extended["Status"], errors_of(extended)) == ("SUCCEEDED", [])
    assert [offer["OfferId"] for offer in market.list_offers_for_buyer(BUYER)] == [offer_id]
    assert market.accept_offer(BUYER, offer_id)["status"] == "ACTIVE"


def test_create_entity_tags_tag_the_new_offer(seller: Api) -> None:
    offer_id = seller.new_offer([create(tags={"offerops:key": "acme", "team": "sales"})])
    arn = seller.entity(offer_id)["EntityArn"]
    assert seller("ListTagsForResource", ResourceArn=arn)["Tags"] == [
        {"Key": "offerops:key", "Value": "acme"},
        {"Key": "team", "Value": "sales"},
    ]


def test_details_as_a_string_work_like_a_document(seller: Api) -> None:
    change = {
        "ChangeType": "CreateOffer",
        "Entity": {"Type": OFFER},
        "Details": '{"ProductId": "' + SAAS + '", "Name": "From a string"}',
    }
    described = seller.run([change])
    assert described["ChangeSet"][0]["Details"] == change["Details"]
    assert seller.details(seller.created_id(described))["Name"] == "From a string"


def test_validate_intent_checks_but_never_applies(seller: Api) -> None:
    described = seller.run(contract_offer(), Intent="VALIDATE")
    assert (described["Status"], described["Intent"]) == ("SUCCEEDED", "VALIDATE")
    assert seller("ListEntities", Catalog=CATALOG, EntityType="Offer")["EntitySummaryList"] == []


def test_cppo_offer_through_a_resale_authorization(market: Marketplace) -> None:
    market.seed_resale_authorization(SELLER, RESELLER, SAAS, authorization_id=RESALE)
    reseller = Api(market, RESELLER)
    changes = contract_offer("Through a partner")
    changes[0] = {
        "ChangeType": "CreateOfferUsingResaleAuthorization",
        "ChangeName": "CreateOfferChange",
        "Entity": {"Type": OFFER},
        "DetailsDocument": {"ResaleAuthorizationId": RESALE, "Name": "Through a partner"},
    }
    changes.insert(-1, update("UpdateMarkup", {"Percentage": "8.5"}))
    offer_id = reseller.new_offer(changes)
    details = reseller.details(offer_id)
    assert (details["ResaleAuthorizationId"], details["ProductId"]) == (RESALE, SAAS)
    assert details["MarkupPercentage"] == "8.5"
    summary = reseller(
        "ListEntities",
        Catalog=CATALOG,
        EntityType="Offer",
        EntityTypeFilters={"OfferFilters": {"ResaleAuthorizationId": {"ValueList": [RESALE]}}},
    )["EntitySummaryList"]
    assert [s["EntityId"] for s in summary] == [offer_id]
    assert summary[0]["EntityArn"].split(":")[4] == RESELLER


def cppo_create() -> dict[str, Any]:
    return {
        "ChangeType": "CreateOfferUsingResaleAuthorization",
        "ChangeName": "CreateOfferChange",
        "Entity": {"Type": OFFER},
        "DetailsDocument": {"ResaleAuthorizationId": RESALE, "Name": "Inherited"},
    }


def test_cppo_draft_starts_with_the_authorizations_terms(market: Marketplace) -> None:
    """The draft "will contain the terms and rules from a Resale Authorization" (Catalog
    API reference, CPPOs); a seeded authorization carries the standard contract and 1.00 USD per
    dimension (docs/emulator.md)."""
    market.seed_resale_authorization(SELLER, RESELLER, SAAS, authorization_id=RESALE)
    reseller = Api(market, RESELLER)
    terms = {t["Type"]: t for t in reseller.details(reseller.new_offer([cppo_create()]))["Terms"]}
    assert terms["LegalTerm"]["Documents"] == [{"Type": "StandardEula", "Version": "2022-07-14"}]
    [card] = terms["ConfigurableUpfrontPricingTerm"]["RateCards"]
    assert card["Selector"] == {"Type": "Duration", "Value": "P12M"}
    assert {i["DimensionKey"]: i["Price"] for i in card["RateCard"]} == {
        "users": "1.00",
        "admins": "1.00",
    }
    [usage] = terms["UsageBasedPricingTerm"]["RateCards"]
    assert usage["RateCard"] == [{"DimensionKey": "USER", "Price": "1.00"}]


def test_cppo_is_released_with_markup_targeting_availability_and_validity(
    market: Marketplace,
) -> None:
    """AWS's PublishCppoPiceMarkupObject sends no pricing and no legal terms."""
    market.seed_resale_authorization(SELLER, RESELLER, SAAS, authorization_id=RESALE)
    reseller = Api(market, RESELLER)
    changes = [
        cppo_create(),
        update("UpdateMarkup", {"Percentage": "5.0"}),
        update("UpdateTargeting", targeting()),
        update("UpdateAvailability", availability()),
        update("UpdateValidityTerms", validity("P450D")),
        update("ReleaseOffer", {}),
    ]
    details = reseller.details(reseller.new_offer(changes))
    assert (details["State"], details["MarkupPercentage"]) == ("Released", "5.0")


def test_authorization_terms_take_the_offers_types() -> None:
    from offerops.emulator.offers.resale_terms import offer_terms

    ra_terms = [
        {"Type": "ResaleFixedUpfrontPricingTerm", "CurrencyCode": "USD", "Price": "0.00"},
        {"Type": "BuyerLegalTerm", "Documents": [{"Type": "CustomEula", "Url": "https://x/e"}]},
        {"Type": "ResaleLegalTerm", "Documents": []},
    ]
    assert [t["Type"] for t in offer_terms(ra_terms)] == ["FixedUpfrontPricingTerm", "LegalTerm"]


def test_resale_authorization_of_another_reseller_is_refused(
    market: Marketplace, seller: Api
) -> None:
    market.seed_resale_authorization(SELLER, RESELLER, SAAS, authorization_id=RESALE)
    change = {
        "ChangeType": "CreateOfferUsingResaleAuthorization",
        "Entity": {"Type": OFFER},
        "DetailsDocument": {"ResaleAuthorizationId": RESALE},
    }
    [(_t, code, message)] = errors_of(Api(market, "999999999999").run([change]))
    assert code == "INVALID_RESALE_AUTHORIZATION_ID"
    assert "is not shared with account 999999999999" in message


def test_markup_is_only_for_channel_offers(seller: Api) -> None:
    [(_t, code, message)] = errors_of(
        seller.run([create(), update("UpdateMarkup", {"Percentage": "5"})])
    )
    assert code == "INVALID_INPUT"
    assert message.startswith("UpdateMarkup applies only to channel partner offers")


def test_ami_hourly_offer_uses_instance_type_dimensions(seller: Api) -> None:
    change = create("AMI")
    change["DetailsDocument"]["ProductId"] = AMI
    described = seller.run([change, update("UpdatePricingTerms", usage_pricing(key="m5.large"))])
    assert described["Status"] == "SUCCEEDED"


def test_reference_to_the_created_offer_in_the_same_set_works(seller: Api) -> None:
    described = seller.run(
        [create(), update("UpdateInformation", {"Description": "d"}, CREATE_REF)]
    )
    assert seller.details(seller.created_id(described))["Description"] == "d"
