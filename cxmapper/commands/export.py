"""`cxmapper export PATH OUT.xlsx`: the plan workbook for leadership."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from cxmapper.cli import CommandError, register


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="a .cxmap project")
    p.add_argument("out", help="the workbook to write (.xlsx)")
    p.add_argument("--no-map", action="store_true", help="leave the journey map image out")


def _run(args: argparse.Namespace) -> int:
    from cxmapper.exchange.workbook import export_workbook
    from cxmapper.model.project import Project

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise CommandError(f"“{out.name}”: the workbook name must end in .xlsx.")
    with Project.open(args.path) as project:
        image = None if args.no_map else map_png(project)
        export_workbook(project, out, map_image=image)
    print(f"Wrote {out}")
    return 0


def map_png(project: object) -> bytes | None:
    """The journey map as PNG bytes, drawn offscreen by the canvas's renderer."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QIODevice

    from cxmapper.ui.app import make_application
    from cxmapper.ui.render import render_image

    make_application()
    image = render_image(project, scale=1.0)  # type: ignore[arg-type]
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data().data())


register("export", "write the macro-action plan workbook (.xlsx) for leadership", _args, _run)
