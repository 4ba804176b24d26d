"""Fault soak: apply offers against a faulty emulator, kill apply at random points, rerun.

    python benchmarks/soak.py                 # 200 offers, 4 kills (a few minutes)
    python benchmarks/soak.py --offers 50 --kills 2 --seed 3

The server injects 20% throttling (429), 5% internal errors (500), random latency and slow
change sets. Apply is killed with SIGKILL at seeded random moments, then rerun until it exits 0.
Checked at the end: every offer exists exactly once (by its key tag) with exactly the desired
details (a plan shows no change), no change set is left running, and nothing in git changed.
Exits 1 if any check fails. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from run import BIN, TODAY, point_at, served  # noqa: E402

SELLER = "111122223333"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


def apply_once(repo: Path, log: Path, kill_after: float | None) -> int | None:
    """Run apply; SIGKILL it after ``kill_after`` seconds. None if it was killed."""
    env = {**os.environ, "OFFEROPS_TODAY": TODAY}
    command = [str(BIN / "offerops"), "apply", "--yes", "--log", str(log)]
    process = subprocess.Popen(
        command, cwd=repo, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        return process.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return None


def catalog(url: str) -> Any:
    """A boto3 Catalog client acting as the seller against the emulator at ``url``."""
    import boto3

    return boto3.client(
        "marketplace-catalog",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=f"AKIA{SELLER}",
        aws_secret_access_key="emulator",
    )


def count_by_key(url: str) -> Counter[str]:
    """Offers per offerops key on the server, read with boto3 like any other client."""
    client = catalog(url)
    keys: Counter[str] = Counter()
    request = {"Catalog": "AWSMarketplace", "EntityType": "Offer", "MaxResults": 50}
    while True:
        page = _retry(lambda: client.list_entities(**request))
        for summary in page["EntitySummaryList"]:
            tags = _retry(
                lambda s=summary: client.list_tags_for_resource(ResourceArn=s["EntityArn"])
            )
            key = next((t["Value"] for t in tags["Tags"] if t["Key"] == "offerops:key"), "(none)")
            keys[key] += 1
        if not page.get("NextToken"):
            return keys
        request["NextToken"] = page["NextToken"]


def running_change_sets(url: str) -> int:
    client = catalog(url)
    status_filter = [{"Name": "Status", "ValueList": ["PREPARING", "APPLYING"]}]
    page = _retry(
        lambda: client.list_change_sets(Catalog="AWSMarketplace", FilterList=status_filter)
    )
    return len(page["ChangeSetSummaryList"])


def _retry(call):  # type: ignore[no-untyped-def]
    for attempt in range(20):
        try:
            return call()
        except Exception:  # the server keeps injecting faults while we check
            time.sleep(0.05 * (attempt + 1))
    return call()


def main() -> int:
    parser = argparse.ArgumentParser(description="offerops fault soak")
    parser.add_argument("--offers", type=int, default=200)
    parser.add_argument("--kills", type=int, default=4)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="offerops-soak-"))
    repo = generate(work / "repo", args.offers, args.seed)
    config = repo / "offerops.yaml"
    config.write_text(config.read_text() + "backend:\n  kind: http\n  endpoint: ENDPOINT\n")
    faults = [
        "--throttle-rate", "0.2", "--error-rate", "0.05", "--latency-ms", "5",
        "--changeset-seconds", "0.3", "--seed", str(args.seed),
    ]  # fmt: skip
    retries: Counter[str] = Counter()
    kills = runs = 0
    with served(repo, work / "market.sqlite", *faults) as url:
        point_at(repo, url)
        git(repo, "init", "-q")
        git(repo, "add", "-A")
        git(
            repo,
            "-c",
            "user.email=soak@example.com",
            "-c",
            "user.name=soak",
            "commit",
            "-qm",
            "offers",
        )
        before = git(repo, "rev-parse", "HEAD:offers")
        for _ in range(args.kills):
            runs += 1
            if apply_once(repo, work / f"log-{runs}.json", rng.uniform(1.0, 6.0)) is None:
                kills += 1
        status = None
        while status != 0 and runs < args.kills + 10:
            runs += 1
            log = work / f"log-{runs}.json"
            status = apply_once(repo, log, None)
            if log.is_file():
                retries.update(json.loads(log.read_text())["retries"])
        keys = count_by_key(url)
        running = running_change_sets(url)
        env = {**os.environ, "OFFEROPS_TODAY": TODAY}
        command = [str(BIN / "offerops"), "plan", "--format", "json"]
        plan = subprocess.run(
            command, cwd=repo, env=env, capture_output=True, text=True, check=False
        )
    summary = json.loads(plan.stdout)["summary"] if plan.returncode == 0 else {}
    duplicates = sum(count - 1 for count in keys.values() if count > 1)
    missing = args.offers - len([key for key in keys if key != "(none)"])
    git_clean = not git(repo, "status", "--porcelain", "--", "offers", "legal", "offerops.yaml")
    git_same = git(repo, "rev-parse", "HEAD:offers") == before
    checks = {
        "apply converged (exit 0)": status == 0,
        "every offer exactly once": duplicates == 0 and missing == 0,
        "plan shows no change": summary.get("no-op") == args.offers,
        "no change set left running": running == 0,
        "nothing in git changed": git_clean and git_same,
    }
    print(f"offers: {args.offers}, apply runs: {runs}, kills: {kills}")
    print(f"retries seen by completed runs: {dict(retries) or 'none'}")
    print(f"duplicates: {duplicates}, missing: {missing}, running change sets: {running}")
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
