"""The real reconciler against AWS's scale, in virtual time.

A session on the embedded emulator where everything runs on one :class:`VirtualClock`: the
emulator's change sets take ``processing_seconds`` of it and its quota buckets (the documented
quotas, enforced) refill on it, and the reconciler paces itself, backs off and follows change
sets on it too. Waiting moves the clock, so an apply of 10,000 offers with five-minute change
sets runs in the time its calls take to compute, and ``clock.now()`` says how long it would
have taken. What it leaves out is the latency of each call (see docs/reconciler.md, "Virtual
time"). Used by ``benchmarks/quota_speed.py`` and the pipeline tests.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from offerops.catalog.embedded import EmbeddedAgreementClient, EmbeddedCatalogClient
from offerops.catalog.quotas import DOCUMENTED_QUOTAS, Limiter
from offerops.emulator.engine import Marketplace
from offerops.emulator.faults import FaultConfig
from offerops.emulator.seeding import seed_from_repository
from offerops.errors import ConfigError
from offerops.lint.runner import LintRequest, lint
from offerops.reconcile.fetch import CountingClient
from offerops.reconcile.retry import RetryPolicy
from offerops.reconcile.session import STATE_DIR, Session
from offerops.timing import VirtualClock

DATABASE = "virtual.sqlite"


def virtual_session(
    root: Path,
    today: date,
    clock: VirtualClock,
    processing_seconds: float,
    *,
    paced: bool = True,
) -> Session:
    """A session on ``root``'s offers against an emulator in ``root/.offerops/virtual.sqlite``.

    ``paced``: the client keeps the documented quotas (the default for AWS); without it only
    throttling answers slow it down.
    """
    (root / STATE_DIR).mkdir(exist_ok=True)
    market = Marketplace(
        root / STATE_DIR / DATABASE,
        clock=clock,
        faults=FaultConfig(rate_limits=True),
        processing_seconds=processing_seconds,
        quota_clock=clock.now,
    )
    seed_from_repository(market, root, None)
    report = lint(LintRequest(root=root, today=today))
    if report.repo is None or report.has_errors:
        raise ConfigError(f"{root} does not lint clean", hint="run `offerops lint` there")
    config = report.repo.config
    account = config.seller.accountId
    retry = RetryPolicy(clock=clock, sleep=clock.sleep, seed=1)
    retry.limiter = Limiter(DOCUMENTED_QUOTAS if paced else {}, clock)
    return Session(
        root,
        today,
        report,
        config,
        CountingClient(EmbeddedCatalogClient(market, account)),
        EmbeddedAgreementClient(market, account),
        retry,
    )
