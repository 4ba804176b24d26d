"""OFR4xx duration and date rules, as example tables (today is 2026-11-23)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from support import CONFIG, CONTRACT_OFFER, INSTALLMENT_OFFER, USAGE_OFFER, Case, run_case

EXPIRED = "  lifecycle: expired\n"
"""Appended to an offer, ends it: the date checks against today are skipped."""

SCHEDULE = """\
      schedule:
        - { date: 2027-01-15, amount: "30000.00" }
        - { date: 2027-04-15, amount: "30000.00" }
        - { date: 2027-07-15, amount: "30000.00" }
"""


def contract(term: str, expires: str = "2027-03-31") -> str:
    """CONTRACT_OFFER with ``term`` as lines 17-18 of the contract block (starts, length)."""
    offer = CONTRACT_OFFER.replace("      starts: on-acceptance\n      durationMonths: 36\n", term)
    return offer.replace("expiresOn: 2027-03-31", f"expiresOn: {expires}")


def installments(
    term: str = "      durationMonths: 12\n", expires: str = "2027-01-10", payments: str = SCHEDULE
) -> str:
    """INSTALLMENT_OFFER with its contract term (line 13), expiry (line 7) and payments."""
    offer = INSTALLMENT_OFFER.replace("      durationMonths: 12\n", term)
    offer = offer.replace("expiresOn: 2027-01-10", f"expiresOn: {expires}")
    return offer.replace(SCHEDULE, payments)


AMI = contract("      starts: on-acceptance\n      durationMonths: 120\n").replace(
    "product: analytics-saas", "product: vision-ami"
)
AMI = AMI.replace("key: users", "key: annual").replace(
    '      - key: admins\n        price: "500.00"\n', ""
)


def fixed_price(lengths: str) -> str:
    """INSTALLMENT_OFFER with a ``fixedPrice`` (line 17) of ``lengths`` (from line 18) before
    its payment: the fixed price's own Duration, as AWS's resale replacement samples send it."""
    block = "    fixedPrice:\n" + lengths
    return INSTALLMENT_OFFER.replace(
        "    payment: installments\n", block + "    payment: installments\n"
    )


AMI_HOURLY = (
    USAGE_OFFER.replace("product: analytics-saas", "product: vision-ami")
    .replace("endsOn: 2027-12-31", "durationDays: 30")
    .replace(
        '      - key: USER\n        price: "1.125"\n      - key: GB\n        price: "0.05"\n',
        '      - key: m5.large\n        price: "0.17"\n',
    )
)
"""An AMI's hourly offer for 30 days, AWS's CreatePrivateOfferWithHourlyPricingForAmi: the
usage term's length is line 13."""

