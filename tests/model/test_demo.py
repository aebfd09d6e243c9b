"""The demo project: realistic size, cross-group loops, determinism, scaling."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import networkx as nx

from cxmapper.cli import main as cli
from cxmapper.model import placement
from cxmapper.model.demo import write_demo
from cxmapper.model.project import Project
from tests.conftest import snapshot


def cross_group_cycles(p: Project) -> list[list[int]]:
    graph = nx.DiGraph((f.source_id, f.target_id) for f in p.flows())
    group = {s.id: s.work_group_id for s in p.steps()}
    return [c for c in nx.simple_cycles(graph, length_bound=6) if len({group[s] for s in c}) > 1]


def test_demo_meets_the_brief(tmp_path: Path) -> None:
    counts = write_demo(tmp_path / "demo.cxmap")
    assert counts["work_groups"] >= 6
    assert counts["stages"] >= 5
    assert counts["steps"] >= 30
    assert counts["flows"] >= 45
    assert counts["evidence"] >= 500
    assert counts["pains"] >= 8
    assert counts["actions"] >= 4
    with Project.open(tmp_path / "demo.cxmap") as p:
        assert len(cross_group_cycles(p)) >= 3
        assert {a.kind.value for a in p.actions()} == {"micro", "macro", "cultural"}
        linked = sum(p.evidence.counts_by_step().values())
        assert linked > counts["evidence"] * 0.75  # most evidence sits on a step
        evidence = p.evidence.for_steps([s.id for s in p.steps()], limit=1000)
        assert all(ev.customer_id and ev.date and ev.text for ev in evidence)
        assert any(ev.score_scale == "0-10" for ev in evidence)
        assert all(p.pain(x.id).step_ids for x in p.pains())
        assert any(len({p.step(s).work_group_id for s in x.step_ids}) > 1 for x in p.pains())


def test_demo_is_deterministic(tmp_path: Path) -> None:
    write_demo(tmp_path / "a.cxmap")
    write_demo(tmp_path / "b.cxmap")
    with Project.open(tmp_path / "a.cxmap") as a, Project.open(tmp_path / "b.cxmap") as b:
        assert snapshot(a) == snapshot(b)
        rows = "SELECT * FROM evidence ORDER BY id"
        assert a.db.conn.execute(rows).fetchall() == b.db.conn.execute(rows).fetchall()


def test_demo_scales(tmp_path: Path) -> None:
    counts = write_demo(tmp_path / "big.cxmap", steps=300)
    assert counts["steps"] == 300
    assert counts["flows"] >= 500
    assert counts["evidence"] == 300 * 100
    assert cli(["check", str(tmp_path / "big.cxmap")]) == 0


def test_cards_never_overlap_in_a_lane(tmp_path: Path) -> None:
    write_demo(tmp_path / "demo.cxmap")
    with Project.open(tmp_path / "demo.cxmap") as p:
        seen = {(s.work_group_id, s.x, s.y) for s in p.steps()}
        assert len(seen) == len(p.steps())


def test_cli_demo_info_and_refusal(tmp_path: Path, capsys) -> None:
    path = tmp_path / "demo.cxmap"
    assert cli(["demo", str(path)]) == 0
    capsys.readouterr()
    assert cli(["info", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert set(info) == {
        "schema_version",
        "work_groups",
        "stages",
        "steps",
        "flows",
        "evidence",
        "pains",
        "actions",
        "voting_rounds",
        "votes",
    }
    assert all(isinstance(v, int) for v in info.values())
    assert info["steps"] >= 30
    assert cli(["demo", str(path)]) == 1
    err = capsys.readouterr().err
    assert "already exists" in err and err.count("\n") == 1
    assert cli(["demo", str(path), "--force"]) == 0


def test_demo_steps_below_its_own_size_are_refused(tmp_path: Path, capsys) -> None:
    from cxmapper.cli import DEMO_STEPS

    target = tmp_path / "small.cxmap"
    assert cli(["demo", str(target), "--steps", "7"]) == 1
    assert f"give {DEMO_STEPS} or more" in capsys.readouterr().err
    assert not target.exists()
    counts = write_demo(tmp_path / "exact.cxmap", steps=DEMO_STEPS)
    assert counts["steps"] == DEMO_STEPS


def test_cli_tidy_lays_out_the_map_in_one_transaction_and_is_stable(tmp_path: Path, capsys) -> None:
    path = tmp_path / "demo.cxmap"
    write_demo(path)
    assert cli(["tidy", str(path)]) == 0  # the demo is written tidy
    assert capsys.readouterr().out == "Already tidy: 32 steps in 20 columns; nothing moved.\n"
    with Project.open(path) as p:
        tidy = snapshot(p)
        stage_ids = [s.id for s in p.stages()]
        # An older file: steps off their rows, out of their stage's columns, one without a
        # stage at all.
        steps = sorted(p.steps(), key=lambda s: s.id)
        for n, s in enumerate(steps):
            p.update_step(s.id, x=s.x + (n % 3) * 480.0, y=16.0 + (n % 4) * 112.0)
        loose = steps[0]
        p.update_step(loose.id, stage_id=None)
        assert placement.misplaced(stage_ids, p.steps())
    copy = tmp_path / "copy.cxmap"
    shutil.copy(path, copy)
    assert cli(["tidy", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Tidied the map: moved ") and "of 32 steps; " in out[0]
    assert out[0].endswith(" columns across 6 stages.")
    assert out[1] == "1 step without a stage now has the stage it is drawn in."
    with Project.open(path) as p:
        assert placement.misplaced(stage_ids, p.steps()) == []
        assert p.step(loose.id).stage_id == stage_ids[0]  # drawn in the first stage's columns
        tidied = snapshot(p)
        assert tidied != tidy
    assert cli(["tidy", str(copy)]) == 0
    capsys.readouterr()
    with Project.open(copy) as p:
        assert snapshot(p) == tidied  # the same file, the same layout
    assert cli(["tidy", str(path)]) == 0
    assert capsys.readouterr().out.startswith("Already tidy")
    assert cli(["tidy", str(tmp_path / "missing.cxmap")]) == 1
    assert capsys.readouterr().err.count("\n") == 1
