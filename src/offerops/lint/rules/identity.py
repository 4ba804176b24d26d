"""OFR2xx: identity and references: keys, file names, products, offer ids, channel."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from offerops.fileio import FileTooLarge, NotRegularFile, OutsideRepository, read_inside
from offerops.lint.context import LoadedOffer, OfferContext, RepoContext
from offerops.lint.finding import Severity
from offerops.lint.rule import Problem, declare, offer_rule, repository_rule
from offerops.model.limits import MAX_OFFER_FILE_BYTES

declare(
    "OFR201",
    "key-format",
    Severity.ERROR,
    "structure",
    """
    The offer ``key`` is not 2..63 lowercase letters, digits and dashes.

    The key is the offer's identity in git and on the marketplace (tag ``offerops:key``), and
    the file name. Lowercase with dashes keeps it valid as a tag value, a file name on every OS,
    and a URL fragment.

    Fails:

        key: Acme_Analytics_2027

    Passes:

        key: acme-analytics-2027
    """,
)


@offer_rule("OFR202", "key-matches-file")
def key_matches_file(ctx: OfferContext) -> Iterator[Problem]:
    """
    The offer ``key`` differs from the file name.

    ``offers/acme-2027.yaml`` must say ``key: acme-2027``. Reviewers find an offer by its file,
    the reconciler by its key; when they differ, renaming one silently creates a new offer.

    Fails (in ``offers/acme-2027.yaml``):

        key: acme-2028

    Passes (in ``offers/acme-2027.yaml``):

        key: acme-2027
    """
    stem = ctx.loaded.stem
    if ctx.offer.key != stem:
        yield Problem(
            ("key",),
            f'key "{ctx.offer.key}" must equal the file name "{stem}"; rename the file to '
            f'"{ctx.offer.key}.yaml" or set key: {stem}',
        )


_OTHERS_SHOWN = 3


def _others(paths: list[str], path: str) -> str:
    """The other files, at most three named: with thousands of copies, listing all of them in
    every finding would make the report grow with the square of the count."""
    others = [other for other in paths[: _OTHERS_SHOWN + 1] if other != path][:_OTHERS_SHOWN]
    rest = len(paths) - 1 - len(others)
    return ", ".join(others) + (f" and {rest} more" if rest else "")


@repository_rule("OFR203", "duplicate-offer-key")
def duplicate_offer_key(repo: RepoContext, offers: list[LoadedOffer]) -> Iterator[Problem]:
    """
    Two offer files have the same key.

    Keys are unique across the repository, also across subdirectories of ``offers/``: two files
    with one key would fight over one marketplace offer. Because a key equals its file's name,
    this is checked on the names of all offer files, also those not linted in this run.

    Fails: ``offers/emea/acme.yaml`` and ``offers/us/acme.yaml``.

    Passes: ``offers/emea/acme-emea.yaml`` and ``offers/us/acme-us.yaml``.
    """
    by_stem: dict[str, list[str]] = defaultdict(list)
    for path in repo.all_offer_paths:
        by_stem[path.rsplit("/", 1)[-1].rsplit(".", 1)[0]].append(path)
    linted = {loaded.relpath for loaded in offers}
    for stem, paths in sorted(by_stem.items()):
        if len(paths) < 2:
            continue
        for path in paths:
            if path in linted:
                others = _others(paths, path)
                yield Problem(
                    ("key",),
                    f'key "{stem}" is also used by {others}; keys are unique in the repository',
                    file=path,
                )


@offer_rule("OFR204", "unknown-product")
def unknown_product(ctx: OfferContext) -> Iterator[Problem]:
    """
    ``spec.product`` is not a product in offerops.yaml.

    The product key leads to the product id and its dimensions, which every pricing rule needs.
    Add the product to ``products`` in offerops.yaml, or fix the key.

    Fails:

        spec:
          product: analytics-sass

    Passes:

        spec:
          product: analytics-saas
    """
    if ctx.product is None:
        known = ", ".join(sorted(ctx.repo.config.products))
        yield Problem(
            ("spec", "product"),
            f'product "{ctx.spec.product}" is not in offerops.yaml; known products: {known}',
        )


@repository_rule("OFR205", "duplicate-offer-id")
def duplicate_offer_id(repo: RepoContext, offers: list[LoadedOffer]) -> Iterator[Problem]:
    """
    Two offer files adopt the same marketplace offer ``id``.

    ``id`` ties a file to an existing offer (``offerops import`` writes it). Two files with one id
    would overwrite each other's changes on every apply. Checked against every offer file, also
    those not linted in this run (``--changed-since``).

    Fails: ``id: offer-6s4yhickti7lu`` in both ``offers/a.yaml`` and ``offers/b.yaml``.

    Passes: the id in one file only.
    """
    linted = {loaded.relpath for loaded in offers}
    by_id: dict[str, list[str]] = defaultdict(list)
    for loaded in offers:
        if loaded.adopted_id:
            by_id[loaded.adopted_id].append(loaded.relpath)
    wanted = {offer_id.encode() for offer_id in by_id}
    unlinted = [path for path in repo.all_offer_paths if path not in linted]
    root = repo.root.resolve()
    for path in unlinted if wanted else ():
        offer_id = _adopted_id(root, path, wanted)
        if offer_id:
            by_id[offer_id].append(path)
    for offer_id, paths in sorted(by_id.items()):
        yield from _duplicate_id_problems(offer_id, sorted(paths), linted)


def _duplicate_id_problems(offer_id: str, paths: list[str], linted: set[str]) -> Iterator[Problem]:
    """One problem per linted file that shares ``offer_id``; when every file is linted, the
    first one keeps the id and the others are reported."""
    if len(paths) < 2:
        return
    everyone_linted = all(path in linted for path in paths)
    for path in paths:
        if path not in linted or (everyone_linted and path == paths[0]):
            continue
        others = _others(paths, path)
        yield Problem(("id",), f'offer id "{offer_id}" is already adopted by {others}', file=path)


_ID_LINE = re.compile(rb"""^id:[ \t]*["']?(offer-[A-Za-z0-9]+)""", re.MULTILINE)


def _adopted_id(root: Path, path: str, wanted: set[bytes]) -> str | None:
    """The top-level ``id:`` of a file not linted in this run, if it is one of ``wanted``.

    Only read when a linted offer adopts an id at all; a byte search skips decoding. Read like
    every offer file: inside the repository, regular files only, at most the size limit."""
    try:
        data = read_inside(root, path, MAX_OFFER_FILE_BYTES)
    except (OSError, OutsideRepository, NotRegularFile, FileTooLarge):
        return None
    if not any(offer_id in data for offer_id in wanted):
        return None
    match = _ID_LINE.search(data)
    return match.group(1).decode() if match else None
