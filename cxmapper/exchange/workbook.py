"""The Excel workbook for leadership: the macro plan, the pains behind it, the evidence.

Written in openpyxl's write-only mode (streamed, so 200,000 evidence rows fit in memory) to a
temporary file beside the destination and moved into place: a failed export leaves no half
file and does not touch a workbook already there. The Summary and Journey layouts live in
``workbook_sheets``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from cxmapper.exchange.cells import SheetWriter, clean_text
from cxmapper.exchange.workbook_sheets import (
    NUMBER,
    PERCENT,
    RATIO,
    journey,
    money,
    summary,
)
from cxmapper.exchange.workbook_workshop import workshop
from cxmapper.model.certainty import RankCertainty, rank_certainty, spreads
from cxmapper.model.evidence_stats import DETRACTOR_SQL, bright_spots, detractors
from cxmapper.model.project import Project
from cxmapper.model.scoring import ActionScore, PainScore, score_actions, score_pains
from cxmapper.model.strength import pain_strength
from cxmapper.model.tempfiles import publish, temp_beside

TEMP_PREFIX = ".cxmap-export-"  # then the process id: see cxmapper.model.tempfiles
# The columns that wrap on the large sheets, in a row where their text holds a line break.
STEPS_AND_VERBATIM = (8, 9)  # Evidence
STEP_AND_VERBATIM = (1, 6)  # Close the loop


def export_workbook(
    project: Project,
    out: Path,
    *,
    map_image: bytes | None = None,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Write the plan workbook to ``out`` (atomically).

    An OSError about the temporary file is raised as one about ``out``: the user never chose
    the temporary file and should not see its name.
    """
    out = Path(out)
    try:
        tmp = temp_beside(out, "export", ".xlsx")
    except OSError as exc:
        raise _about(exc, out) from exc
    book = Workbook(write_only=True)
    try:
        _build(book, project, map_image, progress or (lambda _step: None))
        book.save(tmp)
        publish(tmp, out)
    except OSError as exc:
        _discard(book)
        if exc.filename == tmp:
            raise _about(exc, out) from exc
        raise
    except BaseException:
        _discard(book)
        raise
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _about(exc: OSError, out: Path) -> OSError:
    # OSError(errno, strerror, filename) builds the matching subclass (FileNotFoundError…).
    return OSError(exc.errno, exc.strerror or str(exc), str(out))


def _discard(book: Workbook) -> None:
    """Close what an unfinished write-only workbook holds open.

    Each streamed sheet writes through two suspended generators (its rows inside its XML
    document) into a temporary file. Left to the garbage collector they are closed in any
    order, which lxml reports as unraisable errors, and the temporary files stay behind.
    Closing the rows before the document ends each XML element in order.
    """
    for ws in book.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:  # nothing streamed yet
            continue
        for generator in (getattr(ws, "_rows", None), getattr(writer, "xf", None)):
            if generator is not None:
                # The export has already failed: a half-written sheet may fail to close too,
                # and that second error must not hide the first.
                with contextlib.suppress(Exception):
                    generator.close()
        with contextlib.suppress(OSError, ValueError):
            writer.cleanup()  # a sheet saved before the failure has already removed its file


def _build(
    book: Workbook, project: Project, map_image: bytes | None, progress: Callable[[str], None]
) -> None:
    s = project.settings
    cur = money(s.currency)
    book.properties.title = clean_text(f"{s.name} — macro-action plan")
    book.properties.creator = "CX Mapper"
    book.properties.subject = "Customer-experience pains and macro actions"
    book.properties.created = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    pains = score_pains(project)
    actions = score_actions(project, pains)
    pain_row = {p.pain_id: n + 2 for n, p in enumerate(pains)}
    first = book.create_sheet("Summary")  # first in the book, written last: it charts the register
    plan = book.create_sheet("Macro plan")
    register = book.create_sheet("Pain register")
    progress("Macro plan")
    _macro_plan(plan, project, actions, pains, pain_row, cur)
    progress("Pain register")
    sure = rank_certainty(project, pains)
    _pain_register(register, project, pains, sure, cur)
    progress("Journey")
    journey(book, project)
    progress("Evidence")
    _evidence(book, project)
    progress("Close the loop")
    _close_the_loop(book, project)
    progress("Bright spots")
    _bright_spots(book, project)
    progress("Workshop")
    workshop(book, project, pains, sure)
    summary(first, register, project, pains, actions, map_image)


