"""Save and reopen, clean copies, and migrations of older files."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from cxmapper.cli import main as cli
from cxmapper.model import entities as e
from cxmapper.model.project import Project
from cxmapper.model.schema import APPLICATION_ID, SCHEMA_VERSION, apply_migrations
from tests.conftest import snapshot

FIXTURES = Path(__file__).parent.parent / "fixtures"

names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip())


@st.composite
def journeys(draw: st.DrawFn) -> list[tuple[str, dict]]:
    """A random script of edits: groups, stages, steps, flows (loops too), pains, actions."""
    script: list[tuple[str, dict]] = []
    n_groups = draw(st.integers(1, 4))
    n_stages = draw(st.integers(0, 3))
    n_steps = draw(st.integers(0, 8))
    # Work group names are unique in a project (case and spaces aside).
    group_names = draw(
        st.lists(
            names, min_size=n_groups, max_size=n_groups, unique_by=lambda n: n.strip().casefold()
        )
    )
    for i, name in enumerate(group_names):
        script.append(("group", {"name": name, "colour": f"#{i * 40:02x}8040"}))
    # ... and so are stage names.
    stage_names = draw(
        st.lists(
            names, min_size=n_stages, max_size=n_stages, unique_by=lambda n: n.strip().casefold()
        )
    )
    for name in stage_names:
        script.append(("stage", {"name": name}))
    for _ in range(n_steps):
        script.append(
            (
                "step",
                {
                    "group": draw(st.integers(0, n_groups - 1)),
                    "stage": draw(st.none() | st.integers(0, max(n_stages - 1, 0)))
                    if n_stages
                    else None,
                    "title": draw(names),
                    "emotion": draw(st.integers(-2, 2)),
                    "x": draw(st.floats(-1e4, 1e4)),
                    "description": draw(st.text(max_size=50)),
                },
            )
        )
    if n_steps:
        for _ in range(draw(st.integers(0, 12))):
            script.append(
                (
                    "flow",
                    {
                        "a": draw(st.integers(0, n_steps - 1)),
                        "b": draw(st.integers(0, n_steps - 1)),
                        "label": draw(st.text(max_size=10)),
                    },
                )
            )
        for _ in range(draw(st.integers(0, 3))):
            script.append(
                (
                    "pain",
                    {
                        "title": draw(names),
                        "steps": draw(st.sets(st.integers(0, n_steps - 1), max_size=3)),
                        "share": draw(st.none() | st.floats(0, 1)),
                        "band": draw(st.none() | st.integers(1, 5)),
                    },
                )
            )
    script.append(("action", {"title": draw(names), "reduction": draw(st.floats(0, 1))}))
    script.append(("settings", {"customer_base": draw(st.integers(1, 10**7))}))
    return script


def play(project: Project, script: list[tuple[str, dict]]) -> None:
    groups: list[int] = []
    stages: list[int] = []
    steps: list[int] = []
    pains: list[int] = []
    for kind, v in script:
        if kind == "group":
            groups.append(project.add_work_group(v["name"], v["colour"]).id)
        elif kind == "stage":
            stages.append(project.add_stage(v["name"]).id)
        elif kind == "step":
            stage = None if v["stage"] is None else stages[v["stage"]]
            steps.append(
                project.add_step(
                    groups[v["group"]],
                    v["title"],
                    stage_id=stage,
                    emotion=v["emotion"],
                    x=v["x"],
                    description=v["description"],
                ).id
            )
        elif kind == "flow":
            project.add_flow(steps[v["a"]], steps[v["b"]], v["label"])
        elif kind == "pain":
            pains.append(
                project.add_pain(
                    v["title"],
                    step_ids=tuple(steps[i] for i in sorted(v["steps"])),
                    reach_source=e.ReachSource.ESTIMATE,
                    reach_estimate_share=v["share"],
                    cost_mode=e.CostMode.BAND if v["band"] else e.CostMode.COMPONENTS,
                    cost_band=v["band"],
                ).id
            )
        elif kind == "action":
            project.add_action(
                v["title"],
                pain_ids=tuple(pains),
                involved_group_ids=tuple(groups),
                expected_reduction=v["reduction"],
                kind=e.ActionKind.MACRO,
            )
        elif kind == "settings":
            project.update_settings(**v)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(script=journeys())
def test_save_reopen_equal(tmp_path: Path, script: list[tuple[str, dict]]) -> None:
    path = tmp_path / f"p{abs(hash(str(script)))}.cxmap"
    path.unlink(missing_ok=True)
    with Project.create(path) as p:
        play(p, script)
        before = snapshot(p)
    with Project.open(path) as again:
        assert snapshot(again) == before


def test_save_copy_is_clean_and_sound(small_journey: Project, tmp_path: Path) -> None:
    p = small_journey
    group = p.work_groups()[0].id
    many = [p.add_step(group, f"Step {i}", description="x" * 2000).id for i in range(300)]
    p.remove_steps(many)
    copy = tmp_path / "copy.cxmap"
    p.save_copy(copy)
    assert copy.stat().st_size < p.path.stat().st_size  # vacuumed, not a byte copy
    assert cli(["check", str(copy)]) == 0
    with Project.open(copy) as c:
        assert snapshot(c) == snapshot(p)


def test_save_copy_replaces_an_existing_file_whole(small_journey: Project, tmp_path: Path) -> None:
    copy = tmp_path / "copy.cxmap"
    copy.write_bytes(b"old")
    small_journey.save_copy(copy)
    assert cli(["check", str(copy)]) == 0
    # No temporary file is left behind.
    assert sorted(f.name for f in tmp_path.iterdir()) == ["copy.cxmap", "journey.cxmap"]


def make_v1(path: Path) -> None:
    db = Database(path)
    apply_migrations(db, up_to=1)
    db.conn.execute(
        "INSERT INTO work_group (id, name, colour, position) VALUES (1, 'Sales', '#4e79a7', 0)"
    )
    db.conn.execute("INSERT INTO step (id, work_group_id, title) VALUES (1, 1, 'Discovery call')")
    db.conn.execute(
        "INSERT INTO evidence (id, text, customer_id) VALUES (1, 'Slow invoice correction', 'C1')"
    )
    db.conn.execute("INSERT INTO evidence_step (evidence_id, step_id) VALUES (1, 1)")
    db.conn.execute("INSERT INTO action (id, title) VALUES (1, 'Own invoices')")
    db.conn.commit()
    db.close()


def test_committed_v1_fixture_is_a_genuine_version_1_file(tmp_path: Path) -> None:
    made = tmp_path / "made.cxmap"
    make_v1(made)
    fixture = sqlite3.connect(FIXTURES / "version1.cxmap")
    fresh = sqlite3.connect(made)
    query = (
        "SELECT type, name, sql FROM sqlite_schema WHERE name != '_sqlite_migrations' ORDER BY name"
    )
    assert fixture.execute(query).fetchall() == fresh.execute(query).fetchall()
    assert fixture.execute("PRAGMA user_version").fetchone() == (1,)
    assert fixture.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    fixture.close()
    fresh.close()


def test_version_1_file_opens_and_upgrades(tmp_path: Path) -> None:
    path = tmp_path / "old.cxmap"
    shutil.copy(FIXTURES / "version1.cxmap", path)
    with Project.open(path) as p:
        assert p.db.conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert [s.title for s in p.steps()] == ["Discovery call"]
        # Version 2 added the start date and the search index over existing evidence.
        assert p.action(1).start_date is None
        p.update_action(1, start_date="2027-01-01")
        assert [ev.id for ev in p.evidence.search("invoice")] == [1]
    assert cli(["check", str(path)]) == 0


def test_committed_v3_fixture_is_a_genuine_version_3_file(tmp_path: Path) -> None:
    made = tmp_path / "made.cxmap"
    db = Database(made)
    apply_migrations(db, up_to=3)
    db.close()
    fixture = sqlite3.connect(FIXTURES / "version3.cxmap")
    fresh = sqlite3.connect(made)
    query = (
        "SELECT type, name, sql FROM sqlite_schema WHERE name != '_sqlite_migrations' ORDER BY name"
    )
    assert fixture.execute(query).fetchall() == fresh.execute(query).fetchall()
    assert fixture.execute("PRAGMA user_version").fetchone() == (3,)
    assert fixture.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)
    fixture.close()
    fresh.close()


def test_version_3_file_opens_and_upgrades(tmp_path: Path) -> None:
    # The fixture: steps 1 and 2, an import of evidence 1-3 (1 on step 1, 2 on both, 3 on
    # none), hand-added evidence 4 on step 2, pain 1 citing evidence 2 then 1, and a
    # follow-up of evidence 1.
    path = tmp_path / "old.cxmap"
    shutil.copy(FIXTURES / "version3.cxmap", path)
    assert cli(["check", str(path)]) == 0
    with Project.open(path) as p:
        conn = p.db.conn
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        # Version 4 rebuilt the search index without per-row sizes; the links survive.
        docsize = "SELECT 1 FROM sqlite_schema WHERE name = 'evidence_fts_docsize'"
        assert conn.execute(docsize).fetchone() is None
        # ...and dropped the index on evidence.batch_id; removal finds the batch's rows.
        batch_index = "SELECT 1 FROM sqlite_schema WHERE name = 'evidence_batch'"
        assert conn.execute(batch_index).fetchone() is None
        assert p.evidence.batch_evidence_ids(1) == [1, 2, 3]
        assert p.evidence.counts_by_step() == {1: 2, 2: 2}
        assert p.evidence.steps_of(2) == [1, 2]
        assert p.pain(1).evidence_ids == (2, 1)
        assert p.evidence.follow_up(1) == ("contacted", "Dana")
        assert sorted(ev.id for ev in p.evidence.search("invoice")) == [1, 4]
        assert [ev.id for ev in p.evidence.search("without an answer")] == [2]
        batch = p.evidence.import_batch("more.csv", [{"text": "The e-mail never came"}])
        (new,) = p.evidence.batch_evidence_ids(batch.id)
        assert [ev.id for ev in p.evidence.search("e-mail")] == [new]
    assert cli(["check", str(path)]) == 0
