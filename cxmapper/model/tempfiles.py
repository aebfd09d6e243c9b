"""Temporary files beside a destination, for writes that must land whole or not at all.

Exports and copies are written to a hidden temporary file in the destination's folder and
renamed into place. The rename never lands on a CX Mapper project (nor on a ``.cxmap`` name)
unless the write is a copy of a project: a workbook or image named like the project, or the
project given as the output by mistake, must not replace the user's work.

A process killed mid-write cannot remove its temporary file, so the name carries the writer's
process id, and each new write first removes the leftovers of CX Mapper processes that no
longer exist.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from cxmapper.model.errors import ProjectFileError
from cxmapper.model.schema import APPLICATION_ID

_LEFTOVER = re.compile(r"^\.cxmap-(?:export|map|copy)-(\d+)-")
_KIND = re.compile(r"^\.cxmap-(export|map|copy)-")
WHAT = {"export": "the workbook", "map": "the image", "copy": "the copy"}
SQLITE_MAGIC = b"SQLite format 3\x00"
# A project's files: the database and what SQLite keeps beside it while it is open.
PROJECT_ENDINGS = (".cxmap", ".cxmap-journal", ".cxmap-wal", ".cxmap-shm")


def temp_beside(dest: Path, kind: str, suffix: str) -> str:
    """A new, empty temporary file in ``dest``'s folder, readable like a normal file."""
    sweep_leftovers(dest.parent)
    fd, tmp = tempfile.mkstemp(
        prefix=f".cxmap-{kind}-{os.getpid()}-", suffix=suffix, dir=dest.parent
    )
    os.close(fd)
    return tmp


def publish(tmp: str, dest: Path, *, project_copy: bool = False) -> None:
    """Give ``tmp`` the permissions of a normal new file, then rename it onto ``dest``.

    Unless ``project_copy`` (the write is itself a CX Mapper project), refuses with
    :class:`ProjectFileError` to land on a CX Mapper project or on a project's file name.
    """
    if not project_copy:
        refuse_project_destination(Path(dest), WHAT.get(_kind(tmp), "the file"))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # not mkstemp's owner-only mode
    os.replace(tmp, dest)


def refuse_project_destination(dest: Path, what: str = "the file") -> None:
    """Raise :class:`ProjectFileError` (one sentence) if writing ``what`` to ``dest`` would
    replace a CX Mapper project, or give a non-project a project's name."""
    if is_project_file(dest):
        raise ProjectFileError(
            f"“{dest.name}” is a CX Mapper project; choose another name for {what}."
        )
    if dest.name.lower().endswith(PROJECT_ENDINGS):
        raise ProjectFileError(
            f"“{dest.name}” is the name of a CX Mapper project file; "
            f"choose another name for {what}."
        )


def is_project_file(path: Path) -> bool:
    """Whether ``path`` is a CX Mapper project, by its header (whatever its name): SQLite's
    magic, then our application id at bytes 68-72 (big-endian, as SQLite stores it)."""
    try:
        with open(path, "rb") as fh:
            header = fh.read(72)
    except OSError:
        return False  # missing, a folder, or unreadable: nothing we can recognise
    return (
        len(header) == 72
        and header.startswith(SQLITE_MAGIC)
        and int.from_bytes(header[68:72], "big") == APPLICATION_ID
    )


def _kind(tmp: str) -> str:
    match = _KIND.match(os.path.basename(tmp))
    return match.group(1) if match else ""


def sweep_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files of CX Mapper processes that have died; return them."""
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        match = _LEFTOVER.match(name)
        if match and not _alive(int(match.group(1))):
            path = Path(folder) / name
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                pass  # another process removed it first, or the folder is read-only
    return removed


def _alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # no cheap check: leave the file
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True
