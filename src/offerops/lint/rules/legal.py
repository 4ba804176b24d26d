"""OFR6xx: legal terms and the custom EULA documents an offer attaches.

Documents are files in the offers repository, at paths a pull request chooses, so they are
resolved like offer files and offerops.yaml (:func:`offerops.fileio.resolve_inside`), component by
component: symlinks are followed only while they stay inside the repository, nothing outside it
is ever opened or even stat-ed, and only regular files are opened. Disk facts are memoized per
run in ``RepoContext.cache`` (many offers share one MSA) and per offer in ``OfferContext.extra``.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import posixpath
import stat
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from urllib.parse import urlsplit

from offerops.fileio import OutsideRepository, file_kind, resolve_inside
from offerops.lint.context import OfferContext
from offerops.lint.finding import Severity
from offerops.lint.rule import Problem, offer_rule
from offerops.model.limits import DOCUMENT_EXTENSIONS, MAX_DOCUMENT_BYTES, MAX_DOCUMENTS, PDF_MAGIC

_DOCUMENTS = ("spec", "legal", "documents")
_URL = ("spec", "legal", "url")
_EXTRA_KEY = "offerops.lint.rules.legal"
_CHUNK = 1024 * 1024
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)  # never open a symlink swapped in after resolution
    | getattr(os, "O_NONBLOCK", 0)  # nor block on a FIFO swapped in
    | getattr(os, "O_BINARY", 0)
)


@dataclass(frozen=True, slots=True)
class _Document:
    """One ``documents`` entry and what the disk says about it."""

    index: int
    written: str
    path_problem: str | None = None
    """Why the path itself is not acceptable (absolute, escaping, ...); nothing was read."""
    missing: str | None = None
    """Why there is no regular file to read (not found, a directory, unreadable)."""
    real: Path | None = None
    """The resolved path, inside the repository, of a regular file."""
    size: int = 0
    mtime_ns: int = 0
    identity: tuple[int, int] = (0, 0)

    @property
    def path(self) -> tuple[str, str, str, int]:
        return (*_DOCUMENTS, self.index)

    @property
    def extension(self) -> str:
        return PurePosixPath(self.written).suffix.lower()

    @property
    def found(self) -> bool:
        return self.real is not None


@dataclass(frozen=True, slots=True)
class _Documents:
    items: tuple[_Document, ...]


@dataclass(frozen=True, slots=True)
class _Content:
    """What was read from a file: its first bytes, and after a full read its hash and encoding."""

    head: bytes
    sha256: str | None = None
    utf8: bool = True
    nul: bool = False


def _lexical_problem(written: str) -> str | None:
    """Problems visible in the text of the path, before touching the disk."""
    if "\x00" in written:
        return "contains a NUL character"
    if "\\" in written:
        return 'uses backslashes; write it with forward slashes, like "legal/msa.pdf"'
    if PurePosixPath(written).is_absolute() or PureWindowsPath(written).drive:
        return 'is absolute; write it relative to the repository root, like "legal/msa.pdf"'
    normal = posixpath.normpath(written)
    if normal == ".." or normal.startswith("../"):
        return "leaves the repository; documents must be inside it"
    return None


def _describe(root: Path, index: int, written: str) -> _Document:
    problem = _lexical_problem(written)
    if problem:
        return _Document(index, written, path_problem=problem)
    try:
        real, info = resolve_inside(root, written)
    except OutsideRepository:
        problem = "resolves outside the repository through a symbolic link; documents must be in it"
        return _Document(index, written, path_problem=problem)
    except (FileNotFoundError, NotADirectoryError):
        return _Document(index, written, missing="does not exist")
    except PermissionError:
        return _Document(index, written, missing="cannot be read (permission denied)")
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        return _Document(index, written, missing=f"cannot be read ({reason})")
    if not stat.S_ISREG(info.st_mode):
        kind = file_kind(info.st_mode)
        return _Document(index, written, missing=f"is {kind}, not a regular file; it is not read")
    identity = (info.st_dev, info.st_ino)
    return _Document(index, written, None, None, real, info.st_size, info.st_mtime_ns, identity)


def _documents(ctx: OfferContext) -> tuple[_Document, ...]:
    """The offer's custom documents with their disk facts; computed once per offer."""
    cached = ctx.extra.get(_EXTRA_KEY)
    if isinstance(cached, _Documents):
        return cached.items
    legal = ctx.legal
    items: tuple[_Document, ...] = ()
    if legal.terms == "custom" and legal.documents:
        root = ctx.repo.root.resolve()
        items = tuple(_describe(root, i, text) for i, text in enumerate(legal.documents))
    ctx.extra[_EXTRA_KEY] = _Documents(items)
    return items


