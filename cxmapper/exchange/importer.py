"""Importing an export as evidence: plan (read, detect, map, match steps), then run.

    plan = plan_import(project, path, format="auto", overrides={"text": "Comment"})
    plan.step_matches          # step-column value -> StepMatch (step id or suggestions)
    result = run_import(project, plan, links={"Billing": 12}, progress=cb, cancelled=fn)

``plan_import`` reads and checks the whole file first, so a malformed file is refused with
one sentence before anything is written; ``run_import`` writes all rows in one transaction
(``EvidenceStore.import_values``), so an import is all or nothing and undone by removing its
batch. ``progress(done, total)`` is called every few thousand rows; ``cancelled()`` returning
True stops the import and rolls it back.

Columns are mapped by their headers and contents (:mod:`formats`, :mod:`profile`), each with
a confidence; ``confirm_below`` refuses a guess less sure than that (the command line asks
for --map rather than import with a doubtful column). Cells R, pandas or a spreadsheet wrote
for a missing value (NA, N/A, NaN, null, -, #N/A) are empty.

Rows already in the project are skipped ("already imported"), recognised by their content or
their item id (see :func:`reimport.drop_imported`); a file whose every row is there is refused.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import compress, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

from cxmapper.exchange.formats import FIELDS, FORMATS, Layout, detect
from cxmapper.exchange.intake import DEFAULT_MAX_SIZE
from cxmapper.exchange.plan import CLI_ADVICE as CLI_ADVICE
from cxmapper.exchange.plan import Advice as Advice
from cxmapper.exchange.plan import AdvisedFailure as AdvisedFailure
from cxmapper.exchange.plan import ImportCancelled as ImportCancelled
from cxmapper.exchange.plan import ImportPlan as ImportPlan
from cxmapper.exchange.plan import ImportResult as ImportResult
from cxmapper.exchange.plan import Items as Items
from cxmapper.exchange.plan import Notice as Notice
from cxmapper.exchange.plan import notice_of as notice_of
from cxmapper.exchange.profile import LOW_CONFIDENCE as LOW_CONFIDENCE
from cxmapper.exchange.profile import free_text
from cxmapper.exchange.reimport import ALREADY_IMPORTED as ALREADY_IMPORTED
from cxmapper.exchange.reimport import drop_imported as _drop_imported
from cxmapper.exchange.reimport import skip_reasons
from cxmapper.exchange.steps import StepMatch as StepMatch
from cxmapper.exchange.steps import match_steps as match_steps
from cxmapper.exchange.tabular import ImportFailure, read_table
from cxmapper.exchange.values import (
    BLANKED,
    DATE_ORDERS,
    MARKER_LENGTH,
    TEXT_BLANKED,
    TOOL_MISSING,
    check_scale,
    infer_scale,
    parse_date,
    parse_score,
    repeated_markers,
    scale_bounds,
    slashed_order,
    stated_scale,
    zendesk_score,
)
from cxmapper.model.project import Project
from cxmapper.wording import counted

PROGRESS_EVERY = 2000
PARSED = frozenset(("date", "score"))  # fields whose cells are parsed, markers included
PREVIEW_ROWS = 200  # data rows a plan keeps as read, for the wizard's preview


@contextmanager
def _bulk() -> Iterator[None]:
    """Pauses the cyclic garbage collector while a large file's rows are built and written.

    Every list and tuple made then lives until the import ends, so the collector can free
    none of them; left on, it rescans the growing heap again and again (a third of the time
    of reading and converting 100,000 rows)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@_bulk()
