"""``offerops emulator``: serve the emulator over HTTP, seed products, act as a buyer.

The main CLI registers :data:`emulator_group` as ``offerops emulator``; the group also runs on its
own (click's test runner, ``python -c``). Commands only parse options and call the
modules; every expected failure is a ``click.ClickException`` (a one-line message, exit 1; bad usage
exits 2), so no traceback reaches the terminal.

Buyer helpers work either on the database directly (``--db``, default: the repository's) or on a
running server (``--endpoint URL``), where they use the emulator-only ``/_offerops/`` endpoints and
the Agreement API, signed with the buyer's account as access key id.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import click

from offerops.emulator import urls
from offerops.emulator.accounts import DEFAULT_SELLER_ACCOUNT
from offerops.emulator.auth import signed_headers
from offerops.humantime import day, moment, with_iso_times
from offerops.repo import CONFIG_NAME

if TYPE_CHECKING:
    from offerops.emulator.faults import FaultConfig
    from offerops.emulator.server import EmulatorHTTPServer
    from offerops.model.config import Config

DEFAULT_DB = ".offerops/marketplace.sqlite"
DEFAULT_CHANGESET_SECONDS = 2.0
"""``serve``'s processing time per change set: long enough that a client sees PREPARING and
APPLYING, meets ResourceInUseException on a locked offer and has to poll, as on AWS (where it
takes minutes: docs/emulator-http.md, "Time"); short enough for a demo. The embedded backend of
plan/apply keeps 0 (instant)."""


class EmulatorCommandError(click.ClickException):
    """An expected failure: printed as one line, exit status 1."""

    exit_code = 1


# --- where things are -------------------------------------------------------------------------


def load_config(path: Path) -> Config:
    """offerops.yaml as a :class:`Config`, read as lint reads it; a problem is one line, exit 1.

    The loader is :func:`offerops.emulator.seeding.load_config` (the linter's YAML loader and
    the config model); the main CLI and the reconciler's tests import it from here too.
    """
    from offerops.emulator.seeding import load_config as read_config
    from offerops.errors import ConfigError

    try:
        return read_config(path)
    except ConfigError as error:
        hint = f" ({error.hint})" if error.hint else ""
        raise EmulatorCommandError(f"{error.message}{hint}") from None


def _find_config(start: Path) -> Path | None:
    """The nearest offerops.yaml at or above ``start`` (the repository's root finder), or None."""
    from offerops.errors import ConfigError
    from offerops.repo import find_root

    try:
        return find_root(start) / CONFIG_NAME
    except ConfigError:
        return None


def _root_option() -> Path | None:
    """The repository root the main CLI resolved (``--root``), when this group runs under it."""
    from offerops.errors import OfferopsError

    context = click.get_current_context(silent=True)
    while context is not None:
        root = getattr(context.obj, "root", None)
        if callable(root):
            try:
                return Path(root())
            except OfferopsError:
                return None
        context = context.parent
    return None


@dataclass(frozen=True)
class Workspace:
    """The database and seller account commands default to, from the nearest offerops.yaml."""

    db: Path
    seller: str
    config: Path | None


def _config_path() -> Path | None:
    """The repository's offerops.yaml (``--root``, else the nearest one), if there is one."""
    root = _root_option()
    config_path = (root / CONFIG_NAME) if root else _find_config(Path.cwd())
    return config_path if config_path is not None and config_path.is_file() else None


def workspace(db: Path | None, account: str | None) -> Workspace:
    """Resolve ``--db``/``--account`` defaults: the repository's backend path and seller."""
    config_path = _config_path()
    if config_path is None:
        return Workspace(db or Path(DEFAULT_DB), account or DEFAULT_SELLER_ACCOUNT, None)
    config = load_config(config_path)
    default_db = config_path.parent / config.backend.path
    return Workspace(db or default_db, account or config.seller.accountId, config_path)


def database(db: Path | None) -> Path:
    """``--db``, or the repository's ``backend.path``; never a database invented outside one.

    Without this, a buyer command run in the wrong directory silently created an empty
    ``.offerops/marketplace.sqlite`` there and answered "no offers".
    """
    if db is not None:
        return db
    where = workspace(None, None)
    if where.config is None:
        raise click.UsageError(
            f"no {CONFIG_NAME} in {Path.cwd()} or above: run inside an offers repository, "
            "or pass --db FILE (or --endpoint URL for a running server)"
        )
    return where.db


@dataclass(frozen=True)
class BuyerAccount:
    """The ``--as`` of a buyer command: an account id, and its alias when offerops.yaml has one."""

    account: str
    alias: str | None = None

    def __str__(self) -> str:
        return f"{self.alias} ({self.account})" if self.alias else self.account


def buyer_account(ref: str) -> BuyerAccount:
    """``--as``: a 12-digit account id, or a buyer alias of offerops.yaml, as offers name buyers.

    Resolved in the command, not in the option's callback, so ``--root`` is known whatever the
    order of the options. An unknown alias is a usage error listing the aliases there are.
    """
    registry = _registered_buyers(required=not ref.isdigit())
    if ref.isdigit():
        aliases = sorted(alias for alias, account in registry.items() if account == ref)
        return BuyerAccount(ref, aliases[0] if aliases else None)
    if ref in registry:
        return BuyerAccount(registry[ref], ref)
    where = (
        f"offerops.yaml has no buyer alias {ref!r} (its aliases: {', '.join(sorted(registry))})"
        if registry
        else f"there is no {CONFIG_NAME} with buyer aliases here or above"
    )
    raise click.BadParameter(
        f"{ref!r} is not a 12-digit AWS account id, and {where}", param_hint="'--as'"
    )


def _registered_buyers(*, required: bool) -> dict[str, str]:
    """Account id by alias, from offerops.yaml's ``buyers``; empty without one.

    A config that does not load fails the command only when an alias has to be looked up in it
    (``required``): an account id works with ``--db`` in any directory.
    """
    path = _config_path()
    if path is None:
        return {}
    try:
        config = load_config(path)
    except click.ClickException:
        if required:
            raise
        return {}
    return {alias: buyer.account for alias, buyer in config.buyers.items()}


@dataclass(frozen=True)
class FaultFlags:
    """The fault-injection flags of ``serve``, as given."""

    latency_ms: float = 0.0
    throttle_rate: float = 0.0
    error_rate: float = 0.0
    server_fault_rate: float = 0.0
    rate_limits: bool = False
    seed: int | None = None

    def config(self) -> FaultConfig | None:
        """The engine's :class:`FaultConfig`, or None when nothing is injected."""
        from dataclasses import asdict

        from offerops.emulator.faults import FaultConfig

        flags = asdict(self)
        if not any(value for name, value in flags.items() if name != "seed"):
            return None
        return FaultConfig(**flags)


# --- the group --------------------------------------------------------------------------------


@click.group("emulator")
def emulator_group() -> None:
    """Run the local marketplace emulator and act as a buyer on it."""


_db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The emulator database (default: the repository's backend.path).",
)
_as_option = click.option(
    "--as",
    "account",
    required=True,
    metavar="BUYER",
    callback=lambda _ctx, _param, value: _account_or_alias(value),
    help="The buyer: a 12-digit AWS account id, or its alias in offerops.yaml's buyers.",
)
_endpoint_option = click.option(
    "--endpoint",
    metavar="URL",
    help="Use a running emulator server (offerops emulator serve) instead of --db.",
)
_json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def _account(value: str) -> str:
    if not value.isdigit() or len(value) != 12:
        raise click.BadParameter(f"an AWS account id has 12 digits, got {value!r}")
    return value


def _account_or_alias(value: str) -> str:
    """Digits must be a whole account id; anything else is an alias (:func:`buyer_account`)."""
    return _account(value) if value.isdigit() else value


def _rate(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise click.BadParameter(f"must be between 0 and 1, got {value}")
    return value


@emulator_group.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=4666, show_default=True, type=click.IntRange(0, 65535))
@_db_option
@click.option(
    "--account",
    metavar="ACCOUNT",
    help="Account of requests whose access key id has no 12-digit number (default: the seller).",
)
@click.option("--latency-ms", default=0.0, type=click.FloatRange(0), help="Added to every call.")
@click.option(
    "--changeset-seconds",
    default=DEFAULT_CHANGESET_SECONDS,
    show_default=True,
    type=click.FloatRange(0),
    help="How long a change set stays PREPARING, then APPLYING (half each); 0: done at the "
    "next call. AWS takes minutes.",
)
@click.option(
    "--throttle-rate",
    default=0.0,
    type=float,
    callback=_rate,
    help="Fraction 0..1 of calls answered with 429 ThrottlingException.",
)
@click.option(
    "--error-rate",
    default=0.0,
    type=float,
    callback=_rate,
    help="Fraction 0..1 of calls answered with 500 InternalServiceException.",
)
@click.option(
    "--server-fault-rate",
    default=0.0,
    type=float,
    callback=_rate,
    help="Fraction 0..1 of change sets that end FAILED with SERVER_FAULT.",
)
@click.option("--rate-limits", is_flag=True, help="Enforce the documented per-account quotas.")
@click.option("--seed", type=int, help="Random seed for the injected faults (reproducible runs).")
@click.option("--region", default="us-east-1", show_default=True, help="Region in ARNs.")
@click.option(
    "--allow-reset",
    is_flag=True,
    help="Allow POST /_offerops/Reset, which wipes every account's state (off by default).",
)
@click.option(
    "--workers",
    default=32,
    show_default=True,
    type=click.IntRange(1, 1024),
    help="Worker threads answering requests (idle connections use none).",
)
@click.option(
    "--read-timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(0, min_open=True),
    help="Seconds a client may stay silent in the middle of a request.",
)
@click.option(
    "--idle-timeout",
    default=60.0,
    show_default=True,
    type=click.FloatRange(0, min_open=True),
    help="Seconds a keep-alive connection may wait for its next request.",
)
def serve(
    host: str,
    port: int,
    db: Path | None,
    account: str | None,
    latency_ms: float,
    changeset_seconds: float,
    throttle_rate: float,
    error_rate: float,
    server_fault_rate: float,
    rate_limits: bool,
    seed: int | None,
    region: str,
    allow_reset: bool,
    workers: int,
    read_timeout: float,
    idle_timeout: float,
) -> None:
    """Serve the Catalog and Agreement APIs over HTTP (boto3/AWS CLI with --endpoint-url).

    The calling account is the 12-digit number in the request's access key id (any secret works);
    other requests act as the seller. Once the socket listens, the first line printed is
    "offerops emulator listening on http://HOST:PORT ...". See docs/emulator-http.md.
    """
    import logging

    from offerops.emulator.server import ServerLimits
    from offerops.emulator.server import serve as run_server

    where = workspace(db, account and _account(account))
    limits = ServerLimits(workers=workers, read_timeout=read_timeout, idle_timeout=idle_timeout)
    faults = FaultFlags(
        latency_ms, throttle_rate, error_rate, server_fault_rate, rate_limits, seed
    ).config()
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(
            f"warning: listening on {host}: the emulator checks no credentials, so anyone who "
            "can reach it can change its state",
            err=True,
        )
    ready = _announce(
        where, invented=db is None and where.config is None, seconds=changeset_seconds
    )
    with _backend_errors():
        try:
            run_server(
                host,
                port,
                where.db,
                default_account=where.seller,
                processing_seconds=changeset_seconds,
                faults=faults,
                region=region,
                allow_reset=allow_reset,
                limits=limits,
                on_ready=ready,
            )
        except OSError as error:
            raise EmulatorCommandError(
                f"cannot listen on {host}:{port}: {error.strerror or error}"
            ) from None


def _announce(
    where: Workspace, *, invented: bool, seconds: float
) -> Callable[[EmulatorHTTPServer], None]:
    """What serve prints once it listens; the first line is the readiness signal scripts wait for.

    ``invented``: no --db and no repository, so the database lives in the current directory;
    ``seconds``: the processing time of a change set.
    """

    def ready(server: EmulatorHTTPServer) -> None:
        click.echo(f"offerops emulator listening on {server.url} (database {where.db.resolve()})")
        if invented:
            click.echo(
                f"  no {CONFIG_NAME} here or above, so the database is in the current "
                "directory; pass --db FILE to put it elsewhere"
            )
        click.echo(
            f"  seller account {where.seller}; act as another account with "
            "AWS_ACCESS_KEY_ID=<12-digit account id>"
        )
        if seconds:
            click.echo(
                f"  change sets stay PREPARING, then APPLYING, for {seconds:g} s in all "
                "(--changeset-seconds 0: instant)"
            )
        else:
            click.echo("  change sets finish at the next call (--changeset-seconds 0)")
        click.echo(
            f"  aws marketplace-catalog list-entities --endpoint-url {server.url} "
            "--catalog AWSMarketplace --entity-type Offer"
        )
        click.echo("  Ctrl-C stops it")

    return ready


@emulator_group.command()
@_db_option
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="offerops.yaml (default: the nearest one).",
)
def seed(db: Path | None, config_path: Path | None) -> None:
    """Create the products of offerops.yaml in the emulator (idempotent).

    A product with a manufacturerAccountId is the ISV's, so it is seeded under that account, and
    the resale authorizations offerops.yaml declares (resaleAuthorizations) are shared by the ISV
    with the seller, with the ISV's terms when declared, as on AWS Marketplace.
    """
    where = workspace(db, None)
    path = config_path or where.config
    if path is None:
        raise click.UsageError(
            f"no {CONFIG_NAME} found in {Path.cwd()} or above: run inside an offers repository "
            "or pass --config FILE"
        )
    from offerops.emulator.seeding import (
        products_by_owner,
        resale_authorizations,
        seed_repository,
    )

    config = load_config(path)
    seller = config.seller.accountId
    owners = products_by_owner(config)
    authorizations = resale_authorizations(config)
    with _local(db or path.parent / config.backend.path) as market, _backend_errors():
        seed_repository(market, config, authorizations)
    for owner, products in sorted(owners.items()):
        names = ", ".join(product.id for product in products.values())
        noun = "product" if len(products) == 1 else "products"
        click.echo(f"seeded {len(products)} {noun} for {owner}: {names}")
    for authorization_id, (isv, _product_id) in sorted(authorizations.items()):
        click.echo(f"shared resale authorization {authorization_id} from {isv} with {seller}")


