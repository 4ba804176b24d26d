"""``offerops new`` makes a repository that lints clean; ``offerops clone`` copies an offer."""

from __future__ import annotations

from pathlib import Path

import git
import pytest
from click.testing import CliRunner

from offerops.errors import UsageError
from offerops.gitops import scaffold
from offerops.gitops.scaffold import SCAFFOLD, clone_offer, clone_text, new_repository
from offerops.lint.runner import LintRequest, lint
from support import CONTRACT_OFFER, TODAY, OfferRepo

COMMENTED = """\
# yaml-language-server: $schema=../schemas/offer.schema.json
apiVersion: offerops/v1
kind: PrivateOffer
key: "acme-2027"        # stable identity
id: offer-6s4yhickti7lu # adopted
spec:
  name: Acme  # keep me
  lifecycle: expired
"""


def test_new_repository_lints_clean_and_is_a_git_repository(tmp_path: Path) -> None:
    target = tmp_path / "offers-repo"
    written = new_repository(target, action="acme/offerops@v1.2.3", today=TODAY)
    assert {path.relative_to(target).as_posix() for path in written} >= {
        spec.target for spec in SCAFFOLD
    }
    report = lint(LintRequest(target, TODAY))
    assert report.findings == []
    assert [loaded.relpath for loaded in report.offers] == ["offers/example-offer.yaml"]
    assert (target / "schemas/offer.schema.json").is_file()
    workflow = (target / ".github/workflows/offers-pr.yml").read_text()
    assert "uses: acme/offerops@v1.2.3" in workflow and "__" not in workflow
    expiring = (target / ".github/workflows/offers-expiring.yml").read_text()
    assert "uses: acme/offerops@v1.2.3" in expiring and "__" not in expiring
    assert "status --expiring-within " in expiring
    hooks = (target / ".pre-commit-config.yaml").read_text()
    assert "repo: https://github.com/acme/offerops" in hooks and "rev: v1.2.3" in hooks
    git.Repo(target).close()


def test_new_refuses_to_overwrite_and_bad_options(tmp_path: Path) -> None:
    (tmp_path / "offerops.yaml").write_text("mine\n")
    with pytest.raises(UsageError, match=r"already has offerops\.yaml; refusing to overwrite"):
        new_repository(tmp_path, init_git=False)
    assert (tmp_path / "offerops.yaml").read_text() == "mine\n"
    with pytest.raises(UsageError, match="--action must look like"):
        new_repository(tmp_path / "x", action="offerops")
    with pytest.raises(UsageError, match="--seller-account must be 12 digits"):
        new_repository(tmp_path / "x", action="acme/offerops@v1", seller_account="123")


def test_new_command(tmp_path: Path) -> None:
    from offerops.gitops.cli import new_command

    target = tmp_path / "repo"
    args = [str(target), "--no-git", "--today", "2026-11-23", "--action", "acme/offerops@v1.2.3"]
    result = CliRunner().invoke(new_command, args)
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and not (target / ".git").exists()


@pytest.fixture
def unpublished(monkeypatch: pytest.MonkeyPatch) -> None:
    """offerops installed from a local checkout, and OFFEROPS_ACTION unset."""
    monkeypatch.delenv(scaffold.ACTION_ENV, raising=False)
    monkeypatch.setattr(scaffold, "installed_from", lambda: None)


@pytest.mark.usefixtures("unpublished")
def test_new_without_a_known_action_asks_for_one(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not know which GitHub repository") as raised:
        new_repository(tmp_path / "x", init_git=False)
    assert "--action OWNER/offerops@REF" in str(raised.value.hint)
    assert not (tmp_path / "x").exists(), "nothing written"


@pytest.mark.usefixtures("unpublished")
def test_new_takes_the_action_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        scaffold.ACTION_ENV, "acme/offerops@0123456789abcdef0123456789abcdef01234567"
    )
    new_repository(tmp_path, init_git=False, today=TODAY)
    workflow = (tmp_path / ".github/workflows/offers-apply.yml").read_text()
    assert "uses: acme/offerops@0123456789abcdef0123456789abcdef01234567\n" in workflow
    hooks = (tmp_path / ".pre-commit-config.yaml").read_text()
    assert "rev: 0123456789abcdef0123456789abcdef01234567\n" in hooks


