"""Coverage-guided fuzzing of the linter with atheris (optional; not part of the test suite).

    .venv/bin/pip install -e ".[fuzz]"
    .venv/bin/python benchmarks/fuzz_lint.py -atheris_runs=50000

Each input is written as an offer file into a small repository and linted. The linter must never
raise, and every finding must name a registered rule at a line of the file. (tests/lint/
test_properties.py checks the same invariants with hypothesis on every CI run.)
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from offerops.lint.rule import REGISTRY
    from offerops.lint.runner import LintRequest, lint

SEED_OFFERS = Path(__file__).resolve().parents[1] / "offers"
ROOT = Path(tempfile.mkdtemp(prefix="offerops-fuzz-"))
TARGET = ROOT / "offers" / "fuzz.yaml"


def setup() -> None:
    project = Path(__file__).resolve().parents[1]
    (ROOT / "offers").mkdir()
    (ROOT / "offerops.yaml").write_bytes((project / "offerops.yaml").read_bytes())
    (ROOT / "legal").mkdir()
    for document in (project / "legal").iterdir():
        (ROOT / "legal" / document.name).write_bytes(document.read_bytes())


def check(data: bytes) -> None:
    TARGET.write_bytes(data)
    report = lint(LintRequest(root=ROOT, today=date(2026, 11, 23)))
    lines = max(1, data.count(b"\n") + (0 if data.endswith(b"\n") else 1))
    for finding in report.findings:
        assert finding.rule in REGISTRY, finding
        assert finding.file == "offers/fuzz.yaml", finding
        assert 1 <= finding.line <= lines and finding.column >= 1, finding
        assert "\n" not in finding.message, finding


def main() -> None:
    setup()
    corpus = ROOT / "corpus"
    corpus.mkdir()
    for offer in sorted(SEED_OFFERS.glob("*.yaml")):
        (corpus / offer.name).write_bytes(offer.read_bytes())
    atheris.Setup([*sys.argv, str(corpus)], check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
