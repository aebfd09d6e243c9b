"""The plan workbook on awkward projects: control characters in user text, stage names that
repeat or clash with other headers, actions on several pains; and its layout (Journey grid
then flows, Summary drawings clear of the cells, print setup). Read back with calamine, the
xlsx XML and LibreOffice."""

from __future__ import annotations

import csv
import io
import itertools
import math
import posixpath
import re
import sqlite3
import zipfile
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree as ET

import pytest
from openpyxl import Workbook, load_workbook
from PIL import Image
from python_calamine import CalamineWorkbook

from cxmapper.cli import main as cli
from cxmapper.exchange import workbook
from cxmapper.exchange.cells import SheetWriter, fast_row, safe, word_lines
from cxmapper.exchange.workbook import export_workbook
from cxmapper.exchange.workbook_sheets import (
    SUMMARY_WIDTHS,
    bubbles,
    page_height_cm,
    width_cm,
)
from cxmapper.model import entities as e
from cxmapper.model.demo import write_demo
from cxmapper.model.project import Project
from tests.exchange.office import convert, needs_libreoffice

# Every character XML 1.0 refuses that a verbatim can carry (tab, LF and CR are allowed).
CONTROL = "".join(chr(c) for c in [*range(1, 9), 11, 12, *range(14, 32)])
FFFD = "\ufffd"
LONG = "Stage with a very long name " * 12  # 336 characters: over Excel's 255
STAGES = ["Discover", "Work group", "(no stage)", "discover", LONG, LONG, "Renew\x0b"]
TEXT_LITERALS = ["#N/A", "#REF!", "=SUM(1,2)", "=", "@x", "-1"]
NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "r": "http://schemas.openxmlformats.org/package/2006/relationships",
}
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ROW_EMU = 15 * 12700  # openpyxl's default row height, 15 pt
EMU_CM = 360000
MULTILINE = "First line of the answer\nsecond line\nthird line"
VERY_LONG = "\n".join(["One of twenty lines of a very long answer"] * 20)
ONE_LONG_LINE = "A long answer on one line, " * 8


@pytest.fixture(scope="module")
def odd_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("odd") / "odd.cxmap"
    write_demo(path)
    # Stages of one name (in any case) are refused as edits; a file from elsewhere may still
    # hold them, and its sheets must not collide: written straight into the file.
    with sqlite3.connect(path) as db:
        first = db.execute("SELECT max(id), max(position) FROM stage").fetchone()
        db.executemany(
            "INSERT INTO stage (id, name, position) VALUES (?, ?, ?)",
            [(first[0] + 1 + n, name, first[1] + 1 + n) for n, name in enumerate(STAGES)],
        )
    db.close()
    with Project.open(path) as p:
        p.update_settings(name=f"Plan{CONTROL[:3]} 2026", currency="E\x01R")
        stages = p.stages()[-len(STAGES) :]
        assert [s.name for s in stages] == STAGES
        lane = p.add_work_group(f"Lane{CONTROL[:2]}")
        first = p.add_step(lane.id, f"Step{CONTROL}end", stage_id=stages[0].id, x=40, y=16)
        second = p.add_step(lane.id, "=1+1", stage_id=stages[4].id, x=41, y=16)
        p.add_flow(first.id, second.id, label="label\x1f")
        p.evidence.add(
            [
                {"text": t, "customer_id": f"c\x1e{n}", "score": 1, "score_scale": "0-10"}
                for n, t in enumerate([f"verbatim {CONTROL}", *TEXT_LITERALS])
            ],
            step_ids=[first.id],
        )
        p.evidence.add(
            [
                {"text": t, "customer_id": c, "score": score, "score_scale": "0-10", **extra}
                for t, c, score, extra in (
                    (MULTILINE, "multi", 2, {"external_id": "R_100000"}),
                    (VERY_LONG, "very long", 3, {}),
                    (ONE_LONG_LINE, "one line", 9, {"external_id": "R_100002"}),
                )
            ],
            step_ids=[first.id],
        )
        pains = [
            p.add_pain(
                title,
                step_ids=(first.id,),
                reach_source=e.ReachSource.ESTIMATE,
                reach_estimate_count=count,
                rework_cost=5,
            )
            for title, count in ((f"Pain{CONTROL[-2:]} one", 10), ("Pain two", 1000))
        ]
        demo_pain = next(x for x in p.pains() if x.id not in {y.id for y in pains})
        p.add_action(
            f"Act{CONTROL[4:6]}",
            pain_ids=(pains[0].id, demo_pain.id, pains[1].id),
            sponsor="sp\x1f",
            investment=100,
            expected_reduction=0.5,
        )
        # No investment yet: no ROI, an empty cell in the Summary's top actions.
        p.add_action("Not costed yet", pain_ids=(pains[1].id,), expected_reduction=0.9)
    return path