@emulator_group.command()
@_as_option
@_db_option
@_endpoint_option
@_json_option
def offers(account: str, db: Path | None, endpoint: str | None, as_json: bool) -> None:
    """List the released offers an account can see and accept."""
    who = buyer_account(account)
    with _buyer(db, endpoint) as buyer, _backend_errors():
        found = buyer.offers(who.account)
    _print_listing(found, as_json, f"no offers for {who}", _offer_line)


@emulator_group.command()
@click.argument("offer_id")
@_as_option
@click.option("--po", "purchase_order", metavar="NUMBER", help="Purchase order number.")
@_db_option
@_endpoint_option
@_json_option
def accept(
    offer_id: str,
    account: str,
    purchase_order: str | None,
    db: Path | None,
    endpoint: str | None,
    as_json: bool,
) -> None:
    """Accept OFFER_ID as a buyer, which creates an agreement."""
    who = buyer_account(account)
    with _buyer(db, endpoint) as buyer, _backend_errors():
        result = buyer.accept(who.account, offer_id, purchase_order)
    if as_json:
        click.echo(json.dumps(with_iso_times(result), indent=2, default=str))
        return
    agreement = _first(result, "agreementId", "AgreementId") or "an agreement"
    click.echo(f"{who} accepted {offer_id}: {agreement}, {', '.join(_period(result))}")


