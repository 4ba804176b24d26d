"""One reconciler run: lint, open the backend, read actual state, plan; and apply a plan.

Commands build a :class:`Session` and call its methods; tests drive the same object.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import TextIO

from offerops.catalog.client import AgreementClient
from offerops.catalog.quotas import Limiter, quotas_for
from offerops.errors import ConfigError, OfferopsError
from offerops.fileio import atomic_write_text
from offerops.lint.runner import LintReport, LintRequest, lint
from offerops.model.config import Backend, Config
from offerops.reconcile.actual import ActualOffer
from offerops.reconcile.apply import (
    INTERRUPTED,
    NOT_STARTED,
    ApplyOptions,
    OfferResult,
    Progress,
    apply_entries,
)
from offerops.reconcile.desired import DesiredOffer
from offerops.reconcile.fetch import CountingClient, KeyIndex, fetch_actual
from offerops.reconcile.plan import Plan, check_not_stale, desired_state, make_plan
from offerops.reconcile.replacements import agreement_lookup, gather
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
    agreements: AgreementClient
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    reading: bool = False
    """Opened by a command that only reads the marketplace (``status``): lint errors in offer
    files do not stop it (an offer past its expiry is what ``status`` reports on)."""

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
        return desired_state(self.report, require_clean=not self.reading)

    def actual(self, prune: bool = False) -> list[ActualOffer]:
        """The marketplace's offers, with every key a decision rests on checked against tags."""
        return fetch_actual(self.client, self.index, self.retry, self.desired(), self.today, prune)

    def plan(self, prune: bool = False) -> Plan:
        desired = self.desired()
        actual = self.actual(prune)
        lookup = agreement_lookup(self.agreements, self.retry)
        agreements = gather(desired, actual, self.today, prune, lookup)
        plan = make_plan(desired, actual, self.today, self.label, prune, agreements)
        from offerops.products.custom import add_custom_dimensions

        add_custom_dimensions(self.client, self.retry, self.report, plan)
        plan.api_calls = dict(self.client.calls)
        return plan

    def check_products(self, plan: Plan) -> None:
        """Add the plan's warnings where offerops.yaml's products disagree with the marketplace
        (``offerops.products.check``: one call per 20 products, none when nothing changes)."""
        from offerops.products.check import check_products

        found = check_products(self.client, self.retry, self.report, plan.entries)
        plan.warnings = [*plan.warnings, *found]
        plan.api_calls = dict(self.client.calls)

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


def _first_errors(report: LintReport, shown: int = 3) -> str:
    """The first errors, positioned, so plan and apply say where without another command."""
    errors = [f for f in sorted(report.findings) if str(f.severity) == "error"][:shown]
    return "".join(f"\n  {f.file}:{f.line}:{f.column}: {f.rule} {f.message}" for f in errors)


def open_session(
    root: Path, today: date, retry: RetryPolicy | None = None, *, reading: bool = False
) -> Session:
    """Lint the repository (errors stop here, unless ``reading``: then only offerops.yaml's
    do) and open its backend."""
    report = lint(LintRequest(root=root, today=today))
    if report.repo is None:
        raise ConfigError(
            "offerops.yaml has errors" + _first_errors(report),
            hint="run `offerops lint` to see and fix them",
        )
    if report.has_errors and not reading:
        errors = report.summary.errors
        raise OfferopsError(
            f"lint found {errors} error(s); plan and apply need a clean lint",
            hint="run `offerops lint` to see them",
        )
    config = report.repo.config
    from offerops.catalog.factory import open_catalog

    catalog, agreements = open_catalog(config.backend, root, account=config.seller.accountId)
    retry = paced_policy(config.backend, retry)
    client = CountingClient(catalog)
    return Session(root, today, report, config, client, agreements, retry, reading=reading)


def paced_policy(backend: Backend, retry: RetryPolicy | None = None) -> RetryPolicy:
    """``retry`` (or the default policy) paced at ``backend``'s quotas, with its network hint."""
    retry = retry or RetryPolicy()
    retry.network_hint = network_hint(backend)
    retry.limiter = Limiter(quotas_for(backend.quotas, backend.kind), retry.clock)
    return retry


def network_hint(backend: Backend) -> str:
    """What to do when the backend stays unreachable after every retry."""
    if backend.kind == "http":
        return (
            f"check backend.endpoint in offerops.yaml ({backend.endpoint}) or start "
            "`offerops emulator serve` there, then rerun"
        )
    return (
        "check the network path to AWS (proxy, VPC endpoint) and backend.region/backend.endpoint"
        " in offerops.yaml, then rerun: a rerun picks up where this one stopped"
    )


def write_apply_log(
    path: Path,
    session: Session,
    plan: Plan,
    results: list[OfferResult],
    started: datetime,
    apply_seconds: float,
    *,
    stopped_by: str | None = None,
    fallback: TextIO | None = None,
) -> Path | None:
    """The machine-readable record of an apply: every change set, its status and errors.

    The apply has already happened when this runs, so a log that cannot be written (a full
    disk, a read-only ``.offerops``) must not lose it: the JSON goes to ``fallback`` (standard
    error) after a warning, and the return value is None instead of the path written.
    ``stopped_by`` names the signal that interrupted the apply, if one did.
    """
    text = json.dumps(
        _apply_log(session, plan, results, started, apply_seconds, stopped_by),
        indent=2,
        ensure_ascii=False,
    )
    try:
        atomic_write_text(path, text + "\n")
    except OSError as error:
        stream = fallback or sys.stderr
        reason = error.strerror or str(error)
        stream.write(
            f"offerops: warning: cannot write the apply log {path} ({reason}); here it is:\n"
        )
        stream.write(text + "\n")
        stream.flush()
        return None
    return path


def _apply_log(
    session: Session,
    plan: Plan,
    results: list[OfferResult],
    started: datetime,
    apply_seconds: float,
    stopped_by: str | None,
) -> dict[str, object]:
    statuses = [result.status for result in results]
    unfinished = {INTERRUPTED, NOT_STARTED}
    return {
        "format": "offerops-apply-log/v1",
        "startedAt": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "finishedAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "backend": session.label,
        "applySeconds": round(apply_seconds, 3),
        "planBaseHash": plan.base_hash,
        "interruptedBy": stopped_by,
        "summary": {
            "succeeded": statuses.count("SUCCEEDED"),
            "failed": sum(1 for s in statuses if s != "SUCCEEDED" and s not in unfinished),
            "interrupted": statuses.count(INTERRUPTED),
            "notStarted": statuses.count(NOT_STARTED),
        },
        "retries": dict(sorted(session.retry.retries.items())),
        "apiCalls": dict(sorted(session.client.calls.items())),
        "offers": [result.as_dict() for result in results],
    }
