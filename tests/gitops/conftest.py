"""A temporary offers repository under git, made with gitpython in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import git
import pytest

from support import CONTRACT_OFFER, OfferRepo


@dataclass
class GitOffers:
    """An offers repository (``offers``) in a git work tree (``git``), closed after the test."""

    offers: OfferRepo
    git: git.Repo

    @property
    def root(self) -> Path:
        return self.offers.root

    def commit(self, message: str = "change") -> str:
        self.git.git.add(A=True)
        self.git.git.commit(m=message, allow_empty=True)
        return str(self.git.head.commit.hexsha)

    def move(self, old: str, new: str) -> None:
        (self.root / new).parent.mkdir(parents=True, exist_ok=True)
        self.git.git.mv(str(self.root / old), str(self.root / new))


def make_git(work_tree: Path, offers_root: Path | None = None) -> GitOffers:
    """A git repository at ``work_tree`` with an offers repository at ``offers_root``."""
    offers = OfferRepo.create(offers_root or work_tree)
    repo = git.Repo.init(work_tree, initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", "Test Seller")
        config.set_value("user", "email", "seller@example.com")
        config.set_value("commit", "gpgsign", "false")
    return GitOffers(offers, repo)


@pytest.fixture
def gitrepo(tmp_path: Path) -> Iterator[GitOffers]:
    """An offers repository with one committed offer, ``offers/acme-2027.yaml``; tag ``base``."""
    made = make_git(tmp_path / "repo")
    made.offers.offer(CONTRACT_OFFER)
    made.commit("base")
    made.git.create_tag("base")
    yield made
    made.git.close()