def _read(doc: _Document, full: bool) -> _Content | None:
    """Read the head of ``doc`` (``full``: all of it, hashing and decoding in chunks)."""
    assert doc.real is not None
    try:
        fd = os.open(doc.real, _OPEN_FLAGS)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) != doc.identity:
            return None  # replaced since it was resolved
        if not full:
            return _Content(handle.read(len(PDF_MAGIC)))
        digest = hashlib.sha256()
        decoder = codecs.getincrementaldecoder("utf-8")()
        head, utf8, nul, budget = b"", True, False, MAX_DOCUMENT_BYTES + 1
        while budget > 0 and (chunk := handle.read(min(_CHUNK, budget))):
            budget -= len(chunk)
            head = head or chunk[: len(PDF_MAGIC)]
            digest.update(chunk)
            nul = nul or b"\x00" in chunk
            utf8 = utf8 and _decodes(decoder, chunk, final=False)
        utf8 = utf8 and _decodes(decoder, b"", final=True)
        return _Content(head, digest.hexdigest(), utf8, nul)


def _decodes(decoder: codecs.IncrementalDecoder, chunk: bytes, final: bool) -> bool:
    try:
        decoder.decode(chunk, final)
    except UnicodeDecodeError:
        return False
    return True


def _content(ctx: OfferContext, doc: _Document, full: bool) -> _Content | None:
    """``_read`` memoized per run by (resolved path, size, mtime): a shared MSA is read once."""
    key = (_EXTRA_KEY, str(doc.real), doc.size, doc.mtime_ns)
    cached = ctx.repo.cache.get(key)
    if isinstance(cached, _Content) and (cached.sha256 is not None or not full):
        return cached
    content = _read(doc, full)
    if content is not None:
        ctx.repo.cache[key] = content
    return content


@offer_rule("OFR601", "documents-without-custom-terms")
def documents_without_custom_terms(ctx: OfferContext) -> Iterator[Problem]:
    """
    ``legal.documents`` or ``legal.url`` is set although ``legal.terms`` is not ``custom``.

    Standard terms (``standard-eula``, ``scmp``) are AWS's own contracts; documents are only
    attached with ``terms: custom``. A list next to standard terms is either left over or the
    terms are wrong, and the buyer would not get the contract the seller meant.

    Fails:

        legal:
          terms: scmp
          documents:
            - legal/acme-msa.pdf

    Passes:

        legal:
          terms: custom
          documents:
            - legal/acme-msa.pdf
    """
    legal = ctx.legal
    if legal.documents is not None and legal.terms != "custom":
        yield Problem(
            _DOCUMENTS,
            f'documents are only used with terms: custom, but terms is "{legal.terms}"; '
            "remove documents or set terms: custom",
            at="key",
        )
    if legal.url is not None and legal.terms != "custom":
        yield Problem(
            _URL,
            f'url is only used with terms: custom, but terms is "{legal.terms}"; '
            "remove url or set terms: custom",
            at="key",
        )


@offer_rule("OFR602", "document-count")
def document_count(ctx: OfferContext) -> Iterator[Problem]:
    """
    ``terms: custom`` without documents or a url, with both, or with more than 5 documents.

    Custom terms are the seller's own contract: files in the repository (at least one, at most
    five, merged in the order listed) or the ``url`` of one already published, not both (only
    one contract is sent).

    Fails:

        legal:
          terms: custom

    Passes:

        legal:
          terms: custom
          documents:
            - legal/acme-msa.pdf
            - legal/acme-order-form.txt
    """
    legal = ctx.legal
    if legal.terms != "custom":
        return
    count = len(legal.documents or [])
    if legal.url is not None:
        if legal.documents is not None:
            yield Problem(
                _URL, "terms: custom takes documents or a url, not both; keep one", at="key"
            )
        return
    if legal.documents is None:
        message = (
            "terms: custom needs documents (the contract files, .pdf or .txt) or the url of "
            "a published contract"
        )
    elif count == 0:
        message = "documents is empty; terms: custom needs 1 to 5 contract files"
    elif count > MAX_DOCUMENTS:
        message = f"{count} documents listed, at most {MAX_DOCUMENTS}; merge some of them"
    else:
        return
    yield Problem(_DOCUMENTS, message, at="key")


