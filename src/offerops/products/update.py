"""``offerops products import``: bring offerops.yaml's products in line with the marketplace.

offerops.yaml is the user's file, with comments and a layout of their own, so it is edited in
ruamel.yaml's round-trip mode: only the values that differ change, everything else (comments,
flow-style dimension lists, quoting, key order) stays as written. The result is checked with the
same model lint uses before it is written, atomically, so a run never leaves a half-written or
invalid file; ``check`` computes the same result and writes nothing (CI: exit 1 when stale).

How entries are matched and written:

- a product is matched by ``id``; a new one gets a key from its title (as ``offerops import``
  names offers), made unique;
- the seller's own products are the marketplace's: type, name and dimensions are set from it,
  a dimension the product lacks is removed (an offer pricing it then fails lint, at its line,
  instead of apply) unless it is ``custom: true`` (a new offer adds it), ``Entitled`` is a
  contract dimension and ``Metered``/``ExternallyMetered`` ``usage: true``;
- a resold product is known only through its authorizations (:mod:`.remote`): its name and ISV
  are set, the dimensions their terms price are added or retyped, others are kept (the terms
  show a subset); a new one gets ``type: saas`` with a comment saying so, since a reseller cannot
  see the type;
- each Active authorization shared with the seller is in ``resaleAuthorizations`` with its
  product's key and name; declared ``terms`` (the emulator's) are kept.

Entries the marketplace does not show are left as they are, and reported.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from offerops.errors import ConfigError, OfferopsError
from offerops.fileio import (
    FileTooLarge,
    NotRegularFile,
    OutsideRepository,
    atomic_write_text,
    read_inside,
)
from offerops.model.config import CONFIG_HINT, Config, validated_config
from offerops.model.limits import ALIAS_PATTERN, MAX_OFFER_FILE_BYTES
from offerops.products.remote import Catalog, RemoteAuthorization, RemoteDimension, RemoteProduct
from offerops.repo import CONFIG_NAME
from offerops.source.loader import parse_text

GUESSED_TYPE = "saas"
GUESSED_NOTE = "type not visible to a reseller: check it"
_LAYOUTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (2, 4, 0))
"""(mapping, sequence, offset) indents tried, in order, to reproduce the file's own layout."""


@dataclass
class ImportResult:
    """offerops.yaml before and after, what changed (for people) and what was left out."""

    before: str
    after: str
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.before != self.after


def import_from_backend(root: Path, *, check: bool = False) -> ImportResult:
    """Read the configured backend and update ``root``'s offerops.yaml (``check``: not written).

    Only a parseable offerops.yaml is needed, not a clean lint: a stale products list is what
    makes lint fail, and this is its fix.
    """
    from offerops.catalog.factory import open_catalog
    from offerops.products.remote import read_catalog
    from offerops.reconcile.session import paced_policy

    config = load(read_config(root))
    client, agreements = open_catalog(config.backend, root, account=config.seller.accountId)
    try:
        catalog = read_catalog(client, paced_policy(config.backend))
    finally:
        client.close()
        agreements.close()
    return import_products(root, catalog, check=check)


def import_products(root: Path, catalog: Catalog, *, check: bool = False) -> ImportResult:
    """Update ``root``'s offerops.yaml from ``catalog``; with ``check``, write nothing."""
    result = updated(read_config(root), catalog)
    if result.changed:
        validate(result.after)
        if not check:
            atomic_write_text(root / CONFIG_NAME, result.after)
    return result


def read_config(root: Path) -> str:
    """offerops.yaml's text, read as lint reads it (``--check`` runs on pull requests): inside
    the repository, a regular file, at most the size limit."""
    try:
        raw = read_inside(root.resolve(), CONFIG_NAME, MAX_OFFER_FILE_BYTES)
        return raw.decode("utf-8")
    except (OSError, UnicodeDecodeError, OutsideRepository, NotRegularFile, FileTooLarge) as error:
        raise ConfigError(f"cannot read {CONFIG_NAME}: {error}", hint=CONFIG_HINT) from None


