"""An import file may be anything: a pipe, a device, a huge sparse file, a workbook built to
crash or exhaust its reader. Each is refused with one sentence, quickly, and the process
survives (the workbook readers run in a child process with limits)."""

from __future__ import annotations

import datetime as dt
import difflib
import io
import marshal
import os
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from cxmapper.cli import main as cli
from cxmapper.exchange import intake, steps, xlsx, xlsx_child
from cxmapper.exchange.importer import plan_import, run_import
from cxmapper.exchange.intake import MB, FileTooLarge, read_limited, size_text
from cxmapper.exchange.tabular import ImportFailure, read_table
from cxmapper.model.project import Project
from tests.exchange.hostile import SOUND, shared_strings, sheet, workbook, zip_bomb

WAIT = 20.0  # seconds a refusal may take on a busy machine; the real ones take milliseconds


@pytest.fixture
def journey(project: Project) -> Project:
    customer = project.add_work_group("Customer")
    billing = project.add_work_group("Billing")
    project.add_step(customer.id, "Receives invoice")
    project.add_step(billing.id, "Invoice correction")
    project.add_step(customer.id, "Kick-off meeting")
    return project


def refusal(call: Callable[[], object]) -> str:
    """The one-sentence refusal ``call`` raises, within WAIT seconds (a thread, so that a
    hang fails the test instead of stalling it)."""
    outcome: list[BaseException | object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(WAIT)
    assert not thread.is_alive(), "the import hung"
    (error,) = outcome
    assert isinstance(error, ImportFailure), f"not refused: {error!r}"
    message = str(error)
    assert message.endswith((".", "?")) and "\n" not in message, message
    return message


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- what the file is ---------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    pipe = tmp_path / "export.csv"
    os.mkfifo(pipe)
    message = refusal(lambda: read_table(pipe))
    assert (
        message == "“export.csv” is not a regular file but a named pipe, so it cannot be imported."
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_an_endless_device_is_refused() -> None:
    message = refusal(lambda: read_table(Path("/dev/zero")))
    assert message == "“zero” is not a regular file but a device, so it cannot be imported."


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets")
def test_a_socket_and_a_folder_are_refused(tmp_path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "s.csv"))
        assert "is not a regular file but a socket" in refusal(
            lambda: read_table(tmp_path / "s.csv")
        )
    finally:
        server.close()
    assert refusal(lambda: read_table(tmp_path)).endswith("is a folder, not an export file.")


def test_a_file_over_the_limit_is_refused_before_a_byte_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "huge.csv"
    with big.open("wb") as f:  # sparse: 2 GiB on paper, nothing on disk
        f.truncate(2 * 1024**3)

    def no_reading(*_: object) -> bytes:
        raise AssertionError("a file over the limit was read")

    monkeypatch.setattr(intake.os, "read", no_reading)
    started = time.perf_counter()
    message = refusal(lambda: read_table(big))
    print(f"refused a 2 GiB file in {time.perf_counter() - started:.4f} s")
    assert message == "“huge.csv” is 2.1 GB, more than the 500 MB an import reads."
    with pytest.raises(FileTooLarge) as info:
        read_limited(big, 100 * MB)
    assert (info.value.size, info.value.limit, info.value.needed_mb) == (2 * 1024**3, 10**8, 2148)


def test_the_limit_can_be_raised(tmp_path: Path) -> None:
    path = write(tmp_path, "survey.csv", b"Comment,Score\n" + b"Fine,5\n" * 300)
    message = refusal(lambda: read_table(path, max_size=1000))
    assert message == "“survey.csv” is 2.1 kB, more than the 1 kB an import reads."
    assert len(read_table(path, max_size=5000).rows) == 301
    with Project.in_memory() as p:
        assert "more than the 1 kB" in refusal(lambda: plan_import(p, path, max_size=1000))
        assert len(plan_import(p, path, max_size=2114).evidence) == 300  # exactly its size


def test_a_file_that_grows_past_the_limit_while_read_is_cut_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "growing.csv", b"Comment\n" + b"x\n" * 5000)
    real_fstat = os.fstat

    class Smaller:  # what fstat said before the file grew
        def __init__(self, fd: int) -> None:
            self.real = real_fstat(fd)
            self.st_mode, self.st_size = self.real.st_mode, 100

    monkeypatch.setattr(intake.os, "fstat", Smaller)
    message = refusal(lambda: read_limited(path, 1000))
    assert message == "“growing.csv” is larger than the 1 kB an import reads."
    assert len(read_limited(path, 20_000)) == path.stat().st_size


