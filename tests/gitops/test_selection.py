"""``offerops lint FILE...`` as pre-commit calls it: staged offers, documents and offerops.yaml."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from offerops.errors import UsageError
from offerops.gitops.selection import Selection, select_named
from offerops.repo import discover_offers
from support import CONTRACT_OFFER, INSTALLMENT_OFFER, OfferRepo

BROKEN = "key: broken\nspec:\n  buyers: [\n"


@pytest.fixture
def offers(repo: OfferRepo) -> OfferRepo:
    """A clean offer, one that lists legal/msa.pdf, and a broken one committed earlier."""
    repo.offer(CONTRACT_OFFER)
    repo.offer(INSTALLMENT_OFFER.replace("key: acme-2027", "key: uses-msa"), key="uses-msa")
    repo.write("offers/broken.yaml", BROKEN)
    repo.write("legal/unused.txt", "terms\n")
    return repo


def lint_files(repo: OfferRepo, *names: str) -> tuple[int, str]:
    from offerops.cli import cli

    args = ["--root", str(repo.root), "lint", "--today", "2026-11-23"]
    result = CliRunner().invoke(cli, [*args, *(str(repo.root / name) for name in names)])
    return result.exit_code, result.output


def test_a_staged_offer_is_linted_without_the_unrelated_broken_one(offers: OfferRepo) -> None:
    assert lint_files(offers, "offers/acme-2027.yaml") == (0, "2 files checked, no problems\n")


def test_a_staged_document_selects_the_offers_that_list_it(offers: OfferRepo) -> None:
    selection = select_named(offers.root, (offers.root / "legal/msa.pdf",))
    assert selection == Selection(paths=(offers.root.resolve() / "offers/uses-msa.yaml",))
    code, output = lint_files(offers, "legal/msa.pdf", "offers/acme-2027.yaml")
    assert (code, output.splitlines()[-1]) == (0, "3 files checked, no problems")


def test_a_document_no_offer_uses_lints_only_the_config(offers: OfferRepo) -> None:
    assert select_named(offers.root, (offers.root / "legal/unused.txt",)) == Selection(
        only=frozenset()
    )
    assert lint_files(offers, "legal/unused.txt") == (0, "1 file checked, no problems\n")


def test_staged_offerops_yaml_lints_every_offer(offers: OfferRepo) -> None:
    code, output = lint_files(offers, "offerops.yaml", "offers/acme-2027.yaml")
    assert code == 1 and "offers/broken.yaml:" in output


def test_named_offers_keep_their_old_meaning(offers: OfferRepo) -> None:
    code, output = lint_files(offers, "offers/broken.yaml")
    assert code == 1 and output.startswith("offers/broken.yaml:3:")
    misplaced = offers.write("drafts/x.yaml", CONTRACT_OFFER)
    assert select_named(offers.root, (misplaced,)) == Selection(paths=(misplaced,))
    typo = select_named(offers.root, (offers.root / "legal/typo.pdf",))
    with pytest.raises(UsageError, match="no such file"):
        discover_offers(offers.root, typo.paths)


def test_hook_runs_from_the_repository_like_pre_commit(
    offers: OfferRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pre-commit runs the entry at the top of the work tree with relative file names."""
    from offerops.cli import cli

    monkeypatch.chdir(offers.root)
    result = CliRunner().invoke(cli, ["lint", "--today", "2026-11-23", "offers/acme-2027.yaml"])
    assert (result.exit_code, result.output) == (0, "2 files checked, no problems\n")
