"""Fixtures for reconciler tests: the example repository on a fresh emulator, embedded or served
(instant, or slow with the documented quotas)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from offerops.reconcile.retry import RetryPolicy
from offerops.reconcile.session import Session, open_session
from support import TODAY

PROJECT = Path(__file__).resolve().parents[2]


WAITING_EXAMPLE = "acme-analytics-2027-upgrade.yaml"
"""The example replacement offer: it waits until a buyer accepts acme-analytics-2027, so every
plan of the example repository would show it; tests of replacement offers add it back
(:func:`copy_example` with ``waiting=True``)."""


EXAMPLE_OFFERS = sum(
    1 for path in (PROJECT / "offers").glob("*.yaml") if path.name != WAITING_EXAMPLE
)
"""How many offers :func:`copy_example` brings (every example offer but the waiting one): tests
count against it, so a new example offer does not break them."""


def copy_example(tmp_path: Path, *, waiting: bool = False) -> Path:
    """A copy of this project's example offers repository (config, offers, legal); without the
    replacement offer that waits for an agreement unless ``waiting``."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(PROJECT / "offerops.yaml", root / "offerops.yaml")
    ignored = shutil.ignore_patterns() if waiting else shutil.ignore_patterns(WAITING_EXAMPLE)
    shutil.copytree(PROJECT / "offers", root / "offers", ignore=ignored)
    shutil.copytree(PROJECT / "legal", root / "legal")
    return root


@pytest.fixture
def embedded_repo(tmp_path: Path) -> Path:
    """The example repository on the embedded emulator (its default backend)."""
    return copy_example(tmp_path)


SLOW_SECONDS = 0.5
"""Processing time of a change set on the ``http-slow-quotas`` server: PREPARING, then APPLYING,
as on AWS (where it takes minutes), and still a fast suite."""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``example_repo`` runs each test on ``embedded`` and ``http``, and the tests a module names
    in ``SLOW_QUOTAS`` also on ``http-slow-quotas`` (a subset: each takes seconds there)."""
    if "example_repo" in metafunc.fixturenames:
        kinds = ["embedded", "http"]
        if metafunc.function.__name__ in getattr(metafunc.module, "SLOW_QUOTAS", ()):
            kinds.append("http-slow-quotas")
        metafunc.parametrize("example_repo", kinds, indirect=True)


@pytest.fixture
def example_repo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """The example repository on the embedded emulator, and on the emulator served over HTTP
    (reached with boto3 and ``endpoint_url``): the same tests hold for both backends.

    ``http-slow-quotas`` serves it as AWS behaves: change sets take ``SLOW_SECONDS`` (so a second
    set on a busy offer meets ResourceInUseException and apply polls), and the documented
    request quotas are enforced (ThrottlingException past them). Sessions from
    :func:`session_for` then back off for real, as the CLI does.
    """
    root = copy_example(tmp_path)
    if request.param == "embedded":
        yield root
        return
    with served_example(root, tmp_path, slow=request.param == "http-slow-quotas"):
        yield root


@contextmanager
def served_example(root: Path, tmp_path: Path, *, slow: bool) -> Iterator[str]:
    """Serve a fresh emulator seeded from ``root`` and point its offerops.yaml at it."""
    from offerops.emulator.cli import load_config
    from offerops.emulator.engine import Marketplace
    from offerops.emulator.faults import FaultConfig
    from offerops.emulator.seeding import seed_repository
    from offerops.emulator.server import running_server

    config = load_config(root / "offerops.yaml")
    market = (
        Marketplace(
            tmp_path / "served.sqlite",
            processing_seconds=SLOW_SECONDS,
            faults=FaultConfig(rate_limits=True, seed=1),
        )
        if slow
        else Marketplace(tmp_path / "served.sqlite")
    )
    seed_repository(market, config)
    with running_server(market) as server:
        text = (root / "offerops.yaml").read_text().split("backend:")[0]
        backend = f"backend:\n  kind: http\n  endpoint: {server.url}\n"
        (root / "offerops.yaml").write_text(text + backend)
        yield server.url


def is_slow(request: pytest.FixtureRequest) -> bool:
    """Whether the test runs on the ``http-slow-quotas`` server."""
    callspec = getattr(request.node, "callspec", None)
    return callspec is not None and callspec.params.get("example_repo") == "http-slow-quotas"


@pytest.fixture
def session_for(request: pytest.FixtureRequest) -> Iterator[object]:
    """Open sessions on a repository and close them after the test.

    Retries back off without sleeping, except against the slow server with quotas, whose token
    buckets refill in real time: there they sleep as the CLI's do.
    """
    opened: list[Session] = []
    slow = is_slow(request)

    def open_it(root: Path) -> Session:
        policy = RetryPolicy(seed=1) if slow else RetryPolicy(sleep=lambda _: None, seed=1)
        session = open_session(root, TODAY, policy)
        opened.append(session)
        return session

    yield open_it
    for session in opened:
        session.close()