def test_the_command_line_says_how_to_raise_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "survey.csv", b"Comment,Score\n" + b"Fine,5\n" * 200_000)
    project = str(tmp_path / "cli.cxmap")
    Project.create(project).close()
    assert cli(["import", project, str(path), "--max-size", "1"]) == 1
    assert capsys.readouterr().err.strip() == (
        "cxmapper: “survey.csv” is 1.4 MB, more than the 1 MB an import reads; to import it "
        "anyway, add --max-size 2."
    )
    assert cli(["import", project, str(path), "--max-size", "2"]) == 0
    assert "Imported 200000 items" in capsys.readouterr().out


# --- hostile workbooks --------------------------------------------------------------------------

HOSTILE = {
    # cells at both ends of the sheet: calamine reserves 550 GB and aborts (in the child)
    "extent.xlsx": (
        lambda _: workbook(sheet({"A1": "Comment", "XFD1048576": "x"})),
        # (python-calamine 0.9 aborts on it; a calamine that refused it would be reported so)
        (
            "needs more memory than the 4 GB an import may use to read a workbook (its reader "
            "asked for 550 GB at once)",
            "holds a sheet of 17 billion cells",
            "is not a readable Excel workbook",
        ),
    ),
    "strings.xlsx": (
        lambda _: workbook(SOUND, shared_strings(4294967295, 4294967295)),
        "claims 4,294,967,295 different texts but has room for at most",
    ),
    "references.xlsx": (
        lambda _: workbook(SOUND, shared_strings(4294967295, 1)),
        "claims 4,294,967,295 text cells but has room for at most",
    ),
    "dimension.xlsx": (
        lambda _: workbook(sheet({"A1": "Comment", "A2": "x"}, "A1:XFD1048576")),
        "claims a sheet of 17 billion cells (A1:XFD1048576), more than the 20 million an "
        "import reads",
    ),
    "bomb.xlsx": (
        lambda path: zip_bomb(path).read_bytes(),
        "would unpack 15 MB into 5 GB (336 times as much, which no real workbook does): it "
        "looks built to exhaust the computer",
    ),
    "liar.xlsx": (  # a bomb whose sheet says it unpacks to 50 kB: the readers stop there
        lambda path: zip_bomb(path, declared=50_000).read_bytes(),
        "is not a readable Excel workbook (damaged or truncated)",
    ),
    "text.xlsx": (lambda _: b"Comment,Score\nFine,5\n", "is not a readable Excel workbook"),
    "truncated.xlsx": (
        lambda _: workbook(SOUND)[:700],
        "is not a readable Excel workbook (damaged or truncated)",
    ),
    "legacy.xlsx": (  # an old .xls header and nothing sound after it, read by the child
        lambda _: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000),
        "is not a readable Excel workbook",
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_workbook_is_refused_and_the_process_survives(
    journey: Project, tmp_path: Path, name: str
) -> None:
    make, words = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(make(path))
    started = time.perf_counter()
    message = refusal(lambda: plan_import(journey, path))
    print(f"{name}: refused in {time.perf_counter() - started:.3f} s: {message}")
    phrasings = (words,) if isinstance(words, str) else words
    assert message.startswith(f"“{name}”") and any(w in message for w in phrasings)
    assert journey.evidence.count() == 0
    # Still here, and still importing.
    sound = write(tmp_path, "sound.xlsx", workbook(SOUND))
    assert run_import(journey, plan_import(journey, sound)).imported == 1


def test_a_sound_hand_built_workbook_reads_as_before(tmp_path: Path) -> None:
    path = write(tmp_path, "sound.xlsx", workbook(SOUND))
    assert read_table(path).rows == [["Comment", "Score"], ["Slow onboarding", "3"]]


def test_too_many_parts_and_too_much_unpacked_are_refused(tmp_path: Path) -> None:
    parts = {f"xl/media/image{i}.png": b"x" for i in range(12)}
    data = workbook(SOUND, extra=parts)
    path = write(tmp_path, "parts.xlsx", data)
    tight = xlsx.Limits(parts=10)
    assert "holds 17 files inside, more than the 10 a workbook may have" in refusal(
        lambda: xlsx.read_rows(path, data, limits=tight)
    )
    small = xlsx.Limits(part_size=500, expanded=10**9)
    assert "holds a part that unpacks to" in refusal(
        lambda: xlsx.read_rows(path, data, limits=small)
    )
    with zipfile.ZipFile(path) as z:
        total = sum(p.file_size for p in z.infolist())
    small = xlsx.Limits(expanded=1000)
    assert refusal(lambda: xlsx.read_rows(path, data, limits=small)) == (
        f"“parts.xlsx” unpacks to {size_text(total)}, more than the 1 kB an import reads; "
        "save its first sheet as CSV and import that instead."
    )


def test_a_tightly_packed_part_is_taken_for_a_bomb(tmp_path: Path) -> None:
    data = workbook(SOUND, extra={"xl/media/blank.bin": bytes(12 * MB)})
    path = write(tmp_path, "packed.xlsx", data)
    assert "it looks built to exhaust the computer" in refusal(lambda: read_table(path))


def test_a_sheet_larger_than_the_cell_limit_is_refused_by_the_reader(tmp_path: Path) -> None:
    cells = {f"{c}{r}": "x" for c in "ABCD" for r in range(1, 6)}
    data = workbook(sheet(cells))  # no <dimension>: only the reader learns the sheet's size
    path = write(tmp_path, "wide.xlsx", data)
    message = refusal(lambda: xlsx.read_rows(path, data, limits=xlsx.Limits(cells=10)))
    assert "holds a sheet of 20 cells (5 rows × 4 columns), more than the 10 an import" in (message)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.dictionaries(
        st.builds(
            lambda c, r: f"{c}{r}",
            st.sampled_from(["A", "B", "Z", "AA", "XFD", "ZZZ"]),
            st.sampled_from([1, 2, 3, 1000, 1048576, 9999999]),
        ),
        st.sampled_from(["Comment", "x", "5", ""]),
        min_size=1,
        max_size=6,
    ),
    dimension=st.one_of(st.none(), st.sampled_from(["A1", "A1:B3", "A1:XFD1048576", "Q"])),
    claims=st.one_of(st.none(), st.tuples(st.integers(0, 2**32), st.integers(0, 2**32))),
)
def test_any_claims_and_extents_are_read_or_refused_in_one_sentence(
    tmp_path: Path, cells: dict[str, str], dimension: str | None, claims: tuple[int, int] | None
) -> None:
    sst = shared_strings(*claims) if claims else None
    path = write(tmp_path, "generated.xlsx", workbook(sheet(cells, dimension), sst))
    try:
        table = read_table(path)
    except ImportFailure as exc:
        assert str(exc).startswith("“generated.xlsx”") and "\n" not in str(exc)
    else:
        assert len({len(row) for row in table.rows}) == 1  # a grid


