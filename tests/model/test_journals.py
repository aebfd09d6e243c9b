"""Journals, busy files and schemas from others: nothing outside the project is touched, what
is opened is what was inspected, and a busy file is not called damaged."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxmapper.cli import main as cli
from cxmapper.model import safety
from cxmapper.model.project import Project
from cxmapper.model.safety import ProjectFileError, inspect
from cxmapper.model.schema import SCHEMA_VERSION
from tests.model.builders import sound_project
from tests.model.hostile import fingerprint
from tests.model.hostile_journals import crash_mid_edit, journal_of, super_record

COMMANDS = {
    "check": lambda p, out: ["check", str(p)],
    "info": lambda p, out: ["info", str(p)],
    "rank": lambda p, out: ["rank", str(p), "--json"],
    "export": lambda p, out: ["export", str(p), str(out / "plan.xlsx")],
    "render": lambda p, out: ["render", str(p), str(out / "map.png")],
    "import": lambda p, out: ["import", str(p), str(out / "answers.csv")],
}


@pytest.mark.parametrize("relative", [True, False], ids=["relative", "absolute"])
@pytest.mark.parametrize("command", [*COMMANDS, "open"])
def test_a_journal_naming_a_file_never_deletes_it(
    tmp_path: Path, monkeypatch, capsys, command: str, relative: bool
) -> None:
    """SQLite deletes the "super-journal" a replayed journal names; a relative name resolves
    against the working folder. No command lets SQLite see such a journal."""
    project_folder, work, out = tmp_path / "mail", tmp_path / "work", tmp_path / "out"
    for folder in (project_folder, work, out):
        folder.mkdir()
    victim = work / "victim.txt"
    victim.write_text("precious")
    (out / "answers.csv").write_text("Comment,Score\nSlow,3\n")
    path = project_folder / "sent.cxmap"
    crash_mid_edit(path)
    with journal_of(path).open("ab") as fh:
        fh.write(super_record("victim.txt" if relative else str(victim)))
    monkeypatch.chdir(work)
    before = fingerprint(path)
    if command == "open":
        with pytest.raises(ProjectFileError, match="journal file that points at another file"):
            Project.open(path)
    else:
        assert cli(COMMANDS[command](path, out)) == 1
        assert "journal file that points at another file" in capsys.readouterr().err
    assert victim.read_text() == "precious"
    assert fingerprint(path) == before


def test_a_crash_is_recovered_from_the_inspected_copy(tmp_path: Path) -> None:
    """Opening a crashed file for editing replaces it with the copy that was rolled back and
    inspected; the journal goes; the edit in flight is lost, the commits before it are not."""
    path = tmp_path / "crashed.cxmap"
    crash_mid_edit(path, "UPDATE step SET title = 'half-written'")
    inode = path.stat().st_ino
    with Project.open(path) as p:
        assert len(p.steps()) == 200
        assert {s.title for s in p.steps()} == {f"Step {i}" for i in range(200)}
    assert not journal_of(path).exists()
    assert path.stat().st_ino != inode  # replaced whole, by a rename
    assert Project.check_file(path) == SCHEMA_VERSION


def test_a_crashed_file_whose_committed_state_is_bad_is_left_alone(tmp_path: Path) -> None:
    """The rolled-back state fails validation: neither the file nor its journal changes."""
    path = tmp_path / "crashed.cxmap"
    crash_mid_edit(path, before=("UPDATE step SET emotion = 99 WHERE id = 1",))
    before = fingerprint(path), journal_of(path).read_bytes()
    with pytest.raises(ProjectFileError, match="emotion must be"):
        Project.open(path)
    assert (fingerprint(path), journal_of(path).read_bytes()) == before


def test_opening_and_closing_a_sound_file_writes_nothing(tmp_path: Path) -> None:
    path = sound_project(tmp_path / "p.cxmap")
    before = fingerprint(path)
    time.sleep(0.01)
    with Project.open(path):
        pass
    assert fingerprint(path) == before


def test_a_busy_file_is_in_use_not_damaged(tmp_path: Path, monkeypatch, capsys) -> None:
    """Another program holding the file mid-commit: the check waits, then says it is in use."""
    path = sound_project(tmp_path / "busy.cxmap")
    monkeypatch.setattr(safety, "BUSY_WAIT", 0.3)
    writer = sqlite3.connect(path, check_same_thread=False)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(ProjectFileError, match="in use by another program"):
            inspect(path, for_writing=False)
        assert cli(["check", str(path)]) == 1
        err = capsys.readouterr().err
        assert "in use by another program" in err and "damaged" not in err
    finally:
        writer.rollback()
    # Released while the check waits: the check goes through.
    monkeypatch.setattr(safety, "BUSY_WAIT", 10.0)
    writer.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(0.5, writer.rollback)
    release.start()
    try:
        assert inspect(path, for_writing=False) == SCHEMA_VERSION
    finally:
        release.join()
        writer.close()


# SQLite's tokenizer takes these for white space, and nothing else.
SQL_SPACE = st.sampled_from([" ", "  ", "\t", "\n", "\r\n", "\f", " \n\t "])
# Characters str.split() (or a reader's eye) takes for white space that SQLite does not.
FOREIGN_SPACE = st.sampled_from(["\u00a0", "\u2028", "\u3000", "\x85", "\v", "\u2009", "\x1c"])


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return sound_project(tmp_path_factory.mktemp("schema") / "template.cxmap")


def _rewrite_schema(path: Path, table: str, old: str, new: str) -> None:
    conn = sqlite3.connect(path)
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_schema SET sql = replace(sql, ?, ?) WHERE name = ?", (old, new, table)
    )
    conn.execute(f"PRAGMA schema_version = {version + 1}")
    conn.commit()
    conn.close()


TABLE_SPACES = [
    ("step", "title TEXT NOT NULL"),
    ("evidence", "kind TEXT NOT NULL DEFAULT 'survey'"),
    ("pain", "extra_churn REAL NOT NULL DEFAULT 0"),
    ("action", "status TEXT NOT NULL DEFAULT 'proposed'"),
]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(where=st.sampled_from(TABLE_SPACES), space=SQL_SPACE, foreign=FOREIGN_SPACE, data=st.data())
def test_schema_is_compared_as_sqlite_reads_it(
    template: Path, tmp_path_factory, where, space: str, foreign: str, data
) -> None:
    """White space SQLite reads as white space changes nothing; any other character where a
    space was makes the column something else, and the file is refused."""
    table, clause = where
    gaps = [i for i, c in enumerate(clause) if c == " "]
    gap = data.draw(st.sampled_from(gaps))
    folder = tmp_path_factory.mktemp("s")
    same, other = folder / "same.cxmap", folder / "other.cxmap"
    shutil.copyfile(template, same)
    shutil.copyfile(template, other)
    _rewrite_schema(same, table, clause, clause[:gap] + space + clause[gap + 1 :])
    _rewrite_schema(other, table, clause, clause[:gap] + foreign + clause[gap + 1 :])
    assert inspect(same, for_writing=False) == SCHEMA_VERSION
    with pytest.raises(ProjectFileError, match=r"did not create|malformed database schema"):
        inspect(other, for_writing=False)


def test_reopening_ones_own_project_skips_only_the_slow_checks(tmp_path: Path, monkeypatch) -> None:
    """A project closed here and unchanged since is not scanned again; a file whose bytes
    changed, or one with a journal beside it, is inspected in full."""
    from cxmapper.model import project as project_module

    path = sound_project(tmp_path / "own.cxmap")
    other = sound_project(tmp_path / "other.cxmap")
    scans: list[str] = []
    real = project_module.check_stored_evidence
    monkeypatch.setattr(
        project_module, "check_stored_evidence", lambda db: scans.append("evidence") or real(db)
    )
    with Project.open(path):
        pass
    assert scans == []  # closed here unchanged: verified already
    conn = sqlite3.connect(path)
    conn.execute("UPDATE evidence SET score = 'high' WHERE id = 2")
    conn.commit()
    conn.close()
    with pytest.raises(ProjectFileError, match="evidence item 2"):
        Project.open(path)
    assert scans == ["evidence"]
    journal_of(other).write_bytes(b"\x00" * 512)  # (a zeroed journal: nothing to replay)
    with Project.open(other):
        pass
    assert scans == ["evidence", "evidence"]
