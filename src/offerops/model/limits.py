"""Every numeric limit of the offer format, defined once.

The marketplace enforces these; the models, the lint rules, the JSON Schemas and the emulator all
read them from here so that a limit never disagrees with itself.
"""

from __future__ import annotations

from typing import Final

OFFER_NAME_MAX: Final = 150
"""Offer name length (CreateOffer/UpdateInformation ``Name``)."""

OFFER_DESCRIPTION_MAX: Final = 255
"""Offer description length (UpdateInformation ``Description``)."""

OFFER_NAME_FORBIDDEN_CHARS: Final = "<>\\;"
"""Characters the marketplace rejects in offer names and descriptions."""

DEFAULT_MAX_BUYERS_PER_OFFER: Final = 25
"""Seller guide limit on buyer accounts per private offer (the API itself accepts 26)."""

API_MAX_BUYERS_PER_OFFER: Final = 26
"""Hard limit of the Catalog API's ``PositiveTargeting.BuyerAccounts``."""

MAX_TARGET_COUNTRIES: Final = 244
"""``PositiveTargeting.CountryCodes`` of UpdateTargeting (``countries``): at most every
ISO 3166-1 alpha-2 country the marketplace knows (the emulator's ``MAX_COUNTRIES``)."""

MAX_INSTALLMENTS: Final = 60
"""Payments in a flexible payment schedule (``PaymentScheduleTerm.Schedule``)."""

DEFAULT_MAX_CONTRACT_MONTHS: Final = {"saas": 60, "ami": 60, "container": 60}
"""Contract length per product type, in months (``policy.maxContractMonths`` overrides a type).

AWS Marketplace Seller Guide, the product-type pages on private offers (as issue 13 item 4 quotes
them): SaaS contracts last up to 60 months, AMI and container contracts up to 60 months. A type
not listed here (ml, professional-services, data) has no cap unless the policy sets one.
"""

DEFAULT_MAX_USAGE_DAYS: Final = {"ami": 1095, "container": 1095}
"""Length of an hourly (usage) agreement per product type, in days (``policy.maxUsageDays``).

Seller Guide, AMI and container product pages (issue 13 item 4): hourly private offers last up
to 1,095 days (three years). SaaS usage agreements have no published cap: none is applied.
"""

ANNUAL_PRODUCT_TYPES: Final = ("ami", "container")
"""Product types whose private offers may add annual (multi-day) per-instance prices to hourly
rates (seller console "Hourly and annual"; AWS sample
CreatePrivateOfferWithHourlyAnnualPricingForAmiProduct)."""

MAX_DOCUMENTS: Final = 5
"""Custom EULA documents per offer."""

MAX_DOCUMENT_BYTES: Final = 30 * 1024 * 1024
"""Each document, and all documents of an offer together, at most 30 MB."""

DOCUMENT_EXTENSIONS: Final = (".pdf", ".txt")
"""Extensions accepted for custom EULA documents."""

CONTRACT_PRICE_DECIMALS: Final = 2
"""Decimals allowed in contract prices and installment amounts of a currency with cents (the
currency's ISO 4217 minor unit; see ``CURRENCY_MINOR_UNITS``)."""

USAGE_PRICE_DECIMALS: Final = 3
"""Decimals allowed in usage (per-unit) rates of a currency with cents: one more than its minor
unit (a tenth of a cent per unit)."""

CURRENCY_MINOR_UNITS: Final = {"USD": 2, "EUR": 2, "GBP": 2, "AUD": 2, "JPY": 0, "CAD": 2}
"""Decimal places of each currency offerops allows (``CURRENCIES``): the "Minor unit" column of
ISO 4217 list one, published by SIX Group, the ISO 4217 maintenance agency:
https://www.six-group.com/en/products-services/financial-information/data-standards.html
The yen has none, so ``"1000.50"`` JPY is not an amount; the others have cents. A table rather
than a dependency: six values, and neither the standard library nor the project's dependencies
carry ISO 4217 minor units."""