# --- the child process --------------------------------------------------------------------------


def fake_child(monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    """Replace the reading process's command by a tiny Python program."""
    monkeypatch.setattr(xlsx, "child_command", lambda: [sys.executable, "-c", code])


@pytest.mark.skipif(os.name != "posix", reason="signals are POSIX")
def test_a_child_killed_by_a_signal_is_a_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_child(monkeypatch, "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)")
    path = write(tmp_path, "crash.xlsx", workbook(SOUND))
    assert refusal(lambda: read_table(path)) == (
        "“crash.xlsx” made the workbook reader fail (the file is damaged or built to harm); "
        "nothing was imported."
    )
    fake_child(monkeypatch, "import os, signal; os.kill(os.getpid(), signal.SIGXCPU)")
    assert "was still being read after 2 minutes of computing and was stopped" in refusal(
        lambda: read_table(path)
    )
    fake_child(monkeypatch, "import sys; sys.stdout.buffer.write(b'garbage')")
    assert "made the workbook reader fail" in refusal(lambda: read_table(path))


def test_a_child_running_too_long_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_child(monkeypatch, "import time; time.sleep(60)")
    data = workbook(SOUND)
    path = write(tmp_path, "slow.xlsx", data)
    started = time.perf_counter()
    message = refusal(lambda: xlsx.read_rows(path, data, limits=xlsx.Limits(seconds=0.5)))
    assert message == (
        "“slow.xlsx” was still being read after 0.5 seconds and was stopped; nothing was imported."
    )
    assert time.perf_counter() - started < 10


def test_cancelling_kills_the_child_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid_file = tmp_path / "pid"
    fake_child(
        monkeypatch,
        f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)",
    )
    data = workbook(SOUND)
    path = write(tmp_path, "cancel.xlsx", data)
    message = refusal(lambda: read_table(path, cancelled=lambda: pid_file.exists()))
    assert message == "Reading “cancel.xlsx” was cancelled."
    with pytest.raises(ProcessLookupError):  # killed and reaped
        os.kill(int(pid_file.read_text()), 0)


