"""Shell completion (click's ``_OFFEROPS_COMPLETE``) works through the lazy command group."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from offerops.cli import cli


def complete(words: str) -> list[str]:
    env = {
        "_OFFEROPS_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    result = CliRunner().invoke(cli, [], prog_name="offerops", env=env)
    assert result.exit_code == 0, result.output
    return [line.split(",", 1)[1] for line in result.output.splitlines()]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("offerops em", ["emulator"]),  # a lazy group, imported only to complete below it
        ("offerops emulator se", ["seed", "serve"]),
        ("offerops lint --format ", ["text", "json", "sarif", "github"]),
        ("offerops com", ["comment"]),
    ],
)
def test_completion(words: str, expected: list[str]) -> None:
    assert complete(words) == expected


def test_bash_source_script() -> None:
    env = {"_OFFEROPS_COMPLETE": "bash_source"}
    result = CliRunner().invoke(cli, [], prog_name="offerops", env=env)
    assert result.exit_code == 0
    assert "_offerops_completion()" in result.output
    assert "complete -o nosort -F _offerops_completion offerops" in result.output
