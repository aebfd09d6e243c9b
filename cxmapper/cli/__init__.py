"""The ``cxmapper`` command: headless subcommands, or the window when none is given.

Every subcommand reports failure as one sentence on stderr and a non-zero exit, never a
traceback. Each lives in a module of this package and is listed in :data:`SUBCOMMANDS`; the
modules import what their work needs inside it, so ``cxmapper check`` stays quick.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys

from cxmapper.cli import export, import_evidence, project, rank, render, tidy
from cxmapper.cli.base import (
    EXIT_INTERRUPTED,
    CommandError,
    CommandInterrupted,
    Subcommand,
    fail,
)
from cxmapper.cli.project import DEMO_STEPS
from cxmapper.model.safety import ProjectFileError
from cxmapper.model.validation import ModelError
from cxmapper.terminal import EscapingStream

__all__ = ["DEMO_STEPS", "SUBCOMMANDS", "CommandError", "build_parser", "main"]

SUBCOMMANDS: tuple[Subcommand, ...] = (
    project.DEMO,
    project.INFO,
    project.CHECK,
    project.OPEN,
    import_evidence.COMMAND,
    export.COMMAND,
    rank.COMMAND,
    render.COMMAND,
    tidy.COMMAND,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cxmapper",
        description="CX Mapper: map customer journeys across work groups, score pains, plan "
        "macro actions. With no command (or just a file), opens the window.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in SUBCOMMANDS:
        p = sub.add_parser(command.name, help=command.help, description=command.help)
        command.add_arguments(p)
        p.set_defaults(run=command.run)
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
    if not argv or (argv[0] not in {c.name for c in SUBCOMMANDS} and not argv[0].startswith("-")):
        argv = ["open", *argv]
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (ProjectFileError, ModelError, CommandError) as exc:
        return fail(str(exc))
    except KeyboardInterrupt as exc:
        # A command that knows what it left undone says so (CommandInterrupted).
        fail(str(exc) if isinstance(exc, CommandInterrupted) else "interrupted.")
        return EXIT_INTERRUPTED
    except OSError as exc:
        return fail(f"{exc.strerror or exc} ({exc.filename})" if exc.filename else str(exc))
    except sqlite3.DatabaseError as exc:
        return fail(f"the project file could not be read ({exc}).")
    except Exception as exc:  # a failure no check foresaw: still one sentence, never a trace
        return fail(f"the command failed unexpectedly ({type(exc).__name__}: {exc}).")


if __name__ == "__main__":
    sys.exit(main())
