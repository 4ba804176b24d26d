"""Read the actual state with as few calls as the API allows.

ListEntities (50 offers a page) finds the seller's private offers, BatchDescribeEntities (20 a
call) reads their details. DescribeEntity and ListEntities do not return tags, and the
``offerops:key`` tag is what ties an offer to its file, so tags are read only for offers the key
index (``.offerops/index-*.json``, a cache that is safe to delete) does not know yet.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from offerops.catalog.client import CatalogClient
from offerops.fileio import atomic_write_text
from offerops.reconcile.actual import ActualOffer, actual_offer
from offerops.reconcile.retry import RetryPolicy

CATALOG = "AWSMarketplace"
KEY_TAG = "offerops:key"
LIST_PAGE = 50
DESCRIBE_BATCH = 20


class CountingClient:
    """Wraps a Catalog client and counts calls per operation (plan output and benchmarks)."""

    def __init__(self, client: CatalogClient) -> None:
        self._client = client
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        if not callable(method) or name.startswith("_") or name == "close":
            return method

        def counted(**kwargs: Any) -> Any:
            with self._lock:
                self.calls[name] += 1
            return method(**kwargs)

        return counted


@dataclass
class KeyIndex:
    """offer id -> offerops key (or None: checked, not ours). A cache of the tags."""

    path: Path | None
    keys: dict[str, str | None] = field(default_factory=dict)
    dirty: bool = False

    @classmethod
    def load(cls, path: Path | None) -> KeyIndex:
        if path is None or not path.is_file():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path)  # a corrupt cache is rebuilt from the tags
        keys = data.get("keys", {}) if isinstance(data, dict) else {}
        return cls(path, {str(k): (str(v) if v else None) for k, v in keys.items()})

    def remember(self, offer_id: str, key: str | None) -> None:
        if self.keys.get(offer_id, "?") != key:
            self.keys[offer_id] = key
            self.dirty = True

    def save(self) -> None:
        if self.path is not None and self.dirty:
            atomic_write_text(self.path, json.dumps({"keys": self.keys}, indent=1, sort_keys=True))
            self.dirty = False


def list_offer_summaries(client: Any, retry: RetryPolicy) -> Iterator[dict[str, Any]]:
    """Every private offer of the calling seller (targeted at buyer accounts)."""
    request: dict[str, Any] = {
        "Catalog": CATALOG,
        "EntityType": "Offer",
        "MaxResults": LIST_PAGE,
        "EntityTypeFilters": {"OfferFilters": {"Targeting": {"ValueList": ["BuyerAccounts"]}}},
    }
    while True:
        page = retry.call(client.list_entities, **request)
        yield from page.get("EntitySummaryList", [])
        token = page.get("NextToken")
        if not token:
            return
        request["NextToken"] = token


def describe_offers(client: Any, ids: list[str], retry: RetryPolicy) -> list[dict[str, Any]]:
    """EntityDetail for every id, 20 per BatchDescribeEntities call."""
    details: list[dict[str, Any]] = []
    for start in range(0, len(ids), DESCRIBE_BATCH):
        chunk = ids[start : start + DESCRIBE_BATCH]
        response = retry.call(
            client.batch_describe_entities,
            EntityRequestList=[{"Catalog": CATALOG, "EntityId": offer_id} for offer_id in chunk],
        )
        found = response.get("EntityDetails", {})
        details.extend(
            {**found[offer_id], "EntityId": offer_id} for offer_id in chunk if offer_id in found
        )
    return details


def key_of(client: Any, arn: str, retry: RetryPolicy) -> str | None:
    """The offer's ``offerops:key`` tag, or None."""
    response = retry.call(client.list_tags_for_resource, ResourceArn=arn)
    for tag in response.get("Tags", []):
        if tag.get("Key") == KEY_TAG:
            return str(tag.get("Value"))
    return None


def fetch_actual(client: Any, index: KeyIndex, retry: RetryPolicy) -> list[ActualOffer]:
    """The seller's private offers with their details and keys."""
    summaries = list(list_offer_summaries(client, retry))
    arns = {str(s["EntityId"]): str(s.get("EntityArn", "")) for s in summaries}
    offers = []
    for entity in describe_offers(client, list(arns), retry):
        offer_id = str(entity["EntityId"])
        if offer_id not in index.keys:
            index.remember(offer_id, key_of(client, arns[offer_id] or entity["EntityArn"], retry))
        offers.append(actual_offer(entity, index.keys.get(offer_id)))
    index.save()
    return offers
