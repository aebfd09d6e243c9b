"""Importing dates and scores: the order of a date column decided by its values or refused,
the scale of a score column, and the options that say them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxmapper.cli import main as cli
from cxmapper.exchange.importer import (
    Advice,
    notice_of,
    plan_import,
    run_import,
)
from cxmapper.exchange.tabular import ImportFailure
from cxmapper.model.project import Project
from tests.exchange.samples import dated, stored_dates, write_csv


def test_slashed_dates_are_read_in_one_order_per_column(journey: Project, tmp_path: Path) -> None:
    path = dated(tmp_path, ["25/03/2026", "03/04/2026", "01/05/2026 14:00"])
    plan = plan_import(journey, path)
    assert plan.warnings == []
    run_import(journey, plan)
    assert stored_dates(journey) == ["2026-03-25", "2026-04-03", "2026-05-01"]


def test_month_first_when_a_date_says_so(journey: Project, tmp_path: Path) -> None:
    run_import(journey, plan_import(journey, dated(tmp_path, ["03/04/2026", "03/25/2026"])))
    assert stored_dates(journey) == ["2026-03-04", "2026-03-25"]


def test_contradicting_slashed_dates_are_refused(journey: Project, tmp_path: Path) -> None:
    path = dated(tmp_path, ["01/02/2026", "25/03/2026", "03/04/2026", "04/25/2026"])
    with pytest.raises(ImportFailure) as info:
        plan_import(journey, path)
    message = str(info.value)
    assert "“dates.csv”" in message and "column “Date”" in message
    assert "row 3 (25/03/2026)" in message and "row 5 (04/25/2026)" in message
    assert "--date-order" in message and journey.evidence.count() == 0
    assert notice_of(info.value).advice is Advice.CHOOSE_DATE_ORDER


@pytest.mark.parametrize(
    "dates",
    [
        ["03/04/2026", "05/06/2026", "07/07/2026"],
        ["03-04-2026", "05-06-26"],
        ["03.04.2026", "05.06.2026"],  # dotted too: no custom decides for the user
        ["3/4/18 15:29", "12/11/18 09:00"],
    ],
)
def test_a_column_no_date_decides_is_refused(
    journey: Project, tmp_path: Path, dates: list[str]
) -> None:
    path = dated(tmp_path, ["2026-01-02", *dates, "NA"], header="Submitted")
    with pytest.raises(ImportFailure) as info:
        plan_import(journey, path)
    message = str(info.value)
    assert message.startswith("“dates.csv”, column “Submitted”: no date shows whether the day")
    assert f"(row 3: {dates[0]} may be either)" in message
    assert message.endswith(
        "import again with --date-order dmy (day first) or --date-order mdy (month first); "
        "nothing was imported."
    )
    assert "\n" not in message and ". " not in message  # one sentence
    assert notice_of(info.value).advice is Advice.CHOOSE_DATE_ORDER
    assert journey.evidence.count() == 0
    for order in ("dmy", "mdy"):
        plan = plan_import(journey, path, date_order=order)
        assert plan.warnings == []


def test_dates_the_same_either_way_need_no_order(journey: Project, tmp_path: Path) -> None:
    # 03/03/2026 is the same day read either way; ISO dates are never ambiguous.
    path = dated(tmp_path, ["03/03/2026", "2026-04-05", "11.11.2025"])
    run_import(journey, plan_import(journey, path))
    assert stored_dates(journey) == ["2026-03-03", "2026-04-05", "2025-11-11"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    parts=st.lists(st.tuples(st.integers(1, 12), st.integers(1, 12)), min_size=1, max_size=12),
    decider=st.sampled_from(["", "dmy", "mdy"]),
    separator=st.sampled_from("/-."),
)
def test_the_order_is_decided_by_the_values_or_refused(
    journey: Project, tmp_path: Path, parts: list[tuple[int, int]], decider: str, separator: str
) -> None:
    dates = [f"{a:02d}{separator}{b:02d}{separator}2026" for a, b in parts]
    if decider:  # one date only one reading makes a day: 25/03 or 03/25
        dates.append(
            f"25{separator}03{separator}2026"
            if decider == "dmy"
            else f"03{separator}25{separator}2026"
        )
    path = dated(tmp_path, dates)
    either = any(a != b for a, b in parts)
    if either and not decider:
        with pytest.raises(ImportFailure, match="no date shows whether the day"):
            plan_import(journey, path)
        return
    plan = plan_import(journey, path)
    order = decider or "mdy"
    got = [row[3] for row in plan.evidence]
    for (a, b), iso in zip(parts, got, strict=False):
        day, month = (a, b) if order == "dmy" else (b, a)
        assert iso == f"2026-{month:02d}-{day:02d}"


def test_date_order_option(journey: Project, tmp_path: Path) -> None:
    path = dated(tmp_path, ["03/04/2026", "05/06/2026"])
    plan = plan_import(journey, path, date_order="dmy")
    assert plan.warnings == []
    run_import(journey, plan)
    assert stored_dates(journey) == ["2026-04-03", "2026-06-05"]
    with pytest.raises(ImportFailure, match="not a date"):
        plan_import(journey, dated(tmp_path, ["03/25/2026"]), date_order="dmy")
    with pytest.raises(ImportFailure, match="date order"):
        plan_import(journey, path, date_order="ymd")


def scored(tmp_path: Path, header: str, scores: list[str]) -> Path:
    rows = [[header, "Comment"], *[[s, f"comment {n}"] for n, s in enumerate(scores)]]
    return write_csv(tmp_path / "scores.csv", rows)


def stored_scales(project: Project) -> set[str]:
    return {r[0] for r in project.db.conn.execute("SELECT score_scale FROM evidence")}


@pytest.mark.parametrize(
    "header",
    ["NPS", "Likelihood to recommend", "Score (0-10)", "Rating: how likely are you to return?"],
)
def test_a_header_that_names_nps_makes_the_scale_0_10(
    journey: Project, tmp_path: Path, header: str
) -> None:
    run_import(journey, plan_import(journey, scored(tmp_path, header, ["3", "4", "3"])))
    assert stored_scales(journey) == {"0-10"}


def test_scale_from_values_without_a_hint(journey: Project, tmp_path: Path) -> None:
    run_import(journey, plan_import(journey, scored(tmp_path, "Rating", ["3", "4"])))
    assert stored_scales(journey) == {"1-5"}


def test_scale_option_overrides_inference(journey: Project, tmp_path: Path) -> None:
    plan = plan_import(journey, scored(tmp_path, "NPS", ["3", "4"]), scale="1-7")
    run_import(journey, plan)
    assert stored_scales(journey) == {"1-7"}
    with pytest.raises(ImportFailure, match="not a scale"):
        plan_import(journey, scored(tmp_path, "NPS", ["3"]), scale="ten")


def test_cli_date_order_and_scale(journey: Project, tmp_path: Path, capsys) -> None:
    path = journey.path
    journey.close()
    csv_path = write_csv(
        tmp_path / "uk.csv", [["Date", "Rating", "Comment"], ["03/04/2026", "3", "slow"]]
    )
    args = ["import", str(path), str(csv_path), "--date-order", "dmy", "--scale", "0-10"]
    assert cli(args) == 0
    with Project.open(path) as p:
        row = p.db.conn.execute("SELECT date, score_scale FROM evidence").fetchone()
    assert tuple(row) == ("2026-04-03", "0-10")
    assert cli(["import", str(path), str(csv_path), "--date-order", "ydm"]) == 1
    err = capsys.readouterr().err
    assert "“ydm” is not a date order" in err and err.count("\n") == 1


def test_a_date_the_chosen_order_cannot_read_is_said_so(project: Project, tmp_path: Path) -> None:
    rows = [["Date", "NPS", "Comment"], ["23/01/2018", "5", "a b"], ["03/23/2018", "6", "c d"]]
    path = write_csv(tmp_path / "dd.csv", rows)
    with pytest.raises(ImportFailure) as refused:
        plan_import(project, path, date_order="dmy")
    assert str(refused.value) == (
        "“dd.csv” row 3, column “Date”: “03/23/2018” is not a date with the day first, as the "
        "dates were to be read; nothing was imported."
    )
    rows[2][0] = "31/02/2018"  # no date in either order
    with pytest.raises(ImportFailure, match="“31/02/2018” is not a date; nothing"):
        plan_import(project, write_csv(tmp_path / "dd.csv", rows), date_order="dmy")
