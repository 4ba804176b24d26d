"""Generate ``docs/rules.md`` from the rule registry: the docstrings are the documentation.

The page has an index per category, then one section per rule whose heading gives the anchor that
SARIF ``helpUri`` links to (:func:`rule_anchor`, :func:`rule_url`). ``tests/test_docs.py`` fails
when the committed page differs from :func:`render_rules_markdown`; ``python -m offerops.docs``
rewrites it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from offerops.errors import UsageError
from offerops.lint.finding import Severity
from offerops.lint.rule import CATEGORIES, Rule, Scope, all_rules

RULES_DOC = "docs/rules.md"
"""Where the generated page lives, relative to the offerops source repository."""

DOCS_URL_ENV = "OFFEROPS_DOCS_URL"
"""The environment variable with the absolute URL of the published ``docs/rules.md``.

offerops has no published home yet, so no URL is built in: SARIF ``helpUri`` must be absolute,
and a guessed one would send reviewers to a page that does not exist. The GitHub Action sets
the variable to ``docs/rules.md`` of the offerops repository and ref the workflow uses; without
it, SARIF carries each rule's full help text and no ``helpUri``.
"""

REGENERATE_COMMAND = "python -m offerops.docs"
"""The command that rewrites ``docs/rules.md``; named in the header and in test failures."""

_SCOPES: dict[Scope, str] = {
    "source": "each file, while it is read",
    "structure": "the fields and types of each file",
    "offer": "each offer with a valid structure",
    "repository": "all offers together",
    "config": "offerops.yaml",
}

_EXAMPLE = re.compile(r"^(?P<label>Fails|Passes)(?P<where> \([^)]*\))?:(?P<rest>.*)$")
_RST_LITERAL = re.compile(r"``(.+?)``")


def rule_anchor(rule: Rule) -> str:
    """The anchor of the rule's section: GitHub's slug of the heading ``OFR001 yaml-syntax``."""
    return f"{rule.id.lower()}-{rule.name}"


def rule_url(rule: Rule, page: str = RULES_DOC) -> str:
    """The rule's section of ``page``: the rules page's URL (absolute for SARIF ``helpUri``),
    by default the page's path in the offerops repository."""
    return f"{page}#{rule_anchor(rule)}"


def docs_url(environ: Mapping[str, str]) -> str | None:
    """The absolute URL of the rules page from :data:`DOCS_URL_ENV`, or None when unset.

    Raises UsageError for a value that is not an absolute http(s) URL: a relative one would be
    an invalid SARIF ``helpUri``, and silently dropping it would hide the typo.
    """
    value = environ.get(DOCS_URL_ENV, "").strip()
    if not value:
        return None
    if not re.match(r"^https?://[^/\s]+/\S*$", value):
        raise UsageError(
            f'{DOCS_URL_ENV} must be the absolute http(s) URL of docs/rules.md, got "{value}"',
            hint="e.g. https://github.com/OWNER/offerops/blob/v0.1.0/docs/rules.md, or unset it",
        )
    return value.split("#", 1)[0]


def category_label(digit: int) -> str:
    """``YAML (OFR0xx)``: a category with its id range."""
    return f"{CATEGORIES[digit]} (OFR{digit}xx)"


def render_rules_markdown() -> str:
    """The whole of ``docs/rules.md``."""
    rules = all_rules()
    parts = [_header(), "## Index", *_index(rules), "## Rules"]
    parts.extend(f"### {rule.id} {rule.name}\n\n{rule_markdown(rule)}" for rule in rules)
    return "\n\n".join(part.rstrip("\n") for part in parts) + "\n"


def write_rules_markdown(path: Path) -> bool:
    """Write the page to ``path``; True when its content changed."""
    text = render_rules_markdown()
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")
    return True


def _header() -> str:
    return (
        "# Lint rules\n\n"
        f"<!-- Generated from the rule docstrings by `{REGENERATE_COMMAND}`; do not edit. -->\n\n"
        "Every finding names a rule by its id (`OFR301`) and its name (`price-format`); "
        "either can be used in `offerops.yaml`. Ids are never reused; the hundreds digit is the "
        "category. Errors are what the marketplace rejects: they fail `offerops lint` (exit 1) "
        "and cannot be switched off. Warnings are advice: they never change the exit code, and "
        "can be switched off or made errors in `offerops.yaml` under `lint.rules`, with a "
        "`reason` that reviewers read:\n\n"
        "```yaml\n"
        "lint:\n"
        "  rules:\n"
        "    buyer-not-registered:          # a rule id or name\n"
        '      severity: "off"              # error | warning | "off"\n'
        "      reason: EMEA status is checked in our CRM\n"
        "```"
    )