def updated(text: str, catalog: Catalog) -> ImportResult:
    """The text of offerops.yaml with ``catalog``'s products and authorizations in it."""
    yaml = _round_trip(text)
    data = yaml.load(text)
    unchanged = _dump(yaml, data)
    if not isinstance(data, CommentedMap) or not isinstance(data.get("products"), CommentedMap):
        raise ConfigError(
            f"{CONFIG_NAME} has no products mapping", hint="run `offerops lint` to see why"
        )
    editor = Editor(data)
    editor.own_products(catalog.products)
    editor.resold_products(catalog)
    after = _merged(text, unchanged, _dump(yaml, data))
    return ImportResult(text, after, editor.changes, catalog.notes + editor.notes)


def load(text: str) -> Config:
    """offerops.yaml's text as the model lint uses; its first problem is a ConfigError."""
    document, problems = parse_text(text, CONFIG_NAME)
    if problems or document is None:
        reason = problems[0].message if problems else "the file is empty"
        raise ConfigError(f"{CONFIG_NAME}: {reason}", hint=CONFIG_HINT)
    return validated_config(document.data, CONFIG_NAME)


def validate(text: str) -> None:
    """Refuse to write a file lint would refuse to parse (a bug here, or a marketplace value
    offerops.yaml cannot hold, such as a dimension key outside its pattern)."""
    try:
        load(text)
    except ConfigError as error:
        raise OfferopsError(
            f"the imported products would make {CONFIG_NAME} invalid, so it was not written: "
            f"{error.message}",
            hint="add the product by hand, or report it if offerops.yaml should hold it",
        ) from None


def _round_trip(text: str) -> YAML:
    """A round-trip YAML whose indentation reproduces most of ``text``'s lines."""
    original = _unpadded(text).splitlines()

    def score(yaml: YAML) -> int:
        dumped = _dump(yaml, yaml.load(text)).splitlines()
        return sum(1 for a, b in zip(original, dumped, strict=False) if a == b)

    return max((_yaml(*layout) for layout in _LAYOUTS), key=score)


def _merged(original: str, unchanged: str, changed: str) -> str:
    """``changed``, with every line it shares with ``unchanged`` (the dump of the file as read)
    taken from ``original``: ruamel drops the spaces inside ``{ }`` and may re-space a line, and
    a line the import did not touch must stay byte for byte the user's."""
    lines, before = original.splitlines(keepends=True), unchanged.splitlines(keepends=True)
    if len(lines) != len(before):
        return changed  # ruamel reflowed something: its own text is still the same YAML
    after = changed.splitlines(keepends=True)
    padded = "{ " in original
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(lines[i1:i2])
        else:
            out.extend(_padded(line) if padded else line for line in after[j1:j2])
    return "".join(out)


_FLOW = re.compile(r"^(\s*(?:- )?[^#{]*?)\{(?! )(.*?)(?<! )\}(\s*(?:#.*)?)$", re.DOTALL)


def _padded(line: str) -> str:
    """``{key: a}`` as ``{ key: a }``, the documented style, for a line the import wrote."""
    return _FLOW.sub(r"\1{ \2 }\3", line)


def _unpadded(text: str) -> str:
    return text.replace("{ ", "{").replace(" }", "}")


def _yaml(mapping: int, sequence: int, offset: int) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line the user wrote
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dump(yaml: YAML, data: object) -> str:
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


