"""AddDimensions on a product, in a change set next to offer changes.

Sources: AWS's reference change sets (aws-samples/aws-marketplace-reference-code,
``java/src/main/resources/changeSets/offers/CreateSaasProductCustomDimensionAndPrivateOffer.json``:
an ``AddDimensions`` change on ``SaaSProduct@1.0`` ``prod-…`` followed, in the same set, by a
CreateOffer whose pricing uses the new dimension; ``products/ami/
AddDimensionToAmiProductAndSetPriceInPublicOffer.json``: the same on ``AmiProduct@1.0`` with a
``Metered`` dimension). Their DetailsDocument is a JSON **array** of ``{Key, Name, Description,
Unit, Types}``. The AWS Marketplace Seller Guide lets a seller add custom dimensions while making a
private offer.

A dimension added by an earlier change of the set is visible to the later changes' pricing rules
(the product is read through :class:`WorkingCatalog`); the product is written, one revision later,
only when the whole set succeeds.

Unconfirmed, chosen conservatively: every dimension needs all five members (each sample sends
them); the Types a product type takes are those the samples and the SaaSProduct DescribeEntity
answer show (SaaS: Entitled, ExternallyMetered; AMI: Metered, Entitled; container: Entitled,
ExternallyMetered); a key the product already has is refused (changing one is UpdateDimensions,
not emulated); the key pattern and the length limits below are the emulator's own.
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from collections.abc import Mapping
from typing import Any

from offerops.emulator import offers
from offerops.emulator.exceptions import ValidationException
from offerops.emulator.offers import ChangeResult, Context, ErrorDetail
from offerops.emulator.products import with_dimensions
from offerops.emulator.store import catalog as store
from offerops.emulator.store.agreements import AgreementRecord
from offerops.emulator.store.catalog import Product, ResaleAuthorization, StoreCatalog

PRODUCT_ENTITY_TYPES: Mapping[str, str] = {
    "SaaSProduct@1.0": "SaaSProduct",
    "AmiProduct@1.0": "AmiProduct",
    "ContainerProduct@1.0": "ContainerProduct",
}
CHANGE_TYPES = frozenset({"AddDimensions"})
DIMENSION_TYPES: Mapping[str, frozenset[str]] = {
    "SaaSProduct": frozenset({"Entitled", "ExternallyMetered"}),
    "AmiProduct": frozenset({"Metered", "Entitled"}),
    "ContainerProduct": frozenset({"Entitled", "ExternallyMetered"}),
}
_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
_TEXT_LIMITS = {"Name": 150, "Description": 250, "Unit": 100}
_MEMBERS = frozenset({"Key", "Name", "Description", "Unit", "Types"})
MAX_DIMENSIONS_PER_CHANGE = 200


def is_product_type(entity_type: str) -> bool:
    return entity_type in PRODUCT_ENTITY_TYPES


def check_change_type(change_type: str, entity_type: str, member: str) -> None:
    """Synchronous: only AddDimensions is emulated on a product."""
    if change_type not in CHANGE_TYPES:
        raise ValidationException(
            f"{member}: ChangeType {change_type} on {entity_type} is not supported by the "
            f"offerops emulator (it emulates {', '.join(sorted(CHANGE_TYPES))} on products)"
        )


def takes_list(change_type: Any) -> bool:
    """Whether the change type's DetailsDocument is a JSON array (AddDimensions)."""
    return change_type in CHANGE_TYPES


def owns(connection: sqlite3.Connection, account: str, entity_id: str) -> bool:
    product = store.product(connection, entity_id)
    return product is not None and product.account == account


def is_product_change(change: Mapping[str, Any]) -> bool:
    return is_product_type(str(change["echo"]["Entity"].get("Type")))


class WorkingCatalog:
    """The store's catalog with the products changed by the set so far (not yet written)."""

    def __init__(self, base: StoreCatalog) -> None:
        self._base = base
        self.pending: dict[str, Product] = {}

    def product(self, product_id: str) -> Product | None:
        return self.pending.get(product_id) or self._base.product(product_id)

    def resale_authorization(self, authorization_id: str) -> ResaleAuthorization | None:
        return self._base.resale_authorization(authorization_id)

    def agreement(self, agreement_id: str) -> AgreementRecord | None:
        return self._base.agreement(agreement_id)

    def write(self, connection: sqlite3.Connection, when: str) -> dict[str, int]:
        """Save the changed products (already one revision later), modified ``when``; their
        revisions by id."""
        for product in self.pending.values():
            store.save_product(connection, dataclasses.replace(product, last_modified=when))
        return {product_id: product.revision for product_id, product in self.pending.items()}


def apply(change: Mapping[str, Any], catalog: WorkingCatalog, context: Context) -> ChangeResult:
    """Check an AddDimensions change and, if fine, stage the product with the new dimensions."""
    entity_type = PRODUCT_ENTITY_TYPES[change["echo"]["Entity"]["Type"]]
    product = catalog.product(change["entity_id"])
    assert product is not None, "ownership was checked when the set started"
    errors: list[ErrorDetail] = []
    if product.product_type != entity_type:
        errors.append(
            ErrorDetail(
                "INVALID_ENTITY_TYPE",
                f"product {product.product_id} is a {product.product_type}, not {entity_type}",
            )
        )
        return ChangeResult(None, errors)
    added = _dimensions(change["document"].get("list"), product, errors)
    if not errors:
        staged = with_dimensions(product, [*product.described_dimensions(), *added], "")
        catalog.pending[product.product_id] = staged
    return ChangeResult(None, errors)


def _dimensions(document: Any, product: Product, errors: list[ErrorDetail]) -> list[dict[str, Any]]:
    if not isinstance(document, list) or not 1 <= len(document) <= MAX_DIMENSIONS_PER_CHANGE:
        errors.append(
            offers.base.input_error(
                f"AddDimensions takes a list of 1 to {MAX_DIMENSIONS_PER_CHANGE} dimensions"
            )
        )
        return []
    known = set(product.dimensions)
    found: list[dict[str, Any]] = []
    for index, item in enumerate(document):
        problem = _dimension_problem(item, product.product_type, known)
        if problem:
            errors.append(offers.base.input_error(f"Dimensions[{index}]: {problem}"))
        else:
            known.add(item["Key"])
            found.append({name: item[name] for name in ("Key", "Name", "Description", "Unit")})
            found[-1]["Types"] = list(item["Types"])
    return found


def _dimension_problem(item: Any, product_type: str, known: set[str]) -> str | None:
    if not isinstance(item, dict) or set(item) != _MEMBERS:
        return f"a dimension has exactly the members {', '.join(sorted(_MEMBERS))}"
    if not isinstance(item["Key"], str) or not _KEY.match(item["Key"]):
        return f"Key {item['Key']!r} must match {_KEY.pattern}"
    if item["Key"] in known:
        return f"the product already has a dimension with Key {item['Key']}"
    for name, most in _TEXT_LIMITS.items():
        if not isinstance(item[name], str) or not 1 <= len(item[name]) <= most:
            return f"{name} must be a string of 1 to {most} characters"
    allowed = DIMENSION_TYPES[product_type]
    types = item["Types"]
    if not isinstance(types, list) or not types or len(set(types)) != len(types):
        return "Types must be a non-empty list without repeats"
    if not set(types) <= allowed:
        return f"Types of a {product_type} dimension are {', '.join(sorted(allowed))}"
    return None
