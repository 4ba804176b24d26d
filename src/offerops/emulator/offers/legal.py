"""UpdateLegalTerms: the offer's EULA (or data subscription agreement).

Exactly one document; a Custom* document needs a public http(s) Url (not fetched), a Standard*
one a Version the service publishes (docs/emulator.md, "Deep validation").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from offerops.emulator import limits
from offerops.emulator.offers import fields
from offerops.emulator.offers.base import Context, Document, Errors
from offerops.emulator.offers.document import replace_terms

DOCUMENT_TYPES = ("CustomEula", "StandardEula", "CustomDsa", "StandardDsa")


def update_legal(
    offer: Document, details: Mapping[str, Any], _context: Context, errors: Errors
) -> None:
    """Apply UpdateLegalTerms: the offer's LegalTerm is replaced."""
    terms = fields.single_term(details, "LegalTerm", "UpdateLegalTerms", errors, allow_empty=False)
    if terms is None:
        return
    term = terms[0]
    if not fields.members(term, {"Type", "Documents"}, set(), "LegalTerm", errors):
        return
    documents = term["Documents"]
    if not isinstance(documents, list) or len(documents) != 1:
        errors.input("LegalTerm.Documents must hold exactly one document")
        return
    document = documents[0]
    where = "LegalTerm.Documents[0]"
    if not isinstance(document, dict) or not fields.members(
        document, {"Type"}, {"Url", "Version"}, where, errors
    ):
        return
    _document(document, where, errors)
    if not errors:
        replace_terms(offer, "LegalTerm", [{"Type": "LegalTerm", "Documents": [dict(document)]}])


def _document(document: Mapping[str, Any], where: str, errors: Errors) -> None:
    """A custom document's Url, or a standard document's Version."""
    kind = fields.enum(document, "Type", DOCUMENT_TYPES, where, errors)
    if kind and kind.startswith("Custom"):
        url = document.get("Url")
        if not isinstance(url, str) or len(url) > limits.URL_MAX or not limits.URL.match(url):
            errors.input(f"{where}: a {kind} needs a public http(s) Url, got {url!r}")
    elif kind:
        fields.enum(document, "Version", limits.LEGAL_VERSIONS, where, errors)
