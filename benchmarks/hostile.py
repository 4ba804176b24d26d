"""Hostile input: what a pull request from a fork can put in front of `offerops lint` in CI.

    python benchmarks/hostile.py                 # every case
    python benchmarks/hostile.py --only fifo     # cases whose name contains "fifo"
    python benchmarks/hostile.py --markdown      # the table as Markdown (for RESULTS.md)

Each case builds a copy of the example repository in a temporary directory, adds one hostile
thing, and runs the real command (`offerops lint`, and `offerops plan` for offerops.yaml cases)
as a subprocess, from inside the repository, with a time limit and a 2 GiB address-space limit
(so a read without end fails fast instead of swapping the machine). Per case it prints the time
taken, the exit code and the first finding. It exits 1 if any case ran past its limit, hung,
crashed (exit 3 or a signal), or exited with a code the case does not expect.

Cases are data: add a row to CASES with a builder that changes the repository. The builder gets
the repository root; `offer()`, `OFFER` and `HEAD` help write offers.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
TODAY = "2026-11-23"
MIB = 1024 * 1024
MEMORY_LIMIT = 2 * 1024 * MIB

OFFER = (PROJECT / "offers" / "acme-analytics-2027.yaml").read_text(encoding="utf-8")
"""A valid example offer; its name line is ``  name: Acme Corp - Analytics Enterprise 2027``."""
NAME = "Acme Corp - Analytics Enterprise 2027"
HEAD = "apiVersion: offerops/v1\nkind: PrivateOffer\nkey: hostile\nspec:\n"
FINDING = re.compile(r"^\S+:\d+:\d+: ")

Builder = Callable[[Path], object]
"""Changes the repository at the given root; what it returns is ignored."""


@dataclass(frozen=True)
class Case:
    """One hostile input and what must happen to it."""

    name: str
    build: Builder
    limit: float = 3.0
    """Seconds per command, process start-up included (about 0.4 s here)."""
    commands: tuple[tuple[str, ...], ...] = (("lint",),)
    exits: frozenset[int] = frozenset({1})
    """Exit codes that count as handled (1: findings; 2: offerops.yaml unusable)."""
    expect: str = ""
    """Text the output of `lint` must contain (a rule id, a phrase); empty: anything."""


def offer(root: Path, text: str, name: str = "hostile.yaml") -> Path:
    """Write an offer; texts made from OFFER replace it (same key, same file name)."""
    if name == "hostile.yaml" and "key: acme-analytics-2027" in text:
        name = "acme-analytics-2027.yaml"
    path = root / "offers" / name
    path.write_text(text, encoding="utf-8")
    return path


def named(name: str) -> str:
    return OFFER.replace(f"name: {NAME}", f"name: {name}")


def described(description: str) -> str:
    return OFFER.replace(f"name: {NAME}\n", f"name: {NAME}\n  description: {description}\n")


def billion_laughs(levels: int = 12) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    return HEAD + "\n".join("  " + line for line in lines) + "\n"


def link(path: Path, target: str | Path) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to(target)


def outside_offer(root: Path) -> Path:
    """A valid-looking offer next to the repository, with a field only it has."""
    directory = root.parent / "outside"
    directory.mkdir(exist_ok=True)
    text = OFFER.replace("spec:\n", "spec:\n  outsideSecretField: 1\n")
    (directory / "acme-analytics-2027.yaml").write_text(text, encoding="utf-8")
    return directory


def unix_socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays


def legal_document(root: Path, target: str) -> None:
    """Point the installment offer's first document at ``legal/<target>``."""
    path = root / "offers" / "acme-installments-2027.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("legal/acme-msa.pdf", f"legal/{target}")
    )


def many_same_key(root: Path) -> None:
    for index in range(2000):
        offer(root, OFFER, f"copy-{index:04}.yaml")


def many_same_file_name(root: Path) -> None:
    """One key (= file name) in 2,000 subdirectories: each finding could list 1,999 others."""
    for index in range(2000):
        (root / "offers" / f"d{index:04}").mkdir()
        offer(root, OFFER, f"d{index:04}/acme-analytics-2027.yaml")


