"""Model operations, their events, removal and restore, and validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxmapper.model import entities as e
from cxmapper.model.events import Change
from cxmapper.model.project import Project
from cxmapper.model.validation import ModelError
from tests.conftest import snapshot


def record(project: Project) -> list[Change]:
    seen: list[Change] = []
    project.subscribe(seen.append)
    return seen


def test_edits_emit_one_event_each_after_commit(project: Project) -> None:
    seen = record(project)
    group = project.add_work_group("Sales")
    step = project.add_step(group.id, "Discovery call")
    project.update_step(step.id, title="Discovery call (video)", emotion=1)
    assert seen == [
        Change("added", "work_group", group.id),
        Change("added", "step", step.id),
        Change("changed", "step", step.id, ("title", "emotion")),
    ]
    # A listener sees the new state already committed to the file.
    rows = project.db.conn.execute("SELECT title, emotion FROM step").fetchall()
    assert rows == [("Discovery call (video)", 1)]


def test_unchanged_update_emits_nothing(project: Project) -> None:
    group = project.add_work_group("Sales")
    seen = record(project)
    project.update_work_group(group.id, name="Sales")
    assert seen == []


def test_unsubscribed_listener_hears_nothing(project: Project) -> None:
    seen = record(project)
    project.unsubscribe(seen.append)
    project.add_work_group("Sales")
    assert seen == []


def test_remove_step_takes_flows_and_links_and_restore_puts_them_back(
    small_journey: Project,
) -> None:
    p = small_journey
    triage = next(s for s in p.steps() if s.title == "Ticket triage")
    invoice = next(s for s in p.steps() if s.title == "Receives invoice")
    p.evidence.add([{"text": "slow"}, {"text": "rude"}], step_ids=[triage.id, invoice.id])
    pain = p.add_pain("Bounced tickets", step_ids=(triage.id, invoice.id))
    before = snapshot(p)
    seen = record(p)

    removal = p.remove_step(triage.id)

    assert not p.has_step(triage.id)
    assert all(triage.id not in (f.source_id, f.target_id) for f in p.flows())
    assert p.pain(pain.id).step_ids == (invoice.id,)
    assert p.evidence.links_of_steps([triage.id]) == []
    assert Change("removed", "step", triage.id) in seen
    assert Change("changed", "pain", pain.id) in seen
    p.restore(removal)
    assert snapshot(p) == before


def test_remove_work_group_with_steps_is_refused_unless_asked(small_journey: Project) -> None:
    p = small_journey
    billing = next(g for g in p.work_groups() if g.name == "Billing")
    with pytest.raises(ModelError, match="still has 1 step"):
        p.remove_work_group(billing.id)
    action = p.add_action("Fix it", owner_group_id=billing.id, involved_group_ids=(billing.id,))
    before = snapshot(p)
    removal = p.remove_work_group(billing.id, with_steps=True)
    assert billing.id not in {g.id for g in p.work_groups()}
    assert all(s.work_group_id != billing.id for s in p.steps())
    assert p.action(action.id).owner_group_id is None
    p.restore(removal)
    assert snapshot(p) == before


def test_remove_stage_unstages_steps_and_restores(project: Project) -> None:
    group = project.add_work_group("Sales")
    stage = project.add_stage("Buy")
    step = project.add_step(group.id, "Proposal", stage_id=stage.id)
    before = snapshot(project)
    removal = project.remove_stage(stage.id)
    assert project.step(step.id).stage_id is None
    project.restore(removal)
    assert snapshot(project) == before


def test_remove_pain_detaches_it_from_actions(small_journey: Project) -> None:
    p = small_journey
    pain = p.add_pain("Invoice errors")
    action = p.add_action("Own invoices", pain_ids=(pain.id,))
    before = snapshot(p)
    removal = p.remove_pain(pain.id)
    assert p.action(action.id).pain_ids == ()
    p.restore(removal)
    assert snapshot(p) == before


def test_reorder_work_groups(small_journey: Project) -> None:
    p = small_journey
    ids = [g.id for g in p.work_groups()]
    p.reorder(e.WorkGroup, list(reversed(ids)))
    assert [g.id for g in p.work_groups()] == list(reversed(ids))
    with pytest.raises(ModelError):
        p.reorder(e.WorkGroup, ids[:1])


def test_loops_and_self_loops_are_allowed(project: Project) -> None:
    group = project.add_work_group("Support")
    a = project.add_step(group.id, "Triage")
    project.add_flow(a.id, a.id, "retry")
    assert len(project.flows()) == 1


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda p, g: p.add_step(g, "x", emotion=3), "Emotion"),
        (lambda p, g: p.add_step(999, "x"), "existing work group"),
        (lambda p, g: p.add_step(g, "   "), "cannot be empty"),
        (lambda p, g: p.add_work_group("Ops", colour="red"), "colour"),
        (lambda p, g: p.add_flow(1, 999), "two existing steps"),
        (lambda p, g: p.update_settings(customer_base=0), "at least one customer"),
        (lambda p, g: p.update_settings(universal_threshold=1.5), "above 1"),
        (lambda p, g: p.update_settings(cost_per_contact=-3), "below 0"),
        (lambda p, g: p.add_pain("x", extra_churn=1.2), "above 1"),
        (lambda p, g: p.add_pain("x", extra_contacts=-1), "below 0"),
        (lambda p, g: p.add_pain("x", cost_band=6), "cost band"),
        (lambda p, g: p.add_pain("x", reach_source="guess"), "reach source"),
        (lambda p, g: p.add_action("x", due_date="2026-01-01", start_date="2026-02-01"), "due"),
        (lambda p, g: p.add_action("x", due_date="31/12/2026"), "date like"),
        (lambda p, g: p.add_action("x", expected_reduction=2), "above 1"),
    ],
)
def test_bad_input_is_refused_with_a_sentence_and_nothing_written(
    project: Project, edit, message: str
) -> None:
    group = project.add_work_group("Support")
    project.add_step(group.id, "Triage")
    before = snapshot(project)
    with pytest.raises(ModelError, match=message) as info:
        edit(project, group.id)
    assert str(info.value).endswith(".")
    assert "\n" not in str(info.value)
    assert snapshot(project) == before


def test_every_edit_is_on_disk_before_the_next(project_path: Path) -> None:
    p = Project.create(project_path)
    group = p.add_work_group("Sales")
    p.add_step(group.id, "Call")
    # Another reader sees the committed edit while the project is still open.
    import sqlite3

    other = sqlite3.connect(project_path)
    assert other.execute("SELECT title FROM step").fetchall() == [("Call",)]
    other.close()
    p.close()


def test_evidence_search_matches_words_not_syntax(project: Project) -> None:
    project.evidence.add([{"text": 'Invoice "wrong" AND late'}, {"text": "=HYPERLINK(x)"}])
    assert len(project.evidence.search('"wrong" AND')) == 1
    assert project.evidence.search("HYPERLINK")[0].text == "=HYPERLINK(x)"
    assert project.evidence.search("   ") == []


def test_import_batch_is_one_transaction(project: Project) -> None:
    group = project.add_work_group("Support")
    step = project.add_step(group.id, "Triage")

    def rows():
        yield {"text": "ok", "step_ids": [step.id]}
        yield {"text": "bad kind", "kind": "rumour"}

    with pytest.raises(ModelError):
        project.evidence.import_batch("x.csv", rows())
    assert project.evidence.count() == 0
    assert project.evidence.batches() == []
    batch = project.evidence.import_batch("y.csv", [{"text": "a", "step_ids": [step.id]}] * 3)
    assert (batch.rows, batch.sample_size) == (3, 3)
    assert project.evidence.counts_by_step() == {step.id: 3}
    project.evidence.remove_batch(batch.id)
    assert project.evidence.count() == 0
    assert project.evidence.search("a") == []


def test_two_work_groups_cannot_share_a_name(project: Project) -> None:
    from cxmapper.model.validation import ModelError

    customer = project.add_work_group("Customer")
    billing = project.add_work_group("Billing")
    with pytest.raises(ModelError, match="already a work group called “customer”"):
        project.add_work_group(" customer ")
    with pytest.raises(ModelError, match="already a work group called “Customer”"):
        project.update_work_group(billing.id, name="Customer")
    project.update_work_group(customer.id, name="CUSTOMER")  # its own name, another case
    assert [g.name for g in project.work_groups()] == ["CUSTOMER", "Billing"]


def test_two_stages_cannot_share_a_name(project: Project) -> None:
    buy = project.add_stage("Buy")
    use = project.add_stage("Use")
    with pytest.raises(ModelError, match="already a stage called “buy”"):
        project.add_stage("  buy ")
    with pytest.raises(ModelError, match="already a stage called “BUY”"):
        project.update_stage(use.id, name="BUY")
    project.update_stage(buy.id, name="BUY")  # its own name, another case
    assert [s.name for s in project.stages()] == ["BUY", "Use"]


def test_a_file_holding_two_stages_of_one_name_opens_and_they_still_move(
    tmp_path: Path,
) -> None:
    """Stages of one name are refused as new edits, not in a file written elsewhere."""
    import sqlite3

    path = tmp_path / "twice.cxmap"
    with Project.create(path) as p:
        p.add_stage("Buy")
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO stage (name, position) VALUES (' buy', 5)")
    db.close()
    with Project.open(path) as p:
        first, second = p.stages()
        assert second.name == " buy"
        p.update_stage(second.id, position=-1)  # moved, keeping its name
        assert [s.id for s in p.stages()] == [second.id, first.id]
        p.update_stage(second.id, name="BUY")  # its own name, another case
        with pytest.raises(ModelError, match="already a stage called “Buy”"):
            p.add_stage("Buy")  # a name given now is checked
        p.add_stage("Use")
        with pytest.raises(ModelError, match="already a stage called “use”"):
            p.update_stage(second.id, name="use")
