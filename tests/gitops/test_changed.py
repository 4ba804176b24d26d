"""``--changed-since``: which offers a change selects, on real git repositories in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops.conftest import GitOffers, make_git
from offerops.errors import UsageError
from offerops.gitops.changed import changed_paths_for_lint, changed_since
from offerops.lint.runner import LintRequest, lint
from support import CONFIG, CONTRACT_OFFER, TODAY, USAGE_OFFER

ACME = "offers/acme-2027.yaml"


def offer(key: str, text: str = CONTRACT_OFFER) -> str:
    return text.replace("key: acme-2027", f"key: {key}")


def test_nothing_changed_selects_nothing(gitrepo: GitOffers) -> None:
    changes = changed_since(gitrepo.root, "base")
    assert changes.to_lint == frozenset()
    assert (changes.added, changes.modified, changes.renamed, changes.deleted) == ((), (), (), ())


def test_added_modified_renamed_and_deleted(gitrepo: GitOffers) -> None:
    gitrepo.offers.offer(offer("old-one"), key="old-one")
    gitrepo.offers.offer(offer("moving"), key="moving")
    gitrepo.commit("more offers")
    gitrepo.git.create_tag("start")
    gitrepo.offers.offer(CONTRACT_OFFER.replace('"25000.00"', '"24000.00"'))  # modified
    gitrepo.offers.offer(offer("brand-new", USAGE_OFFER), key="brand-new")  # added
    gitrepo.move("offers/moving.yaml", "offers/emea/moving.yaml")  # renamed
    (gitrepo.root / "offers/old-one.yaml").unlink()  # deleted
    gitrepo.commit("the pull request")

    changes = changed_since(gitrepo.root, "start")

    assert changes.added == ("offers/brand-new.yaml",)
    assert changes.modified == (ACME,)
    assert changes.renamed == (("offers/moving.yaml", "offers/emea/moving.yaml"),)
    assert changes.deleted == ("offers/old-one.yaml",)
    assert changes.to_lint == {ACME, "offers/brand-new.yaml", "offers/emea/moving.yaml"}
    assert changes.previous_path("offers/emea/moving.yaml") == "offers/moving.yaml"
    assert changes.previous_path(ACME) == ACME
    assert changes.previous_path("offers/brand-new.yaml") is None


def test_uncommitted_and_untracked_files_count(gitrepo: GitOffers) -> None:
    gitrepo.offers.offer(CONTRACT_OFFER.replace("renewal: none", "renewal: none\n"))
    gitrepo.offers.offer(offer("draft"), key="draft")  # never added to git
    assert changed_paths_for_lint(gitrepo.root, "base") == {ACME, "offers/draft.yaml"}


def test_changed_product_selects_the_offers_that_use_it(gitrepo: GitOffers) -> None:
    gitrepo.offers.offer(offer("vision").replace("analytics-saas", "vision-ami"), key="vision")
    gitrepo.commit()
    gitrepo.git.create_tag("start")
    gitrepo.offers.write(
        "offerops.yaml", CONFIG.replace("type: ami", "type: ami\n    name: Vision AMI")
    )
    changes = changed_since(gitrepo.root, "start")
    assert changes.changed_aliases == {"vision-ami"}
    assert changes.to_lint == {"offers/vision.yaml"}


def test_changed_buyer_selects_offers_by_alias_and_by_raw_account(gitrepo: GitOffers) -> None:
    by_alias = offer("by-alias").replace('- "123456789012"\n', "")
    gitrepo.offers.offer(by_alias, key="by-alias")  # globex-uk only
    gitrepo.offers.offer(offer("by-account", USAGE_OFFER), key="by-account")  # 123456789012
    gitrepo.commit()
    gitrepo.git.create_tag("start")
    gitrepo.offers.write("offerops.yaml", CONFIG.replace("country: GB", "country: IE"))
    assert changed_paths_for_lint(gitrepo.root, "start") == {ACME, "offers/by-alias.yaml"}
    gitrepo.offers.write("offerops.yaml", CONFIG.replace("country: US", "country: CA"))
    assert changed_paths_for_lint(gitrepo.root, "start") == {ACME, "offers/by-account.yaml"}


def test_changed_policy_selects_every_offer(gitrepo: GitOffers) -> None:
    gitrepo.offers.offer(offer("other"), key="other")
    gitrepo.commit()
    gitrepo.offers.write("offerops.yaml", CONFIG + "policy:\n  maxBuyersPerOffer: 1\n")
    assert changed_paths_for_lint(gitrepo.root, "HEAD") == {ACME, "offers/other.yaml"}


def test_backend_change_selects_nothing(gitrepo: GitOffers) -> None:
    gitrepo.offers.write("offerops.yaml", CONFIG + "backend:\n  kind: http\n")
    assert changed_paths_for_lint(gitrepo.root, "base") == frozenset()


def test_changed_legal_document_selects_offers_that_list_it(gitrepo: GitOffers) -> None:
    custom = offer("custom").replace(
        "terms: standard-eula", "terms: custom\n    documents:\n      - ./legal/msa.pdf"
    )
    gitrepo.offers.offer(custom, key="custom")
    gitrepo.commit()
    gitrepo.offers.write_bytes("legal/msa.pdf", b"%PDF-1.4\nchanged\n%%EOF\n")
    assert changed_paths_for_lint(gitrepo.root, "HEAD") == {"offers/custom.yaml"}


def test_offers_repository_in_a_subdirectory(tmp_path: Path) -> None:
    made = make_git(tmp_path, tmp_path / "marketplace")
    try:
        made.offers.offer(CONTRACT_OFFER)
        made.offers.write("README.md", "outside the offers repository\n")
        made.commit()
        made.offers.offer(CONTRACT_OFFER.replace('"500.00"', '"450.00"'))
        (tmp_path / "unrelated.txt").write_text("not ours\n")
        changes = changed_since(made.root, "HEAD")
        assert changes.to_lint == {ACME}
        assert changes.changed_files == ()
    finally:
        made.git.close()


def test_merge_base_is_the_comparison_point(gitrepo: GitOffers) -> None:
    """Like a pull request: what main did after the branch point is not this change."""
    gitrepo.git.git.checkout("-b", "feature")
    gitrepo.offers.offer(offer("feature-offer"), key="feature-offer")
    gitrepo.commit("feature")
    gitrepo.git.git.checkout("main")
    gitrepo.offers.offer(offer("main-offer"), key="main-offer")
    gitrepo.commit("main moves on")
    gitrepo.git.git.checkout("feature")
    assert changed_paths_for_lint(gitrepo.root, "main") == {"offers/feature-offer.yaml"}


def test_lint_only_the_changed_offers(gitrepo: GitOffers) -> None:
    gitrepo.offers.offer(offer("broken").replace('"25000.00"', "25000"), key="broken")
    gitrepo.commit()
    gitrepo.offers.offer(CONTRACT_OFFER.replace('"500.00"', '"450.00"'))
    only = changed_paths_for_lint(gitrepo.root, "HEAD")
    report = lint(LintRequest(gitrepo.root, TODAY, only=only))
    assert [loaded.relpath for loaded in report.offers] == [ACME]
    assert not report.has_errors


def test_unknown_revision_is_a_usage_error(gitrepo: GitOffers) -> None:
    with pytest.raises(UsageError, match='unknown git revision "no-such-branch"') as raised:
        changed_since(gitrepo.root, "no-such-branch")
    assert raised.value.hint is not None and "fetch-depth: 0" in raised.value.hint
    with pytest.raises(UsageError, match="not a git revision"):
        changed_since(gitrepo.root, "--output=/tmp/x")


def test_outside_git_is_a_usage_error(repo: object, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is not inside a git repository"):
        changed_since(tmp_path, "main")
