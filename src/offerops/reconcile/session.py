"""One reconciler run: lint, open the backend, read actual state, plan; and apply a plan.

Commands build a :class:`Session` and call its methods; tests drive the same object.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from offerops.errors import OfferopsError
from offerops.fileio import atomic_write_text
from offerops.lint.runner import LintReport, LintRequest, lint
from offerops.model.config import Backend, Config
from offerops.reconcile.actual import ActualOffer
from offerops.reconcile.apply import ApplyOptions, OfferResult, Progress, apply_entries
from offerops.reconcile.desired import DesiredOffer
from offerops.reconcile.fetch import CountingClient, KeyIndex, fetch_actual
from offerops.reconcile.plan import Plan, check_not_stale, desired_state, make_plan
from offerops.reconcile.retry import RetryPolicy

STATE_DIR = ".offerops"


def backend_label(backend: Backend, account: str) -> str:
    """Names the backend in plans and logs (never with credentials)."""
    if backend.kind == "emulator":
        return f"emulator:{backend.path}"
    if backend.kind == "http":
        return f"http:{backend.endpoint}"
    from offerops.catalog.factory import region_for

    return f"aws:{region_for(backend)}:{account}"


@dataclass
class Session:
    """The repository, its lint report and an open backend."""

    root: Path
    today: date
    report: LintReport
    config: Config
    client: CountingClient
    agreements: Any
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @property
    def label(self) -> str:
        return backend_label(self.config.backend, self.config.seller.accountId)

    @cached_property
    def index(self) -> KeyIndex:
        """The key index, loaded once: fetch fills it and apply adds the offers it creates."""
        digest = hashlib.sha256(self.label.encode()).hexdigest()[:12]
        return KeyIndex.load(self.root / STATE_DIR / f"index-{digest}.json")

    def desired(self) -> list[DesiredOffer]:
        """The desired state, computed once per session (plan and apply both need it)."""
        return self._desired

    @cached_property
    def _desired(self) -> list[DesiredOffer]:
        return desired_state(self.report)

    def actual(self) -> list[ActualOffer]:
        return fetch_actual(self.client, self.index, self.retry)

    def plan(self, prune: bool = False) -> Plan:
        desired = self.desired()
        plan = make_plan(desired, self.actual(), self.today, self.label, prune)
        plan.api_calls = dict(self.client.calls)
        return plan

    def apply(
        self,
        plan: Plan,
        options: ApplyOptions,
        progress: Progress | None = None,
        saved: Plan | None = None,
    ) -> list[OfferResult]:
        """Apply ``plan``; a ``saved`` plan is applied only if its base has not moved."""
        if saved is not None:
            check_not_stale(saved, plan)
            plan = saved
        desired = {offer.key: offer for offer in self.desired()}
        return apply_entries(
            plan.entries, desired, self.client, self.retry, self.index, options, progress
        )

    def close(self) -> None:
        self.client.close()
        self.agreements.close()


def open_session(root: Path, today: date, retry: RetryPolicy | None = None) -> Session:
    """Lint the repository (errors stop here) and open its backend."""
    report = lint(LintRequest(root=root, today=today))
    if report.repo is None:
        raise OfferopsError(
            "offerops.yaml has errors", hint="run `offerops lint` to see and fix them"
        )
    if report.has_errors:
        errors = report.summary.errors
        raise OfferopsError(
            f"lint found {errors} error(s); plan and apply need a clean lint",
            hint="run `offerops lint` to see them",
        )
    config = report.repo.config
    from offerops.catalog.factory import open_catalog

    if config.backend.kind == "emulator":
        _seed_embedded(root / config.backend.path, report)
    catalog, agreements = open_catalog(config.backend, root, account=config.seller.accountId)
    return Session(
        root, today, report, config, CountingClient(catalog), agreements, retry or RetryPolicy()
    )


def _seed_embedded(db: Path, report: LintReport) -> None:
    """The embedded emulator seeds itself, so a fresh clone needs no extra step."""
    from offerops.emulator.engine import Marketplace
    from offerops.emulator.seeding import seed_repository

    assert report.repo is not None
    config = report.repo.config
    authorizations: dict[str, tuple[str, str]] = {}
    for loaded in report.offers:
        spec = loaded.offer.spec if loaded.offer else None
        product = config.products.get(spec.product) if spec else None
        if spec and spec.channel and product and product.manufacturerAccountId:
            isv = product.manufacturerAccountId
            authorizations[spec.channel.resaleAuthorization] = (isv, product.id)
    db.parent.mkdir(parents=True, exist_ok=True)
    seed_repository(Marketplace(db), config, authorizations)


def write_apply_log(
    path: Path,
    session: Session,
    plan: Plan,
    results: list[OfferResult],
    started: datetime,
    apply_seconds: float,
) -> None:
    """The machine-readable record of an apply: every change set, its status and errors."""
    document = {
        "format": "offerops-apply-log/v1",
        "startedAt": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "finishedAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "backend": session.label,
        "applySeconds": round(apply_seconds, 3),
        "planBaseHash": plan.base_hash,
        "summary": {
            "succeeded": sum(1 for r in results if r.status == "SUCCEEDED"),
            "failed": sum(1 for r in results if r.status != "SUCCEEDED"),
        },
        "retries": dict(sorted(session.retry.retries.items())),
        "apiCalls": dict(sorted(session.client.calls.items())),
        "offers": [result.as_dict() for result in results],
    }
    atomic_write_text(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
