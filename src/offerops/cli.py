"""The ``offerops`` command line.

Each command only parses options, builds its collaborators and returns an exit code; the work is
in the modules. :func:`main` is the single error boundary: expected errors print a message (exit
1 or 2), including the network, credential, database and disk failures :mod:`offerops.failures`
recognises; Ctrl-C exits 130 and SIGTERM 143; anything unexpected exits 3 with a crash log to
attach to a bug report, never a bare traceback.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, NoReturn, TypeVar

import click

from offerops import __version__
from offerops.errors import OfferopsError, UsageError

if TYPE_CHECKING:
    from offerops.gitops.selection import Selection
    from offerops.lint.revision import BaseRevision
    from offerops.lint.runner import LintReport
    from offerops.reconcile.apply import OfferResult
    from offerops.reconcile.importer import Imported
    from offerops.reconcile.plan import Plan
    from offerops.reconcile.session import Session
    from offerops.report import ReportSettings

REPORT_FORMATS = ("text", "json", "sarif", "github")
PLAN_FORMATS = ("text", "markdown", "json")
"""The names of ``offerops.reconcile.render.RENDERERS`` (kept here so start-up imports nothing)."""
STATUS_FORMATS = ("text", "markdown", "json")
"""The names of ``offerops.reconcile.status_format.RENDERERS``."""
INTERRUPTING_SIGNALS = (signal.SIGINT, signal.SIGTERM)
CommandT = TypeVar("CommandT", bound=click.Command)
ROOT_HELP = "Repository root (default: the nearest directory with offerops.yaml)."


class Options:
    """Options shared by every command."""

    def __init__(self, root: Path | None = None) -> None:
        self._root = root

    def set_root(self, root: Path) -> None:
        """``--root`` given after the subcommand: it wins over one given before."""
        self._root = root

    def root(self) -> Path:
        """The repository root: ``--root`` or the nearest directory with offerops.yaml."""
        from offerops.repo import CONFIG_NAME, find_root

        if self._root is not None:
            if not (self._root / CONFIG_NAME).is_file():
                raise UsageError(f"--root {self._root} has no {CONFIG_NAME}")
            return self._root.resolve()
        return find_root(Path.cwd())

    def database(self) -> Path | None:
        """The embedded emulator's database, to name it when sqlite fails (None: not embedded)."""
        from offerops.emulator.cli import load_config
        from offerops.repo import CONFIG_NAME

        root = self.root()
        backend = load_config(root / CONFIG_NAME).backend
        return root / backend.path if backend.kind == "emulator" else None


pass_options = click.make_pass_decorator(Options)


def _take_root(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.ensure_object(Options).set_root(value)


def _root_param() -> click.Option:
    """``--root`` after the subcommand (``offerops status --root X``), as well as before it."""
    return click.Option(
        ["--root"],
        type=click.Path(file_okay=False, path_type=Path),
        expose_value=False,
        callback=_take_root,
        help=ROOT_HELP,
    )


def _with_root(command: click.Command) -> click.Command:
    """Give ``command`` (and a group's every subcommand) the ``--root`` option, once."""
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            _with_root(subcommand)
    elif not any(param.name == "root" for param in command.params):
        command.params.append(_root_param())
    return command


def root_option(command: CommandT) -> CommandT:
    """Decorator (above ``@cli.command``) for commands that use the repository."""
    _with_root(command)
    return command


class LazyGroup(click.Group):
    """Imports a subcommand group only when it runs: ``lint`` never pays for the emulator."""

    lazy: ClassVar[dict[str, tuple[str, str]]] = {
        "emulator": ("offerops.emulator.cli", "emulator_group"),
        "new": ("offerops.gitops.cli", "new_command"),
        "clone": ("offerops.gitops.cli", "clone_command"),
        "comment": ("offerops.gitops.cli", "comment_command"),
    }
    without_root: ClassVar[frozenset[str]] = frozenset({"new"})
    """Lazy commands that do not use the repository (``new`` makes one)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def invoke(self, ctx: click.Context) -> object:
        """Expected errors end the command with their message and exit code, the same under
        :func:`main` and under click's test runner."""
        try:
            return super().invoke(ctx)
        except Exception as error:
            from offerops.failures import explain, report

            failure = explain(error, _database_locator(ctx))
            if failure is None:
                raise
            report(failure)
            ctx.exit(failure.exit_code)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            import importlib

            module, attribute = self.lazy[name]
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return command if name in self.without_root else _with_root(command)
        return super().get_command(ctx, name)


def _database_locator(ctx: click.Context) -> Callable[[], Path | None] | None:
    """Names the emulator database in a sqlite error; not for ``emulator`` (it takes --db)."""
    options = ctx.obj
    if not isinstance(options, Options) or ctx.invoked_subcommand == "emulator":
        return None
    return options.database


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="offerops")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), help=ROOT_HELP)
@click.pass_context
def cli(ctx: click.Context, root: Path | None) -> None:
    """AWS Marketplace private offers as code: lint, plan and apply offers kept in git."""
    ctx.obj = Options(root)