@offer_rule("OFR603", "document-extension")
def document_extension(ctx: OfferContext) -> Iterator[Problem]:
    """
    A document is not a ``.pdf`` or ``.txt`` file.

    The marketplace accepts custom contracts as PDF or plain text. The extension is compared
    case-insensitively.

    Fails:

        documents:
          - legal/acme-msa.docx

    Passes:

        documents:
          - legal/acme-msa.pdf
    """
    allowed = " or ".join(DOCUMENT_EXTENSIONS)
    for doc in _documents(ctx):
        if doc.path_problem is None and doc.extension not in DOCUMENT_EXTENSIONS:
            has = f'extension "{doc.extension}"' if doc.extension else "no extension"
            yield Problem(doc.path, f'document "{doc.written}" has {has}; use a {allowed} file')


@offer_rule("OFR604", "document-path")
def document_path(ctx: OfferContext) -> Iterator[Problem]:
    """
    A document path is not a relative path inside the repository.

    Paths are relative to the repository root and must stay inside it: an absolute path, a
    ``..`` that climbs out, or a symbolic link (also a symlinked directory) that points outside
    would publish a file from the reviewer's or the CI runner's machine, which is not in the
    pull request. Such paths are never read. Backslashes are refused because they are only
    separators on Windows. An absolute symlink target must use the repository's real path;
    prefer relative symlinks.

    Fails:

        documents:
          - /home/me/acme-msa.pdf
          - ../shared/acme-msa.pdf

    Passes:

        documents:
          - legal/acme-msa.pdf
    """
    for doc in _documents(ctx):
        if doc.path_problem:
            yield Problem(doc.path, f'document path "{doc.written}" {doc.path_problem}')


@offer_rule("OFR605", "document-not-found")
def document_not_found(ctx: OfferContext) -> Iterator[Problem]:
    """
    A document does not exist, or is not a regular file.

    The reconciler uploads the listed files; a missing file (often a typo or a file not added
    to git) would only fail at apply time. Directories and special files (a FIFO, a device, a
    socket) are refused without being opened, and the finding says which one it is.

    Fails:

        documents:
          - legal/acme-mas.pdf

    Passes:

        documents:
          - legal/acme-msa.pdf
    """
    for doc in _documents(ctx):
        if doc.missing:
            yield Problem(doc.path, f'document "{doc.written}" {doc.missing}')


def _hashed_later(ctx: OfferContext, doc: _Document) -> bool:
    """True when ``duplicate-document`` will hash ``doc``: another document has its size."""
    return any(
        other.found and other.index != doc.index and other.size == doc.size
        for other in _documents(ctx)
    )


def _content_problem(ctx: OfferContext, doc: _Document) -> str | None:
    if doc.extension == ".pdf":
        content = _content(ctx, doc, full=_hashed_later(ctx, doc))
        if content is not None and not content.head.startswith(PDF_MAGIC):
            return "is not a PDF (it does not start with %PDF-); export it as PDF"
        return None
    if doc.size == 0:
        return "is empty; a contract document needs its text"
    content = _content(ctx, doc, full=True)
    if content is None:
        return None
    if content.nul:
        return "contains NUL bytes, so it is not a text file; save it as UTF-8 text"
    if not content.utf8:
        return "is not UTF-8 text; save it as UTF-8"
    return None


@offer_rule("OFR606", "document-content")
def document_content(ctx: OfferContext) -> Iterator[Problem]:
    """
    A document's content does not match its extension.

    A ``.pdf`` must start with ``%PDF-``; a ``.txt`` must be non-empty UTF-8 text without NUL
    bytes. A renamed Word file or a text file in a legacy encoding would reach the buyer as an
    unreadable contract. Files over the size limit are not read.

    Fails: ``legal/acme-msa.pdf`` that is a renamed ``.docx``.

    Passes: ``legal/acme-msa.pdf`` exported as PDF.
    """
    for doc in _documents(ctx):
        if not doc.found or doc.size > MAX_DOCUMENT_BYTES:
            continue
        if doc.extension in DOCUMENT_EXTENSIONS and (problem := _content_problem(ctx, doc)):
            yield Problem(doc.path, f'document "{doc.written}" {problem}')


def _same_content(ctx: OfferContext, first: _Document, second: _Document) -> bool:
    """Compare by sha256, hashing only files whose sizes are equal."""
    if first.size != second.size or first.size > MAX_DOCUMENT_BYTES:
        return False
    one, two = _content(ctx, first, full=True), _content(ctx, second, full=True)
    return one is not None and two is not None and one.sha256 == two.sha256


