"""The emulator's backend: :class:`Marketplace`, one method per API operation, no HTTP.

The HTTP layer (``responses.py``) and the embedded client both call :meth:`Marketplace.call` with
the operation name, the calling account and the request members under their botocore names, and get
the response exactly as it goes on the wire. Each call:

1. injects the configured faults (latency, throttling, server errors) before touching anything;
2. processes the change sets whose time has come (the lazy lifecycle, see :mod:`changesets`);
3. runs the operation in one SQLite transaction (``BEGIN IMMEDIATE`` for mutations).

No Python lock is held across a call, so threads and processes sharing the database only queue on
SQLite's own writer lock, for the few milliseconds a mutation takes.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from offerops.emulator import (
    agreements,
    assessments,
    entities,
    products,
    resource_policies,
    tags,
)
from offerops.emulator.changesets import ChangeSets
from offerops.emulator.clock import Clock, ManualClock, SystemClock, api_time
from offerops.emulator.faults import FaultConfig, Faults
from offerops.emulator.ids import new_resale_authorization_id
from offerops.emulator.store import Store
from offerops.emulator.store.catalog import ResaleAuthorization

Handler = Callable[[sqlite3.Connection, str, Mapping[str, Any]], dict[str, Any]]

_ACCOUNT = re.compile(r"^\d{12}$")


class Marketplace:
    """A local AWS Marketplace Catalog API (offers) and Agreement API, with state in SQLite."""

    def __init__(
        self,
        db_path: str | Path,
        *,
        clock: Clock | None = None,
        faults: FaultConfig | None = None,
        processing_seconds: float = 0.0,
        region: str = "us-east-1",
        quota_clock: Callable[[], float] | None = None,
    ) -> None:
        if processing_seconds < 0:
            raise ValueError(f"processing_seconds must not be negative, got {processing_seconds}")
        self.store = Store(db_path)
        self.clock: Clock = clock or SystemClock()
        self.faults = Faults(faults, monotonic=quota_clock or time.monotonic)
        self.region = region
        self.change_sets = ChangeSets(
            clock=self.clock,
            faults=self.faults,
            region=region,
            processing_seconds=processing_seconds,
        )
        self._operations = self._operation_table()

    def _operation_table(self) -> dict[str, tuple[bool, Handler]]:
        """Operation -> (mutates?, handler(connection, account, request))."""
        region, change_sets = self.region, self.change_sets

        def with_region(function: Callable[..., dict[str, Any]]) -> Handler:
            return lambda connection, account, request: function(
                connection, account, request, region
            )

        def with_now(function: Callable[..., dict[str, Any]]) -> Handler:
            return lambda connection, account, request: function(
                connection, account, request, self.clock.now()
            )

        return {
            "StartChangeSet": (True, change_sets.start),
            "DescribeChangeSet": (False, change_sets.describe),
            "ListChangeSets": (False, change_sets.list_change_sets),
            "CancelChangeSet": (True, change_sets.cancel),
            "DescribeEntity": (False, with_region(entities.describe_entity)),
            "BatchDescribeEntities": (False, with_region(entities.batch_describe_entities)),
            "ListEntities": (False, with_region(entities.list_entities)),
            "TagResource": (True, with_region(tags.tag_resource)),
            "UntagResource": (True, with_region(tags.untag_resource)),
            "ListTagsForResource": (False, with_region(tags.list_tags)),
            "PutResourcePolicy": (True, with_region(resource_policies.put_resource_policy)),
            "GetResourcePolicy": (False, with_region(resource_policies.get_resource_policy)),
            "DeleteResourcePolicy": (True, with_region(resource_policies.delete_resource_policy)),
            "StartAssessment": (False, with_region(assessments.start_assessment)),
            "DescribeAssessment": (False, with_region(assessments.describe_assessment)),
            "ListAssessments": (False, with_region(assessments.list_assessments)),
            "SearchAgreements": (False, with_now(agreements.search_agreements)),
            "DescribeAgreement": (False, with_now(agreements.describe_agreement)),
            "GetAgreementTerms": (False, with_now(agreements.get_agreement_terms)),
        }

    @property
    def operations(self) -> frozenset[str]:
        """The API operations :meth:`call` implements."""
        return frozenset(self._operations)

    def call(self, operation: str, account: str, request: dict[str, Any]) -> dict[str, Any]:
        """Run one API operation as ``account``; raises ``CatalogError`` subclasses."""
        entry = self._operations.get(operation)
        if entry is None:
            raise ValueError(f"{operation} is not an operation of the offerops emulator")
        _check_account(account)
        self.faults.before_call(operation, account)
        self._advance()
        mutates, handler = entry
        if not mutates:
            with self.store.read() as connection:
                return handler(connection, account, request)
        with self.store.write() as connection:
            # A set that became due since _advance must not hold its entities' locks.
            self.change_sets.process_due(connection)
            return handler(connection, account, request)

    def _advance(self) -> None:
        """Process due change sets; only takes the writer lock when there is something to do."""
        with self.store.read() as connection:
            due = self.change_sets.has_due(connection)
        if due:
            with self.store.write() as connection:
                self.change_sets.process_due(connection)

    # --- emulator-only: seeding, buyers, time, reset ------------------------------------------

    def seed_products(
        self, account: str, products_by_alias: Mapping[str, products.ProductLike]
    ) -> list[str]:
        """Create or update ``account``'s products (from ``Config.products``); idempotent."""
        _check_account(account)
        with self.store.write() as connection:
            return products.seed_products(
                connection, account, products_by_alias.values(), api_time(self.clock.now())
            )

    def seed_resale_authorization(
        self,
        isv_account: str,
        reseller_account: str,
        product_id: str,
        *,
        authorization_id: str | None = None,
        name: str | None = None,
    ) -> str:
        """Share an Active resale authorization for the ISV's product with a reseller.

        The product must already be seeded for ``isv_account``. Returns the authorization id
        (``authorization_id`` if given, so an offers repository can name a fixed one).
        """
        _check_account(isv_account)
        _check_account(reseller_account)
        authorization = ResaleAuthorization(
            authorization_id or new_resale_authorization_id(),
            isv_account,
            reseller_account,
            product_id,
            name or f"Resale of {product_id} by {reseller_account}",
            "Active",
            api_time(self.clock.now()),
        )
        with self.store.write() as connection:
            products.seed_resale_authorization(connection, authorization)
        return authorization.id

    def list_offers_for_buyer(self, buyer_account: str) -> list[dict[str, Any]]:
        """The released, unexpired offers that target ``buyer_account``."""
        _check_account(buyer_account)
        self._advance()
        with self.store.read() as connection:
            return agreements.offers_for_buyer(connection, buyer_account, self.clock.now())

    def accept_offer(
        self, buyer_account: str, offer_id: str, purchase_order: str | None = None
    ) -> dict[str, Any]:
        """Accept an offer as ``buyer_account``: returns the new agreement (DescribeAgreement)."""
        _check_account(buyer_account)
        self._advance()
        with self.store.write() as connection:
            return agreements.accept(
                connection, buyer_account, offer_id, purchase_order, self.clock.now()
            )

    def advance(self, seconds: float) -> None:
        """Move a :class:`ManualClock` forward (tests hold change sets in PREPARING with it)."""
        if not isinstance(self.clock, ManualClock):
            raise TypeError("advance() needs a Marketplace created with clock=ManualClock(...)")
        self.clock.advance(seconds)

    def reset(self) -> None:
        """Forget everything: products, offers, change sets, tags and agreements."""
        self.store.reset()

    def close(self) -> None:
        """Nothing stays open between calls; kept so callers can treat the engine as a resource."""

    def __enter__(self) -> Marketplace:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _check_account(account: str) -> None:
    if not isinstance(account, str) or not _ACCOUNT.match(account):
        raise ValueError(f"an AWS account id has 12 digits, got {account!r}")
