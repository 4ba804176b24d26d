"""The key index is a cache that is verified, never trusted: a wrong index never creates a
duplicate offer nor changes a plan, and an index that cannot be read or written never fails a
run."""

from __future__ import annotations

import errno
import io
import json
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offerops.reconcile import fetch
from offerops.reconcile.apply import ApplyOptions, apply_entries
from offerops.reconcile.fetch import KeyIndex, key_of, list_offer_summaries
from offerops.reconcile.plan import Plan
from offerops.reconcile.retry import RetryPolicy
from offerops.reconcile.session import Session, open_session
from reconcile.conftest import EXAMPLE_OFFERS
from support import TODAY

PROJECT = Path(__file__).resolve().parents[2]

OpenSession = Callable[[Path], Session]
FAST = ApplyOptions(parallelism=4, poll_initial_seconds=0.001, poll_max_seconds=0.01)
PENDING = "umbrella-quarterly-2027"
"""An example offer left out of the first apply, so later plans create it."""
CHANGED = "acme-analytics-2027"


WAITING = "acme-analytics-2027-upgrade.yaml"
"""Waits for an agreement (``conftest.WAITING_EXAMPLE``): not part of these tests."""


def copy_example(parent: Path) -> Path:
    """The project's example repository (config, offers, legal) under ``parent``."""
    root = parent / "repo"
    root.mkdir()
    shutil.copy(PROJECT / "offerops.yaml", root / "offerops.yaml")
    shutil.copytree(PROJECT / "offers", root / "offers", ignore=shutil.ignore_patterns(WAITING))
    shutil.copytree(PROJECT / "legal", root / "legal")
    return root


def index_path(root: Path) -> Path:
    return next((root / ".offerops").glob("index-*.json"))


def read_index(root: Path) -> dict[str, Any]:
    keys: dict[str, Any] = json.loads(index_path(root).read_text())["keys"]
    return keys


def write_index(root: Path, keys: Any) -> None:
    index_path(root).write_text(json.dumps({"keys": keys}))


def id_of(root: Path, key: str) -> str:
    return next(offer_id for offer_id, value in read_index(root).items() if value == key)


def apply_all(session: Session) -> Plan:
    plan = session.plan()
    results = session.apply(plan, FAST)
    assert [r.errors for r in results if r.status != "SUCCEEDED"] == []
    return plan


def decisions(plan: Plan) -> list[tuple[str, str | None, str | None]]:
    return sorted((e.action, e.key, e.offer_id) for e in plan.entries)


def tag_counts(session: Session) -> Counter[str]:
    """How many listed offers carry each key, read from the tags (never the index)."""
    retry = session.retry
    return Counter(
        key
        for summary in list_offer_summaries(session.client, retry)
        if (key := key_of(session.client, summary["EntityArn"], retry))
    )


def edit_expiry(root: Path, key: str = CHANGED) -> None:
    path = root / "offers" / f"{key}.yaml"
    text = path.read_text()
    assert "  expiresOn: 2027-03-31\n" in text
    path.write_text(text.replace("  expiresOn: 2027-03-31\n", "  expiresOn: 2027-03-30\n"))


def test_a_null_entry_never_creates_a_duplicate(
    example_repo: Path, session_for: OpenSession
) -> None:
    """The reported reproduction: apply, change, apply, null the entry, apply."""
    apply_all(session_for(example_repo))
    edit_expiry(example_repo)
    apply_all(session_for(example_repo))
    keys = read_index(example_repo)
    keys[id_of(example_repo, CHANGED)] = None
    write_index(example_repo, keys)
    session = session_for(example_repo)
    plan = session.plan()
    assert {e.action for e in plan.entries} == {"no-op"}
    assert session.client.calls["list_tags_for_resource"] == 1
    assert session.apply(plan, FAST) == []
    assert set(tag_counts(session_for(example_repo)).values()) == {1}
    assert read_index(example_repo)[id_of(example_repo, CHANGED)] == CHANGED


def test_swapped_entries_are_resolved_from_the_tags(
    embedded_repo: Path, session_for: OpenSession
) -> None:
    apply_all(session_for(embedded_repo))
    keys = read_index(embedded_repo)
    one, two = id_of(embedded_repo, CHANGED), id_of(embedded_repo, "globex-tiers-2027")
    keys[one], keys[two] = keys[two], keys[one]
    write_index(embedded_repo, keys)
    session = session_for(embedded_repo)
    plan = session.plan()
    assert {e.action for e in plan.entries} == {"no-op"}
    assert session.client.calls["list_tags_for_resource"] == 2
    assert read_index(embedded_repo)[one] == CHANGED


