"""Bad and hostile files are refused with one sentence and never modified."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cxmapper.cli import main as cli
from cxmapper.model.project import Project
from cxmapper.model.safety import ProjectFileError
from tests.model.hostile import CORPUS, fingerprint, sound_project


def one_sentence(message: str) -> None:
    assert message.endswith((".", ")."))
    assert "\n" not in message
    assert "Traceback" not in message


@pytest.mark.parametrize("make", CORPUS.values(), ids=list(CORPUS))
def test_hostile_file_is_refused_and_left_unchanged(tmp_path: Path, make) -> None:
    path = tmp_path / "bad.cxmap"
    make(path)
    before = fingerprint(path)
    time.sleep(0.01)  # an mtime change would show
    with pytest.raises(ProjectFileError) as info:
        Project.open(path)
    one_sentence(str(info.value))
    assert fingerprint(path) == before


@pytest.mark.parametrize("make", CORPUS.values(), ids=list(CORPUS))
def test_cli_check_refuses_with_one_line(tmp_path: Path, make, capsys) -> None:
    path = tmp_path / "bad.cxmap"
    make(path)
    before = fingerprint(path)
    code = cli(["check", str(path)])
    err = capsys.readouterr().err
    if make.__name__ == "read_only":
        assert code == 0  # sound to read; only opening it for editing is refused
    else:
        assert code == 1
        assert err.count("\n") == 1
        one_sentence(err.strip())
    assert fingerprint(path) == before


def test_messages_name_the_problem(tmp_path: Path) -> None:
    cases = {
        "random_bytes": "not a database",
        "empty": "empty",
        "other_application": "another application",
        "newer_version": "newer CX Mapper",
        "corrupt_pages": "damaged",
        "extra_trigger": "did not create",
        "directory": "folder",
        "missing": "does not exist",
        "read_only": "read-only",
        "hostile_values": "cannot read",
    }
    for name, words in cases.items():
        path = tmp_path / f"{name}.cxmap"
        CORPUS[name](path)
        with pytest.raises(ProjectFileError, match=words):
            Project.open(path)


def test_file_open_in_this_process_is_reported(tmp_path: Path) -> None:
    path = sound_project(tmp_path / "shared.cxmap")
    with Project.open(path):
        with pytest.raises(ProjectFileError, match="already open"):
            Project.open(path)
        # Checking and reading counts still work while it is open.
        assert cli(["check", str(path)]) == 0
    with Project.open(path):
        pass  # closed means free again


def test_file_open_in_another_process_is_reported(tmp_path: Path) -> None:
    path = sound_project(tmp_path / "shared.cxmap")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from cxmapper.model.project import Project;"
            "p = Project.open(sys.argv[1]); print('open', flush=True); time.sleep(60)",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(ProjectFileError, match="already open in another CX Mapper"):
            Project.open(path)
    finally:
        holder.kill()
        holder.wait()
    with Project.open(path):
        pass  # the lock died with the process


def test_every_connection_distrusts_the_schema(project: Project) -> None:
    assert project.db.conn.execute("PRAGMA trusted_schema").fetchone() == (0,)


@pytest.mark.skipif(os.name != "posix", reason="permission bits")
def test_read_only_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = sound_project(folder / "p.cxmap")
    os.chmod(folder, 0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        with pytest.raises(ProjectFileError, match="read-only"):
            Project.open(path)
    finally:
        os.chmod(folder, 0o755)


def test_check_judges_an_interrupted_edit_by_its_last_commit_and_leaves_it(
    tmp_path: Path, capsys
) -> None:
    """A crash mid-edit: `check` inspects the rolled-back state in a copy, touching nothing;
    opening the file then rolls the edit back in place."""
    from tests.model.hostile import _raw

    original = tmp_path / "original.cxmap"
    sound_project(original, steps=200)
    conn = __import__("sqlite3").connect(original)
    conn.execute("PRAGMA cache_size = 1")
    conn.execute("BEGIN")
    conn.execute("UPDATE step SET title = 'half-written'")
    path = tmp_path / "crashed.cxmap"
    path.write_bytes(original.read_bytes())
    journal = original.with_name(original.name + "-journal").read_bytes()
    path.with_name(path.name + "-journal").write_bytes(journal)
    conn.rollback()
    conn.close()
    before = fingerprint(path)
    assert cli(["check", str(path)]) == 0
    assert "sound CX Mapper project" in capsys.readouterr().out
    assert cli(["info", str(path), "--json"]) == 0
    assert '"steps": 200' in capsys.readouterr().out
    assert cli(["rank", str(path)]) == 0
    assert fingerprint(path) == before
    with Project.open(path) as p:
        assert len(p.steps()) == 200
        assert all(s.title.startswith("Step ") for s in p.steps())
    assert not path.with_name(path.name + "-journal").exists()
    _raw(path, "SELECT 1")  # and the file is an ordinary database again


def test_reading_commands_never_write_the_file(tmp_path: Path, capsys) -> None:
    """rank, export and render read an old, read-only file as it is, and a file that is open
    in a window, without upgrading, locking or touching it."""
    (tmp_path / "project").mkdir()
    old = tmp_path / "project" / "old.cxmap"
    old.write_bytes((Path(__file__).parents[1] / "fixtures" / "version1.cxmap").read_bytes())
    os.chmod(old, 0o444)
    before = fingerprint(old)
    time.sleep(0.01)
    out = tmp_path / "out"
    out.mkdir()
    assert cli(["rank", str(old), "--json"]) == 0
    assert cli(["export", str(old), str(out / "plan.xlsx")]) == 0
    assert cli(["render", str(old), str(out / "map.svg")]) == 0
    assert fingerprint(old) == before
    capsys.readouterr()
    busy = sound_project(tmp_path / "busy.cxmap")
    with Project.open(busy) as p:  # open for editing, as in a window
        p.add_pain("Invoices wrong", step_ids=(p.steps()[0].id,))
        assert cli(["rank", str(busy), "--json"]) == 0
    assert '"title": "Invoices wrong"' in capsys.readouterr().out


WRITER = """
import sys, time
from cxmapper.model.project import Project
p = Project.open(sys.argv[1])
g = p.work_groups()[0].id
print("ready", flush=True)
end = time.monotonic() + 3
i = 0
while time.monotonic() < end:
    p.add_step(g, f"Step {i}", description="x" * 20000)
    i += 1
