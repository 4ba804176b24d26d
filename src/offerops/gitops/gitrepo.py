"""Open the git repository around an offers repository and read files at a base revision.

Everything that touches git goes through here, so error messages for a missing repository or an
unknown revision read the same from every command.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from offerops.errors import UsageError

if TYPE_CHECKING:
    from git import Repo


@dataclass(frozen=True)
class GitView:
    """An offers repository inside a git work tree: where it sits, and the base revision."""

    repo: Repo
    prefix: str
    """The offers repository's path inside the work tree (``""`` at the top, else ``a/b/``)."""
    base: str
    """The commit compared with: the merge base of REF and HEAD (what a pull request changes)."""
    ref: str

    def to_root(self, toplevel_path: str) -> str | None:
        """A work-tree path as a path relative to the offers repository, or None when outside."""
        if not toplevel_path.startswith(self.prefix):
            return None
        return toplevel_path[len(self.prefix) :]

    def read_at_base(self, relpath: str, limit: int = 30 * 1024 * 1024) -> bytes | None:
        """The exact bytes of ``relpath`` (relative to the offers repository) at the base commit;
        None when it is not a file there or is larger than ``limit``.

        Read from the blob, byte for byte: ``git show`` through GitPython strips the trailing
        newline, and a document whose hash then never matches looks changed (OFR222).
        """
        try:
            blob = self.repo.commit(self.base).tree / f"{self.prefix}{relpath}"
        except (KeyError, ValueError):
            return None
        if blob.type != "blob" or blob.size > limit:
            return None
        data: bytes = blob.data_stream.read()
        return data


@contextmanager
def open_view(root: Path, ref: str) -> Iterator[GitView]:
    """Open the git repository holding ``root`` and resolve ``ref``; closed on exit.

    Raises UsageError (exit 2) for a directory outside git or a revision git does not know.
    """
    repo = _open_repo(root)
    try:
        base = _resolve_base(repo, ref)
        toplevel = Path(str(repo.working_tree_dir)).resolve()
        inside = root.resolve().relative_to(toplevel).as_posix()
        prefix = "" if inside == "." else f"{inside}/"
        yield GitView(repo=repo, prefix=prefix, base=base, ref=ref)
    finally:
        repo.close()


def work_tree_prefix(root: Path) -> str:
    """The offers repository's path inside its git work tree: ``""`` at the top, else ``a/b/``.

    Annotations and code scanning resolve paths against the git root, while findings are
    relative to the directory of offerops.yaml, which may be a subdirectory (the action's
    ``working-directory``). Found by walking up to the nearest ``.git`` (a directory, or the
    file a worktree or submodule has), so plain ``offerops lint`` needs no git executable.
    Outside any work tree the prefix is ``""``.
    """
    root = root.resolve()
    for directory in (root, *root.parents):
        if (directory / ".git").exists():
            inside = root.relative_to(directory).as_posix()
            return "" if inside == "." else f"{inside}/"
    return ""


def _no_git() -> UsageError:
    return UsageError(
        "git is not installed (no git executable on PATH); --changed-since compares with git "
        "history",
        hint="install git, set GIT_PYTHON_GIT_EXECUTABLE to its path, or lint without "
        "--changed-since",
    )


def _open_repo(root: Path) -> Repo:
    """The repository around ``root``; UsageError when git itself is missing.

    GitPython looks for the git executable when it is first imported and raises ImportError
    when there is none, so the import is part of what can fail here.
    """
    try:
        import git
    except ImportError:
        raise _no_git() from None
    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise UsageError(
            f"{root} is not inside a git repository; --changed-since compares with git history",
            hint="run it in a clone of the offers repository, or lint without --changed-since",
        ) from None
    except git.GitCommandNotFound:
        raise _no_git() from None


def _resolve_base(repo: Repo, ref: str) -> str:
    """The merge base of ``ref`` and HEAD, or ``ref`` itself when HEAD has no common history."""
    from git import GitCommandError

    if ref.startswith("-"):
        raise UsageError(f'"{ref}" is not a git revision')
    try:
        commit: str = repo.git.rev_parse("--verify", "--quiet", f"{ref}^{{commit}}")
    except GitCommandError:
        raise UsageError(
            f'unknown git revision "{ref}"',
            hint="fetch it first (git fetch origin main); in GitHub Actions check out with "
            "fetch-depth: 0",
        ) from None
    try:
        base: str = repo.git.merge_base(commit, "HEAD")
    except GitCommandError:  # unrelated histories, or no HEAD yet: compare with REF itself
        return commit
    return base.strip() or commit
