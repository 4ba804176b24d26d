"""Seed an emulator from an offers repository: what AWS Marketplace would already have.

The seller's products exist under the seller's account; a resold product (one with a
``manufacturerAccountId``) exists under its ISV's account, and the ISV has shared the resale
authorizations that the repository's channel partner offers name. Idempotent.
"""

from __future__ import annotations

from collections.abc import Mapping

from offerops.emulator.engine import Marketplace
from offerops.model.config import Config, Product

Authorizations = Mapping[str, tuple[str, str]]
"""Resale authorization id -> (ISV account, product id)."""


def products_by_owner(config: Config) -> dict[str, dict[str, Product]]:
    """Products grouped by the account that owns them on the marketplace."""
    owners: dict[str, dict[str, Product]] = {}
    for alias, product in config.products.items():
        owner = product.manufacturerAccountId or config.seller.accountId
        owners.setdefault(owner, {})[alias] = product
    return owners


def seed_repository(market: Marketplace, config: Config, authorizations: Authorizations) -> None:
    """Seed the products, and share each named resale authorization with the seller."""
    for owner, products in sorted(products_by_owner(config).items()):
        market.seed_products(owner, products)
    for authorization_id, (isv, product_id) in sorted(authorizations.items()):
        market.seed_resale_authorization(
            isv, config.seller.accountId, product_id, authorization_id=authorization_id
        )
