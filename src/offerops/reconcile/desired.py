"""Desired state: each lint-clean offer file as the typed terms it means, plus its identity.

How the YAML format maps onto Catalog API terms is decided in one place,
``terms.from_offer.offer_terms``; this module adds only what that pure mapping leaves to its
callers: the offer's key, file, product id, channel, lifecycle and the agreement it replaces,
and reading the custom EULA documents to name the URL they are published at (file I/O,
memoized).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from offerops.model.config import Config
from offerops.model.offer import OfferFile
from offerops.terms import OfferTerms, change_documents, legal
from offerops.terms.document import JsonValue, canonical_json
from offerops.terms.from_offer import DocumentsUrl, offer_terms

Lifecycle = Literal["draft", "active", "expired"]


@dataclass(frozen=True)
class Replaces:
    """``spec.replaces``: an agreement by id, or the key of the offer whose agreement it is."""

    agreement: str | None = None
    offer_key: str | None = None

    def as_json(self) -> dict[str, JsonValue]:
        return {"agreement": self.agreement, "offer": self.offer_key}


@dataclass(frozen=True)
class Repository:
    """The configuration and root of the repository the desired offers were read from."""

    config: Config
    root: Path


@dataclass(frozen=True)
class DesiredOffer:
    """One offer as git wants it, ready to diff and to turn into a change set."""

    key: str
    relpath: str
    adopted_id: str | None
    product_id: str
    resale_authorization_id: str | None
    name: str
    lifecycle: Lifecycle
    expires_on: date | None
    """None for a draft that leaves its expiry out."""
    terms: OfferTerms
    replaces: Replaces | None = None
    documents: tuple[str, ...] = ()
    """``spec.legal.documents``: the plan names a custom EULA's documents by these paths."""
    repository: Repository | None = field(default=None, compare=False, repr=False)
    """offerops.yaml and the root the offer was read with, for the plan's reviewer view
    (product and buyer names, custom EULA documents); not part of what apply sends."""

    @functools.cached_property
    def content_hash(self) -> str:
        """Hash of everything apply would send: the idempotency token derives from it.

        The payload is the one of earlier versions (the change documents by change type), so a
        plan saved or an apply interrupted before an upgrade is recognised after it; the
        agreement an offer replaces is added only when there is one, for the same reason.
        """
        documents: dict[str, JsonValue] = dict(change_documents(self.terms))
        payload: list[JsonValue] = [
            self.key,
            self.product_id,
            self.resale_authorization_id,
            self.lifecycle,
            documents,
        ]
        if self.replaces is not None:
            payload.append({"replaces": self.replaces.as_json()})
        return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def desired_offer(offer: OfferFile, relpath: str, config: Config, root: Path) -> DesiredOffer:
    """Map one structurally valid, lint-clean offer to its desired state."""
    spec = offer.spec
    return DesiredOffer(
        key=offer.key,
        relpath=relpath,
        adopted_id=offer.id,
        product_id=config.products[spec.product].id,
        resale_authorization_id=spec.channel.resaleAuthorization if spec.channel else None,
        name=spec.name,
        lifecycle=spec.lifecycle,
        expires_on=spec.expiresOn,
        terms=offer_terms(offer, config, documents_url(config, root)),
        replaces=(
            Replaces(spec.replaces.agreement, spec.replaces.offer) if spec.replaces else None
        ),
        documents=_documents(offer),
        repository=Repository(config, root),
    )


def _documents(offer: OfferFile) -> tuple[str, ...]:
    """``spec.legal.documents`` of a custom EULA; none for other legal terms, or none at all."""
    legal = offer.spec.legal
    if legal is None or legal.terms != "custom":
        return ()
    return tuple(legal.documents or ())


def documents_url(config: Config, root: Path) -> DocumentsUrl:
    """Names a custom EULA's documents by their contents under ``backend.documentsBaseUrl``.

    The naming itself is ``terms.legal.eula_url``; reading the files is done here, so that the
    mapping stays free of I/O.
    """
    base = config.backend.documentsBaseUrl

    def url(paths: list[str]) -> str:
        return legal.eula_url(base, [document_hash(root / path) for path in paths], paths)

    return url


def document_hash(path: Path) -> str:
    """The short content hash that names one document in a published URL.

    Memoized by size and modification time: one MSA of up to 30 MB is often shared by hundreds
    of offers, and it is read once, not once per offer.
    """
    status = path.stat()
    return _document_hash(str(path), status.st_size, status.st_mtime_ns)


@functools.lru_cache(maxsize=1024)
def _document_hash(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()[: legal.DOCUMENT_HASH_LENGTH]


def legal_files(root: Path) -> dict[str, str]:
    """Short content hash -> repo-relative path of every file under legal/: the plan names the
    documents of a custom EULA on the marketplace by them."""
    folder = root / "legal"
    if not folder.is_dir():
        return {}
    return {
        document_hash(path): path.relative_to(root).as_posix()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }
