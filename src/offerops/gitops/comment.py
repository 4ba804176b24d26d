"""The plan as ONE pull-request comment, updated on every push instead of piling up.

The comment is found by the marker the markdown plan starts with (``<!-- offerops-plan -->``):
list the pull request's comments (all pages), PATCH the first one that starts with the marker,
or POST a new one. Only the standard library's ``urllib`` is used, so the PR job installs nothing
beyond offerops. The token is sent in a header and never printed, logged or put in a message.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from offerops import __version__
from offerops.errors import OfferopsError, UsageError

MARKER = "<!-- offerops-plan -->"
"""The first line of ``offerops plan --format markdown``: identifies the plan comment."""
DEFAULT_API_URL = "https://api.github.com"
COMMENT_LIMIT = 65_536
"""GitHub refuses a comment body longer than this."""
PAGE_SIZE = 100
MAX_PAGES = 50
"""5,000 comments: far beyond any pull request; stops a runaway pagination loop."""
TIMEOUT = 30.0

_NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="next"')

Action = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class GitHubTarget:
    """Where the comment goes: API base, ``owner/name``, pull request number, and the token."""

    api_url: str
    repository: str
    number: int
    token: str = field(repr=False)


@dataclass(frozen=True)
class CommentResult:
    action: Action
    comment_id: int
    url: str


@dataclass(frozen=True)
class Response:
    """What the upsert logic needs from an HTTP response."""

    status: int
    body: Any
    link: str | None = None


Transport = Callable[[str, str, dict[str, str], bytes | None], Response]
"""``(method, url, headers, body) -> Response``; raises OfferopsError on HTTP errors."""


def target_from_env(environ: Mapping[str, str], number: int | None = None) -> GitHubTarget:
    """Read the target from GitHub Actions' variables; ``number`` overrides the event's."""
    token = environ.get("GITHUB_TOKEN", "")
    repository = environ.get("GITHUB_REPOSITORY", "")
    missing = [
        name
        for name, value in (("GITHUB_TOKEN", token), ("GITHUB_REPOSITORY", repository))
        if not value
    ]
    if missing:
        raise UsageError(
            f"{' and '.join(missing)} not set; `offerops comment` posts to a GitHub pull request",
            hint="in GitHub Actions pass env: GITHUB_TOKEN: ${{ github.token }}",
        )
    if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repository):
        raise UsageError(f'GITHUB_REPOSITORY must be "owner/name", got "{repository}"')
    number = number if number is not None else _event_number(environ.get("GITHUB_EVENT_PATH"))
    if number is None:
        raise UsageError("no pull request number: pass --pr NUMBER, or run on a pull_request event")
    api_url = (environ.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
    if urllib.parse.urlsplit(api_url).scheme not in ("http", "https"):
        raise UsageError(f'GITHUB_API_URL must be an http(s) URL, got "{api_url}"')
    return GitHubTarget(api_url, repository, number, token)


def _event_number(event_path: str | None) -> int | None:
    """The pull request number of the event that started the workflow, if it has one."""
    if not event_path:
        return None
    try:
        event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(event, dict):
        return None
    for source in (event.get("pull_request"), event.get("issue"), event):
        if isinstance(source, dict) and isinstance(source.get("number"), int):
            number: int = source["number"]
            return number
    return None


def upsert_comment(
    target: GitHubTarget, body: str, transport: Transport | None = None
) -> CommentResult:
    """Update the pull request's plan comment, or create it; unchanged text is not re-sent."""
    send = transport or urllib_transport
    body = fit_comment(body if body.lstrip().startswith(MARKER) else f"{MARKER}\n{body}")
    headers = _headers(target.token)
    existing = find_plan_comment(target, send, headers)
    payload = json.dumps({"body": body}).encode("utf-8")
    if existing is None:
        url = f"{target.api_url}/repos/{target.repository}/issues/{target.number}/comments"
        created = send("POST", url, headers, payload).body
        return CommentResult("created", int(created["id"]), str(created.get("html_url", "")))
    if existing.get("body") == body:
        return CommentResult("unchanged", int(existing["id"]), str(existing.get("html_url", "")))
    url = f"{target.api_url}/repos/{target.repository}/issues/comments/{existing['id']}"
    updated = send("PATCH", url, headers, payload).body
    return CommentResult("updated", int(updated["id"]), str(updated.get("html_url", "")))


