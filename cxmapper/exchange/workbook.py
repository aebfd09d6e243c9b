"""The Excel workbook for leadership: the macro plan, the pains behind it, the evidence.

Written in openpyxl's write-only mode (streamed, so 200,000 evidence rows fit in memory) to a
temporary file beside the destination and moved into place: a failed export leaves no half
file and does not touch a workbook already there.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, BubbleChart, Reference, Series
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from cxmapper.exchange.cells import SheetWriter, safe
from cxmapper.model.evidence_stats import bright_spots, detractors
from cxmapper.model.journey import handoff_flow_ids, loop_flow_ids
from cxmapper.model.project import Project
from cxmapper.model.scoring import PainScore, score_actions, score_pains

PERCENT = "0.0%"
NUMBER = "#,##0"
RATIO = "0.00"


def money(currency: str) -> str:
    return f'#,##0 "{currency.replace(chr(34), "")}"'


def export_workbook(
    project: Project,
    out: Path,
    *,
    map_image: bytes | None = None,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Write the plan workbook to ``out`` (atomically)."""
    out = Path(out)
    fd, tmp = tempfile.mkstemp(prefix=".cxmap-export-", suffix=".xlsx", dir=out.parent)
    os.close(fd)
    try:
        book = _build(project, map_image, progress or (lambda _step: None))
        book.save(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _build(project: Project, map_image: bytes | None, progress: Callable[[str], None]) -> Workbook:
    s = project.settings
    cur = money(s.currency)
    book = Workbook(write_only=True)
    book.properties.title = f"{s.name} — macro-action plan"
    book.properties.creator = "CX Mapper"
    book.properties.subject = "Customer-experience pains and macro actions"
    book.properties.created = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    pains = score_pains(project)
    actions = score_actions(project, pains)
    pain_row = {p.pain_id: n + 2 for n, p in enumerate(pains)}
    summary = book.create_sheet("Summary")
    plan = book.create_sheet("Macro plan")
    register = book.create_sheet("Pain register")
    progress("Macro plan")
    _macro_plan(plan, project, actions, pains, pain_row, cur)
    progress("Pain register")
    _pain_register(register, project, pains, cur)
    progress("Journey")
    _journey(book, project)
    progress("Evidence")
    _evidence(book, project)
    progress("Close the loop")
    _close_the_loop(book, project)
    progress("Bright spots")
    _bright_spots(book, project)
    _summary(summary, register, project, pains, actions, cur, map_image)
    return book


def _summary(
    ws,
    register,
    project: Project,
    pains: list[PainScore],
    actions,
    cur: str,
    map_image: bytes | None,
) -> None:
    s = project.settings
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 58
    for col in "CDE":
        ws.column_dimensions[col].width = 18
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    title = safe(ws, s.name)
    title.font = Font(bold=True, size=18)
    ws.append([title])
    ws.append([safe(ws, "Macro-action plan"), safe(ws, f"exported {dt.date.today():%d %B %Y}")])
    ws.append([])
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
        ws.append([cell, safe(ws, value, fmt)])
    ws.append([])
    heading = safe(ws, "Top macro actions")
    heading.font = Font(bold=True, size=13)
    ws.append([heading])
    header = [safe(ws, h) for h in ("Rank", "Action", "Benefit / year", "Investment", "ROI")]
    for cell in header:
        cell.font = Font(bold=True)
    ws.append(header)
    for a in macro[:5]:
        ws.append(
            [
                a.rank,
                safe(ws, a.title),
                safe(ws, a.benefit, cur),
                safe(ws, a.investment, cur),
                safe(ws, a.roi, RATIO),
            ]
        )
    top = min(len(pains), 10)
    if top:
        bar = BarChart()
        bar.type = "bar"
        bar.title = "Top pains by impact per year"
        bar.y_axis.title = f"Impact ({s.currency} per year)"
        bar.y_axis.numFmt = NUMBER
        bar.x_axis.scaling.orientation = "maxMin"  # rank 1 at the top
        data = Reference(register, min_col=13, min_row=1, max_row=top + 1)
        cats = Reference(register, min_col=2, min_row=2, max_row=top + 1)
        bar.add_data(data, titles_from_data=True)
        bar.set_categories(cats)
        bar.legend = None
        bar.height, bar.width = 9, 18
        ws.add_chart(bar, "D3")
        bubble = BubbleChart()
        bubble.title = "Reach × cost per customer (bubble = impact)"
        bubble.x_axis.title = "Customers affected per year"
        bubble.y_axis.title = f"Cost per affected customer ({s.currency})"
        bubble.style = 18
        series = Series(
            values=Reference(register, min_col=11, min_row=2, max_row=len(pains) + 1),
            xvalues=Reference(register, min_col=4, min_row=2, max_row=len(pains) + 1),
            zvalues=Reference(register, min_col=13, min_row=2, max_row=len(pains) + 1),
            title="Pains",
        )
        bubble.series.append(series)
        bubble.height, bubble.width = 9, 18
        ws.add_chart(bubble, "D22")
    if map_image:
        from openpyxl.drawing.image import Image

        image = Image(io.BytesIO(map_image))
        scale = min(1.0, 1400 / max(image.width, 1))
        image.width, image.height = int(image.width * scale), int(image.height * scale)
        ws.add_image(image, "A42")


def _macro_plan(ws, project: Project, actions, pains, pain_row, cur: str) -> None:
    w = SheetWriter(
        ws,
        [
            ("Rank", 7, None),
            ("Action", 44, None),
            ("Pains addressed", 44, None),
            ("Work groups involved", 36, None),
            ("Owner", 18, None),
            ("Sponsor", 24, None),
            ("Start", 12, None),
            ("Due", 12, None),
            ("Status", 13, None),
            ("Investment", 14, cur),
            ("Expected reduction", 12, PERCENT),
            ("Benefit / year", 15, cur),
            ("ROI", 8, RATIO),
            ("Evidence", 10, NUMBER),
        ],
        "MacroPlan",
    )
    w.header()
    titles = {p.pain_id: p.title for p in pains}
    groups = {g.id: g.name for g in project.work_groups()}
    for a in (a for a in actions if a.kind == "macro"):
        action = project.action(a.action_id)
        first = next((pain_row[i] for i in a.pain_ids if i in pain_row), None)
        # The pains cell links to the first pain's row in the register.
        link = {2: f"#'Pain register'!A{first}"} if first else None
        w.row(
            [
                a.rank,
                a.title,
                "; ".join(titles[i] for i in a.pain_ids if i in titles),
                ", ".join(groups[g] for g in action.involved_group_ids if g in groups),
                groups.get(action.owner_group_id or -1, ""),
                action.sponsor,
                action.start_date or "",
                action.due_date or "",
                action.status.value,
                a.investment,
                action.expected_reduction,
                a.benefit,
                a.roi,
                a.evidence_count,
            ],
            wrap=(1, 3),
            links=link,
        )
    w.finish()


def _pain_register(ws, project: Project, pains: list[PainScore], cur: str) -> None:
    titles = {s.id: s.title for s in project.steps()}
    w = SheetWriter(
        ws,
        [
            ("Rank", 7, None),
            ("Pain", 40, None),
            ("Kind", 11, None),
            ("Reach / year", 13, NUMBER),
            ("Reach low", 11, NUMBER),
            ("Reach high", 11, NUMBER),
            ("Reach from", 11, None),
            ("Customers affected (k)", 12, NUMBER),
            ("Sample (n)", 10, NUMBER),
            ("Share", 9, PERCENT),
            ("Cost per customer", 14, cur),
            ("Cost from", 12, None),
            ("Impact / year", 15, cur),
            ("Impact low", 14, cur),
            ("Impact high", 14, cur),
            ("Work groups", 32, None),
            ("Steps", 44, None),
            ("Evidence", 10, NUMBER),
        ],
        "PainRegister",
    )
    w.header()
    for p in pains:
        w.row(
            [
                p.rank,
                p.title,
                p.kind,
                p.reach,
                p.reach_low,
                p.reach_high,
                p.reach_source,
                p.k,
                p.n,
                p.share,
                p.cost_per_customer,
                p.cost_source,
                p.impact,
                p.impact_low,
                p.impact_high,
                ", ".join(p.work_groups),
                "; ".join(titles[i] for i in p.step_ids),
                p.evidence_count,
            ],
            wrap=(1, 15, 16),
        )
    w.finish()


def _journey(book: Workbook, project: Project) -> None:
    ws = book.create_sheet("Journey")
    stages = project.stages()
    groups = project.work_groups()
    columns = [("Work group", 22, None)] + [(s.name, 30, None) for s in stages]
    columns.append(("(no stage)", 30, None))
    grid = SheetWriter(ws, columns, "JourneyGrid")
    grid.header()
    cells: dict[tuple[int, int | None], list[str]] = {}
    for step in sorted(project.steps(), key=lambda s: (s.x, s.y)):
        cells.setdefault((step.work_group_id, step.stage_id), []).append(step.title)
    for g in groups:
        row = [g.name] + ["\n".join(cells.get((g.id, s.id), [])) for s in stages]
        row.append("\n".join(cells.get((g.id, None), [])))
        grid.row(row, wrap=tuple(range(1, len(row))))
    grid.finish()
    flows = book.create_sheet("Flows")
    steps = {s.id: s for s in project.steps()}
    names = {g.id: g.name for g in groups}
    handoffs, loops = handoff_flow_ids(project), loop_flow_ids(project)
    w = SheetWriter(
        flows,
        [
            ("From step", 36, None),
            ("From work group", 20, None),
            ("To step", 36, None),
            ("To work group", 20, None),
            ("Label", 24, None),
            ("Hand-off", 10, None),
            ("Loop", 8, None),
        ],
        "Flows",
    )
    w.header()
    for f in sorted(project.flows(), key=lambda f: f.id):
        a, b = steps[f.source_id], steps[f.target_id]
        w.row(
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
    w.finish()


def _evidence(book: Workbook, project: Project) -> None:
    ws = book.create_sheet("Evidence")
    w = SheetWriter(
        ws,
        [
            ("Id", 9, None),
            ("Date", 11, None),
            ("Kind", 9, None),
            ("Source", 22, None),
            ("Customer", 14, None),
            ("Score", 7, None),
            ("Scale", 8, None),
            ("Channel", 12, None),
            ("Steps", 30, None),
            ("Verbatim", 60, None),
        ],
        "Evidence",
    )
    w.header()
    titles = {s.id: s.title for s in project.steps()}
    conn = project.db.conn
    steps_of: dict[int, str] = {}
    for evidence_id, step_id in conn.execute("SELECT evidence_id, step_id FROM evidence_step"):
        title = titles.get(step_id, "")
        steps_of[evidence_id] = (
            f"{steps_of[evidence_id]}; {title}" if evidence_id in steps_of else title
        )
    for row in conn.execute(
        "SELECT id, date, kind, source, customer_id, score, score_scale, channel, text"
        " FROM evidence ORDER BY id"
    ):
        w.fast([*row[:8], steps_of.get(row[0], ""), row[8]])
    w.finish()


def _close_the_loop(book: Workbook, project: Project) -> None:
    ws = book.create_sheet("Close the loop")
    w = SheetWriter(
        ws,
        [
            ("Customer", 14, None),
            ("Step", 30, None),
            ("Date", 11, None),
            ("Score", 7, None),
            ("Scale", 8, None),
            ("Source", 22, None),
            ("Verbatim", 60, None),
            ("Status", 12, None),
            ("Owner", 16, None),
        ],
        "CloseTheLoop",
    )
    w.header()
    for d in detractors(project):
        w.fast(
            [
                d.customer_id,
                d.steps,
                d.date,
                d.score,
                d.score_scale,
                d.source,
                d.text,
                d.status.capitalize(),
                d.owner,
            ]
        )
    w.finish()
    status = DataValidation(type="list", formula1='"Open,Contacted,Resolved"', allow_blank=True)
    status.add(f"H2:H{max(w.rows + 1, 2)}")
    ws.data_validations.append(status)


def _bright_spots(book: Workbook, project: Project) -> None:
    ws = book.create_sheet("Bright spots")
    w = SheetWriter(
        ws,
        [
            ("Step", 34, None),
            ("Work group", 20, None),
            ("Positive answers", 12, PERCENT),
            ("Scored answers", 10, NUMBER),
            ("Praise naming someone", 80, None),
        ],
        "BrightSpots",
    )
    w.header()
    for spot in bright_spots(project):
        group = project.work_group(project.step(spot.step_id).work_group_id).name
        w.row(
            [spot.title, group, spot.positive_share, spot.scored, "\n".join(spot.praise)], wrap=(4,)
        )
    w.finish()
