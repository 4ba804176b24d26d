"""Read the actual state with as few calls as the API allows, and tie each offer to its file.

ListEntities (50 offers a page) finds the seller's private offers, BatchDescribeEntities (20 a
call) reads their details. DescribeEntity and ListEntities do not return tags, and the
``offerops:key`` tag is what ties an offer to its file, so a key index
(``.offerops/index-*.json``, offer id -> key) caches the tags.

The index is a cache, never the truth. An offer it does not map is read (ListTagsForResource).
An entry it does map is trusted only while trusting it cannot change what the plan does: an
offer planned for an update, an expiry or a replacement, two offers claiming one key, and every
offer that might carry a key planned for a create are verified against their tags first (see
:func:`verify_keys`). On a warm index with nothing to change that costs no tag reads at all.
Writing the index never fails a run: a cache that cannot be saved is a warning.
"""

from __future__ import annotations

import json
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from offerops.catalog.client import CATALOG as CATALOG
from offerops.catalog.client import CatalogClient
from offerops.fileio import atomic_write_text
from offerops.reconcile.actual import ActualOffer, actual_offer
from offerops.reconcile.desired import DesiredOffer
from offerops.reconcile.diff import OfferPlan, diff
from offerops.reconcile.retry import RetryPolicy
from offerops.terms import replacement

if TYPE_CHECKING:
    from mypy_boto3_marketplace_catalog.type_defs import (
        BatchDescribeEntitiesRequestTypeDef,
        BatchDescribeEntitiesResponseTypeDef,
        CancelChangeSetRequestTypeDef,
        CancelChangeSetResponseTypeDef,
        DescribeChangeSetRequestTypeDef,
        DescribeChangeSetResponseTypeDef,
        DescribeEntityRequestTypeDef,
        DescribeEntityResponseTypeDef,
        EntitySummaryTypeDef,
        ListChangeSetsRequestTypeDef,
        ListChangeSetsResponseTypeDef,
        ListEntitiesRequestTypeDef,
        ListEntitiesResponseTypeDef,
        ListTagsForResourceRequestTypeDef,
        ListTagsForResourceResponseTypeDef,
        OfferFiltersTypeDef,
        StartChangeSetRequestTypeDef,
        StartChangeSetResponseTypeDef,
        TagResourceRequestTypeDef,
        UntagResourceRequestTypeDef,
    )
    from typing_extensions import Unpack

KEY_TAG = "offerops:key"
LIST_PAGE = 50
DESCRIBE_BATCH = 20
DOUBTED_ACTIONS: frozenset[str] = frozenset({"update", "expire", "replace-needed"})
"""Actions taken on an offer because the index ties it to a file: verified before planned."""


class CountingClient:
    """A Catalog client that counts calls per operation (plan output, apply log, benchmarks).

    It is itself a :class:`~offerops.catalog.client.CatalogClient`, method by method, so the
    reconciler's calls and the responses it reads are typed by boto3's own stubs.
    """

    def __init__(self, client: CatalogClient) -> None:
        self._client = client
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    def _count(self, operation: str) -> None:
        with self._lock:
            self.calls[operation] += 1

    def start_change_set(
        self, **kwargs: Unpack[StartChangeSetRequestTypeDef]
    ) -> StartChangeSetResponseTypeDef:
        self._count("start_change_set")
        return self._client.start_change_set(**kwargs)

    def describe_change_set(
        self, **kwargs: Unpack[DescribeChangeSetRequestTypeDef]
    ) -> DescribeChangeSetResponseTypeDef:
        self._count("describe_change_set")
        return self._client.describe_change_set(**kwargs)

    def list_change_sets(
        self, **kwargs: Unpack[ListChangeSetsRequestTypeDef]
    ) -> ListChangeSetsResponseTypeDef:
        self._count("list_change_sets")
        return self._client.list_change_sets(**kwargs)

    def cancel_change_set(
        self, **kwargs: Unpack[CancelChangeSetRequestTypeDef]
    ) -> CancelChangeSetResponseTypeDef:
        self._count("cancel_change_set")
        return self._client.cancel_change_set(**kwargs)

    def describe_entity(
        self, **kwargs: Unpack[DescribeEntityRequestTypeDef]
    ) -> DescribeEntityResponseTypeDef:
        self._count("describe_entity")
        return self._client.describe_entity(**kwargs)

    def batch_describe_entities(
        self, **kwargs: Unpack[BatchDescribeEntitiesRequestTypeDef]
    ) -> BatchDescribeEntitiesResponseTypeDef:
        self._count("batch_describe_entities")
        return self._client.batch_describe_entities(**kwargs)

    def list_entities(
        self, **kwargs: Unpack[ListEntitiesRequestTypeDef]
    ) -> ListEntitiesResponseTypeDef:
        self._count("list_entities")
        return self._client.list_entities(**kwargs)

    def tag_resource(self, **kwargs: Unpack[TagResourceRequestTypeDef]) -> dict[str, object]:
        self._count("tag_resource")
        return self._client.tag_resource(**kwargs)

    def untag_resource(self, **kwargs: Unpack[UntagResourceRequestTypeDef]) -> dict[str, object]:
        self._count("untag_resource")
        return self._client.untag_resource(**kwargs)

    def list_tags_for_resource(
        self, **kwargs: Unpack[ListTagsForResourceRequestTypeDef]
    ) -> ListTagsForResourceResponseTypeDef:
        self._count("list_tags_for_resource")
        return self._client.list_tags_for_resource(**kwargs)

    def close(self) -> None:
        self._client.close()


