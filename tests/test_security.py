"""Secrets never leak: AWS credentials in the environment appear in no output or file we write.

(Document paths that leave the repository are covered in tests/lint/rules/test_legal.py; the
emulator's loopback default and account isolation in tests/emulator/.)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SECRETS = {
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLESECRET123",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYsecretKEY",
    "AWS_SESSION_TOKEN": "FwoGZXIvYXdzEXAMPLEsessionTOKEN",
    "GITHUB_TOKEN": "ghp_exampleTOKENthatMustNotLeak",
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(PROJECT / "offerops.yaml", root)
    shutil.copytree(PROJECT / "offers", root / "offers")
    shutil.copytree(PROJECT / "legal", root / "legal")
    return root


def offerops(root: Path, *args: str) -> str:
    env = {**os.environ, **SECRETS, "OFFEROPS_TODAY": "2026-11-23"}
    done = subprocess.run(
        [sys.executable, "-m", "offerops", "--root", str(root), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return done.stdout + done.stderr


def test_no_secret_in_any_output_or_written_file(repo: Path, tmp_path: Path) -> None:
    outputs = [
        offerops(repo, "lint", "--format", "sarif"),
        offerops(repo, "plan", "--format", "markdown"),
        offerops(repo, "plan", "--format", "json", "--out", str(tmp_path / "plan.json")),
        offerops(repo, "apply", "--yes"),
        offerops(repo, "status", "--format", "json"),
        offerops(repo, "plan", "--format", "text"),
    ]
    written = [path.read_text(errors="replace") for path in tmp_path.rglob("*.json")]
    written += [path.read_text(errors="replace") for path in (repo / ".offerops").glob("*.json")]
    assert any(re.search(r"Applied (\d+) of \1 offer", output) for output in outputs)
    for text in outputs + written:
        for name, secret in SECRETS.items():
            assert secret not in text, f"{name} leaked"