@offer_rule("OFR607", "duplicate-document")
def duplicate_document(ctx: OfferContext) -> Iterator[Problem]:
    """
    A document is listed twice, by path or by identical content.

    The documents are merged into one contract, so a repeated file repeats its clauses. Paths
    are compared after resolving ``.``, ``..`` and symlinks; contents by SHA-256, so a copy
    under another name is found too. The finding points at the later entry.

    Fails:

        documents:
          - legal/acme-msa.pdf
          - legal/./acme-msa.pdf

    Passes:

        documents:
          - legal/acme-msa.pdf
          - legal/acme-order-form.txt
    """
    seen: list[_Document] = []
    for doc in _documents(ctx):
        if not doc.found:
            continue
        for earlier in seen:
            if doc.real == earlier.real:
                how = "is the same file as"
            elif _same_content(ctx, earlier, doc):
                how = "has the same content as"
            else:
                continue
            yield Problem(
                doc.path,
                f'document "{doc.written}" {how} item {earlier.index + 1}, '
                f'"{earlier.written}"; list it once',
            )
            break
        else:
            seen.append(doc)


@offer_rule("OFR608", "document-too-large")
def document_too_large(ctx: OfferContext) -> Iterator[Problem]:
    """
    A document, or all documents of the offer together, exceed 30 MB.

    The marketplace accepts at most 30 MB (31,457,280 bytes) per document and per offer. A
    single file over the limit is reported at its entry; otherwise a total over the limit is
    reported at ``documents``. Oversized files are not read.

    Fails: ``legal/acme-msa.pdf`` of 40 MB, or two documents of 20 MB each.

    Passes: ``legal/acme-msa.pdf`` of 2 MB and ``legal/acme-order-form.txt`` of 10 KB.
    """
    found = [doc for doc in _documents(ctx) if doc.found]
    oversized = [doc for doc in found if doc.size > MAX_DOCUMENT_BYTES]
    for doc in oversized:
        yield Problem(
            doc.path,
            f'document "{doc.written}" is {doc.size:,} bytes, more than the '
            f"{MAX_DOCUMENT_BYTES:,} bytes (30 MB) allowed per document; compress or split it",
        )
    total = sum(doc.size for doc in found)
    if not oversized and total > MAX_DOCUMENT_BYTES:
        yield Problem(
            _DOCUMENTS,
            f"documents total {total:,} bytes, more than the {MAX_DOCUMENT_BYTES:,} bytes "
            "(30 MB) allowed per offer; compress or drop some of them",
            at="key",
        )


def _url_problem(url: str) -> str | None:
    """What makes ``url`` unusable as a public document address, or None."""
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in url):
        return "contains whitespace or control characters; percent-encode them (%20)"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as error:
        return f"is not a valid address ({error})"
    if parts.scheme.lower() not in {"https", "http"}:
        shown = f'"{parts.scheme}"' if parts.scheme else "no scheme"
        return f"has {shown}; write the full address, like https://example.com/eula.pdf"
    if not host:
        return "has no host; write the full address, like https://example.com/eula.pdf"
    if parts.username is not None or parts.password is not None:
        return "carries a user name or password; the buyer's browser must fetch it publicly"
    return None


@offer_rule("OFR609", "eula-url")
def eula_url(ctx: OfferContext) -> Iterator[Problem]:
    """
    ``legal.url`` is not a public http(s) address.

    A published contract is referenced by its address (the ``CustomEula`` ``Url``), which the
    marketplace and the buyer fetch: it needs a scheme and a host, no whitespace, and no user
    name or password in it. offerops does not download it (a document that is not in the
    repository cannot be checked for content; keep it in ``legal/`` for that).

    Fails:

        legal:
          terms: custom
          url: s3.amazonaws.com/sample-bucket/custom eula.pdf

    Passes:

        legal:
          terms: custom
          url: https://s3.amazonaws.com/sample-bucket/custom-eula.pdf
    """
    url = ctx.legal.url
    problem = _url_problem(url) if url is not None else None
    if url is not None and problem is not None:
        yield Problem(_URL, f'url "{_shorten(url)}" {problem}')


@offer_rule("OFR610", "eula-url-not-https", Severity.WARNING)
def eula_url_not_https(ctx: OfferContext) -> Iterator[Problem]:
    """
    ``legal.url`` uses http, not https.

    The contract the buyer accepts is fetched from this address; over plain http anyone on the
    way can change what the buyer reads. A warning: the address works, but publish the
    contract over https.

    Fails:

        legal:
          terms: custom
          url: http://example.com/eula.pdf

    Passes:

        legal:
          terms: custom
          url: https://example.com/eula.pdf
    """
    url = ctx.legal.url
    if url is not None and _url_problem(url) is None and urlsplit(url).scheme.lower() == "http":
        yield Problem(_URL, f'url "{_shorten(url)}" is http; publish the contract over https')


def _shorten(text: str, most: int = 60) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"
