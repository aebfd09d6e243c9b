"""Dot voting driven as the room does it: counts typed off the wall, three people passing the
laptop with the results hidden until the reveal, belief against evidence, undo throughout."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton

from cxmapper.exchange.workbook import export_workbook
from cxmapper.model import entities as e
from cxmapper.model.demo import write_demo
from cxmapper.model.journey import groups_to_involve
from cxmapper.model.project import Project
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.panels.ballot import NewRoundDialog
from cxmapper.ui.panels.voting import VotingPanel


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[DocumentContext]:
    write_demo(tmp_path / "demo.cxmap")
    project = Project.open(tmp_path / "demo.cxmap")
    context = DocumentContext(project)
    yield context
    context.close()
    project.close()


@pytest.fixture
def panel(qtbot, ctx: DocumentContext) -> Iterator[VotingPanel]:
    widget = VotingPanel(ctx)
    qtbot.addWidget(widget)
    widget.resize(700, 600)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.detach()


def button(widget, text: str) -> QPushButton:
    return next(b for b in widget.findChildren(QPushButton) if b.text() == text)


def start_round(qtbot, panel: VotingPanel, *, dots: int, per_item: int, named: bool) -> int:
    dialog = NewRoundDialog(panel.ctx, panel)
    qtbot.addWidget(dialog)
    dialog.title.setText("Which pains first?")
    dialog.dots.setValue(dots)
    dialog.per_item.setValue(per_item)
    dialog.named.setChecked(named)
    dialog.accept()
    qtbot.waitUntil(lambda: panel.round_id is not None)
    assert panel.round_id is not None
    return panel.round_id


def row_of(panel: VotingPanel, title: str) -> int:
    return next(n for n, (_i, t) in enumerate(panel.items) if t == title)


def counted(panel: VotingPanel, title: str) -> str:
    return panel.table.item(row_of(panel, title), 2).text()


def test_typed_tallies_are_stored_undone_and_compared(
    qtbot, panel: VotingPanel, tmp_path: Path
) -> None:
    project, stack = panel.ctx.project, panel.ctx.undo_stack
    rid = start_round(qtbot, panel, dots=5, per_item=5, named=False)
    typed = {
        "Security review drags on": "20",
        "Tickets bounce between Support and Finance": "12",
        "Invoices with wrong seats or tax": "8",
        "Migrated figures do not reconcile": "2",
    }
    panel.table.setFocus()
    for title, digits in typed.items():
        panel.table.setCurrentCell(row_of(panel, title), 0)
        qtbot.keyClicks(panel.table, digits)
        assert f"typing {digits}" in panel.note.text()
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda t=title, d=digits: counted(panel, t) == d)
    titles = {p.id: p.title for p in project.pains()}
    stored = {titles[v.pain_id or 0]: v.dots for v in project.votes(rid)}
    assert stored == {t: int(d) for t, d in typed.items()}
    # Enter moved on: typing on the next row and moving away drops the unconfirmed digits.
    qtbot.keyClicks(panel.table, "7")
    qtbot.keyClick(panel.table, Qt.Key.Key_Up)
    assert "typing" not in panel.note.text() and len(project.votes(rid)) == 4
    # A correction is one more edit; undo takes it back, and the one before.
    panel.table.setCurrentCell(row_of(panel, "Migrated figures do not reconcile"), 0)
    qtbot.keyClicks(panel.table, "3")
    qtbot.keyClick(panel.table, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: counted(panel, "Migrated figures do not reconcile") == "3")
    stack.undo()
    qtbot.waitUntil(lambda: counted(panel, "Migrated figures do not reconcile") == "2")
    stack.undo()
    qtbot.waitUntil(lambda: counted(panel, "Migrated figures do not reconcile") == "0")
    stack.redo()
    qtbot.waitUntil(lambda: counted(panel, "Migrated figures do not reconcile") == "2")

    qtbot.mouseClick(button(panel, "Belief against evidence…"), Qt.MouseButton.LeftButton)
    belief = panel.belief
    assert belief is not None
    said = [belief.said.item(n).text() for n in range(belief.said.count())]
    assert said[:3] == [
        "The room's #1, “Security review drags on”, has no evidence: it is the room's assumption.",
        "The room's #1, “Security review drags on”, is scoring's #6 (estimated).",
        "Evidence's #1, “Migrated figures do not reconcile”, got 2 dots of 42 (the room's #4).",
    ]
    # The chart highlights the items the two orders put the other way round.
    ids = {t: i for i, t in titles.items()}
    assert ids["Migrated figures do not reconcile"] in belief.chart.crossing
    assert ids["Slow first response on tickets"] not in belief.chart.crossing
    # The room's top three become one macro action, through the edit path.
    qtbot.mouseClick(belief.make_action, Qt.MouseButton.LeftButton)
    action = project.action(panel.ctx.selected_action_ids()[0])
    assert action.kind == e.ActionKind.MACRO
    assert [titles[i] for i in action.pain_ids] == list(typed)[:3]
    # ...with the work groups the journey says must act on those pains, as the action plan's
    # "Macro action from selected pains" suggests them, and no owner until the room names one.
    names = {g.id: g.name for g in project.work_groups()}
    involved = [names[g] for g in groups_to_involve(project, action.pain_ids)]
    assert len(involved) >= 2 and [names[g] for g in action.involved_group_ids] == involved
    assert action.owner_group_id is None
    out = tmp_path / "plan.xlsx"
    export_workbook(project, out, map_image=None)
    sheet = load_workbook(out, read_only=True)["Macro plan"]
    plan = [list(r) for r in sheet.iter_rows(values_only=True)]
    groups_col, owner_col = plan[0].index("Work groups involved"), plan[0].index("Owner")
    row = next(r for r in plan if r[1] == action.title)
    assert row[groups_col] == ", ".join(involved) and row[owner_col] == "no owner yet"
    stack.undo()
    assert not any(a.id == action.id for a in project.actions())
    # A tally typed later shows in the open comparison at once.
    panel.table.setCurrentCell(row_of(panel, "Migrated figures do not reconcile"), 0)
    qtbot.keyClicks(panel.table, "30")
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Migrated" not in belief.said.item(0).text())
    belief.close()
    assert panel.belief is None


def place(qtbot, screen, moves: list[str]) -> None:
    """A voter's keys on the ballot screen: "down", "up", "dot", "undot", or a digit."""
    keys = {
        "down": Qt.Key.Key_Down,
        "up": Qt.Key.Key_Up,
        "dot": Qt.Key.Key_Space,
        "undot": Qt.Key.Key_Minus,
    }
    for move in moves:
        if move.isdigit():
            qtbot.keyClicks(screen.list, move)
        else:
            qtbot.keyClick(screen.list, keys[move])