def plan_import(
    project: Project,
    path: str | Path,
    *,
    format: str = "auto",
    overrides: dict[str, str] | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    date_order: str = "auto",
    scale: str | None = None,
    check_imported: bool = True,
    max_size: int = DEFAULT_MAX_SIZE,
    cancelled: Callable[[], bool] | None = None,
    confirm_below: float = 0.0,
) -> ImportPlan:
    """Read, detect, map and check the file; raise ImportFailure with one sentence.

    A file larger than ``max_size`` bytes is refused before it is read (FileTooLarge);
    ``cancelled()`` returning True stops the reading of a workbook.

    ``date_order`` reads slashed dates day-first ("dmy") or month-first ("mdy"); "auto"
    decides from the column's values and refuses a column no value decides. ``scale``
    ("0-10", "1-5", "good-bad", ...) is the scale of the scores, instead of the one the
    export states or its values suggest.
    ``check_imported`` skips the rows already in the project (:func:`drop_imported`); a
    caller that plans away from the project's connection (the wizard's worker thread) passes
    False and calls ``drop_imported`` itself, on the project's thread. A column guessed for
    a field with a confidence below ``confirm_below``, and not given in ``overrides``, is
    refused with advice to map it (LOW_CONFIDENCE on the command line)."""
    path = Path(path)
    if format not in ("auto", *FORMATS):
        raise ImportFailure(f"Unknown format “{format}”; use one of: auto, {', '.join(FORMATS)}.")
    if date_order not in DATE_ORDERS:
        raise ImportFailure(
            f"“{date_order}” is not a date order; use one of: {', '.join(DATE_ORDERS)}."
        )
    if scale:
        try:
            scale = check_scale(scale)
        except ValueError:
            raise ImportFailure(
                f"“{scale}” is not a scale; write it as 0-10, 1-5, 1-7 or good-bad."
            ) from None
    table = read_table(path, delimiter, encoding, max_size=max_size, cancelled=cancelled)
    try:
        layout = detect(table.rows, format)
    except ValueError as exc:
        raise ImportFailure(f"“{path.name}”: {exc}.") from None
    # Before any question about the columns: a file without rows has nothing to map.
    if len(table.rows) <= layout.data_start:
        raise ImportFailure(f"“{path.name}” has a header but no rows; nothing was imported.")
    detected_text = layout.mapping.get("text")
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
            raise ImportFailure(
                f"“{path.name}” has no column “{column}” to map to {name} "
                f"({_columns_named(layout.header)}); nothing was imported."
            )
        layout.confidence[name] = 1.0  # the user's choice
    left_out = _check_guesses(path, layout, confirm_below, overrides or {})
    plan = ImportPlan(
        path,
        layout,
        table.rows,
        table.encoding,
        table.delimiter,
        warnings=[Notice(w) for w in table.warnings] + left_out,
    )
    if "text" not in layout.mapping and "score" not in layout.mapping:
        raise AdvisedFailure(
            Notice(
                f"“{path.name}”: no column holds feedback text or a score; ",
                Advice.MAP_TEXT_OR_SCORE,
                ".",
            )
        )
    # (Unless the user left the text out by name: the wizard, which names every field, says
    # "-" for a field it leaves unmapped, and its user is warned as well.)
    if "text" not in layout.mapping and (overrides or {}).get("text") != "none":
        plan.warnings.append(
            Notice(
                f"“{path.name}” has no column of feedback text (verbatims): its items hold "
                f"scores only{_nearest_text(layout)}; ",
                Advice.MAP_TEXT,
                ".",
            )
        )
    # (While the verbatim is the column detected: the wizard names it as its user's choice.)
    rivals = layout.rivals.get("text")
    if rivals and layout.mapping.get("text") == detected_text:
        plan.warnings.append(_rival_texts(path, layout, rivals))
    _convert(project, plan, date_order, scale or "")
    if not plan.evidence:  # an import without rows would only leave an empty batch
        raise ImportFailure(
            f"No row of “{path.name}” could be imported: {skip_reasons(plan.skipped)}."
        )
    # The rows now live on as evidence values; keep only what the preview shows (a wide
    # export's unmapped columns would otherwise stay in memory until the import ends).
    del plan.rows[layout.data_start + PREVIEW_ROWS :]
    if check_imported:
        drop_imported(project, plan)
    return plan


