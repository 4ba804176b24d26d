"""End-to-end tests of the command line, through click's runner and as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from offerops.cli import cli, main
from support import CONTRACT_OFFER, OfferRepo

PROJECT = Path(__file__).resolve().parents[1]


def invoke(repo: OfferRepo, *args: str) -> tuple[int, str]:
    """Run ``offerops --root REPO args`` in-process and return (exit code, output)."""
    with pytest.raises(SystemExit) as exit_info:
        main(["--root", str(repo.root), *args])
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), ""


def test_lint_clean_repository_exits_0(repo: OfferRepo) -> None:
    repo.offer(CONTRACT_OFFER)
    result = CliRunner().invoke(cli, ["--root", str(repo.root), "lint", "--today", "2026-11-23"])
    assert result.exit_code == 0
    assert result.output == "2 files checked, no problems\n"


def test_lint_errors_exit_1_with_file_line_column(
    repo: OfferRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.offer(CONTRACT_OFFER.replace('price: "25000.00"', "price: 25000"))
    code, _ = invoke(repo, "lint", "--today", "2026-11-23")
    output = capsys.readouterr().out
    assert code == 1
    assert output.splitlines()[0] == (
        "offers/acme-2027.yaml:22:16: error OFR104 price must be a quoted decimal like "
        '"25000.00", got the bare number 25000'
    )
    assert output.splitlines()[-1] == "1 error, 0 warnings in 2 files"


def test_lint_json_format(repo: OfferRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.offer(CONTRACT_OFFER.replace("expiresOn:", "expiresOm:"))
    code, _ = invoke(repo, "lint", "--format", "json", "--today", "2026-11-23")
    document = json.loads(capsys.readouterr().out)
    assert code == 1
    assert document["summary"] == {"files": 2, "errors": 2, "warnings": 0}
    assert [(f["line"], f["rule"], f["offer"]) for f in document["findings"]] == [
        (4, "OFR102", "acme-2027"),
        (9, "OFR101", "acme-2027"),
    ]


def test_lint_output_file_is_written_atomically(repo: OfferRepo) -> None:
    repo.offer(CONTRACT_OFFER)
    target = repo.root / "out" / "report.json"
    code, _ = invoke(repo, "lint", "--format", "json", "-o", str(target), "--today", "2026-11-23")
    assert code == 0
    assert json.loads(target.read_text())["summary"]["errors"] == 0
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def test_unusable_config_exits_2(repo: OfferRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.write("offerops.yaml", "apiVersion: offerops/v1\nkind: Config\nseller: {}\n")
    code, _ = invoke(repo, "lint")
    captured = capsys.readouterr()
    assert code == 2
    assert 'offerops.yaml:3:1: error OFR102 missing required field "accountId"' in captured.out
    assert "offerops.yaml has errors" in captured.err


def test_missing_config_exits_2_with_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["lint"])
    assert exit_info.value.code == 2
    assert "no offerops.yaml found" in capsys.readouterr().err


def test_bad_today_is_a_usage_error(repo: OfferRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = invoke(repo, "lint", "--today", "tomorrow")
    assert code == 2
    assert "--today must be a date like 2027-01-31, got 'tomorrow'" in capsys.readouterr().err


def test_unknown_flag_exits_2(repo: OfferRepo) -> None:
    code, _ = invoke(repo, "lint", "--frmat", "json")
    assert code == 2


def test_missing_path_exits_2(repo: OfferRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = invoke(repo, "lint", str(repo.root / "offers" / "nope.yaml"))
    assert code == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_today_from_environment(repo: OfferRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.offer(CONTRACT_OFFER)
    monkeypatch.setenv("OFFEROPS_TODAY", "2030-01-01")
    result = CliRunner().invoke(cli, ["--root", str(repo.root), "lint", "--format", "json"])
    today_findings = json.loads(result.output)["findings"]
    monkeypatch.setenv("OFFEROPS_TODAY", "2026-11-23")
    result_now = CliRunner().invoke(cli, ["--root", str(repo.root), "lint", "--format", "json"])
    assert json.loads(result_now.output)["findings"] == []
    assert today_findings, "an offer that expired in 2027 must be flagged when today is 2030"


def test_internal_error_exits_3_with_crash_log(
    repo: OfferRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def explode(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("offerops.lint.runner.lint", explode)
    code, _ = invoke(repo, "lint")
    err = capsys.readouterr().err
    assert code == 3
    assert "internal error: RuntimeError: boom" in err
    log = Path(err.split("crash report: ")[1].split(" ")[0])
    assert "Traceback" in log.read_text()
    log.unlink()


def test_schema_check_detects_stale_and_write_fixes(tmp_path: Path) -> None:
    runner = CliRunner()
    stale = runner.invoke(cli, ["schema", "--check", "--dir", str(tmp_path)])
    assert stale.exit_code == 1
    assert "stale or missing" in stale.output
    assert runner.invoke(cli, ["schema", "--dir", str(tmp_path)]).exit_code == 0
    assert runner.invoke(cli, ["schema", "--check", "--dir", str(tmp_path)]).exit_code == 0


def test_example_repository_lints_clean_as_subprocess() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "offerops", "lint", "--format", "json"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "OFFEROPS_TODAY": "2026-11-23"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["summary"]["errors"] == 0


def test_version_subprocess() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "offerops", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("offerops, version ")
