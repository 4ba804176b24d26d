"""plan, apply, import and status through the command line, in-process and as processes."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from offerops.cli import cli
from reconcile.conftest import EXAMPLE_OFFERS

ENV = {"OFFEROPS_TODAY": "2026-11-23"}
ALL_SUCCEEDED = {"succeeded": 0, "failed": 0, "interrupted": 0, "notStarted": 0}


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(root), *args], env=ENV, catch_exceptions=False)


def offerops(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "offerops", "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        env={**os.environ, **ENV},
    )


def test_plan_detailed_exitcode_and_saved_plan(embedded_repo: Path, tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    first = run(embedded_repo, "plan", "--detailed-exitcode", "--out", str(saved))
    assert first.exit_code == 2
    assert first.output.startswith(f"Plan: {EXAMPLE_OFFERS} to create, 0 to update")
    assert json.loads(saved.read_text())["summary"]["create"] == EXAMPLE_OFFERS
    applied = run(embedded_repo, "apply", str(saved))
    assert applied.exit_code == 0, applied.output
    assert f"Applied {EXAMPLE_OFFERS} of {EXAMPLE_OFFERS} offer(s)" in applied.output
    log = json.loads((embedded_repo / ".offerops" / "apply-log.json").read_text())
    assert log["summary"] == {
        "succeeded": EXAMPLE_OFFERS,
        "failed": 0,
        "interrupted": 0,
        "notStarted": 0,
    }
    assert log["interruptedBy"] is None
    assert all(entry["change_set_id"] for entry in log["offers"])
    # each offer's start and end, UTC to the millisecond, in order
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
    for entry in log["offers"]:
        assert stamp.match(entry["startedAt"]) and stamp.match(entry["finishedAt"])
        assert entry["startedAt"] <= entry["finishedAt"]
        assert f"started ({entry['change_set_id']})" in applied.output
    again = run(embedded_repo, "plan", "--detailed-exitcode")
    assert again.exit_code == 0
    stale = run(embedded_repo, "apply", str(saved))
    assert stale.exit_code == 1


def test_markdown_plan_is_a_pr_comment(embedded_repo: Path) -> None:
    result = run(embedded_repo, "plan", "--format", "markdown")
    assert result.output.startswith(
        f"<!-- offerops-plan -->\n### offerops plan — {EXAMPLE_OFFERS} to create"
    )
    assert result.output.count("<details>") == EXAMPLE_OFFERS
    assert "USD 250.00" in result.output


def test_apply_without_yes_off_a_terminal_is_refused(embedded_repo: Path) -> None:
    result = run(embedded_repo, "apply")
    assert result.exit_code == 2
    assert "No changes" not in result.output


def test_plan_refuses_a_repository_with_lint_errors(embedded_repo: Path) -> None:
    path = embedded_repo / "offers" / "globex-tiers-2027.yaml"
    path.write_text(path.read_text().replace('"18000.00"', "18000"))
    result = CliRunner().invoke(cli, ["--root", str(embedded_repo), "plan"], env=ENV)
    assert result.exit_code == 1
    assert "lint found 1 error(s)" in result.output


def test_status_shows_agreements_after_a_buyer_accepts(embedded_repo: Path) -> None:
    assert run(embedded_repo, "apply", "--yes").exit_code == 0
    status = json.loads(
        run(embedded_repo, "status", "globex-tiers-2027", "--format", "json").output
    )
    (row,) = status
    assert row["state"] == "active"
    assert row["url"].endswith(f"offerId={row['offer_id']}")
    accepted = run(
        embedded_repo, "emulator", "accept", row["offer_id"], "--as", "210987654321", "--po", "PO-1"
    )
    assert accepted.exit_code == 0, accepted.output
    after = json.loads(run(embedded_repo, "status", "globex-tiers-2027", "--format", "json").output)
    assert [a["buyer"] for a in after[0]["agreements"]] == ["210987654321"]
    assert run(embedded_repo, "plan", "--detailed-exitcode").exit_code == 0


def test_import_round_trip(embedded_repo: Path) -> None:
    assert run(embedded_repo, "apply", "--yes").exit_code == 0
    originals = {p.name: p.read_text() for p in (embedded_repo / "offers").glob("*.yaml")}
    for path in (embedded_repo / "offers").glob("*.yaml"):
        path.unlink()
    imported = run(embedded_repo, "import", "--all")
    assert imported.exit_code == 0, imported.output
    assert sorted(p.name for p in (embedded_repo / "offers").glob("*.yaml")) == sorted(originals)
    lint = run(embedded_repo, "lint")
    assert lint.exit_code == 0, lint.output
    plan = run(embedded_repo, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    text = (embedded_repo / "offers" / "acme-installments-2027.yaml").read_text()
    assert "id: offer-" in text
    assert "      - legal/acme-msa.pdf" not in text or "documents:" in text


def test_import_never_overwrites(embedded_repo: Path) -> None:
    assert run(embedded_repo, "apply", "--yes").exit_code == 0
    result = run(embedded_repo, "import", "--all")
    assert result.exit_code == 0
    assert "nothing to import" in result.output


@contextlib.contextmanager
def served(root: Path, db: Path, *options: str) -> Iterator[str]:
    seed = offerops(
        root, "emulator", "seed", "--db", str(db), "--config", str(root / "offerops.yaml")
    )
    assert seed.returncode == 0, seed.stdout + seed.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "offerops",
            "emulator",
            "serve",
            "--port",
            str(port),
            "--db",
            str(db),
            *options,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.1):
                break
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def use_http(root: Path, url: str) -> None:
    config = root / "offerops.yaml"
    text = config.read_text().split("backend:")[0]
    config.write_text(text + f"backend:\n  kind: http\n  endpoint: {url}\n")


def test_killed_apply_converges_on_rerun_without_duplicates(
    embedded_repo: Path, tmp_path: Path
) -> None:
    """Kill apply while change sets are in flight, rerun until done: every offer exactly once."""
    with served(embedded_repo, tmp_path / "market.sqlite", "--changeset-seconds", "0.6") as url:
        use_http(embedded_repo, url)
        for delay in (0.8, 1.2):
            apply = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "offerops",
                    "--root",
                    str(embedded_repo),
                    "apply",
                    "--yes",
                    "--parallelism",
                    "2",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env={**os.environ, **ENV},
            )
            time.sleep(delay)
            apply.send_signal(signal.SIGKILL)
            apply.wait(timeout=10)
        final = offerops(embedded_repo, "apply", "--yes")
        assert final.returncode == 0, final.stdout + final.stderr
        plan = offerops(embedded_repo, "plan", "--format", "json")
        document = json.loads(plan.stdout)
        assert document["summary"]["no-op"] == EXAMPLE_OFFERS, document["summary"]
        assert document["summary"]["unmanaged"] == 0, "a duplicate offer was created"


@pytest.mark.parametrize("backend", ["embedded", "http"])
def test_concurrent_apply_processes_do_not_double_create(
    embedded_repo: Path, tmp_path: Path, backend: str
) -> None:
    context = (
        served(embedded_repo, tmp_path / "market.sqlite", "--changeset-seconds", "0.3")
        if backend == "http"
        else contextlib.nullcontext("")
    )
    with context as url:
        if url:
            use_http(embedded_repo, url)
        processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "offerops",
                    "--root",
                    str(embedded_repo),
                    "apply",
                    "--yes",
                    "--log",
                    f"log-{n}.json",
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env={**os.environ, **ENV},
            )
            for n in range(2)
        ]
        outputs = [process.communicate(timeout=120)[0].decode() for process in processes]
        plan = json.loads(offerops(embedded_repo, "plan", "--format", "json").stdout)
    assert plan["summary"]["no-op"] == EXAMPLE_OFFERS, (plan["summary"], outputs)
    assert plan["summary"]["unmanaged"] == 0


def test_an_unwritable_log_does_not_turn_a_successful_apply_into_a_failure(
    embedded_repo: Path,
) -> None:
    (embedded_repo / "taken").write_text("a file, not a directory\n")
    result = run(embedded_repo, "apply", "--yes", "--log", "taken/apply-log.json")
    assert result.exit_code == 0, result.output
    assert (
        f"Applied {EXAMPLE_OFFERS} of {EXAMPLE_OFFERS} offer(s); log: standard error, above"
        in result.stdout
    )
    warning, _, document = result.stderr.partition("here it is:\n")
    assert warning.startswith(
        f"offerops: warning: cannot write the apply log {embedded_repo / 'taken/apply-log.json'}"
    )
    log = json.loads(document)
    assert log["summary"]["succeeded"] == EXAMPLE_OFFERS
    assert all(entry["change_set_id"] for entry in log["offers"])


def test_a_full_state_directory_still_reports_the_apply(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every write to .offerops fails with ENOSPC (the marketplace is elsewhere on http; on the
    embedded backend the database is written by sqlite, which the patch leaves alone)."""

    def full(path: Path, _text: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr("offerops.reconcile.session.atomic_write_text", full)
    monkeypatch.setattr("offerops.reconcile.fetch.atomic_write_text", full)
    result = run(example_repo, "apply", "--yes")
    assert result.exit_code == 0, result.output
    assert "(No space left on device); here it is:" in result.stderr
    log = json.loads(result.stderr.partition("here it is:\n")[2])
    assert log["summary"] == {
        "succeeded": EXAMPLE_OFFERS,
        "failed": 0,
        "interrupted": 0,
        "notStarted": 0,
    }
    plan = run(example_repo, "plan", "--format", "json")
    assert json.loads(plan.stdout)["summary"]["no-op"] == EXAMPLE_OFFERS


def test_status_accepts_root_after_the_command(embedded_repo: Path, tmp_path: Path) -> None:
    assert run(embedded_repo, "apply", "--yes").exit_code == 0
    result = CliRunner().invoke(
        cli, ["status", "--root", str(embedded_repo), "--format", "json"], env=ENV
    )
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) == EXAMPLE_OFFERS