def test_three_people_pass_the_laptop_and_the_facilitator_reveals(
    qtbot, panel: VotingPanel
) -> None:
    project, stack = panel.ctx.project, panel.ctx.undo_stack
    rid = start_round(qtbot, panel, dots=3, per_item=2, named=True)
    seed = project.voting_round(rid).seed
    qtbot.mouseClick(button(panel, "Pass the laptop…"), Qt.MouseButton.LeftButton)
    screen = panel.ballot_screen
    assert screen is not None and screen.isVisible()
    ballots = [
        ("Ann", ["dot", "dot", "down", "dot"]),  # 2 on the first item, 1 on the second
        ("Bo", ["down", "down", "9", "dot", "up", "undot", "dot"]),  # 9 is capped at 2
        ("Cy", ["dot", "dot", "dot", "down", "dot", "dot"]),  # 3rd dot refused on one item
    ]
    expected: dict[int, int] = {}
    for person, (name, moves) in enumerate(ballots, 1):
        # Each person gets the items shuffled for them from the round's seed.
        order = sorted((p.id, p.title) for p in project.pains())
        random.Random(f"{seed}:{person}").shuffle(order)
        assert screen.order == order
        assert screen.heading.text() == f"Person {person}: place your 3 dots"
        assert all("●" not in screen.list.item(n).text() for n in range(screen.list.count()))
        qtbot.keyClicks(screen.name, name)
        screen.list.setFocus()
        place(qtbot, screen, moves)
        mine = dict(screen.dots)
        assert sum(mine.values()) == 3 and max(mine.values()) <= 2
        for item, n in mine.items():
            if n:
                expected[item] = expected.get(item, 0) + n
        qtbot.keyClick(screen.list, Qt.Key.Key_Return)  # "Done — next person"
        # Cast, and the screen is clear for the next person.
        assert screen.dots == {} and screen.name.text() == ""
        # Nobody sees a result until the reveal: the panel shows the counts hidden.
        qtbot.waitUntil(
            lambda: {panel.table.item(n, 2).text() for n in range(len(panel.items))} == {"hidden"}
        )
    qtbot.mouseClick(button(screen, "Finish voting"), Qt.MouseButton.LeftButton)
    assert panel.ballot_screen is None

    votes = project.votes(rid)
    assert [v.voter for v in votes if v.ballot == 1] == ["Ann"] * 2
    assert {v.ballot for v in votes} == {1, 2, 3}
    stored: dict[int, int] = {}
    for v in votes:
        stored[v.pain_id or 0] = stored.get(v.pain_id or 0, 0) + v.dots
    assert stored == expected and sum(stored.values()) == 9

    qtbot.mouseClick(panel.reveal, Qt.MouseButton.LeftButton)
    titles = {p.id: p.title for p in project.pains()}
    for item, n in expected.items():
        qtbot.waitUntil(lambda i=item, k=n: counted(panel, titles[i]) == str(k))
    assert "9 dots counted" in panel.note.text()
    stack.undo()  # the reveal is an edit like any other
    qtbot.waitUntil(lambda: counted(panel, titles[next(iter(expected))]) == "hidden")
    stack.undo()  # and so is each ballot
    assert {v.ballot for v in project.votes(rid)} == {1, 2}


