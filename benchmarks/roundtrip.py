"""The round-trip properties of the reconciler, run long (the unit suite runs a few examples).

    .venv/bin/python benchmarks/roundtrip.py                  # 300 offers, 8 changes each
    .venv/bin/python benchmarks/roundtrip.py --examples 2000 --changes 19 --seed 7

Each generated lint-clean offer is applied to a fresh embedded emulator (a plan right after
apply must be empty), changed one field at a time (each change must show in the plan by name),
then imported back (the file must lint clean, equal the original after the documented
normalisation, and plan as a no-op). The properties are ``tests/reconcile/roundtrip.py``; a
failure is shrunk and printed by hypothesis, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from hypothesis import HealthCheck, assume, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from reconcile.roundtrip import (  # noqa: E402
    Spec,
    apply_offer,
    check_round_trip,
    check_single_changes,
    lint_clean,
    new_repo,
    offer_specs,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=300, help="offers to generate")
    parser.add_argument("--changes", type=int, default=8, help="single-field changes per offer")
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed (reproducible)")
    args = parser.parse_args()
    counts: Counter[str] = Counter()
    started = time.monotonic()

    @seed(args.seed)
    @settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(offer_specs(), st.data())
    def round_trips(spec: Spec, data: st.DataObject) -> None:
        counts["started"] += 1
        with tempfile.TemporaryDirectory(prefix="offerops-roundtrip-") as folder:
            root = new_repo(Path(folder) / "repo")
            original = lint_clean(root, spec)
            assume(original is not None)
            assert original is not None
            counts["lint-clean"] += 1
            applied = apply_offer(root, spec)
            counts["changes checked"] += check_single_changes(applied, data.draw, args.changes)
            check_round_trip(applied, original)
            counts["imported"] += 1
            counts[_form(spec)] += 1
            counts["channel partner" if "channel" in spec else "direct"] += 1

    failed = False
    try:
        round_trips()
    except Exception:
        failed = True
        raise
    finally:
        seconds = time.monotonic() - started
        _report(counts, seconds, failed)
    return 0


def _form(spec: Spec) -> str:
    pricing = spec.get("pricing")
    if pricing is None:
        return "draft without pricing"
    if pricing["model"] == "usage":
        return "usage"
    if pricing["payment"] == "installments":
        form = "schedule" if "schedule" in pricing["installments"] else "plan"
        return f"contract installments ({form})"
    fixed = all("quantity" in d for d in pricing["dimensions"])
    return "contract fixed upfront" if fixed else "contract configurable upfront"


def _report(counts: Counter[str], seconds: float, failed: bool) -> None:
    done = counts["imported"] or 1
    print(
        f"offers round-tripped {counts['imported']} (lint-clean {counts['lint-clean']}, started"
        f" {counts['started']}: hypothesis abandons an example whose draw it cannot satisfy),"
        f" single-field changes checked {counts['changes checked']}"
    )
    print(f"{seconds:.1f} s, {seconds / done:.2f} s per offer")
    forms = [name for name in counts if name.startswith(("contract", "usage", "channel", "direct"))]
    print("  " + ", ".join(f"{name}: {counts[name]}" for name in sorted(forms)))
    print("FAIL" if failed else "PASS")


if __name__ == "__main__":
    sys.exit(main())
