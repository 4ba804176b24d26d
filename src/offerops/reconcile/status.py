"""``offerops status``: what each offer looks like to buyers, who accepted it, and which released
offers are about to expire with nobody having accepted them.

An offer nobody accepts simply stops being acceptable after its ``expiresOn``: the marketplace
sends no warning. ``--expiring-within DAYS`` (:func:`is_expiring`, :func:`expiring_unaccepted`)
is the list a seller needs in time to chase the buyer or extend the date, and what the scheduled
workflow turns into one issue. The formats are in :mod:`offerops.reconcile.status_format`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from offerops.catalog.client import AgreementClient
from offerops.errors import OfferopsError
from offerops.humantime import day_of, instant
from offerops.model.config import Config
from offerops.reconcile.actual import ActualOffer
from offerops.reconcile.retry import RetryPolicy

OFFER_URL = "https://aws.amazon.com/marketplace/procurement?productId={product}&offerId={offer}"


@dataclass(frozen=True)
class Agreement:
    """One agreement made from an offer: who accepted it, when, and the period it runs."""

    agreement_id: str
    buyer: str
    accepted: datetime | None
    status: str
    starts: date | None = None
    ends: date | None = None


@dataclass(frozen=True)
class OfferStatus:
    """One managed offer as buyers see it; ``state`` is :func:`state_of`."""

    key: str | None
    offer_id: str
    name: str
    state: str
    expires_on: date | None
    buyers: tuple[str, ...]
    url: str
    agreements: tuple[Agreement, ...] = field(default=())


@dataclass(frozen=True)
class StatusQuery:
    """What ``offerops status`` was asked: some keys (none: all), and maybe an expiry window."""

    keys: tuple[str, ...] = ()
    expiring_within: int | None = None
    """Days: only released offers expiring by today + this many days with no agreement."""


@dataclass(frozen=True)
class StatusReport:
    """The rows to print, and what a renderer needs to say them in the seller's words."""

    rows: tuple[OfferStatus, ...]
    today: date
    query: StatusQuery = StatusQuery()
    aliases: Mapping[str, str] = field(default_factory=dict)
    """Buyer alias by account id, from offerops.yaml's ``buyers``."""

    def buyer(self, account: str) -> str:
        """``acme-prod (123456789012)``, or the bare account when it has no alias."""
        alias = self.aliases.get(account)
        return f"{alias} ({account})" if alias else account

    @property
    def expiring(self) -> bool:
        """Whether this is an ``--expiring-within`` report with offers in it (exit status 1)."""
        return self.query.expiring_within is not None and bool(self.rows)


def state_of(offer: ActualOffer, today: date) -> str:
    """draft, active or expired, as a seller thinks of it (the console's statuses).

    Expired is read from the date: the API has no Expired state. ``lifecycle: expired`` sends
    the day before today, so an offer ended by apply shows as expired at once.
    """
    if not offer.released:
        return "draft"
    return "expired" if offer.expired(today) else "active"


def is_expiring(state: str, expires_on: date | None, today: date, within: int) -> bool:
    """Whether a buyer can still accept the offer, but only until ``today + within`` days.

    Only ``active`` offers: a draft was never sent to a buyer and an expired one is past
    saving (extending ``expiresOn`` reopens it, and ``status`` shows it as expired). An offer
    that expires today still counts: it is acceptable until 23:59:59 UTC.
    """
    if state != "active" or expires_on is None:
        return False
    return 0 <= (expires_on - today).days <= within


def expiring_unaccepted(rows: Iterable[OfferStatus], today: date, within: int) -> list[OfferStatus]:
    """The rows expiring within ``within`` days that no buyer has accepted yet.

    Any agreement from the offer counts, whatever its status now: someone accepted it, so its
    expiry is no longer news (a second buyer of a shared offer is a sales question).
    """
    return [
        row
        for row in rows
        if is_expiring(row.state, row.expires_on, today, within) and not row.agreements
    ]


def collect(
    offers: Iterable[ActualOffer],
    query: StatusQuery,
    agreements_client: AgreementClient,
    retry: RetryPolicy,
    today: date,
) -> list[OfferStatus]:
    """The status rows ``query`` asks for, sorted by key; only managed offers (with a key).

    With an expiry window, offers outside it are dropped before their agreements are searched,
    so a daily run makes one SearchAgreements call per candidate, not per offer.
    """
    managed = _managed(offers, query.keys)
    within = query.expiring_within
    if within is not None:
        managed = [offer for offer in managed if _offer_expiring(offer, today, within)]
    rows = [offer_status(offer, agreements_client, retry, today) for offer in managed]
    if within is not None:
        rows = expiring_unaccepted(rows, today, within)
    return sorted(rows, key=lambda row: str(row.key))


def _offer_expiring(offer: ActualOffer, today: date, within: int) -> bool:
    return is_expiring(state_of(offer, today), offer.expires_on, today, within)


def _managed(offers: Iterable[ActualOffer], keys: Sequence[str]) -> list[ActualOffer]:
    """The offers with a key (named in ``keys``, if any); a key nobody has is an error."""
    managed = [offer for offer in offers if offer.key and (not keys or offer.key in keys)]
    unknown = sorted(set(keys) - {str(offer.key) for offer in managed})
    if unknown:
        raise OfferopsError(f"no offer on the marketplace has key {', '.join(unknown)}")
    return managed


def buyer_aliases(config: Config) -> dict[str, str]:
    """Alias by account id; with two aliases for one account (lint warns), the first by name."""
    aliases: dict[str, str] = {}
    for alias, buyer in sorted(config.buyers.items()):
        aliases.setdefault(buyer.account, alias)
    return aliases


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
    """An AgreementViewSummary; its times are datetimes from boto3, epoch seconds raw."""
    acceptor = summary.get("acceptor")
    buyer = acceptor.get("accountId", "") if isinstance(acceptor, Mapping) else ""
    return Agreement(
        agreement_id=str(summary.get("agreementId")),
        buyer=str(buyer),
        accepted=instant(summary.get("acceptanceTime")),
        status=str(summary.get("status", "")),
        starts=day_of(summary.get("startTime")),
        ends=day_of(summary.get("endTime")),
    )