def deep(form: str) -> Builder:
    bodies = {
        "block": "  " + "- " * 100_000 + "x\n",
        "indented": "".join(" " * i + "k:\n" for i in range(1, 1400)) + " " * 1400 + "x\n",
        "flow": "  x: " + "[" * 100_000 + "]" * 100_000 + "\n",
        "explicit-keys": "  " + "? " * 100_000 + "x\n",
    }
    return lambda root: offer(root, HEAD + bodies[form])


CONFIG_COMMANDS = (("lint",), ("plan",))
CONFIG_EXITS = frozenset({1, 2})

CASES: list[Case] = [
    # nesting: libyaml's composer recursed into a segfault (exit 139, no output)
    Case("deep-block-sequences", deep("block"), expect="OFR006"),
    Case("deep-indented-mappings", deep("indented"), expect="OFR006"),
    Case("deep-flow-sequences", deep("flow"), expect="OFR006"),
    Case("deep-explicit-keys", deep("explicit-keys"), expect="OFR006"),
    Case(
        "deep-config",
        lambda root: (root / "offerops.yaml").write_text(
            HEAD + "  " + "- " * 100_000 + "x\n", encoding="utf-8"
        ),
        commands=CONFIG_COMMANDS,
        exits=CONFIG_EXITS,
        expect="OFR006",
    ),
    # long fields: the e-mail pattern was quadratic (15 s for 100,000 characters)
    Case("name-100k", lambda root: offer(root, named("a" * 100_000)), expect="OFR110"),
    Case(
        "name-1mib-after-at",
        lambda root: offer(root, named("x@" + "a" * (MIB - 4000))),
        expect="OFR110",
    ),
    Case("name-1mib-digits", lambda root: offer(root, named("1" * (MIB - 4000))), expect="OFR110"),
    Case(
        "description-1mib-phones",
        lambda root: offer(root, described('"' + "(555) 123-4567 " * (MIB // 16) + '"')),
        expect="OFR111",
    ),
    Case(
        "key-1mib",
        lambda root: offer(
            root, OFFER.replace("spec:\n", "spec:\n  ? " + "k" * (MIB - 4000) + "\n  : 1\n")
        ),
        expect="characters)",
    ),
    Case(
        "50k-unknown-keys",
        lambda root: offer(root, OFFER + "".join(f"extra{index}: 1\n" for index in range(50_000))),
        limit=10.0,
        expect="OFR006",
    ),
    Case(
        "dashes-force-the-event-walk",
        lambda root: offer(root, described("|-\n" + ("    " + "- " * 60 + "\n") * 8000)),
        expect="OFR111",
    ),
    # size and content
    Case("file-50mib", lambda root: offer(root, "# " + "x" * 50 * MIB + "\n"), expect="OFR006"),
    Case("alias-bomb", lambda root: offer(root, billion_laughs()), expect="OFR006"),
    Case(
        "binary-garbage",
        lambda root: (root / "offers" / "hostile.yaml").write_bytes(random.randbytes(MIB - 1)),
        expect="OFR005",
    ),
    Case(
        "nul-bytes",
        lambda root: (root / "offers" / "hostile.yaml").write_bytes(b"\x00" * (MIB - 1)),
        expect="OFR005",
    ),
    Case("2000-offers-one-key", many_same_key, limit=15.0, expect="OFR202"),
    Case("2000-directories-one-key", many_same_file_name, limit=15.0, expect="OFR203"),
    # files that are not regular files inside the repository
    Case("fifo-offer", lambda root: os.mkfifo(root / "offers" / "hostile.yaml"), expect="FIFO"),
    Case(
        "socket-offer", lambda root: unix_socket(root / "offers" / "hostile.yaml"), expect="socket"
    ),
    Case(
        "link-to-dev-zero",
        lambda root: link(root / "offers" / "hostile.yaml", "/dev/zero"),
        expect="OFR008",
    ),
    Case(
        "link-to-etc-passwd",
        lambda root: link(root / "offers" / "hostile.yaml", "/etc/passwd"),
        expect="OFR008",
    ),
    Case(
        "offer-linked-outside",
        lambda root: link(
            root / "offers" / "acme-analytics-2027.yaml",
            outside_offer(root) / "acme-analytics-2027.yaml",
        ),
        expect="OFR008",
    ),
    Case(
        "offers-dir-linked-outside",
        lambda root: (shutil.rmtree(root / "offers"), link(root / "offers", outside_offer(root))),
        expect="OFR008",
    ),
    Case(
        "config-fifo",
        lambda root: ((root / "offerops.yaml").unlink(), os.mkfifo(root / "offerops.yaml")),
        commands=CONFIG_COMMANDS,
        exits=CONFIG_EXITS,
        expect="OFR008",
    ),
    Case(
        "config-link-to-dev-zero",
        lambda root: link(root / "offerops.yaml", "/dev/zero"),
        commands=CONFIG_COMMANDS,
        exits=CONFIG_EXITS,
        expect="OFR008",
    ),
    Case(
        "legal-fifo",
        lambda root: (os.mkfifo(root / "legal" / "pipe.pdf"), legal_document(root, "pipe.pdf")),
        expect="FIFO",
    ),
    Case(
        "legal-link-to-dev-zero",
        lambda root: (
            link(root / "legal" / "zero.pdf", "/dev/zero"),
            legal_document(root, "zero.pdf"),
        ),
        expect="OFR604",
    ),
    Case(
        "legal-absolute-link-inside",
        lambda root: (
            link(root / "legal" / "abs.pdf", root.resolve() / "legal" / "acme-msa.pdf"),
            legal_document(root, "abs.pdf"),
        ),
        exits=frozenset({0}),
        expect="no problems",
    ),
]


@dataclass
class Outcome:
    case: str
    command: str
    seconds: float
    limit: float
    exit: str
    verdict: str
    first: str


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def first_finding(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    found = next((line for line in lines if FINDING.match(line)), lines[0] if lines else "")
    return found if len(found) <= 150 else found[:147] + "..."


def run(case: Case, command: tuple[str, ...], root: Path) -> Outcome:
    env = {**os.environ, "OFFEROPS_TODAY": TODAY, "NO_COLOR": "1"}
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "offerops", *command],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=max(10.0, case.limit * 4),
            preexec_fn=_limit_memory,
            check=False,
        )
    except subprocess.TimeoutExpired:
        seconds = time.perf_counter() - start
        return Outcome(case.name, " ".join(command), seconds, case.limit, "-", "HANG", "")
    seconds = time.perf_counter() - start
    code = done.returncode
    if code < 0 or code == 3:
        verdict = "CRASH"
    elif seconds > case.limit:
        verdict = "SLOW"
    elif code not in case.exits:
        verdict = "UNEXPECTED EXIT"
    elif command == ("lint",) and case.expect not in done.stdout + done.stderr:
        verdict = "WRONG FINDING"
    else:
        verdict = "ok"
    shown = f"signal {-code}" if code < 0 else str(code)
    first = first_finding(done.stdout) or first_finding(done.stderr)
    return Outcome(case.name, " ".join(command), seconds, case.limit, shown, verdict, first)


def prepare(work: Path, case: Case) -> Path:
    root = work / case.name / "repo"
    root.mkdir(parents=True)
    shutil.copy(PROJECT / "offerops.yaml", root)
    shutil.copytree(PROJECT / "offers", root / "offers")
    shutil.copytree(PROJECT / "legal", root / "legal")
    case.build(root)
    return root


def table(outcomes: list[Outcome], markdown: bool) -> str:
    header = ("case", "command", "seconds", "limit", "exit", "verdict", "first finding")
    rows = [
        (o.case, o.command, f"{o.seconds:.2f}", f"{o.limit:g}", o.exit, o.verdict, o.first)
        for o in outcomes
    ]
    if markdown:
        escape = lambda cell: cell.replace("|", "\\|")  # noqa: E731
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(escape(cell) for cell in row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    return "\n".join(
        "  ".join(
            [*(cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=True)), row[-1]]
        )
        for row in [header, *rows]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description="offerops hostile-input run")
    parser.add_argument("--only", help="run the cases whose name contains this text")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    random.seed(7)
    cases = [case for case in CASES if not args.only or args.only in case.name]
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="offerops-hostile-") as temporary:
        work = Path(temporary)
        for case in cases:
            root = prepare(work, case)
            for command in case.commands:
                outcome = run(case, command, root)
                outcomes.append(outcome)
                print(f"{outcome.verdict:>5}  {outcome.case} ({outcome.command})", file=sys.stderr)
    print(table(outcomes, args.markdown))
    failed = [o for o in outcomes if o.verdict != "ok"]
    print(f"\n{len(outcomes) - len(failed)} of {len(outcomes)} runs handled within their limit")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
