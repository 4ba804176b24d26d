"""Reproduce the field failures of issue 10 and print what offerops says and exits with.

Each scenario runs ``offerops`` as a process on a copy of the example repository: an
unreachable endpoint, a missing AWS profile, a corrupt or locked emulator database, a full or
read-only disk (tiny tmpfs mounts: needs root and ``mount``; skipped otherwise), a missing or
broken offerops.yaml, and ``lint --changed-since`` without git. None of them may end in exit 3
("internal error"). Run: ``.venv/bin/python benchmarks/exit_codes.py``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "OFFEROPS_TODAY": "2026-11-23", "NO_COLOR": "1"}


def example(base: Path, name: str) -> Path:
    root = base / name
    root.mkdir()
    shutil.copy(PROJECT / "offerops.yaml", root / "offerops.yaml")
    shutil.copytree(PROJECT / "offers", root / "offers")
    shutil.copytree(PROJECT / "legal", root / "legal")
    return root


def backend(root: Path, text: str) -> None:
    config = root / "offerops.yaml"
    config.write_text(config.read_text().split("backend:")[0] + "backend:\n" + text)


def offerops(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "offerops", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env=env or ENV,
    )
    lines = [line for line in done.stderr.splitlines() if line.startswith("offerops:")]
    return done.returncode, (lines[-1] if lines else done.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def tmpfs(directory: Path, size: str = "64k", read_only: bool = False) -> Iterator[bool]:
    """A tiny tmpfs at ``directory`` (True), or False where mounting is not possible."""
    directory.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    if shutil.which("mount") is None or os.geteuid() != 0:
        yield False
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(directory)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        yield False
        return
    try:
        yield True
    finally:
        subprocess.run(["umount", str(directory)], check=False)


def fill(directory: Path) -> None:
    """Write until the device is full."""
    with contextlib.suppress(OSError), (directory / "filler").open("wb") as handle:
        while True:
            handle.write(b"\0" * 4096)
            handle.flush()


@contextlib.contextmanager
def served(base: Path, root: Path) -> Iterator[str]:
    """The example marketplace served over HTTP from this process, its database in ``base``."""
    from offerops.emulator.cli import load_config
    from offerops.emulator.engine import Marketplace
    from offerops.emulator.seeding import seed_repository
    from offerops.emulator.server import running_server

    config = load_config(root / "offerops.yaml")
    market = Marketplace(base / f"served-{root.name}.sqlite")
    seed_repository(market, config)
    with running_server(market) as server:
        yield server.url


def unreachable(base: Path) -> tuple[int, str]:
    root = example(base, "unreachable")
    backend(root, "  kind: http\n  endpoint: http://127.0.0.1:9\n")
    return offerops(root, "plan")


def missing_profile(base: Path) -> tuple[int, str]:
    root = example(base, "profile")
    backend(root, "  kind: aws\n  profile: no-such-profile\n")
    return offerops(root, "plan")


def corrupt_database(base: Path) -> tuple[int, str]:
    root = example(base, "corrupt")
    offerops(root, "plan")
    (root / ".offerops" / "marketplace.sqlite").write_bytes(b"garbage" * 1000)
    return offerops(root, "plan")


def locked_database(base: Path) -> tuple[int, str]:
    root = example(base, "locked")
    offerops(root, "plan")
    holder = sqlite3.connect(root / ".offerops" / "marketplace.sqlite")
    try:
        holder.execute("BEGIN EXCLUSIVE")
        return offerops(root, "apply", "--yes")
    finally:
        holder.close()


def full_disk_database(base: Path) -> tuple[int, str]:
    root = example(base, "fulldb")
    with tmpfs(root / ".offerops") as mounted:
        if not mounted:
            return -1, "skipped: cannot mount a tmpfs here"
        fill(root / ".offerops")
        return offerops(root, "apply", "--yes")


def full_disk_state(base: Path) -> tuple[int, str]:
    """The marketplace is remote; .offerops (index, log) is on a full disk: apply succeeds."""
    root = example(base, "fullstate")
    with served(base, root) as url, tmpfs(root / ".offerops") as mounted:
        if not mounted:
            return -1, "skipped: cannot mount a tmpfs here"
        backend(root, f"  kind: http\n  endpoint: {url}\n")
        fill(root / ".offerops")
        return offerops(root, "apply", "--yes")


def read_only_state(base: Path) -> tuple[int, str]:
    root = example(base, "readonly")
    with served(base, root) as url, tmpfs(root / ".offerops", read_only=True) as mounted:
        if not mounted:
            return -1, "skipped: cannot mount a tmpfs here"
        backend(root, f"  kind: http\n  endpoint: {url}\n")
        return offerops(root, "apply", "--yes")


def missing_config(base: Path) -> tuple[int, str]:
    root = example(base, "noconfig")
    (root / "offerops.yaml").unlink()
    return offerops(root, "plan")


def broken_config(base: Path) -> tuple[int, str]:
    root = example(base, "brokenconfig")
    (root / "offerops.yaml").write_text("apiVersion: [\n")
    return offerops(root, "status")


def broken_config_detailed(base: Path) -> tuple[int, str]:
    root = example(base, "brokendetailed")
    (root / "offerops.yaml").write_text("apiVersion: [\n")
    return offerops(root, "plan", "--detailed-exitcode")


def no_git(base: Path) -> tuple[int, str]:
    root = example(base, "nogit")
    empty = base / "empty-path"
    empty.mkdir()
    return offerops(root, "lint", "--changed-since", "HEAD", env={**ENV, "PATH": str(empty)})


def root_after_command(base: Path) -> tuple[int, str]:
    root = example(base, "rootafter")
    return offerops(base, "status", "--root", str(root))


SCENARIOS: dict[str, Callable[[Path], tuple[int, str]]] = {
    "plan, http endpoint on a closed port": unreachable,
    "plan, aws backend with a missing profile": missing_profile,
    "plan, corrupt marketplace.sqlite": corrupt_database,
    "apply, marketplace.sqlite locked by another process": locked_database,
    "apply, marketplace.sqlite on a full disk": full_disk_database,
    "apply (http), .offerops on a full disk": full_disk_state,
    "apply (http), .offerops read-only": read_only_state,
    "plan, no offerops.yaml": missing_config,
    "status, broken offerops.yaml": broken_config,
    "plan --detailed-exitcode, broken offerops.yaml": broken_config_detailed,
    "lint --changed-since, no git on PATH": no_git,
    "status --root DIR (after the command)": root_after_command,
}


def main() -> int:
    bugs = 0
    with tempfile.TemporaryDirectory() as directory:
        for name, scenario in SCENARIOS.items():
            code, message = scenario(Path(directory))
            bugs += code == 3
            print(f"{code:>3}  {name:<52} {message[:150]}")
    print(f"\n{bugs} scenario(s) ended as an internal error (exit 3)")
    return 1 if bugs else 0


if __name__ == "__main__":
    sys.exit(main())
