"""Only regular files inside the repository are read: offers, offers/, offerops.yaml.

A pull request (also from a fork) decides what is in the repository. Each case here once hung
lint (a FIFO), read until memory ran out (a link to /dev/zero), or read and quoted a file of
the CI runner (a link out of the repository). Every test runs under a deadline, so a
regression fails instead of hanging the suite.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest

from offerops.errors import UsageError
from offerops.fileio import (
    FileTooLarge,
    NotRegularFile,
    OutsideRepository,
    read_inside,
    resolve_inside,
)
from offerops.lint.finding import Finding
from offerops.repo import find_root
from support import CONTRACT_OFFER, TODAY, OfferRepo

OFFER = "offers/acme-2027.yaml"
SECRET_FIELD = "outsideOnlyField"
"""A field name that exists only in the file outside the repository."""


@contextlib.contextmanager
def deadline(seconds: float = 5.0) -> Iterator[None]:
    """Fail (not hang) when the block blocks: SIGALRM interrupts a blocking open or read."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def inner(tmp_path: Path) -> OfferRepo:
    """A repository below tmp_path, so that tmp_path/outside is outside it."""
    return OfferRepo.create(tmp_path / "repo")


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory next to the repository with a (valid-looking) offer in it."""
    directory = tmp_path / "outside"
    directory.mkdir()
    text = CONTRACT_OFFER.replace("  renewal: none\n", f"  renewal: none\n  {SECRET_FIELD}: 1\n")
    (directory / "acme-2027.yaml").write_text(text, encoding="utf-8")
    return directory


def lint_findings(repo: OfferRepo) -> list[Finding]:
    with deadline():
        return repo.lint().findings


def only(findings: list[Finding], file: str) -> Finding:
    (finding,) = [f for f in findings if f.file == file]
    return finding


# --- non-regular files -------------------------------------------------------------------------


def test_fifo_offer_is_reported_not_opened(inner: OfferRepo) -> None:
    (inner.root / "offers").mkdir()
    os.mkfifo(inner.root / OFFER)
    finding = only(lint_findings(inner), OFFER)
    assert (finding.line, finding.column, finding.rule) == (1, 1, "OFR008")
    assert finding.message == f"{OFFER} is a FIFO (named pipe), not a regular file; it is not read"


def test_socket_offer_is_reported(inner: OfferRepo) -> None:
    (inner.root / "offers").mkdir()
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(inner.root / OFFER))
        finding = only(lint_findings(inner), OFFER)
    assert finding.rule == "OFR008"
    assert "is a socket, not a regular file" in finding.message


def test_link_to_dev_zero_is_refused_unread(inner: OfferRepo) -> None:
    (inner.root / "offers").mkdir()
    (inner.root / OFFER).symlink_to("/dev/zero")
    finding = only(lint_findings(inner), OFFER)
    assert finding.rule == "OFR008"
    assert "leads outside the repository" in finding.message


def test_device_named_on_the_command_line_is_reported(inner: OfferRepo) -> None:
    with deadline():
        findings = inner.lint(TODAY, Path("/dev/zero")).findings
    finding = only(findings, "/dev/zero")
    assert finding.rule == "OFR008"
    assert "is a character device" in finding.message


def test_directory_linked_under_an_offer_name_is_reported(inner: OfferRepo) -> None:
    (inner.root / "offers").mkdir()
    (inner.root / OFFER).symlink_to("../legal", target_is_directory=True)
    finding = only(lint_findings(inner), OFFER)
    assert "is a directory, not a regular file" in finding.message


def test_fifo_config_is_found_and_reported(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "offerops.yaml")
    assert find_root(tmp_path) == tmp_path.resolve()
    findings = lint_findings(OfferRepo(tmp_path))
    assert [(f.file, f.line, f.rule) for f in findings] == [("offerops.yaml", 1, "OFR008")]
    assert "FIFO" in findings[0].message


def test_fifo_legal_document_is_named(repo: OfferRepo) -> None:
    os.mkfifo(repo.root / "legal" / "pipe.pdf")
    repo.offer(
        CONTRACT_OFFER.replace(
            "    terms: standard-eula\n", "    terms: custom\n    documents: [legal/pipe.pdf]\n"
        )
    )
    finding = only(lint_findings(repo), OFFER)
    assert finding.rule == "OFR605"
    assert "is a FIFO (named pipe), not a regular file" in finding.message


def test_unlinted_fifo_is_not_read_for_duplicate_ids(repo: OfferRepo) -> None:
    """duplicate-offer-id reads offers not linted in this run (--changed-since)."""
    repo.offer(CONTRACT_OFFER.replace("key: acme-2027\n", "key: acme-2027\nid: offer-abc123\n"))
    os.mkfifo(repo.root / "offers" / "other.yaml")
    from offerops.lint.runner import LintRequest, lint

    with deadline():
        report = lint(LintRequest(repo.root, TODAY, only=frozenset({OFFER})))
    assert [f.rule for f in report.findings] == []


# --- symbolic links out of (and back into) the repository ---------------------------------------


def test_offer_linked_outside_is_refused_unread(inner: OfferRepo, outside: Path) -> None:
    (inner.root / "offers").mkdir()
    (inner.root / OFFER).symlink_to(outside / "acme-2027.yaml")
    findings = lint_findings(inner)
    assert [(f.file, f.rule) for f in findings] == [(OFFER, "OFR008")]
    assert SECRET_FIELD not in " ".join(f.message for f in findings)


def test_offers_directory_linked_outside_is_refused(inner: OfferRepo, outside: Path) -> None:
    (inner.root / "offers").symlink_to(Path("..") / "outside", target_is_directory=True)
    findings = lint_findings(inner)
    assert [(f.file, f.line, f.rule) for f in findings] == [("offers", 1, "OFR008")]
    assert "offers/ is a symbolic link" in findings[0].message
    assert "acme-2027" not in findings[0].message


def test_config_linked_outside_is_refused(tmp_path: Path, outside: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "offerops.yaml").symlink_to(outside / "acme-2027.yaml")
    findings = lint_findings(OfferRepo(root))
    assert [(f.file, f.rule) for f in findings] == [("offerops.yaml", "OFR008")]


def test_offer_links_inside_are_followed(inner: OfferRepo) -> None:
    inner.write("archive/acme-2027.yaml", CONTRACT_OFFER)
    (inner.root / "offers").mkdir()
    (inner.root / OFFER).symlink_to(Path("..") / "archive" / "acme-2027.yaml")
    absolute = inner.root.resolve() / "archive" / "acme-2027.yaml"
    (inner.root / "offers" / "again.yaml").symlink_to(absolute)
    findings = lint_findings(inner)
    assert [(f.file, f.rule) for f in findings] == [("offers/again.yaml", "OFR202")]  # read


def test_offers_directory_linked_inside_is_followed(inner: OfferRepo) -> None:
    inner.write("data/offers/acme-2027.yaml", CONTRACT_OFFER)
    (inner.root / "offers").symlink_to(Path("data") / "offers", target_is_directory=True)
    assert lint_findings(inner) == []


def test_absolute_legal_link_back_inside_is_followed(repo: OfferRepo) -> None:
    (repo.root / "legal" / "current.pdf").symlink_to(repo.root.resolve() / "legal" / "msa.pdf")
    repo.offer(
        CONTRACT_OFFER.replace(
            "    terms: standard-eula\n", "    terms: custom\n    documents: [legal/current.pdf]\n"
        )
    )
    assert lint_findings(repo) == []


def test_symlinked_directory_named_on_the_command_line_must_stay_inside(
    inner: OfferRepo, outside: Path
) -> None:
    (inner.root / "more").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UsageError, match="leads outside the repository"):
        inner.lint(TODAY, inner.root / "more")


# --- the helpers themselves --------------------------------------------------------------------


def test_resolve_inside_never_returns_a_path_outside(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    (root / "up").symlink_to("..")
    (root / "abs").symlink_to("/etc")
    (root / "a").mkdir()
    for relative in ("..", "up/x", "abs/passwd", "/etc/passwd", "a/../../x"):
        with pytest.raises(OutsideRepository):
            resolve_inside(root, relative)


def test_read_inside_stops_after_the_limit(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    (root / "big.yaml").write_bytes(b"x" * 100)
    assert read_inside(root, "big.yaml", 100) == b"x" * 100
    with pytest.raises(FileTooLarge):
        read_inside(root, "big.yaml", 99)
    os.mkfifo(root / "pipe.yaml")
    with deadline(), pytest.raises(NotRegularFile):
        read_inside(root, "pipe.yaml", 99)
