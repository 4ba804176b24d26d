"""Open the configured backend: the embedded emulator, an emulator over HTTP, or AWS.

botocore is imported only inside :func:`_boto3_clients`, so commands that never reach a backend
(``offerops lint``) do not pay for it.

botocore's own retries are off (one attempt in total) unless asked for: the embedded backend cannot
retry inside botocore, so the reconciler owns the one retry policy (``reconcile/retry.py``:
throttling, ResourceInUse, 5xx, connection errors and timeouts) and it behaves the same on every
backend. Two layers retrying would multiply the attempts (8 x 3) and hide the retries from the
apply log. A connection is given up after ``CONNECT_TIMEOUT`` seconds (botocore's default is 60),
so an endpoint that drops packets costs seconds per attempt, not minutes; reads keep botocore's
60 s.

The embedded backend is seeded here, through the one engine the clients use: a fresh clone needs
no extra step, and no second engine ever opens the same database file in this process.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from offerops.catalog.client import AgreementClient, CatalogClient
from offerops.errors import ConfigError

if TYPE_CHECKING:
    from offerops.model.config import Backend

DEFAULT_REGION = "us-east-1"
CONNECT_TIMEOUT = 10.0


def open_catalog(
    backend: Backend,
    repo_root: Path,
    *,
    account: str,
    max_attempts: int = 1,
    resale_authorizations: Mapping[str, tuple[str, str]] | None = None,
) -> tuple[CatalogClient, AgreementClient]:
    """The Catalog and Agreement clients for ``backend``, acting as seller ``account``.

    - ``emulator``: the engine in-process on ``repo_root / backend.path`` (directory created),
      seeded with the products and the resale authorizations (``resaleAuthorizations``, with
      the ISV's terms when declared) of ``repo_root``'s offerops.yaml; ``resale_authorizations``
      (``{id: (ISV account, product id)}``) replaces the declared ones, for tests; nothing is
      seeded without an offerops.yaml;
    - ``http``: boto3 with ``endpoint_url=backend.endpoint``; unless credentials are set in the
      environment (``AWS_ACCESS_KEY_ID``) or a ``profile`` is configured, the access key id is
      ``account``, which the emulator reads as the calling account;
    - ``aws``: boto3 with the standard credential chain (or ``profile``), ``backend.region`` or
      ``$AWS_REGION``/``$AWS_DEFAULT_REGION`` (default us-east-1), ``backend.endpoint`` as an
      override of the Catalog endpoint.

    Close both clients when done.
    """
    if backend.kind == "emulator":
        return _embedded(repo_root, backend.path, account, resale_authorizations)
    if backend.kind == "http":
        if not backend.endpoint:
            raise ConfigError(
                "backend.kind is http but backend.endpoint is not set",
                hint="set backend.endpoint to the emulator URL, e.g. http://127.0.0.1:4666",
            )
        return _boto3_clients(backend, account=account, max_attempts=max_attempts, emulator=True)
    return _boto3_clients(backend, account=account, max_attempts=max_attempts, emulator=False)


def _embedded(
    repo_root: Path,
    path: str,
    account: str,
    authorizations: Mapping[str, tuple[str, str]] | None,
) -> tuple[CatalogClient, AgreementClient]:
    """One engine on the repository's database, seeded, behind both clients."""
    from offerops.catalog.embedded import EmbeddedAgreementClient, EmbeddedCatalogClient
    from offerops.emulator.engine import Marketplace
    from offerops.emulator.seeding import seed_from_repository

    db = repo_root / path
    db.parent.mkdir(parents=True, exist_ok=True)
    marketplace = Marketplace(db)
    seed_from_repository(marketplace, repo_root, authorizations)
    return EmbeddedCatalogClient(marketplace, account), EmbeddedAgreementClient(
        marketplace, account
    )


def region_for(backend: Backend) -> str:
    """The region: configured, else from the environment, else us-east-1."""
    return (
        backend.region
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or DEFAULT_REGION
    )


def _boto3_clients(
    backend: Backend, *, account: str, max_attempts: int, emulator: bool
) -> tuple[CatalogClient, AgreementClient]:
    """The boto3 clients, made from a botocore session.

    botocore is the library boto3 wraps (same clients, credential chain, profiles and config);
    importing boto3 itself also imports s3transfer, a quarter of a second that every plan and
    apply would pay for nothing.
    """
    import botocore.session
    from botocore.config import Config

    session = botocore.session.Session(profile=backend.profile)
    config = Config(
        retries={"total_max_attempts": max_attempts, "mode": "standard"},
        connect_timeout=CONNECT_TIMEOUT,
    )
    arguments = _client_args(backend, account, emulator=emulator)
    catalog = session.create_client(
        "marketplace-catalog", endpoint_url=backend.endpoint, config=config, **arguments
    )
    agreement_endpoint = backend.endpoint if emulator else None
    agreement = session.create_client(
        "marketplace-agreement", endpoint_url=agreement_endpoint, config=config, **arguments
    )
    return cast(CatalogClient, catalog), cast(AgreementClient, agreement)


def _client_args(backend: Backend, account: str, *, emulator: bool) -> dict[str, Any]:
    """Region, and for the emulator (without credentials of its own) the calling account."""
    args: dict[str, Any] = {"region_name": region_for(backend)}
    if emulator and not backend.profile and not os.environ.get("AWS_ACCESS_KEY_ID"):
        from offerops.emulator.accounts import EMULATOR_SECRET_KEY, access_key_for

        args["aws_access_key_id"] = access_key_for(account)
        args["aws_secret_access_key"] = EMULATOR_SECRET_KEY
    return args
