#!/usr/bin/env python3
"""Project tasks that work on a fresh machine with only Python 3.11+ and git.

    python3 tasks.py demo     # set up .venv; lint, plan, apply the example offers, plan again
    python3 tasks.py test     # set up .venv with test tools, run the test suite
    python3 tasks.py static   # ruff, ruff format --check, mypy --strict, schema and docs checks
    python3 tasks.py check    # test + static: what CI runs (.ci/run)

The virtual environment is created once in .venv and refreshed when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".offerops-installed"


def run(*command: str | Path, check: bool = True) -> int:
    """Run a command from the project root, echoing it first."""
    printable = " ".join(str(part) for part in command)
    print(f"$ {printable}", flush=True)
    return subprocess.run([str(part) for part in command], cwd=ROOT, check=check).returncode


def ensure_venv() -> None:
    """Create .venv and install offerops with its dev extras, unless already current."""
    if sys.version_info < (3, 11):  # noqa: UP036  (tasks.py runs before any venv exists)
        sys.exit(f"offerops needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.is_file() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=False).create(VENV)
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(wanted)


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


TASKS = {"demo": demo, "test": test, "static": static, "check": check}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in TASKS:
        sys.exit(f"usage: python3 tasks.py {{{','.join(TASKS)}}} [pytest args]")
    sys.exit(TASKS[sys.argv[1]]())