"""


@pytest.mark.skipif(os.name != "posix", reason="a second process writing")
def test_check_while_another_process_commits_edits(tmp_path: Path) -> None:
    """A check never reads half of an edit that another CX Mapper is committing."""
    from cxmapper.model.safety import inspect

    path = sound_project(tmp_path / "busy.cxmap")
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        for _ in range(40):
            assert inspect(path, for_writing=False) >= 1
            time.sleep(0.02)
    finally:
        writer.wait(timeout=30)
    assert writer.returncode == 0


def test_page_and_link_scans_run_beside_the_load_and_a_refusal_is_never_trusted(
    tmp_path: Path, monkeypatch
) -> None:
    import threading

    from cxmapper.model import safety
    from cxmapper.model.trust import unchanged_since_verified
    from tests.model.builders import _raw
    from tests.model.hostile import dangling_reference

    scanned_on: list[str] = []
    scan = safety._scan

    def recording(p: Path, name: str, **kw: bool) -> None:
        scanned_on.append(threading.current_thread().name)
        scan(p, name, **kw)

    monkeypatch.setattr(safety, "_scan", recording)
    path = sound_project(tmp_path / "p.cxmap")
    _raw(path, "UPDATE step SET description = 'changed elsewhere'")  # a file from someone else
    assert not unchanged_since_verified(path)
    Project.open(path).close()
    assert scanned_on == ["cxmapper inspection"]  # beside the load, not before it
    # Closed here unchanged: trusted, so the next open skips the scans.
    assert unchanged_since_verified(path)
    Project.open(path).close()
    assert scanned_on == ["cxmapper inspection"]
    # A file whose links point nowhere is refused after the load, with the scans' sentence,
    # left as it was, and not remembered as checked: refused again the next time.
    damaged = tmp_path / "d.cxmap"
    dangling_reference(damaged)
    before = fingerprint(damaged)
    for _ in range(2):
        with pytest.raises(ProjectFileError, match="links point at items that do not exist"):
            Project.open(damaged)
        assert not unchanged_since_verified(damaged)
    assert fingerprint(damaged) == before
