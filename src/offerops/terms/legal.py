"""``UpdateLegalTerms``: the contract the buyer accepts (a standard contract or the seller's own).

Shape (Catalog API reference, "Work with private offers" -> UpdateLegalTerms):
``{"Terms": [{"Type": "LegalTerm", "Documents": [{"Type": "StandardEula", "Version":
"2022-07-14"}]}]}``, or a document ``{"Type": "CustomEula", "Url": "https://…"}`` that the
service fetches (no upload). ``StandardDsa``/``CustomDsa`` (data subscription agreements) are
read, never produced.

YAML: ``spec.legal`` (``terms: standard-eula | scmp | custom``, ``documents``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

from offerops.terms.document import (
    DetailsDocument,
    EntityDetails,
    JsonValue,
    ShapeError,
    YamlPath,
    array,
    mapping,
    only_keys,
    optional_text,
    single_term,
    terms_details,
    text,
)
from offerops.terms.values import Fields

CHANGE_TYPE: Final = "UpdateLegalTerms"
TERM_TYPE: Final = "LegalTerm"
AREA: Final = "legal terms"
YAML_PATH: Final[YamlPath] = ("spec", "legal")

DocumentType: TypeAlias = Literal["StandardEula", "CustomEula", "StandardDsa", "CustomDsa"]
DOCUMENT_TYPES: Final[tuple[DocumentType, ...]] = (
    "StandardEula",
    "CustomEula",
    "StandardDsa",
    "CustomDsa",
)

DOCUMENT_HASH_LENGTH: Final = 16
"""Hex digits of each document's SHA-256 in a custom EULA's URL (see :func:`eula_url`)."""


@dataclass(frozen=True)
class LegalDocument:
    """A standard document of a ``version``, or a custom one at a public ``url``."""

    type: DocumentType
    version: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class LegalTerm:
    """The documents of the offer's LegalTerm, in order (offerops sends exactly one)."""

    documents: tuple[LegalDocument, ...]


def standard(version: str) -> LegalTerm:
    """A StandardEula of ``version`` (the standard EULA or the SCMP)."""
    return LegalTerm((LegalDocument("StandardEula", version=version),))


def custom(url: str) -> LegalTerm:
    """A CustomEula published at ``url``."""
    return LegalTerm((LegalDocument("CustomEula", url=url),))


def eula_url(base: str, hashes: Sequence[str], paths: Sequence[str]) -> str:
    """The URL a custom EULA is published at, named by its documents' short content hashes.

    ``<base>/<hash1>-<hash2>.pdf`` (``.txt`` when no document is a PDF). A changed document
    changes the URL, so it shows as a legal-terms change; ``offerops import`` finds each
    document in legal/ again by :func:`document_hashes`. The naming of earlier versions.
    """
    suffix = ".pdf" if any(path.lower().endswith(".pdf") for path in paths) else ".txt"
    return f"{base.rstrip('/')}/{'-'.join(hashes)}{suffix}"


def document_hashes(url: str) -> list[str]:
    """The per-document hashes named in a URL from :func:`eula_url` (empty if it is not one)."""
    name = url.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    parts = name.split("-")
    if all(len(part) == DOCUMENT_HASH_LENGTH and _is_hex(part) for part in parts):
        return parts
    return []


def _is_hex(value: str) -> bool:
    return all(char in "0123456789abcdef" for char in value)


def to_details(value: LegalTerm) -> DetailsDocument:
    """The UpdateLegalTerms document with its one LegalTerm."""
    documents: list[JsonValue] = [_document(document) for document in value.documents]
    return terms_details({"Type": TERM_TYPE, "Documents": documents})


def _document(document: LegalDocument) -> DetailsDocument:
    result: DetailsDocument = {"Type": document.type}
    if document.version is not None:
        result["Version"] = document.version
    if document.url is not None:
        result["Url"] = document.url
    return result


def from_entity(details: EntityDetails) -> LegalTerm | None:
    """The offer's LegalTerm; None when it has none."""
    term = single_term(details, TERM_TYPE)
    if term is None:
        return None
    only_keys(term, frozenset({"Type", "Documents"}), TERM_TYPE)
    where = f"{TERM_TYPE}.Documents"
    raw = array(term.get("Documents"), where)
    return LegalTerm(tuple(_read(item, f"{where}[{i}]") for i, item in enumerate(raw)))


def _read(raw: object, where: str) -> LegalDocument:
    document = mapping(raw, where)
    only_keys(document, frozenset({"Type", "Version", "Url"}), where)
    kind = text(document.get("Type"), f"{where}.Type")
    for known in DOCUMENT_TYPES:
        if kind == known:
            version = optional_text(document.get("Version"), f"{where}.Version")
            url = optional_text(document.get("Url"), f"{where}.Url")
            return LegalDocument(known, version, url)
    raise ShapeError(f"{where}.Type: unknown legal document type {kind!r}")


def fields(value: LegalTerm) -> Fields:
    """``legal``: ``StandardEula version 2019-12-12`` or ``CustomEula https://…``."""
    result: Fields = {}
    for document in value.documents:
        label = document.url or f"version {document.version}"
        result["legal"] = f"{document.type} {label}"
    return result


def field_path(label: str) -> YamlPath:
    """``legal`` comes from ``spec.legal``."""
    return YAML_PATH