@emulator_group.command()
@_as_option
@_db_option
@_endpoint_option
@_json_option
def agreements(account: str, db: Path | None, endpoint: str | None, as_json: bool) -> None:
    """List the agreements an account has accepted, with when they start and end."""
    who = buyer_account(account)
    with _buyer(db, endpoint) as buyer, _backend_errors():
        found = [with_iso_times(agreement) for agreement in buyer.agreements(who.account)]
    _print_listing(found, as_json, f"no agreements for {who}", _agreement_line)


# --- rendering --------------------------------------------------------------------------------


def _first(record: dict[str, Any], *keys: str) -> Any:
    return next((record[key] for key in keys if record.get(key) not in (None, "")), None)


def _offer_line(offer: dict[str, Any]) -> str:
    offer_id = _first(offer, "Id", "OfferId", "EntityId", "offerId") or "?"
    name = _first(offer, "Name", "name") or ""
    product = _first(offer, "ProductId", "productId") or ""
    end = _first(offer, "AvailabilityEndDate", "ExpirationDate", "availabilityEndDate")
    expires = f"expires {day(end)}" if day(end) else ""
    return "  ".join(str(part) for part in (offer_id, product, expires, name) if part)


def _agreement_line(agreement: dict[str, Any]) -> str:
    summary = agreement.get("proposalSummary") or {}
    parts = (
        agreement.get("agreementId", "?"),
        agreement.get("status", ""),
        summary.get("offerId", ""),
        f"seller {(agreement.get('proposer') or {}).get('accountId', '?')}",
        f"accepted {moment(agreement.get('acceptanceTime'), '?')}",
        *_period(agreement),
    )
    return "  ".join(str(part) for part in parts if part)