@root_option
@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(REPORT_FORMATS),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option("--today", metavar="DATE", help="Pin today for date rules (or OFFEROPS_TODAY).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE instead of standard output.",
)
@click.option("--color/--no-color", default=None, help="Colour text output (default: on a TTY).")
@click.option(
    "--changed-since",
    "changed_ref",
    metavar="REF",
    help="Lint only offers changed since git revision REF (e.g. the PR base), plus the offers "
    "that use a changed product, buyer or document, and compare them with REF.",
)
@pass_options
def lint(
    options: Options,
    paths: tuple[Path, ...],
    output_format: str,
    today: str | None,
    output: Path | None,
    color: bool | None,
    changed_ref: str | None,
) -> None:
    """Check offers (default: every offer in offers/) the way the marketplace would.

    PATH may also be offerops.yaml (then every offer is checked) or a legal document (the
    offers that list it), as pre-commit passes the staged files. With --format github the
    findings are also written to the job summary when GITHUB_STEP_SUMMARY is set.

    Exit status: 0 no errors (warnings allowed), 1 errors found, 2 could not run.
    """
    from dataclasses import replace

    from offerops.gitops.selection import select_named
    from offerops.repo import resolve_today
    from offerops.report import REPORTERS

    root = options.root()
    selection = select_named(root, _absolute(paths))
    if changed_ref is None:
        report = _run_lint(root, resolve_today(today), selection)
    else:
        from offerops.gitops.changed import changed_since
        from offerops.gitops.history import base_revision

        changes = changed_since(root, changed_ref)
        only = changes.to_lint if selection.only is None else changes.to_lint & selection.only
        on = resolve_today(today)
        with base_revision(root, changes) as base:  # the history rules (OFR220-222) read it
            report = _run_lint(root, on, replace(selection, only=only), base)
    use_color = _use_color(color, output)
    settings = _report_settings(root, output_format)
    _emit(REPORTERS[output_format](report, use_color, settings), output)
    if output_format == "github":
        _lint_job_summary(report, settings)
    if not report.config_usable:
        click.echo("offerops: offerops.yaml has errors; fix them first", err=True)
        _exit(2)
    _exit(1 if report.has_errors else 0)


def _run_lint(
    root: Path, today: date, selection: Selection, base: BaseRevision | None = None
) -> LintReport:
    """Lint what ``selection`` names; models are kept only for the history rules."""
    from offerops.lint.runner import LintRequest
    from offerops.lint.runner import lint as run_lint

    paths, only = selection.paths, selection.only
    keep = base is not None
    return run_lint(LintRequest(root, today, paths, only=only, keep_models=keep, base=base))


def _report_settings(root: Path, output_format: str) -> ReportSettings:
    """Paths inside the git work tree and the rules page URL, for github and sarif only."""
    from offerops.report import ReportSettings

    if output_format not in ("github", "sarif"):
        return ReportSettings()
    from offerops.docs import docs_url
    from offerops.gitops.gitrepo import work_tree_prefix

    url = docs_url(os.environ) if output_format == "sarif" else None
    return ReportSettings(prefix=work_tree_prefix(root), docs_url=url, root=root)


