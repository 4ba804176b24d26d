"""End-to-end tests of the command line, through click's runner and as a real subprocess."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
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
    repo.offer(CONTRACT_OFFER.replace("product:", "prodcut:"))
    code, _ = invoke(repo, "lint", "--format", "json", "--today", "2026-11-23")
    document = json.loads(capsys.readouterr().out)
    assert code == 1
    assert document["summary"] == {"files": 2, "errors": 2, "warnings": 0}
    assert [(f["line"], f["rule"], f["offer"]) for f in document["findings"]] == [
        (4, "OFR102", "acme-2027"),
        (7, "OFR101", "acme-2027"),
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


# --- the error boundary: field failures are one line and exit 1 or 2, never exit 3 -----------


def both_paths(repo: OfferRepo, capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    """Run ``args`` under main() and under click's runner; both must agree. The error output."""
    code, _ = invoke(repo, *args)
    under_main = capsys.readouterr().err
    runner = CliRunner().invoke(cli, ["--root", str(repo.root), *args])
    assert runner.exit_code == code, (runner.output, under_main)
    assert runner.stderr == under_main
    return [str(code), *under_main.splitlines()]


def test_missing_aws_profile_is_a_configuration_error(
    repo: OfferRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(repo.root / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(repo.root / "no-aws-credentials"))
    config = (repo.root / "offerops.yaml").read_text()
    repo.write("offerops.yaml", config + "backend:\n  kind: aws\n  profile: gone\n")
    code, *err = both_paths(repo, capsys, "plan", "--today", "2026-11-23")
    assert code == "2"
    assert err[0] == "offerops: error: AWS profile 'gone' not found"
    assert "backend.profile" in err[1]
    detailed, _ = invoke(repo, "plan", "--today", "2026-11-23", "--detailed-exitcode")
    assert detailed == 1, "with --detailed-exitcode 2 means changes, so errors are 1"


def test_corrupt_emulator_database_names_the_file(
    repo: OfferRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    database = repo.root / ".offerops" / "marketplace.sqlite"
    database.parent.mkdir()
    database.write_bytes(b"not a database" * 512)
    code, *err = both_paths(repo, capsys, "status", "--today", "2026-11-23")
    assert code == "1"
    assert (
        err[0]
        == f"offerops: error: the emulator database {database} is corrupt: file is not a database"
    )
    assert err[1].startswith("  hint: move it aside or delete it")


def test_locked_database_and_api_refusals_are_explained() -> None:
    from botocore.exceptions import ClientError, EndpointConnectionError

    from offerops.failures import explain

    with tempfile_db() as (holder, other):
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(sqlite3.OperationalError) as locked:
            other.execute("BEGIN EXCLUSIVE")
    failure = explain(locked.value, lambda: Path("m.sqlite"))
    assert failure is not None and failure.exit_code == 1
    assert failure.message.startswith("the emulator database m.sqlite is locked by another process")
    refused = ClientError(
        {"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}, "StartChangeSet"
    )
    denied = explain(refused)
    assert denied is not None and denied.exit_code == 1
    assert (
        denied.message
        == "the marketplace refused StartChangeSet: AccessDeniedException: not allowed"
    )
    assert denied.hint and "aws-marketplace:StartChangeSet" in denied.hint
    unreachable = explain(EndpointConnectionError(endpoint_url="http://127.0.0.1:9"))
    assert unreachable is not None and "http://127.0.0.1:9" in unreachable.message
    assert explain(RuntimeError("a bug")) is None
    assert explain(OSError(errno.ENOENT, "no such file")) is None, "no path: nothing to say"


@contextlib.contextmanager
def tempfile_db() -> Iterator[tuple[sqlite3.Connection, sqlite3.Connection]]:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "m.sqlite"
        holder, other = sqlite3.connect(path), sqlite3.connect(path, timeout=0)
        try:
            yield holder, other
        finally:
            holder.close()
            other.close()


def test_a_full_disk_names_the_file_being_written(
    repo: OfferRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(_descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    repo.offer(CONTRACT_OFFER)
    target = repo.root / "report.json"
    monkeypatch.setattr("os.fsync", full)  # where a full disk shows when writes are buffered
    code, *err = both_paths(repo, capsys, "lint", "--format", "json", "-o", str(target))
    assert code == "1"
    assert err[0] == (
        f"offerops: error: no space left on the device writing {target} (No space left on device)"
    )
    assert not list(repo.root.glob(".report.json.*")), "the temporary file is removed"


def test_an_unusable_output_path_is_one_line(
    repo: OfferRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("taken", "a file, not a directory\n")
    code, *err = both_paths(repo, capsys, "lint", "-o", str(repo.root / "taken" / "report.txt"))
    assert code == "1"
    assert err[0].startswith(f"offerops: error: cannot use {repo.root / 'taken'}")


def test_plan_without_config_exits_2_and_1_with_detailed_exitcode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for args, expected in ((["plan"], 2), (["plan", "--detailed-exitcode"], 1)):
        with pytest.raises(SystemExit) as exit_info:
            main(args)
        assert exit_info.value.code == expected
        assert "no offerops.yaml found" in capsys.readouterr().err


def test_broken_config_exits_2_for_every_backend_command(
    repo: OfferRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("offerops.yaml", "apiVersion: [\n")
    for command in (["plan"], ["apply", "--yes"], ["status"], ["import", "--all"]):
        code, _ = invoke(repo, *command)
        assert code == 2, command
        assert "offerops: error: offerops.yaml has errors" in capsys.readouterr().err


def test_root_works_before_and_after_the_command(
    repo: OfferRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.offer(CONTRACT_OFFER)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    runner = CliRunner(env={"OFFEROPS_TODAY": "2026-11-23"})
    for args in (["lint", "--root", str(repo.root)], ["--root", str(repo.root), "lint"]):
        result = runner.invoke(cli, args)
        assert (result.exit_code, result.output) == (0, "2 files checked, no problems\n"), args
    status = runner.invoke(cli, ["status", "--root", str(repo.root)])
    assert status.exit_code == 0, status.output
    assert "no managed offers on the marketplace yet" in status.output
    offers = runner.invoke(
        cli, ["emulator", "offers", "--root", str(repo.root), "--as", "444455556666"]
    )
    assert offers.exit_code == 0, offers.output
    assert (repo.root / ".offerops" / "marketplace.sqlite").is_file()


def test_changed_since_without_git_exits_2(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "offerops", "lint", "--changed-since", "HEAD"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": str(empty), "OFFEROPS_TODAY": "2026-11-23"},
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("offerops: error: git is not installed (no git executable")


def test_sigterm_ends_a_command_with_143(
    repo: OfferRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def terminated(*_: object) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        raise AssertionError("SIGTERM did not stop the command")

    previous = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr("offerops.lint.runner.lint", terminated)
    code, _ = invoke(repo, "lint")
    assert code == 143
    assert capsys.readouterr().err == "\nofferops: interrupted (SIGTERM)\n"
    assert signal.getsignal(signal.SIGTERM) is previous, "the handler is restored"


# --- offerops products import, and plan's product warnings ---------------------------------------


def test_products_import_check_exits_1_until_the_file_is_written(tmp_path: Path) -> None:
    from reconcile.conftest import copy_example

    root = copy_example(tmp_path)
    config = root / "offerops.yaml"
    before = config.read_text()
    runner = CliRunner()
    stale = runner.invoke(cli, ["products", "import", "--check", "--root", str(root)])
    assert stale.exit_code == 1, stale.output
    assert "~ resaleAuthorizations.resaleauthz-9z8y7x6w5v4u3.name: (none) -> " in stale.output
    assert "offerops.yaml is stale; run `offerops products import`" in stale.output
    assert config.read_text() == before
    written = runner.invoke(cli, ["--root", str(root), "products", "import"])
    assert written.exit_code == 0, written.output
    assert written.output.endswith("wrote offerops.yaml (1 change(s))\n")
    current = runner.invoke(cli, ["products", "import", "--check", "--root", str(root)])
    assert (current.exit_code, current.output) == (
        0,
        "offerops.yaml is up to date with the marketplace\n",
    )


def test_products_import_with_an_unparseable_offerops_yaml_exits_2(tmp_path: Path) -> None:
    from reconcile.conftest import copy_example

    root = copy_example(tmp_path)
    config = root / "offerops.yaml"
    config.write_text(config.read_text().replace("kind: Config", "kind: Conf"))
    result = CliRunner().invoke(cli, ["products", "import", "--root", str(root)])
    assert result.exit_code == 2, result.output
    assert "offerops.yaml: kind" in result.output


def test_products_import_as_subprocess(tmp_path: Path) -> None:
    from reconcile.conftest import copy_example

    root = copy_example(tmp_path)
    command = [sys.executable, "-m", "offerops", "products", "import"]
    first = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    check = subprocess.run(
        [*command, "--check"], cwd=root, capture_output=True, text=True, check=False
    )
    assert (check.returncode, check.stdout) == (
        0,
        "offerops.yaml is up to date with the marketplace\n",
    ), check.stderr


def test_plan_shows_product_warnings_in_json(tmp_path: Path) -> None:
    from reconcile.conftest import copy_example, served_example

    root = copy_example(tmp_path)
    with served_example(root, tmp_path, slow=False):
        config = root / "offerops.yaml"
        admins = "      - { key: admins, name: Admin seats, unit: Units }\n"
        config.write_text(
            config.read_text().replace(admins, admins + "      - { key: seats, name: Seats }\n")
        )
        offer = root / "offers" / "acme-analytics-2027.yaml"
        offer.write_text(offer.read_text().replace("key: admins", "key: seats"))
        result = CliRunner(env={"OFFEROPS_TODAY": "2026-11-23"}).invoke(
            cli, ["plan", "--format", "json", "--root", str(root)]
        )
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert [(w["offer"], w["dimension"]) for w in plan["warnings"]] == [
        ("acme-analytics-2027", "seats")
    ]
    assert "`offerops products import`" in plan["warnings"][0]["message"]
    # one BatchDescribeEntities for the products' warnings, one for the custom dimension
    # (``sso``) the example's hooli-sso-2027 adds; two ListEntities (offers, untargeted drafts)
    assert plan["apiCalls"] == {"batch_describe_entities": 2, "list_entities": 2}
