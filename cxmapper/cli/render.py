"""`cxmapper render PATH OUT.png|OUT.svg|OUT.pdf`: the journey map as an image, headless."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from cxmapper.cli.base import CommandError, Subcommand, refuse_output_onto_project


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="a .cxmap project")
    p.add_argument("out", help="the image to write: .png, .svg or .pdf")


def _run(args: argparse.Namespace) -> int:
    from cxmapper.model.project import Project

    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise CommandError(f"“{out.name}”: the image must end in .png, .svg or .pdf.")
    refuse_output_onto_project(args.path, out, "the image")
    # Rendering needs no screen.
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from cxmapper.ui.app import make_application
    from cxmapper.ui.canvas.render import render_to_file

    make_application()
    with Project.open_for_reading(args.path) as project:
        render_to_file(project, out)
    print(f"Wrote {out}")
    return 0


COMMAND = Subcommand("render", "draw the journey map to a PNG, SVG or PDF file", _args, _run)