def _lint_job_summary(report: LintReport, settings: ReportSettings) -> None:
    """Every finding in the job summary: GitHub shows only 10 annotations per severity.

    A summary that cannot be written is a warning: the annotations are already out, and the
    result of lint must not depend on the runner's summary file.
    """
    from offerops.gitops.comment import append_step_summary
    from offerops.report import summary

    try:
        append_step_summary(os.environ, summary.render(report, settings))
    except OSError as error:
        click.echo(f"offerops: job summary not written: {error}", err=True)


@root_option
@cli.command()
@click.option("--check", is_flag=True, help="Exit 1 if the schemas are stale; write nothing.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the schemas live (default: schemas/ in the repository, or here).",
)
@pass_options
def schema(options: Options, check: bool, directory: Path | None) -> None:
    """Write (or check) schemas/*.schema.json, generated from the offer and config models."""
    from offerops.schema import stale_schemas, write_schemas

    target = directory or _schema_dir(options)
    if check:
        stale = stale_schemas(target)
        for path in stale:
            click.echo(f"{path}: stale or missing; run `offerops schema` and commit the result")
        if not stale:
            click.echo(f"schemas in {target} are current")
        _exit(1 if stale else 0)
    changed = write_schemas(target)
    for path in changed:
        click.echo(f"wrote {path}")
    if not changed:
        click.echo(f"schemas in {target} are current")


@root_option
@cli.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(PLAN_FORMATS),
    default="text",
    show_default=True,
    help="text for terminals, markdown for a pull-request comment, json for tools.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Save the plan as JSON, to apply exactly it later with `offerops apply FILE`.",
)
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes, 0 when none."
)
@click.option("--prune", is_flag=True, help="Expire managed offers whose file was deleted.")
@click.option("--today", metavar="DATE", help="Pin today (or OFFEROPS_TODAY).")
@click.option("--color/--no-color", default=None, help="Colour text output (default: on a TTY).")
@pass_options
def plan(
    options: Options,
    output_format: str,
    out: Path | None,
    detailed_exitcode: bool,
    prune: bool,
    today: str | None,
    color: bool | None,
) -> None:
    """Show what apply would change on the marketplace (read-only).

    Exit status: 0 success, 1 error or an offer apply would refuse (replace-needed), 2 could
    not run (no or unusable offerops.yaml). With --detailed-exitcode (Terraform's convention):
    0 no changes, 2 changes, 1 any error or refused offer.
    """
    from offerops.reconcile.plan import save_plan
    from offerops.reconcile.render import RENDERERS

    with _errors_exit_1(detailed_exitcode):
        session = _open_session(options, today)
        try:
            result = session.plan(prune)
            session.check_products(result)
        finally:
            session.close()
        if out is not None:
            save_plan(result, out)
    click.echo(RENDERERS[output_format](result, _use_color(color, None)), nl=False)
    if result.refused:
        _exit(_replacements_status(result))
    _exit(2 if detailed_exitcode and result.has_changes else 0)


@root_option
@cli.command()
@click.argument("plan_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", "-y", is_flag=True, help="Apply without asking (needed when not on a TTY).")
@click.option(
    "--parallelism",
    type=click.IntRange(1, 100),
    default=10,
    show_default=True,
    help="Requests in flight at once; the account's request quotas set the pace.",
)
@click.option(
    "--log",
    "log_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path(".offerops/apply-log.json"),
    show_default=True,
    help="Where to write the JSON apply log (relative to the repository).",
)
@click.option("--prune", is_flag=True, help="Expire managed offers whose file was deleted.")
@click.option("--today", metavar="DATE", help="Pin today (or OFFEROPS_TODAY).")
@pass_options
def apply(
    options: Options,
    plan_file: Path | None,
    yes: bool,
    parallelism: int,
    log_path: Path,
    prune: bool,
    today: str | None,
) -> None:
    """Apply a saved plan (refused if stale), or plan and apply now.

    Exit status: 0 everything applied, 1 some offer failed or needs a replacement, 2 could not
    run, 130/143 interrupted by SIGINT/SIGTERM (the change sets started are in the log).
    """
    from offerops.reconcile.plan import load_plan
    from offerops.reconcile.render import render_text

    saved = load_plan(plan_file) if plan_file else None
    session = _open_session(options, today)
    try:
        current = session.plan(prune)
        shown = saved or current
        click.echo(render_text(shown, _use_color(None, None)), nl=False)
        if not shown.has_changes:
            _exit(_replacements_status(shown))
        if saved is None and not yes:
            _confirm_or_refuse()
        log = log_path if log_path.is_absolute() else session.root / log_path
        status = _apply_and_log(session, current, saved, parallelism, log)
    finally:
        session.close()
    _exit(status)


