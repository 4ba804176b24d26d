"""Seed an emulator from an offers repository: what AWS Marketplace would already have.

The seller's products exist under the seller's account; a resold product (one with a
``manufacturerAccountId``) exists under its ISV's account, and the ISV has shared the resale
authorizations that the repository's channel partner offers name. Idempotent.

offerops.yaml is read the way ``offerops lint`` reads it (:func:`offerops.source.loader.load_file`
and :class:`~offerops.model.config.Config`), so the emulator never accepts a configuration lint
would refuse to parse. Offer files are read only for the resale authorizations they name, as raw
YAML: the emulator does not use offerops' offer model to decide anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from offerops.emulator.engine import Marketplace
from offerops.errors import ConfigError
from offerops.model.config import Config, Product
from offerops.repo import CONFIG_NAME, OFFERS_DIR, discover_offers

Authorizations = Mapping[str, tuple[str, str]]
"""Resale authorization id -> (ISV account, product id)."""


def load_config(path: Path) -> Config:
    """offerops.yaml as a :class:`Config`; the first problem is a :class:`ConfigError`.

    One problem is enough to refuse: the message sends the user to ``offerops lint``, which lists
    every problem with its position.
    """
    from pydantic import ValidationError

    from offerops.source.loader import load_file

    document, problems = load_file(path, path.name)
    if problems or document is None:
        problem = problems[0] if problems else None
        where = f"{path}:{problem.position.line}" if problem else str(path)
        reason = problem.message if problem else "the file is empty"
        raise ConfigError(f"{where}: {reason}", hint=_LINT_HINT)
    try:
        return Config.model_validate(document.data)
    except ValidationError as error:
        first = error.errors()[0]
        at = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"{path}: {at}: {first['msg']}", hint=_LINT_HINT) from None


_LINT_HINT = "run `offerops lint` for every problem"


def products_by_owner(config: Config) -> dict[str, dict[str, Product]]:
    """Products grouped by the account that owns them on the marketplace."""
    owners: dict[str, dict[str, Product]] = {}
    for alias, product in config.products.items():
        owner = product.manufacturerAccountId or config.seller.accountId
        owners.setdefault(owner, {})[alias] = product
    return owners


def resale_authorizations(offers: Path, config: Config) -> dict[str, tuple[str, str]]:
    """``{authorization id: (ISV account, product id)}`` named by the CPPOs of a repository.

    ``offers`` is the repository's ``offers/`` directory; the files read are the ones lint reads
    (:func:`offerops.repo.discover_offers`). Best effort: files that do not parse are lint's
    business, not the emulator's. A file that does not mention ``resaleAuthorization`` is not
    parsed at all, so seeding a large repository stays cheap.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    found: dict[str, tuple[str, str]] = {}
    yaml = YAML(typ="safe", pure=False)
    for path in discover_offers(offers.parent):
        try:
            text = path.read_text(encoding="utf-8")
            document = yaml.load(text) if "resaleAuthorization" in text else None
        except (OSError, UnicodeDecodeError, YAMLError):
            continue
        spec = document.get("spec") if isinstance(document, dict) else None
        if not isinstance(spec, dict) or not isinstance(spec.get("channel"), dict):
            continue
        product = config.products.get(str(spec.get("product")))
        authorization = spec["channel"].get("resaleAuthorization")
        if product and product.manufacturerAccountId and isinstance(authorization, str):
            found[authorization] = (product.manufacturerAccountId, product.id)
    return found


def seed_repository(market: Marketplace, config: Config, authorizations: Authorizations) -> None:
    """Seed the products, and share each named resale authorization with the seller."""
    for owner, products in sorted(products_by_owner(config).items()):
        market.seed_products(owner, products)
    for authorization_id, (isv, product_id) in sorted(authorizations.items()):
        market.seed_resale_authorization(
            isv, config.seller.accountId, product_id, authorization_id=authorization_id
        )


def seed_from_repository(
    market: Marketplace, root: Path, authorizations: Authorizations | None = None
) -> bool:
    """Seed ``market`` from the repository at ``root``; False when there is no offerops.yaml.

    ``authorizations`` spares reading the offer files when the caller already knows them (the
    reconciler has the lint report); None reads them from ``offers/``.
    """
    config_path = root / CONFIG_NAME
    if not config_path.is_file():
        return False
    config = load_config(config_path)
    if authorizations is None:
        authorizations = resale_authorizations(root / OFFERS_DIR, config)
    seed_repository(market, config, authorizations)
    return True