def _rival_texts(path: Path, layout: Layout, rivals: list[int]) -> Notice:
    """The warning for an export with several typed-in answers that read equally well as
    the verbatim: which one was taken, and which others there are."""
    names = [f"“{layout.header[i]}”" for i in rivals]
    others = ", ".join(names[:3]) + (f" and {len(names) - 3:,} more" if len(names) > 3 else "")
    taken = layout.header[layout.mapping["text"]]
    return Notice(
        f"“{path.name}” has {len(names) + 1} columns of typed-in answers that read equally "
        f"well as the verbatim; “{taken}” was taken, not {others}; ",
        Advice.OTHER_TEXT,
        ".",
    )


COLUMNS_LISTED = 12  # a header this wide or narrower is listed in full when a --map misses


def _columns_named(header: Sequence[str]) -> str:
    """The columns a mapping may name: all of them if few, else how many there are."""
    if len(header) > COLUMNS_LISTED:
        n = len(header)
        return f"it has {n} columns; name one by its header or its number, 1 to {n}"
    names = [f"“{h[:40]}”" if h else f"column {i + 1} (no header)" for i, h in enumerate(header)]
    return f"its {counted(len(header), 'column')}: {', '.join(names)}"


def _markers_notice(name: str, column: str, texts: list[str], markers: dict[str, str]) -> Notice:
    counts = Counter(t for t in texts if t in markers)
    top = [f"“{m}”" for m, _ in counts.most_common(3)]
    said = " or ".join(top) if len(top) < 3 else f"{top[0]}, {top[1]} or {top[2]}"
    return Notice(
        f"“{name}”, column “{column}”: {counts.total():,} verbatims are only {said}, the way "
        "a survey tool writes “no answer”, and are read as no text."
    )


def _nearest_text(layout: Layout) -> str:
    """For the no-verbatim warning: the unmapped column most like free text, if one is at
    all, and how few of its rows hold any (an "Other, please specify" box, most often)."""
    used = set(layout.mapping.values())
    fit, i = max(
        ((free_text(p), i) for i, p in enumerate(layout.profiles) if i not in used),
        default=(0.0, -1),
    )
    if fit <= 0.0:
        return ""
    filled = 1 - layout.profiles[i].empty_share
    share = f"{filled:.0%}" if filled >= 0.01 else "under 1%"
    return f" (the column most like one, “{layout.header[i]}”, has text in {share} of its rows)"


# Fields an import does without: a doubtful guess for one is left out (and said so) rather
# than refusing the file, whose real trouble may lie elsewhere.
SIDE_FIELDS = frozenset(("id", "customer_id", "channel", "step", "source", "score_scale"))


def _check_guesses(
    path: Path, layout: Layout, threshold: float, overrides: Mapping[str, str]
) -> list[Notice]:
    """Refuse the first text, score or date guessed with a confidence below ``threshold``
    (and not mapped by the user), naming the column and asking for a mapping; leave out the
    other fields so guessed, with a warning for each."""
    left_out: list[Notice] = []
    for name in layout.doubtful(threshold):
        if name in overrides:
            continue
        column = layout.header[layout.mapping[name]]
        cited = f'"{column}"' if not column or " " in column else column
        guess = (
            f"“{path.name}”: column “{column}” may be the {name} (confidence "
            f"{layout.confidence[name]:.2f}), but that is a guess"
        )
        args = (("field", name), ("column", cited))
        if name in SIDE_FIELDS:
            del layout.mapping[name]
            left_out.append(Notice(guess + ", so it was left out; ", Advice.USE_GUESS, ".", args))
            continue
        raise AdvisedFailure(
            Notice(guess + "; ", Advice.CONFIRM_GUESS, "; nothing was imported.", args)
        )
    return left_out


def drop_imported(project: Project, plan: ImportPlan) -> None:
    """:func:`reimport.drop_imported`, with the garbage collector paused (see _bulk)."""
    with _bulk():
        _drop_imported(project, plan)


_BAD = object()  # a cached cell that does not parse


class _Parsed(dict[str, Any]):
    """Each distinct cell of a column parsed once (exports repeat the same dates and scores
    thousands of times); a cell that does not parse is cached as _BAD."""

    def __init__(self, parse: Callable[[str], Any]) -> None:
        super().__init__()
        self.parse = parse

    def __missing__(self, cell: str) -> Any:
        try:
            value = self.parse(cell)
        except ValueError:
            value = _BAD
        self[cell] = value
        return value


