"""Seed an emulator from an offers repository: what AWS Marketplace would already have.

The seller's products exist under the seller's account; a resold product (one with a
``manufacturerAccountId``) exists under its ISV's account, and the ISV has shared with the seller
the resale authorizations offerops.yaml declares (``resaleAuthorizations``), with the ISV's terms
when it gives them. Nothing else: an offer that names an undeclared authorization fails on the
emulator as it would on AWS, where a typo in an id is no authorization either. Idempotent.

offerops.yaml is read the way ``offerops lint`` reads it (:func:`offerops.source.loader.load_file`
and :class:`~offerops.model.config.Config`), so the emulator never accepts a configuration lint
would refuse to parse. Offer files are not read: the emulator does not use offerops' offer model
to decide anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from offerops.emulator.engine import Marketplace
from offerops.emulator.offers import resale_terms
from offerops.emulator.store import catalog
from offerops.errors import ConfigError
from offerops.model.config import CONFIG_HINT, Config, Product, validated_config
from offerops.repo import CONFIG_NAME

Authorizations = Mapping[str, tuple[str, str]]
"""Resale authorization id -> (ISV account, product id)."""


def load_config(path: Path) -> Config:
    """offerops.yaml as a :class:`Config`; the first problem is a :class:`ConfigError`.

    One problem is enough to refuse: the message sends the user to ``offerops lint``, which lists
    every problem with its position.
    """
    from offerops.source.loader import load_file

    document, problems = load_file(path, path.name)
    if problems or document is None:
        problem = problems[0] if problems else None
        where = f"{path}:{problem.position.line}" if problem else str(path)
        reason = problem.message if problem else "the file is empty"
        raise ConfigError(f"{where}: {reason}", hint=CONFIG_HINT)
    return validated_config(document.data, str(path))


def products_by_owner(config: Config) -> dict[str, dict[str, Product]]:
    """Products grouped by the account that owns them on the marketplace."""
    owners: dict[str, dict[str, Product]] = {}
    for alias, product in config.products.items():
        owner = product.manufacturerAccountId or config.seller.accountId
        owners.setdefault(owner, {})[alias] = _without_custom(product)
    return owners


def _without_custom(product: Product) -> Product:
    """The product as the marketplace has it before any offer: its ``custom`` dimensions are
    added by the first offer that prices them (AddDimensions), not seeded."""
    if not any(dimension.custom for dimension in product.dimensions):
        return product
    kept = [dimension for dimension in product.dimensions if not dimension.custom]
    return product.model_copy(update={"dimensions": kept})


def resale_authorizations(config: Config) -> dict[str, tuple[str, str]]:
    """``{authorization id: (ISV account, product id)}`` declared in offerops.yaml.

    A declaration whose product is not in ``products`` or has no ``manufacturerAccountId`` is
    left out: lint reports it (OFR211), and the emulator has no ISV to share it from.
    """
    found: dict[str, tuple[str, str]] = {}
    for authorization_id, authorization in config.resaleAuthorizations.items():
        product = config.products.get(authorization.product)
        if product is not None and product.manufacturerAccountId:
            found[authorization_id] = (product.manufacturerAccountId, product.id)
    return found


def isv_terms(config: Config, authorization_id: str) -> list[dict[str, Any]] | None:
    """The declared terms of an authorization as the authorization carries them, or None
    (declared without terms, or not declared: the emulator's invented ones apply)."""
    declared = config.resaleAuthorizations.get(authorization_id)
    terms = declared.terms if declared else None
    product = config.products.get(declared.product) if declared else None
    if terms is None or product is None:
        return None
    usage_keys = {dimension.key for dimension in product.dimensions if dimension.usage}
    prices = {key: format(price, "f") for key, price in terms.prices.items()}
    return resale_terms.authorization_terms(
        currency=terms.currency,
        duration_months=terms.durationMonths,
        upfront={key: price for key, price in prices.items() if key not in usage_keys},
        usage={key: price for key, price in prices.items() if key in usage_keys},
        eula_version=resale_terms.EULA_VERSIONS[terms.legal],
    )


def seed_repository(
    market: Marketplace, config: Config, authorizations: Authorizations | None = None
) -> None:
    """Seed the products, and share each resale authorization with the seller.

    ``authorizations`` defaults to those offerops.yaml declares; a test may pass others. Each
    gets the terms offerops.yaml declares for its id (none: the emulator's invented ones).
    """
    for owner, products in sorted(products_by_owner(config).items()):
        market.seed_products(owner, products)
    if authorizations is None:
        authorizations = resale_authorizations(config)
    for authorization_id, (isv, product_id) in sorted(authorizations.items()):
        declared = config.resaleAuthorizations.get(authorization_id)
        market.seed_resale_authorization(
            isv,
            config.seller.accountId,
            product_id,
            authorization_id=authorization_id,
            name=declared.name if declared else None,
        )
        with market.store.write() as connection:
            catalog.save_resale_terms(
                connection, authorization_id, isv_terms(config, authorization_id)
            )


def seed_from_repository(
    market: Marketplace, root: Path, authorizations: Authorizations | None = None
) -> bool:
    """Seed ``market`` from the repository at ``root``; False when there is no offerops.yaml.

    ``authorizations`` replaces the ones offerops.yaml declares (tests); None seeds those.
    """
    config_path = root / CONFIG_NAME
    if not config_path.is_file():
        return False
    seed_repository(market, load_config(config_path), authorizations)
    return True