CASES = [
    # OFR401 term-length-form
    Case(
        "OFR401",
        contract(
            "      starts: on-acceptance\n      durationMonths: 36\n      endsOn: 2029-12-31\n"
        ),
        [(19, 7, "OFR401")],
    ),
    Case("OFR401", contract("      starts: on-acceptance\n"), [(16, 5, "OFR401")], name="neither"),
    Case(
        "OFR401",
        USAGE_OFFER.replace("endsOn: 2027-12-31", "endsOn: 2027-12-31\n      durationMonths: 12"),
        [(13, 7, "OFR401")],
        name="usage-both",
    ),
    Case(
        "OFR401",
        contract("      starts: on-acceptance\n      durationMonths: 36\n      durationDays: 30\n"),
        [(19, 7, "OFR401")],
        name="months-and-days",
    ),
    Case("OFR401", CONTRACT_OFFER, []),
    Case(
        "OFR401", contract("      starts: on-acceptance\n      durationDays: 30\n"), [], name="days"
    ),
    Case("OFR401", AMI_HOURLY, [], name="usage-days"),
    Case("OFR401", USAGE_OFFER, [], name="usage"),
    # ... and a fixed price's own duration: exactly one of durationMonths and durationDays
    Case(
        "OFR401",
        fixed_price("      durationMonths: 6\n      durationDays: 30\n"),
        [(19, 7, "OFR401")],
        name="fixed-price-both",
    ),
    Case("OFR401", fixed_price("      {}\n"), [(17, 5, "OFR401")], name="fixed-price-neither"),
    Case("OFR401", fixed_price("      durationMonths: 6\n"), [], name="fixed-price-months"),
    Case("OFR401", fixed_price("      durationDays: 365\n"), [], name="fixed-price-days"),
    # OFR402 contract-too-long
    Case(
        "OFR402",
        CONTRACT_OFFER.replace("durationMonths: 36", "durationMonths: 72"),
        [(18, 23, "OFR402")],
    ),
    Case(
        "OFR402",
        contract("      starts: on-acceptance\n      endsOn: 2031-11-23\n"),
        [(18, 15, "OFR402")],
        name="ends-on-counted-from-today",
    ),
    Case(
        "OFR402",
        contract("      starts: 2027-04-01\n      endsOn: 2032-04-01\n"),
        [(18, 15, "OFR402")],
        name="ends-on-counted-from-starts",
    ),
    Case(
        "OFR402",
        CONTRACT_OFFER,
        [(18, 23, "OFR402")],
        config=CONFIG + "policy:\n  maxContractMonths: { saas: 24 }\n",
        name="policy",
    ),
    Case("OFR402", CONTRACT_OFFER.replace("durationMonths: 36", "durationMonths: 60"), []),
    Case(
        "OFR402",
        contract("      starts: on-acceptance\n      endsOn: 2031-11-22\n"),
        [],
        name="ends-on-60-months",
    ),
    Case(
        "OFR402",
        contract("      starts: 2027-04-01\n      endsOn: 2032-03-31\n"),
        [],
        name="ends-on-60-months-from-starts",
    ),
    Case("OFR402", AMI, [(18, 23, "OFR402")], name="ami-capped-at-60"),
    # a fixed price's own duration is a contract duration (Agreement API reference)
    Case(
        "OFR402",
        fixed_price("      durationMonths: 72\n"),
        [(18, 23, "OFR402")],
        name="fixed-price",
    ),
    Case("OFR402", fixed_price("      durationMonths: 60\n"), [], name="fixed-price-60"),
    Case(
        "OFR402",
        AMI,
        [],
        config=CONFIG + "policy:\n  maxContractMonths: { ami: 120 }\n",
        name="policy-lifts-the-ami-cap",
    ),
    Case(
        "OFR402",
        CONTRACT_OFFER,
        [],
        config=CONFIG + "policy:\n  maxContractMonths: { ami: 24 }\n",
        name="a-type-the-policy-omits-keeps-the-marketplace-cap",
    ),
    Case(
        "OFR402",
        contract("      starts: on-acceptance\n      durationDays: 1900\n"),
        [(18, 21, "OFR402")],
        name="days-counted-in-months",
    ),
    Case(
        "OFR402",
        contract("      starts: on-acceptance\n      durationDays: 1800\n"),
        [],
        name="days-within-60-months",
    ),
    # OFR409 usage-term-too-long
    Case(
        "OFR409", AMI_HOURLY.replace("durationDays: 30", "durationDays: 1096"), [(13, 21, "OFR409")]
    ),
    Case(
        "OFR409",
        AMI_HOURLY.replace("durationDays: 30", "durationMonths: 37"),
        [(13, 23, "OFR409")],
        name="months-counted-in-days",
    ),
    Case(
        "OFR409",
        AMI_HOURLY.replace("durationDays: 30", "durationDays: 1200"),
        [],
        config=CONFIG + "policy:\n  maxUsageDays: { ami: 1200 }\n",
        name="policy",
    ),
    Case("OFR409", AMI_HOURLY.replace("durationDays: 30", "durationDays: 1095"), []),
    Case(
        "OFR409",
        USAGE_OFFER.replace("endsOn: 2027-12-31", "durationDays: 4000"),
        [],
        name="saas-usage-has-no-cap",
    ),
    # OFR403 ends-before-start
    Case(
        "OFR403",
        contract("      starts: 2027-06-01\n      endsOn: 2027-05-31\n"),
        [(18, 15, "OFR403")],
    ),
    Case(
        "OFR403",
        USAGE_OFFER.replace("endsOn: 2027-12-31", "endsOn: 2026-11-23").replace(
            "expiresOn: 2027-03-31", "expiresOn: 2026-11-23"
        ),
        [(13, 15, "OFR403")],
        name="usage-ends-today",
    ),
    Case(
        "OFR403",
        contract("      starts: on-acceptance\n      endsOn: 2026-11-01\n", expires="2026-11-23"),
        [(18, 15, "OFR403")],
        name="on-acceptance-ends-in-past",
    ),
    Case("OFR403", contract("      starts: 2027-06-01\n      endsOn: 2028-05-31\n"), []),
    Case("OFR403", USAGE_OFFER, [], name="usage"),
    Case(
        "OFR403",
        USAGE_OFFER.replace("endsOn: 2027-12-31", "endsOn: 2026-06-30").replace(
            "expiresOn: 2027-03-31", "expiresOn: 2026-01-31"
        )
        + EXPIRED,
        [],
        name="expired-offer",
    ),
    # OFR404 offer-expired
    Case(
        "OFR404",
        CONTRACT_OFFER.replace("expiresOn: 2027-03-31", "expiresOn: 2026-11-22"),
        [(9, 14, "OFR404")],
    ),
    Case("OFR404", CONTRACT_OFFER.replace("expiresOn: 2027-03-31", "expiresOn: 2026-11-23"), []),
    Case(
        "OFR404",
        CONTRACT_OFFER.replace("expiresOn: 2027-03-31", "expiresOn: 2026-11-01") + EXPIRED,
        [],
        name="lifecycle-expired",
    ),
    # OFR405 expires-after-end
    Case(
        "OFR405",
        USAGE_OFFER.replace("expiresOn: 2027-03-31", "expiresOn: 2028-01-31"),
        [(7, 14, "OFR405")],
    ),
    Case(
        "OFR405",
        contract("      starts: on-acceptance\n      endsOn: 2027-03-30\n"),
        [(9, 14, "OFR405")],
        name="contract",
    ),
    Case("OFR405", USAGE_OFFER, []),
    Case(
        "OFR405",
        contract("      starts: on-acceptance\n      endsOn: 2027-03-31\n"),
        [],
        name="expires-on-last-day",
    ),
    # OFR406 start-date
    Case(
        "OFR406",
        contract("      starts: 2027-01-01\n      durationMonths: 12\n"),
        [(17, 15, "OFR406")],
    ),
    Case(
        "OFR406",
        contract("      starts: 2026-11-23\n      durationMonths: 12\n", expires="2026-11-23"),
        [(17, 15, "OFR406")],
        name="not-in-future",
    ),
    Case("OFR406", contract("      starts: 2027-03-31\n      durationMonths: 12\n"), []),
    Case(
        "OFR406",
        contract("      starts: 2026-06-01\n      durationMonths: 12\n", expires="2026-05-31")
        + EXPIRED,
        [],
        name="expired-offer",
    ),
    # OFR407 installment-outside-contract
    Case(
        "OFR407",
        INSTALLMENT_OFFER.replace("2027-07-15", "2027-11-23"),
        [(23, 19, "OFR407")],
    ),
    Case(
        "OFR407",
        INSTALLMENT_OFFER.replace("2027-01-15", "2026-11-22"),
        [(21, 19, "OFR407")],
        name="in-the-past",
    ),
    Case(
        "OFR407",
        installments("      starts: 2027-02-01\n      durationMonths: 12\n"),
        [(22, 19, "OFR407")],
        name="before-dated-start",
    ),
    Case(
        "OFR407",
        installments("      starts: 2027-02-01\n      endsOn: 2027-07-14\n"),
        [(22, 19, "OFR407"), (24, 19, "OFR407")],
        name="outside-dated-contract",
    ),
    Case(
        "OFR407",
        installments(
            payments="      plan: { frequency: quarterly, firstInvoice: 2027-01-15, count: 5 }\n"
        ),
        [(20, 70, "OFR407")],
        name="plan-too-long",
    ),
    Case("OFR407", INSTALLMENT_OFFER.replace("2027-07-15", "2027-11-22"), []),
    Case(
        "OFR407",
        installments(
            payments="      plan: { frequency: quarterly, firstInvoice: 2027-01-15, count: 4 }\n"
        ),
        [],
        name="plan",
    ),
    Case(
        "OFR407",
        installments("      starts: 2027-01-15\n      endsOn: 2027-07-15\n"),
        [],
        name="dated-contract-edges",
    ),
    # OFR408 installment-before-acceptance (warning)
    Case("OFR408", installments(expires="2027-03-31"), [(21, 19, "OFR408")]),
    Case(
        "OFR408",
        installments(
            expires="2027-03-31",
            payments="      plan: { frequency: monthly, firstInvoice: 2027-01-15, count: 6 }\n",
        ),
        [(20, 49, "OFR408")],
        name="plan",
    ),
    Case("OFR408", INSTALLMENT_OFFER, []),
    Case("OFR408", installments(expires="2027-01-15"), [], name="due-on-expiry"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_rule_case(case: Case, tmp_path: Path) -> None:
    assert run_case(case, tmp_path) == case.expect


def test_expired_offer_keeps_its_old_dates(tmp_path: Path) -> None:
    """An offer ended with lifecycle: expired stays valid as the calendar moves on."""
    offer = INSTALLMENT_OFFER + EXPIRED
    case = Case("OFR404", offer, [], today=date(2030, 1, 1))
    assert run_case(case, tmp_path) == []