def _data_rows(plan: ImportPlan) -> tuple[list[list[str]], Sequence[int]]:
    """The data rows to convert, with their 1-based row numbers in the file; empty rows are
    skipped and a row with more or fewer cells than the header is refused."""
    layout, name = plan.layout, plan.path.name
    first, width = layout.data_start, len(layout.header)
    rows = plan.rows[first:]
    numbers = range(first + 1, first + 1 + len(rows))
    # The common case, checked at C speed: every row full width and none empty.
    if set(map(len, rows)) == {width} and [""] * width not in rows:
        return rows, numbers
    kept: list[list[str]] = []
    kept_numbers: list[int] = []
    for number, row in zip(numbers, rows, strict=True):
        if not any(row) or (len(row) != width and not "".join(row).strip()):
            plan.skipped["empty row"] += 1
            continue
        if len(row) > width:
            raise ImportFailure(
                f"“{name}” row {number} has {counted(len(row), 'field')} but the header "
                f"has {width}; "
                "nothing was imported."
            )
        if len(row) < width:
            missing = layout.header[len(row)]
            missing = f"“{missing}”" if missing else f"column {len(row) + 1}"
            raise ImportFailure(
                f"“{name}” row {number} has {counted(len(row), 'field')} but the header "
                f"has {width}: "
                f"{missing} is missing; nothing was imported."
            )
        kept.append(row)
        kept_numbers.append(number)
    return kept, kept_numbers


