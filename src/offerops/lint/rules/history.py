"""OFR220-OFR222: history rules: what an offer may not change once it exists on the marketplace.

Each changed offer is compared with its version at the base revision (``lint --changed-since
REF``), read through :class:`offerops.lint.revision.BaseRevision` (``RepoContext.base``; git is
``gitops``'s business, never imported here). Without a base they report nothing. They are
ordinary repository rules: the runner sets their severity (``lint.rules``, error rules never
lowered), positions and messages like every other rule's.

A change the marketplace cannot take (a new product, a new price on a released offer) should be
seen in the pull request, with what to do instead, not discovered when apply stops on merge.
Pricing and terms are compared the way the plan compares them (``terms.differing`` on the typed
terms of each version), so formatting, key order and aliases never count as changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from pydantic import ValidationError

from offerops.fileio import FileTooLarge, NotRegularFile, OutsideRepository, read_inside
from offerops.lint.context import LoadedOffer, RepoContext
from offerops.lint.finding import Severity
from offerops.lint.revision import BaseRevision
from offerops.lint.rule import Problem, repository_rule
from offerops.model.config import Config
from offerops.model.limits import MAX_DOCUMENT_BYTES
from offerops.model.offer import OfferFile
from offerops.repo import CONFIG_NAME, posix
from offerops.source.document import Anchor, DataPath
from offerops.source.loader import parse_text

if TYPE_CHECKING:
    from offerops.terms import OfferTerms
    from offerops.terms.from_offer import DocumentsUrl

_AT_VALUE = frozenset({("key",), ("spec", "product"), ("spec", "channel", "markupPercentage")})
"""Paths of scalars, pointed at by value; sections are pointed at by their key."""


@dataclass(frozen=True)
class _Version:
    """One offer at one revision, with the config and document contents of that revision."""

    offer: OfferFile
    config: Config
    documents: tuple[str | None, ...]
    """sha256 of each legal document, in order; None for a missing file."""


@dataclass(frozen=True)
class _Pair:
    """A linted offer and its version at the base revision."""

    loaded: LoadedOffer
    before: _Version
    now: _Version
    base: BaseRevision

    @property
    def same_key(self) -> bool:
        return self.before.offer.key == self.now.offer.key


@repository_rule("OFR220", "key-changed", Severity.WARNING)
def key_changed(repo: RepoContext, offers: list[LoadedOffer]) -> Iterator[Problem]:
    """An existing offer's ``key`` changed since the base revision.

    The key is the offer's identity on the marketplace (tag ``offerops:key``). A new key makes
    apply create a new offer and leaves the old one live for its buyers, no longer managed from
    git. Keep the old file (set ``lifecycle: expired`` in it to end the old offer) and add the
    new offer under the new key: ``offerops clone OLD NEW``. Checked by
    ``offerops lint --changed-since REF``, on files renamed or edited since REF. A warning: the
    marketplace accepts it, but it is rarely what the seller meant.

    Fails (``offers/acme-2027.yaml`` renamed since REF):

        key: acme-2027-renewal       # at REF: key: acme-2027

    Passes:

        key: acme-2027               # unchanged; the new offer is a new file
    """
    for pair in _pairs(repo, offers):
        old_key, new_key = pair.before.offer.key, pair.now.offer.key
        if pair.same_key or pair.base.released(old_key) is False:
            continue
        message = (
            f'key changed from "{old_key}" to "{new_key}" since {pair.base.ref}: apply would '
            f'create a new offer and leave "{old_key}" live and unmanaged; keep the old file '
            f"(set lifecycle: expired to end it) and add the new offer with "
            f"`offerops clone {old_key} {new_key}`"
        )
        yield _problem(pair, ("key",), message)


@repository_rule("OFR221", "product-or-channel-changed", Severity.ERROR)
def product_or_channel_changed(repo: RepoContext, offers: list[LoadedOffer]) -> Iterator[Problem]:
    """An existing offer's ``product`` or ``channel`` changed since the base revision.

    An offer is made for one product, directly or under one resale authorization, when it is
    created; the Catalog API has no change type that moves it. Apply would stop at this offer
    with "needs a replacement". Revert the change and make a replacement offer instead:
    ``offerops clone KEY KEY-v2``, edit the copy, and set ``lifecycle: expired`` in this file.
    Checked by ``offerops lint --changed-since REF``.

    Fails:

        spec:
          product: vision-ami        # at REF: product: analytics-saas

    Passes:

        spec:
          product: analytics-saas    # unchanged
    """
    for pair in _pairs(repo, offers):
        if pair.same_key:  # a changed key is OFR220's alone
            yield from _moved(pair)


@repository_rule("OFR222", "released-terms-changed", Severity.ERROR)
def released_terms_changed(repo: RepoContext, offers: list[LoadedOffer]) -> Iterator[Problem]:
    """The pricing, buyers or legal terms of an offer that is already released changed.

    A released offer keeps its pricing, payment schedule, contract duration and dates, buyers,
    reseller markup and legal terms; only its expiry date, name and description can change.
    Make a replacement offer (``offerops clone KEY KEY-v2``) and set ``lifecycle: expired`` in
    this one. Changes are compared the way the plan compares them, so reformatting a price
    (``"250.0"`` to ``"250.00"``) or reordering buyers is not a change. Checked by
    ``offerops lint --changed-since REF``; lint cannot see the marketplace, so without the
    offer's state it reports a warning ("if this offer is released"), and an error when the
    caller knows the offer is released.

    Fails (the offer is released):

        pricing:
          dimensions:
            - key: users
              price: "200.00"        # at REF: price: "250.00"

    Passes:

        spec:
          expiresOn: 2027-06-30      # at REF: 2027-03-31; expiry can change
    """
    for pair in _pairs(repo, offers):
        key = pair.now.offer.key
        if not pair.same_key or pair.now.offer.spec.lifecycle == "expired":
            continue
        if any(True for _ in _moved(pair)):  # moving needs a replacement anyway (OFR221)
            continue
        released = pair.base.released(key)
        if released is False:  # a draft may change anything
            continue
        for path, names in _changed_areas(pair.before, pair.now).items():
            yield _terms_changed(pair, key, path, " and ".join(names), known=released is True)


def _problem(
    pair: _Pair, path: DataPath, message: str, severity: Severity | None = None
) -> Problem:
    at: Anchor = "value" if path in _AT_VALUE else "key"
    return Problem(path, message, at=at, file=pair.loaded.relpath, severity=severity)


def _moved(pair: _Pair) -> Iterator[Problem]:
    """A different product (by product id) or a different channel (resale authorization)."""
    before, now, ref = pair.before, pair.now, pair.base.ref
    old, new = before.offer.spec, now.offer.spec
    old_product = before.config.products.get(old.product)
    new_product = now.config.products.get(new.product)
    same_product = (
        old_product.id == new_product.id
        if old_product is not None and new_product is not None
        else old.product == new.product
    )
    guidance = _replacement_hint(now.offer.key)
    if not same_product:
        message = (
            f'product changed from "{old.product}" to "{new.product}" since {ref}; an offer '
            f"cannot move to another product: {guidance}"
        )
        yield _problem(pair, ("spec", "product"), message)
    old_channel = old.channel.resaleAuthorization if old.channel else None
    new_channel = new.channel.resaleAuthorization if new.channel else None
    if old_channel != new_channel:
        message = (
            f"channel changed from {_channel(old_channel)} to {_channel(new_channel)} since "
            f"{ref}; an offer cannot move to another channel: {guidance}"
        )
        yield _problem(pair, ("spec", "channel"), message)


def _channel(resale_authorization: str | None) -> str:
    return f'"{resale_authorization}"' if resale_authorization else "a direct offer"


def _replacement_hint(key: str) -> str:
    return (
        f"revert it, make a replacement offer with `offerops clone {key} {key}-v2`, and set "
        "lifecycle: expired in this file"
    )


def _terms_changed(pair: _Pair, key: str, path: DataPath, what: str, known: bool) -> Problem:
    """A released-terms problem: the rule's error when the offer is known to be released, a
    warning ("if it is released") when the caller cannot tell."""
    ref = pair.base.ref
    if known:
        message = (
            f"{what} changed since {ref}, but the offer is released and released offers "
            f"keep their pricing and terms (only expiry, name and description change): "
            f"{_replacement_hint(key)}"
        )
        return _problem(pair, path, message)
    message = (
        f"{what} changed since {ref}; if the offer is already released on the "
        f"marketplace, it keeps its pricing and terms and this needs a replacement "
        f"offer (`offerops clone {key} {key}-v2`, then lifecycle: expired here); "
        f"the plan shows which"
    )
    return _problem(pair, path, message, Severity.WARNING)


def _pairs(repo: RepoContext, offers: list[LoadedOffer]) -> list[_Pair]:
    """The linted offers that existed at the base, with both versions; read once per run."""
    base = repo.base
    if base is None:
        return []
    cache_key = ("history-pairs", tuple(loaded.relpath for loaded in offers))
    cached = repo.cache.get(cache_key)
    if cached is not None:
        return cast(list[_Pair], cached)
    candidates = [
        (loaded, loaded.offer, previous)
        for loaded in offers
        if loaded.offer is not None
        and loaded.document is not None
        and (previous := base.previous_path(loaded.relpath)) is not None
    ]
    pairs: list[_Pair] = []
    if candidates:
        old_config = _config_at(base) or repo.config
        for loaded, offer, previous in candidates:
            before = _offer_at(base, previous, old_config)
            if before is not None:
                now = _Version(offer, repo.config, _hashes_now(repo, offer))
                pairs.append(_Pair(loaded, before, now, base))
    repo.cache[cache_key] = pairs
    return pairs


def _changed_areas(before: _Version, now: _Version) -> dict[DataPath, list[str]]:
    """Immutable parts that differ, grouped by where the finding points (``terms.AREAS``)."""
    from offerops.terms import AREAS, MUTABLE_WHEN_RELEASED, differing

    old_terms, new_terms = _terms(before), _terms(now)
    if old_terms is None or new_terms is None:
        return {}
    areas: dict[DataPath, list[str]] = {}
    for change_type in differing(old_terms, new_terms):
        if change_type not in MUTABLE_WHEN_RELEASED:
            name, path = AREAS[change_type]
            areas.setdefault(path, []).append(name)
    return areas


def _terms(version: _Version) -> OfferTerms | None:
    """The offer's typed terms at one revision; None when the offer cannot be mapped.

    Custom legal documents are named by their contents at that revision (``documents``), so a
    document changed under the same path is a legal-terms change and a renamed one is not.
    ``terms`` is imported here, not at the top: plain ``offerops lint`` never pays for it.
    """
    from offerops.terms.from_offer import offer_terms

    try:
        return offer_terms(version.offer, version.config, _by_content(version.documents))
    except (KeyError, ValueError, ArithmeticError, TypeError):  # unknown alias etc.: lint says
        return None


def _by_content(documents: tuple[str | None, ...]) -> DocumentsUrl:
    def url(_paths: list[str]) -> str:
        return "sha256:" + ",".join(digest or "missing" for digest in documents)

    return url


def _config_at(base: BaseRevision) -> Config | None:
    data = _parsed(base.read(CONFIG_NAME), CONFIG_NAME)
    try:
        return Config.model_validate(data) if data is not None else None
    except ValidationError:
        return None


def _offer_at(base: BaseRevision, path: str, config: Config) -> _Version | None:
    """The offer file at the base revision, or None when it was not a valid offer there."""
    data = _parsed(base.read(path), path)
    try:
        offer = OfferFile.model_validate(data) if data is not None else None
    except ValidationError:
        return None
    if offer is None:
        return None
    documents = tuple(_digest(base.read(posix(doc))) for doc in _documents(offer))
    return _Version(offer, config, documents)


def _hashes_now(repo: RepoContext, offer: OfferFile) -> tuple[str | None, ...]:
    """Each document's hash in the working tree; None for one that cannot be read as a regular
    file inside the repository (lint's legal rules report why)."""
    hashes: list[str | None] = []
    for document in _documents(offer):
        try:
            data = read_inside(repo.root.resolve(), posix(document), MAX_DOCUMENT_BYTES)
        except (OSError, OutsideRepository, NotRegularFile, FileTooLarge):
            hashes.append(None)
            continue
        hashes.append(_digest(data))
    return tuple(hashes)


def _documents(offer: OfferFile) -> list[str]:
    legal = offer.spec.legal
    return list(legal.documents or []) if legal is not None and legal.terms == "custom" else []


def _digest(data: bytes | None) -> str | None:
    return hashlib.sha256(data).hexdigest() if data is not None else None


def _parsed(raw: bytes | None, relpath: str) -> Any:
    if raw is None:
        return None
    try:
        document, _ = parse_text(raw.decode("utf-8"), relpath)
    except UnicodeDecodeError:
        return None
    return document.data if document is not None else None
