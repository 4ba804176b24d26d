"""docs/rules.md is generated from the rule docstrings and must be current."""

from __future__ import annotations

import re
from pathlib import Path

from offerops.docs import (
    REGENERATE_COMMAND,
    RULES_DOC,
    render_rules_markdown,
    rule_anchor,
    rule_url,
    write_rules_markdown,
)
from offerops.lint.rule import all_rules

ROOT = Path(__file__).resolve().parent.parent


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lowercase, punctuation dropped, spaces -> -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_rules_md_is_current() -> None:
    path = ROOT / RULES_DOC
    expected = render_rules_markdown()
    actual = path.read_text(encoding="utf-8") if path.is_file() else ""
    assert actual == expected, (
        f"{RULES_DOC} is out of date with the rule docstrings; regenerate it with "
        f"`{REGENERATE_COMMAND}` (or `.venv/bin/python -m offerops.docs`) and commit it"
    )


def test_every_rule_has_a_section_whose_anchor_matches_its_help_uri() -> None:
    text = render_rules_markdown()
    headings = {github_slug(line.lstrip("#")) for line in text.splitlines() if line.startswith("#")}
    for rule in all_rules():
        assert rule_anchor(rule) in headings, rule.id
        assert rule_url(rule).endswith(f"{RULES_DOC}#{rule_anchor(rule)}")
        assert f"[{rule.id}](#{rule_anchor(rule)})" in text


def test_examples_are_fenced_yaml_and_severity_is_explained() -> None:
    text = render_rules_markdown()
    section = text.split("### OFR002 duplicate-key\n", 1)[1].split("\n### ", 1)[0]
    assert (
        "**Fails:**\n\n```yaml\nspec:\n  expiresOn: 2027-03-31\n  expiresOn: 2027-06-30\n```"
        in section
    )
    assert "**Passes:**\n\n```yaml\n" in section
    assert "cannot be switched off" in section
    warning = next(rule for rule in all_rules() if rule.severity == "warning")
    section = text.split(f"### {warning.id} {warning.name}\n", 1)[1].split("\n### ", 1)[0]
    assert f'{warning.name}: {{ severity: "off", reason: ' in section


def test_write_rules_markdown(tmp_path: Path) -> None:
    path = tmp_path / "docs" / "rules.md"
    assert write_rules_markdown(path) is True
    assert path.read_text(encoding="utf-8") == render_rules_markdown()
    assert write_rules_markdown(path) is False
