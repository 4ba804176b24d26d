"""The markdown plan as GitHub renders it, and the comment within GitHub's size limit.

The golden files pin the text; this renders it with ``cmarkgfm`` (GitHub's own fork of cmark,
with its table extension and raw HTML, as in a comment) and checks what a reviewer sees: the
summary table first, with one row per offer that changes, and every table well formed (each row
as many cells as its header). A table row with one ``|`` too many or too few still renders, as
a shifted or missing cell: only a renderer shows that. Large plans are folded to fit a comment:
offers' details first, then summary rows, with a pointer to the full plan.
"""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from offerops.gitops.comment import COMMENT_LIMIT, SUMMARY_LIMIT, append_step_summary, fit_comment
from offerops.reconcile.plan import Plan, load_plan
from offerops.reconcile.render import (
    MARKDOWN_LIMIT,
    SUMMARY_HEADER,
    fit_markdown,
    render_markdown,
    summary_columns,
)

GOLDEN = Path(__file__).parent / "golden"
MARKDOWN_GOLDEN = ("plan.md", "plan.new.md")


class _Tables(HTMLParser):
    """Every ``<table>`` of a page as its rows, each row the texts of its cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self.details = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "details":
            self.details += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def rendered(markdown: str) -> _Tables:
    """The tables (and folded sections) of ``markdown`` as GitHub shows a comment."""
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    parser = _Tables()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def golden_plan() -> Plan:
    """The golden plan as saved (``plan.json``): what ``offerops comment`` posts comes from it."""
    return load_plan(GOLDEN / "plan.json")


def well_formed(tables: list[list[list[str]]]) -> None:
    for number, table in enumerate(tables):
        widths = {len(row) for row in table}
        assert len(widths) == 1, f"table {number} has rows of {sorted(widths)} cells: {table}"


@pytest.mark.parametrize("name", MARKDOWN_GOLDEN)
def test_the_golden_markdown_renders_a_summary_table_first(name: str) -> None:
    markdown = (GOLDEN / name).read_text(encoding="utf-8")
    page = rendered(markdown)
    assert page.tables, "no table rendered"
    well_formed(page.tables)
    summary = page.tables[0]
    assert summary[0] == list(summary_columns("→"))
    offers = markdown.count("\n<details><summary>")
    assert len(summary) - 1 == offers == page.details
    assert markdown.index(SUMMARY_HEADER) < markdown.index("<details>")


def test_each_offer_row_names_its_offer_and_action(golden_plan: Plan) -> None:
    page = rendered(render_markdown(golden_plan))
    shown = [entry for entry in golden_plan.entries if entry.action != "no-op"]
    rows = page.tables[0][1:]
    assert [row[0] for row in rows] == [entry.key or entry.offer_id for entry in shown]
    assert all(row[1].endswith(entry.action) for row, entry in zip(rows, shown, strict=True))
    total = next(row[4] for row in rows if row[0] == "umbrella-quarterly-2027")
    assert total == "USD 330,000.00 → USD 396,000.00 (+20.0%)"


def _large(plan: Plan, copies: int) -> Plan:
    """``plan`` with every changing entry repeated under new keys."""
    entries = [
        replace(entry, key=f"{entry.key}-{number:05d}")
        for number in range(copies)
        for entry in plan.entries
        if entry.action != "no-op" and entry.key
    ]
    return replace(plan, entries=entries)


def test_a_large_plan_folds_details_to_fit_a_comment(golden_plan: Plan) -> None:
    full = render_markdown(_large(golden_plan, 30))
    assert len(full.encode()) > COMMENT_LIMIT
    assert "- … and " in full
    body = fit_comment(full)
    assert len(body.encode()) <= COMMENT_LIMIT
    assert body.startswith("<!-- offerops-plan -->\n### offerops plan")
    assert "offer(s) not shown in detail" in body and "job summary" in body
    page = rendered(body)
    well_formed(page.tables)
    summary_rows = len(page.tables[0]) - 1
    assert summary_rows == full.count("\n<details><summary>")
    assert 0 < page.details < summary_rows
    assert body.endswith("on 2026-11-23T09:00:00Z.</sub>\n")


def test_a_very_large_plan_also_shortens_the_summary_table(golden_plan: Plan) -> None:
    full = render_markdown(_large(golden_plan, 400), limit=None)
    body = fit_markdown(full, COMMENT_LIMIT)
    assert len(body.encode()) <= COMMENT_LIMIT
    page = rendered(body)
    well_formed(page.tables)
    assert page.details == 0
    last = page.tables[0][-1]
    assert last[0] == "…" and "more offer(s)" in last[1]
    shown = len(page.tables[0]) - 2
    assert int(last[1].split()[0]) + shown == full.count("\n<details><summary>")


def test_a_plan_that_fits_is_left_as_it_is(golden_plan: Plan) -> None:
    markdown = render_markdown(golden_plan)
    assert fit_comment(markdown) == markdown


def test_the_job_summary_gets_the_full_plan_up_to_its_own_limit(
    golden_plan: Plan, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    full = render_markdown(_large(golden_plan, 60))
    append_step_summary({"GITHUB_STEP_SUMMARY": str(summary)}, full)
    assert summary.read_text(encoding="utf-8") == full
    huge = render_markdown(_large(golden_plan, 900), limit=None)
    summary.write_text("")
    append_step_summary({"GITHUB_STEP_SUMMARY": str(summary)}, huge)
    written = summary.read_text(encoding="utf-8")
    assert len(written.encode()) <= SUMMARY_LIMIT < len(huge.encode())
    assert "`offerops plan --format json`" in written
    capped = render_markdown(_large(golden_plan, 900))
    assert len(capped.encode()) <= MARKDOWN_LIMIT
    assert "`offerops plan --format json`" in capped
