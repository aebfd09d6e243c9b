"""The ``cxmapper`` command: headless subcommands, or the window when none is given.

Every subcommand reports failure as one sentence on stderr and a non-zero exit, never a
traceback. Subcommands import what they need lazily so ``cxmapper check`` stays quick.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from cxmapper.model.safety import ProjectFileError
from cxmapper.model.validation import ModelError
from cxmapper.terminal import EscapingStream, escape_controls

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
DEMO_STEPS = 32  # the demo journey's own size (resources/demo/journey.json)


class CommandError(Exception):
    """A subcommand failed; the message is shown as it is."""


def _fail(message: str) -> int:
    # The message may quote a file name or a value from the project: one line, no controls.
    print(f"cxmapper: {escape_controls(message)}", file=sys.stderr)
    return EXIT_FAILED


def refuse_output_onto_project(project: str, out: Path, what: str) -> None:
    """Refuse, before any work, to write ``what`` onto the project being read (whatever the
    names) or onto any other CX Mapper project: one sentence, and the project is untouched."""
    from cxmapper.model.tempfiles import refuse_project_destination

    try:
        same = os.path.samefile(project, out)
    except OSError:
        same = False  # one of them does not exist (yet): they cannot be the same file
    if same:
        raise CommandError(f"“{out.name}” is the project itself; choose another name for {what}.")
    refuse_project_destination(out, what)


# --- subcommands --------------------------------------------------------------------------------


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
    from cxmapper.model.safety import inspect
    from cxmapper.model.summary import read_counts

    version = inspect(args.path, for_writing=False)
    counts = {"schema_version": version, **read_counts(Path(args.path))}
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


# Other parts of the application add their subcommands here: name -> (help, add_arguments, run).
SUBCOMMANDS: dict[
    str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]
] = {}


def register(
    name: str,
    help: str,
    add_arguments: Callable[[argparse.ArgumentParser], None],
    run: Callable[[argparse.Namespace], int],
) -> None:
    SUBCOMMANDS[name] = (help, add_arguments, run)


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


register("demo", "write the demo B2B onboarding project", _demo_args, cmd_demo)
register("info", "print what a project holds", _info_args, cmd_info)
register(
    "check", "check that a project file is sound (exit 0) or say why not", _check_args, cmd_check
)
register("open", "open a project in the window", _open_args, cmd_open)


def _load_plugins() -> None:
    import importlib
    import pkgutil

    import cxmapper.commands

    for info in pkgutil.iter_modules(cxmapper.commands.__path__):
        importlib.import_module(f"cxmapper.commands.{info.name}")


def build_parser() -> argparse.ArgumentParser:
    _load_plugins()
    parser = argparse.ArgumentParser(
        prog="cxmapper",
        description="CX Mapper: map customer journeys across work groups, score pains, plan "
        "macro actions. With no command (or just a file), opens the window.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_text, add_arguments, run) in SUBCOMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        add_arguments(p)
        p.set_defaults(run=run)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Whatever a command prints may come from a project or an import file, which anyone can
    # craft: while it runs, stdout and stderr escape terminal controls (newline and tab kept).
    # (A windowed build has no streams at all: None stays None, print ignores it.)
    stdout, stderr = sys.stdout, sys.stderr
    if stdout is not None:
        sys.stdout = EscapingStream(stdout)  # type: ignore[assignment]
    if stderr is not None:
        sys.stderr = EscapingStream(stderr)  # type: ignore[assignment]
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _main(argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `cxmapper` alone or `cxmapper FILE` opens the window.
    if not argv or (argv[0] not in _known_commands() and not argv[0].startswith("-")):
        argv = ["open", *argv]
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (ProjectFileError, ModelError, CommandError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted.")
    except OSError as exc:
        return _fail(f"{exc.strerror or exc} ({exc.filename})" if exc.filename else str(exc))
    except sqlite3.DatabaseError as exc:
        return _fail(f"the project file could not be read ({exc}).")
    except Exception as exc:  # a failure no check foresaw: still one sentence, never a trace
        return _fail(f"the command failed unexpectedly ({type(exc).__name__}: {exc}).")


def _known_commands() -> set[str]:
    _load_plugins()
    return set(SUBCOMMANDS)


if __name__ == "__main__":
    sys.exit(main())
