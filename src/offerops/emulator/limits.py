"""The marketplace limits the emulator enforces, stated once for the whole emulator.

These are deliberately **not** imported from :mod:`offerops.model.limits`: the emulator plays AWS,
the other party, so it is an independent check of what offerops sends. A limit copied from the
linter would make a wrong limit agree with itself and pass every test. Instead,
``tests/emulator/test_limits_agree.py`` compares each limit here with its counterpart in
``offerops.model.limits`` (equal, or the linter stricter where offerops' policy is stricter than
the API) and names both places when they drift apart.

Sources: the published botocore service model of ``marketplace-catalog`` (shape patterns and
lengths) and the AWS Marketplace seller guide, as listed in docs/emulator.md; a figure the public
documentation does not give is marked unconfirmed there.
"""

from __future__ import annotations

import re
from typing import Final

CURRENCIES: Final = ("USD", "EUR", "GBP", "AUD", "JPY", "CAD")
"""``CurrencyCode`` of every priced term (the seller's enabled currencies are not checked)."""

NAME_MAX: Final = 150
"""``Name`` of CreateOffer, CreateOfferUsingResaleAuthorization and UpdateInformation."""

DESCRIPTION_MAX: Final = 255
"""``Description`` of CreateOfferUsingResaleAuthorization and UpdateInformation."""

MAX_BUYERS: Final = 26
"""``PositiveTargeting.BuyerAccounts``: the API's limit (the seller guide's policy says 25)."""

MAX_COUNTRIES: Final = 244
"""``CountryCodes`` in positive and negative targeting."""

ACCOUNT: Final = re.compile(r"^[0-9]{12}$")
"""A buyer account id: 12 ASCII digits (the service's ``\\d`` is ASCII; Python's is not)."""

COUNTRY: Final = re.compile(r"^[A-Z]{2}$")
"""ISO 3166-1 alpha-2 country code (the code is not looked up in the ISO list)."""

MAX_INSTALLMENTS: Final = 60
"""``PaymentScheduleTerm.Schedule`` entries."""

MAX_PRICE: Final = 100_000_000
"""Every price and installment amount (the shape patterns below allow at most this)."""

RATE_PRICE_DECIMALS: Final = 8
FIXED_PRICE_DECIMALS: Final = 3
CHARGE_AMOUNT_DECIMALS: Final = 2

RATE_PRICE: Final = re.compile(r"^((100000000(\.0{0,8})?)|(\d{1,8}(\.\d{0,8})?))$")
"""Rate-card and RecurringPaymentTerm ``Price``: at most 100000000 with 8 decimals."""

FIXED_PRICE: Final = re.compile(r"^((100000000(\.0{0,3})?)|(\d{1,8}(\.\d{0,3})?))$")
"""FixedUpfrontPricingTerm ``Price``: at most 100000000 with 3 decimals."""

CHARGE_AMOUNT: Final = re.compile(r"^((100000000(\.0{0,2})?)|(\d{1,8}(\.\d{0,2})?))$")
"""PaymentScheduleTerm ``ChargeAmount``: at most 100000000 with 2 decimals."""

MAX_QUANTITY: Final = 2_147_483_646
"""``Grants.MaxQuantity``."""

MAX_RATE_CARDS: Final = 5
"""ConfigurableUpfrontPricingTerm ``RateCards`` (durations a buyer chooses from)."""

MAX_RATE_CARD_ITEMS: Final = 800
"""Items of one ``RateCard``."""

MAX_GRANTS: Final = 800
"""``Grants`` of a FixedUpfront or FreeTrial term."""

MARKUP_PERCENTAGE: Final = re.compile(r"^(\d*\.)?\d{1,9}$")
"""``UpdateMarkup.Percentage``: a plain decimal, at most 9 decimals, no sign."""

LEGAL_VERSIONS: Final = ("2019-04-24", "2019-12-12", "2022-07-14")
"""``Version`` of a StandardEula or StandardDsa document."""

URL: Final = re.compile(r"^https?://\S+$")
"""A custom document's ``Url`` (the document is not fetched)."""

URL_MAX: Final = 32_000
"""A custom document's ``Url`` length."""

REFUND_POLICY_MAX: Final = 500
"""``SupportTerm.RefundPolicy`` length."""
