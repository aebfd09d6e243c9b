"""`cxmapper export PATH OUT.xlsx`: the plan workbook for leadership."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from cxmapper.cli.base import CommandError, Subcommand, refuse_output_onto_project
from cxmapper.model.safety import ProjectFileError
from cxmapper.model.validation import ModelError

if TYPE_CHECKING:
    from cxmapper.model.project import Project


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="a .cxmap project")
    p.add_argument("out", help="the workbook to write (.xlsx)")
    p.add_argument("--no-map", action="store_true", help="leave the journey map image out")


def _run(args: argparse.Namespace) -> int:
    from cxmapper.model.project import Project

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise CommandError(f"“{out.name}”: the workbook name must end in .xlsx.")
    if not out.parent.is_dir():
        raise CommandError(f"“{out}” cannot be written: the folder “{out.parent}” does not exist.")
    refuse_output_onto_project(args.path, out, "the workbook")
    try:
        with Project.open_for_reading(args.path) as project:
            _export(project, args, out)
    except (CommandError, ProjectFileError, ModelError, KeyboardInterrupt):
        raise  # already one sentence (the command line reports them)
    except Exception as exc:
        # Whatever failed, the user gets one sentence and an exit status, never a traceback.
        raise CommandError(f"“{args.path}” could not be exported: {_reason(exc)}.") from exc
    print(f"Wrote {out}")
    return 0


def _export(project: Project, args: argparse.Namespace, out: Path) -> None:
    from cxmapper.exchange.workbook import export_workbook

    try:
        image = None if args.no_map else map_png(project)
        export_workbook(project, out, map_image=image)
    except OSError as exc:
        raise CommandError(f"“{out}” could not be written: {_reason(exc)}.") from exc


def _reason(exc: BaseException) -> str:
    """The error's own words on one line, without the file name (the sentence names it)."""
    text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    text = " ".join(text.split()).rstrip(".") or type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def map_png(project: Project) -> bytes | None:
    """The overview of the journey as PNG bytes (sharp enough to print), drawn offscreen as
    presentation mode draws it."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QIODevice

    from cxmapper.ui.app import make_application
    from cxmapper.ui.canvas.slides import SLIDE, shot_image

    make_application()
    image = shot_image(project, SLIDE, pixel_ratio=1.5)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # PySide6's stubs want bytes for the format; the runtime accepts only str.
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    return bytes(buffer.data().data())


COMMAND = Subcommand(
    "export", "write the macro-action plan workbook (.xlsx) for leadership", _args, _run
)
