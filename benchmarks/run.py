"""Benchmarks: offerops against what a user would run instead, measured in the same run.

    python benchmarks/run.py              # lint at 1,000 and 10,000 offers; apply and plan
                                          # against the request quotas (quota_speed.py)
    python benchmarks/run.py --quick      # smaller sizes
    python benchmarks/run.py --write      # also write benchmarks/RESULTS.md

Every number is a ratio of two things measured here, one after the other, so a slow or noisy
machine changes both sides alike. Nothing here runs in the unit-test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
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


@section("changed")
def changed_section(args: argparse.Namespace, work: Path) -> list[Row]:
    """One changed offer in a large git repository: what every pull request runs."""
    size = 1000 if args.quick else 10000
    repo = generate(work / f"git-{size}", size)
    env = {**os.environ, "OFFEROPS_TODAY": TODAY}
    git = ["git", "-c", "user.email=bench@example.com", "-c", "user.name=bench"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "offers"], cwd=repo, check=True)
    changed = repo / "offers" / "offer-00042.yaml"
    changed.write_text(changed.read_text().replace("for benchmarks", "for a pull request"))
    command = [str(BIN / "offerops"), "lint", "--changed-since", "HEAD"]
    seconds = timed(command, repo, env)
    return [
        Row(
            f"lint --changed-since, 1 changed of {size:,} offers (incl. process start)",
            f"{seconds:.2f} s",
            "1.00 s",
            seconds / 1.0,
            "< 1 s",
            seconds < 1.0,
        )
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def served(repo: Path, db: Path, *options: str) -> Iterator[str]:
    """An emulator server on loopback for ``repo`` (products seeded), stopped afterwards."""
    offerops = str(BIN / "offerops")
    subprocess.run(
        [offerops, "emulator", "seed", "--db", str(db), "--config", str(repo / "offerops.yaml")],
        check=True,
        capture_output=True,
    )
    port = free_port()
    command = [offerops, "emulator", "serve", "--port", str(port), "--db", str(db), *options]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def http_repo(work: Path, name: str, offers: int) -> Path:
    repo = generate(work / name, offers)
    config = repo / "offerops.yaml"
    config.write_text(config.read_text() + "backend:\n  kind: http\n  endpoint: ENDPOINT\n")
    return repo


def point_at(repo: Path, url: str) -> None:
    config = repo / "offerops.yaml"
    text = config.read_text()
    start = text.index("  endpoint: ")
    config.write_text(text[:start] + f"  endpoint: {url}\n")


@section("apply")
def apply_section(args: argparse.Namespace, work: Path) -> list[Row]:
    """Apply against the limits of AWS's request quotas (benchmarks/quota_speed.py)."""
    from quota_speed import served_rows, virtual_rows

    return served_rows(work, args.quick) + virtual_rows(work, args.quick)


@section("plan")
def plan_section(args: argparse.Namespace, work: Path) -> list[Row]:
    """Plan's API calls on a fresh CI runner with the key index restored (quota_speed.py)."""
    from quota_speed import plan_rows

    return plan_rows(work, args.quick)


def table(rows: list[Row]) -> str:
    lines = [
        "| benchmark | offerops | baseline | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        mark = "yes" if row.met else "NO"
        cells = [row.what, row.measured, row.baseline, f"{row.ratio:.2f}x", row.target, mark]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


KEPT_FROM = "## What each row measures"
"""``--write`` replaces the table above this heading; the sections from it on are kept."""


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
        results = HERE / "RESULTS.md"
        previous = results.read_text() if results.is_file() else ""
        kept = previous[previous.find(KEPT_FROM) :] if KEPT_FROM in previous else ""
        results.write_text(text + ("\n" + kept if kept else ""))
        print(json.dumps({"written": str(HERE / "RESULTS.md")}))
    return 0 if all(row.met for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
