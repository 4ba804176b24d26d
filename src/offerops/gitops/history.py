"""History rules: compare each changed offer with its version at the base revision.

A change the marketplace cannot take (a new product, a new price on a released offer) should be
seen in the pull request, with what to do instead, not discovered when apply stops on merge.
Pricing and terms are compared the way the plan compares them (``terms.differing`` on the typed
terms of each version), so formatting, key order and aliases never count as changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from offerops.fileio import FileTooLarge, NotRegularFile, OutsideRepository, read_inside
from offerops.gitops.changed import ChangeSet, changed_since
from offerops.gitops.gitrepo import GitView, open_view, posix
from offerops.gitops.rules import (
    HISTORY_RULES,
    KEY_CHANGED,
    PRODUCT_OR_CHANNEL_CHANGED,
    RELEASED_TERMS_CHANGED,
)
from offerops.lint.finding import Finding, Severity
from offerops.lint.rule import Rule, resolve_rule
from offerops.model.config import Config
from offerops.model.limits import MAX_DOCUMENT_BYTES
from offerops.model.offer import OfferFile
from offerops.repo import CONFIG_NAME
from offerops.source.document import Anchor, DataPath
from offerops.source.loader import parse_text
from offerops.terms import AREAS, MUTABLE_WHEN_RELEASED, OfferTerms, differing
from offerops.terms.from_offer import DocumentsUrl, offer_terms

if TYPE_CHECKING:
    from offerops.lint.context import LoadedOffer
    from offerops.lint.runner import LintReport

Released = Callable[[str], bool] | AbstractSet[str]
"""Which offer keys are released on the marketplace: a predicate or a set of keys."""

_AT_VALUE = frozenset({("key",), ("spec", "product"), ("spec", "channel", "markupPercentage")})
"""Paths of scalars, pointed at by value; sections are pointed at by their key."""


@dataclass(frozen=True)
class _Version:
    """One offer at one revision, with the config and document contents of that revision."""

    offer: OfferFile
    config: Config
    documents: tuple[str | None, ...]
    """sha256 of each legal document, in order; None for a missing file."""


def history_findings(
    root: Path,
    ref: str,
    report: LintReport,
    released: Released | None = None,
    *,
    changes: ChangeSet | None = None,
) -> list[Finding]:
    """Findings of OFR220-OFR222 for the linted offers that existed at ``ref``.

    ``released`` says which keys are released on the marketplace; None (lint has no backend)
    reports terms changes as warnings that apply only if the offer is released. Pass the
    ``changes`` already computed for ``--changed-since`` to avoid a second diff.
    """
    if report.repo is None:
        return []
    changes = changes or changed_since(root, ref)
    pairs = [
        (loaded, previous)
        for loaded in report.offers
        if loaded.offer is not None
        and loaded.document is not None
        and (previous := changes.previous_path(loaded.relpath)) is not None
    ]
    if not pairs:
        return []
    config = report.repo.config
    overrides = _overrides(config)
    findings: list[Finding] = []
    with open_view(root.resolve(), ref) as view:
        old_config = _config_at(view) or config
        for loaded, previous in pairs:
            before = _offer_at(view, previous, old_config)
            assert loaded.offer is not None
            now = _Version(loaded.offer, config, _hashes_now(root, loaded.offer))
            if before is None:
                continue
            for problem in _compare(before, now, ref, _predicate(released)):
                findings.extend(_finding(loaded, problem, overrides))
    return sorted(findings)


@dataclass(frozen=True)
class _Problem:
    rule: Rule
    path: DataPath
    message: str
    severity: Severity


def _compare(
    before: _Version, now: _Version, ref: str, released: Callable[[str], bool] | None
) -> Iterator[_Problem]:
    """The history problems of one offer: key first, then product/channel, then terms."""
    old, new = before.offer, now.offer
    if old.key != new.key:
        if released is None or released(old.key):
            yield _key_changed(old.key, new.key, ref)
        return
    moved = list(_moved(before, now, ref))
    yield from moved
    if moved or new.spec.lifecycle == "expired":
        return
    areas = _changed_areas(before, now)
    if not areas or (released is not None and not released(new.key)):
        return
    yield from _terms_changed(new.key, areas, ref, known=released is not None)


def _key_changed(old_key: str, new_key: str, ref: str) -> _Problem:
    message = (
        f'key changed from "{old_key}" to "{new_key}" since {ref}: apply would create a new '
        f'offer and leave "{old_key}" live and unmanaged; keep the old file (set '
        f"lifecycle: expired to end it) and add the new offer with "
        f"`offerops clone {old_key} {new_key}`"
    )
    return _Problem(KEY_CHANGED, ("key",), message, KEY_CHANGED.severity)


def _moved(before: _Version, now: _Version, ref: str) -> Iterator[_Problem]:
    """A different product (by product id) or a different channel (resale authorization)."""
    old, new = before.offer.spec, now.offer.spec
    old_product = before.config.products.get(old.product)
    new_product = now.config.products.get(new.product)
    same_product = (
        old_product.id == new_product.id
        if old_product is not None and new_product is not None
        else old.product == new.product
    )
    guidance = _replacement_hint(now.offer.key)
    rule = PRODUCT_OR_CHANNEL_CHANGED
    if not same_product:
        message = (
            f'product changed from "{old.product}" to "{new.product}" since {ref}; an offer '
            f"cannot move to another product: {guidance}"
        )
        yield _Problem(rule, ("spec", "product"), message, rule.severity)
    old_channel = old.channel.resaleAuthorization if old.channel else None
    new_channel = new.channel.resaleAuthorization if new.channel else None
    if old_channel != new_channel:
        message = (
            f"channel changed from {_channel(old_channel)} to {_channel(new_channel)} since "
            f"{ref}; an offer cannot move to another channel: {guidance}"
        )
        yield _Problem(rule, ("spec", "channel"), message, rule.severity)


def _channel(resale_authorization: str | None) -> str:
    return f'"{resale_authorization}"' if resale_authorization else "a direct offer"


def _replacement_hint(key: str) -> str:
    return (
        f"revert it, make a replacement offer with `offerops clone {key} {key}-v2`, and set "
        "lifecycle: expired in this file"
    )


def _terms_changed(
    key: str, areas: dict[DataPath, list[str]], ref: str, known: bool
) -> Iterator[_Problem]:
    rule = RELEASED_TERMS_CHANGED
    for path, names in areas.items():
        what = " and ".join(names)
        if known:
            message = (
                f"{what} changed since {ref}, but the offer is released and released offers "
                f"keep their pricing and terms (only expiry, name and description change): "
                f"{_replacement_hint(key)}"
            )
            yield _Problem(rule, path, message, rule.severity)
        else:
            message = (
                f"{what} changed since {ref}; if the offer is already released on the "
                f"marketplace, it keeps its pricing and terms and this needs a replacement "
                f"offer (`offerops clone {key} {key}-v2`, then lifecycle: expired here); "
                f"the plan shows which"
            )
            yield _Problem(rule, path, message, Severity.WARNING)


def _changed_areas(before: _Version, now: _Version) -> dict[DataPath, list[str]]:
    """Immutable parts that differ, grouped by where the finding points (``terms.AREAS``)."""
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
    """
    try:
        return offer_terms(version.offer, version.config, _by_content(version.documents))
    except (KeyError, ValueError, ArithmeticError, TypeError):  # unknown alias etc.: lint says
        return None