def _macro_plan(
    ws: Any,
    project: Project,
    actions: list[ActionScore],
    pains: list[PainScore],
    pain_row: dict[int, int],
    cur: str,
) -> None:
    w = SheetWriter(
        ws,
        [
            ("Rank", 7, None),
            ("Action", 44, None),
            ("Pains addressed (# rank in the register)", 44, None),
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
    by_id = {p.pain_id: p for p in pains}
    groups = {g.id: g.name for g in project.work_groups()}
    for a in (a for a in actions if a.kind == "macro"):
        action = project.action(a.action_id)
        addressed = sorted((by_id[i] for i in a.pain_ids if i in by_id), key=lambda p: p.rank)
        # A cell holds one link: it leads to the costliest pain's row in the register, and the
        # text lists every pain with the rank shown in the register's Rank column.
        link = {2: f"#'Pain register'!A{pain_row[addressed[0].pain_id]}"} if addressed else None
        w.row(
            [
                a.rank,
                a.title,
                "; ".join(f"#{p.rank} {p.title}" for p in addressed),
                ", ".join(groups[g] for g in action.involved_group_ids if g in groups),
                groups.get(action.owner_group_id or -1, "no owner yet"),
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
            wrap=(1, 2, 3),
            links=link,
        )
    w.finish()


def _pain_register(
    ws: Any,
    project: Project,
    pains: list[PainScore],
    sure: dict[int, RankCertainty],
    cur: str,
) -> None:
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
            ("Evidence strength", 11, None),
            ("Chance of top 3", 10, PERCENT),
            ("Ranks in 90 % of draws", 12, None),
            # What the draws take reach and cost from, beyond the figures above: the
            # estimate's stated range (customers a year) and the cost's (a band's or stated).
            ("Reach range (estimate)", 16, None),
            ("Cost range", 14, None),
        ],
        "PainRegister",
    )
    w.header()
    spread = dict(spreads(project, pains))
    for p in pains:
        c = sure[p.pain_id]
        s = spread[p.pain_id]
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
                pain_strength(p, project.settings).value,
                c.p_top3,
                f"{c.rank_low}" if c.rank_low == c.rank_high else f"{c.rank_low}–{c.rank_high}",
                _span(s.reach_low, s.reach_high) if s.ranged_reach else "",
                _span(s.cost_low, s.cost_high),
            ],
            wrap=(1, 15, 16),
        )
    w.finish()


def _span(low: float, high: float) -> str:
    """A range as text ("500–2,000"): a cell never reads it as a date or a subtraction; no
    range (one value) is an empty cell."""
    if low >= high:
        return ""
    return f"{_figure(low)}–{_figure(high)}"


def _figure(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 or x == round(x) else f"{x:,.2f}"


def _evidence(book: Workbook, project: Project) -> None:
    ws = book.create_sheet("Evidence")
    w = SheetWriter(
        ws,
        [
            ("Source id", 12, None),
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
    # Each item by its own id in the survey or ticket tool it came from, to trace it back
    # there; the project's row number means nothing outside the app (and a column of it
    # costs a twentieth of the export). Empty text is None: an empty cell, not written.
    for row in conn.execute(
        "SELECT id, nullif(external_id, ''), date, kind, source, nullif(customer_id, ''),"
        " score, score_scale, nullif(channel, ''), text FROM evidence ORDER BY id"
    ):
        w.fast([*row[1:9], steps_of.get(row[0]), row[9]], wrap=STEPS_AND_VERBATIM)
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
            # Last, so that Status stays in column H for lists already kept from an export.
            ("Source id", 12, None),
        ],
        "CloseTheLoop",
    )
    w.header()
    source_ids = dict(
        project.db.conn.execute(
            f"SELECT id, external_id FROM evidence WHERE {DETRACTOR_SQL} AND external_id != ''"
        )
    )
    for d in detractors(project):
        w.fast(
            [
                d.customer_id,
                d.steps or None,  # empty: a cell not written
                d.date,
                d.score,
                d.score_scale,
                d.source,
                d.text,
                d.status.capitalize(),
                d.owner or None,
                source_ids.get(d.evidence_id),
            ],
            wrap=STEP_AND_VERBATIM,
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
