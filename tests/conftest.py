"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import OfferRepo


@pytest.fixture
def repo(tmp_path: Path) -> OfferRepo:
    """An offers repository with the standard test config and legal/msa.pdf."""
    return OfferRepo.create(tmp_path)


SLOW_MODULES = frozenset(
    {
        # processes, servers and signals
        "tests/reconcile/test_interrupts.py",
        "tests/reconcile/test_cli_reconcile.py",
        "tests/reconcile/test_retry_faults.py",
        "tests/emulator/test_serve_time.py",
        "tests/emulator/test_server_connections.py",
        "tests/emulator/test_cli_emulator.py",
        "tests/test_security.py",
        # end to end: the whole reconciler, or the served emulator, per test
        "tests/reconcile/test_reconcile_e2e.py",
        "tests/reconcile/test_products.py",
        "tests/reconcile/test_lifecycle.py",
        "tests/reconcile/test_reference_shapes.py",
        "tests/reconcile/test_nothing_dropped.py",
        "tests/reconcile/test_status_cli.py",
        "tests/emulator/test_reference_changesets.py",
        "tests/emulator/test_server.py",
        "tests/emulator/test_server_auth.py",
        "tests/emulator/test_server_catalog.py",
        "tests/emulator/test_server_model_ops.py",
        "tests/emulator/test_model_coverage.py",
        # git repositories made and committed to per test
        "tests/gitops/test_history.py",
        "tests/gitops/test_changed.py",
        "tests/gitops/test_clone_replace.py",
        "tests/gitops/test_pull_request_checkout.py",
        # property searches (hypothesis) over the whole format
        "tests/reconcile/test_round_trip_properties.py",
        "tests/reconcile/test_key_index.py",
        "tests/terms/test_round_trip.py",
        "tests/terms/test_unrepresentable.py",
        "tests/lint/test_properties.py",
        "tests/source/test_depth.py",
    }
)
"""Modules whose tests start processes or servers, wait for signals, run the reconciler end to
end, or search with hypothesis: each takes from a few hundred milliseconds to seconds."""

SLOW_TESTS = frozenset(
    {
        "tests/test_cli.py::test_example_repository_lints_clean_as_subprocess",
        "tests/test_cli.py::test_changed_since_without_git_exits_2",
        "tests/lint/test_layering.py::test_lint_runs_with_gitops_unimportable",
        "tests/emulator/test_engine_runtime.py::"
        "test_many_change_sets_from_threads_do_not_serialize_on_processing",
        "tests/emulator/test_limits_agree.py::test_the_emulator_decides_validity_on_its_own",
        "tests/reconcile/test_reconcile_e2e.py::"
        "test_on_a_slow_server_with_quotas_apply_retries_busy_offers_and_throttling",
        "tests/test_cli.py::test_products_import_as_subprocess",
    }
)
"""Single slow tests in otherwise fast modules (a subprocess, a thread race, a new interpreter)."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the slow tests in one place, so ``pytest -m "not slow"`` is the fast loop.

    Slow: the modules and tests above, and every test parametrised over a served emulator (an
    ``http`` parameter: a real server and boto3 per test). CI runs everything.
    """
    root = Path(str(config.rootpath))
    for item in items:
        relative = Path(str(item.path)).relative_to(root).as_posix()
        name = item.nodeid.split("[", 1)[0]
        served = "[http" in item.nodeid or "-http" in item.nodeid
        if relative in SLOW_MODULES or name in SLOW_TESTS or served:
            item.add_marker(pytest.mark.slow)
