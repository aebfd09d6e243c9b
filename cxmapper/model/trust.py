"""Projects whose exact bytes this CX Mapper has verified, so reopening them skips the slow
checks.

Opening a file runs every check of :mod:`cxmapper.model.safety` and the value validation:
about half a second on a 200,000-evidence project. Reopening one's own project is the common
case, so when a project is closed, the SHA-256 of its bytes is remembered (hashing 50 MB takes
about 35 ms). A file whose bytes hash to a remembered value, with no journal or write-ahead log
beside it, is byte for byte a file that was verified here; anything else (a file that came by
email and was never opened here, a file another program changed) is inspected in full.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

MAX_REMEMBERED = 200
_FILE = "verified-projects.json"


def data_folder() -> Path:
    """Where CX Mapper keeps what it remembers between runs ($CXMAPPER_DATA_DIR, else the
    XDG data folder)."""
    if folder := os.environ.get("CXMAPPER_DATA_DIR"):
        return Path(folder)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "cxmapper"


def _digest(path: Path) -> str | None:
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


def _read() -> list[str]:
    try:
        with open(data_folder() / _FILE, encoding="utf-8") as fh:
            found = json.load(fh)
    except (OSError, ValueError, RecursionError):
        return []
    if not isinstance(found, list):
        return []
    return [h for h in found if isinstance(h, str)]


def unchanged_since_verified(path: Path) -> bool:
    """Whether ``path`` holds exactly the bytes of a project this CX Mapper verified and
    closed, with no journal or write-ahead log beside it."""
    path = Path(path)
    for sibling in ("-journal", "-wal"):
        if os.path.lexists(path.with_name(path.name + sibling)):
            return False
    digest = _digest(path)
    return digest is not None and digest in _read()


def remember_verified(path: Path) -> None:
    """Remember the bytes of ``path`` as verified (call once it is closed)."""
    digest = _digest(Path(path))
    if digest is None:
        return
    known = [h for h in _read() if h != digest]
    known.append(digest)  # newest last: the oldest are forgotten first
    _write(known[-MAX_REMEMBERED:])


def _write(known: list[str]) -> None:
    folder = data_folder()
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".verified-", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(known, fh)
        os.replace(tmp, folder / _FILE)
    except OSError:
        # Only a speed-up is lost: the next open inspects the file in full.
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
