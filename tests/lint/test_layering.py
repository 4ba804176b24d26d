"""``lint/`` never imports ``gitops/``: gitops uses the linter, not the other way round.

The history rules (OFR220-OFR222) are lint rules that read the base revision through
``offerops.lint.revision.BaseRevision``; ``gitops`` implements it. An import from ``lint/`` to
``gitops/`` (at the top, in a function, under TYPE_CHECKING, or by name through importlib)
would bring back the cycle lint -> gitops -> lint.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import offerops

PACKAGE = Path(offerops.__file__).parent
LINT = PACKAGE / "lint"
FORBIDDEN = "offerops.gitops"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> set[str]:
    """Every module ``path`` imports anywhere in its body, relative imports resolved, and every
    string constant that names an offerops module (``importlib.import_module("...")``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{node.module}" if node.module else anchor
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Constant) and str(node.value).startswith("offerops."):
            names.add(str(node.value))
    return names


def _is_gitops(name: str) -> bool:
    return name == FORBIDDEN or name.startswith(FORBIDDEN + ".")


def test_lint_never_imports_gitops() -> None:
    offending = {
        str(path.relative_to(PACKAGE)): sorted(filter(_is_gitops, imported_names(path)))
        for path in sorted(LINT.rglob("*.py"))
    }
    assert {path: names for path, names in offending.items() if names} == {}


def test_the_import_walk_sees_every_kind_of_import() -> None:
    """The walk itself works: top-level, in-function and TYPE_CHECKING imports are seen."""
    assert "offerops.gitops.gitrepo" in imported_names(PACKAGE / "gitops" / "history.py")
    assert "offerops.gitops.history" in imported_names(PACKAGE / "cli.py")  # in a function
    assert "offerops.lint.revision" in imported_names(LINT / "context.py")  # TYPE_CHECKING


def test_lint_runs_with_gitops_unimportable(tmp_path: Path) -> None:
    """In a fresh interpreter where importing ``offerops.gitops`` fails, the linter still
    imports, registers every rule (the history rules too) and lints a repository."""
    sys_path = [str(Path(__file__).parents[1])]  # tests/, for support
    script = textwrap.dedent(
        f"""
        import sys
        from importlib.abc import MetaPathFinder

        class BlockGitops(MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == "{FORBIDDEN}" or name.startswith("{FORBIDDEN}."):
                    raise ImportError("blocked: " + name)
                return None

        sys.meta_path.insert(0, BlockGitops())
        sys.path[:0] = {sys_path!r}
        from pathlib import Path
        from support import CONTRACT_OFFER, TODAY, OfferRepo
        from offerops.lint.rule import all_rules
        from offerops.lint.runner import LintRequest, lint

        ids = {{rule.id for rule in all_rules()}}
        assert {{"OFR220", "OFR221", "OFR222"}} <= ids, ids
        repo = OfferRepo.create(Path({str(tmp_path)!r}))
        repo.offer(CONTRACT_OFFER)
        report = lint(LintRequest(repo.root, TODAY))
        assert report.config_usable and not report.has_errors, report.findings
        loaded = sorted(name for name in sys.modules if name.startswith("{FORBIDDEN}"))
        assert not loaded, loaded
        print("ok", len(ids))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok ")
