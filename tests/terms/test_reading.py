"""Reading entities: what the service adds is tolerated, what offerops cannot read is refused
by name, unknown terms are kept, and money and dates compare by value."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from offerops.model.config import Config
from offerops.terms import offer
from offerops.terms.document import ShapeError
from offerops.terms.information import Information
from offerops.terms.markup import Markup
from offerops.terms.opaque import OpaqueTerm
from offerops.terms.payment_schedule import Installment, PaymentScheduleTerm
from offerops.terms.to_offer import NotExpressible, OfferIdentity, offer_yaml
from offerops.terms.validity import ValidityTerm
from offerops.terms.values import Duration
from terms.strategies import entity_with, load_config


def _entity(*terms: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"Id": "offer-abc", "Name": "An offer", "Rules": [], "Terms": list(terms), **top}


def test_service_ids_and_times_of_day_are_tolerated() -> None:
    validity = {
        "Id": "term-9f8e7d",
        "Type": "ValidityTerm",
        "AgreementEndDate": "2029-12-31T00:00:00.000Z",
        "AgreementStartDate": "2027-03-01T00:00:00Z",
    }
    rule = {
        "Id": "rule-1",
        "Type": "AvailabilityRule",
        "AvailabilityEndDate": "2027-01-31T00:00:00.000Z",
    }
    terms = offer.from_entity(_entity(validity, Rules=[rule]))
    assert terms.validity == ValidityTerm(end_date=date(2029, 12, 31), start_date=date(2027, 3, 1))
    assert terms.availability is not None
    assert terms.availability.end_date == date(2027, 1, 31)


def test_money_compares_by_value() -> None:
    mine = offer.OfferTerms(information=Information("An offer"), markup=Markup(Decimal("8.5")))
    theirs = offer.from_entity(_entity(MarkupPercentage="8.500"))
    assert offer.differing(mine, theirs) == ()
    schedule = PaymentScheduleTerm("USD", (Installment(date(2027, 2, 1), Decimal("250")),))
    assert schedule == PaymentScheduleTerm(
        "USD", (Installment(date(2027, 2, 1), Decimal("250.00")),)
    )


@pytest.mark.parametrize(
    ("term", "message"),
    [
        ({"Type": "ValidityTerm", "AgreementDuration": "P1M", "Extra": 1}, "unexpected Extra"),
        ({"Type": "ValidityTerm", "AgreementDuration": "one year"}, "not an ISO 8601 duration"),
        ({"Type": "LegalTerm", "Documents": [{"Type": "Scroll"}]}, "unknown legal document type"),
        (
            {"Type": "UsageBasedPricingTerm", "CurrencyCode": "USD", "RateCards": []},
            "expected one rate card",
        ),
        (
            {
                "Type": "FixedUpfrontPricingTerm",
                "CurrencyCode": "USD",
                "Price": "ten",
                "Grants": [],
            },
            "is not a decimal",
        ),
    ],
)
def test_what_cannot_be_read_faithfully_is_refused_by_name(
    term: dict[str, Any], message: str
) -> None:
    with pytest.raises(ShapeError, match=message):
        offer.from_entity(_entity(term))


def test_two_terms_of_one_type_are_refused() -> None:
    validity = {"Type": "ValidityTerm", "AgreementDuration": "P12M"}
    with pytest.raises(ShapeError, match="2 terms of type ValidityTerm"):
        offer.from_entity(_entity(validity, {**validity, "Id": "term-2"}))


def test_unknown_terms_are_kept_shown_and_refused_by_import() -> None:
    variable = {"Id": "term-1", "Type": "VariablePaymentTerm", "CurrencyCode": "USD"}
    trial = {"Type": "FreeTrialPricingTerm", "Duration": "P30D", "Grants": []}
    terms = offer.from_entity(_entity(variable, trial))
    assert terms.unmodelled == (
        OpaqueTerm("VariablePaymentTerm", '{"CurrencyCode":"USD","Type":"VariablePaymentTerm"}'),
    )
    assert terms.pricing is not None
    assert terms.pricing.model == "Free"
    fields = offer.fields(terms)
    assert "term VariablePaymentTerm" in fields
    assert "term FreeTrialPricingTerm" in fields
    config: Config = load_config()
    identity = OfferIdentity("x", "offer-abc", "prod-4x7yvqjzt5abc")
    with pytest.raises(NotExpressible, match="VariablePaymentTerm"):
        offer_yaml(terms, identity, config, lambda url: None)


def test_support_terms_are_read_compared_and_shown() -> None:
    support = {"Type": "SupportTerm", "RefundPolicy": "No refunds after 30 days"}
    terms = offer.from_entity(_entity(support))
    assert offer.fields(terms)["refund policy"] == "No refunds after 30 days"
    assert offer.differing(offer.OfferTerms(information=Information("An offer")), terms) == (
        "UpdateSupportTerms",
    )
    assert offer.field_path(terms, "refund policy") == ("spec", "support")


def test_a_contract_without_validity_term_lasts_as_its_rate_card_says() -> None:
    """AWS's contract samples send no ValidityTerm: the Selector is the duration."""
    card = {
        "Selector": {"Type": "Duration", "Value": "P12M"},
        "RateCard": [{"DimensionKey": "users", "Price": "150"}],
        "Constraints": {
            "MultipleDimensionSelection": "Allowed",
            "QuantityConfiguration": "Allowed",
        },
    }
    upfront = {"Type": "ConfigurableUpfrontPricingTerm", "CurrencyCode": "USD", "RateCards": [card]}
    rates = {
        "Type": "UsageBasedPricingTerm",
        "CurrencyCode": "USD",
        "RateCards": [{"RateCard": [{"DimensionKey": "USER", "Price": "0.15"}]}],
    }
    terms = offer.from_entity(_entity(upfront, rates))
    assert terms.pricing is not None and terms.pricing.model == "Contract"
    assert terms.validity == ValidityTerm(duration=Duration(months=12))