def _period(agreement: dict[str, Any]) -> tuple[str, str]:
    """``starts 2026-12-02``, ``ends 2029-12-02``: the days an agreement runs, as dates."""
    ends = day(agreement.get("endTime"))
    return f"starts {day(agreement.get('startTime'), '?')}", f"ends {ends}" if ends else "no end"


# --- buyer backends ---------------------------------------------------------------------------


class Buyer(Protocol):
    """What the buyer helpers need, on a database or on a server."""

    def offers(self, account: str) -> list[dict[str, Any]]: ...

    def accept(self, account: str, offer_id: str, purchase_order: str | None) -> dict[str, Any]: ...

    def agreements(self, account: str) -> list[dict[str, Any]]: ...


def _acceptor_search(next_token: str | None) -> dict[str, Any]:
    request: dict[str, Any] = {
        "catalog": "AWSMarketplace",
        "filters": [
            {"name": "PartyType", "values": ["Acceptor"]},
            {"name": "AgreementType", "values": ["PurchaseAgreement"]},
        ],
    }
    if next_token:
        request["nextToken"] = next_token
    return request


def _all_agreements(search: Callable[[dict[str, Any]], dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = search(_acceptor_search(token))
        found.extend(page.get("agreementViewSummaries") or [])
        token = page.get("nextToken")
        if not token:
            return found


@dataclass
class LocalBuyer:
    """Buyer helpers on the engine in-process."""

    market: Any

    def offers(self, account: str) -> list[dict[str, Any]]:
        return list(self.market.list_offers_for_buyer(account))

    def accept(self, account: str, offer_id: str, purchase_order: str | None) -> dict[str, Any]:
        return dict(self.market.accept_offer(account, offer_id, purchase_order))

    def agreements(self, account: str) -> list[dict[str, Any]]:
        return _all_agreements(
            lambda request: self.market.call("SearchAgreements", account, request)
        )


@dataclass
class RemoteBuyer:
    """Buyer helpers on a running server (emulator endpoints + the Agreement API)."""

    endpoint: str

    def offers(self, account: str) -> list[dict[str, Any]]:
        result = self._post(urls.EMULATOR_PREFIX + "ListOffersForBuyer", account, {})
        return list(result.get("Offers") or [])

    def accept(self, account: str, offer_id: str, purchase_order: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {"OfferId": offer_id}
        if purchase_order:
            body["PurchaseOrder"] = purchase_order
        return self._post(urls.EMULATOR_PREFIX + "AcceptOffer", account, body)

    def agreements(self, account: str) -> list[dict[str, Any]]:
        target = f"{urls.AGREEMENT_TARGET_PREFIX}.SearchAgreements"
        return _all_agreements(lambda request: self._post("/", account, request, target=target))

    def _post(
        self, path: str, account: str, body: dict[str, Any], *, target: str | None = None
    ) -> dict[str, Any]:
        headers = {
            "Content-Type": urls.AGREEMENT_CONTENT_TYPE if target else "application/json",
            **signed_headers(account),
        }
        if target:
            headers["X-Amz-Target"] = target
        request = urllib.request.Request(
            self.endpoint.rstrip("/") + path,
            data=json.dumps(body).encode("utf-8"),
            headers=headers,
            method="POST",
        )
        return _send(request, self.endpoint)


def _send(request: urllib.request.Request, endpoint: str) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return dict(json.loads(response.read() or b"{}"))
    except urllib.error.HTTPError as error:
        with error:
            raise EmulatorCommandError(_http_error_message(error)) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise EmulatorCommandError(f"cannot reach the emulator at {endpoint}: {reason}") from None


def _http_error_message(error: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(error.read() or b"{}")
    except ValueError:
        body = {}
    code = error.headers.get("x-amzn-ErrorType") or body.get("__type") or str(error.code)
    message = body.get("Message") or body.get("message") or error.reason
    return f"{code}: {message}"


@contextmanager
def _local(db: Path) -> Iterator[Any]:
    import sqlite3

    from offerops.emulator.server import open_marketplace

    try:
        market = open_marketplace(db)
    except (sqlite3.Error, RuntimeError, OSError) as error:
        raise EmulatorCommandError(f"cannot open the emulator database {db}: {error}") from None
    try:
        yield market
    finally:
        close = getattr(market, "close", None)
        if callable(close):
            close()


@contextmanager
def _buyer(db: Path | None, endpoint: str | None) -> Iterator[Buyer]:
    if endpoint and db:
        raise click.UsageError("give --db or --endpoint, not both")
    if endpoint:
        yield RemoteBuyer(endpoint)
        return
    with _local(database(db)) as market:
        yield LocalBuyer(market)


@contextmanager
def _backend_errors() -> Iterator[None]:
    """Engine errors become one-line messages, e.g. ``ResourceNotFoundException: ...``."""
    from offerops.emulator.exceptions import CatalogError

    try:
        yield
    except CatalogError as error:
        raise EmulatorCommandError(f"{error.code}: {error.message}") from None


def _print_listing(
    found: list[dict[str, Any]], as_json: bool, empty: str, line: Callable[[dict[str, Any]], str]
) -> None:
    """A buyer listing as JSON, or one line per entry, or a sentence when there is none."""
    if as_json:
        click.echo(json.dumps(found, indent=2, default=str))
    elif not found:
        click.echo(empty)
    else:
        for entry in found:
            click.echo(line(entry))