def find_plan_comment(
    target: GitHubTarget, send: Transport, headers: dict[str, str]
) -> dict[str, Any] | None:
    """The oldest comment whose body starts with the marker, following ``Link: rel=next``."""
    url: str | None = (
        f"{target.api_url}/repos/{target.repository}/issues/{target.number}/comments"
        f"?per_page={PAGE_SIZE}"
    )
    for _ in range(MAX_PAGES):
        if url is None:
            return None
        response = send("GET", url, headers, None)
        for comment in response.body if isinstance(response.body, list) else []:
            text = comment.get("body") if isinstance(comment, dict) else None
            if isinstance(text, str) and text.lstrip().startswith(MARKER):
                return dict(comment)
        url = _next_page(response.link, target.api_url)
    return None


def _next_page(link: str | None, api_url: str) -> str | None:
    """The next page's URL, only on the API's own host: the token never goes elsewhere."""
    match = _NEXT_LINK.search(link or "")
    if match is None:
        return None
    url = match.group(1)
    same = urllib.parse.urlsplit(url)[:2] == urllib.parse.urlsplit(api_url)[:2]
    return url if same else None


def fit_comment(body: str) -> str:
    """A body GitHub would refuse, shortened: offers' details left out from the last one on,
    then summary-table rows, with a note saying where the full plan is (the job summary)."""
    from offerops.reconcile.render import fit_markdown

    return fit_markdown(body, COMMENT_LIMIT)


SUMMARY_LIMIT = 1_048_576
"""GitHub refuses a step's job summary larger than 1 MiB (and shows none of it); the same as
``render.MARKDOWN_LIMIT``, kept here so this module imports nothing until it posts."""


def append_step_summary(environ: Mapping[str, str], text: str) -> Path | None:
    """Append ``text`` to ``$GITHUB_STEP_SUMMARY`` when running in GitHub Actions; a plan too
    large even for a job summary (not one ``offerops plan --format markdown`` wrote: it fits)
    is shortened like a comment, pointing at ``offerops plan``."""
    target = environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    from offerops.reconcile.render import EVERY_FORMAT, fit_markdown

    text = fit_markdown(text, SUMMARY_LIMIT, full=EVERY_FORMAT)
    path = Path(target)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text if text.endswith("\n") else text + "\n")
    return path


def _headers(token: str) -> dict[str, str]:
    return {
        "Accept": "application/vnd.github+json",
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "User-Agent": f"offerops/{__version__}",
        "X-GitHub-Api-Version": "2022-11-28",
    }


def urllib_transport(
    method: str, url: str, headers: dict[str, str], body: bytes | None
) -> Response:
    """Send one request with urllib; errors become OfferopsError with GitHub's own message."""
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            raw = response.read()
            link = response.headers.get("Link")
            return Response(response.status, json.loads(raw) if raw else None, link)
    except urllib.error.HTTPError as error:
        detail = _error_message(error)
        error.close()
        raise _http_error(method, url, error.code, detail) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise OfferopsError(f"GitHub API {method} {_path(url)} failed: {reason}") from None


def _error_message(error: urllib.error.HTTPError) -> str:
    try:
        data = json.loads(error.read() or b"{}")
    except ValueError:
        return ""
    message = data.get("message") if isinstance(data, dict) else None
    return str(message) if message else ""


def _http_error(method: str, url: str, status: int, detail: str) -> OfferopsError:
    message = f"GitHub API {method} {_path(url)} returned {status}" + (
        f": {detail}" if detail else ""
    )
    hint = None
    if status in (401, 403):
        hint = (
            "the job needs `permissions: pull-requests: write`; pull requests from forks get a "
            "read-only token, so their plan is only in the job summary"
        )
    elif status == 404:
        hint = "check GITHUB_REPOSITORY and the pull request number"
    return OfferopsError(message, hint=hint)


def _path(url: str) -> str:
    """The URL's path only: enough to debug, nothing from the query string."""
    return urllib.parse.urlsplit(url).path
