"""Importing an export as evidence: plan (read, detect, map, match steps), then run.

    plan = plan_import(project, path, format="auto", overrides={"text": "Comment"})
    plan.step_matches          # step-column value -> StepMatch (step id or suggestions)
    result = run_import(project, plan, links={"Billing": 12}, progress=cb, cancelled=fn)

``plan_import`` reads and checks the whole file first, so a malformed file is refused with
one sentence before anything is written; ``run_import`` writes all rows in one transaction
(``EvidenceStore.import_batch``), so an import is all or nothing and undone by removing its
batch. ``progress(done, total)`` is called every few thousand rows; ``cancelled()`` returning
True stops the import and rolls it back.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxmapper.exchange.formats import FIELDS, FORMATS, Layout, detect
from cxmapper.exchange.tabular import ImportFailure, read_table
from cxmapper.exchange.values import infer_scale, parse_date, parse_score, zendesk_score
from cxmapper.model.entities import ImportBatch
from cxmapper.model.project import Project

FUZZY_CUTOFF = 0.8
PROGRESS_EVERY = 2000


class ImportCancelled(Exception):
    pass


@dataclass
class StepMatch:
    value: str
    rows: int
    step_id: int | None = None  # exact (case-insensitive) or close match
    exact: bool = False
    suggestions: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class ImportPlan:
    path: Path
    layout: Layout
    rows: list[list[str]]
    encoding: str
    delimiter: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    step_matches: dict[str, StepMatch] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def header(self) -> list[str]:
        return self.layout.header

    def column_of(self, name: str) -> str | None:
        index = self.layout.mapping.get(name)
        return None if index is None else self.header[index]

    def preview(self, n: int = 20) -> list[list[str]]:
        return self.rows[self.layout.data_start : self.layout.data_start + n]


@dataclass
class ImportResult:
    batch: ImportBatch
    imported: int
    linked: int
    skipped: Counter[str]
    unmatched_steps: list[str]


def plan_import(
    project: Project,
    path: str | Path,
    *,
    format: str = "auto",
    overrides: dict[str, str] | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> ImportPlan:
    """Read, detect, map and check the file; raise ImportFailure with one sentence."""
    path = Path(path)
    if format not in ("auto", *FORMATS):
        raise ImportFailure(f"Unknown format “{format}”; use one of: auto, {', '.join(FORMATS)}.")
    table = read_table(path, delimiter, encoding)
    try:
        layout = detect(table.rows, format)
    except ValueError as exc:
        raise ImportFailure(f"“{path.name}”: {exc}.") from None
    for name, column in (overrides or {}).items():
        if name not in FIELDS:
            raise ImportFailure(f"“{name}” is not a field; map one of: {', '.join(FIELDS)}.")
        if column in ("", "-", "none"):
            layout.mapping.pop(name, None)
        elif column in layout.header:
            layout.mapping[name] = layout.header.index(column)
        elif column.isdigit() and 0 < int(column) <= len(layout.header):
            layout.mapping[name] = int(column) - 1
        else:
            raise ImportFailure(f"“{path.name}” has no column “{column}” to map to {name}.")
    plan = ImportPlan(
        path, layout, table.rows, table.encoding, table.delimiter, warnings=list(table.warnings)
    )
    if "text" not in layout.mapping and "score" not in layout.mapping:
        raise ImportFailure(
            f"“{path.name}”: no column holds feedback text or a score; map one with "
            "--map text=COLUMN or --map score=COLUMN."
        )
    _convert(project, plan)
    return plan


def _convert(project: Project, plan: ImportPlan) -> None:
    """Turn data rows into evidence values, checking every cell that must parse."""
    layout, name = plan.layout, plan.path.name
    width = len(layout.header)
    m = layout.mapping
    source = plan.path.stem
    scores: list[float] = []
    step_rows: Counter[str] = Counter()
    index = m
    zendesk = layout.format == "zendesk"
    subject_i = m.get("subject") if zendesk and m.get("subject") != m.get("text") else None
    date_i, score_i, step_i = index.get("date"), index.get("score"), index.get("step")
    plain = [(key, index.get(field)) for field, key in (
        ("id", "external_id"), ("customer_id", "customer_id"), ("channel", "channel"),
        ("score_scale", "score_scale"))]  # fmt: skip
    source_i, text_i = index.get("source"), index.get("text")

    def cell(row: list[str], i: int | None) -> str:
        return row[i].strip() if i is not None and i < len(row) else ""

    for number in range(layout.data_start, len(plan.rows)):
        row = plan.rows[number]
        if len(row) > width and any(c.strip() for c in row[width:]):
            raise ImportFailure(
                f"“{name}” row {number + 1} has {len(row)} fields but the header has {width}; "
                "nothing was imported."
            )
        if not any(row):
            plan.skipped["empty row"] += 1
            continue
        item: dict[str, Any] = {"kind": layout.kind, "source": cell(row, source_i) or source}
        for key, i in plain:
            item[key] = cell(row, i)
        text = cell(row, text_i)
        if subject_i is not None:
            subject = cell(row, subject_i)
            text = f"{subject}\n{text}".strip() if subject else text
        item["text"] = text
        raw_date = cell(row, date_i)
        try:
            item["date"] = parse_date(raw_date)
        except ValueError:
            raise ImportFailure(
                f"“{name}” row {number + 1}, column “{plan.column_of('date')}”: "
                f"“{raw_date[:30]}” is not a date; nothing was imported."
            ) from None
        raw_score = cell(row, score_i)
        try:
            score = zendesk_score(raw_score) if zendesk else parse_score(raw_score)
        except ValueError:
            raise ImportFailure(
                f"“{name}” row {number + 1}, column “{plan.column_of('score')}”: "
                f"“{raw_score[:30]}” is not a number; nothing was imported."
            ) from None
        item["score"] = score
        if score is not None:
            scores.append(score)
        if not text and score is None:
            plan.skipped["no feedback text or score"] += 1
            continue
        step = cell(row, step_i)
        if step:
            step_rows[step] += 1
        item["_step"] = step
        plan.evidence.append(item)
    scale = layout.score_scale or infer_scale(scores)
    for item in plan.evidence:
        if not item["score_scale"] and item["score"] is not None:
            item["score_scale"] = scale
    plan.step_matches = match_steps(project, step_rows)


def match_steps(project: Project, values: Counter[str]) -> dict[str, StepMatch]:
    """Each step-column value matched to a step title: exact (ignoring case), else close
    (difflib ratio ≥ 0.8), else unmatched with the nearest titles as suggestions."""
    titles: dict[str, int] = {}
    for step in sorted(project.steps(), key=lambda s: s.id):
        titles.setdefault(step.title.casefold(), step.id)
    originals = {s.id: s.title for s in project.steps()}
    result: dict[str, StepMatch] = {}
    for value, rows in values.items():
        key = value.casefold()
        match = StepMatch(value, rows)
        if key in titles:
            match.step_id, match.exact = titles[key], True
        else:
            close = difflib.get_close_matches(key, list(titles), n=3, cutoff=0.6)
            match.suggestions = [(titles[c], originals[titles[c]]) for c in close]
            best = difflib.get_close_matches(key, list(titles), n=1, cutoff=FUZZY_CUTOFF)
            if best:
                match.step_id = titles[best[0]]
        result[value] = match
    return result


def run_import(
    project: Project,
    plan: ImportPlan,
    *,
    links: dict[str, int | None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportResult:
    """Write the planned evidence as one import batch (all rows or none).

    ``links`` overrides step matching: value -> step id, or None to leave unlinked."""
    chosen = {v: m.step_id for v, m in plan.step_matches.items()}
    chosen.update(links or {})
    total = len(plan.evidence)
    linked = 0

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal linked
        for n, item in enumerate(plan.evidence, 1):
            step_id = chosen.get(item["_step"]) if item["_step"] else None
            # The store reads only the evidence fields and step_ids; "_step" rides along.
            item["step_ids"] = (step_id,) if step_id is not None else ()
            linked += step_id is not None
            yield item
            if n % PROGRESS_EVERY == 0:
                if cancelled is not None and cancelled():
                    raise ImportCancelled
                if progress is not None:
                    progress(n, total)

    mapping = {f: plan.header[i] for f, i in plan.layout.mapping.items() if i < len(plan.header)}
    batch = project.evidence.import_batch(
        plan.path.name, rows(), format=plan.layout.format, mapping=mapping
    )
    if progress is not None:
        progress(total, total)
    unmatched = sorted(v for v, step in chosen.items() if step is None)
    return ImportResult(batch, batch.rows, linked, plan.skipped, unmatched)
