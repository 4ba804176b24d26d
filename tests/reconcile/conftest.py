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


@pytest.fixture
def example_repo(tmp_path: Path) -> Path:
    """A copy of this project's example offers repository (config, offers, legal)."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(PROJECT / "offerops.yaml", root / "offerops.yaml")
    shutil.copytree(PROJECT / "offers", root / "offers")
    shutil.copytree(PROJECT / "legal", root / "legal")
    return root


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
