"""Floors: the least the same work could take with nothing of CX Mapper in the way, measured
on the same files in the same run. Floors that hold a whole sheet in memory run in a process of
their own (:func:`apart`), so that the bench's peak memory is CX Mapper's, not theirs."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsRectItem, QGraphicsScene


def _rows(path: Path) -> tuple[list[tuple], list[tuple]]:
    conn = sqlite3.connect(path)
    steps = conn.execute("SELECT id, work_group_id, x, y FROM step").fetchall()
    flows = conn.execute("SELECT source_id, target_id FROM flow").fetchall()
    conn.close()
    return steps, flows


def open_floor(path: Path) -> float:
    """Read steps and flows with sqlite3 and put a plain rectangle and a straight line for each
    into a scene."""
    start = time.perf_counter()
    steps, flows = _rows(path)
    scene = QGraphicsScene()
    place = {}
    for step_id, group, x, y in steps:
        place[step_id] = (x, group * 140 + y)
        scene.addItem(QGraphicsRectItem(x, group * 140 + y, 200, 96))
    for a, b in flows:
        path_ = QPainterPath()
        path_.moveTo(*place[a])
        path_.lineTo(*place[b])
        scene.addItem(QGraphicsPathItem(path_))
    return time.perf_counter() - start


def render_floor(path: Path, width: int, height: int, scale: float) -> float:
    """Paint the same number of filled rectangles and lines into an image of the same size."""
    steps, flows = _rows(path)
    start = time.perf_counter()
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(scale, scale)
    place = {}
    for step_id, group, x, y in steps:
        place[step_id] = (x, group * 140 + y)
        painter.drawRect(QRectF(x, group * 140 + y, 200, 96))
    for a, b in flows:
        painter.drawLine(*place[a], *place[b])
    painter.end()
    return time.perf_counter() - start


def render_png_floor(path: str, width: str, height: str, scale: str, out: str) -> float:
    """The same rects and lines painted into one image of the same size, then saved as a
    PNG: what any picture of the map written to a file costs (run apart: its image is large)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])
    steps, flows = _rows(Path(path))
    image = QImage(int(width), int(height), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    start = time.perf_counter()
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(float(scale), float(scale))
    place = {}
    for step_id, group, x, y in steps:
        place[step_id] = (x, group * 140 + y)
        painter.drawRect(QRectF(x, group * 140 + y, 200, 96))
    for a, b in flows:
        painter.drawLine(*place[a], *place[b])
    painter.end()
    image.save(out, "PNG")
    del app
    return time.perf_counter() - start


def shot_floor(path: Path, width: int, height: int) -> float:
    """Every step's rect and every flow's line painted into a screen-sized image, scaled to
    fit it: the least an overview of the whole map can cost."""
    steps, flows = _rows(path)
    right = max(x for _, _, x, _ in steps) + 200
    bottom = max(group * 140 + y for _, group, _, y in steps) + 96
    scale = min(width / right, height / bottom)
    start = time.perf_counter()
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(scale, scale)
    place = {}
    for step_id, group, x, y in steps:
        place[step_id] = (x, group * 140 + y)
        painter.drawRect(QRectF(x, group * 140 + y, 200, 96))
    for a, b in flows:
        painter.drawLine(*place[a], *place[b])
    painter.end()
    return time.perf_counter() - start


def edit_floor(path: Path, step_id: int) -> float:
    """One UPDATE committed with synchronous=FULL, as the project writes it."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = FULL")
    start = time.perf_counter()
    with conn:
        conn.execute("UPDATE step SET title = 'Edited again' WHERE id = ?", (step_id,))
    seconds = time.perf_counter() - start
    conn.close()
    return seconds


def analysis_floor(path: Path) -> float:
    """Build the same directed graph and find its strongly connected parts with networkx."""
    steps, flows = _rows(path)
    start = time.perf_counter()
    graph = nx.DiGraph()
    graph.add_nodes_from(s[0] for s in steps)
    graph.add_edges_from(flows)
    list(nx.strongly_connected_components(graph))
    return time.perf_counter() - start


def tidy_floor(path: Path) -> float:
    """The least a layered layout does: steps sorted into reading order, then one longest-path
    pass over the flows in that order (a column per step), with networkx's topological sort
    of the flows that point forward."""
    steps, flows = _rows(path)
    start = time.perf_counter()
    rank = {s[0]: n for n, s in enumerate(sorted(steps, key=lambda s: (s[2], s[1], s[0])))}
    graph = nx.DiGraph()
    graph.add_nodes_from(rank)
    graph.add_edges_from((a, b) for a, b in flows if rank[a] < rank[b])
    column: dict[int, int] = {}
    for node in nx.topological_sort(graph):
        column[node] = max((column[p] + 1 for p in graph.predecessors(node)), default=0)
    return time.perf_counter() - start


def apart(name: str, *args: str) -> float:
    """Run floor ``name`` of this module in a separate Python process; its seconds."""
    code = f"import sys; from bench import floors; print(floors.{name}(*sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def calamine_floor(xlsx: str) -> float:
    """calamine reading the first sheet to Python values, alone."""
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    CalamineWorkbook.from_path(xlsx).get_sheet_by_index(0).to_python()
    return time.perf_counter() - start


def export_floor(project: str, out: str) -> float:
    """openpyxl write-only of the cells of the two large sheets (Evidence and Close the
    loop), as plain values, with nothing else: no tables, styles or other sheets."""
    from openpyxl import Workbook

    from cxmapper.model.evidence_stats import detractors
    from cxmapper.model.project import Project

    with Project.open_for_reading(project) as p:
        evidence = list(
            p.db.conn.execute(
                "SELECT id, date, kind, source, customer_id, score, score_scale, channel, '', text"
                " FROM evidence"
            )
        )
        loop = [
            (d.customer_id, d.steps, d.date, d.score, d.score_scale, d.source, d.text, "Open", "")
            for d in detractors(p)
        ]
    start = time.perf_counter()
    book = Workbook(write_only=True)
    for title, rows in (("Evidence", evidence), ("Close the loop", loop)):
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(out)
    return time.perf_counter() - start
