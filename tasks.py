#!/usr/bin/env python3
"""Project tasks that work on a fresh machine with only Python 3.11+ and git.

    python3 tasks.py demo     # set up .venv; lint, plan, apply the example offers, plan again
    python3 tasks.py test     # set up .venv with test tools, run the test suite
    python3 tasks.py static   # ruff, ruff format --check, mypy --strict, schema and docs checks
    python3 tasks.py check    # test + static: what CI runs (.ci/run)
    python3 tasks.py lock     # refresh constraints.txt: the newest releases pyproject.toml allows
    python3 tasks.py latest   # run the tests against the newest releases, ignoring the lock

The virtual environment is created once in .venv and refreshed when pyproject.toml or
constraints.txt changes. It installs exactly the versions in constraints.txt (the lock), so a test
run is the same on every machine until someone refreshes the lock on purpose; pyproject.toml keeps
open version ranges for users, and `latest` checks that those ranges still work today.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".offerops-installed"
LOCK = ROOT / "constraints.txt"
LATEST = ROOT / ".venv-latest"
EXTRAS = ".[dev]"
# offerops itself; setuptools only builds it (in pip's isolated build environment, which a lock
# does not reach), and the copy venv leaves behind is older than the build needs.
_NOT_LOCKED = ("--exclude", "offerops", "--exclude", "setuptools", "--exclude", "wheel")
LOCK_HEADER = """\
# The lock: exact versions for tests and static checks (CI and `python3 tasks.py test`).
# Users get the open ranges of pyproject.toml; this file only pins what our checks run on.
# Refresh on purpose with `python3 tasks.py lock` (the newest releases the ranges allow),
# run `python3 tasks.py check`, and commit the result with the versions that moved.
"""


def run(*command: str | Path, check: bool = True) -> int:
    """Run a command from the project root, echoing it first."""
    printable = " ".join(str(part) for part in command)
    print(f"$ {printable}", flush=True)
    return subprocess.run([str(part) for part in command], cwd=ROOT, check=check).returncode


def ensure_venv() -> None:
    """Create .venv and install offerops with its dev extras at the locked versions, unless
    already current (the stamp is a hash of pyproject.toml and the lock)."""
    if sys.version_info < (3, 11):  # noqa: UP036  (tasks.py runs before any venv exists)
        sys.exit(f"offerops needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    inputs = (ROOT / "pyproject.toml").read_bytes() + LOCK.read_bytes()
    wanted = hashlib.sha256(inputs).hexdigest()
    if STAMP.is_file() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    pip = (BIN / "python", "-m", "pip", "install", "--quiet", "--constraint", LOCK)
    run(*pip, "pip")
    run(*pip, "-e", EXTRAS)
    STAMP.write_text(wanted)


def _fresh_venv(path: Path) -> Path:
    """A new virtual environment at ``path`` (replacing one left there) with the newest pip."""
    print(f"creating {path}", flush=True)
    venv.EnvBuilder(with_pip=True, clear=True).create(path)
    python = path / BIN.name / "python"
    run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    return python


def lock() -> int:
    """Resolve the newest releases that pyproject.toml allows and write them to the lock."""
    with tempfile.TemporaryDirectory(prefix="offerops-lock-") as scratch:
        python = _fresh_venv(Path(scratch) / "venv")
        run(python, "-m", "pip", "install", "--quiet", EXTRAS)
        frozen = subprocess.run(
            [str(python), "-m", "pip", "freeze", "--all", *_NOT_LOCKED],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    pins = sorted(
        (line for line in frozen.splitlines() if "==" in line and " @ " not in line),
        key=str.lower,
    )
    LOCK.write_text(LOCK_HEADER + "\n".join(pins) + "\n")
    print(f"wrote {LOCK.name} ({len(pins)} pins); run `python3 tasks.py check` and commit it")
    return 0


def latest() -> int:
    """The tests against the newest releases within pyproject.toml's ranges (no lock): the
    early warning that a new release of a dependency breaks offerops for users."""
    python = _fresh_venv(LATEST)
    run(python, "-m", "pip", "install", "--quiet", "--upgrade", "-e", EXTRAS)
    run(python, "-m", "pip", "list", "--format=freeze", check=False)
    return run(python, "-m", "pytest", *sys.argv[2:], check=False)


def demo() -> int:
    """The main job on the example repository, on the embedded emulator (.offerops/):
    lint the offers, plan, apply, and plan again to show that nothing is left to do."""
    ensure_venv()
    offerops = BIN / "offerops"
    for step in (("lint",), ("plan",), ("apply", "--yes"), ("plan", "--detailed-exitcode")):
        status = run(offerops, *step, check=False)
        if status != 0:
            print(f"offerops {step[0]} exited {status}", file=sys.stderr)
            return status
    return 0


def test() -> int:
    ensure_venv()
    return run(BIN / "python", "-m", "pytest", *sys.argv[2:], check=False)


def static() -> int:
    ensure_venv()
    steps = [
        (BIN / "ruff", "check", "src", "tests", "tasks.py", "benchmarks"),
        (BIN / "ruff", "format", "--check", "src", "tests", "tasks.py", "benchmarks"),
        (BIN / "mypy", "--strict", "src"),
        (BIN / "offerops", "schema", "--check"),
    ]
    failed = [step for step in steps if run(*step, check=False) != 0]
    for step in failed:
        print(f"FAILED: {' '.join(str(part) for part in step)}", file=sys.stderr)
    return 1 if failed else 0


def check() -> int:
    return max(test(), static())


TASKS = {
    "demo": demo,
    "test": test,
    "static": static,
    "check": check,
    "lock": lock,
    "latest": latest,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in TASKS:
        sys.exit(f"usage: python3 tasks.py {{{','.join(TASKS)}}} [pytest args]")
    sys.exit(TASKS[sys.argv[1]]())
