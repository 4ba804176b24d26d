"""Find the repository (the directory of offerops.yaml) and the offer files in it."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

from offerops.errors import ConfigError, UsageError

CONFIG_NAME = "offerops.yaml"
OFFERS_DIR = "offers"
OFFER_SUFFIXES = (".yaml", ".yml")
TODAY_ENV = "OFFEROPS_TODAY"


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` that holds offerops.yaml."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / CONFIG_NAME).is_file():
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


def offer_relpaths(root: Path) -> list[str]:
    """Repo-relative paths of every offer file under ``offers/``, sorted.

    Strings, not Path objects: a 10,000-offer repository is listed on every pull request, and
    building Paths for all of them costs more than the walk itself.
    """
    base = os.path.join(str(root), OFFERS_DIR)
    start = len(str(root)) + 1
    found: list[str] = []
    for current, dirs, files in os.walk(base):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        folder = current[start:].replace(os.sep, "/")
        found.extend(
            f"{folder}/{name}"
            for name in files
            if name.endswith(OFFER_SUFFIXES) and not name.startswith(".")
        )
    return sorted(found)


def discover_offers(root: Path, paths: Iterable[Path] = ()) -> list[Path]:
    """Offer files under ``paths`` (files or directories), default ``offers/``; sorted, unique.

    Explicitly named files are taken whatever their suffix, so a typo in a name is reported rather
    than silently skipped; directories are searched for ``*.yaml`` and ``*.yml``.
    """
    if not paths:
        return [root / relative for relative in offer_relpaths(root)]
    targets = [target.resolve() for target in paths]
    found: set[Path] = set()
    for target in targets:
        if target.is_dir():
            found.update(_walk(target))
        elif target.is_file():
            found.add(target)
        elif not paths:
            continue
        else:
            raise UsageError(f"no such file or directory: {target}")
    return sorted(found)


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
