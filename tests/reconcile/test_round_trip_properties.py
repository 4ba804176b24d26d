"""Round trips through the embedded emulator, a bounded number of generated offers per run.

See ``roundtrip.py`` for the properties; ``benchmarks/roundtrip.py`` runs them much longer.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reconcile.roundtrip import (
    MUTATIONS,
    Spec,
    apply_offer,
    check_round_trip,
    check_single_changes,
    lint_clean,
    new_repo,
    offer_specs,
)

EXAMPLES = 12
"""Per property: about 0.2 s each on a shared 2-core machine; the long run is in benchmarks/."""
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@contextmanager
def repository() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="offerops-roundtrip-") as folder:
        yield new_repo(Path(folder) / "repo")


@PROPERTY
@given(offer_specs())
def test_an_applied_offer_plans_empty_and_imports_back_as_itself(spec: Spec) -> None:
    with repository() as root:
        original = lint_clean(root, spec)
        assume(original is not None)
        assert original is not None
        check_round_trip(apply_offer(root, spec), original)


@PROPERTY
@given(offer_specs(), st.data())
def test_no_single_change_is_invisible_to_the_plan(spec: Spec, data: st.DataObject) -> None:
    with repository() as root:
        assume(lint_clean(root, spec) is not None)
        applied = apply_offer(root, spec)
        check_single_changes(applied, data.draw, count=len(MUTATIONS) // 3)
