"""Files on disk: written atomically, and read safely when a pull request controls them.

A crash or Ctrl-C never leaves a half-written schema, plan or offer; a symlink, FIFO or device in
a pull request never makes offerops read outside the repository, block, or read without end.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, fsync it, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        if error.filename is None:  # a failed write() (e.g. a full disk) names no file
            error.filename = str(path)
        raise
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- reading files a pull request controls --------------------------------------------------------
#
# Offer files, offerops.yaml and legal documents come from pull requests, also from forks. A
# symlink in one of them may point anywhere on the CI runner, and a FIFO or a device would block
# the run or never end. So they are read only through these helpers: the path is resolved one
# component at a time without touching anything outside the repository, only regular files are
# opened, and never more than a size limit.

MAX_SYMLINKS = 40
"""Symlinks followed for one path before it counts as a loop (Linux's own limit)."""

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # never block on a FIFO swapped in after the check
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
"""For resolved paths: never open a symlink swapped in after resolution."""


class OutsideRepository(Exception):
    """A path, or a symlink on its way, leaves the repository; nothing outside was touched."""


class NotRegularFile(Exception):
    """The path is a directory, FIFO, device or socket: it is not opened (or not read)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class FileTooLarge(Exception):
    """The file has more bytes than the caller's limit; at most ``limit + 1`` bytes were read."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"{size} bytes, more than {limit}")
        self.size = size
        self.limit = limit


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISLNK, "a symbolic link"),
)


def file_kind(mode: int) -> str:
    """What a non-regular file is, for messages: "a FIFO (named pipe)", "a directory", ..."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def _parts(path: str) -> list[str]:
    """The components of a POSIX path, without empty and ``.`` ones."""
    return [part for part in path.split("/") if part not in ("", ".")]


def _under_root(root_parts: list[str], target: str) -> list[str]:
    """An absolute symlink target's components below the root, if it lies under it.

    Compared by components, so nothing outside is stat-ed; an absolute link back into the
    repository is then followed like a relative one (a ``..`` after the root's components is
    resolved by the walk, against real directories).
    """
    parts = _parts(target)
    if parts[: len(root_parts)] != root_parts:
        raise OutsideRepository
    return parts[len(root_parts) :]


def resolve_inside(root: Path, relative: str) -> tuple[Path, os.stat_result]:
    """Resolve ``relative`` under ``root`` without ever stat-ing a path outside it.

    ``root`` must be absolute and resolved. Each component is lstat-ed while the path so far is
    inside the repository; a symlink is replaced by its target, and ``..`` at the root or an
    absolute target elsewhere raises :class:`OutsideRepository`. Returns the resolved path (no
    symlink in it) and its lstat. Raises ``OSError`` for missing components and loops.

    Strings, not Path objects: this runs for each of 10,000 offer files on every lint.
    """
    if not root.is_absolute():
        raise ValueError(f"the repository root must be absolute, got {root}")
    if relative.startswith("/"):
        raise OutsideRepository
    base = str(root).rstrip("/")
    pending = _parts(relative)[::-1]  # a stack: the next component is last
    below: list[str] = []
    info: os.stat_result | None = None
    links = 0
    while pending:
        part = pending.pop()
        if part == "..":
            if not below:
                raise OutsideRepository
            below.pop()
            info = None
            continue
        candidate = "/".join([base, *below, part])
        candidate_info = os.lstat(candidate)
        if not stat.S_ISLNK(candidate_info.st_mode):
            below.append(part)
            info = candidate_info
            continue
        links += 1
        if links > MAX_SYMLINKS:
            raise OSError(errno.ELOOP, "too many levels of symbolic links")
        target = os.readlink(candidate)
        if target.startswith("/"):
            below, rest = [], _under_root(_parts(base), target)
        else:
            rest = _parts(target)
        pending.extend(reversed(rest))
    path = "/".join([base, *below]) if below else base or "/"
    return Path(path), info if info is not None else os.stat(path)


def read_inside(root: Path, relative: str, limit: int) -> bytes:
    """The bytes of the regular file ``relative`` inside ``root`` (resolved), at most ``limit``.

    Raises :class:`OutsideRepository`, :class:`NotRegularFile` (checked before opening),
    :class:`FileTooLarge`, or ``OSError``.
    """
    real, info = resolve_inside(root, relative)
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(file_kind(info.st_mode))
    return _read_checked(real, info, limit, _OPEN_FLAGS | _NOFOLLOW)


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of ``path`` if it is a regular file (symlinks followed), at most ``limit``.

    For paths the user named outside any repository; same errors as :func:`read_inside`.
    """
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(file_kind(info.st_mode))
    return _read_checked(path, info, limit, _OPEN_FLAGS)


def _read_checked(path: Path, info: os.stat_result, limit: int, flags: int) -> bytes:
    """Open non-blocking, make sure it is still the regular file that was checked, read.

    One read of the size stat reported (plus one byte, to notice a file that grew since), and
    more only up to ``limit + 1`` bytes.
    """
    if info.st_size > limit:
        raise FileTooLarge(info.st_size, limit)
    descriptor = os.open(path, flags)
    try:
        opened = os.fstat(descriptor)
        if not stat.S_ISREG(opened.st_mode):
            raise NotRegularFile(file_kind(opened.st_mode))
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            raise OSError(errno.ESTALE, "the file was replaced while it was being read")
        data = os.read(descriptor, info.st_size + 1)
        if len(data) > info.st_size:  # it grew: read on, but never past the limit
            chunks, total = [data], len(data)
            while total <= limit and (chunk := os.read(descriptor, limit + 1 - total)):
                chunks.append(chunk)
                total += len(chunk)
            data = b"".join(chunks)
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise FileTooLarge(len(data), limit)
    return data
