"""``lint --changed-since HEAD^1`` on the checkout the pull-request workflow makes: GitHub's
merge commit of the pull request, fetched with ``fetch-depth: 2`` (the commit and its parents).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import git
import pytest

from offerops.gitops.changed import changed_since
from support import CONTRACT_OFFER, OfferRepo


def commit_all(repo: git.Repo, message: str) -> None:
    repo.git.add(A=True)
    repo.git.commit(m=message)


def merge_commit(path: Path) -> Path:
    """A repository whose branch ``pull-merge`` is a pull request merged into ``main``, after
    ``main`` moved on (as GitHub's ``refs/pull/N/merge``)."""
    offers = OfferRepo.create(path)
    offers.offer(CONTRACT_OFFER)
    repo = git.Repo.init(path, initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", "Test Seller")
        config.set_value("user", "email", "seller@example.com")
        config.set_value("commit", "gpgsign", "false")
    commit_all(repo, "base")
    repo.git.checkout("-b", "pr")
    offers.offer(CONTRACT_OFFER.replace("key: acme-2027", "key: pr-offer"), key="pr-offer")
    commit_all(repo, "the pull request")
    repo.git.checkout("main")
    offers.offer(CONTRACT_OFFER.replace("Acme Corp", "Acme Corporation"))
    commit_all(repo, "main moves on")
    repo.git.checkout("-b", "pull-merge")
    repo.git.merge("pr", "--no-ff", m="Merge pr into main")
    repo.close()
    return path


@pytest.fixture
def shallow(tmp_path: Path) -> Iterator[Path]:
    """A depth-2 clone of the merge commit, as ``actions/checkout`` with ``fetch-depth: 2``."""
    origin = merge_commit(tmp_path / "origin")
    target = tmp_path / "checkout"
    clone = git.Repo.clone_from(f"file://{origin}", target, depth=2, branch="pull-merge")
    assert clone.git.rev_parse("--is-shallow-repository") == "true"
    clone.close()
    yield target


def test_changed_since_the_first_parent_in_a_shallow_merge_checkout(shallow: Path) -> None:
    changes = changed_since(shallow, "HEAD^1")
    assert changes.added == ("offers/pr-offer.yaml",)
    assert changes.modified == (), "what main changed meanwhile is not the pull request's"
    assert changes.to_lint == frozenset({"offers/pr-offer.yaml"})