@dataclass
class KeyIndex:
    """offer id -> offerops key (or None: not ours). A cache of the tags, with this run's proof.

    ``keys`` is what the file said, corrected by what this run learned; ``verified`` holds the
    offers whose key this run read from their tags (or created with that tag), and ``absent``
    the keys this run made sure no listed offer carries.
    """

    path: Path | None
    keys: dict[str, str | None] = field(default_factory=dict)
    dirty: bool = False
    verified: set[str] = field(default_factory=set)
    absent: set[str] = field(default_factory=set)
    warnings: TextIO | None = None
    """Where the one warning about an unwritable index goes (default: standard error)."""
    _warned: bool = field(default=False, repr=False)

    @classmethod
    def load(cls, path: Path | None) -> KeyIndex:
        """The index at ``path``; anything unreadable or malformed is a cold cache, never an error.

        Entries whose value is neither a key (a non-empty string) nor null are dropped, so those
        offers are read from their tags like unknown ones.
        """
        try:
            if path is None or not path.is_file():
                return cls(path)
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(path)
        keys = data.get("keys") if isinstance(data, dict) else None
        if not isinstance(keys, dict):
            return cls(path)
        kept = {
            offer_id: value
            for offer_id, value in keys.items()
            if value is None or (isinstance(value, str) and value)
        }
        return cls(path, kept, dirty=len(kept) != len(keys))

    def remember(self, offer_id: str, key: str | None) -> None:
        """Record what the marketplace says (a tag just read, or an offer created with it)."""
        self.verified.add(offer_id)
        if key is not None:
            self.absent.discard(key)
        if self.keys.get(offer_id, "?") != key:
            self.keys[offer_id] = key
            self.dirty = True

    def keep_only(self, offer_ids: Iterable[str]) -> None:
        """Forget offers that are no longer listed (deleted, or not private offers any more)."""
        listed = set(offer_ids)
        stale = [offer_id for offer_id in self.keys if offer_id not in listed]
        for offer_id in stale:
            del self.keys[offer_id]
        self.dirty = self.dirty or bool(stale)

    def save(self) -> None:
        """Write the index if it changed; a failure is one warning, and the run goes on."""
        if self.path is None or not self.dirty:
            return
        text = json.dumps({"keys": self.keys}, indent=1, sort_keys=True)
        try:
            atomic_write_text(self.path, text)
        except OSError as error:
            self._warn(error)
            return
        self.dirty = False

    def _warn(self, error: OSError) -> None:
        if self._warned:
            return
        self._warned = True
        reason = error.strerror or str(error)
        stream = self.warnings or sys.stderr
        stream.write(
            f"offerops: warning: cannot write the key index {self.path} ({reason}); continuing"
            " without it: the next run reads the offers' tags again (one call per offer)\n"
        )
        stream.flush()


OFFER_LISTINGS: tuple[OfferFiltersTypeDef, ...] = (
    {"Targeting": {"ValueList": ["BuyerAccounts"]}},
    {"Targeting": {"ValueList": ["None", "CountryCodes"]}, "State": {"ValueList": ["Draft"]}},
)
"""The seller's private offers: those targeting buyer accounts, then the drafts that target no
buyer yet: nobody, or only countries (a ``lifecycle: draft`` file may leave its buyers out, as
AWS's CreateDraftPrivateOffer and UpdateOfferTargeting samples do). Released offers that target
no buyer are public offers and stay out."""


def list_offer_summaries(
    client: CatalogClient, retry: RetryPolicy
) -> Iterator[EntitySummaryTypeDef]:
    """Every private offer of the calling seller, each once (a draft that gains buyers between
    the two listings could be in both).

    The key index maps offer ids, not listings: a draft that gains buyers moves from the second
    listing to the first under the same id and keeps its entry.
    """
    seen: set[str] = set()
    for filters in OFFER_LISTINGS:
        request: ListEntitiesRequestTypeDef = {
            "Catalog": CATALOG,
            "EntityType": "Offer",
            "MaxResults": LIST_PAGE,
            "EntityTypeFilters": {"OfferFilters": filters},
        }
        for summary in list_entities(client, retry, request):
            if summary["EntityId"] not in seen:
                seen.add(summary["EntityId"])
                yield summary


def list_entities(
    client: CatalogClient, retry: RetryPolicy, request: ListEntitiesRequestTypeDef
) -> Iterator[EntitySummaryTypeDef]:
    """Every summary ListEntities gives for ``request``, page after page (``request`` is
    updated with each page's NextToken)."""
    while True:
        page = retry.call(client.list_entities, **request)
        yield from page.get("EntitySummaryList", [])
        token = page.get("NextToken")
        if not token:
            return
        request["NextToken"] = token


