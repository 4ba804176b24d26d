"""Scaffolding: a new offers repository (``offerops new``) and a copy of an offer (``clone``).

``clone`` is the repository's "clone offer" from the console: the file is copied as text, with
its comments and layout, and only the ``key`` line changes and the ``id`` line goes (a copy is a
new offer, never the adopted one). Templates are package data in ``gitops/templates/``, with
``__NAME__`` placeholders because workflows are full of ``${{ }}`` and ``$VAR``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import metadata, resources
from pathlib import Path

from offerops.errors import UsageError
from offerops.fileio import atomic_write_text
from offerops.model.limits import ACCOUNT_ID_PATTERN, KEY_PATTERN
from offerops.repo import CONFIG_NAME, OFFERS_DIR, discover_offers

ACTION_ENV = "OFFEROPS_ACTION"
"""Where offerops lives on GitHub (``owner/name@ref``), when ``--action`` is not given."""
DEFAULT_ACTION: str | None = None
"""No built-in default: offerops has no published repository yet, and a guessed
``owner/name@ref`` would give every new repository workflows and hooks that fail on first use.
:func:`default_action` finds a real one, or ``offerops new`` asks for ``--action``."""
EXAMPLE_KEY = "example-offer"
DEFAULT_SELLER_ACCOUNT = "111122223333"

_ACTION = re.compile(r"^(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)@(?P<rev>[A-Za-z0-9_./-]+)$")
_GITHUB_URL = re.compile(
    r"^(?:git\+)?https://github\.com/(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?/?$"
)
_KEY_LINE = re.compile(r"^key:[ \t]*(?P<quote>[\"']?)(?P<key>[^\"'#\s]+)(?P=quote)(?P<rest>.*)$")
_ID_LINE = re.compile(r"^id:[ \t]*\S")
_EXPIRED_LINE = re.compile(r"^[ \t]+lifecycle:[ \t]*[\"']?expired[\"']?[ \t]*(#.*)?$")


@dataclass(frozen=True)
class Scaffold:
    """One file of a new repository: where it goes, and which template it comes from."""

    target: str
    template: str


SCAFFOLD = (
    Scaffold(CONFIG_NAME, "offerops.yaml"),
    Scaffold(f"{OFFERS_DIR}/{EXAMPLE_KEY}.yaml", "example-offer.yaml"),
    Scaffold(".github/workflows/offers-pr.yml", "offers-pr.yml"),
    Scaffold(".github/workflows/offers-apply.yml", "offers-apply.yml"),
    Scaffold(".github/workflows/offers-expiring.yml", "offers-expiring.yml"),
    Scaffold(".github/CODEOWNERS", "CODEOWNERS"),
    Scaffold(".pre-commit-config.yaml", "pre-commit-config.yaml"),
    Scaffold(".gitignore", "gitignore"),
)


def template(name: str) -> str:
    """The text of a template shipped in ``offerops.gitops.templates``."""
    return resources.files("offerops.gitops").joinpath("templates", name).read_text("utf-8")


def render_workflow(name: str, action: str) -> str:
    """A workflow template with its ``uses:`` pointing at ``action`` (``./`` in offerops itself)."""
    return template(name).replace("__OFFEROPS_ACTION__", action)


def default_action(environ: Mapping[str, str] = os.environ) -> str | None:
    """The offerops repository new workflows and hooks use: ``$OFFEROPS_ACTION``, else the
    GitHub repository and commit pip installed offerops from; None when neither is known."""
    configured = environ.get(ACTION_ENV, "").strip()
    return configured or installed_from()


def installed_from() -> str | None:
    """``owner/name@commit`` when offerops was installed from a GitHub git URL
    (``pip install git+https://github.com/owner/offerops@v0.1.0``), from PEP 610's
    ``direct_url.json``; None for any other installation."""
    try:
        text = metadata.distribution("offerops").read_text("direct_url.json")
        data = json.loads(text or "{}")
    except (metadata.PackageNotFoundError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("vcs_info"), dict):
        return None
    vcs = data["vcs_info"]
    match = _GITHUB_URL.match(str(data.get("url", "")))
    commit = vcs.get("commit_id")
    if vcs.get("vcs") != "git" or match is None or not isinstance(commit, str):
        return None
    return f"{match.group('repo')}@{commit}"


def _resolve_action(action: str | None) -> re.Match[str]:
    """``action`` (or the default) split into repository and ref; UsageError when unknown."""
    chosen = action or default_action()
    if chosen is None:
        raise UsageError(
            "offerops does not know which GitHub repository the new workflows and pre-commit "
            "hook should use (offerops has no published repository yet)",
            hint=f"pass --action OWNER/offerops@REF (your copy of offerops on GitHub, a tag or "
            f"commit), or set {ACTION_ENV}",
        )
    match = _ACTION.match(chosen)
    if match is None:
        raise UsageError(f'--action must look like "owner/offerops@v1.2.3", got "{chosen}"')
    return match


def new_repository(
    target: Path,
    *,
    action: str | None = DEFAULT_ACTION,
    seller_account: str = DEFAULT_SELLER_ACCOUNT,
    today: date | None = None,
    init_git: bool = True,
) -> list[Path]:
    """Write a new offers repository into ``target``; refuse to overwrite any file in it.

    Writes offerops.yaml, one example offer (lint-clean as of ``today``), the pull-request,
    apply and daily expiring-offers workflows, CODEOWNERS, a pre-commit config, .gitignore and
    the JSON Schemas, and runs ``git init`` when ``target`` is not inside a git work tree yet.
    Workflows use the action ``action`` (``owner/name@ref``, default :func:`default_action`) and
    the pre-commit hook comes from the same repository and ref, so both work as written.
    """
    existing = [spec.target for spec in SCAFFOLD if (target / spec.target).exists()]
    if existing:
        raise UsageError(
            f"{target} already has {', '.join(existing)}; refusing to overwrite",
            hint="run offerops new in an empty directory",
        )
    if not re.match(ACCOUNT_ID_PATTERN, seller_account):
        raise UsageError(f'--seller-account must be 12 digits, got "{seller_account}"')
    match = _resolve_action(action)
    expires = (today or date.today()) + timedelta(days=90)
    values = {
        "__OFFEROPS_ACTION__": match.group(0),
        "__SELLER_ACCOUNT__": seller_account,
        "__KEY__": EXAMPLE_KEY,
        "__EXPIRES_ON__": expires.isoformat(),
        "__HOOK_REPO__": f"https://github.com/{match.group('repo')}",
        "__HOOK_REV__": match.group("rev"),
    }
    written = [
        _write(target / spec.target, _fill(template(spec.template), values)) for spec in SCAFFOLD
    ]
    written.extend(_schemas(target))
    if init_git:
        _git_init(target)
    return written


def _fill(text: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def _write(path: Path, text: str) -> Path:
    atomic_write_text(path, text)
    return path


def _schemas(target: Path) -> list[Path]:
    from offerops.schema import write_schemas

    return write_schemas(target / "schemas")


def _git_init(target: Path) -> None:
    """``git init`` unless ``target`` is already in a work tree (a monorepo, say)."""
    import git

    try:
        git.Repo(target, search_parent_directories=True).close()
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        git.Repo.init(target).close()


def clone_offer(root: Path, key: str, new_key: str) -> Path:
    """Copy the offer ``key`` to ``new_key`` beside it: new key, no ``id``, active; as text."""
    if not re.match(KEY_PATTERN, new_key):
        raise UsageError(
            f'new key "{new_key}" must be 2..63 lowercase letters, digits and dashes, '
            "starting with a letter or digit"
        )
    offers = discover_offers(root)
    source = _offer_file(offers, key)
    if any(path.stem == new_key for path in offers):
        raise UsageError(f'an offer with key "{new_key}" already exists; keys are unique')
    target = source.with_name(new_key + source.suffix)
    if target.exists():
        raise UsageError(f"{target} already exists; refusing to overwrite")
    text = source.read_text(encoding="utf-8")
    atomic_write_text(target, clone_text(text, key, new_key, source.name))
    return target


def _offer_file(offers: list[Path], key: str) -> Path:
    matches = [path for path in offers if path.stem == key]
    if not matches:
        raise UsageError(f'no offer with key "{key}" in {OFFERS_DIR}/')
    if len(matches) > 1:
        names = ", ".join(str(path) for path in matches)
        raise UsageError(f'key "{key}" is used by several files ({names}); fix that first')
    return matches[0]


def _rekeyed(match: re.Match[str], new_key: str) -> str:
    """The key line with the new key; a trailing comment keeps its column when it can."""
    quote, rest = match.group("quote"), match.group("rest")
    head = f"key: {quote}{new_key}{quote}"
    comment = rest.lstrip(" \t")
    if not comment.startswith("#"):
        return head + rest
    column = match.start("rest") + len(rest) - len(comment)
    return head + " " * max(1, column - len(head)) + comment


def clone_text(text: str, key: str, new_key: str, name: str = "the offer") -> str:
    """The offer's text with ``key:`` set to ``new_key``, ``id:`` removed, lifecycle active.

    Only top-level ``key:`` and ``id:`` lines and a ``lifecycle: expired`` line are touched;
    comments (also on the key line), quoting, order and line endings stay as they were.
    """
    lines = text.splitlines(keepends=True)
    result: list[str] = []
    replaced = False
    for line in lines:
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        match = _KEY_LINE.match(body)
        if match and match.group("key") == key and not replaced:
            result.append(_rekeyed(match, new_key) + ending)
            replaced = True
        elif _ID_LINE.match(body) or _EXPIRED_LINE.match(body):
            continue
        else:
            result.append(line)
    if not replaced:
        raise UsageError(
            f'{name} has no top-level line "key: {key}"; copy it by hand and set the key'
        )
    return "".join(result)