def test_two_entries_claiming_one_key_are_both_verified(
    embedded_repo: Path, session_for: OpenSession
) -> None:
    apply_all(session_for(embedded_repo))
    keys = read_index(embedded_repo)
    keys[id_of(embedded_repo, "globex-tiers-2027")] = CHANGED
    write_index(embedded_repo, keys)
    session = session_for(embedded_repo)
    plan = session.plan()
    assert {e.action for e in plan.entries} == {"no-op"}
    assert session.client.calls["list_tags_for_resource"] == 2


@pytest.mark.parametrize(
    "content",
    ["not json {", "[1, 2]", '{"keys": []}', '{"keys": "x"}', '{"keys": {"offer-x": 5}}', ""],
)
def test_a_malformed_index_is_a_cold_cache(
    embedded_repo: Path, session_for: OpenSession, content: str
) -> None:
    apply_all(session_for(embedded_repo))
    index_path(embedded_repo).write_text(content)
    session = session_for(embedded_repo)
    assert {e.action for e in session.plan().entries} == {"no-op"}
    assert session.client.calls["list_tags_for_resource"] == EXAMPLE_OFFERS
    assert sorted(read_index(embedded_repo).values()) == sorted(
        p.stem for p in (embedded_repo / "offers").glob("*.yaml")
    )


def test_wrong_types_are_dropped_and_stale_entries_forgotten(
    embedded_repo: Path, session_for: OpenSession
) -> None:
    apply_all(session_for(embedded_repo))
    keys = read_index(embedded_repo)
    wrong = id_of(embedded_repo, CHANGED)
    keys.update({wrong: ["a list"], "offer-gone0000000": "some-key"})
    write_index(embedded_repo, keys)
    session = session_for(embedded_repo)
    assert {e.action for e in session.plan().entries} == {"no-op"}
    assert session.client.calls["list_tags_for_resource"] == 1
    rewritten = read_index(embedded_repo)
    assert rewritten[wrong] == CHANGED
    assert "offer-gone0000000" not in rewritten


def test_a_warm_plan_with_a_create_reads_no_tags(
    embedded_repo: Path, session_for: OpenSession
) -> None:
    """The budget: ceil(N/50) + 1 ListEntities (the second lists drafts that target nobody) +
    ceil(N/20) BatchDescribeEntities, no tag reads, also when a new file is planned for create,
    and apply's guard adds no calls either."""
    pending = embedded_repo / "offers" / f"{PENDING}.yaml"
    text = pending.read_text()
    pending.unlink()
    apply_all(session_for(embedded_repo))
    pending.write_text(text)
    session = session_for(embedded_repo)
    plan = session.plan()
    assert [e.key for e in plan.entries if e.action == "create"] == [PENDING]
    assert dict(session.client.calls) == {"list_entities": 2, "batch_describe_entities": 1}
    session.apply(plan, FAST)
    assert "list_tags_for_resource" not in session.client.calls
    assert session.client.calls["list_entities"] == 2


def test_an_entry_pointing_at_an_uncreated_twin_is_verified(
    embedded_repo: Path, session_for: OpenSession
) -> None:
    """A clone (same content, new key) not applied yet: the original's entry names the clone."""
    apply_all(session_for(embedded_repo))
    source = embedded_repo / "offers" / f"{CHANGED}.yaml"
    twin = f"{CHANGED}-twin"
    (embedded_repo / "offers" / f"{twin}.yaml").write_text(
        source.read_text().replace(f"key: {CHANGED}", f"key: {twin}")
    )
    fresh = session_for(embedded_repo).plan()
    assert [e.key for e in fresh.entries if e.action == "create"] == [twin]
    keys = read_index(embedded_repo)
    keys[id_of(embedded_repo, CHANGED)] = twin
    write_index(embedded_repo, keys)
    session = session_for(embedded_repo)
    assert decisions(session.plan()) == decisions(fresh)
    apply_all(session)
    assert set(tag_counts(session_for(embedded_repo)).values()) == {1}


