"""Positions of values reached through aliases and merge keys: where the seller repeated them.

libyaml hands back the anchored node for every alias, with the anchor's marks; the loader
records such a subtree at the alias instead, so ``Document.locate`` answers with the line that
repeats the value.
"""

from __future__ import annotations

import textwrap

from offerops.source.aliases import alias_positions
from offerops.source.document import Document, Position
from offerops.source.loader import parse_text


def load(text: str) -> Document:
    document, problems = parse_text(textwrap.dedent(text), "x.yaml")
    assert problems == []
    assert document is not None
    return document


def test_an_alias_is_located_at_the_alias() -> None:
    document = load(
        """\
        buyers:
          - &acme "123456789012"
          - *acme
        """
    )
    assert document.data == {"buyers": ["123456789012", "123456789012"]}
    assert document.locate(("buyers", 0)) == Position(2, 5)
    assert document.locate(("buyers", 1)) == Position(3, 5)


def test_everything_under_an_aliased_collection_is_located_at_the_alias() -> None:
    document = load(
        """\
        first: &seat
          key: users
          limits: [1, 2]
        second: *seat
        """
    )
    assert document.locate(("first", "limits", 1)) == Position(3, 15)
    for path in [("second",), ("second", "key"), ("second", "limits", 1)]:
        assert document.locate(path) == Position(4, 9)
    assert document.locate(("second", "key"), at="key") == Position(4, 9)


def test_merged_entries_are_located_at_the_merge_key_alias() -> None:
    document = load(
        """\
        dimensions:
          - &seat
            key: users
            quantity: 10
          - <<: *seat
            key: admins
          - <<: [*seat]
        """
    )
    assert document.data["dimensions"][1] == {"key": "admins", "quantity": 10}
    assert document.locate(("dimensions", 1, "quantity")) == Position(5, 9)
    assert document.locate(("dimensions", 1, "quantity"), at="key") == Position(5, 9)
    assert document.locate(("dimensions", 1, "key")) == Position(6, 10)  # written in place
    assert document.locate(("dimensions", 2, "quantity")) == Position(7, 10)


def test_a_merge_written_in_place_keeps_its_own_positions() -> None:
    document = load(
        """\
        dimension:
          <<: { key: users,
                quantity: 10 }
        """
    )
    assert document.locate(("dimension", "quantity")) == Position(3, 19)
    assert document.locate(("dimension", "quantity"), at="key") == Position(3, 9)


def test_an_alias_used_as_a_key_is_located_at_the_alias() -> None:
    document = load(
        """\
        names: [&k users]
        prices:
          *k : "1.00"
        """
    )
    assert document.data["prices"] == {"users": "1.00"}
    assert document.locate(("prices", "users"), at="key") == Position(3, 3)


def test_a_duplicate_key_through_a_merge_is_reported_at_the_alias() -> None:
    document, problems = parse_text("a: &a {x: 1}\nb:\n  x: 2\n  x: 3\n  <<: *a\n", "x.yaml")
    assert document is not None
    assert [(p.rule, p.position) for p in problems] == [("OFR002", Position(4, 3))]
    assert document.data["b"] == {"x": 2}


def test_text_without_an_asterisk_is_not_walked() -> None:
    assert alias_positions("a: &x 1\nb: 2\n") == {}


def test_a_broken_document_gives_the_aliases_found_before_the_error() -> None:
    assert alias_positions("a: &x 1\nb: *x\nc: [\n") == {(0, 0, 3): Position(2, 4)}
