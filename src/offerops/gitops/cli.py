"""Click commands of the pull-request workflow: ``new``, ``clone`` and ``comment``.

They are registered by ``offerops.cli`` (lazily, like ``emulator``), and take the repository
root from its shared options object. ``lint --changed-since`` calls ``gitops.changed`` and
``gitops.history`` directly.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import IO

import click

from offerops.gitops.scaffold import DEFAULT_ACTION, DEFAULT_SELLER_ACCOUNT

__all__ = ["clone_command", "comment_command", "new_command"]


def _root() -> Path:
    """The repository root from ``offerops --root`` (the CLI's options), else the nearest one."""
    options = click.get_current_context().find_object(object)
    if options is not None and hasattr(options, "root"):
        root: Path = options.root()
        return root
    from offerops.repo import find_root

    return find_root(Path.cwd())


@click.command("new")
@click.argument(
    "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."), required=False
)
@click.option(
    "--action",
    default=DEFAULT_ACTION,
    show_default=True,
    help="The offerops GitHub Action the workflows use (owner/name@ref).",
)
@click.option(
    "--seller-account",
    default=DEFAULT_SELLER_ACCOUNT,
    show_default=True,
    help="Your AWS Marketplace seller account id, for offerops.yaml.",
)
@click.option("--no-git", is_flag=True, help="Do not run git init.")
@click.option("--today", metavar="DATE", help="Pin today for the example offer's dates.")
def new_command(
    directory: Path, action: str, seller_account: str, no_git: bool, today: str | None
) -> None:
    """Create an offers repository: config, an example offer, workflows, hooks, CODEOWNERS."""
    from offerops.gitops.scaffold import new_repository
    from offerops.repo import resolve_today

    pinned: date = resolve_today(today)
    written = new_repository(
        directory, action=action, seller_account=seller_account, today=pinned, init_git=not no_git
    )
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(
        f"\nNext: edit {directory / 'offerops.yaml'} (seller, products, buyers), then "
        "`offerops lint` and `offerops plan`. Pull requests are linted and planned by "
        ".github/workflows/offers-pr.yml."
    )


@click.command("clone")
@click.argument("key")
@click.argument("new_key")
@click.option(
    "--replace",
    is_flag=True,
    help="Also set `lifecycle: expired` in KEY: the copy replaces it (what a replace-needed "
    "plan asks for).",
)
@click.option(
    "--agreement",
    metavar="AGREEMENT_ID",
    help="With --replace: the copy replaces this agreement (`replaces: {agreement: ...}`), "
    "as the plan names it.",
)
def clone_command(key: str, new_key: str, replace: bool, agreement: str | None) -> None:
    """Copy the offer KEY to NEW_KEY (new file, id removed), like the console's "clone offer".

    Use it for a replacement offer: `--replace` also ends KEY (`lifecycle: expired`), and
    `--agreement` makes the copy replace the buyer's current agreement; edit the copy, then
    open a pull request.
    """
    if agreement is not None and not replace:
        raise click.UsageError("--agreement needs --replace")
    if replace:
        from offerops.gitops.replacing import clone_replacing

        target, old = clone_replacing(_root(), key, new_key, agreement)
        click.echo(f"wrote {target} and set lifecycle: expired in {old}")
        click.echo(f"edit {target.name}'s terms, then open a pull request")
        return
    from offerops.gitops.scaffold import clone_offer

    target = clone_offer(_root(), key, new_key)
    click.echo(f"wrote {target}: edit its name, buyers and terms, then open a pull request")


@click.command("comment")
@click.option(
    "--plan-file",
    required=True,
    type=click.File("r", encoding="utf-8"),
    help="The markdown plan (`offerops plan --format markdown`), or - for standard input.",
)
@click.option("--pr", "number", type=click.IntRange(min=1), help="Pull request number.")
def comment_command(plan_file: IO[str], number: int | None) -> None:
    """Post the plan as the pull request's plan comment, updating it if it exists.

    Reads GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL and the event (for the pull request
    number) as GitHub Actions sets them, and appends the plan to GITHUB_STEP_SUMMARY when set.
    """
    from offerops.gitops.comment import append_step_summary, target_from_env, upsert_comment

    body = plan_file.read()
    summary = append_step_summary(os.environ, body)
    if summary is not None:
        click.echo(f"plan written to the job summary ({summary.name})")
    target = target_from_env(os.environ, number)
    result = upsert_comment(target, body)
    click.echo(f"{result.action} the plan comment on #{target.number}: {result.url}")
