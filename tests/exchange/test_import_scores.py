"""Scores stay in the column whose header names them, on the scale the header states; a value
off the scale is refused in one sentence, never stored and never a reason to take another
column or stretch the scale."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxmapper.cli import main as cli
from cxmapper.exchange.formats import detect
from cxmapper.exchange.importer import plan_import
from cxmapper.exchange.tabular import ImportFailure
from cxmapper.model.demo import write_demo
from cxmapper.model.project import Project

REAL = Path(__file__).resolve().parents[3] / "shared" / "real-exports"
CARPENTRYCON = REAL / "carpentries_carpentrycon_2020_raw.csv"


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.cxmap"
    write_demo(path)
    return path


def batches(path: Path) -> int:
    with Project.open(path) as p:
        return len(p.evidence.batches())


def refusal(demo: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """What ``cxmapper import`` says when it refuses, having imported nothing."""
    before = batches(demo)
    assert cli(["import", str(demo), *args]) == 1
    assert batches(demo) == before
    return capsys.readouterr().err.strip()


@pytest.fixture
def carpentrycon_with_11(tmp_path: Path) -> Path:
    """The real CarpentryCon export with one ``nps`` answer (row 57) made 11."""
    if not CARPENTRYCON.is_file():
        pytest.skip(f"the real exports are not beside the project ({REAL})")
    lines = CARPENTRYCON.read_bytes().split(b"\r\n")
    cells = lines[56].split(b",")
    assert cells[-1] == b"10"
    lines[56] = b",".join([*cells[:-1], b"11"])
    path = tmp_path / "carpentrycon.csv"
    path.write_bytes(b"\r\n".join(lines))
    return path


@pytest.mark.parametrize("args", [(), ("--map", "score=nps")])
def test_one_nps_off_the_scale_is_refused_not_moved_to_another_column(
    demo: Path, carpentrycon_with_11: Path, capsys: pytest.CaptureFixture[str], args: tuple[str]
) -> None:
    said = refusal(demo, capsys, str(carpentrycon_with_11), *args)
    assert said == (
        "cxmapper: “carpentrycon.csv” row 57, column “nps”: 11 is outside the 0–10 scale; "
        "nothing was imported."
    )


def test_the_nps_column_stays_the_score_with_a_value_off_its_scale(
    carpentrycon_with_11: Path,
) -> None:
    from cxmapper.exchange.tabular import read_table

    layout = detect(read_table(carpentrycon_with_11).rows)
    assert layout.header[layout.mapping["score"]] == "nps"
    assert layout.confidence["score"] == 1.0


NPS_15 = [["NPS", "Comment"], ["9", "good service"], ["10", "quick help"], ["15", "never again"]]


@pytest.mark.parametrize(
    "args",
    [(), ("--map", "score=NPS"), ("--scale", "0-10"), ("--map", "score=NPS", "--scale", "0-10")],
)
def test_a_score_off_the_header_scale_is_refused(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    path = write_csv(tmp_path / "nps.csv", NPS_15)
    assert refusal(demo, capsys, str(path), *args) == (
        "cxmapper: “nps.csv” row 4, column “NPS”: 15 is outside the 0–10 scale; "
        "nothing was imported."
    )


def test_a_score_off_an_explicit_scale_is_refused(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [["Rating", "Comment"], ["4", "good service"], ["7", "quick help"], ["2", "slow"]]
    path = write_csv(tmp_path / "ratings.csv", rows)
    assert refusal(demo, capsys, str(path), "--scale", "1-5") == (
        "cxmapper: “ratings.csv” row 3, column “Rating”: 7 is outside the 1–5 scale; "
        "nothing was imported."
    )
    assert cli(["import", str(demo), str(path), "--scale", "1-10"]) == 0


def test_a_range_in_the_header_is_the_scale(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [["Satisfaction (1-5)", "Comment"], ["4", "good"], ["6", "quick help"], ["0", "bad"]]
    path = write_csv(tmp_path / "sat.csv", rows)
    assert "row 3, column “Satisfaction (1-5)”: 6 is outside the 1–5 scale" in refusal(
        demo, capsys, str(path)
    )
    rows[2][0] = "5"
    rows[3][0] = "1"
    write_csv(path, rows)
    with Project.open(demo) as p:
        plan = plan_import(p, path)
    assert plan.layout.header[plan.layout.mapping["score"]] == "Satisfaction (1-5)"
    assert {item[6] for item in plan.evidence} == {"1-5"}


def test_each_item_is_checked_against_its_own_scale(demo: Path, tmp_path: Path) -> None:
    rows = [
        ["Score", "Scale", "Comment"],
        ["80", "0-100", "good service"],
        ["4", "1-5", "quick help"],
        ["9", "", "slow answers"],
    ]
    path = write_csv(tmp_path / "scales.csv", rows)
    with Project.open(demo) as p:
        plan = plan_import(p, path, scale="0-10")
        assert [item[6] for item in plan.evidence] == ["0-100", "1-5", "0-10"]
        rows[2][0] = "7"
        write_csv(path, rows)
        with pytest.raises(ImportFailure, match="row 3, column “Score”: 7 is outside the 1–5"):
            plan_import(p, path, scale="0-10")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.sampled_from(["NPS", "nps", "Likely to recommend", "LikelyToRecommend"]),
    off=st.sampled_from(["11", "12", "15", "100", "-1", "10.5"]),
    seed=st.integers(0, 10_000),
    n=st.integers(8, 80),
)
def test_an_nps_column_keeps_the_score_whatever_value_is_off_its_scale(
    demo: Path, tmp_path: Path, header: str, off: str, seed: int, n: int
) -> None:
    rnd = random.Random(seed)
    names = ["satisfaction_interaction", header, "rating_session"]
    rnd.shuffle(names)
    rows = [names] + [
        [str(rnd.randint(1, 5)) if "_" in h else str(rnd.randint(0, 10)) for h in names]
        for _ in range(n)
    ]
    at = rnd.randrange(n)
    rows[1 + at][names.index(header)] = off
    layout = detect(rows)
    assert layout.header[layout.mapping["score"]] == header
    path = write_csv(tmp_path / "scores.csv", rows)
    with Project.open(demo) as p, pytest.raises(ImportFailure) as refused:
        plan_import(p, path)
    assert str(refused.value) == (
        f"“scores.csv” row {at + 2}, column “{header}”: {off} is outside the 0–10 scale; "
        "nothing was imported."
    )
