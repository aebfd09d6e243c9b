"""The subcommands about a project file itself: demo, info, check, open."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cxmapper.cli.base import EXIT_OK, CommandError, Subcommand

DEMO_STEPS = 32  # the demo journey's own size (resources/demo/journey.json)


def cmd_demo(args: argparse.Namespace) -> int:
    from cxmapper.model.demo import write_demo

    path = Path(args.path)
    if args.steps is not None and args.steps < DEMO_STEPS:
        raise CommandError(
            f"--steps scales the demo up from its {DEMO_STEPS} steps; give {DEMO_STEPS} or more."
        )
    if path.exists() and not args.force:
        raise CommandError(f"“{path.name}” already exists; pass --force to replace it.")
    counts = write_demo(path, steps=args.steps, replace=args.force)
    print(f"Wrote {path}: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()))
    return EXIT_OK


def cmd_info(args: argparse.Namespace) -> int:
    from cxmapper.model.safety import inspected
    from cxmapper.model.summary import read_counts

    # Counted in the state that was inspected (a crash's rolled-back copy is made once).
    with inspected(args.path) as found:
        counts = {"schema_version": found.version, **read_counts(found.state)}
    if args.json:
        print(json.dumps(counts, indent=2, allow_nan=False))
    else:
        for key, value in counts.items():
            print(f"{key.replace('_', ' '):>16}: {value}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from cxmapper.model.project import Project

    # The file, then every value as opening would see it (an older file upgraded in memory).
    version = Project.check_file(args.path)
    if not args.quiet:
        print(f"{Path(args.path).name}: sound CX Mapper project (file version {version}).")
    return EXIT_OK


def cmd_open(args: argparse.Namespace) -> int:
    if args.exit_when_open:
        from cxmapper.model.safety import inspect

        if not args.path:
            raise CommandError("--exit-when-open needs a project file.")
        inspect(args.path)  # a refusal is one sentence here, not a dialog nobody closes
    from cxmapper.ui.app import run

    return run(args.path, exit_when_open=args.exit_when_open)


def _demo_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="where to write the demo project (.cxmap)")
    p.add_argument(
        "--steps", type=int, default=None, help="scale the journey to N steps (for benchmarks)"
    )
    p.add_argument("--force", action="store_true", help="replace the file if it exists")


def _info_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="a .cxmap project")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")


def _check_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="a .cxmap project")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing when sound")


def _open_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", help="a .cxmap project to open")
    p.add_argument(
        "--exit-when-open",
        action="store_true",
        help="open the window on the project, say what it shows, and exit (checks an install)",
    )


DEMO = Subcommand("demo", "write the demo B2B onboarding project", _demo_args, cmd_demo)
INFO = Subcommand("info", "print what a project holds", _info_args, cmd_info)
CHECK = Subcommand(
    "check", "check that a project file is sound (exit 0) or say why not", _check_args, cmd_check
)
OPEN = Subcommand("open", "open a project in the window", _open_args, cmd_open)
