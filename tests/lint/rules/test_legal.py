"""OFR6xx legal rules, as example tables, plus the file-system cases a table cannot express.

In INSTALLMENT_OFFER ``legal`` is on line 24, ``documents`` on line 26 (key at column 5) and its
first entry, ``legal/msa.pdf``, on line 27 (column 9). Every test repository has legal/msa.pdf.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from offerops.lint.rules import legal
from offerops.model.limits import MAX_DOCUMENT_BYTES
from support import CONTRACT_OFFER, INSTALLMENT_OFFER, PDF_BYTES, Case, OfferRepo, run_case

MSA = "      - legal/msa.pdf\n"


def with_documents(*paths: str) -> str:
    """INSTALLMENT_OFFER listing ``paths``; the first is on line 27, the next on 28, ..."""
    return INSTALLMENT_OFFER.replace(MSA, "".join(f"      - {path}\n" for path in paths))


NO_DOCUMENTS = INSTALLMENT_OFFER.replace(MSA, "")
EMPTY_DOCUMENTS = INSTALLMENT_OFFER.replace("    documents:\n" + MSA, "    documents: []\n")
STANDARD_WITH_DOCUMENTS = CONTRACT_OFFER + "    documents:\n" + MSA
"""CONTRACT_OFFER (standard-eula) with documents: the key on line 29, column 5."""

TERMS_TXT = ("legal/terms.txt", "Order form.\nPayment within 30 days.\n")
SIX = tuple((f"legal/part{n}.txt", f"Part {n}.\n") for n in range(6))
TOO_BIG = PDF_BYTES + bytes(MAX_DOCUMENT_BYTES + 1 - len(PDF_BYTES))

PUBLISHED = "https://s3.amazonaws.com/sample-bucket/custom-eula.pdf"
"""The custom EULA URL of AWS's reference change sets."""


def with_url(url: str) -> str:
    """INSTALLMENT_OFFER with a published contract: ``url`` on line 26 (value at column 10)."""
    return INSTALLMENT_OFFER.replace("    documents:\n" + MSA, f"    url: {url}\n")