class Editor:
    """Edits the loaded offerops.yaml in place and records each change for the user."""

    def __init__(self, data: CommentedMap) -> None:
        self.data = data
        self.products: CommentedMap = data["products"]
        self.changes: list[str] = []
        self.notes: list[str] = []

    def by_id(self) -> dict[str, str]:
        return {str(entry.get("id")): str(key) for key, entry in self.products.items()}

    # --- the seller's own products -----------------------------------------------------------

    def own_products(self, products: Sequence[RemoteProduct]) -> None:
        for product in products:
            self.product(product)
        remote = {product.id for product in products}
        for key, entry in self.products.items():
            if not entry.get("manufacturerAccountId") and entry.get("id") not in remote:
                self.notes.append(
                    f"products.{key} ({entry.get('id')}) is not one of your products on the "
                    "marketplace; left as is"
                )

    def product(self, product: RemoteProduct) -> str | None:
        """Add or update one product; its key, or None when it cannot be written."""
        key = self.by_id().get(product.id)
        if key is None:
            return self.add_product(product)
        entry = self.products[key]
        if product.type is not None:
            self.set(entry, "type", product.type, f"products.{key}")
        if product.title:
            self.set(entry, "name", product.title, f"products.{key}")
        if product.manufacturer:
            account = DoubleQuotedScalarString(product.manufacturer)
            self.set(entry, "manufacturerAccountId", account, f"products.{key}")
        elif "manufacturerAccountId" in entry:
            del entry["manufacturerAccountId"]
            self.changes.append(f"products.{key}: manufacturerAccountId removed (it is yours)")
        self.dimensions(key, entry["dimensions"], product)
        return key

    def add_product(self, product: RemoteProduct) -> str | None:
        if not product.dimensions:
            self.notes.append(
                f"{product.id} ({product.title or 'no title'}) shows no dimensions; add it to "
                "products by hand with its dimensions and rerun"
            )
            return None
        key = self.new_key(product.title, product.id)
        entry = CommentedMap(id=product.id, type=product.type or GUESSED_TYPE)
        if product.type is None:
            entry.yaml_add_eol_comment(GUESSED_NOTE, "type")
            self.notes.append(f"products.{key}: type {GUESSED_TYPE} is a guess; {GUESSED_NOTE}")
        if product.title:
            entry["name"] = product.title
        if product.manufacturer:
            entry["manufacturerAccountId"] = DoubleQuotedScalarString(product.manufacturer)
        entry["dimensions"] = CommentedSeq(self.dimension_item(d) for d in product.dimensions)
        self.products[key] = entry
        kinds = ", ".join(f"{d.key} ({d.kind})" for d in product.dimensions)
        self.changes.append(f"products.{key}: added {product.id} with dimensions {kinds}")
        return key

    def new_key(self, title: str | None, product_id: str) -> str:
        """A key from the title (as ``offerops import`` names offers), unique in products."""
        base = _slug(title or "") or product_id.lower()
        key, number = base, 2
        while key in self.products:
            key = f"{base[:58]}-{number}"
            number += 1
        return key

    # --- dimensions -------------------------------------------------------------------------

    def dimensions(self, key: str, items: CommentedSeq, product: RemoteProduct) -> None:
        """Set each remote dimension; remove the others only when the product showed them all."""
        where = f"products.{key}"
        existing = {str(item.get("key")): item for item in items}
        for dimension in product.dimensions:
            item = existing.get(dimension.key)
            if item is None:
                items.append(self.dimension_item(dimension, like=items))
                self.changes.append(f"{where}: added dimension {dimension.key} ({dimension.kind})")
            else:
                self.update_dimension(f"{where}.dimensions.{dimension.key}", item, dimension)
        if product.complete and product.dimensions:
            self.remove_missing(where, items, {d.key for d in product.dimensions})

    def update_dimension(self, where: str, item: CommentedMap, dimension: RemoteDimension) -> None:
        if bool(item.get("usage", False)) != dimension.usage:
            self.changes.append(f"{where}: now {dimension.kind} (was {_kind(item)})")
            if dimension.usage:
                item["usage"] = True
            else:
                del item["usage"]
        if dimension.name:
            self.set(item, "name", dimension.name, where)
        if dimension.unit:
            self.set(item, "unit", dimension.unit, where)

    def remove_missing(self, where: str, items: CommentedSeq, keys: set[str]) -> None:
        for index in reversed(range(len(items))):
            key = str(items[index].get("key"))
            if key not in keys and items[index].get("custom") is not True:
                del items[index]
                self.changes.append(
                    f"{where}: removed dimension {key} (not on the marketplace; offers pricing "
                    "it now fail lint)"
                )

    def dimension_item(
        self, dimension: RemoteDimension, like: Iterable[CommentedMap] = ()
    ) -> CommentedMap:
        """A dimension entry, in flow style like its siblings (the documented layout)."""
        item = CommentedMap(key=dimension.key, name=dimension.name or dimension.key)
        if dimension.unit:
            item["unit"] = dimension.unit
        if dimension.usage:
            item["usage"] = True
        sibling = next(iter(like), None)
        flow = sibling is None or bool(sibling.fa.flow_style())
        if flow:
            item.fa.set_flow_style()
        return item

    # --- resold products and resale authorizations -------------------------------------------

    def resold_products(self, catalog: Catalog) -> None:
        active = [a for a in catalog.authorizations if a.active]
        self.notes.extend(
            f"{a.id} is {a.status}, not Active: not imported"
            for a in catalog.authorizations
            if not a.active
        )
        keys: dict[str, str | None] = {}
        for product in _resold_views(active, catalog.resold):
            keys[product.id] = self.product(product)
        for authorization in active:
            key = keys.get(authorization.product_id)
            if key is not None:
                self.authorization(authorization, key)
        self.unshared({a.id for a in active})

    def authorization(self, authorization: RemoteAuthorization, product_key: str) -> None:
        declared = self.authorizations()
        where = f"resaleAuthorizations.{authorization.id}"
        entry = declared.get(authorization.id)
        if entry is None:
            entry = CommentedMap(product=product_key)
            if authorization.name:
                entry["name"] = authorization.name
            declared[authorization.id] = entry
            self.changes.append(f"{where}: added (product {product_key})")
            return
        self.set(entry, "product", product_key, where)
        if authorization.name:
            self.set(entry, "name", authorization.name, where)

    def authorizations(self) -> CommentedMap:
        """``resaleAuthorizations``, added right after ``products`` when absent."""
        declared = self.data.get("resaleAuthorizations")
        if isinstance(declared, CommentedMap):
            return declared
        declared = CommentedMap()
        self.data.insert(list(self.data).index("products") + 1, "resaleAuthorizations", declared)
        return declared

    def unshared(self, shared: set[str]) -> None:
        declared = self.data.get("resaleAuthorizations") or {}
        for authorization_id in declared:
            if authorization_id not in shared:
                self.notes.append(
                    f"resaleAuthorizations.{authorization_id} is not shared with you (Active) "
                    "on the marketplace; left as is"
                )

    # --- one value ----------------------------------------------------------------------------

    def set(self, entry: CommentedMap, name: str, value: str, where: str) -> None:
        """Set ``entry[name]`` if it differs, keeping the key's place and comments."""
        old = entry.get(name)
        if old is not None and str(old) == value:
            return
        entry[name] = value
        self.changes.append(f"{where}.{name}: {old if old is not None else '(none)'} -> {value}")


