"""What every subcommand shares: its declaration, its failure, one sentence on stderr."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cxmapper.terminal import escape_controls

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # as a shell reports a command stopped by Ctrl-C (128 + SIGINT)


class CommandError(Exception):
    """A subcommand failed; the message is shown as it is."""


class CommandInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a subcommand that can say what it left undone ("interrupted; nothing
    was imported."); the message is shown as it is."""


@dataclass(frozen=True)
class Subcommand:
    """One ``cxmapper`` subcommand. Its module imports what the work needs inside ``run``, so
    that building the parser (and ``cxmapper check``) stays quick."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def fail(message: str) -> int:
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
