"""Find the repository (the directory of offerops.yaml) and the offer files in it."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath

from offerops.errors import ConfigError, UsageError
from offerops.fileio import OutsideRepository, file_kind, resolve_inside

CONFIG_NAME = "offerops.yaml"
OFFERS_DIR = "offers"
OFFER_SUFFIXES = (".yaml", ".yml")
TODAY_ENV = "OFFEROPS_TODAY"


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` that holds offerops.yaml."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if os.path.lexists(directory / CONFIG_NAME):  # a FIFO or a link out is reported by lint
            return directory
    raise ConfigError(
        f"no {CONFIG_NAME} found in {start} or any parent directory",
        hint="run offerops inside an offers repository, or pass --root",
    )


def relpath(root: Path, path: Path) -> str:
    """The repo-relative POSIX path findings and plans show (``root`` is already resolved)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def offers_dir_problem(root: Path) -> str | None:
    """Why ``offers/`` cannot be listed, or None (also when it does not exist: no offers yet).

    ``offers/`` may be a symbolic link, but only to a directory inside the repository: listing a
    directory outside it would lint (and quote) files that are not in the pull request.
    """
    try:
        _, info = resolve_inside(root.resolve(), OFFERS_DIR)
    except OutsideRepository:
        return (
            f"{OFFERS_DIR}/ is a symbolic link (or under one) that leads outside the repository; "
            "it is not read: keep the offers in the repository"
        )
    except FileNotFoundError:
        return None
    except OSError as error:
        return f"{OFFERS_DIR}/ cannot be read: {error.strerror or error}"
    if not stat.S_ISDIR(info.st_mode):
        return f"{OFFERS_DIR} is {file_kind(info.st_mode)}, not a directory; it is not read"
    return None


def offer_relpaths(root: Path) -> list[str]:
    """Repo-relative paths of every offer file under ``offers/``, sorted.

    Strings, not Path objects: a 10,000-offer repository is listed on every pull request, and
    building Paths for all of them costs more than the walk itself. Subdirectories that are
    symbolic links are not entered; one named like an offer file is listed, so that lint reports
    it rather than skipping it silently. ``root`` must be resolved.
    """
    if offers_dir_problem(root) is not None:
        return []
    base = os.path.join(str(root), OFFERS_DIR)
    start = len(str(root)) + 1
    found: list[str] = []
    for current, dirs, files in os.walk(base):
        linked = [
            d for d in dirs if d.endswith(OFFER_SUFFIXES) and os.path.islink(f"{current}/{d}")
        ]
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in linked]
        folder = current[start:].replace(os.sep, "/")
        found.extend(
            f"{folder}/{name}"
            for name in (*files, *linked)
            if name.endswith(OFFER_SUFFIXES) and not name.startswith(".")
        )
    return sorted(found)


def discover_offers(root: Path, paths: Iterable[Path] = ()) -> list[Path]:
    """Offer files under ``paths`` (files or directories), default ``offers/``; sorted, unique.

    Explicitly named files are taken whatever their suffix (and whatever they are: lint reports
    a FIFO or a link out of the repository), so a typo in a name is reported rather than
    silently skipped; directories are searched for ``*.yaml`` and ``*.yml``. Paths are made
    absolute lexically, not resolved, so that a symbolic link is judged by lint where it is.
    """
    if not paths:
        return [root / relative for relative in offer_relpaths(root)]
    found: set[Path] = set()
    for target in (Path(os.path.abspath(path)) for path in paths):
        if not os.path.lexists(target):
            raise UsageError(f"no such file or directory: {target}")
        if target.is_dir() and not target.is_symlink():
            found.update(_walk(target))
        elif target.is_dir():
            found.update(_walk(_inside_or_refuse(root, target)))
        else:
            found.add(target)
    return sorted(found)


def _inside_or_refuse(root: Path, directory: Path) -> Path:
    """A symlinked directory named on the command line, if it stays in the repository."""
    relative = relpath(root, directory)
    if os.path.isabs(relative):
        return directory  # outside the repository altogether: the user's own choice
    try:
        resolve_inside(root.resolve(), relative)
    except (OutsideRepository, OSError):
        raise UsageError(
            f"{relative} is a symbolic link that leads outside the repository; not read"
        ) from None
    return directory


def _walk(directory: Path) -> Iterable[Path]:
    for current, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.endswith(OFFER_SUFFIXES) and not name.startswith("."):
                yield Path(current, name)


def resolve_today(option: str | None) -> date:
    """``--today``, else ``$OFFEROPS_TODAY``, else today's UTC date: date rules are reproducible."""
    value = option or os.environ.get(TODAY_ENV)
    if not value:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        source = "--today" if option else f"${TODAY_ENV}"
        raise UsageError(f"{source} must be a date like 2027-01-31, got {value!r}") from None


def posix(path: str) -> str:
    """A repository path without ``./`` and with forward slashes: how lint, git and offer files
    name the same file."""
    return PurePosixPath(path.replace("\\", "/")).as_posix().removeprefix("./")