def _resold_views(
    authorizations: Sequence[RemoteAuthorization], visible: dict[str, RemoteProduct]
) -> Iterator[RemoteProduct]:
    """One view per resold product: the product itself if the backend let the reseller describe
    it, else what all of its authorizations show together."""
    by_product: dict[str, list[RemoteAuthorization]] = {}
    for authorization in authorizations:
        by_product.setdefault(authorization.product_id, []).append(authorization)
    for product_id, shared in by_product.items():
        first = shared[0]
        product = visible.get(product_id)
        if product is not None:
            yield RemoteProduct(
                product.id, product.type, product.title, product.dimensions, first.manufacturer
            )
            continue
        usage: dict[str, bool] = {}
        for authorization in shared:
            for dimension in authorization.dimensions:
                usage[dimension.key] = usage.get(dimension.key, False) or dimension.usage
        dimensions = tuple(RemoteDimension(key, metered) for key, metered in usage.items())
        yield RemoteProduct(
            product_id, None, first.product_name, dimensions, first.manufacturer, complete=False
        )


def _kind(item: CommentedMap) -> str:
    return "usage" if item.get("usage") else "contract"


def _slug(title: str) -> str:
    """A products key from a title: lowercase words joined by ``-`` (``ALIAS_PATTERN``)."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:63].rstrip("-")
    return slug if re.fullmatch(ALIAS_PATTERN, slug) else ""
