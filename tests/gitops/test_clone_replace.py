"""``offerops clone KEY NEW_KEY --replace [--agreement ID]``: the two edits a replace-needed plan
asks for, as text (comments and layout kept)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from offerops.cli import cli
from offerops.errors import UsageError
from offerops.gitops.replacing import clone_replacing, expired_text, with_replaces
from support import CONTRACT_OFFER, OfferRepo

AGREEMENT = "agmt-1a2b3c4d5e6f7g8h9i0j1k2l3"


def test_expired_text_adds_lifecycle_at_the_end_of_spec() -> None:
    assert expired_text(CONTRACT_OFFER).endswith(
        "    terms: standard-eula\n  lifecycle: expired  # ended by `offerops clone --replace`\n"
    )


def test_expired_text_changes_an_existing_lifecycle_and_keeps_its_comment() -> None:
    text = CONTRACT_OFFER + "  lifecycle: draft   # negotiating\n"
    assert expired_text(text) == CONTRACT_OFFER + "  lifecycle: expired   # negotiating\n"


def test_expired_text_keeps_crlf() -> None:
    text = CONTRACT_OFFER.replace("\n", "\r\n")
    assert expired_text(text).endswith(
        "  lifecycle: expired  # ended by `offerops clone --replace`\r\n"
    )


def test_with_replaces_opens_spec_and_drops_an_older_replaces_block() -> None:
    text = CONTRACT_OFFER.replace(
        "  renewal: none\n", "  renewal: none\n  replaces:\n    offer: acme-2026  # old\n"
    )
    written = with_replaces(text, AGREEMENT)
    assert f"spec:\n  replaces: {{ agreement: {AGREEMENT} }}\n  name:" in written
    assert "acme-2026" not in written and "  renewal: none\n  expiresOn:" in written


def test_clone_replace_writes_a_lint_clean_pair(repo: OfferRepo) -> None:
    repo.offer(CONTRACT_OFFER.replace('    - "123456789012"\n', ""))
    target, old = clone_replacing(repo.root, "acme-2027", "acme-2027-v2", AGREEMENT)
    assert target.name == "acme-2027-v2.yaml" and old.name == "acme-2027.yaml"
    assert "lifecycle: expired" in old.read_text()
    copy = target.read_text()
    assert f"replaces: {{ agreement: {AGREEMENT} }}" in copy and "lifecycle" not in copy
    assert repo.hits() == []


def test_clone_replace_refuses_a_malformed_agreement(repo: OfferRepo) -> None:
    repo.offer(CONTRACT_OFFER)
    with pytest.raises(UsageError, match="not an agreement id"):
        clone_replacing(repo.root, "acme-2027", "acme-2027-v2", "offer-abc")
    assert not (repo.root / "offers" / "acme-2027-v2.yaml").exists()


def test_the_command(repo: OfferRepo) -> None:
    repo.offer(CONTRACT_OFFER)
    runner = CliRunner()
    alone = runner.invoke(
        cli, ["--root", str(repo.root), "clone", "acme-2027", "b-2027", "--agreement", AGREEMENT]
    )
    assert alone.exit_code == 2 and "--agreement needs --replace" in alone.output
    done = runner.invoke(
        cli, ["--root", str(repo.root), "clone", "acme-2027", "b-2027", "--replace"]
    )
    assert done.exit_code == 0, done.output
    assert "set lifecycle: expired in" in done.output
    assert "lifecycle: expired" in (repo.root / "offers" / "acme-2027.yaml").read_text()
