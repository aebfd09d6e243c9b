"""The plan workbook: read back by an independent reader, opened by LibreOffice, never a
formula from user text, and written all or nothing."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet._writer import ALL_TEMP_FILES
from python_calamine import CalamineWorkbook

from cxmapper.cli import main as cli
from cxmapper.exchange import workbook
from cxmapper.exchange.workbook import export_workbook
from cxmapper.model import entities as e
from cxmapper.model.certainty import rank_certainty
from cxmapper.model.demo import write_demo
from cxmapper.model.evidence_stats import detractors
from cxmapper.model.project import Project
from cxmapper.model.scoring import score_actions, score_pains
from cxmapper.model.strength import pain_strength
from tests.exchange.office import convert, needs_libreoffice

NASTY = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-1+2"]


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("wb") / "demo.cxmap"
    write_demo(path)
    with Project.open(path) as p:
        # User text that looks like formulas, everywhere it can appear.
        g = p.add_work_group(NASTY[0])
        s = p.add_step(g.id, NASTY[1], x=40, y=16)
        p.evidence.add(
            [{"text": t, "customer_id": t, "score": 1, "score_scale": "0-10"} for t in NASTY],
            step_ids=[s.id],
        )
        pain = p.add_pain(
            NASTY[2],
            step_ids=(s.id,),
            reach_source=e.ReachSource.ESTIMATE,
            reach_estimate_count=10,
            rework_cost=5,
        )
        p.add_action(
            NASTY[3], pain_ids=(pain.id,), sponsor=NASTY[0], investment=100, expected_reduction=0.5
        )
    return path


@pytest.fixture(scope="module")
def exported(demo_path: Path) -> Path:
    out = demo_path.parent / "plan.xlsx"
    with Project.open(demo_path) as p:
        export_workbook(p, out, map_image=None)
    return out


def rows(path: Path, sheet: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def test_the_register_says_how_far_to_trust_each_rank(exported: Path, demo_path: Path) -> None:
    register = rows(exported, "Pain register")
    header = register[0]
    strength, top3, ranks = (
        header.index(name)
        for name in ("Evidence strength", "Chance of top 3", "Ranks in 90 % of draws")
    )
    with Project.open(demo_path) as p:
        pains = score_pains(p)
        sure = rank_certainty(p, pains)
        for row, pain in zip(register[1:], pains, strict=True):
            c = sure[pain.pain_id]
            assert row[1] == pain.title
            assert row[strength] == pain_strength(pain, p.settings).value
            assert row[top3] == pytest.approx(c.p_top3)
            # A range is text ("2–5"), never a date or a subtraction.
            expected = (
                str(c.rank_low) if c.rank_low == c.rank_high else f"{c.rank_low}–{c.rank_high}"
            )
            assert row[ranks] == expected
    assert sum(row[top3] for row in register[1:]) == pytest.approx(3.0)
    assert {row[strength] for row in register[1:]} >= {"none", "solid"}


def test_sheets_and_numbers_match_the_model(exported: Path, demo_path: Path) -> None:
    book = CalamineWorkbook.from_path(str(exported))
    assert book.sheet_names == [
        "Summary",
        "Macro plan",
        "Pain register",
        "Journey",
        "Evidence",
        "Close the loop",
        "Bright spots",
    ]
    with Project.open(demo_path) as p:
        pains = score_pains(p)
        actions = score_actions(p, pains)
        register = rows(exported, "Pain register")
        assert register[0][:2] == ["Rank", "Pain"]
        assert len(register) == len(pains) + 1
        for row, score in zip(register[1:], pains, strict=True):
            assert row[1] == score.title
            assert row[12] == pytest.approx(score.impact)
            assert row[3] == pytest.approx(score.reach)
        plan = rows(exported, "Macro plan")
        macro = [a for a in actions if a.kind == "macro"]
        assert [r[1] for r in plan[1:]] == [a.title for a in macro]
        for row, a in zip(plan[1:], macro, strict=True):
            assert row[11] == pytest.approx(a.benefit)
            assert row[12] == pytest.approx(a.roi)
        assert len(rows(exported, "Evidence")) == p.evidence.count() + 1
        # Journey: the grid (header + one row per work group), a blank row, a heading, then
        # the flows table (header + one row per flow).
        journey = rows(exported, "Journey")
        groups = len(p.work_groups())
        assert journey[0][0] == "Work group" and journey[groups + 1][0] == ""
        assert journey[groups + 2][0].startswith("Flows")
        assert journey[groups + 3][:7] == [
            "From step",
            "From work group",
            "To step",
            "To work group",
            "Label",
            "Hand-off",
            "Loop",
        ]
        assert len(journey) == groups + 4 + len(p.flows())


def test_ranks_and_roi_read_as_numbers_in_their_formats(exported: Path, demo_path: Path) -> None:
    book = load_workbook(exported)
    summary = book["Summary"]
    start = next(r for r in range(1, 40) if summary[f"A{r}"].value == "Top macro actions") + 2
    with Project.open(demo_path) as p:
        pains = score_pains(p)
        macro = [a for a in score_actions(p, pains) if a.kind == "macro"][:5]
    for row, action in enumerate(macro, start):
        rank, title, roi = summary[f"A{row}"], summary[f"B{row}"], summary[f"E{row}"]
        # "#1" at the left of the wide Rank column, the title set in from its own: not "1One…".
        assert (rank.value, rank.number_format, rank.alignment.horizontal) == (
            action.rank,
            '"#"0',
            "left",
        )
        assert title.value == action.title and title.alignment.indent >= 1
        assert roi.value == pytest.approx(action.roi) and roi.number_format == '0.0"×"'
    plan = book["Macro plan"]
    assert plan["M1"].value == "ROI"
    assert {plan[f"M{r}"].number_format for r in range(2, plan.max_row + 1)} == {'0.0"×"'}


def test_evidence_and_close_the_loop_carry_the_source_ids(exported: Path, demo_path: Path) -> None:
    evidence = rows(exported, "Evidence")
    assert evidence[0][:4] == ["Source id", "Date", "Kind", "Source"]
    loop = rows(exported, "Close the loop")
    assert loop[0][7:] == ["Status", "Owner", "Source id"]  # Status stays in column H
    with Project.open(demo_path) as p:
        source_ids = dict(p.db.conn.execute("SELECT id, external_id FROM evidence ORDER BY id"))
        assert [r[0] for r in evidence[1:]] == list(source_ids.values())
        assert sum(i.startswith(("R", "T")) for i in source_ids.values()) > 400
        assert [r[9] for r in loop[1:]] == [source_ids[d.evidence_id] for d in detractors(p)]


def test_user_text_is_never_a_formula(exported: Path) -> None:
    with zipfile.ZipFile(exported) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(z.read(n).decode() for n in sheets)
    assert "<f>" not in xml and "<f " not in xml
    found = {
        c
        for name in ("Evidence", "Pain register", "Macro plan", "Journey")
        for row in rows(exported, name)
        for c in row
        if isinstance(c, str)
    }
    for text in NASTY:
        assert text in found or any(text in c for c in found)


def test_lists_are_excel_tables_with_frozen_headers(exported: Path) -> None:
    with zipfile.ZipFile(exported) as z:
        tables = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/tables/")]
        sheet = z.read("xl/worksheets/sheet3.xml").decode()
        props = z.read("docProps/core.xml").decode()
    names = {re.search(r'displayName="(\w+)"', t).group(1) for t in tables}
    assert {"MacroPlan", "PainRegister", "Evidence", "CloseTheLoop", "BrightSpots"} <= names
    assert 'state="frozen"' in sheet and 'orientation="landscape"' in sheet
    assert "CX Mapper" in props
    register = rows(exported, "Pain register")[0]
    table = next(t for t in tables if 'displayName="PainRegister"' in t)
    assert re.findall(r'tableColumn id="\d+" name="([^"]+)"', table) == register


def test_hyperlinks_lead_to_the_pain_register(exported: Path) -> None:
    with zipfile.ZipFile(exported) as z:
        sheet = z.read("xl/worksheets/sheet2.xml").decode()
    assert re.search(r"<hyperlink ref=\"C2\" location=\"'Pain register'!A\d+\"", sheet)


@needs_libreoffice
def test_libreoffice_opens_it(exported: Path, tmp_path: Path) -> None:
    result = convert(exported, "pdf", tmp_path)
    pdf = tmp_path / "plan.pdf"
    assert pdf.exists(), result.stdout + result.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000


def test_failed_export_leaves_the_old_file_and_no_half_file(
    demo_path: Path, tmp_path: Path, monkeypatch
) -> None:
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"the previous workbook")
    books = []
    build = workbook._build

    def keep(book, *args):
        books.append(book)
        return build(book, *args)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(workbook, "_build", keep)
    monkeypatch.setattr(workbook, "_bright_spots", broken)
    temp_files = list(ALL_TEMP_FILES)
    with Project.open(demo_path) as p, pytest.raises(OSError):
        export_workbook(p, out)
    assert out.read_bytes() == b"the previous workbook"
    assert [f.name for f in tmp_path.iterdir()] == ["plan.xlsx"]
    # The sheets streamed before the failure are closed now, not by the garbage collector in
    # some later test (lxml then reports "not in an element" as unraisable), and openpyxl's
    # temporary file per sheet is gone.
    streamed = [ws for ws in books[0].worksheets if ws._writer is not None]
    assert len(streamed) >= 4
    for ws in streamed:
        assert ws._rows.gi_frame is None and ws._writer.xf.gi_frame is None
    assert temp_files == ALL_TEMP_FILES


def test_cli_export(demo_path: Path, tmp_path: Path, qapp) -> None:
    out = tmp_path / "cli.xlsx"
    assert cli(["export", str(demo_path), str(out)]) == 0
    with zipfile.ZipFile(out) as z:
        assert any(n.startswith("xl/media/") for n in z.namelist())  # the journey map
        assert any(n.startswith("xl/charts/") for n in z.namelist())
    assert cli(["export", str(demo_path), str(tmp_path / "x.csv")]) == 1
