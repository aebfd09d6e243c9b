"""Hostile rollback journals sent beside a project: each is refused before SQLite sees it.

A journal is built as a crash leaves it (an edit's pages spilled into the file, the original
pages in the journal), then tampered with. Attacks that name a victim file put it beside the
project, so the corpus check that nothing beside the file changed also checks it survived.
"""

from __future__ import annotations

import os
import sqlite3
import struct
from pathlib import Path

from tests.model.builders import _raw, sound_project

MAGIC = bytes.fromhex("d9d505f920a163d7")
VICTIM = "victim.txt"


def journal_of(p: Path) -> Path:
    return p.with_name(p.name + "-journal")


def crash_mid_edit(p: Path, *sql: str, steps: int = 200, before: tuple[str, ...] = ()) -> None:
    """Leave ``p`` as a crash in the middle of ``sql`` leaves it: some of the edit's pages
    written into the file, the pages they replaced in a hot journal beside it."""
    original = p.with_name("original-" + p.name)
    sound_project(original, steps=steps)
    if before:
        _raw(original, *before)
    conn = sqlite3.connect(original)
    conn.execute("PRAGMA cache_size = 1")  # spill changed pages into the file before commit
    conn.execute("BEGIN")
    for statement in sql:
        conn.execute(statement)
    conn.execute("UPDATE step SET description = hex(randomblob(300))")  # more spilled pages
    p.write_bytes(original.read_bytes())
    journal_of(p).write_bytes(journal_of(original).read_bytes())
    conn.rollback()
    conn.close()
    original.unlink()


def super_record(name: str) -> bytes:
    """A super-journal record as SQLite appends one: lock-byte page, name, its length, a
    checksum, the journal magic."""
    raw = name.encode()
    checksum = sum(raw) & 0xFFFFFFFF
    lock_page = struct.pack(">I", (1 << 30) // 4096 + 1)
    return lock_page + raw + struct.pack(">II", len(raw), checksum) + MAGIC


def _append_super(p: Path, name: str) -> None:
    with journal_of(p).open("ab") as fh:
        fh.write(super_record(name))


def _victim(p: Path) -> Path:
    victim = p.with_name(VICTIM)
    victim.write_text("a file the sender wants gone")
    return victim


def super_journal_deletes_a_file(p: Path) -> None:
    """Rolling this journal back would delete the file it names (SQLite deletes a
    super-journal that lists no live journal)."""
    crash_mid_edit(p)
    _append_super(p, str(_victim(p).resolve()))


def super_journal_hides_a_trigger(p: Path) -> None:
    """The file holds a trigger that rewrites every step; the journal's pages are the clean
    state. Replayed in a copy (deleting the super-journal), the copy is clean; then the real
    file's journal looks stale, and the real file, trigger and all, would be opened."""
    crash_mid_edit(
        p, "CREATE TRIGGER t AFTER INSERT ON import_batch BEGIN UPDATE step SET title = 'x'; END"
    )
    _append_super(p, str(_victim(p).resolve()))


def journal_is_a_fifo(p: Path) -> None:
    sound_project(p)
    os.mkfifo(journal_of(p))


def journal_links_to_a_large_file(p: Path) -> None:
    sound_project(p)
    big = p.with_name("large.bin")
    with big.open("wb") as fh:
        fh.truncate(3 << 30)  # sparse: 3 GiB that take no room
    os.symlink(big.name, journal_of(p))


def _patch_journal(p: Path, offset: int, value: bytes) -> None:
    data = bytearray(journal_of(p).read_bytes())
    data[offset : offset + len(value)] = value
    journal_of(p).write_bytes(bytes(data))


def journal_claims_a_huge_file(p: Path) -> None:
    """Rolled back, the file would grow to the journal's "original size": 1 TiB."""
    crash_mid_edit(p)
    _patch_journal(p, 16, struct.pack(">I", (1 << 40) // 4096))


def journal_of_another_page_size(p: Path) -> None:
    crash_mid_edit(p)
    _patch_journal(p, 24, struct.pack(">I", 1024))


def journal_restores_another_application(p: Path) -> None:
    """The journal's copy of page 1 carries another application's id. (The page checksum
    samples every 200th byte from the end, which misses bytes 68-71.)"""
    crash_mid_edit(p)
    data = journal_of(p).read_bytes()
    sector, page_size = struct.unpack(">II", data[20:28])
    records = struct.unpack(">I", data[8:12])[0]
    offset = sector
    for _ in range(records):
        if struct.unpack(">I", data[offset : offset + 4])[0] == 1:
            _patch_journal(p, offset + 4 + 68, struct.pack(">I", 0x1234))
            return
        offset += 4 + page_size + 4
    raise AssertionError("page 1 is not in the journal")


def journal_larger_than_an_edit(p: Path) -> None:
    """Not SQLite's journal, and larger than the file: replaying it does nothing, but copying
    it aside would fill the disk."""
    sound_project(p)
    with journal_of(p).open("wb") as fh:
        fh.write(b"\x01" * 4096)
        fh.truncate(2 << 30)


BUILDERS = (
    super_journal_deletes_a_file,
    super_journal_hides_a_trigger,
    journal_is_a_fifo,
    journal_links_to_a_large_file,
    journal_claims_a_huge_file,
    journal_of_another_page_size,
    journal_restores_another_application,
    journal_larger_than_an_edit,
)