def _index(rules: list[Rule]) -> Iterator[str]:
    for digit in sorted(CATEGORIES):
        members = [rule for rule in rules if int(rule.id[3]) == digit]
        if not members:
            continue
        rows = [
            f"| [{rule.id}](#{rule_anchor(rule)}) | `{rule.name}` | {rule.severity} "
            f"| {_cell(rule.summary)} |"
            for rule in members
        ]
        table = "\n".join(["| Rule | Name | Default | Summary |", "|---|---|---|---|", *rows])
        yield f"### {category_label(digit)}\n\n{table}"


def rule_markdown(rule: Rule) -> str:
    """One rule's section below its heading: facts, docstring, examples, severity settings.

    Also the SARIF ``help.markdown`` of the rule.
    """
    facts = (
        f"**Category:** {category_label(int(rule.id[3]))} · "
        f"**Default severity:** {rule.severity} · **Checked on:** {_SCOPES[rule.scope]}"
    )
    return "\n\n".join([facts, *_markdown_blocks(rule.doc), _severity_note(rule)])


def rule_description(rule: Rule) -> str:
    """The explanation below the summary line, up to the examples, as plain text."""
    paragraphs: list[str] = []
    for kind, text in _doc_blocks(rule.doc):
        if kind != "prose" or _EXAMPLE.match(text.removeprefix("**")):
            break
        paragraphs.append(text)
    return _inline("\n\n".join(paragraphs[1:]) or rule.summary)


def _markdown_blocks(doc: str) -> Iterator[str]:
    """The docstring as Markdown blocks: prose paragraphs, labelled examples as yaml fences."""
    for kind, text in _doc_blocks(doc):
        if kind == "code":
            yield f"```yaml\n{text}\n```"
        elif kind == "label":
            yield f"**{_inline(text)}**"
        else:
            yield _inline(text)


def _doc_blocks(doc: str) -> Iterator[tuple[str, str]]:
    """Split a cleaned docstring into ("prose" | "label" | "code", text) blocks.

    Indented lines are code (dedented); a line ``Fails:`` or ``Passes (in x):`` on its own is a
    label; ``Fails: prose`` keeps its prose after a bold label.
    """
    paragraphs = re.split(r"\n\s*\n", doc.strip("\n"))
    code: list[str] = []
    for paragraph in paragraphs:
        lines = paragraph.splitlines()
        if all(line.startswith("    ") or not line.strip() for line in lines):
            code.extend(["", *lines] if code else lines)
            continue
        if code:
            yield "code", _dedent(code)
            code = []
        match = _EXAMPLE.match(lines[0])
        if match and not match["rest"].strip() and len(lines) == 1:
            yield "label", f"{match['label']}{match['where'] or ''}:"
        elif match:
            rest = " ".join([match["rest"].strip(), *(line.strip() for line in lines[1:])])
            yield "prose", f"**{match['label']}{match['where'] or ''}:** {rest.strip()}"
        else:
            yield "prose", " ".join(line.strip() for line in lines)
    if code:
        yield "code", _dedent(code)


def _dedent(lines: list[str]) -> str:
    width = min(len(line) - len(line.lstrip(" ")) for line in lines if line.strip())
    return "\n".join(line[width:] if line.strip() else "" for line in lines)


def _severity_note(rule: Rule) -> str:
    if rule.severity is Severity.ERROR:
        return (
            "**Severity:** error. Errors fail `offerops lint` and cannot be switched off or made "
            "warnings in `offerops.yaml` (trying to is reported as OFR702)."
        )
    return (
        "**Severity:** warning by default. To switch it off or make it an error, add to "
        "`offerops.yaml`:\n\n"
        "```yaml\n"
        "lint:\n"
        "  rules:\n"
        f'    {rule.name}: {{ severity: "off", reason: "why reviewers can accept this" }}\n'
        "```"
    )


def _inline(text: str) -> str:
    """reST literals (````x````) as Markdown code spans."""
    return _RST_LITERAL.sub(r"`\1`", text)


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|")


if __name__ == "__main__":  # ``python -m offerops.docs [path]``
    import sys

    target = Path(sys.argv[1] if len(sys.argv) > 1 else RULES_DOC)
    print(f"{target}: {'updated' if write_rules_markdown(target) else 'up to date'}")
