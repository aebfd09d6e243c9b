"""The pain register's stated ranges in the workbook, read back by an independent reader:
the estimate's range in customers a year and the cost's range, as text."""

from __future__ import annotations

from pathlib import Path

from python_calamine import CalamineWorkbook

from cxmapper.exchange.workbook import export_workbook
from cxmapper.model import entities as e
from cxmapper.model.project import Project


def test_the_register_carries_the_reach_and_cost_ranges(tmp_path: Path) -> None:
    path, out = tmp_path / "p.cxmap", tmp_path / "plan.xlsx"
    estimate = {"reach_source": e.ReachSource.ESTIMATE}
    with Project.create(path) as p:
        p.update_settings(customer_base=10_000)
        p.add_pain(
            "Shared",
            reach_estimate_share=0.1,
            reach_estimate_low=0.05,
            reach_estimate_high=0.2,
            rework_cost=50.0,
            cost_low=20.5,
            cost_high=120.0,
            **estimate,
        )
        p.add_pain(
            "Counted",
            reach_estimate_count=300,
            reach_estimate_low=250,
            reach_estimate_high=1_500,
            cost_mode=e.CostMode.BAND,
            cost_band=3,
            **estimate,
        )
        p.add_pain("Plain", reach_estimate_count=100, rework_cost=10.0, **estimate)
        export_workbook(p, out, map_image=None)
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Pain register").to_python()
    header = sheet[0]
    reach, cost = header.index("Reach range (estimate)"), header.index("Cost range")
    found = {row[1]: (row[reach], row[cost]) for row in sheet[1:]}
    assert found == {
        # 5 %…20 % of 10,000 customers; the stated 20.50…120 per customer.
        "Shared": ("500–2,000", "20.50–120"),
        # Band 3 (200) stands for 100…447 (halfway, geometrically, to 50 and 1,000).
        "Counted": ("250–1,500", "100–447"),
        "Plain": ("", ""),
    }