def test_hourly_annual_reads_as_usage_and_keeps_its_own_validity() -> None:
    """The same metered dimension in both terms is hourly plus annual (PricingModel Usage)."""
    card = {
        "Selector": {"Type": "Duration", "Value": "P365D"},
        "RateCard": [{"DimensionKey": "m5.large", "Price": "220.00"}],
        "Constraints": {
            "MultipleDimensionSelection": "Allowed",
            "QuantityConfiguration": "Allowed",
        },
    }
    upfront = {"Type": "ConfigurableUpfrontPricingTerm", "CurrencyCode": "USD", "RateCards": [card]}
    rates = {
        "Type": "UsageBasedPricingTerm",
        "CurrencyCode": "USD",
        "RateCards": [{"RateCard": [{"DimensionKey": "m5.large", "Price": "0.17"}]}],
    }
    terms = offer.from_entity(_entity(upfront, rates))
    assert terms.pricing is not None and terms.pricing.model == "Usage"
    assert terms.validity is None
    fields = offer.fields(terms)
    assert fields["annual price m5.large"] == "220.00"
    assert fields["annual duration"] == "P365D"
    assert offer.field_path(terms, "annual price m5.large") == ("spec", "pricing", "annual")


def test_details_for_clears_terms_and_refuses_to_clear_the_rest() -> None:
    empty = offer.OfferTerms()
    assert offer.details_for(empty, "UpdatePaymentScheduleTerms") == {"Terms": []}
    assert offer.details_for(empty, "UpdateMarkup") is None
    terms = offer.OfferTerms(validity=ValidityTerm(duration=Duration(months=12)))
    assert offer.details_for(terms, "UpdateValidityTerms") == {
        "Terms": [{"Type": "ValidityTerm", "AgreementDuration": "P12M"}]
    }
    with pytest.raises(KeyError):
        offer.details_for(empty, "ReleaseOffer")


def test_field_paths_point_into_the_offer_file() -> None:
    terms = offer.from_entity(
        entity_with(
            [
                ("UpdateInformation", {"Name": "n", "Description": "d"}),
                ("UpdateMarkup", {"Percentage": "5.00"}),
                (
                    "UpdatePricingTerms",
                    {
                        "PricingModel": "Usage",
                        "Terms": [
                            {
                                "Type": "UsageBasedPricingTerm",
                                "CurrencyCode": "USD",
                                "RateCards": [
                                    {"RateCard": [{"DimensionKey": "USER", "Price": "1"}]}
                                ],
                            }
                        ],
                    },
                ),
            ]
        )
    )
    assert offer.field_path(terms, "description") == ("spec", "description")
    assert offer.field_path(terms, "markup %") == ("spec", "channel", "markupPercentage")
    assert offer.field_path(terms, "rate USER") == ("spec", "pricing", "dimensions")
    assert offer.field_path(terms, "nothing") == ("spec",)
    assert offer.AREAS["UpdateTargeting"] == ("buyers", ("spec", "buyers"))


def test_dimension_keys_yaml_would_misread_are_quoted() -> None:
    """``- key: yes`` would be read back as a boolean: it is written quoted."""
    rate = {"DimensionKey": "yes", "Price": "1.00"}
    usage = {
        "Type": "UsageBasedPricingTerm",
        "CurrencyCode": "USD",
        "RateCards": [{"RateCard": [rate]}],
    }
    validity = {"Type": "ValidityTerm", "AgreementDuration": "P12M"}
    legal = {"Type": "LegalTerm", "Documents": [{"Type": "StandardEula", "Version": "2019-12-12"}]}
    rules = [{"Type": "AvailabilityRule", "AvailabilityEndDate": "2027-01-31T00:00:00.000Z"}]
    terms = offer.from_entity(_entity(usage, validity, legal, Rules=rules))
    identity = OfferIdentity("x", "offer-abc", "prod-4x7yvqjzt5abc", draft=True)  # no buyers
    assert '      - key: "yes"\n' in offer_yaml(terms, identity, load_config(), lambda url: None)
