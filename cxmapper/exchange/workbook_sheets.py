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
from openpyxl.styles import Font

from cxmapper.exchange.cells import (
    SheetWriter,
    clean_text,
    print_setup,
    safe,
    set_widths,
)
from cxmapper.model.journey import handoff_flow_ids, loop_flow_ids
from cxmapper.model.project import Project
from cxmapper.model.scoring import ActionScore, PainScore

PERCENT = "0.0%"
NUMBER = "#,##0"
RATIO = "0.00"
HEADING = Font(bold=True, size=13)

# Sizes for anchoring drawings on streamed rows: openpyxl's default row is 15 pt, and a
# column of w characters is about 7w + 5 pixels at 96 dpi (Calibri 11).
ROW_CM = 15 / 72 * 2.54
CHART_HEIGHT_CM = 9.0
MAP_WIDTH_PX = 1400
SUMMARY_WIDTHS = (34, 58, 18, 18, 18)


def money(currency: str) -> str:
    return f'#,##0 "{clean_text(currency).replace(chr(34), "")}"'


def width_cm(widths: Sequence[float]) -> float:
    return sum(w * 7 + 5 for w in widths) / 96 * 2.54


def rows_spanned(height_cm: float) -> int:
    """Default-height rows a drawing of ``height_cm`` covers, plus one row of margin."""
    return math.ceil(height_cm / ROW_CM) + 1


def summary(
    ws: Any,
    register: Any,
    project: Project,
    pains: list[PainScore],
    actions: list[ActionScore],
    map_image: bytes | None,
) -> None:
    """Key figures, the top macro actions, then (below them, never over a cell in use) the
    bar and bubble charts and the journey map."""
    s = project.settings
    cur = money(s.currency)
    currency = clean_text(s.currency)
    set_widths(ws, SUMMARY_WIDTHS)
    print_setup(ws)
    row = 0  # rows appended so far

    def append(cells: list[Any]) -> None:
        nonlocal row
        ws.append(cells)
        row += 1

    title = safe(ws, s.name)
    title.font = Font(bold=True, size=18)
    append([title])
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
    append([heading])
    header = [safe(ws, h) for h in ("Rank", "Action", "Benefit / year", "Investment", "ROI")]
    for cell in header:
        cell.font = Font(bold=True)
    append(header)
    for a in macro[:5]:
        append(
            [
                a.rank,
                safe(ws, a.title),
                safe(ws, a.benefit, cur),
                safe(ws, a.investment, cur),
                safe(ws, a.roi, RATIO),
            ]
        )
    # Drawings go below the used range, one blank row apart, as wide as the table above them
    # so that printing one page wide does not shrink the figures.
    anchor = row + 2
    chart_width = width_cm(SUMMARY_WIDTHS[: len(header)])
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
        bar.height, bar.width = CHART_HEIGHT_CM, chart_width
        ws.add_chart(bar, f"A{anchor}")
        anchor += rows_spanned(CHART_HEIGHT_CM)
        bubble = BubbleChart()
        bubble.title = "Reach × cost per customer (bubble = impact)"
        bubble.x_axis.title = "Customers affected per year"
        bubble.y_axis.title = f"Cost per affected customer ({currency})"
        bubble.style = 18
        series = Series(
            values=Reference(register, min_col=11, min_row=2, max_row=len(pains) + 1),
            xvalues=Reference(register, min_col=4, min_row=2, max_row=len(pains) + 1),
            zvalues=Reference(register, min_col=13, min_row=2, max_row=len(pains) + 1),
            title="Pains",
        )
        bubble.series.append(series)
        bubble.height, bubble.width = CHART_HEIGHT_CM, chart_width
        ws.add_chart(bubble, f"A{anchor}")
        anchor += rows_spanned(CHART_HEIGHT_CM)
    if map_image:
        from openpyxl.drawing.image import Image

        image = Image(io.BytesIO(map_image))
        scale = min(1.0, MAP_WIDTH_PX / max(image.width, 1))
        image.width, image.height = int(image.width * scale), int(image.height * scale)
        ws.add_image(image, f"A{anchor}")


def journey(book: Workbook, project: Project) -> None:
    """One sheet: the lanes × stages grid of steps as a table, a blank row, a heading, then
    the flows with hand-off and loop flags as a second table."""
    ws = book.create_sheet("Journey")
    stages = project.stages()
    groups = project.work_groups()
    grid_columns = [("Work group", 22.0, None)] + [(s.name, 30.0, None) for s in stages]
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
    for step in sorted(project.steps(), key=lambda s: (s.x, s.y)):
        cells.setdefault((step.work_group_id, step.stage_id), []).append(step.title)
    for g in groups:
        values = [g.name] + ["\n".join(cells.get((g.id, s.id), [])) for s in stages]
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
        flows.row(
            [
                a.title,
                names[a.work_group_id],
                b.title,
                names[b.work_group_id],
                f.label,
                "yes" if f.id in handoffs else "",
                "yes" if f.id in loops else "",
            ]
        )
    flows.finish()