REFUND_POLICY_MAX: Final = 500
"""``SupportTerm.RefundPolicy`` length (UpdateSupportTerms, Catalog API reference)."""

MAX_PRICE: Final = 100_000_000
"""RateCard ``Price`` maximum in the Catalog API."""

MAX_DIMENSIONS_PER_OFFER: Final = 24
"""Unique dimensions of one pricing model per offer (service quota; 24 or 200 depending on the
source, so the conservative figure)."""

MAX_QUANTITY: Final = 2_147_483_646
"""``Grants.MaxQuantity`` maximum in the Catalog API."""

KEY_PATTERN: Final = r"^[a-z0-9][a-z0-9-]{1,62}$"
"""Offer keys (and file stems): lowercase letters, digits and dashes, 2..63 characters."""

ALIAS_PATTERN: Final = r"^[a-z0-9][a-z0-9._-]{0,62}$"
"""Buyer aliases and product keys in offerops.yaml."""

ACCOUNT_ID_PATTERN: Final = r"^[0-9]{12}$"
"""AWS account ids: exactly 12 digits."""

OFFER_ID_PATTERN: Final = r"^offer-[a-zA-Z0-9]{1,64}$"
PRODUCT_ID_PATTERN: Final = r"^prod-[a-zA-Z0-9]{1,64}$"
RESALE_AUTHORIZATION_ID_PATTERN: Final = r"^resaleauthz-[a-zA-Z0-9]{1,64}$"

DIMENSION_KEY_PATTERN: Final = r"^[A-Za-z0-9_.-]{1,100}$"
"""``DimensionKey`` in rate cards: 1..100 characters."""

MONEY_PATTERN: Final = r"^[0-9]+(\.[0-9]+)?$"
"""Money is a quoted decimal string: digits and at most one dot."""

CURRENCIES: Final = ("USD", "EUR", "GBP", "AUD", "JPY", "CAD")
"""Currencies the Catalog API accepts (``CurrencyCode``)."""

_EMEA = (
    "AD AE AL AM AO AT AX AZ BA BE BF BG BH BI BJ BW BY CD CF CG "
    "CH CI CM CV CY CZ DE DJ DK DZ EE EG EH ER ES ET FI FO FR GA "
    "GB GE GG GH GI GL GM GN GQ GR GW HR HU IE IL IM IQ IR IS IT "
    "JE JO KE KM KW LB LI LR LS LT LU LV LY MA MC MD ME MG MK ML "
    "MR MT MU MW MZ NA NE NG NL NO OM PL PS PT QA RE RO RS RW SA "
    "SC SD SE SH SI SJ SK SL SM SN SO SS ST SY SZ TD TG TN TR TZ "
    "UA UG VA YE YT ZA ZM ZW "
)
EMEA_COUNTRIES: Final = frozenset(_EMEA.split())
"""Countries in Europe, the Middle East and Africa: where a GB bank account may sell."""

MAX_YAML_NODES: Final = 100_000
"""Nodes a document may expand to (alias bombs are cut off here, long before memory is)."""

MAX_YAML_DEPTH: Final = 64
"""Nesting depth a document may reach."""

MAX_OFFER_FILE_BYTES: Final = 1024 * 1024
"""An offer file larger than this is refused unread (offers are a few KB)."""

EMEA_ONLY_BANK_COUNTRIES: Final = frozenset({"GB"})
"""Bank countries whose disbursements restrict a seller to buyers in EMEA_COUNTRIES."""

OFFER_TEXT_PATTERN: Final = r"^\S+[\S\s]*$"
"""``Name`` and ``Description`` in UpdateInformation: the first character is not whitespace."""

MARKUP_PERCENTAGE_PATTERN: Final = r"^(\d*\.)?\d{1,9}$"
"""``UpdateMarkup.Percentage`` of a CPPO: a plain decimal with at most 9 decimals, no sign."""

MARKUP_PERCENTAGE_DECIMALS: Final = 9
"""Decimals ``MARKUP_PERCENTAGE_PATTERN`` allows."""

PDF_MAGIC: Final = b"%PDF-"
"""The first bytes of every PDF file."""
