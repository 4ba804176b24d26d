"""OFR1xx: the shape of the file: fields, types, required values. Reported by the models."""

from __future__ import annotations

from offerops.lint.finding import Severity
from offerops.lint.rule import declare

declare(
    "OFR101",
    "unknown-field",
    Severity.ERROR,
    "structure",
    """
    A field is not part of the offer format.

    Usually a typo: an unknown field would otherwise be silently ignored and the value the seller
    meant to set would never reach the marketplace. The message suggests the closest known field.

    Fails:

        spec:
          expiresOm: 2027-03-31

    Passes:

        spec:
          expiresOn: 2027-03-31
    """,
)

declare(
    "OFR102",
    "missing-field",
    Severity.ERROR,
    "structure",
    """
    A required field is missing.

    The finding points at the mapping the field belongs in. Required are ``apiVersion``,
    ``kind``, ``key`` and ``spec`` with ``name`` and ``product``; pricing needs ``model``,
    ``currency``, its terms and dimensions. ``expiresOn``, ``buyers``, ``pricing`` and
    ``legal`` are required too, except in a ``lifecycle: draft`` offer (OFR106).

    Fails:

        spec:
          product: analytics-saas

    Passes:

        spec:
          name: Acme Corp - Analytics 2027
          product: analytics-saas
    """,
)

declare(
    "OFR103",
    "invalid-value",
    Severity.ERROR,
    "structure",
    """
    A value has the wrong type or is not one of the allowed values.

    For example a list where a mapping is expected, a word where a number is expected, or a
    value outside a closed set such as ``legal.terms`` (standard-eula, scmp, custom). The message
    names what is expected and echoes what was written.

    Types are never converted: a boolean is not a number (``quantity: true`` is not 1), a number
    is not a date (``expiresOn: 1801353600`` is not 2027-01-31), a quoted number is text
    (``durationMonths: "36"``), and ``yes``/``no`` are words, not booleans (YAML 1.2). Dates
    are written YYYY-MM-DD; one written ``01/31/2027`` is shown rewritten as ``2027-01-31``.

    Fails:

        legal:
          terms: custm

    Passes:

        legal:
          terms: custom
    """,
)

declare(
    "OFR104",
    "money-format",
    Severity.ERROR,
    "structure",
    """
    Money is not a quoted decimal string.

    Prices, installment amounts and totals are written as quoted strings of digits with at most
    one dot. A bare YAML number is a float, and floats lose cents (``0.1 + 0.2 != 0.3``), so it is
    refused with the quoted form to use instead.

    Fails:

        dimensions:
          - key: users
            price: 250.5

    Passes:

        dimensions:
          - key: users
            price: "250.50"
    """,
)

declare(
    "OFR105",
    "not-an-offer",
    Severity.ERROR,
    "structure",
    """
    ``apiVersion`` or ``kind`` is not what the file must declare.

    Offer files declare ``apiVersion: offerops/v1`` and ``kind: PrivateOffer``; offerops.yaml
    declares ``kind: Config``. The version lets future formats change without misreading old
    files.

    Fails:

        apiVersion: v1
        kind: Offer

    Passes:

        apiVersion: offerops/v1
        kind: PrivateOffer
    """,
)