@pytest.mark.skipif(os.name != "posix", reason="resource limits are POSIX")
@pytest.mark.parametrize(
    ("program", "outcome"),
    [
        ("_limit(300_000_000, 30); bytearray(600_000_000)", "MemoryError"),
        ("_limit(4_000_000_000, 1)\nwhile True: pass", -24),  # SIGXCPU after a second of work
    ],
)
def test_the_child_limits_its_own_memory_and_time(program: str, outcome: object) -> None:
    code = f"from cxmapper.exchange.xlsx_child import _limit\n{program}"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    if isinstance(outcome, str):
        assert outcome in result.stderr.decode()
    else:
        assert result.returncode == outcome


def test_the_child_reads_exactly_what_the_importer_read_in_process(tmp_path: Path) -> None:
    # The expected rows are what read_table gave when it read workbooks in its own process.
    book = Workbook()
    ws = book.active
    ws.append(["Customer ID", "Date", "When", "NPS", "Flag", "Comment", "Ratio", "Time", "Big"])
    ws.append(
        [
            "C1",
            dt.date(2026, 10, 1),
            dt.datetime(2026, 10, 1, 9, 15),
            9,
            True,
            None,
            0.5,
            dt.time(9, 30),
            12345678901234567890,
        ]
    )
    ws.append(
        [
            "C2",
            "2026-10-02",
            dt.datetime(2026, 10, 2),
            10.0,
            False,
            "x",
            1.25,
            dt.timedelta(hours=5),
        ]
    )
    ws["A4"] = "=1+1"  # a formula without a cached value: an empty trailing row
    book.save(tmp_path / "types.xlsx")
    assert read_table(tmp_path / "types.xlsx").rows == [
        ["Customer ID", "Date", "When", "NPS", "Flag", "Comment", "Ratio", "Time", "Big"],
        [
            "C1",
            "2026-10-01",
            "2026-10-01 09:15:00",
            "9",
            "TRUE",
            "",
            "0.5",
            "09:30:00",
            "12345678901234569216",
        ],
        ["C2", "2026-10-02", "2026-10-02", "10", "FALSE", "x", "1.25", "5:00:00", ""],
    ]


def test_rows_cross_in_several_frames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [[f"C{i}", str(i % 11), f"Comment {i}"] for i in range(3 * xlsx_child.CHUNK_ROWS + 5)]
    book = Workbook(write_only=True)
    ws = book.create_sheet()
    ws.append(["Customer ID", "NPS", "Comment"])
    for row in rows:
        ws.append(row)
    book.save(tmp_path / "many.xlsx")
    assert read_table(tmp_path / "many.xlsx").rows == [["Customer ID", "NPS", "Comment"], *rows]