class ApplyOutcome:
    """What apply did, where its log went, and the signal that stopped it (if any)."""

    def __init__(self, results: list[OfferResult], log: Path | None, signals: list[int]) -> None:
        self.results = results
        self.log = log
        self.signum = signals[0] if signals else None

    def where(self) -> str:
        if self.log is None:
            return "standard error, above"
        with contextlib.suppress(ValueError):
            return str(self.log.relative_to(Path.cwd()))
        return str(self.log)


def _apply_and_log(
    session: Session, current: Plan, saved: Plan | None, parallelism: int, log: Path
) -> int:
    """Apply with SIGINT/SIGTERM stopping it gracefully, write the log whatever happened, and
    print the summary; the exit status.

    The summary is printed while the handlers are still in place, so a second signal (CI sends
    SIGTERM some time after SIGINT) cannot change the exit status the first one decided."""
    from offerops.reconcile.apply import ApplyOptions
    from offerops.reconcile.progress import ApplyProgress, bar_wanted
    from offerops.reconcile.session import write_apply_log

    stop = threading.Event()
    shown = saved or current
    total = sum(1 for entry in shown.entries if entry.changes_anything)
    progress = ApplyProgress(total, bar=bar_wanted(sys.stderr))
    options = ApplyOptions(
        parallelism=parallelism,
        stop=stop,
        on_start=progress.offer,
        on_heartbeat=progress.heartbeat,
    )
    with _stop_on_signals(stop) as signals:
        started, clock = datetime.now(UTC), time.monotonic()
        try:
            results = session.apply(current, options, progress.offer, saved)
        finally:
            progress.close()
        seconds = time.monotonic() - clock
        stopped_by = signal.Signals(signals[0]).name if signals else None
        written = write_apply_log(
            log, session, shown, results, started, seconds, stopped_by=stopped_by
        )
        return _apply_status(ApplyOutcome(results, written, signals), shown)


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[list[int]]:
    """While applying, SIGINT and SIGTERM set ``stop`` instead of killing the process.

    Workers then start no new change set and stop polling, so the log can record what was
    started. Repeated signals (CI sends SIGTERM after SIGINT) change nothing. The handlers that
    were there before are restored afterwards. The notice is written with ``os.write``: a
    handler must not re-enter a buffered stream the interrupted code may be writing.
    """
    caught: list[int] = []

    def handle(signum: int, _frame: object) -> None:
        caught.append(signum)  # before the notice: a second signal may arrive during the write
        stop.set()
        if len(caught) == 1:
            os.write(2, b"\nofferops: stopping: no new change sets; recording those started\n")

    if threading.current_thread() is not threading.main_thread():
        yield caught
        return
    previous = {signum: signal.signal(signum, handle) for signum in INTERRUPTING_SIGNALS}
    try:
        yield caught
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _apply_status(outcome: ApplyOutcome, shown: Plan) -> int:
    """The summary lines and exit status: what happened on the marketplace, or the signal."""
    from offerops.reconcile.apply import INTERRUPTED, NOT_STARTED

    results = outcome.results
    failed = [result for result in results if result.status != "SUCCEEDED"]
    click.echo(
        f"\nApplied {len(results) - len(failed)} of {len(results)} offer(s); log: {outcome.where()}"
    )
    if outcome.signum is None:
        return 1 if failed else _replacements_status(shown)
    started = sum(1 for result in results if result.status == INTERRUPTED)
    waiting = sum(1 for result in results if result.status == NOT_STARTED)
    click.echo(
        f"offerops: interrupted ({signal.Signals(outcome.signum).name}): {started} change set(s)"
        f" started and not followed to the end, {waiting} offer(s) not started (ids in"
        f" {outcome.where()}); rerun `offerops apply` to pick them up",
        err=True,
    )
    return 128 + outcome.signum