def _convert(project: Project, plan: ImportPlan, date_order: str, scale: str) -> None:
    """Turn data rows into evidence values, checking every cell that must parse.

    Works column by column (C-level map and zip over the rows) and parses each distinct
    date and score once, so a 100,000-row file converts in a few hundredths of a second."""
    layout, name = plan.layout, plan.path.name
    rows, numbers = _data_rows(plan)
    n = len(rows)
    m = layout.mapping
    # What the tool writes for a question seen but not answered (Qualtrics' -99): empty.
    tool_missing = dict.fromkeys(TOOL_MISSING.get(layout.format, ()), "")

    def column(key: str) -> list[str] | None:
        """The column's cells, stripped, with missing-value markers (NA, null…) empty (dates
        and scores read them as empty when each distinct cell is parsed)."""
        i = m.get(key)
        if i is None:
            return None
        cells = list(map(str.strip, map(itemgetter(i), rows)))
        if key in PARSED:
            return cells
        blanked = TEXT_BLANKED if key == "text" else BLANKED
        if tool_missing:
            blanked = {**blanked, **tool_missing}
        # Markers are short: look among the short cells only (hashing every long text
        # would cost more than the rest of the column's handling).
        if blanked.keys().isdisjoint([c for c in cells if len(c) < MARKER_LENGTH]):
            return cells
        return list(map(blanked.get, cells, cells))

    def refuse(key: str, index: int, cell: str, what: str) -> ImportFailure:
        return ImportFailure(
            f"“{name}” row {numbers[index]}, column “{plan.column_of(key)}”: "
            f"“{cell[:30]}” is {what}; nothing was imported."
        )

    def refuse_off_scale(index: int, cell: str, scale: str) -> ImportFailure:
        return ImportFailure(
            f"“{name}” row {numbers[index]}, column “{plan.column_of('score')}”: {cell[:30]} "
            f"is outside the {scale.replace('-', '–')} scale; nothing was imported."
        )

    blank = list(repeat("", n))
    texts = column("text") or blank
    if m.get("text") is not None and (said_nothing := repeated_markers(texts)):
        plan.warnings.append(
            _markers_notice(name, plan.column_of("text") or "", texts, said_nothing)
        )
        texts = list(map(said_nothing.get, texts, texts))
    subject_i = m.get("subject") if layout.format == "zendesk" else None
    if subject_i is not None and subject_i != m.get("text"):
        subjects = map(str.strip, map(itemgetter(subject_i), rows))
        texts = [f"{s}\n{t}".strip() if s else t for s, t in zip(subjects, texts, strict=True)]
    faults: list[tuple[int, ImportFailure]] = []  # the first bad cell of each column
    dates: list[Any] = list(repeat(None, n))
    if (raw_dates := column("date")) is not None:
        distinct = dict.fromkeys(raw_dates)  # in file order, for the examples in messages
        order = date_order
        if order == "auto":
            order = _date_order(plan, distinct, raw_dates, numbers)
        parsed = _Parsed(lambda cell: parse_date(cell, order))
        dates = list(map(parsed.__getitem__, raw_dates))
        if any(v is _BAD for v in parsed.values()):
            bad = next(i for i, v in enumerate(dates) if v is _BAD)
            # A date the other order reads is wrong only in the order the user chose.
            other = {"dmy": "mdy", "mdy": "dmy"}.get(date_order)
            what = "not a date"
            if other and _readable(raw_dates[bad], other):
                first = "day" if date_order == "dmy" else "month"
                what = f"not a date with the {first} first, as the dates were to be read"
            faults.append((bad, refuse("date", bad, raw_dates[bad], what)))
    scores: list[Any] = list(repeat(None, n))
    score_of: dict[str, Any] = {}
    raw_scores = column("score")
    if raw_scores is not None:
        score_of = _Parsed(zendesk_score if layout.format == "zendesk" else parse_score)
        score_of.update(dict.fromkeys(tool_missing))  # (parsed as no score)
        scores = list(map(score_of.__getitem__, raw_scores))
        if any(v is _BAD for v in score_of.values()):
            bad = next(i for i, v in enumerate(scores) if v is _BAD)
            faults.append((bad, refuse("score", bad, raw_scores[bad], "not a number")))
        hint = layout.header[m["score"]] + " " + layout.hints.get(m["score"], "")
        seen = (v for v in score_of.values() if v is not None and v is not _BAD)
        scale = scale or layout.score_scale or stated_scale(hint) or infer_scale(seen, hint)
    # A scored item without a scale of its own takes the file's scale.
    unscaled = [scale if s is not None else "" for s in scores] if None in scores else None
    scales: list[str] = unscaled or list(repeat(scale, n))
    if (own := column("score_scale")) is not None:
        scales = [mine or given for mine, given in zip(own, scales, strict=True)]
        off = _off_own_scale(scales, scores)
    else:
        off = _off_scale(scale, score_of.values(), scores)
    if off is not None and raw_scores is not None:
        faults.append((off, refuse_off_scale(off, raw_scores[off], scales[off])))
    if faults:  # the first in the file, as a reader going row by row would meet it
        raise min(faults, key=itemgetter(0))[1]
    sources: list[str] = list(repeat(plan.path.stem, n))
    if (raw_sources := column("source")) is not None:
        sources = [s or plan.path.stem for s in raw_sources]
    columns = [
        list(repeat(layout.kind, n)),
        sources,
        column("id") or blank,
        dates,
        column("customer_id") or blank,
        scores,
        scales,
        column("channel") or blank,
        texts,
    ]
    steps = column("step") or blank
    if all(texts) or None not in scores:
        plan.evidence, plan.step_values = Items(columns), steps
    else:  # rows with neither text nor score say nothing
        keep = [bool(t) or s is not None for t, s in zip(texts, scores, strict=True)]
        plan.evidence = Items([list(compress(c, keep)) for c in columns])
        plan.step_values = list(compress(steps, keep))
        plan.skipped["no feedback text or score"] += n - len(plan.evidence)
    plan.step_matches = match_steps(project, Counter(filter(None, plan.step_values)))
    uncompared = sum(not m.compared for m in plan.step_matches.values())
    if uncompared:
        different = len(plan.step_matches)
        plan.warnings.append(
            Notice(
                f"“{name}”, column “{plan.column_of('step')}”: of its {different:,} different "
                f"values, only the {different - uncompared:,} most frequent were compared with "
                f"the step titles for close matches; {uncompared:,} that match no title "
                "exactly are left unlinked."
            )
        )


