"""Fixtures for reconciler tests: an example repository on a fresh embedded emulator."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from offerops.reconcile.retry import RetryPolicy
from offerops.reconcile.session import Session, open_session
from support import TODAY

PROJECT = Path(__file__).resolve().parents[2]


def copy_example(tmp_path: Path) -> Path:
    """A copy of this project's example offers repository (config, offers, legal)."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(PROJECT / "offerops.yaml", root / "offerops.yaml")
    shutil.copytree(PROJECT / "offers", root / "offers")
    shutil.copytree(PROJECT / "legal", root / "legal")
    return root


@pytest.fixture
def embedded_repo(tmp_path: Path) -> Path:
    """The example repository on the embedded emulator (its default backend)."""
    return copy_example(tmp_path)


@pytest.fixture(params=["embedded", "http"])
def example_repo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """The example repository on the embedded emulator, and on the emulator served over HTTP
    (reached with boto3 and ``endpoint_url``): the same tests hold for both backends."""
    root = copy_example(tmp_path)
    if request.param == "embedded":
        yield root
        return
    from offerops.emulator.cli import load_config, resale_authorizations
    from offerops.emulator.engine import Marketplace
    from offerops.emulator.seeding import seed_repository
    from offerops.emulator.server import running_server

    config = load_config(root / "offerops.yaml")
    market = Marketplace(tmp_path / "served.sqlite")
    seed_repository(market, config, resale_authorizations(root / "offers", config))
    with running_server(market) as server:
        text = (root / "offerops.yaml").read_text().split("backend:")[0]
        backend = f"backend:\n  kind: http\n  endpoint: {server.url}\n"
        (root / "offerops.yaml").write_text(text + backend)
        yield root


@pytest.fixture
def session_for() -> Iterator[object]:
    """Open sessions on a repository and close them after the test."""
    opened: list[Session] = []

    def open_it(root: Path) -> Session:
        session = open_session(root, TODAY, RetryPolicy(sleep=lambda _: None, seed=1))
        opened.append(session)
        return session

    yield open_it
    for session in opened:
        session.close()