_CELLS = st.one_of(
    st.text(alphabet=st.sampled_from(["a", " ", "é", "\n", xlsx_child.SEPARATOR, "\x1e"])),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1)),
)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 4).flatmap(lambda w: st.lists(st.lists(_CELLS, min_size=w, max_size=w))))
def test_frames_carry_every_cell_as_its_text(rows: list[list[object]]) -> None:
    """Whatever the cells hold (the separator the text frames join by, numbers, dates), the
    parent reads back each one as cell_text makes it, row by row (but the empty rows that
    end the sheet)."""
    expected = [[xlsx_child.cell_text(v) for v in r] for r in rows]
    while expected and not "".join(expected[-1]).strip():  # the empty rows that end it
        expected.pop()
    got: list[list[str]] = []
    width = len(rows[0]) if rows else 0
    for frame in xlsx_child._chunks(list(rows), width):
        assert xlsx._take_rows(marshal.loads(marshal.dumps(frame)), got)
    assert got == expected


def _read_in_process(data: bytes) -> list[list[str]]:
    got: list[list[str]] = []
    frames = list(xlsx_child.frames(data, 10**9))
    assert frames[-1] == ("end",)
    for frame in frames[:-1]:
        assert xlsx._take_rows(marshal.loads(marshal.dumps(frame)), got)
    return got


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    top=st.integers(0, 3),
    left=st.integers(0, 2),
    rows=st.lists(
        st.one_of(st.none(), st.lists(st.one_of(st.text("ab ", max_size=3), st.integers()))),
        min_size=1,
        max_size=12,
    ),
)
def test_rows_stream_as_the_whole_sheet_reads(
    top: int, left: int, rows: list[list[object] | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows sent as they are read (three a frame here) are the sheet as calamine reads it
    whole: from its first row holding a cell, every row as wide, the empty rows that end it
    left out, those between kept."""
    monkeypatch.setattr(xlsx_child, "CHUNK_ROWS", 3)
    book = Workbook()
    ws = book.active
    for r, row in enumerate(rows):
        for c, value in enumerate(row or []):
            ws.cell(top + r + 1, left + c + 1, value)
    buffer = io.BytesIO()
    book.save(buffer)
    from python_calamine import CalamineWorkbook

    whole = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue()))
    expected = [
        [xlsx_child.cell_text(v) for v in r] for r in whole.get_sheet_by_index(0).to_python()
    ]
    while expected and not "".join(expected[-1]).strip():
        expected.pop()
    assert _read_in_process(buffer.getvalue()) == expected


def test_a_read_that_fails_midway_starts_again_with_openpyxl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = Workbook()
    for i in range(10):
        book.active.append([f"C{i}", i])
    book.save(tmp_path / "book.xlsx")

    def failing(sheet: object) -> object:
        yield from [["sent", "before"]] * 5
        raise ValueError("a cell calamine cannot convert")

    monkeypatch.setattr(xlsx_child, "CHUNK_ROWS", 2)
    monkeypatch.setattr(xlsx_child, "_calamine_rows", failing)
    rows = _read_in_process((tmp_path / "book.xlsx").read_bytes())
    assert rows == [[f"C{i}", str(i)] for i in range(10)]


def test_cells_far_down_the_sheet_are_read_at_once(tmp_path: Path) -> None:
    """A sheet whose only row is its last, A to XFD, spans few cells; reading it must not
    make the million empty rows above it (which would take minutes of the reader's time)."""
    cells = {"A1048576": "Comment", "B1048576": "Score", "XFD1048576": "end"}
    data = workbook(sheet(cells))
    path = tmp_path / "far.xlsx"
    path.write_bytes(data)
    rows = xlsx.read_rows(path, data, limits=xlsx.Limits(cpu_seconds=10, seconds=30))
    assert len(rows) == 1 and rows[0][:2] == ["Comment", "Score"] and rows[0][-1] == "end"


@pytest.mark.parametrize(
    "frames",
    [
        [("text", 2, "a\x1fb\x1fc"), ("end",)],  # cells that do not fill their rows
        [("text", 2, "a\x1fb"), ("text", 3, "a\x1fb\x1fc"), ("end",)],  # a wider row
        [("rows", 5), ("end",)],
        [("rows", "ab"), ("end",)],
        [("rows", [[1, None]]), ("end",)],
        [("rows", [["a"], ["b", "c"]]), ("end",)],
        [("cells",)],
        [("cells", "a", "b")],
        [("what",)],
    ],
)
def test_frames_that_are_not_a_grid_of_text_are_the_reader_failing(
    tmp_path: Path, frames: list[tuple[object, ...]]
) -> None:
    """A reader sending anything but a grid of text is refused in one sentence, never
    taken as rows, and never said to be short of memory (the importer stopped it itself)."""
    out = tmp_path / "frames.bin"
    blobs = [marshal.dumps(f) for f in frames]
    out.write_bytes(b"".join(len(b).to_bytes(8, "little") + b for b in blobs))
    program = (
        "import sys, time; sys.stdin.buffer.read(); "
        f"sys.stdout.buffer.write(open({str(out)!r}, 'rb').read()); sys.stdout.flush(); "
        "time.sleep(30)"
    )
    path = tmp_path / "book.xlsx"
    path.write_bytes(workbook(SOUND))
    with pytest.MonkeyPatch.context() as m:
        m.setattr(xlsx, "child_command", lambda: [sys.executable, "-c", program])
        message = refusal(lambda: xlsx.read_rows(path, path.read_bytes()))
    assert message == (
        "“book.xlsx” made the workbook reader fail (the file is damaged or built to harm); "
        "nothing was imported."
    )


def test_a_text_frame_that_does_not_fill_its_rows_is_no_rows() -> None:
    rows: list[list[str]] = []
    for frame in (
        ("text", 2, "a\x1fb\x1fc"),  # three cells for rows of two
        ("text", 0, ""),
        ("text", "2", "a\x1fb"),
        ("text", 1, b"a"),
        ("end",),
    ):
        assert not xlsx._take_rows(frame, rows)
    assert rows == []


# --- step matching at scale ----------------------------------------------------------------------


def test_step_matching_scales_to_100000_distinct_values(journey: Project) -> None:
    title = journey.steps()[0].title
    values = Counter({f"Step value {i}": 1 + i % 7 for i in range(100_000)})
    values.update({title.upper(): 2, title[:-1]: 50})
    started = time.perf_counter()
    matches = steps.match_steps(journey, values)
    print(f"matched 100,002 distinct values in {time.perf_counter() - started:.2f} s")
    assert matches[title.upper()].exact
    assert matches[title[:-1]].step_id == journey.steps()[0].id  # frequent: compared, close
    left = [m for m in matches.values() if not m.compared]
    assert left and all(m.step_id is None and not m.suggestions for m in left)
    assert len(matches) - len(left) >= steps.FUZZY_PAIRS // len(journey.steps())


def test_values_left_uncompared_are_warned_of(
    journey: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        steps, "FUZZY_PAIRS", 2 * len({s.title.casefold() for s in journey.steps()})
    )
    lines = ["Comment,Touchpoint"] + [f"Fine thanks {i},Place {i % 5}" for i in range(20)]
    path = write(tmp_path, "places.csv", "\n".join(lines).encode())
    plan = plan_import(journey, path)
    assert [str(w) for w in plan.warnings] == [
        "“places.csv”, column “Touchpoint”: of its 5 different values, only the 2 most "
        "frequent were compared with the step titles for close matches; 3 that match no "
        "title exactly are left unlinked."
    ]
    assert sum(m.compared for m in plan.step_matches.values()) == 2


@settings(max_examples=200, deadline=None)
@given(
    word=st.text("abcde ", max_size=8),
    titles=st.lists(st.text("abcde ", max_size=8), max_size=12, unique=True),
)
def test_close_matches_are_difflibs(word: str, titles: list[str]) -> None:
    for n, cutoff in ((3, steps.SUGGEST_CUTOFF), (1, steps.FUZZY_CUTOFF)):
        ours = [title for _, title in steps._close_matches(word, titles, n, cutoff)]
        assert ours == difflib.get_close_matches(word, titles, n, cutoff)


def test_a_bomb_package_is_checked_without_unpacking(tmp_path: Path) -> None:
    path = zip_bomb(tmp_path / "bomb.xlsx", gigabytes=5)
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size > 4 * 10**9
    started = time.perf_counter()
    refusal(lambda: xlsx.check_package("bomb.xlsx", path.read_bytes(), xlsx.Limits()))
    print(f"bomb refused in {time.perf_counter() - started:.4f} s")