def test_deleting_a_voted_pain_and_the_round_is_undone_with_its_votes(
    qtbot, panel: VotingPanel
) -> None:
    project, stack = panel.ctx.project, panel.ctx.undo_stack
    rid = start_round(qtbot, panel, dots=3, per_item=1, named=False)
    pain = project.pains()[0]
    panel.table.setCurrentCell(row_of(panel, pain.title), 0)
    qtbot.keyClicks(panel.table, "4")
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    before = project.votes(rid)
    assert len(before) == 1
    from cxmapper.ui.document.commands import RemoveItem

    panel.ctx.edit(lambda: RemoveItem(project, e.Pain, pain.id))
    assert project.votes(rid) == []
    stack.undo()
    assert project.votes(rid) == before
    qtbot.mouseClick(button(panel, "Delete round"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.round_id is None)
    stack.undo()
    qtbot.waitUntil(lambda: panel.round_id == rid)
    assert project.votes(rid) == before


def test_the_workshop_menu_opens_belief_against_evidence(qtbot, demo_window) -> None:
    from cxmapper.ui.document.vote_commands import AddRound

    w = demo_window
    action = next(a for a in w.findChildren(QAction) if a.text() == "&Belief Against Evidence…")
    action.trigger()
    assert "No voting round yet" in w.statusBar().currentMessage()
    ctx = w.ctx
    ctx.edit(lambda: AddRound(ctx.project, "Round 1"))
    voting = next(p for _d, p in w.docked if isinstance(p, VotingPanel))
    qtbot.waitUntil(lambda: voting.round_id is not None)
    action.trigger()
    assert voting.belief is not None and voting.belief.isVisible()
    assert voting.belief.said.item(0).text() == "No dots are counted yet."
    w.close_project()  # the dialog goes with the project, disconnected
    assert voting.belief is None


def test_a_refused_round_says_why_in_its_dialog(qtbot, panel: VotingPanel) -> None:
    dialog = NewRoundDialog(panel.ctx, panel)
    qtbot.addWidget(dialog)
    dialog.title.setText("   ")
    dialog.accept()
    assert "cannot be empty" in dialog.error.text()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert panel.ctx.project.voting_rounds() == []


def test_a_pain_ranked_on_the_rooms_estimate_is_not_called_evidences(qtbot, tmp_path: Path) -> None:
    """The dialog marks such a pain "○ no evidence": its first place is the scores', on the
    room's estimate of reach, and the sentences must say so rather than "Evidence's #1"."""
    project = Project.create(tmp_path / "room.cxmap")
    project.update_settings(customer_base=10_000)
    migration = project.add_pain(
        "Migration loses data",
        reach_source=e.ReachSource.ESTIMATE,
        reach_estimate_count=1_200,
        rework_cost=500.0,
    )
    demo = project.add_pain(
        "Demo shows the wrong product",
        reach_source=e.ReachSource.ESTIMATE,
        reach_estimate_count=2_400,
        rework_cost=20.0,
    )
    ctx = DocumentContext(project)
    panel = VotingPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    try:
        rid = start_round(qtbot, panel, dots=5, per_item=20, named=False)
        typed = (("Demo shows the wrong product", "14"), ("Migration loses data", "2"))
        for title, digits in typed:
            panel.table.setCurrentCell(row_of(panel, title), 0)
            qtbot.keyClicks(panel.table, digits)
            qtbot.keyClick(panel.table, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda t=title, d=digits: counted(panel, t) == d)
        assert {v.pain_id for v in project.votes(rid)} == {migration.id, demo.id}
        qtbot.mouseClick(button(panel, "Belief against evidence…"), Qt.MouseButton.LeftButton)
        belief = panel.belief
        assert belief is not None
        said = [belief.said.item(n).text() for n in range(belief.said.count())]
        assert "The room's #1, “Demo shows the wrong product”, is scoring's #2 (estimated)." in said
        assert (
            "Scoring's #1 (estimated), “Migration loses data”, got 2 dots of 16 "
            "(the room's #2)." in said
        )
        assert any("though the scores rank them apart" in s for s in said)
        assert not any("Evidence's #" in s or "evidence's #" in s for s in said)
        belief.close()
    finally:
        panel.detach()
        ctx.close()
        project.close()
