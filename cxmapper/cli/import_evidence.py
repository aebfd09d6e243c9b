"""`cxmapper import PATH FILE`: survey and ticket exports as evidence, linked to steps."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from cxmapper.cli.base import CommandError, CommandInterrupted, Subcommand
from cxmapper.exchange.formats import FIELDS, FORMATS, Layout
from cxmapper.exchange.intake import DEFAULT_MAX_SIZE, MB
from cxmapper.wording import counted

if TYPE_CHECKING:
    from cxmapper.model.project import Project


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="the .cxmap project to import into")
    p.add_argument("file", help="a CSV or XLSX export")
    p.add_argument(
        "--format",
        default="auto",
        choices=["auto", *FORMATS],
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="use COLUMN (a header name or 1-based number) for FIELD: id, date, "
        "customer_id, score, score_scale, channel, text, step, source; FIELD=none maps nothing "
        "to it",
    )
    p.add_argument("--delimiter", help="the CSV delimiter (sniffed if not given); \\t for tab")
    p.add_argument("--encoding", help="the CSV encoding (detected if not given)")
    p.add_argument(
        "--date-order",
        default="auto",
        metavar="auto|dmy|mdy",
        help="how to read slashed dates such as 03/04/2026: day-first (dmy) or month-first "
        "(mdy); auto decides from all the dates of the column, and refuses a column whose "
        "dates all read either way",
    )
    p.add_argument(
        "--scale",
        metavar="SCALE",
        help="the scale of the scores (0-10, 1-5, 1-7, good-bad, ...) instead of the one the "
        "export states or its values suggest",
    )
    p.add_argument(
        "--max-size",
        type=_megabytes,
        default=DEFAULT_MAX_SIZE // MB,
        metavar="MB",
        help="the largest file to read, in megabytes (default %(default)s); a larger one is "
        "refused unread",
    )


def _megabytes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"“{text}” is not a size in megabytes, e.g. 800")
    return value


NOT_IMPORTED = "interrupted; nothing was imported."


def _run(args: argparse.Namespace) -> int:
    from cxmapper.model.project import Project

    overrides = {}
    for item in args.map:
        field, sep, column = item.partition("=")
        if not sep:
            raise CommandError(f"--map {item}: write it as FIELD=COLUMN.")
        overrides[field.strip()] = column.strip()
    opened = False
    try:
        with Project.open(args.path) as project:
            before = len(project.evidence.batches())
            opened = True
            try:
                _import(project, args, overrides)
            except KeyboardInterrupt:
                # The import is one transaction, rolled back when Ctrl-C stops it; stopped
                # after it was written (while the summary prints), it is not undone.
                if len(project.evidence.batches()) != before:
                    raise
                raise CommandInterrupted(NOT_IMPORTED) from None
    except KeyboardInterrupt as exc:
        if opened or isinstance(exc, CommandInterrupted):
            raise
        raise CommandInterrupted(NOT_IMPORTED) from None  # stopped while opening the project
    return 0


def _import(project: Project, args: argparse.Namespace, overrides: dict[str, str]) -> None:
    """Plan, say the mapping, import, and report what was imported."""
    from cxmapper.exchange.importer import LOW_CONFIDENCE, plan_import, run_import
    from cxmapper.exchange.tabular import FileTooLarge, ImportFailure

    try:
        plan = plan_import(
            project,
            args.file,
            format=args.format,
            overrides=overrides,
            delimiter=args.delimiter,
            encoding=args.encoding,
            date_order=args.date_order,
            scale=args.scale,
            max_size=int(args.max_size * MB),
            confirm_below=LOW_CONFIDENCE,
        )
    except FileTooLarge as exc:
        raise CommandError(
            exc.worded(f"to import it anyway, add --max-size {exc.needed_mb}")
        ) from None
    except ImportFailure as exc:
        raise CommandError(str(exc)) from None
    print(f"Read {plan.path.name} as {plan.layout.format}; columns used:")
    for line in mapping_lines(plan.layout):
        print(f"  {line}")
    for warning in plan.warnings:
        print(f"warning: {warning}")
    result = run_import(project, plan)
    imported = counted(result.imported, "item")
    print(f"Imported {imported} from {plan.path.name} ({plan.layout.format}).")
    print(f"Linked to steps: {result.linked}.")
    skipped = sum(result.skipped.values())
    reasons = ", ".join(f"{n} {why}" for why, n in result.skipped.most_common())
    print(f"Skipped rows: {skipped}" + (f" ({reasons})." if skipped else "."))
    if result.unmatched_steps:
        names = ", ".join(f"“{v}”" for v in result.unmatched_steps[:10])
        print(f"No step matched: {names}; link them in the window or rename the steps.")


def mapping_lines(layout: Layout) -> list[str]:
    """One line per mapped field, in the order of FIELDS: "text ← review  (confidence
    0.93)"; a column the user mapped, or the tool's own, is certain (1.00)."""
    width = max((len(f) for f in layout.mapping), default=0)
    lines = []
    for name in FIELDS:
        index = layout.mapping.get(name)
        if index is None or index >= len(layout.header):
            continue
        sure = layout.confidence.get(name, 1.0)
        column = layout.header[index] or f"column {index + 1}"
        if len(column) > 60:
            column = column[:59] + "…"
        lines.append(f"{name:<{width}} ← {column}  (confidence {sure:.2f})")
    return lines


COMMAND = Subcommand("import", "import a survey or ticket export as evidence", _args, _run)