class FakeDistribution:
    def __init__(self, direct_url: str | None) -> None:
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        assert name == "direct_url.json"
        return self.direct_url


@pytest.mark.parametrize(
    ("direct_url", "expected"),
    [
        (
            '{"url": "https://github.com/acme/offerops.git", "vcs_info": {"vcs": "git", '
            '"commit_id": "abc123", "requested_revision": "v0.1.0"}}',
            "acme/offerops@abc123",
        ),
        (
            '{"url": "git+https://github.com/acme/offerops", "vcs_info": {"vcs": "git", '
            '"commit_id": "abc123"}}',
            "acme/offerops@abc123",
        ),
        ('{"url": "file:///home/me/offerops", "dir_info": {"editable": true}}', None),
        (
            '{"url": "https://gitlab.com/acme/offerops.git", "vcs_info": {"vcs": "git", '
            '"commit_id": "abc123"}}',
            None,
        ),
        (None, None),
        ("not json", None),
    ],
)
def test_installed_from_a_github_git_url(
    direct_url: str | None, expected: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scaffold.metadata, "distribution", lambda _: FakeDistribution(direct_url))
    assert scaffold.installed_from() == expected


def test_clone_text_keeps_comments_and_layout() -> None:
    cloned = clone_text(COMMENTED, "acme-2027", "acme-2027-v2")
    assert cloned == COMMENTED.replace(
        'key: "acme-2027"        # stable', 'key: "acme-2027-v2"     # stable'
    ).replace("id: offer-6s4yhickti7lu # adopted\n", "").replace("  lifecycle: expired\n", "")


def test_clone_text_keeps_crlf_line_endings() -> None:
    text = CONTRACT_OFFER.replace("\n", "\r\n")
    assert clone_text(text, "acme-2027", "b-2027") == text.replace("acme-2027", "b-2027", 1)


def test_clone_offer_writes_a_lint_clean_copy(repo: OfferRepo) -> None:
    repo.offer(CONTRACT_OFFER.replace("key: acme-2027", "key: acme-2027\nid: offer-abc"))
    target = clone_offer(repo.root, "acme-2027", "acme-2027-v2")
    assert target == repo.root / "offers/acme-2027-v2.yaml"
    assert "id:" not in target.read_text()
    assert repo.lint().findings == []


def test_clone_refusals(repo: OfferRepo) -> None:
    repo.offer(CONTRACT_OFFER)
    repo.offer(CONTRACT_OFFER.replace("key: acme-2027", "key: taken"), key="taken")
    with pytest.raises(UsageError, match='new key "Bad_Key" must be'):
        clone_offer(repo.root, "acme-2027", "Bad_Key")
    with pytest.raises(UsageError, match='no offer with key "nope"'):
        clone_offer(repo.root, "nope", "fine")
    with pytest.raises(UsageError, match='"taken" already exists'):
        clone_offer(repo.root, "acme-2027", "taken")
    repo.offer("key: something-else\n", key="odd")
    with pytest.raises(UsageError, match='no top-level line "key: odd"'):
        clone_offer(repo.root, "odd", "odd-v2")


def test_clone_command_uses_the_root_option(repo: OfferRepo, tmp_path: Path) -> None:
    from offerops.cli import cli
    from offerops.gitops.cli import clone_command

    repo.offer(CONTRACT_OFFER)
    command = cli.get_command(None, "clone") or clone_command  # type: ignore[arg-type]
    if command is clone_command:
        cli.add_command(clone_command, "clone")
    try:
        result = CliRunner().invoke(cli, ["--root", str(repo.root), "clone", "acme-2027", "b-27"])
    finally:
        if command is clone_command:
            cli.commands.pop("clone")
    assert result.exit_code == 0, result.output
    assert (repo.root / "offers/b-27.yaml").is_file()
