"""Apply and plan at the speed of AWS's request quotas: measured against the limit they set.

    python benchmarks/quota_speed.py                 # everything below (about 3 minutes)
    python benchmarks/quota_speed.py --only served   # N=200, P=10 s on a served emulator
    python benchmarks/quota_speed.py --only virtual  # N=1,000/P=60 s and N=10,000/P=300 s
    python benchmarks/quota_speed.py --only plan     # plan on a fresh runner, state restored

The limit of an apply of N new offers is ``N / 5 + P``: StartChangeSet's quota is 5 per second
per account, and the last change set still takes P seconds to process. Each row is the measured
duration divided by that limit (target: at most 1.2x), with 0 failed and 0 duplicate offers.

- **served**: ``offerops emulator serve --rate-limits --changeset-seconds 10`` (the documented
  quotas enforced, 10 s change sets), ``offerops apply --yes`` with the default settings, in real
  time; and the same at ``--parallelism 50`` (before pacing: 24 of 200 offers failed there).
- **virtual**: the real reconciler (lint, plan, apply) against the embedded emulator with a
  virtual clock (``offerops.timing.VirtualClock``): the emulator's change sets finish and its
  quota buckets refill on that clock, and the reconciler's waits (pacing, retries, sweeps) move
  it. Calls cost no virtual time (AWS's latency of ~0.1-0.3 s per call overlaps with the pacing
  in a real run, which keeps several requests in flight), so the simulated duration is what the
  quotas and processing times alone impose; a real run adds its start-up, lint and per-call
  latency on top.
- **plan**: a repository of N applied offers copied the way CI checks it out (no ``.offerops/``),
  with the key index restored from the CI cache (``.offerops/index-*.json``, what the workflows
  keep with actions/cache), then planned: API calls against the budget
  ``ceil(N/20) + ceil(N/50) + 1 + (offers changed since the state was saved)``, and the time the
  quotas impose (virtual) next to the real time it took here.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from run import TODAY, Row, http_repo, point_at, served, table  # noqa: E402

from offerops.catalog.quotas import DOCUMENTED_QUOTAS  # noqa: E402
from offerops.reconcile import simulation  # noqa: E402
from offerops.reconcile.apply import ApplyOptions  # noqa: E402
from offerops.reconcile.session import STATE_DIR, Session  # noqa: E402
from offerops.timing import VirtualClock  # noqa: E402

STARTS_PER_SECOND = DOCUMENTED_QUOTAS["StartChangeSet"]
TARGET = 1.2


def limit_seconds(offers: int, processing: float) -> float:
    return offers / STARTS_PER_SECOND + processing


# --- virtual time ----------------------------------------------------------------------------


@dataclass
class Simulated:
    """One run of the real reconciler in virtual time."""

    offers: int
    processing: float
    plan_seconds: float
    apply_seconds: float
    real_seconds: float
    failed: int
    duplicates: int
    throttled: int
    calls: dict[str, int]

    @property
    def ratio(self) -> float:
        return self.apply_seconds / limit_seconds(self.offers, self.processing)


def virtual_session(root: Path, processing: float, clock: VirtualClock) -> Session:
    return simulation.virtual_session(root, date.fromisoformat(TODAY), clock, processing)


def simulate(work: Path, offers: int, processing: float) -> Simulated:
    root = generate(work / f"virtual-{offers}", offers)
    clock = VirtualClock()
    real = time.perf_counter()
    session = virtual_session(root, processing, clock)
    began = clock.now()
    plan = session.plan()
    planned = clock.now()
    results = session.apply(plan, ApplyOptions(clock=clock))
    applied = clock.now()
    real_seconds = time.perf_counter() - real
    keys = Counter(offer.key for offer in session.actual() if offer.key)
    session.close()
    return Simulated(
        offers=offers,
        processing=processing,
        plan_seconds=planned - began,
        apply_seconds=applied - planned,
        real_seconds=real_seconds,
        failed=sum(1 for result in results if result.status != "SUCCEEDED"),
        duplicates=sum(count - 1 for count in keys.values() if count > 1),
        throttled=session.retry.throttled(),
        calls=dict(session.client.calls),
    )


def virtual_rows(work: Path, quick: bool) -> list[Row]:
    sizes = [(200, 60.0)] if quick else [(1000, 60.0), (10000, 300.0)]
    rows = []
    for offers, processing in sizes:
        run = simulate(work, offers, processing)
        print(
            f"virtual N={offers} P={processing:.0f}s: apply {run.apply_seconds:.1f} s simulated"
            f" (plan {run.plan_seconds:.1f} s), {run.real_seconds:.1f} s real;"
            f" failed {run.failed}, duplicates {run.duplicates}, throttled {run.throttled};"
            f" calls {run.calls}",
            flush=True,
        )
        rows.append(
            Row(
                f"apply {offers:,} new offers, P = {processing:.0f} s, virtual time"
                f" ({run.failed} failed, {run.duplicates} duplicate;"
                f" {run.real_seconds:.0f} s real)",
                f"{run.apply_seconds:.0f} s",
                f"limit {limit_seconds(offers, processing):.0f} s",
                run.ratio,
                f"<= {TARGET}x of N/5 + P",
                run.ratio <= TARGET and run.failed == 0 and run.duplicates == 0,
            )
        )
    return rows


# --- real time, served emulator ---------------------------------------------------------------


@dataclass
class Served:
    seconds: float
    apply_seconds: float
    failed: int
    duplicates: int
    throttled: int


def served_apply(
    work: Path, offers: int, processing: float, *args: str, quotas: str | None = None
) -> Served:
    """``offerops apply --yes`` (plus ``args``) of ``offers`` new offers against a served
    emulator enforcing the documented quotas, ``processing`` seconds per change set;
    ``quotas`` is written as ``backend.quotas`` (None: the default, documented)."""
    name = f"served-{offers}-{'-'.join(args) or 'default'}-{quotas}"
    repo = http_repo(work, name, offers)
    env = {**os.environ, "OFFEROPS_TODAY": TODAY}
    options = ("--rate-limits", "--changeset-seconds", str(processing))
    with served(repo, work / f"{name}.sqlite", *options) as url:
        point_at(repo, url)
        if quotas is not None:
            with (repo / "offerops.yaml").open("a") as config:
                config.write(f"  quotas: {quotas}\n")
        start = time.perf_counter()
        done = subprocess.run(
            [str(BIN / "offerops"), "apply", "--yes", *args],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - start
        listed = subprocess.run(
            [str(BIN / "offerops"), "plan", "--format", "json"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    log = json.loads((repo / ".offerops" / "apply-log.json").read_text())
    statuses = [offer["status"] for offer in log["offers"]]
    summary = json.loads(listed.stdout)["summary"] if listed.returncode == 0 else {}
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
    return Served(
        seconds=seconds,
        apply_seconds=float(log["applySeconds"]),
        failed=sum(1 for status in statuses if status != "SUCCEEDED"),
        duplicates=int(summary.get("unmanaged", 0)),
        throttled=sum(n for code, n in log["retries"].items() if "Throttl" in code),
    )


def served_rows(work: Path, quick: bool) -> list[Row]:
    offers, processing = (60, 10.0) if quick else (200, 10.0)
    rows = []
    runs: list[tuple[tuple[str, ...], str | None]] = [
        ((), None),
        (("--parallelism", "50"), None),
        (("--parallelism", "50"), "none"),
    ]
    for args, quotas in runs:
        run = served_apply(work, offers, processing, *args, quotas=quotas)
        limit = limit_seconds(offers, processing)
        label = " ".join(args) or "default settings"
        if quotas is not None:
            label += f", quotas: {quotas} (throttling answers alone set the pace)"
        print(
            f"served N={offers} P={processing:.0f}s {label}: {run.seconds:.1f} s"
            f" (apply phase {run.apply_seconds:.1f} s); failed {run.failed},"
            f" duplicates {run.duplicates}, throttled {run.throttled}",
            flush=True,
        )
        rows.append(
            Row(
                f"apply {offers} new offers, P = {processing:.0f} s, --rate-limits, {label}"
                f" ({run.failed} failed, {run.duplicates} duplicate, {run.throttled} throttled;"
                " whole command)",
                f"{run.seconds:.1f} s",
                f"limit {limit:.0f} s",
                run.seconds / limit,
                f"<= {TARGET}x of N/5 + P" if quotas is None else "(information: 0 failed)",
                (run.seconds / limit <= TARGET or quotas is not None)
                and run.failed == 0
                and run.duplicates == 0,
            )
        )
    return rows


# --- plan on a fresh runner -------------------------------------------------------------------


def fresh_runner(root: Path, into: Path, changed: int, *, cache: bool = True) -> Path:
    """``root`` as CI checks it out (no .offerops/), with what the CI cache restores: the key
    index; the marketplace (the emulator's database) stays where it is. ``changed`` offers are
    edited after the state was saved (their description)."""
    if into.exists():
        shutil.rmtree(into)
    shutil.copytree(root, into, ignore=shutil.ignore_patterns(STATE_DIR))
    (into / STATE_DIR).mkdir()
    for index in (root / STATE_DIR).glob("index-*.json") if cache else ():
        shutil.copy2(index, into / STATE_DIR / index.name)
    shutil.copy2(root / STATE_DIR / "virtual.sqlite", into / STATE_DIR / "virtual.sqlite")
    for path in sorted((into / "offers").glob("*.yaml"))[:changed]:
        text = path.read_text()
        path.write_text(text.replace("for benchmarks", "for a pull request", 1))
    return into


def planned_calls(root: Path) -> tuple[int, float, float, dict[str, int]]:
    """(API calls, virtual seconds, real seconds) of one plan of ``root``."""
    clock = VirtualClock()
    real = time.perf_counter()
    session = virtual_session(root, 0.0, clock)
    began = clock.now()
    session.plan()
    virtual = clock.now() - began
    calls = dict(session.client.calls)
    session.close()
    return sum(calls.values()), virtual, time.perf_counter() - real, calls


def plan_rows(work: Path, quick: bool) -> list[Row]:
    rows = []
    for offers in [200] if quick else [1000, 10000]:
        root = generate(work / f"plan-{offers}", offers)
        clock = VirtualClock()
        session = virtual_session(root, 0.0, clock)
        session.apply(session.plan(), ApplyOptions(clock=clock))
        session.close()
        for changed, cache in ((0, True), (10, True), (0, False)):
            runner = fresh_runner(root, work / f"runner-{offers}-{changed}", changed, cache=cache)
            calls, virtual, real, by_operation = planned_calls(runner)
            budget = math.ceil(offers / 20) + math.ceil(offers / 50) + 1 + changed
            state = "index restored" if cache else "no cache (before: every tag read)"
            print(
                f"plan N={offers}, {changed} changed, fresh runner, {state}:"
                f" {calls} calls {by_operation}, {virtual:.1f} s at the quotas,"
                f" {real:.1f} s real",
                flush=True,
            )
            rows.append(
                Row(
                    f"plan {offers:,} offers on a fresh runner, {state}, {changed} changed"
                    f" ({virtual:.0f} s at the quotas, {real:.1f} s real here)",
                    f"{calls} calls",
                    f"budget {budget}",
                    calls / budget,
                    "<= 1.0x of ceil(N/20)+ceil(N/50)+1+changed" if cache else "(information)",
                    calls <= budget or not cache,
                )
            )
    return rows


SECTIONS: dict[str, Callable[[Path, bool], list[Row]]] = {
    "served": served_rows,
    "virtual": virtual_rows,
    "plan": plan_rows,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append")
    args = parser.parse_args()
    memory = Path("/dev/shm")  # the emulator's SQLite file: no disk syncs in a simulation
    work = Path(tempfile.mkdtemp(prefix="offerops-quota-", dir=memory if memory.is_dir() else None))
    rows: list[Row] = []
    try:
        for name in args.only or list(SECTIONS):
            print(f"running {name} ...", flush=True)
            rows.extend(SECTIONS[name](work, args.quick))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(table(rows))
    return 0 if all(row.met for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
