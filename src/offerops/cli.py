"""The ``offerops`` command line.

Each command only parses options, builds its collaborators and returns an exit code; the work is
in the modules. :func:`main` is the single error boundary: expected errors print a message (exit
1 or 2), Ctrl-C exits 130, and anything unexpected exits 3 with a crash log to attach to a bug
report, never a bare traceback.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import click

from offerops import __version__
from offerops.errors import OfferopsError, UsageError

REPORT_FORMATS = ("text", "json", "sarif", "github")


class Options:
    """Options shared by every command."""

    def __init__(self, root: Path | None) -> None:
        self._root = root

    def root(self) -> Path:
        """The repository root: ``--root`` or the nearest directory with offerops.yaml."""
        from offerops.repo import CONFIG_NAME, find_root

        if self._root is not None:
            if not (self._root / CONFIG_NAME).is_file():
                raise UsageError(f"--root {self._root} has no {CONFIG_NAME}")
            return self._root.resolve()
        return find_root(Path.cwd())


pass_options = click.make_pass_decorator(Options)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="offerops")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Repository root (default: the nearest directory with offerops.yaml).",
)
@click.pass_context
def cli(ctx: click.Context, root: Path | None) -> None:
    """AWS Marketplace private offers as code: lint, plan and apply offers kept in git."""
    ctx.obj = Options(root)


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
@pass_options
def lint(
    options: Options,
    paths: tuple[Path, ...],
    output_format: str,
    today: str | None,
    output: Path | None,
    color: bool | None,
) -> None:
    """Check offers (default: every offer in offers/) the way the marketplace would.

    Exit status: 0 no errors (warnings allowed), 1 errors found, 2 could not run.
    """
    from offerops.lint.runner import LintRequest
    from offerops.lint.runner import lint as run_lint
    from offerops.repo import resolve_today
    from offerops.report import REPORTERS

    root = options.root()
    request = LintRequest(root=root, today=resolve_today(today), paths=_absolute(paths))
    report = run_lint(request)
    use_color = _use_color(color, output)
    _emit(REPORTERS[output_format](report, use_color), output)
    if not report.config_usable:
        click.echo("offerops: offerops.yaml has errors; fix them first", err=True)
        _exit(2)
    _exit(1 if report.has_errors else 0)


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
    try:
        status = cli.main(args=argv, prog_name="offerops", standalone_mode=False)
    except (KeyboardInterrupt, click.Abort):
        click.echo("\nofferops: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(2 if isinstance(error, click.UsageError) else error.exit_code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except OfferopsError as error:
        click.echo(f"offerops: error: {error.message}", err=True)
        if error.hint:
            click.echo(f"  hint: {error.hint}", err=True)
        sys.exit(error.exit_code)
    except Exception as error:
        log = _crash_log(error)
        click.echo(f"offerops: internal error: {type(error).__name__}: {error}", err=True)
        click.echo(f"  crash report: {log} (please attach it to a bug report)", err=True)
        sys.exit(3)
    sys.exit(status if isinstance(status, int) else 0)
