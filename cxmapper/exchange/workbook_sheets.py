"""The two laid-out sheets of the plan workbook: Summary (figures, top actions, charts, the
map) and Journey (the lanes × stages grid, then the flows).

Write-only sheets are streamed, so each layout tracks its own row numbers: charts and the map
image are anchored below everything written before them, from sizes known in advance.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from itertools import zip_longest
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, BubbleChart, Reference, Series
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.pagebreak import Break

from cxmapper.exchange.cells import (
    LINE_PT,
    MAX_LINES,
    TOP,
    WRAP,
    SheetWriter,
    chars_per_line,
    clean_text,
    print_setup,
    row_height,
    safe,
    set_widths,
    word_lines,
)
from cxmapper.model.journey import handoff_flow_ids, loop_flow_ids
from cxmapper.model.project import Project
from cxmapper.model.scoring import ActionScore, PainScore

PERCENT = "0.0%"
NUMBER = "#,##0"
RATIO = '0.0"×"'  # 13.27 shows as 13.3× and stays a number
RANK = '"#"0'
HEADING = Font(bold=True, size=13)
TITLE = Font(bold=True, size=18)
RANK_ALIGN = Alignment(horizontal="left", vertical="top")

# Sizes for anchoring drawings on streamed rows: openpyxl's default row is 15 pt, and a
# column of w characters is about 7w + 5 pixels at 96 dpi (Calibri 11).
PT_CM = 2.54 / 72
ROW_CM = LINE_PT * PT_CM
BAR_HEIGHT_CM = 10.0
BUBBLE_HEIGHT_CM = 13.0
SUMMARY_WIDTHS = (34, 58, 18, 18, 18)
BUBBLE_SERIES = 10  # pains with a bubble series (and legend entry) of their own
SERIES_TITLE = 40  # characters of a pain title in the legend
# Landscape A4 and Letter, with openpyxl's default margins: 0.75 in at the sides, 1 in at the
# top and bottom (width, height in cm).
PAPERS = ((29.7, 21.0), (27.94, 21.59))
SIDE_MARGINS_CM = 2 * 0.75 * 2.54
TOP_BOTTOM_MARGINS_CM = 2 * 2.54
PAGE_SLACK_CM = 1.0  # LibreOffice and Excel round the print scale, and rows may differ a little


def money(currency: str) -> str:
    return f'#,##0 "{clean_text(currency).replace(chr(34), "")}"'


def width_cm(widths: Sequence[float]) -> float:
    return sum(w * 7 + 5 for w in widths) / 96 * 2.54


def rows_spanned(height_cm: float) -> int:
    """Default-height rows a drawing of ``height_cm`` covers, plus one row of margin."""
    return math.ceil(height_cm / ROW_CM) + 1


def page_height_cm(content_width_cm: float) -> float:
    """The height of sheet that one printed page holds, on A4 or Letter (the less), when
    content ``content_width_cm`` wide is printed one page wide."""
    return (
        min(
            (height - TOP_BOTTOM_MARGINS_CM)
            * max(1.0, content_width_cm / (width - SIDE_MARGINS_CM))
            for width, height in PAPERS
        )
        - PAGE_SLACK_CM
    )


def short(text: str, limit: int = SERIES_TITLE) -> str:
    text = " ".join(clean_text(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def summary(
    ws: Any,
    register: Any,
    project: Project,
    pains: list[PainScore],
    actions: list[ActionScore],
    map_image: bytes | None,
) -> None:
    """Key figures and the top macro actions on the first page, then (below them, never over
    a cell in use) the bar and bubble charts and the journey map, each on one printed page:
    a page break goes before a drawing that would not fit below what the page holds."""
    s = project.settings
    cur = money(s.currency)
    currency = clean_text(s.currency)
    set_widths(ws, SUMMARY_WIDTHS)
    print_setup(ws)
    row = 0  # rows appended so far
    page_cm = 0.0  # sheet height used on the current printed page

    def append(cells: list[Any], height_pt: float | None = None) -> None:
        nonlocal row, page_cm
        if height_pt is not None:
            ws.row_dimensions[row + 1].height = height_pt
        ws.append(cells)
        row += 1
        page_cm += (height_pt or LINE_PT) * PT_CM

    title = safe(ws, s.name)
    title.font = TITLE
    append([title], 24)
    append([safe(ws, "Macro-action plan"), safe(ws, f"exported {dt.date.today():%d %B %Y}")])
    append([])
    macro = [a for a in actions if a.kind == "macro"]
    facts = [
        ("Customers per year", s.customer_base, NUMBER),
        ("Currency", s.currency, None),
        ("Pains scored", len(pains), NUMBER),
        ("Universal pains", sum(p.kind == "universal" for p in pains), NUMBER),
        ("Total impact per year", sum(p.impact for p in pains), cur),
        ("Macro actions", len(macro), NUMBER),
        ("Investment in macro actions", sum(a.investment for a in macro), cur),
        ("Expected benefit per year", sum(a.benefit for a in macro), cur),
    ]
    for label, value, fmt in facts:
        cell = safe(ws, label)
        cell.font = Font(bold=True)
        append([cell, safe(ws, value, fmt)])
    append([])
    heading = safe(ws, "Top macro actions")
    heading.font = HEADING
    append([heading], 18)
    header = [safe(ws, h) for h in ("Rank", "Action", "Benefit / year", "Investment", "ROI")]
    for cell in header:
        cell.font = Font(bold=True)
    header[0].alignment = RANK_ALIGN
    append(header)
    action_chars = chars_per_line(SUMMARY_WIDTHS[1])
    for a in macro[:5]:
        # The rank reads "#1" at the left of its wide column, clear of the action's title.
        cells = [
            safe(ws, a.rank, RANK),
            safe(ws, a.title),
            safe(ws, a.benefit, cur),
            safe(ws, a.investment, cur),
            safe(ws, a.roi, RATIO),
        ]
        for cell in cells:
            if cell is not None:  # no ROI without an investment
                cell.alignment = TOP
        cells[0].alignment = RANK_ALIGN
        cells[1].alignment = WRAP
        lines = min(word_lines(a.title, action_chars), MAX_LINES)
        append(cells, row_height(lines) if lines > 1 else None)
    # Drawings go below the used range, one blank row apart, as wide as the table above them:
    # printing one page wide then keeps the page's scale, and each drawing fills its width.
    anchor = row + 2
    page_cm += ROW_CM
    columns = len(header)
    chart_width = width_cm(SUMMARY_WIDTHS[:columns])
    page = page_height_cm(chart_width)

    def room(height_cm: float) -> int:
        """The row for a drawing ``height_cm`` tall: the next free one, on a new printed page
        if the drawing would not fit below what this page holds."""
        nonlocal anchor, page_cm
        if page_cm > 0 and page_cm + height_cm > page:
            # Break ids are rows, the break below them: after the blank row above the drawing.
            ws.row_breaks.append(Break(id=anchor - 2))
            page_cm = 0.0
        at = anchor
        spanned = rows_spanned(height_cm)
        anchor += spanned
        page_cm += spanned * ROW_CM
        return at

    def span(at: int, height_cm: float) -> TwoCellAnchor:
        # A chart spans the table's columns: as wide as the printed page in any application,
        # whatever width its font gives a column (LibreOffice without Calibri: a quarter more).
        return TwoCellAnchor(
            _from=AnchorMarker(col=0, row=at - 1),
            to=AnchorMarker(col=columns, row=at - 1 + rows_spanned(height_cm) - 1),
        )

    top = min(len(pains), 10)
    if top:
        bar = BarChart()
        bar.type = "bar"
        bar.title = "Top pains by impact per year"
        bar.y_axis.title = f"Impact ({currency} per year)"
        bar.y_axis.numFmt = NUMBER
        bar.x_axis.scaling.orientation = "maxMin"  # rank 1 at the top
        data = Reference(register, min_col=13, min_row=1, max_row=top + 1)
        cats = Reference(register, min_col=2, min_row=2, max_row=top + 1)
        bar.add_data(data, titles_from_data=True)
        bar.set_categories(cats)
        bar.legend = None
        ws.add_chart(bar, span(room(BAR_HEIGHT_CM), BAR_HEIGHT_CM))
        bubble = bubbles(register, pains, currency)
        ws.add_chart(bubble, span(room(BUBBLE_HEIGHT_CM), BUBBLE_HEIGHT_CM))
    if map_image:
        from openpyxl.drawing.image import Image  # Pillow: only when there is a map

        image = Image(io.BytesIO(map_image))
        # As wide as the table (the printed page's width in Excel), no taller than a page, and
        # anchored by its size: stretched over cells, it would lose its proportions.
        width_px = chart_width / 2.54 * 96
        scale = min(width_px / max(image.width, 1), page / 2.54 * 96 / max(image.height, 1))
        image.width, image.height = int(image.width * scale), int(image.height * scale)
        ws.add_image(image, f"A{room(image.height / 96 * 2.54)}")


def bubbles(register: Any, pains: list[PainScore], currency: str) -> BubbleChart:
    """Reach × cost per customer, a bubble per pain sized by its impact. Each of the top
    pains is a series of its own, named by its rank and title, so the legend tells which
    bubble is which; the rest share one series."""
    chart = BubbleChart()
    chart.title = "Reach × cost per customer (bubble = impact)"
    chart.x_axis.title = "Customers affected per year"
    chart.y_axis.title = f"Cost per customer ({currency})"
    chart.style = 18
    own = min(len(pains), BUBBLE_SERIES)
    groups = [(n, n, f"#{p.rank} {short(p.title)}") for n, p in enumerate(pains[:own], 2)]
    if len(pains) > own:
        first, last = own + 2, len(pains) + 1
        groups.append((first, last, f"Other pains (#{own + 1}–#{len(pains)})"))
    for first, last, title in groups:
        chart.series.append(
            Series(
                values=Reference(register, min_col=11, min_row=first, max_row=last),
                xvalues=Reference(register, min_col=4, min_row=first, max_row=last),
                zvalues=Reference(register, min_col=13, min_row=first, max_row=last),
                title=title,
            )
        )
    return chart


def journey(book: Workbook, project: Project) -> None:
    """One sheet: the lanes × stages grid of steps as a table, a blank row, a heading, then
    the flows with hand-off and loop flags as a second table."""
    ws = book.create_sheet("Journey")
    stages = project.stages()
    groups = project.work_groups()
    grid_columns = [("Work group", 22.0, None)] + [(s.name, 30.0, None) for s in stages]
    placed = project.steps()
    unstaged = any(step.stage_id is None for step in placed)  # (a column for them if any)
    if unstaged:
        grid_columns.append(("(no stage)", 30, None))
    flow_columns: list[tuple[str, float, str | None]] = [
        ("From step", 36, None),
        ("From work group", 20, None),
        ("To step", 36, None),
        ("To work group", 20, None),
        ("Label", 24, None),
        ("Hand-off", 10, None),
        ("Loop", 8, None),
    ]
    # Both tables share the columns: each is as wide as the wider of the two needs.
    set_widths(
        ws,
        [
            max(a[1] if a else 0, b[1] if b else 0)
            for a, b in zip_longest(grid_columns, flow_columns)
        ],
    )
    # The first column names the row in both tables (work group, step the flow leaves), so it
    # is the one kept in view; a frozen header row would sit above the flows as a wrong header.
    ws.freeze_panes = "B1"
    print_setup(ws)
    grid = SheetWriter(ws, grid_columns, "JourneyGrid", own_sheet=False)
    grid.header()
    cells: dict[tuple[int, int | None], list[str]] = {}
    for step in sorted(placed, key=lambda s: (s.x, s.y)):
        cells.setdefault((step.work_group_id, step.stage_id), []).append(step.title)
    for g in groups:
        values = [g.name] + ["\n".join(cells.get((g.id, s.id), [])) for s in stages]
        if unstaged:
            values.append("\n".join(cells.get((g.id, None), [])))
        grid.row(values, wrap=tuple(range(1, len(values))))
    grid.finish()

    ws.append([])
    heading = safe(ws, "Flows: hand-offs between work groups and loops back to earlier steps")
    heading.font = HEADING
    ws.append([heading])
    flows = SheetWriter(ws, flow_columns, "Flows", first_row=grid.last_row + 3, own_sheet=False)
    flows.header()
    steps = {s.id: s for s in project.steps()}
    names = {g.id: g.name for g in groups}
    handoffs, loops = handoff_flow_ids(project), loop_flow_ids(project)
    for f in sorted(project.flows(), key=lambda f: f.id):
        a, b = steps[f.source_id], steps[f.target_id]
        flows.fast(
            [
                a.title,
                names[a.work_group_id],
                b.title,
                names[b.work_group_id],
                f.label or None,
                "yes" if f.id in handoffs else None,
                "yes" if f.id in loops else None,
            ]
        )
    flows.finish()
