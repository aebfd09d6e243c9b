"""Temporary files beside a destination, for writes that must land whole or not at all.

Exports and copies are written to a hidden temporary file in the destination's folder and
renamed into place. A process killed mid-write cannot remove its temporary file, so the name
carries the writer's process id, and each new write first removes the leftovers of CX Mapper
processes that no longer exist.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_LEFTOVER = re.compile(r"^\.cxmap-(?:export|map|copy)-(\d+)-")


def temp_beside(dest: Path, kind: str, suffix: str) -> str:
    """A new, empty temporary file in ``dest``'s folder, readable like a normal file."""
    sweep_leftovers(dest.parent)
    fd, tmp = tempfile.mkstemp(
        prefix=f".cxmap-{kind}-{os.getpid()}-", suffix=suffix, dir=dest.parent
    )
    os.close(fd)
    return tmp


def publish(tmp: str, dest: Path) -> None:
    """Give ``tmp`` the permissions of a normal new file, then rename it onto ``dest``."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # not mkstemp's owner-only mode
    os.replace(tmp, dest)


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
