"""``offerops status``: what each offer looks like to buyers, and who accepted it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from offerops.catalog.client import AgreementClient
from offerops.reconcile.actual import ActualOffer
from offerops.reconcile.retry import RetryPolicy

OFFER_URL = "https://aws.amazon.com/marketplace/procurement?productId={product}&offerId={offer}"


@dataclass(frozen=True)
class Agreement:
    agreement_id: str
    buyer: str
    accepted: str
    status: str


@dataclass(frozen=True)
class OfferStatus:
    key: str | None
    offer_id: str
    name: str
    state: str
    expires_on: date | None
    buyers: tuple[str, ...]
    url: str
    agreements: tuple[Agreement, ...] = field(default=())


def state_of(offer: ActualOffer, today: date) -> str:
    """draft, active or expired, as a seller thinks of it (the console's statuses).

    Expired is read from the date: the API has no Expired state. ``lifecycle: expired`` sends
    the day before today, so an offer ended by apply shows as expired at once.
    """
    if not offer.released:
        return "draft"
    return "expired" if offer.expired(today) else "active"


def offer_status(
    offer: ActualOffer, agreements_client: AgreementClient, retry: RetryPolicy, today: date
) -> OfferStatus:
    targeting = offer.terms.targeting
    return OfferStatus(
        key=offer.key,
        offer_id=offer.offer_id,
        name=offer.name,
        state=state_of(offer, today),
        expires_on=offer.expires_on,
        buyers=targeting.buyer_accounts if targeting is not None else (),
        url=OFFER_URL.format(product=offer.product_id, offer=offer.offer_id),
        agreements=tuple(agreements_of(offer.offer_id, agreements_client, retry)),
    )


def agreements_of(offer_id: str, client: AgreementClient, retry: RetryPolicy) -> list[Agreement]:
    """Agreements made from this offer (SearchAgreements as the proposer), every status."""
    request: dict[str, object] = {
        "catalog": "AWSMarketplace",
        "filters": [
            {"name": "PartyType", "values": ["Proposer"]},
            {"name": "AgreementType", "values": ["PurchaseAgreement"]},
            {"name": "OfferId", "values": [offer_id]},
        ],
    }
    found = []
    while True:
        page: Mapping[str, object] = retry.call(client.search_agreements, **request)
        summaries = page.get("agreementViewSummaries")
        for summary in summaries if isinstance(summaries, list) else []:
            if isinstance(summary, Mapping):
                found.append(_agreement(summary))
        token = page.get("nextToken")
        if not token:
            return found
        request["nextToken"] = token


def _agreement(summary: Mapping[str, object]) -> Agreement:
    acceptor = summary.get("acceptor")
    buyer = acceptor.get("accountId", "") if isinstance(acceptor, Mapping) else ""
    return Agreement(
        agreement_id=str(summary.get("agreementId")),
        buyer=str(buyer),
        accepted=str(summary.get("acceptanceTime", ""))[:19],
        status=str(summary.get("status", "")),
    )