def _by_content(documents: tuple[str | None, ...]) -> DocumentsUrl:
    def url(_paths: list[str]) -> str:
        return "sha256:" + ",".join(digest or "missing" for digest in documents)

    return url


def _config_at(view: GitView) -> Config | None:
    data = _parsed(view.read_at_base(CONFIG_NAME), CONFIG_NAME)
    try:
        return Config.model_validate(data) if data is not None else None
    except ValidationError:
        return None


def _offer_at(view: GitView, path: str, config: Config) -> _Version | None:
    """The offer file at the base revision, or None when it was not a valid offer there."""
    data = _parsed(view.read_at_base(path), path)
    try:
        offer = OfferFile.model_validate(data) if data is not None else None
    except ValidationError:
        return None
    if offer is None:
        return None
    documents = tuple(_digest(view.read_at_base(posix(doc))) for doc in _documents(offer))
    return _Version(offer, config, documents)


def _hashes_now(root: Path, offer: OfferFile) -> tuple[str | None, ...]:
    """Each document's hash in the working tree; None for one that cannot be read as a regular
    file inside the repository (lint's legal rules report why)."""
    hashes: list[str | None] = []
    for document in _documents(offer):
        try:
            data = read_inside(root.resolve(), posix(document), MAX_DOCUMENT_BYTES)
        except (OSError, OutsideRepository, NotRegularFile, FileTooLarge):
            hashes.append(None)
            continue
        hashes.append(_digest(data))
    return tuple(hashes)


def _documents(offer: OfferFile) -> list[str]:
    legal = offer.spec.legal
    return list(legal.documents or []) if legal.terms == "custom" else []


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


def _predicate(released: Released | None) -> Callable[[str], bool] | None:
    if released is None or callable(released):
        return released
    keys = frozenset(released)
    return keys.__contains__


def _overrides(config: Config) -> dict[str, Severity | None]:
    """``lint.rules`` settings for the warning rules here (error rules cannot be lowered)."""
    result: dict[str, Severity | None] = {}
    for name, setting in config.lint.rules.items():
        rule = resolve_rule(name)
        if rule is None or rule not in HISTORY_RULES:
            continue
        if rule.severity is Severity.WARNING or setting.severity == "error":
            result[rule.id] = None if setting.severity == "off" else Severity(setting.severity)
    return result


def _finding(
    loaded: LoadedOffer, problem: _Problem, overrides: dict[str, Severity | None]
) -> list[Finding]:
    """The finding at the problem's path, with the configured severity; none when off."""
    severity = overrides.get(problem.rule.id, problem.severity)
    if severity is None or loaded.document is None:
        return []
    anchor: Anchor = "value" if problem.path in _AT_VALUE else "key"
    position = loaded.document.locate(problem.path, anchor)
    key = loaded.offer.key if loaded.offer is not None else None
    return [
        Finding(
            loaded.relpath,
            position.line,
            position.column,
            problem.rule.id,
            problem.rule.name,
            severity,
            problem.message,
            key,
        )
    ]
