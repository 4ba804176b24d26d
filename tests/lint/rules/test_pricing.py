"""OFR3xx pricing rules, as example tables: a valid offer with one thing changed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from support import (
    CONFIG,
    CONTRACT_OFFER,
    INSTALLMENT_OFFER,
    QUANTITY_SLOT,
    USAGE_OFFER,
    Case,
    run_case,
)

SCHEDULE = """\
      schedule:
        - { date: 2027-01-15, amount: "30000.00" }
        - { date: 2027-04-15, amount: "30000.00" }
        - { date: 2027-07-15, amount: "30000.00" }
"""


def plan(text: str, total: str = "90000.00") -> str:
    """INSTALLMENT_OFFER with a generated plan (one line, 20) instead of the schedule."""
    offer = INSTALLMENT_OFFER.replace(SCHEDULE, f"      plan: {{ {text} }}\n")
    return offer.replace('total: "90000.00"', f'total: "{total}"')


def schedule(*payments: tuple[str, str], total: str = "90000.00") -> str:
    """INSTALLMENT_OFFER with the given payments (lines 21...) and total."""
    rows = "".join(f'        - {{ date: {day}, amount: "{amount}" }}\n' for day, amount in payments)
    offer = INSTALLMENT_OFFER.replace(SCHEDULE, "      schedule:\n" + rows)
    return offer.replace('total: "90000.00"', f'total: "{total}"')


def daily(count: int) -> list[tuple[str, str]]:
    """``count`` payments of 100.00, one a day from 2027-01-15 (after the offer expires)."""
    first = date(2027, 1, 15)
    return [((first + timedelta(days=n)).isoformat(), "100.00") for n in range(count)]


PLAN = 'initial: "10000.00", frequency: quarterly, firstInvoice: 2027-01-15, count: 3'
AGREEMENT = "agmt-1a2b3c4d5e6f7g8h9i0j1k2l3"
ONE_EACH = "durationMonths: 12\n      quantities: one\n"
TIERS = "single-dimension\n      quantities: one\n"

# 25 entitled dimensions on one product, to test the per-offer cap.
BIG_KEYS = [f"tier{number:02d}" for number in range(1, 26)]
BIG_CONFIG = CONFIG.replace(
    "buyers:\n",
    "  big-saas:\n    id: prod-bigbigbig\n    type: saas\n    dimensions:\n"
    + "".join(f"      - {{ key: {key}, name: {key} }}\n" for key in BIG_KEYS)
    + "buyers:\n",
)


def big_offer(count: int) -> str:
    dimensions = "".join(f'      - {{ key: {key}, price: "1.00" }}\n' for key in BIG_KEYS[:count])
    offer = CONTRACT_OFFER.replace("product: analytics-saas", "product: big-saas")
    start = offer.index("    dimensions:\n") + len("    dimensions:\n")
    end = offer.index("    payment: upfront")
    return offer[:start] + dimensions + offer[end:]


TWO_TIERS = INSTALLMENT_OFFER.replace(
    "      durationMonths: 12\n", "      durationMonths: 12\n      purchasing: single-dimension\n"
).replace(
    "        quantity: 100\n", "        quantity: 100\n      - key: admins\n        quantity: 5\n"
)

MIXED = CONTRACT_OFFER.replace(QUANTITY_SLOT, "        quantity: 100\n")
"""users with quantity 100 (line 23), admins without: the quantity is never sent."""
FIXED = MIXED.replace('        price: "500.00"\n', '        price: "500.00"\n        quantity: 5\n')
"""Both dimensions with a quantity (admins' on line 26): one fixed price, 2502500.00."""
ONE_FIXED = MIXED.replace('      - key: admins\n        price: "500.00"\n', "")
"""users only, 100 at 25000.00: a fixed price of 2500000.00 (payment on line 24)."""

CONSUMPTION = CONTRACT_OFFER.replace(
    "    payment: upfront\n",
    '    usageDimensions:\n      - key: USER\n        price: "0.15"\n    payment: upfront\n',
)
"""A contract with consumption (AWS's CreatePrivateOfferWithContractWithPayAsYouGoPricingForSaas):
usageDimensions on line 26, USER on 27 (value column 14), its price on 28 (column 16)."""

HOURLY = (
    USAGE_OFFER.replace("product: analytics-saas", "product: vision-ami")
    .replace("endsOn: 2027-12-31", "durationDays: 650")
    .replace(
        '      - key: USER\n        price: "1.125"\n      - key: GB\n        price: "0.05"\n',
        '      - key: m5.large\n        price: "0.17"\n',
    )
)
"""An AMI's hourly rate for 650 days: m5.large on line 15, its rate on 16, legal on 17."""
ANNUAL_BLOCK = """\
    annual:
      durationDays: 365
      dimensions:
        - key: m5.large
          price: "220.00"
"""
ANNUAL = HOURLY.replace("  legal:\n", ANNUAL_BLOCK + "  legal:\n")
"""Hourly plus annual (CreatePrivateOfferWithHourlyAnnualPricingForAmiProduct): annual on line 17,
its dimension's key on 20 (value column 16), price on 21."""
ANNUAL_INSTALLMENTS = ANNUAL.replace(
    '          price: "220.00"\n', "          quantity: 1\n"
).replace(
    "  legal:\n",
    '    payment: installments\n    installments:\n      total: "370.00"\n      schedule:\n'
    '        - { date: 2027-04-15, amount: "200.00" }\n'
    '        - { date: 2027-05-15, amount: "170.00" }\n  legal:\n',
)
"""...AndFlexiblePaymentScheduleForAmi: quantity on line 21, payment on 22, installments 23."""
XLARGE_CONFIG = CONFIG.replace(
    "      - { key: annual, name: Annual, unit: Units }\n",
    "      - { key: annual, name: Annual, unit: Units }\n"
    "      - { key: m5.xlarge, name: m5.xlarge, unit: Hrs, usage: true }\n",
)
JPY_CONFIG = CONFIG.replace("currencies: [USD, EUR]", "currencies: [USD, EUR, JPY]")
JPY_CONTRACT = CONTRACT_OFFER.replace("currency: USD", "currency: JPY").replace(
    '"25000.00"', '"1000"'
)

CASES = [
    # OFR301 unknown-dimension
    Case("OFR301", CONTRACT_OFFER.replace("key: admins", "key: Admins"), [(24, 14, "OFR301")]),
    Case("OFR301", CONTRACT_OFFER, []),
    Case(
        "OFR301",
        CONTRACT_OFFER.replace("analytics-saas", "analytics-sass"),
        [(7, 12, "OFR204")],
        name="unknown-product-skips",
    ),
    # OFR302 dimension-wrong-model
    Case("OFR302", USAGE_OFFER.replace("key: GB", "key: users"), [(17, 14, "OFR302")]),
    Case(
        "OFR302",
        CONTRACT_OFFER.replace("key: admins", "key: USER"),
        [(24, 14, "OFR302")],
        name="usage-dimension-in-contract",
    ),
    Case("OFR302", USAGE_OFFER, []),
    Case("OFR302", CONTRACT_OFFER, [], name="contract"),
    # OFR303 duplicate-dimension
    Case("OFR303", CONTRACT_OFFER.replace("key: admins", "key: users"), [(24, 14, "OFR303")]),
    Case("OFR303", CONTRACT_OFFER, []),
    # OFR304 too-many-dimensions
    Case("OFR304", big_offer(25), [(20, 5, "OFR304")], config=BIG_CONFIG),
    Case("OFR304", big_offer(24), [], config=BIG_CONFIG),
    # OFR305 price-decimals
    Case("OFR305", CONTRACT_OFFER.replace('"25000.00"', '"12.505"'), [(22, 16, "OFR305")]),
    Case(
        "OFR305",
        USAGE_OFFER.replace('"1.125"', '"1.1255"'),
        [(16, 16, "OFR305")],
        name="usage-rate",
    ),
    Case(
        "OFR305",
        schedule(
            ("2027-01-15", "30000.00"),
            ("2027-04-15", "30000.00"),
            ("2027-07-15", "30000.005"),
            total="90000.005",
        ),
        [(19, 14, "OFR305"), (23, 39, "OFR305")],
        name="installments",
    ),
    Case(
        "OFR305",
        plan(PLAN.replace('"10000.00"', '"10000.001"')),
        [(20, 24, "OFR305")],
        name="plan-initial",
    ),
    Case("OFR305", USAGE_OFFER, []),
    Case(
        "OFR305",
        CONTRACT_OFFER.replace('"25000.00"', '"25000.000"'),
        [],
        name="trailing-zeros",
    ),
    # OFR306 price-too-high
    Case("OFR306", CONTRACT_OFFER.replace('"25000.00"', '"250000000.00"'), [(22, 16, "OFR306")]),
    Case("OFR306", CONTRACT_OFFER.replace('"25000.00"', '"100000000.00"'), []),
    # OFR307 currency-not-enabled
    Case("OFR307", CONTRACT_OFFER.replace("currency: USD", "currency: GBP"), [(15, 15, "OFR307")]),
    Case("OFR307", CONTRACT_OFFER.replace("currency: USD", "currency: EUR"), []),
    Case(
        "OFR307",
        CONTRACT_OFFER,
        [],
        config=CONFIG.replace("currencies: [USD, EUR]", "currencies: [EUR]"),
        name="usd-always-enabled",
    ),
    # OFR308 payment-installments-mismatch
    Case(
        "OFR308",
        INSTALLMENT_OFFER.replace('    installments:\n      total: "90000.00"\n' + SCHEDULE, ""),
        [(9, 3, "OFR308")],
    ),
    Case(
        "OFR308",
        INSTALLMENT_OFFER.replace("payment: installments", "payment: upfront").replace(
            "quantity: 100", 'quantity: 100\n        price: "900.00"'
        ),
        [(19, 5, "OFR308")],
        name="block-with-upfront",
    ),
    Case("OFR308", INSTALLMENT_OFFER, []),
    # OFR309 upfront-price-missing
    Case("OFR309", CONTRACT_OFFER.replace('        price: "500.00"\n', ""), [(24, 9, "OFR309")]),
    Case("OFR309", CONTRACT_OFFER, []),
    # OFR310 installment-dimension-fields
    Case(
        "OFR310",
        INSTALLMENT_OFFER.replace("quantity: 100", 'quantity: 100\n        price: "900.00"'),
        [(17, 9, "OFR310")],
    ),
    Case(
        "OFR310",
        INSTALLMENT_OFFER.replace("quantity: 100", 'price: "900.00"'),
        [(15, 9, "OFR310"), (16, 9, "OFR310")],
        name="price-instead-of-quantity",
    ),
    Case("OFR310", INSTALLMENT_OFFER, []),
    # OFR311 single-dimension-installments
    Case("OFR311", TWO_TIERS, [(14, 19, "OFR311")]),
    Case(
        "OFR311",
        TWO_TIERS.replace("single-dimension", "multiple-dimensions"),
        [],
        name="multiple-dimensions",
    ),
    Case(
        "OFR311",
        CONTRACT_OFFER.replace("multiple-dimensions", "single-dimension"),
        [],
        name="upfront-tiers",
    ),
    Case(
        "OFR311",
        FIXED.replace("multiple-dimensions", "single-dimension"),
        [(19, 19, "OFR311"), (22, 16, "OFR317"), (25, 16, "OFR317")],
        name="upfront-fixed-quantities",
    ),
    # OFR312 installments-form
    Case("OFR312", INSTALLMENT_OFFER.replace(SCHEDULE, ""), [(18, 5, "OFR312")]),
    Case(
        "OFR312",
        INSTALLMENT_OFFER.replace(SCHEDULE, SCHEDULE + f"      plan: {{ {PLAN} }}\n"),
        [(24, 7, "OFR312")],
        name="both",
    ),
    Case("OFR312", plan(PLAN), []),
    # OFR313 installments-total
    Case(
        "OFR313",
        INSTALLMENT_OFFER.replace(
            '2027-07-15, amount: "30000.00"', '2027-07-15, amount: "29999.99"'
        ),
        [(19, 14, "OFR313")],
    ),
    Case(
        "OFR313",
        plan(PLAN.replace('"10000.00"', '"100000.00"')),
        [(20, 24, "OFR313")],
        name="initial-over-total",
    ),
    Case("OFR313", INSTALLMENT_OFFER, []),
    # OFR314 installment-amount-zero
    Case(
        "OFR314",
        schedule(
            ("2027-01-15", "30000.00"),
            ("2027-04-15", "30000.00"),
            ("2027-07-15", "30000.00"),
            ("2027-10-15", "0.00"),
        ),
        [(24, 39, "OFR314")],
    ),
    Case(
        "OFR314",
        plan("frequency: monthly, firstInvoice: 2027-01-15, count: 10", total="0.05"),
        [(20, 68, "OFR314")],
        name="plan-under-a-cent",
    ),
    Case(
        "OFR314",
        plan("frequency: monthly, firstInvoice: 2027-01-15, count: 10", total="0.10"),
        [],
    ),
    Case(
        "OFR314",
        plan(PLAN.replace('"10000.00"', '"0"')),
        [],
        name="initial-zero",
    ),
    Case(
        "OFR314",
        schedule(("2027-01-15", "0.00"), total="0.00").replace(
            "  expiresOn:", f"  replaces: {{ agreement: {AGREEMENT} }}\n  expiresOn:"
        ),
        [],
        name="replacement-pays-nothing",
    ),
    Case(
        "OFR314",
        schedule(("2027-01-15", "0.00"), total="0.00"),
        [(21, 39, "OFR314")],
        name="new-offer-pays-nothing",
    ),
    # OFR315 installment-count
    Case(
        "OFR315",
        plan(PLAN.replace("quarterly", "monthly").replace("count: 3", "count: 60")),
        [(20, 89, "OFR315")],
    ),
    Case("OFR315", schedule(*daily(60), total="6000.00"), [], name="60-payments"),
    Case(
        "OFR315",
        schedule(*daily(61), total="6100.00"),
        [(20, 7, "OFR315")],
        name="61-payments",
    ),
    Case(
        "OFR315",
        INSTALLMENT_OFFER.replace(SCHEDULE, "      schedule: []\n"),
        [(20, 17, "OFR315")],
        name="empty",
    ),
    Case(
        "OFR315",
        INSTALLMENT_OFFER.replace("expiresOn: 2027-01-10", "expiresOn: 2026-12-01")
        .replace("durationMonths: 12", "durationMonths: 60")
        .replace(
            SCHEDULE,
            '      plan: { initial: "1.00", frequency: monthly, firstInvoice: 2026-12-15,'
            " count: 59 }\n",
        ),
        [],
        name="plan-of-60",
    ),
    # OFR316 duplicate-installment-date
    Case(
        "OFR316",
        INSTALLMENT_OFFER.replace("2027-04-15", "2027-01-15"),
        [(22, 19, "OFR316")],
    ),
    Case("OFR316", INSTALLMENT_OFFER, []),
    # OFR317 value-not-sent
    Case("OFR317", MIXED, [(23, 19, "OFR317")], name="quantity-beside-none"),
    Case(
        "OFR317",
        FIXED,
        [(22, 16, "OFR317"), (25, 16, "OFR317")],
        name="prices-of-fixed-quantities",
    ),
    Case(
        "OFR317",
        INSTALLMENT_OFFER.replace(
            "durationMonths: 12\n", "durationMonths: 12\n      purchasing: single-dimension\n"
        ),
        [(14, 19, "OFR317")],
        name="single-dimension-of-one-fixed-dimension",
    ),
    Case(
        "OFR317",
        INSTALLMENT_OFFER.replace("durationMonths: 12\n", ONE_EACH),
        [(14, 19, "OFR317")],
        name="quantities-one-of-fixed-quantities",
    ),
    Case(
        "OFR317",
        CONTRACT_OFFER.replace(
            "    payment: upfront\n",
            "    fixedPrice: { durationMonths: 6 }\n    payment: upfront\n",
        ),
        [(26, 17, "OFR317")],
        name="fixed-price-duration-of-prices-per-unit",
    ),
    Case("OFR317", CONTRACT_OFFER, []),
    Case(
        "OFR317",
        INSTALLMENT_OFFER.replace(
            "    payment: installments\n",
            "    fixedPrice: { durationMonths: 6 }\n    payment: installments\n",
        ),
        [],
        name="fixed-price-duration",
    ),
    Case(
        "OFR317",
        CONTRACT_OFFER.replace("multiple-dimensions\n", TIERS),
        [],
        name="tiers-of-one-unit",
    ),
    Case("OFR317", ONE_FIXED, [], name="one-fixed-dimension"),
    Case(
        "OFR317",
        INSTALLMENT_OFFER.replace("quantity: 100", 'quantity: 100\n        price: "900.00"'),
        [(17, 9, "OFR310")],
        name="reported-once-by-OFR310",
    ),
    # OFR318 fixed-price-too-high
    Case("OFR318", ONE_FIXED.replace("quantity: 100", "quantity: 4001"), [(23, 19, "OFR318")]),
    Case(
        "OFR318",
        FIXED.replace("quantity: 100", "quantity: 4000"),
        [(20, 5, "OFR318"), (22, 16, "OFR317"), (25, 16, "OFR317")],
        name="several-dimensions",
    ),
    Case(
        "OFR318",
        schedule(("2027-01-15", "100000000.01"), total="100000000.01"),
        [(21, 39, "OFR318")],
        name="schedule-amount",
    ),
    Case(
        "OFR318",
        plan("frequency: quarterly, firstInvoice: 2027-01-15, count: 3", total="300000000.03"),
        [(20, 70, "OFR318")],
        name="plan-payments",
    ),
    Case("OFR318", ONE_FIXED.replace("quantity: 100", "quantity: 4000"), []),
    Case(
        "OFR318",
        CONTRACT_OFFER.replace('"25000.00"', '"100000000.00"'),
        [],
        name="per-unit-price-at-the-maximum",
    ),
    Case(
        "OFR318",
        plan("frequency: quarterly, firstInvoice: 2027-01-15, count: 3", total="300000000.00"),
        [],
        name="plan-payments-at-the-maximum",
    ),
    # contracts with consumption (issue 13 item 1)
    Case("OFR302", CONSUMPTION, [], name="contract-with-consumption"),
    Case(
        "OFR302",
        CONSUMPTION.replace("      - key: USER\n", "      - key: admins\n").replace(
            '      - key: admins\n        price: "500.00"\n', ""
        ),
        [(25, 14, "OFR302")],
        name="contract-dimension-in-usage-dimensions",
    ),
    Case(
        "OFR305",
        CONSUMPTION.replace('"0.15"', '"0.1525"'),
        [(28, 16, "OFR305")],
        name="usage-rate-of-a-contract",
    ),
    Case(
        "OFR303",
        CONSUMPTION.replace(
            '        price: "0.15"\n',
            '        price: "0.15"\n      - key: USER\n        price: "0.1"\n',
        ),
        [(29, 14, "OFR303")],
        name="usage-dimensions",
    ),
    # money per currency (issue 13 item 6)
    Case(
        "OFR305",
        JPY_CONTRACT.replace('"1000"', '"1000.50"', 1),
        [(22, 16, "OFR305")],
        config=JPY_CONFIG,
        name="jpy-has-no-decimals",
    ),
    Case("OFR305", JPY_CONTRACT, [], config=JPY_CONFIG, name="jpy"),
    Case(
        "OFR305",
        plan("frequency: quarterly, firstInvoice: 2027-01-15, count: 3", total="1000").replace(
            "currency: USD", "currency: JPY"
        ),
        [(20, 70, "OFR305")],
        config=JPY_CONFIG,
        name="jpy-plan-payments",
    ),
    Case(
        "OFR305",
        plan("frequency: quarterly, firstInvoice: 2027-01-15, count: 3", total="999").replace(
            "currency: USD", "currency: JPY"
        ),
        [],
        config=JPY_CONFIG,
        name="jpy-plan-in-whole-yen",
    ),
    # hourly plus annual (issue 13 item 2)
    Case(
        "OFR308",
        HOURLY.replace(
            "  legal:\n",
            '    payment: installments\n    installments:\n      total: "1.00"\n'
            '      schedule:\n        - { date: 2027-04-15, amount: "1.00" }\n  legal:\n',
        ),
        [(17, 14, "OFR308")],
        name="usage-installments-without-annual",
    ),
    Case("OFR308", ANNUAL_INSTALLMENTS, [], name="annual-installments"),
    Case(
        "OFR319",
        ANNUAL.replace("product: vision-ami", "product: analytics-saas").replace(
            "key: m5.large", "key: USER"
        ),
        [(17, 5, "OFR319")],
    ),
    Case("OFR319", ANNUAL, []),
    Case(
        "OFR320",
        ANNUAL.replace("        - key: m5.large", "        - key: m5.xlarge"),
        [(20, 16, "OFR320")],
        config=XLARGE_CONFIG,
        name="no-hourly-rate",
    ),
    Case(
        "OFR320",
        ANNUAL.replace(
            '          price: "220.00"\n', '          price: "220.00"\n          quantity: 2\n'
        ),
        [(22, 11, "OFR320")],
        name="quantity-paid-upfront",
    ),
    Case(
        "OFR320",
        ANNUAL_INSTALLMENTS.replace("          quantity: 1\n", '          price: "1.00"\n'),
        [(20, 16, "OFR320"), (21, 11, "OFR320")],
        name="installments-without-quantity",
    ),
    Case("OFR320", ANNUAL, []),
    Case("OFR320", ANNUAL_INSTALLMENTS, [], name="installments"),
    Case("OFR302", ANNUAL, [], name="annual"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_rule_case(case: Case, tmp_path: Path) -> None:
    assert run_case(case, tmp_path) == case.expect


def test_messages_say_what_to_do(tmp_path: Path) -> None:
    from support import OfferRepo

    repo = OfferRepo.create(tmp_path)
    repo.offer(
        INSTALLMENT_OFFER.replace(
            '2027-07-15, amount: "30000.00"', '2027-07-15, amount: "29999.99"'
        ).replace("currency: USD", "currency: GBP")
    )
    messages = {f.rule: f.message for f in repo.findings()}
    assert messages["OFR313"] == (
        "payments add up to 89999.99, 0.01 short of total 90000.00; "
        "the outstanding balance must be 0.00"
    )
    assert "add it to seller.currencies in offerops.yaml" in messages["OFR307"]
    assert "disbursement" in messages["OFR307"]
