"""What the command line prints from a project never reaches the terminal as a control."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cxmapper.cli import main as cli
from cxmapper.model.project import Project
from cxmapper.terminal import EscapingStream, escape_controls

OSC_TITLE = "\x1b]0;pwned\x07"  # retitles the terminal window
CLEAR = "\x1b[2J"  # clears the screen
RLO = "\u202e"  # right-to-left override: the rest of the line reads backwards
CSI = "\x9b"  # the one-character CSI of C1
HOSTILE = f"Refund {OSC_TITLE} loop {CLEAR} x{RLO}y {CSI}31m"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def hostile_project(path: Path) -> Path:
    with Project.create(path) as p:
        group = p.add_work_group(f"Billing{CLEAR}")
        step = p.add_step(group.id, HOSTILE)
        p.add_pain(
            HOSTILE,
            step_ids=(step.id,),
            reach_source="estimate",
            reach_estimate_count=120.0,
            extra_contacts=1.0,
        )
    return path


def assert_no_raw_controls(text: str) -> None:
    assert not [c for c in RAW if c in text], repr(text)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        (OSC_TITLE, "\\x1b]0;pwned\\x07"),
        ("x\x9by", "x\\x9by"),
        ("x\x7fy\x00", "x\\x7fy\\x00"),
        ("a\u202eb\u2066c\u2069", "a\\u202eb\\u2066c\\u2069"),
        ("line\r\nnext\ttab", "line\\x0d\\x0anext\\x09tab"),
        ("Ünïcödé — “quoted” €", "Ünïcödé — “quoted” €"),
    ],
)
def test_controls_become_visible_escapes(text: str, shown: str) -> None:
    assert escape_controls(text) == shown


def test_lines_and_tabs_can_be_kept() -> None:
    assert escape_controls("a\n\tb\r\x1b", keep_lines=True) == "a\n\tb\\x0d\\x1b"


def test_the_stream_escapes_and_passes_the_rest_through() -> None:
    target = io.StringIO()
    stream = EscapingStream(target)  # type: ignore[arg-type]
    assert stream.write(f"t{CLEAR}\n") == len(f"t{CLEAR}\n")
    print("second", file=stream)  # type: ignore[arg-type]
    assert target.getvalue() == "t\\x1b[2J\nsecond\n"
    assert stream.getvalue() == target.getvalue()  # anything else is the target's


def test_rank_prints_escapes_not_controls(tmp_path: Path, capsys) -> None:
    path = hostile_project(tmp_path / "p.cxmap")
    before = sys.stdout, sys.stderr
    assert cli(["rank", str(path)]) == 0
    assert (sys.stdout, sys.stderr) == before  # the streams are given back
    out = capsys.readouterr().out
    assert_no_raw_controls(out)
    assert "\\x1b]0;pwned\\x07" in out and "\\x1b[2J" in out and "\\u202e" in out
    assert "\\x9b31m" in out and "[Billing\\x1b[2J]" in out
    assert len(out.strip().splitlines()) == 2  # the header and one row per pain


def test_rank_json_is_still_json(tmp_path: Path, capsys) -> None:
    path = hostile_project(tmp_path / "p.cxmap")
    assert cli(["rank", str(path), "--json"]) == 0
    out = capsys.readouterr().out
    assert_no_raw_controls(out)
    assert json.loads(out)[0]["title"] == HOSTILE  # json's own escapes, read back exactly


def test_rank_json_never_prints_infinity(tmp_path: Path, capsys, monkeypatch) -> None:
    import cxmapper.model.scoring as scoring

    path = hostile_project(tmp_path / "p.cxmap")
    real = scoring.score_pains

    def infinite(project: Project) -> list:
        scores = real(project)
        scores[0].impact = float("inf")
        return scores

    monkeypatch.setattr(scoring, "score_pains", infinite)
    assert cli(["rank", str(path), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "Infinity" not in captured.err
    assert "not finite numbers" in captured.err and len(captured.err.splitlines()) == 1


def test_an_error_naming_a_hostile_file_is_one_escaped_line(tmp_path: Path, capsys) -> None:
    name = tmp_path / f"evil{OSC_TITLE}\n{CLEAR}.cxmap"
    name.write_bytes(b"not a project")
    assert cli(["check", str(name)]) == 1
    err = capsys.readouterr().err
    assert_no_raw_controls(err)
    assert len(err.splitlines()) == 1 and "\\x1b]0;pwned\\x07" in err


def test_a_real_terminal_gets_no_escape_byte(tmp_path: Path) -> None:
    """The installed command, as a person runs it: stdout is a pipe, bytes are checked."""
    path = hostile_project(tmp_path / "p.cxmap")
    result = subprocess.run(
        [sys.executable, "-m", "cxmapper", "rank", str(path)],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    for raw in (b"\x1b", b"\x07", b"\xc2\x9b", "\u202e".encode()):
        assert raw not in result.stdout
    assert b"\\x1b]0;pwned\\x07" in result.stdout