def test_a_null_entry_of_a_deleted_file_is_pruned(
    embedded_repo: Path, session_for: OpenSession
) -> None:
    apply_all(session_for(embedded_repo))
    gone = id_of(embedded_repo, CHANGED)
    (embedded_repo / "offers" / f"{CHANGED}.yaml").unlink()
    keys = read_index(embedded_repo)
    keys[gone] = None
    write_index(embedded_repo, keys)
    pruned = session_for(embedded_repo).plan(prune=True)
    assert [(e.action, e.offer_id) for e in pruned.entries if e.action != "no-op"] == [
        ("expire", gone)
    ]


def test_apply_never_creates_a_key_an_offer_carries(
    embedded_repo: Path, session_for: OpenSession
) -> None:
    """The last guard: a create this run did not plan (a stale or forged plan) is refused."""
    first = session_for(embedded_repo)
    plan = apply_all(first)
    create = next(e for e in plan.entries if e.key == CHANGED)
    assert create.action == "create"
    session = session_for(embedded_repo)
    desired = {offer.key: offer for offer in session.desired()}
    index = KeyIndex(None)
    results = apply_entries([create], desired, session.client, session.retry, index, FAST)
    assert [r.status for r in results] == ["FAILED"]
    assert results[0].offer_id == id_of(embedded_repo, CHANGED)
    assert "already carries the key" in results[0].errors[0]
    assert "start_change_set" not in session.client.calls
    assert set(tag_counts(session).values()) == {1}


def test_apply_guard_lets_a_free_key_through(embedded_repo: Path, session_for: OpenSession) -> None:
    pending = embedded_repo / "offers" / f"{PENDING}.yaml"
    text = pending.read_text()
    pending.unlink()
    apply_all(session_for(embedded_repo))
    pending.write_text(text)
    create = next(e for e in session_for(embedded_repo).plan().entries if e.key == PENDING)
    session = session_for(embedded_repo)
    desired = {offer.key: offer for offer in session.desired()}
    index = KeyIndex(None)
    results = apply_entries([create], desired, session.client, session.retry, index, FAST)
    assert [r.status for r in results] == ["SUCCEEDED"]
    # every offer but the pending one, read once
    assert session.client.calls["list_tags_for_resource"] == EXAMPLE_OFFERS - 1
    assert index.keys[str(results[0].offer_id)] == PENDING


# --- an index that cannot be read or written ------------------------------------------------------


def test_an_index_path_that_is_a_directory_is_a_cold_cache_and_a_warning(
    embedded_repo: Path, session_for: OpenSession, capsys: pytest.CaptureFixture[str]
) -> None:
    session = session_for(embedded_repo)
    index = session.index.path
    assert index is not None
    index.mkdir(parents=True)
    apply_all(session)
    warnings = capsys.readouterr().err
    assert warnings.count("warning: cannot write the key index") == 1
    again = session_for(embedded_repo)
    assert {e.action for e in again.plan().entries} == {"no-op"}
    assert again.client.calls["list_tags_for_resource"] == EXAMPLE_OFFERS