def test_import_refuses_a_bad_request_before_reading_the_marketplace(embedded_repo: Path) -> None:
    both = run(embedded_repo, "import", "offer-abc", "--all")
    assert (both.exit_code, "not both" in both.output) == (2, True)
    assert not (embedded_repo / ".offerops").exists()
    unknown = run(embedded_repo, "import", "offer-doesnotexist1")
    assert unknown.exit_code == 1
    assert "no such offer on the marketplace: offer-doesnotexist1" in unknown.output


def test_a_plan_apply_would_refuse_exits_1_and_says_why(embedded_repo: Path) -> None:
    """Raising a released offer's quantity needs a replacement offer: the plan must not end with
    "No changes" and exit 0 (the merge would then fail at apply), with or without
    --detailed-exitcode; the markdown comment says why the check is red."""
    assert run(embedded_repo, "apply", "--yes").exit_code == 0
    path = embedded_repo / "offers" / "umbrella-quarterly-2027.yaml"
    path.write_text(path.read_text().replace("quantity: 1000", "quantity: 10000"))
    for flags in ((), ("--detailed-exitcode",)):
        result = run(embedded_repo, "plan", *flags)
        assert result.exit_code == 1, result.output
        assert "No changes" not in result.output
        assert "! replace-needed umbrella-quarterly-2027" in result.output
        assert (
            result.output.rstrip()
            .splitlines()[-1]
            .startswith(
                "1 offer(s) need a replacement offer and were not changed: umbrella-quarterly-2027"
            )
        )
        assert "Apply will refuse 1 offer(s) that need a replacement offer" in result.output
    comment = run(embedded_repo, "plan", "--format", "markdown")
    assert comment.exit_code == 1
    assert "> [!CAUTION]\n> Apply will refuse 1 offer(s)" in comment.output