@root_option
@cli.command("import")
@click.argument("offer_ids", nargs=-1)
@click.option("--all", "import_all", is_flag=True, help="Import every offer not managed in git.")
@click.option("--today", metavar="DATE", help="Pin today (or OFFEROPS_TODAY).")
@pass_options
def import_command(
    options: Options, offer_ids: tuple[str, ...], import_all: bool, today: str | None
) -> None:
    """Write offers/<key>.yaml for offers that exist on the marketplace but not in git.

    Exit status: 0 every offer written, 1 some offer could not be imported (reported).
    """
    from offerops.reconcile.importer import check_request, import_offers, offers_to_import

    check_request(offer_ids, import_all)
    session = _open_session(options, today)
    try:
        desired, actual = session.desired(), session.actual()
    finally:
        session.close()
    chosen = offers_to_import(desired, actual, offer_ids)
    taken = {offer.key for offer in desired}
    imported = import_offers(chosen, session.config, session.root, taken, session.today)
    _exit(_report_imports(imported))


def _report_imports(results: list[Imported]) -> int:
    """One line per offer (written, or why not); exit 1 if any could not be imported."""
    for result in results:
        if result.error:
            click.echo(f"✗ {result.offer_id}: {result.error}", err=True)
        else:
            click.echo(f"✓ {result.offer_id} -> {result.path}")
    if not results:
        click.echo("nothing to import: every offer on the marketplace is in git")
    return 1 if any(result.error for result in results) else 0


@root_option
@cli.command()
@click.argument("keys", nargs=-1)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(STATUS_FORMATS),
    default="text",
    show_default=True,
    help="markdown: a table for an issue or a job summary.",
)
@click.option(
    "--expiring-within",
    metavar="DAYS",
    type=click.IntRange(min=0),
    help="Only released offers that expire within DAYS days (0: today) and that no buyer has "
    "accepted yet; exit 1 when there is any.",
)
@click.option("--today", metavar="DATE", help="Pin today (or OFFEROPS_TODAY).")
@pass_options
def status(
    options: Options,
    keys: tuple[str, ...],
    output_format: str,
    expiring_within: int | None,
    today: str | None,
) -> None:
    """Per offer: state, expiry, buyers, agreements (accepted, start, end), and the URL to send
    to the buyer.

    Exit status: 0 shown; with --expiring-within, 0 when no offer is expiring and 1 when some
    are (for CI); 1 the marketplace failed; 2 could not run.
    """
    from offerops.reconcile.status import StatusQuery, StatusReport, buyer_aliases, collect
    from offerops.reconcile.status_format import RENDERERS

    query = StatusQuery(keys, expiring_within)
    session = _open_session(options, today, reading=True)
    if session.report.has_errors:
        click.echo(
            f"offerops: warning: lint found {session.report.summary.errors} error(s) (run"
            " `offerops lint`); this is the marketplace as it is",
            err=True,
        )
    try:
        rows = collect(session.actual(), query, session.agreements, session.retry, session.today)
        aliases = buyer_aliases(session.config)
    finally:
        session.close()
    report = StatusReport(tuple(rows), session.today, query, aliases)
    click.echo(RENDERERS[output_format](report), nl=False)
    if report.expiring:
        _exit(1)


@cli.group()
def products() -> None:
    """The seller's products and resale authorizations, read from the marketplace."""


