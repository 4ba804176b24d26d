"""Every rule is documented and has examples that run (cfn-lint's and yamllint's meta-tests).

A rule is complete when its docstring has a summary line, ``Fails:`` and ``Passes:``, and the
``CASES`` tables in ``tests/lint/rules/test_*.py`` hold a failing case (its id in ``expect``) and
a passing case (``rule`` is its id, ``expect == []``). Rules of offerops.yaml (scope ``config``)
are exempt from cases, which lint offers, but some test must name them. Exemptions below are
explicit, with the reason; keep the list small.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from offerops.lint.rule import CATEGORIES, REGISTRY, Rule, all_rules
from support import Case

TESTS = Path(__file__).resolve().parent.parent
RULE_TESTS = TESTS / "lint" / "rules"

CASE_EXEMPT = {
    "OFR203": "two offer files with one key need two paths; plain tests in test_identity.py",
    "OFR220": "compares with a git revision; tests/gitops/test_history.py",
    "OFR221": "compares with a git revision; tests/gitops/test_history.py",
    "OFR222": "compares with a git revision; tests/gitops/test_history.py",
    "OFR008": "needs a FIFO, socket or symlink, which Case rows cannot hold; tests/source/",
}
"""Rule id -> why it has no Case rows. Each must still be named by some test."""

_ID = re.compile(r"^OFR\d{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_EXAMPLE = re.compile(r"^\s*(Fails|Passes)\b[^\n:]*:", re.MULTILINE)


def _import(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_meta_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def all_cases() -> tuple[Case, ...]:
    """The CASES of every rule test module, imported by path."""
    cases: list[Case] = []
    for path in sorted(RULE_TESTS.glob("test_*.py")):
        cases.extend(getattr(_import(path), "CASES", []))
    return tuple(cases)


@cache
def texts_of_tests() -> str:
    """The text of every test module except this one (where ids appear in exemptions)."""
    paths = sorted(p for p in TESTS.rglob("test_*.py") if p.resolve() != Path(__file__).resolve())
    return "\n".join(path.read_text(encoding="utf-8") for path in paths)


RULES = all_rules()


def test_registry_is_not_empty() -> None:
    assert len(RULES) >= 12


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_rule_is_documented(rule: Rule) -> None:
    problems = []
    if not rule.summary:
        problems.append("its docstring has no summary line")
    labels = set(_EXAMPLE.findall(rule.doc))
    problems.extend(
        f"its docstring has no {label}: example"
        for label in ("Fails", "Passes")
        if label not in labels
    )
    assert not problems, f"{rule.id} {rule.name}: " + "; ".join(problems)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_rule_id_and_name(rule: Rule) -> None:
    assert _ID.match(rule.id), f"{rule.id}: ids are OFR and three digits"
    assert int(rule.id[3]) in CATEGORIES, f"{rule.id}: hundreds digit is not a category"
    assert _NAME.match(rule.name), f"{rule.id}: name {rule.name!r} is not kebab-case"


def test_names_are_unique() -> None:
    names = [rule.name for rule in RULES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_rule_has_examples_that_run(rule: Rule) -> None:
    cases = all_cases()
    named = re.search(rf"\b{rule.id}\b", texts_of_tests()) is not None
    if rule.scope == "config" or rule.id in CASE_EXEMPT:
        assert named, f"{rule.id} {rule.name}: no test in tests/ names it"
        return
    missing = []
    if not any(rule.id in {hit[2] for hit in case.expect} for case in cases):
        missing.append(f'a failing Case (with "{rule.id}" in expect)')
    if not any(case.rule == rule.id and case.expect == [] for case in cases):
        missing.append(f'a passing Case (rule="{rule.id}", expect=[])')
    assert not missing, (
        f"{rule.id} {rule.name} ({rule.scope} rule) lacks "
        + " and ".join(missing)
        + " in the CASES of tests/lint/rules/test_*.py"
    )


def test_cases_name_registered_rules() -> None:
    unknown = sorted(
        {case.rule for case in all_cases()}
        | {hit[2] for case in all_cases() for hit in case.expect}
    )
    assert [rule_id for rule_id in unknown if rule_id not in REGISTRY] == []


def test_exemptions_are_still_needed() -> None:
    for rule_id in CASE_EXEMPT:
        assert rule_id in REGISTRY, f"{rule_id} is exempt but no longer registered"
        assert REGISTRY[rule_id].scope != "config", f"{rule_id}: config rules need no exemption"
