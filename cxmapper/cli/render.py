"""`cxmapper render PATH OUT.png|OUT.svg|OUT.pdf`: the journey map as an image, headless."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from cxmapper.cli.base import CommandError, Subcommand, refuse_output_onto_project


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="a .cxmap project")
    p.add_argument("out", help="the image to write: .png, .svg or .pdf")
    p.add_argument(
        "--fit",
        metavar="WxH",
        help="the overview presentation mode shows on a screen this large (a .png), e.g. 1920x1080",
    )
    p.add_argument(
        "--slides",
        action="store_true",
        help="a 16:9 PDF: the overview, then one page per stage",
    )


MAX_SCREEN = 8192  # a side of the screen --fit draws for (an 8K display; the image is held whole)


def _screen(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    try:
        size = int(width), int(height)
    except ValueError:
        size = (0, 0)
    if not (16 <= size[0] <= MAX_SCREEN and 16 <= size[1] <= MAX_SCREEN):
        raise CommandError(
            f"“{text}”: give the screen as WIDTHxHEIGHT, e.g. 1920x1080 (16 to {MAX_SCREEN})."
        )
    return size


def _run(args: argparse.Namespace) -> int:
    from cxmapper.model.project import Project

    out = Path(args.out)
    if out.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise CommandError(f"“{out.name}”: the image must end in .png, .svg or .pdf.")
    if args.fit is not None and out.suffix.lower() != ".png":
        raise CommandError(f"“{out.name}”: --fit writes a .png picture.")
    if args.slides and out.suffix.lower() != ".pdf":
        raise CommandError(f"“{out.name}”: --slides writes a .pdf file.")
    if args.fit is not None and args.slides:
        raise CommandError("Choose --fit (one picture) or --slides (a PDF), not both.")
    fit = _screen(args.fit) if args.fit is not None else None
    refuse_output_onto_project(args.path, out, "the image")
    # Rendering needs no screen.
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSize

    from cxmapper.ui.app import make_application
    from cxmapper.ui.canvas.render import render_to_file

    make_application()
    with Project.open_for_reading(args.path) as project:
        render_to_file(project, out, fit=None if fit is None else QSize(*fit), slides=args.slides)
    print(f"Wrote {out}")
    return 0


COMMAND = Subcommand(
    "render",
    "draw the journey map to a PNG, SVG or PDF file (or the overview, or slides)",
    _args,
    _run,
)