CASES = [
    # OFR601 documents-without-custom-terms
    Case("OFR601", STANDARD_WITH_DOCUMENTS, [(29, 5, "OFR601")]),
    Case("OFR601", INSTALLMENT_OFFER, []),
    Case("OFR601", CONTRACT_OFFER, [], name="standard"),
    # OFR602 document-count
    Case("OFR602", NO_DOCUMENTS, [(26, 5, "OFR602")], name="null"),
    Case("OFR602", EMPTY_DOCUMENTS, [(26, 5, "OFR602")], name="empty"),
    Case(
        "OFR602",
        INSTALLMENT_OFFER.replace("    documents:\n" + MSA, ""),
        [(24, 3, "OFR602")],
        name="missing",
    ),
    Case(
        "OFR602",
        with_documents(*(path for path, _ in SIX)),
        [(26, 5, "OFR602")],
        files=SIX,
        name="six",
    ),
    Case("OFR602", with_documents(*(path for path, _ in SIX[:5])), [], files=SIX, name="five"),
    Case("OFR602", INSTALLMENT_OFFER, []),
    # OFR603 document-extension
    Case(
        "OFR603",
        with_documents("legal/msa.docx"),
        [(27, 9, "OFR603")],
        files=(("legal/msa.docx", "x"),),
    ),
    Case(
        "OFR603",
        with_documents("legal/msa"),
        [(27, 9, "OFR603")],
        files=(("legal/msa", "x"),),
        name="none",
    ),
    Case(
        "OFR603",
        with_documents("legal/MSA.PDF"),
        [],
        files=(("legal/MSA.PDF", PDF_BYTES),),
        name="upper",
    ),
    Case("OFR603", with_documents("legal/msa.pdf", "legal/terms.txt"), [], files=(TERMS_TXT,)),
    # OFR604 document-path
    Case("OFR604", with_documents("/etc/passwd"), [(27, 9, "OFR604")], name="absolute"),
    Case("OFR604", with_documents("C:/legal/msa.pdf"), [(27, 9, "OFR604")], name="drive"),
    Case("OFR604", with_documents("../outside.pdf"), [(27, 9, "OFR604")], name="dotdot"),
    Case("OFR604", with_documents("legal/../../x.pdf"), [(27, 9, "OFR604")], name="climb"),
    Case("OFR604", with_documents('"legal\\\\msa.pdf"'), [(27, 9, "OFR604")], name="backslash"),
    Case("OFR604", with_documents("legal/../legal/msa.pdf"), [], name="dotdot-inside"),
    Case("OFR604", INSTALLMENT_OFFER, []),
    # OFR605 document-not-found
    Case("OFR605", with_documents("legal/nope.pdf"), [(27, 9, "OFR605")]),
    Case(
        "OFR605",
        with_documents("legal/folder.pdf"),
        [(27, 9, "OFR605")],
        files=(("legal/folder.pdf/inner.txt", "x"),),
        name="directory",
    ),
    Case("OFR605", with_documents("legal/msa.pdf/x.pdf"), [(27, 9, "OFR605")], name="under-file"),
    Case("OFR605", INSTALLMENT_OFFER, []),
    # OFR606 document-content
    Case(
        "OFR606",
        with_documents("legal/fake.pdf"),
        [(27, 9, "OFR606")],
        files=(("legal/fake.pdf", "hello"),),
    ),
    Case(
        "OFR606",
        with_documents("legal/latin1.txt"),
        [(27, 9, "OFR606")],
        files=(("legal/latin1.txt", b"Caf\xe9 terms\n"),),
        name="latin1",
    ),
    Case(
        "OFR606",
        with_documents("legal/nul.txt"),
        [(27, 9, "OFR606")],
        files=(("legal/nul.txt", b"terms\x00\n"),),
        name="nul",
    ),
    Case(
        "OFR606",
        with_documents("legal/empty.txt"),
        [(27, 9, "OFR606")],
        files=(("legal/empty.txt", b""),),
        name="empty",
    ),
    Case(
        "OFR606",
        with_documents("legal/utf8.txt"),
        [],
        files=(("legal/utf8.txt", "\ufeffCafé — conditions générales\n"),),
        name="utf8",
    ),
    Case("OFR606", INSTALLMENT_OFFER, []),
    # OFR607 duplicate-document
    Case("OFR607", with_documents("legal/msa.pdf", "legal/./msa.pdf"), [(28, 9, "OFR607")]),
    Case(
        "OFR607",
        with_documents("legal/msa.pdf", "legal/copy.pdf"),
        [(28, 9, "OFR607")],
        files=(("legal/copy.pdf", PDF_BYTES),),
        name="content",
    ),
    Case(
        "OFR607",
        with_documents("legal/msa.pdf", "legal/msa.pdf", "legal/terms.txt", "legal/msa.pdf"),
        [(28, 9, "OFR607"), (30, 9, "OFR607")],
        files=(TERMS_TXT,),
        name="repeated",
    ),
    Case(
        "OFR607",
        with_documents("legal/msa.pdf", "legal/other.pdf"),
        [],
        files=(("legal/other.pdf", PDF_BYTES.replace(b"Catalog", b"Catalox")),),
        name="same-size",
    ),
    Case("OFR607", with_documents("legal/msa.pdf", "legal/terms.txt"), [], files=(TERMS_TXT,)),
    # OFR608 document-too-large
    Case(
        "OFR608",
        with_documents("legal/big.pdf"),
        [(27, 9, "OFR608")],
        files=(("legal/big.pdf", TOO_BIG),),
    ),
    Case("OFR608", INSTALLMENT_OFFER, []),
    # a published contract (issue 13 item 7c)
    Case("OFR601", CONTRACT_OFFER + f"    url: {PUBLISHED}\n", [(29, 5, "OFR601")], name="url"),
    Case("OFR602", with_url(PUBLISHED), [], name="url"),
    Case(
        "OFR602",
        with_url(PUBLISHED) + "    documents:\n" + MSA,
        [(26, 5, "OFR602")],
        name="url-and-documents",
    ),
    Case("OFR609", with_url(PUBLISHED), []),
    Case("OFR609", with_url("s3.amazonaws.com/eula.pdf"), [(26, 10, "OFR609")], name="no-scheme"),
    Case("OFR609", with_url("ftp://example.com/eula.pdf"), [(26, 10, "OFR609")], name="ftp"),
    Case("OFR609", with_url("https:///eula.pdf"), [(26, 10, "OFR609")], name="no-host"),
    Case(
        "OFR609",
        with_url('"https://example.com/my eula.pdf"'),
        [(26, 10, "OFR609")],
        name="space",
    ),
    Case(
        "OFR609",
        with_url("https://me:secret@example.com/eula.pdf"),
        [(26, 10, "OFR609")],
        name="credentials",
    ),
    Case("OFR609", with_url("https://[::1/eula.pdf"), [(26, 10, "OFR609")], name="malformed"),
    Case("OFR610", with_url("http://example.com/eula.pdf"), [(26, 10, "OFR610")]),
    Case("OFR610", with_url(PUBLISHED), []),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_rule_case(case: Case, tmp_path: Path) -> None:
    assert run_case(case, tmp_path) == case.expect


# --- symlinks: never out of the repository ------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory next to the repository, with a valid PDF in it."""
    directory = tmp_path / "outside"
    directory.mkdir()
    (directory / "secret.pdf").write_bytes(PDF_BYTES)
    return directory


@pytest.fixture
def inner(tmp_path: Path) -> OfferRepo:
    """A repository below tmp_path, so that ``outside`` is outside it."""
    return OfferRepo.create(tmp_path / "repo")


def hits_for(repo: OfferRepo, *paths: str) -> list[tuple[int, int, str]]:
    repo.offer(with_documents(*paths))
    return repo.hits()


def test_symlinked_file_out_of_the_repository(inner: OfferRepo, outside: Path) -> None:
    (inner.root / "legal" / "out.pdf").symlink_to(Path("../..") / "outside" / "secret.pdf")
    assert hits_for(inner, "legal/out.pdf") == [(27, 9, "OFR604")]


def test_absolute_symlink_out_of_the_repository(inner: OfferRepo, outside: Path) -> None:
    (inner.root / "legal" / "out.pdf").symlink_to(outside / "secret.pdf")
    assert hits_for(inner, "legal/out.pdf") == [(27, 9, "OFR604")]


def test_symlinked_directory_out_of_the_repository(inner: OfferRepo, outside: Path) -> None:
    (inner.root / "shared").symlink_to(outside, target_is_directory=True)
    assert hits_for(inner, "shared/secret.pdf") == [(27, 9, "OFR604")]


def test_symlink_inside_the_repository_is_followed(inner: OfferRepo) -> None:
    (inner.root / "current").symlink_to("legal", target_is_directory=True)
    (inner.root / "legal" / "latest.pdf").symlink_to(inner.root.resolve() / "legal" / "msa.pdf")
    assert hits_for(inner, "current/latest.pdf") == []


def test_symlink_to_the_same_file_is_a_duplicate(inner: OfferRepo) -> None:
    (inner.root / "legal" / "alias.pdf").symlink_to("msa.pdf")
    assert hits_for(inner, "legal/msa.pdf", "legal/alias.pdf") == [(28, 9, "OFR607")]


def test_symlink_loop_is_reported_not_followed(inner: OfferRepo) -> None:
    (inner.root / "legal" / "a.pdf").symlink_to("b.pdf")
    (inner.root / "legal" / "b.pdf").symlink_to("a.pdf")
    assert hits_for(inner, "legal/a.pdf") == [(27, 9, "OFR605")]


def test_dangling_symlink_is_not_found(inner: OfferRepo) -> None:
    (inner.root / "legal" / "gone.pdf").symlink_to("nowhere.pdf")
    assert hits_for(inner, "legal/gone.pdf") == [(27, 9, "OFR605")]


def test_nothing_outside_the_repository_is_touched(
    inner: OfferRepo, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not even a stat: a symlink out is judged by its target's text alone."""
    (inner.root / "legal" / "out.pdf").symlink_to(Path("../..") / "outside" / "secret.pdf")
    (inner.root / "shared").symlink_to(outside, target_is_directory=True)
    inner.offer(with_documents("legal/out.pdf", "shared/secret.pdf", "../outside/secret.pdf"))
    touched: list[str] = []
    for name in ("stat", "lstat", "open"):
        original = getattr(os, name)

        def spy(
            path: object, *args: object, _original: object = original, **kwargs: object
        ) -> object:
            touched.append(os.fspath(path) if isinstance(path, (str, Path)) else "")
            return _original(path, *args, **kwargs)  # type: ignore[operator]

        monkeypatch.setattr(legal.os, name, spy)
    hits = inner.hits()
    monkeypatch.undo()
    assert hits == [(27, 9, "OFR604"), (28, 9, "OFR604"), (29, 9, "OFR604")]
    assert touched, "the spy saw no calls"
    assert not [path for path in touched if "outside" in Path(path).parts]


def test_standard_terms_documents_are_not_read(inner: OfferRepo, outside: Path) -> None:
    inner.offer(STANDARD_WITH_DOCUMENTS.replace("legal/msa.pdf", "/etc/shadow"))
    assert inner.hits() == [(29, 5, "OFR601")]


# --- sizes: sparse files keep these fast ---------------------------------------------------------


def sparse_pdf(repo: OfferRepo, relpath: str, size: int) -> None:
    path = repo.write_bytes(relpath, PDF_BYTES)
    with path.open("r+b") as handle:
        handle.truncate(size)


def test_document_of_exactly_30_mb_passes(repo: OfferRepo) -> None:
    sparse_pdf(repo, "legal/big.pdf", MAX_DOCUMENT_BYTES)
    repo.offer(with_documents("legal/big.pdf"))
    assert repo.hits() == []


def test_document_over_30_mb_is_not_read(repo: OfferRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    sparse_pdf(repo, "legal/big.txt", MAX_DOCUMENT_BYTES + 1)
    reads: list[object] = []
    monkeypatch.setattr(legal, "_read", lambda doc, full: reads.append(doc))
    repo.offer(with_documents("legal/big.txt"))
    assert repo.hits() == [(27, 9, "OFR608")]
    assert reads == []


def test_documents_together_over_30_mb(repo: OfferRepo) -> None:
    half = MAX_DOCUMENT_BYTES // 2
    sparse_pdf(repo, "legal/a.pdf", half)
    sparse_pdf(repo, "legal/b.pdf", half + 1)
    repo.offer(with_documents("legal/a.pdf", "legal/b.pdf"))
    findings = repo.findings()
    assert [(f.line, f.column, f.rule) for f in findings] == [(26, 5, "OFR608")]
    assert "31,457,281 bytes" in findings[0].message


# --- reading: once per run, and only what is needed ----------------------------------------------


def test_shared_documents_are_read_once_per_run(
    repo: OfferRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write(*TERMS_TXT)
    repo.write_bytes("legal/copy.pdf", PDF_BYTES.replace(b"Catalog", b"Catalox"))
    offer = with_documents("legal/msa.pdf", "legal/copy.pdf", "legal/terms.txt")
    for key in ("acme-2027", "acme-2028", "acme-2029"):
        repo.offer(offer.replace("key: acme-2027", f"key: {key}"), key=key)
    reads: list[tuple[str, bool]] = []
    original = legal._read

    def counting(doc: legal._Document, full: bool) -> legal._Content | None:
        reads.append((doc.written, full))
        return original(doc, full)

    monkeypatch.setattr(legal, "_read", counting)
    assert repo.hits() == []
    assert sorted(reads) == [
        ("legal/copy.pdf", True),
        ("legal/msa.pdf", True),
        ("legal/terms.txt", True),
    ]


def test_pdf_alone_is_only_sniffed(repo: OfferRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[bool] = []
    original = legal._read

    def counting(doc: legal._Document, full: bool) -> legal._Content | None:
        reads.append(full)
        return original(doc, full)

    monkeypatch.setattr(legal, "_read", counting)
    repo.offer(INSTALLMENT_OFFER)
    assert repo.hits() == []
    assert reads == [False]
