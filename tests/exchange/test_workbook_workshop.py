"""The Workshop sheet read back as a spreadsheet program reads it: rounds, dots per item,
evidence rank and certainty, belief against evidence in words; user text never a formula."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from cxmapper.exchange.workbook import export_workbook
from cxmapper.model.certainty import rank_certainty
from cxmapper.model.demo import write_demo
from cxmapper.model.project import Project
from cxmapper.model.scoring import score_pains

FORMULA = '=HYPERLINK("http://evil.example","click")'
TYPED = {
    "Security review drags on": 20,
    "Tickets bounce between Support and Finance": 12,
    "Invoices with wrong seats or tax": 8,
    "Migrated figures do not reconcile": 2,
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("workshop")
    path = folder / "demo.cxmap"
    write_demo(path)
    with Project.open(path) as p:
        ids = {x.title: x.id for x in p.pains()}
        typed = p.add_round("Which pains first?")
        for title, n in TYPED.items():
            p.add_vote(typed.id, ids[title], n)
        hidden = p.add_round(FORMULA, dots_per_person=2, named=True)
        p.cast_ballot(hidden.id, {ids["Security review drags on"]: 1}, voter="+cmd|' /C calc'!A0")
        export_workbook(p, folder / "plan.xlsx")
    return path, folder / "plan.xlsx"


def rows(path: Path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Workshop").to_python()


def test_workshop_sheet_reads_back_with_dots_ranks_and_certainty(exported) -> None:
    project_path, out = exported
    got = rows(out)
    header = got[0]
    assert header[:8] == [
        "Round",
        "Item",
        "On",
        "Dots",
        "Typed from paper",
        "Share of dots",
        "Room's rank",
        "Scoring rank",
    ]
    with Project.open(project_path) as p:
        scores = score_pains(p)
        sure = rank_certainty(p, scores)
        rank = {s.title: s.rank for s in scores}
        pain_ids = {s.title: s.pain_id for s in scores}
    first = [r for r in got[1:] if r[0] == "Which pains first?" and r[2] == "pain"]
    assert len(first) == 8  # every pain, in the room's order
    by_item = {r[1]: r for r in first}
    for title, n in TYPED.items():
        row = by_item[title]
        assert row[3] == n and row[4] == n
        assert row[5] == pytest.approx(n / 42)
        assert row[7] == rank[title]
        c = sure[pain_ids[title]]
        assert row[9] == pytest.approx(c.p_top3)
        span = f"{c.rank_low}" if c.rank_low == c.rank_high else f"{c.rank_low}–{c.rank_high}"
        assert row[10] == span
    assert [r[6] for r in first][:4] == [1, 2, 3, 4]
    assert by_item["Security review drags on"][8] == "none"
    # The hidden ballot is not counted, and the sheet says it is hidden.
    second = [r for r in got[1:] if r[0] == FORMULA and r[2] == "pain"]
    assert {r[3] for r in second} == {0} and {r[12] for r in second} == {"no (hidden)"}
    said = [r[1] for r in got if r and r[0] == "Which pains first?" and isinstance(r[1], str)]
    assert (
        "Evidence's #1, “Migrated figures do not reconcile”, got 2 dots of 42 "
        "(the room's #4)." in said
    )
    assert any("1 ballot is hidden" in r[1] for r in got if r and r[0] == FORMULA)


def test_round_titles_are_text_never_formulas(exported) -> None:
    _, out = exported
    ws = load_workbook(out)["Workshop"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == FORMULA]
    assert cells and all(c.data_type == "s" for c in cells)
    assert {t.name for t in ws.tables.values()} == {"Workshop", "BeliefAgainstEvidence"}
