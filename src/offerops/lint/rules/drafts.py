"""OFR106: what only a draft may leave out.

The seller console's "Save and exit" keeps a private offer as a draft with little more than a
product and a name, and AWS's samples make exactly that (CreateDraftPrivateOffer: CreateOffer
with a ProductId and a Name; CreateDraftCppoOffer: CreateOfferUsingResaleAuthorization). So a
``lifecycle: draft`` file may leave out ``buyers``, ``expiresOn``, ``pricing`` and ``legal``
(``model.offer.DRAFTABLE``); the model accepts their absence, and this rule refuses it of every
offer that is released, because a buyer can accept only a complete offer.
"""

from __future__ import annotations

from collections.abc import Iterator

from offerops.lint.context import OfferContext
from offerops.lint.rule import Problem, offer_rule
from offerops.model.offer import DRAFTABLE


@offer_rule("OFR106", "incomplete-offer")
def incomplete_offer(ctx: OfferContext) -> Iterator[Problem]:
    """
    An offer that is not a draft leaves out ``buyers``, ``expiresOn``, ``pricing`` or ``legal``.

    A ``lifecycle: draft`` offer may be incomplete, as the seller console's "Save and exit"
    keeps it (AWS's CreateDraftPrivateOffer sample makes a draft with a product and a name):
    offerops creates it with what the file says and leaves the rest as the marketplace has it.
    Releasing it (``lifecycle: active``, the default) needs every part, because the marketplace
    releases only an offer a buyer can accept: who may accept it, until when, at what price,
    under which terms. The finding points at ``spec`` and names every missing part.

    Fails:

        spec:
          name: Acme Corp - Analytics 2027
          product: analytics-saas
          lifecycle: active

    Passes:

        spec:
          name: Acme Corp - Analytics 2027
          product: analytics-saas
          lifecycle: draft
    """
    spec = ctx.spec
    if spec.lifecycle == "draft":
        return
    missing = [part for part in DRAFTABLE if getattr(spec, part) is None]
    if not missing:
        return
    listed = ", ".join(missing)
    yield Problem(
        ("spec",),
        f"lifecycle: {spec.lifecycle} needs {listed}, which this offer leaves out; add "
        f"{'them' if len(missing) > 1 else 'it'}, or set `lifecycle: draft` to keep the offer "
        "a draft (a draft may leave them out, as the seller console's Save and exit does)",
        at="key",
    )
