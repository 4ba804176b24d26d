"""The plan comment upsert, against a fake GitHub REST API on 127.0.0.1 (an ephemeral port)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from offerops.errors import OfferopsError, UsageError
from offerops.gitops.comment import (
    COMMENT_LIMIT,
    MARKER,
    GitHubTarget,
    fit_comment,
    target_from_env,
    upsert_comment,
)

TOKEN = "ghs_secretsecretsecret"
PLAN = f"{MARKER}\n### offerops plan — 1 to create\n"


@dataclass
class FakeGitHub:
    """Issue comments of one pull request (#7 of acme/offers), served two per page."""

    comments: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    fail_with: int | None = None
    page_size: int = 2
    url: str = ""
    auth: set[str] = field(default_factory=set)

    def target(self, number: int = 7) -> GitHubTarget:
        return GitHubTarget(self.url, "acme/offers", number, TOKEN)


def _handler(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _record(self) -> bool:
            fake.requests.append((self.command, self.path))
            fake.auth.add(self.headers.get("Authorization", ""))
            if fake.fail_with is not None:
                self._reply(fake.fail_with, {"message": "Resource not accessible by integration"})
                return False
            return True

        def do_GET(self) -> None:
            if not self._record():
                return
            url = urlsplit(self.path)
            assert url.path == "/repos/acme/offers/issues/7/comments"
            page = int(parse_qs(url.query).get("page", ["1"])[0])
            start = (page - 1) * fake.page_size
            chunk = fake.comments[start : start + fake.page_size]
            headers = {}
            if start + fake.page_size < len(fake.comments):
                headers["Link"] = f'<{fake.url}{url.path}?page={page + 1}>; rel="next"'
            self._reply(200, chunk, headers)

        def _body(self) -> str:
            length = int(self.headers["Content-Length"])
            return str(json.loads(self.rfile.read(length))["body"])

        def do_POST(self) -> None:
            if not self._record():
                return
            assert self.path == "/repos/acme/offers/issues/7/comments"
            comment = {"id": 1000 + len(fake.comments), "body": self._body()}
            comment["html_url"] = f"https://github.invalid/c/{comment['id']}"
            fake.comments.append(comment)
            self._reply(201, comment)

        def do_PATCH(self) -> None:
            if not self._record():
                return
            comment_id = int(self.path.rsplit("/", 1)[1])
            comment = next(c for c in fake.comments if c["id"] == comment_id)
            comment["body"] = self._body()
            self._reply(200, comment)

    return Handler


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def other(number: int) -> dict[str, Any]:
    return {"id": number, "body": f"LGTM {number}", "html_url": f"https://github.invalid/{number}"}


def test_first_plan_creates_the_comment(github: FakeGitHub) -> None:
    github.comments = [other(1), other(2), other(3)]
    result = upsert_comment(github.target(), PLAN)
    assert result.action == "created"
    assert [method for method, _ in github.requests] == ["GET", "GET", "POST"]
    assert github.comments[-1]["body"] == PLAN
    assert github.auth == {f"Bearer {TOKEN}"}


def test_later_pushes_update_the_same_comment_found_on_page_two(github: FakeGitHub) -> None:
    quoted = {"id": 3, "body": f"> {MARKER}\n> quoted by a reviewer", "html_url": ""}
    mine = {"id": 4, "body": PLAN, "html_url": "https://github.invalid/c/4"}
    github.comments = [other(1), other(2), quoted, mine, other(5)]
    result = upsert_comment(github.target(), PLAN.replace("1 to create", "2 to create"))
    assert (result.action, result.comment_id) == ("updated", 4)
    assert github.requests[-1] == ("PATCH", "/repos/acme/offers/issues/comments/4")
    assert "2 to create" in github.comments[3]["body"]
    assert len(github.comments) == 5


def test_same_plan_is_not_sent_again(github: FakeGitHub) -> None:
    github.comments = [{"id": 9, "body": PLAN, "html_url": "u"}]
    assert upsert_comment(github.target(), PLAN).action == "unchanged"
    assert [method for method, _ in github.requests] == ["GET"]


def test_a_body_without_the_marker_gets_it(github: FakeGitHub) -> None:
    upsert_comment(github.target(), "### plan\n")
    assert github.comments[0]["body"].startswith(MARKER + "\n")


def test_forbidden_explains_and_never_shows_the_token(github: FakeGitHub) -> None:
    github.fail_with = 403
    with pytest.raises(OfferopsError) as raised:
        upsert_comment(github.target(), PLAN)
    text = f"{raised.value.message} {raised.value.hint}"
    assert "returned 403: Resource not accessible by integration" in text
    assert "pull-requests: write" in text
    assert TOKEN not in text + repr(github.target())


def test_next_page_on_another_host_is_not_followed(github: FakeGitHub) -> None:
    from offerops.gitops.comment import _next_page

    assert _next_page('<https://evil.invalid/x?page=2>; rel="next"', github.url) is None
    assert _next_page(f'<{github.url}/x?page=2>; rel="next"', github.url) is not None


def test_unreachable_api_is_a_clear_error() -> None:
    target = GitHubTarget("http://127.0.0.1:9", "acme/offers", 7, TOKEN)
    with pytest.raises(OfferopsError, match="GitHub API GET /repos/acme/offers/issues/7/comments"):
        upsert_comment(target, PLAN)


def test_target_from_environment_and_event(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 42}}))
    environ = {
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_REPOSITORY": "acme/offers",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_API_URL": "https://ghe.example.com/api/v3/",
    }
    target = target_from_env(environ)
    assert (target.api_url, target.repository, target.number) == (
        "https://ghe.example.com/api/v3",
        "acme/offers",
        42,
    )
    assert target_from_env(environ, 5).number == 5
    assert target_from_env({**environ, "GITHUB_API_URL": ""}).api_url == "https://api.github.com"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "GITHUB_TOKEN and GITHUB_REPOSITORY not set"),
        ({"GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": "acme"}, "must be"),
        ({"GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": "acme/offers"}, "no pull request number"),
        (
            {"GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": "a/b", "GITHUB_API_URL": "file:///x"},
            "GITHUB_API_URL",
        ),
    ],
)
def test_target_errors(environ: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        target_from_env(environ, 1 if "GITHUB_API_URL" in environ else None)


def test_long_plans_are_cut_to_fit() -> None:
    body = fit_comment(MARKER + "x" * (COMMENT_LIMIT * 2))
    assert len(body) <= COMMENT_LIMIT
    assert body.startswith(MARKER) and "Plan truncated" in body


def test_comment_command_posts_and_writes_the_job_summary(
    github: FakeGitHub, tmp_path: Path
) -> None:
    from offerops.gitops.cli import comment_command

    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    environ = {
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_REPOSITORY": "acme/offers",
        "GITHUB_API_URL": github.url,
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_EVENT_PATH": "",
    }
    result = CliRunner().invoke(
        comment_command, ["--plan-file", "-", "--pr", "7"], input=PLAN, env=environ
    )
    assert result.exit_code == 0, result.output
    assert "created the plan comment on #7" in result.output
    assert TOKEN not in result.output
    assert summary.read_text() == "earlier step\n" + PLAN
    assert github.comments[0]["body"] == PLAN