@root_option
@products.command("import")
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 if offerops.yaml would change (for CI)."
)
@pass_options
def products_import(options: Options, check: bool) -> None:
    """Write the marketplace's products, dimensions and shared resale authorizations into
    offerops.yaml, keeping its comments and layout.

    Exit status: 0 written or already current, 1 with --check when offerops.yaml is stale, 2
    could not run (no or unparseable offerops.yaml).
    """
    from offerops.products.update import import_from_backend

    result = import_from_backend(options.root(), check=check)
    for change in result.changes:
        click.echo(f"~ {change}")
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    if not result.changed:
        click.echo("offerops.yaml is up to date with the marketplace")
    elif check:
        click.echo("offerops.yaml is stale; run `offerops products import`", err=True)
        _exit(1)
    else:
        click.echo(f"wrote offerops.yaml ({len(result.changes)} change(s))")


def _open_session(options: Options, today: str | None, *, reading: bool = False) -> Session:
    from offerops.reconcile.session import open_session
    from offerops.repo import resolve_today

    return open_session(options.root(), resolve_today(today), reading=reading)


@contextlib.contextmanager
def _errors_exit_1(detailed_exitcode: bool) -> Iterator[None]:
    """With --detailed-exitcode, 2 means "changes" (as in Terraform), so every error is 1."""
    if not detailed_exitcode:
        yield
        return
    from offerops.failures import explain

    try:
        yield
    except Exception as error:
        failure = explain(error)
        if failure is None:
            raise
        failure.exit_code = 1
        if failure is error:
            raise
        raise failure from error


def _replacements_status(plan: Plan) -> int:
    """1 when apply refuses an offer (replace-needed), so CI's check is red and says why."""
    if plan.refused:
        click.echo(
            f"{len(plan.refused)} offer(s) need a replacement offer and were not changed: "
            + ", ".join(plan.refused),
            err=True,
        )
    return 1 if plan.refused else 0


def _confirm_or_refuse() -> None:
    if not sys.stdin.isatty():
        raise UsageError("refusing to apply without --yes when not running on a terminal")
    if not click.confirm("Apply these changes to the marketplace?", default=False):
        raise click.Abort()


def _exit(code: int) -> NoReturn:
    """End the command with ``code`` (works under main() and under click's test runner)."""
    click.get_current_context().exit(code)


def _schema_dir(options: Options) -> Path:
    try:
        return options.root() / "schemas"
    except OfferopsError:
        return Path.cwd() / "schemas"


def _absolute(paths: tuple[Path, ...]) -> tuple[Path, ...]:
    return tuple(path if path.is_absolute() else Path.cwd() / path for path in paths)


def _use_color(flag: bool | None, output: Path | None) -> bool:
    if flag is not None:
        return flag
    if output is not None or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    from offerops.fileio import atomic_write_text

    atomic_write_text(output, text)


def _crash_log(error: BaseException) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = Path(tempfile.gettempdir()) / f"offerops-crash-{stamp}-{os.getpid()}.log"
    details = "".join(traceback.format_exception(error))
    path.write_text(f"offerops {__version__}\nargv: {sys.argv}\n\n{details}", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn every outcome into an exit status."""
    with _terminate_as_interrupt():
        _run_main(argv)


def _run_main(argv: list[str] | None) -> NoReturn:
    from offerops.failures import Interrupted, explain, report

    try:
        status = cli.main(args=argv, prog_name="offerops", standalone_mode=False)
    except (KeyboardInterrupt, click.Abort):
        click.echo("\nofferops: interrupted", err=True)
        sys.exit(130)
    except Interrupted as stop:
        click.echo(f"\nofferops: interrupted ({signal.Signals(stop.signum).name})", err=True)
        sys.exit(stop.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(2 if isinstance(error, click.UsageError) else error.exit_code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except Exception as error:
        failure = explain(error)
        if failure is not None:
            report(failure)
            sys.exit(failure.exit_code)
        log = _crash_log(error)
        click.echo(f"offerops: internal error: {type(error).__name__}: {error}", err=True)
        click.echo(f"  crash report: {log} (please attach it to a bug report)", err=True)
        sys.exit(3)
    sys.exit(status if isinstance(status, int) else 0)


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM ends any command like Ctrl-C (``finally`` blocks run), with exit 143.

    apply installs its own handlers while change sets run, and restores this one after.
    """
    from offerops.failures import Interrupted

    def handle(signum: int, _frame: object) -> None:
        raise Interrupted(signum)

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, handle)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
