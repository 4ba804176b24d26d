"""Benchmarks: offerops against what a user would run instead, measured in the same run.

    python benchmarks/run.py              # lint at 1,000 and 10,000 offers, plan/apply
    python benchmarks/run.py --quick      # 1,000 offers only, fewer apply offers
    python benchmarks/run.py --write      # also write benchmarks/RESULTS.md

Every number is a ratio of two things measured here, one after the other, so a slow or noisy
machine changes both sides alike. Nothing here runs in the unit-test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

TODAY = "2026-11-23"
FLOOR = """
import sys
from pathlib import Path
from ruamel.yaml import YAML
yaml = YAML(typ="safe", pure=False)
for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    yaml.load(path.read_bytes())
"""


@dataclass
class Row:
    """One line of the results table."""

    what: str
    measured: str
    baseline: str
    ratio: float
    target: str
    met: bool


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    """Wall time of a command, best of 3 (the first run also warms the disk cache)."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def lint_rows(size: int, work: Path) -> list[Row]:
    repo = generate(work / f"repo-{size}", size)
    env = {**os.environ, "OFFEROPS_TODAY": TODAY}
    offerops = timed([str(BIN / "offerops"), "lint", "--format", "json"], repo, env)
    floor = timed([sys.executable, "-c", FLOOR, str(repo / "offers")], repo)
    schema = str(PROJECT / "schemas" / "offer.schema.json")
    files = sorted(str(p) for p in (repo / "offers").glob("*.yaml"))
    checker = timed([str(BIN / "check-jsonschema"), "--schemafile", schema, *files], repo)
    return [
        Row(
            f"lint {size:,} offers vs C-loader floor",
            f"{offerops:.2f} s",
            f"{floor:.2f} s",
            offerops / floor,
            "<= 2.0x",
            offerops / floor <= 2.0,
        ),
        Row(
            f"lint {size:,} offers vs check-jsonschema",
            f"{offerops:.2f} s",
            f"{checker:.2f} s",
            checker / offerops,
            ">= 3.0x faster",
            checker / offerops >= 3.0,
        ),
    ]


SECTIONS: dict[str, Callable[[argparse.Namespace, Path], list[Row]]] = {}


def section(
    name: str,
) -> Callable[
    [Callable[[argparse.Namespace, Path], list[Row]]],
    Callable[[argparse.Namespace, Path], list[Row]],
]:
    def register(
        function: Callable[[argparse.Namespace, Path], list[Row]],
    ) -> Callable[[argparse.Namespace, Path], list[Row]]:
        SECTIONS[name] = function
        return function

    return register


@section("lint")
def lint_section(args: argparse.Namespace, work: Path) -> list[Row]:
    sizes = [1000] if args.quick else [1000, 10000]
    return [row for size in sizes for row in lint_rows(size, work)]


def table(rows: list[Row]) -> str:
    lines = [
        "| benchmark | offerops | baseline | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        mark = "yes" if row.met else "NO"
        lines.append(
            f"| {row.what} | {row.measured} | {row.baseline} | {row.ratio:.2f}x | {row.target} | {mark} |"
        )
    return "\n".join(lines)


def machine() -> str:
    return f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description="offerops benchmarks")
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append", help="run a section")
    parser.add_argument("--write", action="store_true", help="write benchmarks/RESULTS.md")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="offerops-bench-"))
    rows: list[Row] = []
    try:
        for name in args.only or list(SECTIONS):
            print(f"running {name} ...", flush=True)
            rows.extend(SECTIONS[name](args, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report = table(rows)
    print(report)
    if args.write:
        command = "python benchmarks/run.py " + " ".join(sys.argv[1:])
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        text = (
            "# Benchmark results\n\n"
            f"- date: {stamp}\n- machine: {machine()}\n- command: `{command.strip()}`\n\n"
            f"{report}\n"
        )
        (HERE / "RESULTS.md").write_text(text)
        print(json.dumps({"written": str(HERE / "RESULTS.md")}))
    return 0 if all(row.met for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
