"""``offerops import``: write offer YAML for offers that exist on the marketplace but not in git.

Which offers to import is decided here (:func:`offers_to_import`); the text of each file is
``terms.to_offer.offer_yaml``, the inverse of the mapping plan and apply use, so the next plan
adopts the offer (its ``id:``) with nothing to change: a draft is written with
``lifecycle: draft`` (so the next apply does not release it), an expired one with
``lifecycle: expired`` (its past ``expiresOn`` would otherwise fail lint, OFR404), a
replacement offer with ``replaces: {agreement: ...}``. A custom EULA is written as its
documents in legal/ when they are there (found by content hash, :func:`legal_documents`), else
as its published ``url``. An offer the format cannot express (an unknown product, a term v1 has
no field for) or that offerops cannot read is reported, never written half.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from offerops.errors import OfferopsError, UsageError
from offerops.fileio import atomic_write_text
from offerops.model.config import Config
from offerops.reconcile.actual import ActualOffer
from offerops.reconcile.desired import DesiredOffer, legal_files
from offerops.repo import resolve_today
from offerops.terms import legal
from offerops.terms.to_offer import LegalDocuments, NotExpressible, OfferIdentity, offer_yaml


@dataclass(frozen=True)
class Imported:
    offer_id: str
    key: str | None
    path: str | None
    error: str | None = None


def offers_to_import(
    desired: Sequence[DesiredOffer], actual: Sequence[ActualOffer], offer_ids: Sequence[str]
) -> list[ActualOffer]:
    """The offers to import: the ones named, or (no ids) every offer no file manages.

    A named offer must exist and must not be managed by a file already (by key or ``id:``).
    """
    managed_ids = {offer.adopted_id for offer in desired if offer.adopted_id}
    keys = {offer.key for offer in desired}
    if not offer_ids:
        return [a for a in actual if a.key not in keys and a.offer_id not in managed_ids]
    known = {offer.offer_id: offer for offer in actual}
    missing = [offer_id for offer_id in offer_ids if offer_id not in known]
    if missing:
        raise OfferopsError(f"no such offer on the marketplace: {', '.join(missing)}")
    already = [offer_id for offer_id in offer_ids if offer_id in managed_ids]
    if already:
        raise OfferopsError(f"already in git (an offer file has its id): {', '.join(already)}")
    return [known[offer_id] for offer_id in offer_ids]


def check_request(offer_ids: Sequence[str], every: bool) -> None:
    """Offer ids or ``--all``, exactly one of the two."""
    if bool(offer_ids) == every:
        raise UsageError("name offer ids to import, or pass --all (not both)")


def import_offers(
    offers: Sequence[ActualOffer],
    config: Config,
    root: Path,
    taken: Collection[str],
    today: date | None = None,
) -> list[Imported]:
    """Write one file per offer into offers/; ``taken`` holds keys already used in git.

    ``today`` (default: ``--today``'s fallback, ``$OFFEROPS_TODAY`` or the UTC date) decides
    which released offers have expired."""
    on = today or resolve_today(None)
    used = set(taken)
    documents = legal_documents(root)
    results = []
    for offer in offers:
        key = _unique_key(offer, used)
        target = root / "offers" / f"{key}.yaml"
        try:
            text = _file_text(offer, key, target, config, documents, on)
        except NotExpressible as error:
            results.append(Imported(offer.offer_id, None, None, error.message))
            continue
        atomic_write_text(target, text)
        used.add(key)
        results.append(Imported(offer.offer_id, key, f"offers/{key}.yaml"))
    return results


def _file_text(
    offer: ActualOffer,
    key: str,
    target: Path,
    config: Config,
    documents: LegalDocuments,
    today: date,
) -> str:
    if target.exists():
        raise NotExpressible(f"{target.name} already exists; not overwritten")
    if offer.unreadable is not None:
        raise NotExpressible(f"offerops cannot read the offer's terms: {offer.unreadable}")
    identity = OfferIdentity(
        key,
        offer.offer_id,
        offer.product_id,
        offer.resale_authorization_id,
        draft=offer.draft,
        expired=offer.released and offer.expired(today),
        replaces_agreement=offer.target_agreement_id,
    )
    return offer_yaml(offer.terms, identity, config, documents)


def _unique_key(offer: ActualOffer, taken: Collection[str]) -> str:
    base = offer.key or _slug(offer.name) or offer.offer_id.lower()
    key, number = base, 2
    while key in taken:
        key = f"{base[:58]}-{number}"
        number += 1
    return key


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:63].rstrip("-") if len(slug) >= 2 else ""


def legal_documents(root: Path) -> LegalDocuments:
    """A custom EULA's URL -> its documents in legal/, found by the content hashes it names."""
    by_hash: dict[str, str] | None = None

    def find(url: str) -> list[str] | None:
        nonlocal by_hash
        wanted = legal.document_hashes(url)
        if not wanted:
            return None
        if by_hash is None:
            by_hash = legal_files(root)
        found = [by_hash.get(digest) for digest in wanted]
        return [path for path in found if path is not None] if None not in found else None

    return find
