"""What ``cxmapper import`` says when it is stopped or pointed at a column that is not there:
one sentence that says what was (not) imported, and what to give instead."""

from __future__ import annotations

import signal
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from cxmapper.cli import main as cli
from cxmapper.cli.base import EXIT_INTERRUPTED
from cxmapper.exchange import importer
from cxmapper.model.demo import write_demo
from cxmapper.model.evidence_store import EvidenceStore
from tests.exchange import samples


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.cxmap"
    write_demo(path)
    return path


def stored(path: Path) -> tuple[int, int]:
    """The import batches and items the project file holds."""
    with closing(sqlite3.connect(path)) as conn:
        batches = conn.execute("SELECT count(*) FROM import_batch").fetchone()[0]
        items = conn.execute("SELECT count(*) FROM evidence").fetchone()[0]
    return batches, items


@pytest.fixture
def big(tmp_path: Path) -> Path:
    rows = [["Comment", "NPS"]] + [
        [f"the invoice was wrong, case {i}", str(i % 11)] for i in range(9000)
    ]
    return samples.write_csv(tmp_path / "big.csv", rows)


def ctrl_c() -> None:
    """What pressing Ctrl-C does: SIGINT, which Python turns into KeyboardInterrupt."""
    signal.raise_signal(signal.SIGINT)


def test_ctrl_c_while_the_rows_are_written_imports_nothing_and_says_so(
    demo: Path, big: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = EvidenceStore.import_values

    def import_values(
        self: EvidenceStore, *args: Any, tick: Callable[[int], None], **kw: Any
    ) -> Any:
        def pressed(done: int) -> None:
            tick(done)
            if done >= 4000:  # thousands of rows already written in the transaction
                ctrl_c()

        return real(self, *args, tick=pressed, **kw)

    monkeypatch.setattr(EvidenceStore, "import_values", import_values)
    before = stored(demo)
    assert cli(["import", str(demo), str(big)]) == EXIT_INTERRUPTED == 130
    assert capsys.readouterr().err == "cxmapper: interrupted; nothing was imported.\n"
    assert stored(demo) == before


def test_ctrl_c_while_the_file_is_read_imports_nothing_and_says_so(
    demo: Path, big: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_table(*args: Any, **kw: Any) -> Any:
        ctrl_c()

    monkeypatch.setattr(importer, "read_table", read_table)
    before = stored(demo)
    assert cli(["import", str(demo), str(big)]) == 130
    assert capsys.readouterr().err == "cxmapper: interrupted; nothing was imported.\n"
    assert stored(demo) == before


def test_ctrl_c_after_the_import_was_written_does_not_deny_it(
    demo: Path, big: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importer.run_import

    def run_import(*args: Any, **kw: Any) -> Any:
        real(*args, **kw)
        ctrl_c()

    monkeypatch.setattr(importer, "run_import", run_import)
    batches, items = stored(demo)
    assert cli(["import", str(demo), str(big)]) == 130
    assert capsys.readouterr().err == "cxmapper: interrupted.\n"
    assert stored(demo) == (batches + 1, items + 9000)


@pytest.mark.parametrize(
    ("header", "listed"),
    [
        (["Comment", "NPS"], "(its 2 columns: “Comment”, “NPS”)"),
        (["Comment"], "(its 1 column: “Comment”)"),
        (["Comment", "", "NPS"], "(its 3 columns: “Comment”, column 2 (no header), “NPS”)"),
        ([f"Q{i}" for i in range(1, 13)], "(its 12 columns: “Q1”, “Q2”, “Q3”"),
        (
            ["Comment", *[f"Q{i}" for i in range(1, 13)]],
            "(it has 13 columns; name one by its header or its number, 1 to 13)",
        ),
    ],
)
def test_a_map_to_a_missing_column_lists_the_columns_and_imports_nothing(
    demo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    header: list[str],
    listed: str,
) -> None:
    rows = [header, [f"the invoice was wrong {i}" for i in range(len(header))]]
    path = samples.write_csv(tmp_path / "file.csv", rows)
    before = stored(demo)
    assert cli(["import", str(demo), str(path), "--map", "text=Nonexistent"]) == 1
    said = capsys.readouterr().err
    assert said.startswith(
        f"cxmapper: “file.csv” has no column “Nonexistent” to map to text {listed}"
    )
    assert said.endswith("; nothing was imported.\n") and said.count("\n") == 1
    assert stored(demo) == before
