"""Plan's check of offerops.yaml's products against the marketplace's.

Lint checks an offer's dimensions against offerops.yaml; if offerops.yaml is wrong about the
marketplace (a dimension the product lacks, or one of another type), lint passes and apply
fails on the change set. So the plan reads the products its offers use and warns, naming the
offer, the dimension and the fix (``offerops products import``).

Only offers the plan creates or updates are checked (an offer left as it is sends nothing), and
only their products: one BatchDescribeEntities per 20 of them, none when nothing changes. A
channel partner offer is checked against its resale authorization (whether it is shared and
Active, and the dimensions its terms price), since a reseller may not be able to describe the
ISV's product (:mod:`.remote`); if the backend does show the product, the product is used.
A dimension a new offer of the plan adds to its product (:mod:`.custom`) is not warned about.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from botocore.exceptions import ClientError

from offerops.catalog.client import CatalogClient
from offerops.lint.runner import LintReport
from offerops.model.config import Config
from offerops.products.remote import (
    RemoteProduct,
    authorization_from_entity,
    describe,
    product_from_entity,
)
from offerops.reconcile.diff import OfferPlan
from offerops.reconcile.plan import PlanWarning
from offerops.reconcile.retry import RetryPolicy, error_code
from offerops.terms.document import ShapeError

CHECKED_ACTIONS = frozenset({"create", "update"})
FIX = "run `offerops products import` to update offerops.yaml, then fix what lint reports"

Entities = Mapping[str, Mapping[str, object]]


@dataclass(frozen=True)
class OfferUse:
    """What one planned offer needs from the marketplace: its product (the key in offerops.yaml),
    its resale authorization, and each dimension it prices with offerops.yaml's type."""

    offer: str
    product: str
    resale_authorization: str | None
    dimensions: tuple[tuple[str, bool], ...]


def check_products(
    client: CatalogClient, retry: RetryPolicy, report: LintReport, entries: Sequence[OfferPlan]
) -> list[PlanWarning]:
    """Warnings for the offers ``entries`` create or update whose products disagree with the
    marketplace. A Catalog error is one warning, never a failed plan: the plan itself is sound."""
    if report.repo is None:
        return []
    config = report.repo.config
    uses = offer_uses(report, config, entries)
    ids = [config.products[use.product].id for use in uses]
    ids += [use.resale_authorization for use in uses if use.resale_authorization]
    if not ids:
        return []
    try:
        found = describe(client, retry, ids)
    except ClientError as error:
        message = error.response.get("Error", {}).get("Message", "")
        return [
            PlanWarning(
                "",
                f"could not check products against the marketplace ({error_code(error)}: "
                f"{message}); apply may still fail on a dimension",
            )
        ]
    adding = {
        (entry.add_dimensions.product, key)
        for entry in entries
        if entry.add_dimensions is not None
        for key in entry.add_dimensions.keys
    }
    return [
        warning
        for use in uses
        for warning in _check(use, config, found)
        if (warning.product, warning.dimension) not in adding
    ]


def offer_uses(report: LintReport, config: Config, entries: Sequence[OfferPlan]) -> list[OfferUse]:
    """The planned offers' products and priced dimensions, from their lint-clean files."""
    planned = {entry.key for entry in entries if entry.action in CHECKED_ACTIONS}
    uses = []
    for loaded in report.offers:
        offer = loaded.offer
        if offer is None or offer.key not in planned or offer.spec.product not in config.products:
            continue
        pricing = offer.spec.pricing
        if pricing is None:
            continue  # a draft that leaves its pricing out prices no dimension
        declared = {d.key: d.usage for d in config.products[offer.spec.product].dimensions}
        usage = pricing.model == "usage"
        dimensions = tuple((d.key, declared.get(d.key, usage)) for d in pricing.dimensions)
        channel = offer.spec.channel
        authorization = channel.resaleAuthorization if channel else None
        uses.append(OfferUse(offer.key, offer.spec.product, authorization, dimensions))
    return sorted(uses, key=lambda use: use.offer)


def _check(use: OfferUse, config: Config, found: Entities) -> Iterator[PlanWarning]:
    product = config.products[use.product]
    try:
        if product.id in found:
            remote = product_from_entity(product.id, found[product.id])
            source = f"product {use.product} ({product.id}) on the marketplace"
        elif use.resale_authorization is not None:
            yield from _authorization_problems(use, found)
            if use.resale_authorization not in found:
                return
            remote = authorization_from_entity(
                use.resale_authorization, found[use.resale_authorization]
            ).as_product()
            source = f"the terms of resale authorization {use.resale_authorization}"
        else:
            yield _warning(
                use,
                f"product {use.product} ({product.id}) is not one of your products on the "
                "marketplace, so apply would fail",
            )
            return
    except ShapeError as error:
        yield _warning(use, f"product {use.product} could not be read ({error})")
        return
    yield from _dimension_problems(use, remote, source)


def _authorization_problems(use: OfferUse, found: Entities) -> Iterator[PlanWarning]:
    authorization_id = str(use.resale_authorization)
    entity = found.get(authorization_id)
    if entity is None:
        yield _warning(
            use,
            f"resale authorization {authorization_id} is not shared with you on the "
            "marketplace, so apply would fail",
        )
        return
    status = authorization_from_entity(authorization_id, entity).status
    if status != "Active":
        yield _warning(
            use,
            f"resale authorization {authorization_id} is {status}, not Active on the marketplace",
        )


def _dimension_problems(use: OfferUse, remote: RemoteProduct, source: str) -> Iterator[PlanWarning]:
    """Each priced dimension the source lacks or types differently; an authorization whose
    terms show no dimensions says nothing about them."""
    if not remote.dimensions:
        return
    for key, usage in use.dimensions:
        kind = "usage" if usage else "contract"
        dimension = remote.dimension(key)
        if dimension is None:
            yield _warning(use, f"dimension {key} is not on {source}, so apply would fail", key)
        elif dimension.usage != usage:
            yield _warning(
                use,
                f"dimension {key} is a {dimension.kind} dimension on {source} but a {kind} "
                "dimension in offerops.yaml, so apply would fail",
                key,
            )


def _warning(use: OfferUse, problem: str, dimension: str | None = None) -> PlanWarning:
    return PlanWarning(use.offer, f"offer {use.offer}: {problem}; {FIX}", use.product, dimension)