def _off_scale(scale: str, distinct: Iterable[Any], scores: list[Any]) -> int | None:
    """The index of the first score outside ``scale`` (a numeric one: "0-10"), if any; the
    distinct scores are checked, the column searched only when one is off."""
    bounds = scale_bounds(scale)
    if bounds is None:
        return None
    low, high = bounds
    off = {v for v in distinct if isinstance(v, float) and not low <= v <= high}
    if not off:
        return None
    return next(i for i, v in enumerate(scores) if v in off)


def _off_own_scale(scales: list[str], scores: list[Any]) -> int | None:
    """As :func:`_off_scale` for items that each state their scale (a score_scale column):
    each distinct pair of score and scale is checked."""
    pairs = list(zip(scores, scales, strict=True))
    for score, scale in dict.fromkeys(pairs):
        if isinstance(score, float) and _off_scale(scale, (score,), [score]) is not None:
            return pairs.index((score, scale))
    return None


def _readable(cell: str, order: str) -> bool:
    try:
        return parse_date(cell, order) is not None
    except ValueError:
        return False


def _date_order(
    plan: ImportPlan, distinct: Iterable[str], cells: list[str], numbers: Sequence[int]
) -> str:
    """One day/month order for the slashed dates of the whole date column, from all its
    values. Dates that contradict each other are refused, and so is a column no value
    decides (every date could be read either way, 03/04/2026): guessing would silently put
    a day in the wrong month, so the user says the order."""
    name, column = plan.path.name, plan.column_of("date")
    found = slashed_order(distinct)
    if found.day_first and found.month_first:
        (a, a_order), (b, b_order) = sorted(
            [(cells.index(found.day_first), "day"), (cells.index(found.month_first), "month")]
        )
        raise AdvisedFailure(
            Notice(
                f"“{name}”, column “{column}”: row {numbers[a]} ({cells[a]}) can only be "
                f"{a_order}-first but row {numbers[b]} ({cells[b]}) only {b_order}-first; ",
                Advice.CHOOSE_DATE_ORDER,
                "; nothing was imported.",
            )
        )
    if found.undecidable:
        row = cells.index(found.ambiguous)
        raise AdvisedFailure(
            Notice(
                f"“{name}”, column “{column}”: no date shows whether the day or the month "
                f"comes first (row {numbers[row]}: {found.ambiguous} may be either); ",
                Advice.CHOOSE_DATE_ORDER,
                "; nothing was imported.",
            )
        )
    # Decided by the values, or the same day either way (03/03/2026, ISO dates).
    return found.order or "mdy"


@_bulk()
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
    total = len(plan.evidence)
    step_ids = item_steps(plan, links)  # per item, its step id or None
    linked = total - step_ids.count(None)

    def tick(done: int) -> None:
        if cancelled is not None and cancelled():
            raise ImportCancelled
        if progress is not None:
            progress(done, total)

    mapping = {f: plan.header[i] for f, i in plan.layout.mapping.items() if i < len(plan.header)}
    batch = project.evidence.import_values(
        plan.path.name,
        plan.evidence,
        steps=step_ids if linked else (),
        format=plan.layout.format,
        mapping=mapping,
        tick=tick,
        chunk=PROGRESS_EVERY,
    )
    if progress is not None:
        progress(total, total)
    unmatched = sorted(v for v, step in _chosen(plan, links).items() if step is None)
    return ImportResult(batch, batch.rows, linked, plan.skipped, unmatched)


def _chosen(plan: ImportPlan, links: Mapping[str, int | None] | None) -> dict[str, int | None]:
    chosen = {v: m.step_id for v, m in plan.step_matches.items()}
    chosen.update(links or {})
    return chosen


def item_steps(plan: ImportPlan, links: Mapping[str, int | None] | None = None) -> list[Any]:
    """Per planned item, the step id ``run_import`` links it to with ``links`` (step-column
    value -> step id, or None to leave unlinked; other values keep their match), or None."""
    return list(map(_chosen(plan, links).get, plan.step_values))


def linked_items(plan: ImportPlan, links: Mapping[str, int | None] | None = None) -> int:
    """How many items ``run_import`` links to a step with ``links``, as it counts them."""
    return len(plan.evidence) - item_steps(plan, links).count(None)
