"""OFR220-OFR222: history rules: what an offer may not change once it exists on the marketplace.

These rules compare an offer with its version at a git revision (``lint --changed-since REF``), so
they have no check function the runner calls: :func:`offerops.gitops.history.history_findings`
produces their findings. Declaring them here gives them an id, a name, a severity that
``lint.rules`` can refer to, and their documentation in docs/rules.md. This module imports
nothing heavy: importing it only registers the rules.
"""

from __future__ import annotations

from offerops.lint.finding import Severity
from offerops.lint.rule import Rule, declare

KEY_CHANGED: Rule = declare(
    "OFR220",
    "key-changed",
    Severity.WARNING,
    "repository",
    """
    An existing offer's ``key`` changed since the base revision.

    The key is the offer's identity on the marketplace (tag ``offerops:key``). A new key makes
    apply create a new offer and leaves the old one live for its buyers, no longer managed from
    git. Keep the old file (set ``lifecycle: expired`` in it to end the old offer) and add the
    new offer under the new key: ``offerops clone OLD NEW``. Checked by
    ``offerops lint --changed-since REF``, on files renamed or edited since REF. A warning: the
    marketplace accepts it, but it is rarely what the seller meant.

    Fails (``offers/acme-2027.yaml`` renamed since REF):

        key: acme-2027-renewal       # at REF: key: acme-2027

    Passes:

        key: acme-2027               # unchanged; the new offer is a new file
    """,
)

PRODUCT_OR_CHANNEL_CHANGED: Rule = declare(
    "OFR221",
    "product-or-channel-changed",
    Severity.ERROR,
    "repository",
    """
    An existing offer's ``product`` or ``channel`` changed since the base revision.

    An offer is made for one product, directly or under one resale authorization, when it is
    created; the Catalog API has no change type that moves it. Apply would stop at this offer
    with "needs a replacement". Revert the change and make a replacement offer instead:
    ``offerops clone KEY KEY-v2``, edit the copy, and set ``lifecycle: expired`` in this file.
    Checked by ``offerops lint --changed-since REF``.

    Fails:

        spec:
          product: vision-ami        # at REF: product: analytics-saas

    Passes:

        spec:
          product: analytics-saas    # unchanged
    """,
)

RELEASED_TERMS_CHANGED: Rule = declare(
    "OFR222",
    "released-terms-changed",
    Severity.ERROR,
    "repository",
    """
    The pricing, buyers or legal terms of an offer that is already released changed.

    A released offer keeps its pricing, payment schedule, contract duration and dates, buyers,
    reseller markup and legal terms; only its expiry date, name and description can change.
    Make a replacement offer (``offerops clone KEY KEY-v2``) and set ``lifecycle: expired`` in
    this one. Changes are compared the way the plan compares them, so reformatting a price
    (``"250.0"`` to ``"250.00"``) or reordering buyers is not a change. Checked by
    ``offerops lint --changed-since REF``; lint cannot see the marketplace, so without the
    offer's state it reports a warning ("if this offer is released"), and an error when the
    caller knows the offer is released.

    Fails (the offer is released):

        pricing:
          dimensions:
            - key: users
              price: "200.00"        # at REF: price: "250.00"

    Passes:

        spec:
          expiresOn: 2027-06-30      # at REF: 2027-03-31; expiry can change
    """,
)

HISTORY_RULES = (KEY_CHANGED, PRODUCT_OR_CHANNEL_CHANGED, RELEASED_TERMS_CHANGED)
"""The history rules, by id."""
