"""``offerops status``: which offers are expiring unnoticed, and the formats, against golden files.

The rows are built by hand (no emulator), so the golden files are the same on every run: an
agreement's times come from the marketplace's clock, which a test cannot pin. Refresh them after
an intended change and review the diff: ``OFFEROPS_UPDATE_GOLDEN=1 .venv/bin/pytest
tests/reconcile/test_status.py``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from offerops.cli import STATUS_FORMATS
from offerops.reconcile.actual import ActualOffer
from offerops.reconcile.retry import RetryPolicy
from offerops.reconcile.status import (
    Agreement,
    OfferStatus,
    StatusQuery,
    StatusReport,
    agreements_of,
    collect,
    expiring_unaccepted,
)
from offerops.reconcile.status_format import EXPIRING_MARKER, RENDERERS
from offerops.terms import OfferTerms
from offerops.terms.targeting import Targeting
from support import TODAY

GOLDEN = Path(__file__).parent / "golden"
URL = "https://aws.amazon.com/marketplace/procurement?productId=prod-4x7yvqjzt5abc&offerId="
ALIASES = {"123456789012": "acme-prod", "123456789013": "acme-dev", "210987654321": "globex"}
EPOCH = re.compile(r"\b1[0-9]{9}(\.[0-9]+)?\b")
"""An epoch timestamp in seconds (2001..2286), as the Agreement API sends them."""


def row(key: str, state: str, expires_on: date | None, *agreements: Agreement) -> OfferStatus:
    offer_id = "offer-" + key.replace("-", "")[:13]
    return OfferStatus(
        key=key,
        offer_id=offer_id,
        name=f"{key} name",
        state=state,
        expires_on=expires_on,
        buyers=("123456789012",),
        url=URL + offer_id,
        agreements=agreements,
    )


SIGNED = Agreement(
    agreement_id="agmt-0000000000000000000000001",
    buyer="123456789012",
    accepted=datetime(2026, 11, 20, 9, 30, 12, tzinfo=UTC),
    status="ACTIVE",
    starts=date(2026, 11, 20),
    ends=date(2029, 11, 20),
)
REPLACED = Agreement(
    agreement_id="agmt-0000000000000000000000002",
    buyer="210987654321",
    accepted=datetime(2026, 10, 1, 14, 5, tzinfo=UTC),
    status="REPLACED",
    starts=date(2026, 10, 1),
    ends=None,
)
ROWS = (
    replace(
        row("acme-analytics-2027", "active", date(2027, 3, 31), SIGNED),
        buyers=("123456789012", "123456789013"),
        name="Acme Corp - Analytics Enterprise 2027",
    ),
    row("acme-installments-2027", "active", date(2026, 12, 15)),
    replace(row("globex-tiers-2027", "active", TODAY), buyers=("210987654321",)),
    row("globex-signed-2027", "active", date(2026, 12, 10), REPLACED),
    row("hooli-analytics-2027", "draft", date(2026, 12, 1)),
    row("initech-payg-2027", "expired", date(2026, 11, 1)),
    replace(
        row("umbrella-quarterly-2027", "active", date(2027, 2, 15)),
        name="Umbrella <Health> | 2027 & co",
        buyers=("456789012345",),
    ),
    row("umbrella-open-2027", "active", None),
)
EXPIRING = ("acme-installments-2027", "globex-tiers-2027")
"""Of ROWS, within 30 days of TODAY: released, not expired, no agreement."""


@pytest.mark.parametrize(
    ("key", "expiring"),
    [
        ("acme-installments-2027", True),  # in 22 days, nobody accepted
        ("globex-tiers-2027", True),  # today: acceptable until 23:59:59 UTC
        ("acme-analytics-2027", False),  # in 128 days: outside the window
        ("globex-signed-2027", False),  # within, but accepted (whatever the agreement's status)
        ("hooli-analytics-2027", False),  # within, but a draft: no buyer has seen it
        ("initech-payg-2027", False),  # already expired
        ("umbrella-open-2027", False),  # no expiry date
    ],
)
def test_expiring_selection(key: str, expiring: bool) -> None:
    (one,) = [r for r in ROWS if r.key == key]
    assert [r.key for r in expiring_unaccepted([one], TODAY, 30)] == ([key] if expiring else [])


def test_the_window_includes_its_last_day() -> None:
    installments = next(r for r in ROWS if r.key == "acme-installments-2027")  # in 22 days
    assert expiring_unaccepted([installments], TODAY, 22) == [installments]
    assert expiring_unaccepted([installments], TODAY, 21) == []
    assert [r.key for r in expiring_unaccepted(ROWS, TODAY, 0)] == ["globex-tiers-2027"]


class Agreements:
    """A SearchAgreements that answers per offer id and counts the offers it was asked about."""

    def __init__(self, pages: Mapping[str, list[dict[str, Any]]]) -> None:
        self.pages = pages
        self.asked: list[str] = []

    def search_agreements(self, **request: Any) -> dict[str, Any]:
        offer_id = request["filters"][2]["values"][0]
        self.asked.append(offer_id)
        return {"agreementViewSummaries": self.pages.get(offer_id, [])}


def actual(key: str, state: str, expires_on: date) -> ActualOffer:
    return ActualOffer(
        offer_id=f"offer-{key}",
        arn=f"arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/Offer/offer-{key}",
        identifier=f"offer-{key}@1",
        state=state,
        name=key,
        product_id="prod-4x7yvqjzt5abc",
        resale_authorization_id=None,
        expires_on=expires_on,
        terms=OfferTerms(targeting=Targeting(("123456789012",))),
        key=key,
    )


def test_collect_searches_agreements_only_for_offers_in_the_window() -> None:
    offers = [
        actual("soon", "Released", date(2026, 12, 1)),
        actual("signed", "Released", date(2026, 12, 2)),
        actual("later", "Released", date(2027, 6, 30)),
        actual("draft", "Draft", date(2026, 12, 1)),
        actual("gone", "Released", date(2026, 11, 22)),
    ]
    summary = {"agreementId": "agmt-1", "acceptor": {"accountId": "123456789012"}}
    client = Agreements({"offer-signed": [summary]})
    retry = RetryPolicy(sleep=lambda _: None, seed=1)
    query = StatusQuery(expiring_within=30)
    rows = collect(offers, query, client, retry, TODAY)  # type: ignore[arg-type]
    assert [r.key for r in rows] == ["soon"]
    assert client.asked == ["offer-soon", "offer-signed"]


def test_agreement_times_are_read_from_epoch_seconds_and_datetimes() -> None:
    accepted = datetime(2026, 12, 2, 16, 40, 32, tzinfo=UTC)
    raw = {
        "agreementId": "agmt-raw",
        "acceptor": {"accountId": "123456789012"},
        "acceptanceTime": accepted.timestamp(),
        "startTime": datetime(2027, 2, 1, tzinfo=UTC).timestamp(),
        "endTime": datetime(2028, 2, 1, tzinfo=UTC).timestamp(),
        "status": "ACTIVE",
    }
    parsed = {**raw, "agreementId": "agmt-boto3", "acceptanceTime": accepted}
    parsed.update(startTime=datetime(2027, 2, 1, tzinfo=UTC), endTime=datetime(2028, 2, 1))
    client = Agreements({"offer-x": [raw, parsed]})
    found = agreements_of("offer-x", client, RetryPolicy(sleep=lambda _: None))  # type: ignore[arg-type]
    assert {(a.accepted, a.starts, a.ends) for a in found} == {
        (accepted, date(2027, 2, 1), date(2028, 2, 1))
    }


def report(expiring_within: int | None = None) -> StatusReport:
    rows = ROWS if expiring_within is None else expiring_unaccepted(ROWS, TODAY, expiring_within)
    return StatusReport(tuple(rows), TODAY, StatusQuery(expiring_within=expiring_within), ALIASES)


GOLDEN_FILES = {
    # name: (format, --expiring-within)
    "status.txt": ("text", None),
    "status.md": ("markdown", None),
    "status.json": ("json", None),
    "status-expiring.txt": ("text", 30),
    "status-expiring.md": ("markdown", 30),
}


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    option = bool(request.config.getoption("--update-golden", default=False))
    return option or os.environ.get("OFFEROPS_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("name", sorted(GOLDEN_FILES))
def test_status_matches_golden_file(name: str, update_golden: bool) -> None:
    output_format, within = GOLDEN_FILES[name]
    rendered = RENDERERS[output_format](report(within))
    path = GOLDEN / name
    if update_golden:
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8"), f"{name}: OFFEROPS_UPDATE_GOLDEN=1"


def test_the_cli_offers_every_format() -> None:
    assert set(STATUS_FORMATS) == set(RENDERERS)


@pytest.mark.parametrize("output_format", sorted(RENDERERS))
def test_dates_are_human(output_format: str) -> None:
    rendered = RENDERERS[output_format](report())
    assert not EPOCH.search(rendered)
    assert "T00:00:00" not in rendered and ".000Z" not in rendered
    if output_format != "json":
        assert "accepted 2026-11-20 09:30 UTC, starts 2026-11-20, ends 2029-11-20" in rendered
        assert "acme-prod (123456789012)" in rendered


def test_json_keeps_the_row_shape_and_adds_days_and_aliases() -> None:
    (first, *_) = json.loads(RENDERERS["json"](report()))
    assert first["expires_on"] == "2027-03-31" and first["expires_in_days"] == 128
    assert first["buyer_aliases"] == {"123456789012": "acme-prod", "123456789013": "acme-dev"}
    assert first["agreements"][0]["accepted"] == "2026-11-20T09:30:12Z"


def test_nothing_expiring_says_so() -> None:
    empty = StatusReport((), TODAY, StatusQuery(expiring_within=7), ALIASES)
    assert not empty.expiring
    assert RENDERERS["text"](empty) == (
        "no released offer expires within 7 days without an agreement\n"
    )
    markdown = RENDERERS["markdown"](empty)
    assert markdown.startswith(EXPIRING_MARKER + "\n### No released offer expires within 7 days")
    assert report(30).expiring and not report().expiring


def test_markdown_cells_cannot_break_the_table() -> None:
    markdown = RENDERERS["markdown"](report())
    assert "Umbrella &lt;Health&gt; \\| 2027 &amp; co" in markdown