def describe_offers(
    client: CatalogClient, ids: list[str], retry: RetryPolicy
) -> list[Mapping[str, object]]:
    """EntityDetail for every id, 20 per BatchDescribeEntities call."""
    details: list[Mapping[str, object]] = []
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


def key_of(client: CatalogClient, arn: str, retry: RetryPolicy) -> str | None:
    """The offer's ``offerops:key`` tag, or None."""
    response = retry.call(client.list_tags_for_resource, ResourceArn=arn)
    for tag in response.get("Tags", []):
        if tag.get("Key") == KEY_TAG:
            return str(tag.get("Value"))
    return None


TagReader = Callable[[str], str | None]
"""offer id -> its ``offerops:key`` tag (one ListTagsForResource)."""


def fetch_actual(
    client: CatalogClient,
    index: KeyIndex,
    retry: RetryPolicy,
    desired: Sequence[DesiredOffer] = (),
    today: date | None = None,
    prune: bool = False,
) -> list[ActualOffer]:
    """The seller's private offers with their details and verified keys; the index is saved."""
    summaries = list(list_offer_summaries(client, retry))
    arns = {str(s["EntityId"]): str(s.get("EntityArn", "")) for s in summaries}
    targets = {str(s["EntityId"]): replacement.target_agreement(s) for s in summaries}
    offers = [
        replace(offer, target_agreement_id=targets.get(offer.offer_id))
        for offer in map(actual_offer, describe_offers(client, list(arns), retry))
    ]
    arns.update({offer.offer_id: offer.arn for offer in offers if not arns.get(offer.offer_id)})
    index.keep_only(arns)

    def read_tag(offer_id: str) -> str | None:
        return key_of(client, arns[offer_id], retry)

    for offer in offers:
        if offer.offer_id not in index.keys:
            index.remember(offer.offer_id, read_tag(offer.offer_id))
    keyed = verify_keys(offers, desired, index, read_tag, today or date.today(), prune)
    index.save()
    return keyed


def verify_keys(
    offers: Sequence[ActualOffer],
    desired: Sequence[DesiredOffer],
    index: KeyIndex,
    read_tag: TagReader,
    today: date,
    prune: bool = False,
) -> list[ActualOffer]:
    """The offers with their keys, every index entry a decision rests on checked against tags.

    Plans with the index as it is, reads the tags of the offers whose entries that plan leans on
    (:func:`doubted`), corrects the index, and plans again until nothing is left to doubt: each
    round verifies at least one more offer, so it ends. Keys still unmatched at the end are
    recorded as ``index.absent``, so apply's last guard before a create needs no further calls.
    """
    while True:
        keyed = [replace(offer, key=index.keys.get(offer.offer_id)) for offer in offers]
        entries = diff(list(desired), keyed, today, prune)
        pending = doubted(keyed, entries, desired, prune) - index.verified
        if not pending:
            index.absent.update(e.key for e in entries if e.key and e.relpath and not e.offer_id)
            return keyed
        for offer_id in sorted(pending):
            index.remember(offer_id, read_tag(offer_id))


def doubted(
    offers: Sequence[ActualOffer],
    entries: Sequence[OfferPlan],
    desired: Sequence[DesiredOffer],
    prune: bool,
) -> set[str]:
    """Offer ids whose index entry would decide something if it were wrong.

    - two offers claiming one key (one of them, at least, is wrong);
    - an offer planned for an update, an expiry or a replacement (a swapped entry would send
      one file's changes to another file's offer);
    - when a key is not matched (it would be created): every unmanaged offer (a null or stale
      entry may hide the key) and every offer with that file's name (a clone whose entry
      points at its twin);
    - with ``--prune``: every unmanaged offer (a null entry would keep a managed offer alive).

    An offer that is a no-op under its entry is left alone: it already is what its file says.
    """
    claims = Counter(offer.key for offer in offers if offer.key)
    found = {offer.offer_id for offer in offers if offer.key and claims[offer.key] > 1}
    found |= {e.offer_id for e in entries if e.offer_id and e.action in DOUBTED_ACTIONS}
    unmatched = {e.key for e in entries if e.key and e.relpath and not e.offer_id}
    if unmatched or prune:
        found |= {e.offer_id for e in entries if e.offer_id and e.action == "unmanaged"}
    if unmatched:
        names = {offer.name for offer in desired if offer.key in unmatched}
        found |= {offer.offer_id for offer in offers if offer.name in names}
    return found


def key_holder(key: str, client: CatalogClient, retry: RetryPolicy, index: KeyIndex) -> str | None:
    """The id of a listed offer whose tag is ``key``, or None: apply's guard before a create.

    Free when this run already made sure (``index.absent``); otherwise the offers are listed
    again and every offer whose tag this run has not read is read, since only the tags can
    prove a key is free.
    """
    if key in index.absent:
        return None
    for summary in list_offer_summaries(client, retry):
        offer_id = str(summary["EntityId"])
        if offer_id not in index.verified:
            index.remember(offer_id, key_of(client, str(summary.get("EntityArn", "")), retry))
        if index.keys.get(offer_id) == key:
            return offer_id
    index.absent.add(key)
    return None
