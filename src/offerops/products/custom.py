"""Custom dimensions: a new offer adds the ``custom`` dimensions it prices to its product.

offerops.yaml may declare a dimension ``custom: true``: not yet on the marketplace product, added
by the first new offer that prices it (the seller console's "Add custom dimensions" of a private
offer). The plan reads the products of the new offers that price one (one BatchDescribeEntities
per 20 of them, none when no new offer does) and gives the first such offer (by key) of each
product an AddDimensions change on the product, sent first in its change set (as AWS's
CreateSaasProductCustomDimensionAndPrivateOffer sample). Once applied, the product has the
dimension and later plans add nothing.

Two new offers of one plan pricing the same new dimension: only the first adds it, and the
other's change set fails if it runs first; the plan warns to apply them one after the other.
A channel partner offer cannot add a dimension to the ISV's product; nor can a product the
backend does not show (plan's product check warns about both).
"""

from __future__ import annotations

from dataclasses import replace

from offerops.catalog.client import CatalogClient
from offerops.lint.runner import LintReport
from offerops.model.config import Dimension, Product
from offerops.products.check import offer_uses
from offerops.products.remote import describe, product_from_entity
from offerops.reconcile.diff import AddedDimensions
from offerops.reconcile.plan import Plan, PlanWarning
from offerops.reconcile.retry import RetryPolicy
from offerops.terms.document import JsonValue, ShapeError

DEFAULT_UNIT = "Units"


def add_custom_dimensions(
    client: CatalogClient, retry: RetryPolicy, report: LintReport, plan: Plan
) -> None:
    """Give each new offer that first prices a missing ``custom`` dimension its AddDimensions
    (``OfferPlan.add_dimensions``), and warn about the other new offers that price it."""
    if report.repo is None:
        return
    config = report.repo.config
    creates = [entry for entry in plan.entries if entry.action == "create"]
    wanted: list[tuple[str, str, list[Dimension]]] = []
    for use in offer_uses(report, config, creates):
        declared = {d.key: d for d in config.products[use.product].dimensions}
        custom = [declared[key] for key, _ in use.dimensions if key in declared]
        custom = [d for d in custom if d.custom]
        if custom and use.resale_authorization is None:
            wanted.append((use.offer, use.product, custom))
    if not wanted:
        return
    found = describe(client, retry, [config.products[product].id for _, product, _ in wanted])
    added: dict[str, AddedDimensions] = {}
    adder: dict[tuple[str, str], str] = {}
    for offer, alias, dimensions in wanted:
        product = config.products[alias]
        entity = found.get(product.id)
        if entity is None:
            continue
        try:
            remote = product_from_entity(product.id, entity)
        except ShapeError:
            continue
        missing = [d for d in dimensions if remote.dimension(d.key) is None]
        new = [d for d in missing if (alias, d.key) not in adder]
        for dimension in missing:
            first = adder.setdefault((alias, dimension.key), offer)
            if first != offer:
                plan.warnings.append(
                    PlanWarning(
                        offer,
                        f"offer {offer}: dimension {dimension.key} is added to product {alias} "
                        f"by offer {first}, so apply {first} first (or with --parallelism 1)",
                        alias,
                        dimension.key,
                    )
                )
        if new:
            entity_type = str(entity.get("EntityType", ""))
            added[offer] = AddedDimensions(
                alias,
                product.id,
                entity_type,
                tuple(_document(d, product, entity_type) for d in new),
            )
    plan.entries = [
        replace(entry, add_dimensions=added[entry.key])
        if entry.action == "create" and entry.key in added
        else entry
        for entry in plan.entries
    ]


def _document(dimension: Dimension, product: Product, entity_type: str) -> dict[str, JsonValue]:
    """One dimension as AddDimensions takes it: ``usage`` is Metered on an AMI product and
    ExternallyMetered otherwise (as the emulator seeds them); the name stands in for the
    description offerops.yaml does not have."""
    if not dimension.usage:
        kind = "Entitled"
    elif product.type == "ami" or entity_type.startswith("AmiProduct"):
        kind = "Metered"
    else:
        kind = "ExternallyMetered"
    return {
        "Key": dimension.key,
        "Name": dimension.name,
        "Description": dimension.name,
        "Unit": dimension.unit or DEFAULT_UNIT,
        "Types": [kind],
    }
