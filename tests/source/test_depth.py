"""Nesting depth is refused before libyaml composes it: a finding, never a segfault.

libyaml's composer recurses in C, so ~50,000 nested levels kill the interpreter (exit 139, no
output) before any Python check runs. The loader bounds the depth from the text in linear time
and walks parser events (which do not recurse) only when the bound allows a deep document.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from _ruamel_yaml import CParser  # type: ignore[import-not-found]
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from offerops.model.limits import MAX_YAML_DEPTH
from offerops.source.loader import _depth_bound

PROJECT = Path(__file__).resolve().parents[2]
HEAD = "apiVersion: offerops/v1\nkind: PrivateOffer\nkey: deep\nspec:\n"
DEEP = 100_000

FORMS = {
    "block-sequences": "  " + "- " * DEEP + "x\n",
    "sequences-of-mappings": "".join("  " * i + "- b:\n" for i in range(1, 1000)) + "  x\n",
    "indented-mappings": "".join(" " * i + "k:\n" for i in range(1, 1400)) + " " * 1400 + "x\n",
    "indentless-sequences": "".join(" " * i + "k:\n" + " " * i + "-\n" for i in range(1, 900)),
    "explicit-keys": "  " + "? " * DEEP + "x\n",
    "flow-in-block": "  - - - " + "[" * DEEP + "]" * DEEP + "\n",
    "flow-mappings": "  x: " + "{a: " * DEEP + "b" + "}" * DEEP + "\n",
    "unterminated": "  " + "- " * DEEP + "[" * DEEP + "\n",
}
"""Every way to nest; those limited by indentation still nest past the limit within 1 MiB."""


def test_every_form_of_deep_nesting_is_a_finding() -> None:
    """In a subprocess: the failure mode is the interpreter dying, not an exception."""
    script = textwrap.dedent(
        """
        import json, sys, time
        from offerops.source.loader import parse_text
        for name, text in json.load(sys.stdin).items():
            start = time.perf_counter()
            _, problems = parse_text(text, "x.yaml")
            seconds = time.perf_counter() - start
            print(name, problems[0].rule, problems[0].message, seconds < 0.5)
        """
    )
    import json

    texts = {name: HEAD + body for name, body in FORMS.items()}
    assert all(len(text.encode()) < 1024 * 1024 for text in texts.values())
    result = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(FORMS)
    deep = f"OFR006 document nests deeper than {MAX_YAML_DEPTH} levels True"
    for name, line in zip(FORMS, lines, strict=True):
        assert line.startswith(name + " ")
        if name == "unterminated":
            assert line.split()[1] in ("OFR006", "OFR001")
        else:
            assert line == f"{name} {deep}"


def _depth(text: str) -> int:
    """The real nesting depth, from libyaml's (non-recursive) event stream; up to a syntax
    error, which is where composing would stop too."""
    parser = CParser(text)
    depth = deepest = 0
    with contextlib.suppress(Exception):
        while True:
            name = type(parser.get_event()).__name__
            if name in ("SequenceStartEvent", "MappingStartEvent"):
                depth += 1
                deepest = max(deepest, depth)
            elif name in ("SequenceEndEvent", "MappingEndEvent"):
                depth -= 1
            elif name == "StreamEndEvent":
                break
    parser.dispose()
    return deepest


LEAVES = st.one_of(st.integers(), st.text("ab -:?", max_size=5), st.none())
TREES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3),
        st.dictionaries(st.text("kx-", min_size=1, max_size=3), inner, min_size=1, max_size=3),
    ),
    max_leaves=60,
)


@settings(max_examples=300, deadline=None)
@given(
    TREES,
    st.integers(1, 4),
    st.integers(2, 4),
    st.integers(0, 2),
    st.sampled_from([None, False, True]),
)
def test_the_textual_bound_is_never_below_the_real_depth(
    data: object, mapping: int, sequence: int, offset: int, flow: bool | None
) -> None:
    """Rendered with every indentation style ruamel offers (indentless and compact sequences
    included), the cheap bound must never be lower than the depth libyaml composes."""
    yaml = YAML()
    yaml.indent(mapping=mapping, sequence=sequence, offset=min(offset, sequence - 2))
    yaml.default_flow_style = flow
    stream = io.StringIO()
    yaml.dump({"root": data}, stream)
    text = stream.getvalue()
    assert _depth(text) <= _depth_bound(text), text


@pytest.mark.parametrize(
    "text",
    [
        "- - - x\n",
        "? - - a\n: - - b\n",
        "a:\n- b:\n  - c:\n    - d\n",
        "- a:\n  - b: [c, {d: [e]}]\n",
        "\ufeff- - x\n",
        "k: &a\n  - - x\n",
        "- !!seq\n  - - x\n",
    ],
)
def test_the_bound_holds_for_compact_forms(text: str) -> None:
    assert _depth(text) <= _depth_bound(text)


def test_normal_offers_skip_the_event_walk() -> None:
    """The example offers are far below the limit, so only the cheap bound runs for them."""
    for path in sorted((PROJECT / "offers").glob("*.yaml")):
        assert _depth_bound(path.read_text(encoding="utf-8")) <= MAX_YAML_DEPTH, path.name


@pytest.mark.parametrize("config", [False, True], ids=["offer", "config"])
def test_deep_file_through_the_command_line(tmp_path: Path, config: bool) -> None:
    """The reproduction of the issue: exit 139 with no output, for offers and offerops.yaml."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(PROJECT / "offerops.yaml", root)
    shutil.copytree(PROJECT / "offers", root / "offers")
    shutil.copytree(PROJECT / "legal", root / "legal")
    target = root / ("offerops.yaml" if config else "offers/deep.yaml")
    target.write_text(HEAD + FORMS["block-sequences"], encoding="utf-8")
    env = {**os.environ, "OFFEROPS_TODAY": "2026-11-23", "NO_COLOR": "1"}
    commands = [["lint"], ["plan"]] if config else [["lint"]]
    for command in commands:
        done = subprocess.run(
            [sys.executable, "-m", "offerops", *command],
            cwd=root,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert done.returncode in (1, 2), (command, done.returncode, done.stderr)
        if command == ["lint"]:
            name = "offerops.yaml" if config else "offers/deep.yaml"
            assert f"{name}:5:" in done.stdout and "OFR006" in done.stdout
            assert f"nests deeper than {MAX_YAML_DEPTH} levels" in done.stdout