@pytest.fixture(scope="module")
def odd(odd_path: Path) -> Path:
    png = io.BytesIO()
    Image.new("RGB", (1800, 600), "white").save(png, "PNG")
    out = odd_path.parent / "odd.xlsx"
    with Project.open(odd_path) as p:
        export_workbook(p, out, map_image=png.getvalue())
    return out


def sheet(path: Path, name: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def part(z: zipfile.ZipFile, base: str, target: str) -> str:
    """The zip name of a relationship ``target`` from part ``base``."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def related(z: zipfile.ZipFile, name: str) -> list[str]:
    rels = posixpath.join(posixpath.dirname(name), "_rels", posixpath.basename(name) + ".rels")
    if rels not in z.namelist():
        return []
    root = ET.fromstring(z.read(rels))
    return [part(z, name, r.get("Target")) for r in root.findall("r:Relationship", NS)]


def sheet_part(z: zipfile.ZipFile, title: str) -> str:
    book = ET.fromstring(z.read("xl/workbook.xml"))
    rid = next(
        s.get(f"{{{OFFICE_REL}}}id")
        for s in book.iter(f"{{{NS['m']}}}sheet")
        if s.get("name") == title
    )
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = next(r.get("Target") for r in rels.findall("r:Relationship", NS) if r.get("Id") == rid)
    return part(z, "xl/workbook.xml", target)


def tables(path: Path) -> dict[str, tuple[str, list[str]]]:
    """displayName -> (ref, column names) for every table in the workbook."""
    found = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/tables/"):
                t = ET.fromstring(z.read(name))
                columns = [c.get("name") for c in t.iter(f"{{{NS['m']}}}tableColumn")]
                found[t.get("displayName")] = (t.get("ref"), columns)
    return found


def test_control_characters_become_a_visible_replacement(odd: Path) -> None:
    book = CalamineWorkbook.from_path(str(odd))
    text = {
        name: {c for r in book.get_sheet_by_name(name).to_python() for c in r if c}
        for name in book.sheet_names
    }
    step = f"Step{FFFD * len(CONTROL)}end"
    assert step in text["Journey"] and step in text["Evidence"] and step in text["Close the loop"]
    assert f"verbatim {FFFD * len(CONTROL)}" in text["Evidence"]
    assert f"Plan{FFFD * 3} 2026" in text["Summary"]
    assert f"Pain{FFFD * 2} one" in text["Pain register"]
    assert {f"Act{FFFD * 2}", "sp\ufffd"} <= text["Macro plan"]
    assert f"Lane{FFFD * 2}" in text["Journey"] and "label\ufffd" in text["Journey"]
    assert "Renew\ufffd" in text["Journey"]
    # Strings openpyxl would turn into formulas or error cells stay the user's text.
    assert set(TEXT_LITERALS) <= text["Evidence"] and "=1+1" in text["Journey"]
    with zipfile.ZipFile(odd) as z:
        xml = "".join(
            z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")
        )
    assert "<f>" not in xml and "<f " not in xml and 't="e"' not in xml


def test_every_illegal_character_is_replaced_and_text_stays_text(tmp_path: Path) -> None:
    book = Workbook(write_only=True)
    ws = book.create_sheet("T")
    values = [f"a{c}b" for c in CONTROL] + ["a\ud800b", "a\ufffeb", "tab\tand\nline", "plain"]
    values += TEXT_LITERALS
    ws.append(fast_row(ws, values))
    ws.append([safe(ws, v) for v in values])
    book.save(tmp_path / "t.xlsx")
    expected = [f"a{FFFD}b"] * (len(CONTROL) + 2) + ["tab\tand\nline", "plain", *TEXT_LITERALS]
    assert sheet(tmp_path / "t.xlsx", "T") == [expected, expected]
    cells = [safe(ws, v) for v in values]
    cells += [c for c in fast_row(ws, values) if not isinstance(c, str)]
    assert {c.data_type for c in cells} == {"s"}


def test_table_column_names_are_unique_short_and_match_the_headers(odd: Path) -> None:
    found = tables(odd)
    assert {"JourneyGrid", "Flows", "MacroPlan", "PainRegister", "Evidence"} <= set(found)
    for _ref, names in found.values():
        assert all(0 < len(n) <= 255 for n in names)
        assert len({n.casefold() for n in names}) == len(names)  # Excel ignores case
    journey = sheet(odd, "Journey")
    _ref, grid = found["JourneyGrid"]
    assert journey[0][: len(grid)] == grid
    assert grid[:2] == ["Work group", "Discover"]
    assert {"Work group (2)", "Discover (2)", "discover (3)", "(no stage)"} <= set(grid)
    assert "Renew\ufffd" in grid
    long = [n for n in grid if n.startswith("Stage with")]
    assert len(long) == 2 and long[1].endswith(" (2)") and max(map(len, long)) == 255


def test_journey_holds_the_grid_then_the_flows(odd: Path, odd_path: Path) -> None:
    found = tables(odd)
    grid_ref, flows_ref = found["JourneyGrid"][0], found["Flows"][0]
    grid_end = int(re.search(r"(\d+)$", grid_ref).group(1))
    flows_start = int(re.match(r"A(\d+):", flows_ref).group(1))
    assert flows_start == grid_end + 3  # a blank row and a heading between the two tables
    rows = sheet(odd, "Journey")
    assert not any(rows[grid_end]) and rows[grid_end + 1][0].startswith("Flows")
    assert rows[flows_start - 1][:7] == found["Flows"][1]
    with Project.open(odd_path) as p:
        assert flows_ref.endswith(f"G{flows_start + len(p.flows())}")
        assert len(rows) == flows_start + len(p.flows())
    assert "Flows" not in CalamineWorkbook.from_path(str(odd)).sheet_names


def test_macro_plan_lists_every_pain_with_its_register_rank(odd: Path) -> None:
    register = {(r[0], r[1]) for r in sheet(odd, "Pain register")[1:]}
    plan = sheet(odd, "Macro plan")
    assert "rank" in plan[0][2]
    listed = [re.findall(r"#(\d+) (.+?)(?=; #\d+ |$)", row[2]) for row in plan[1:]]
    assert max(map(len, listed)) == 3
    for pains in listed:
        assert pains and all((float(rank), title) in register for rank, title in pains)
        ranks = [int(rank) for rank, _title in pains]
        assert ranks == sorted(ranks)
    with zipfile.ZipFile(odd) as z:
        xml = z.read(sheet_part(z, "Macro plan")).decode()
    links = dict(re.findall(r"<hyperlink ref=\"C(\d+)\" location=\"'Pain register'!A(\d+)\"", xml))
    for n, pains in enumerate(listed, 2):
        assert int(links[str(n)]) == int(pains[0][0]) + 1  # the first listed pain's row


def drawings(z: zipfile.ZipFile, sheet_name: str) -> list[tuple[int, int, int, int]]:
    """(first row, first column, end row, end column) of each drawing on a sheet: 0-based
    cells, the ends exclusive. A drawing anchored by its size ends where a default-height row
    would; one stretched over cells ends at the last cell it reaches into."""
    found = []
    for drawing in related(z, sheet_part(z, sheet_name)):
        root = ET.fromstring(z.read(drawing))
        for anchor in root:
            start = anchor.find("xdr:from", NS)
            row, column = (int(start.find(f"xdr:{k}", NS).text) for k in ("row", "col"))
            ext = anchor.find("xdr:ext", NS)
            if ext is not None:
                end_row = row + math.ceil(int(ext.get("cy")) / ROW_EMU)
                end_column = column + 1
            else:
                to = anchor.find("xdr:to", NS)
                end_row = int(to.find("xdr:row", NS).text) + (to.find("xdr:rowOff", NS).text != "0")
                end_column = int(to.find("xdr:col", NS).text) + (
                    to.find("xdr:colOff", NS).text != "0"
                )
            found.append((row, column, end_row, end_column))
    return sorted(found)


def test_summary_drawings_sit_clear_of_the_cells_and_each_other(odd: Path) -> None:
    rows = sheet(odd, "Summary")
    top = next(n for n, r in enumerate(rows) if r[0] == "Top macro actions")
    assert ["Not costed yet", ""] in [[r[1], r[4]] for r in rows[top + 2 :]]
    used_rows = max(n for n, r in enumerate(rows) if any(c not in ("", None) for c in r)) + 1
    used_columns = max(n for r in rows for n, c in enumerate(r) if c not in ("", None)) + 1
    assert used_columns == 5  # the top-actions table: Rank … ROI
    with zipfile.ZipFile(odd) as z:
        placed = drawings(z, "Summary")
    assert len(placed) == 3  # bar chart, bubble chart, map
    for row, column, _end_row, _end_column in placed:
        assert row >= used_rows or column >= used_columns
    for (_row, _c, end, _ec), (below, _c2, _e2, _ec2) in itertools.pairwise(placed):
        assert below >= end


def test_summary_prints_each_drawing_whole_on_a_page_as_wide_as_the_table(odd: Path) -> None:
    book = load_workbook(odd)
    ws = book["Summary"]
    charts, images = ws._charts, ws._images
    assert [type(c).__name__ for c in charts] == ["BarChart", "BubbleChart"]
    for chart in charts:  # stretched over the five columns of the table: the page's width
        assert (chart.anchor._from.col, chart.anchor.to.col) == (0, 5)
    (image,) = images  # 1800 × 600: as wide as the table, in proportion
    table_cm = width_cm(SUMMARY_WIDTHS)
    ext = image.anchor.ext
    assert ext.width == pytest.approx(table_cm * EMU_CM, rel=0.01)
    assert ext.height == pytest.approx(ext.width / 3, rel=0.01)
    breaks = sorted(b.id for b in ws.row_breaks.brk)  # the rows each printed page ends with
    assert breaks, "the first page holds the figures; the charts follow on their own pages"

    def height_cm(first: int, end: int) -> float:  # 0-based rows, end exclusive
        heights = (ws.row_dimensions[r + 1].height or 15 for r in range(first, end))
        return sum(heights) * 2.54 / 72

    with zipfile.ZipFile(odd) as z:
        placed = drawings(z, "Summary")
    for row, _column, end, _end_column in placed:
        assert not any(row < b < end for b in breaks), "a drawing split over two pages"
        page_start = max([b for b in breaks if b <= row], default=0)
        assert height_cm(page_start, end) <= page_height_cm(table_cm)


def test_bubbles_name_the_top_pains_and_group_the_rest() -> None:
    book = Workbook(write_only=True)
    register = book.create_sheet("Pain register")
    pains = [SimpleNamespace(rank=n, title=f"Pain {n}") for n in range(1, 14)]
    pains[1].title = "A pain with a title far too long for a legend entry"
    chart = bubbles(register, pains, "EUR")
    titles = [s.tx.v for s in chart.series]
    assert titles[0] == "#1 Pain 1" and titles[9] == "#10 Pain 10"
    assert titles[1] == "#2 A pain with a title far too long for a…"
    assert titles[10:] == ["Other pains (#11–#13)"]
    # Each series reads its bubble from the pain's row of the register (rank n: row n + 1).
    first = chart.series[0]
    assert (first.xVal.numRef.f, first.yVal.numRef.f, first.bubbleSize.numRef.f) == (
        "'Pain register'!$D$2",
        "'Pain register'!$K$2",
        "'Pain register'!$M$2",
    )
    assert chart.series[10].yVal.numRef.f == "'Pain register'!$K$12:$K$14"


def test_wrapped_rows_are_as_tall_as_their_lines(odd: Path) -> None:
    book = load_workbook(odd)
    journey = book["Journey"]
    grid_end = int(re.search(r"(\d+)$", tables(odd)["JourneyGrid"][0]).group(1))
    stacked = 0
    for r in range(2, grid_end + 1):
        cells = [c for c in journey[r] if isinstance(c.value, str) and "\n" in c.value]
        if cells:
            stacked += 1
            steps = max(c.value.count("\n") + 1 for c in cells)
            assert journey.row_dimensions[r].height >= 15 * steps
            assert all(c.alignment.wrap_text and c.alignment.vertical == "top" for c in cells)
    assert stacked, "the demo has lanes with several steps in a stage"
    # Headers wrap in a taller header row rather than being cut by the next one.
    register = book["Pain register"]
    header = {c.value: c for c in register[1]}
    assert header["Customers affected (k)"].alignment.wrap_text
    assert register.row_dimensions[1].height >= 30
    # The large sheets: a verbatim of several lines wraps in a row of its lines (eight at
    # most, the rest in the cell); a long verbatim on one line stays on one line.
    for name, column in (("Evidence", "J"), ("Close the loop", "G")):
        ws = book[name]
        rows = {ws[f"{column}{r}"].value: r for r in range(2, ws.max_row + 1)}
        assert ws.row_dimensions[rows[MULTILINE]].height == 45
        assert ws.row_dimensions[rows[VERY_LONG]].height == 8 * 15
        cell = ws[f"{column}{rows[MULTILINE]}"]
        assert cell.alignment.wrap_text and cell.alignment.vertical == "top"
        assert {c.alignment.vertical for c in ws[rows[MULTILINE]] if c.value} == {"top"}
    evidence = book["Evidence"]
    row = next(
        r for r in range(2, evidence.max_row + 1) if evidence[f"J{r}"].value == ONE_LONG_LINE
    )
    assert evidence.row_dimensions[row].height is None
    assert not evidence[f"J{row}"].alignment.wrap_text


def test_word_lines() -> None:
    assert word_lines("", 10) == 1
    assert word_lines("short", 10) == 1
    assert word_lines("two words", 5) == 2
    assert word_lines("Customers affected (k)", 12) == 2
    assert word_lines("a\nb\n\nc", 10) == 4
    assert word_lines("x" * 25, 10) == 3  # a word longer than a line breaks inside it


def test_print_setup_of_summary_and_lists(odd: Path) -> None:
    with zipfile.ZipFile(odd) as z:
        summary = z.read(sheet_part(z, "Summary")).decode()
        book = z.read("xl/workbook.xml").decode()
    setup = re.search(r"<pageSetup [^>]*>", summary).group(0)
    assert 'orientation="landscape"' in setup
    assert 'fitToWidth="1"' in setup and 'fitToHeight="0"' in setup
    assert 'fitToPage="1"' in summary
    titles = re.findall(r'<definedName name="_xlnm.Print_Titles" localSheetId="(\d+)"', book)
    names = CalamineWorkbook.from_path(str(odd)).sheet_names
    assert {names[int(n)] for n in titles} == {
        "Macro plan",
        "Pain register",
        "Evidence",
        "Close the loop",
        "Bright spots",
    }


def test_cli_export_of_control_characters(odd_path: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "odd.xlsx"
    assert cli(["export", str(odd_path), str(out), "--no-map"]) == 0
    assert "Pain\ufffd\ufffd one" in {r[1] for r in sheet(out, "Pain register")}


def test_cli_export_failure_is_one_sentence(
    odd_path: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    missing = tmp_path / "no such folder" / "plan.xlsx"
    assert cli(["export", str(odd_path), str(missing), "--no-map"]) == 1
    err = capsys.readouterr().err
    assert str(missing) in err and ".cxmap-export-" not in err and err.count("\n") == 1

    def boom(*args, **kwargs):
        raise RuntimeError("something\nunexpected")

    monkeypatch.setattr(workbook, "_evidence", boom)
    out = tmp_path / "plan.xlsx"
    assert cli(["export", str(odd_path), str(out), "--no-map"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cxmapper: ") and err.count("\n") == 1
    assert "Traceback" not in err and "something unexpected" in err
    assert list(tmp_path.iterdir()) == []

    monkeypatch.undo()

    def full(self, filename):
        raise OSError(28, "No space left on device", filename)

    monkeypatch.setattr(workbook.Workbook, "save", full)
    assert cli(["export", str(odd_path), str(out), "--no-map"]) == 1
    err = capsys.readouterr().err
    assert f"“{out}”" in err and "No space left on device" in err and ".cxmap-export-" not in err


@needs_libreoffice
def test_libreoffice_reads_the_odd_workbook(odd: Path, tmp_path: Path) -> None:
    # Every sheet as CSV (the filter's last option, -1): what LibreOffice itself read.
    result = convert(
        odd,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
        tmp_path,
    )
    journey = tmp_path / "odd-Journey.csv"
    assert journey.exists(), result.stdout + result.stderr
    with journey.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == tables(odd)["JourneyGrid"][1]
    assert any(r[:1] == ["From step"] for r in rows)
    assert any(f"Step{FFFD * len(CONTROL)}end" in c for r in rows for c in r)
    evidence = (tmp_path / "odd-Evidence.csv").read_text(encoding="utf-8")
    assert "#N/A" in evidence and "=SUM(1,2)" in evidence


def test_sheet_writer_table_below_another(tmp_path: Path) -> None:
    book = Workbook(write_only=True)
    ws = book.create_sheet("T")
    first = SheetWriter(ws, [("A", 5, None), ("a", 5, None)], "First", own_sheet=False)
    first.header()
    first.finish()  # no rows: one empty data row keeps the table valid
    ws.append([])
    second = SheetWriter(
        ws, [("B", 5, None)], "Second", first_row=first.last_row + 2, own_sheet=False
    )
    second.header()
    second.row(["x"])
    second.finish()
    book.save(tmp_path / "t.xlsx")
    found = tables(tmp_path / "t.xlsx")
    assert found["First"] == ("A1:B2", ["A", "a (2)"])
    assert found["Second"] == ("A4:A5", ["B"])


def test_the_journey_grid_has_no_empty_no_stage_column(tmp_path: Path) -> None:
    path = tmp_path / "demo.cxmap"
    write_demo(path)
    with Project.open(path) as p:
        assert all(s.stage_id is not None for s in p.steps())
        export_workbook(p, tmp_path / "plan.xlsx")
    grid = tables(tmp_path / "plan.xlsx")["JourneyGrid"][1]
    assert "(no stage)" not in grid and len(grid) == 1 + 6


def test_steps_in_no_stage_get_a_column_of_their_own(tmp_path: Path) -> None:
    path = tmp_path / "bare.cxmap"
    with Project.create(path) as p:
        lane = p.add_work_group("Customer")
        p.add_step(lane.id, "Calls support", x=40, y=16)
        assert p.steps()[0].stage_id is None  # a map without stages
        export_workbook(p, tmp_path / "plan.xlsx")
    assert tables(tmp_path / "plan.xlsx")["JourneyGrid"][1] == ["Work group", "(no stage)"]