def test_a_full_disk_never_fails_an_apply(
    embedded_repo: Path,
    session_for: OpenSession,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def full(path: Path, text: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(fetch, "atomic_write_text", full)
    session = session_for(embedded_repo)
    plan = apply_all(session)
    assert {e.action for e in plan.entries} == {"create"}
    err = capsys.readouterr().err
    assert err.count("No space left on device") == 1
    monkeypatch.undo()
    assert {e.action for e in session_for(embedded_repo).plan().entries} == {"no-op"}


def test_a_state_dir_under_a_regular_file_is_a_warning(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    index = KeyIndex.load(blocker / "index-x.json")
    index.warnings = io.StringIO()
    index.remember("offer-a", "a")
    index.save()
    index.remember("offer-b", "b")
    index.save()
    assert index.warnings.getvalue().count("cannot write the key index") == 1
    assert index.dirty


def test_apply_through_the_cli_survives_an_unwritable_index(embedded_repo: Path) -> None:
    from click.testing import CliRunner

    from offerops.cli import cli

    seeded = open_session(embedded_repo, TODAY)
    path = seeded.index.path
    seeded.close()
    assert path is not None
    path.mkdir(parents=True)
    env = {"OFFEROPS_TODAY": TODAY.isoformat()}
    for _ in range(2):
        result = CliRunner().invoke(cli, ["--root", str(embedded_repo), "apply", "--yes"], env=env)
        assert result.exit_code == 0, result.output
        assert result.stderr.count("cannot write the key index") == 1


# --- any corruption: the plan is the fresh-index plan, and no key is created twice ----------------

Corruption = tuple[str, int, int, Any]
GARBAGE = st.one_of(
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.text(max_size=12),
    st.just(PENDING),
)
CORRUPTION = st.tuples(
    st.sampled_from(["drop", "null", "swap", "point", "garbage", "stale"]),
    st.integers(0, 5),
    st.integers(0, 5),
    GARBAGE,
)


def corrupt(keys: dict[str, Any], changes: list[Corruption]) -> dict[str, Any]:
    keys = dict(keys)
    for kind, first, second, junk in changes:
        ids = sorted(keys) or ["offer-none"]
        one, two = ids[first % len(ids)], ids[second % len(ids)]
        if kind == "drop":
            keys.pop(one, None)
        elif kind == "null":
            keys[one] = None
        elif kind == "swap":
            keys[one], keys[two] = keys.get(two), keys.get(one)
        elif kind == "point":
            keys[one] = keys.get(two)
        elif kind == "garbage":
            keys[one] = junk
        else:
            keys[f"offer-stale{first}{second}"] = keys.get(one)
    return keys


@pytest.fixture(scope="module")
def applied_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Any]]:
    """The example applied without one offer and before one change: the next plan creates,
    updates and leaves the rest alone. Returns the repository and the fresh-index decisions."""
    root = copy_example(tmp_path_factory.mktemp("template"))
    pending = root / "offers" / f"{PENDING}.yaml"
    text = pending.read_text()
    pending.unlink()
    session = open_session(root, TODAY, RetryPolicy(sleep=lambda _: None, seed=1))
    try:
        apply_all(session)
    finally:
        session.close()
    pending.write_text(text)
    edit_expiry(root)
    fresh_copy = Path(tempfile.mkdtemp(dir=root.parent))
    shutil.copytree(root, fresh_copy, dirs_exist_ok=True)
    index_path(fresh_copy).unlink()
    fresh = open_session(fresh_copy, TODAY, RetryPolicy(sleep=lambda _: None, seed=1))
    try:
        expected = decisions(fresh.plan())
    finally:
        fresh.close()
    assert {action for action, _, _ in expected} == {"create", "update", "no-op"}
    return root, expected


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(CORRUPTION, min_size=1, max_size=4))
def test_any_corrupt_index_plans_like_a_fresh_one_and_never_duplicates(
    applied_template: tuple[Path, list[Any]], changes: list[Corruption]
) -> None:
    template, expected = applied_template
    with tempfile.TemporaryDirectory(dir=template.parent) as scratch:
        root = Path(scratch) / "repo"
        shutil.copytree(template, root)
        write_index(root, corrupt(read_index(root), changes))
        session = open_session(root, TODAY, RetryPolicy(sleep=lambda _: None, seed=1))
        try:
            plan = session.plan()
            assert decisions(plan) == expected
            results = session.apply(plan, FAST)
            assert {r.status for r in results} == {"SUCCEEDED"}
            counts = tag_counts(session)
        finally:
            session.close()
    assert len(counts) == EXAMPLE_OFFERS
    assert set(counts.values()) == {1}


def test_corrupt_covers_every_kind() -> None:
    """The property's corruption helper does what its names say (so the property means it)."""
    keys = {"offer-a": "a", "offer-b": "b"}
    assert corrupt(keys, [("drop", 0, 0, 0)]) == {"offer-b": "b"}
    assert corrupt(keys, [("null", 1, 0, 0)]) == {"offer-a": "a", "offer-b": None}
    assert corrupt(keys, [("swap", 0, 1, 0)]) == {"offer-a": "b", "offer-b": "a"}
    assert corrupt(keys, [("point", 0, 1, 0)]) == {"offer-a": "b", "offer-b": "b"}
    assert corrupt(keys, [("garbage", 0, 0, [1])]) == {"offer-a": [1], "offer-b": "b"}
    assert corrupt(keys, [("stale", 0, 1, 0)])["offer-stale01"] == "a"
