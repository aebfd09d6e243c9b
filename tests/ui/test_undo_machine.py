"""Any sequence of edits through the undo stack: undone fully gives the opened state, redone
fully the final state, and after every step the file on disk matches the model."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from PySide6.QtWidgets import QApplication

from cxmapper.model import entities as e
from cxmapper.model.project import Project
from cxmapper.ui.document.commands import (
    AddFlow,
    AddPain,
    AddStage,
    AddStep,
    AddWorkGroup,
    DeleteItems,
    MoveSteps,
    RemoveItem,
    UpdateItem,
)
from cxmapper.ui.document.context import DocumentContext
from tests.conftest import snapshot

names = st.text(alphabet="abcdefgh ", min_size=1, max_size=8).filter(lambda s: s.strip())


class UndoMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        QApplication.instance() or QApplication([])
        self.folder = tempfile.mkdtemp()
        self.path = Path(self.folder) / "p.cxmap"
        with Project.create(self.path) as p:
            g = p.add_work_group("Customer")
            p.add_step(g.id, "Start")
        self.project = Project.open(self.path)
        self.ctx = DocumentContext(self.project)
        self.opened = snapshot(self.project)
        self.newest = self.opened  # the state after the newest edit: what redo-all returns to

    def teardown(self) -> None:
        self.ctx.close()
        self.project.close()

    def push(self, command) -> None:
        self.ctx.edit(lambda: command)  # the window's one edit path
        # Any push, even a refused one, drops the redo history: this is now the newest state.
        self.newest = snapshot(self.project)

    def steps(self) -> list[int]:
        return sorted(s.id for s in self.project.steps())

    @rule(name=names)
    def add_group(self, name: str) -> None:
        self.push(AddWorkGroup(self.project, name))

    @rule(name=names)
    def add_stage(self, name: str) -> None:
        self.push(AddStage(self.project, name))

    @rule(name=names, data=st.data())
    def add_step(self, name: str, data: st.DataObject) -> None:
        group = data.draw(st.sampled_from([g.id for g in self.project.work_groups()]))
        source = data.draw(st.none() | st.sampled_from(self.steps())) if self.steps() else None
        self.push(AddStep(self.project, group, name, x=40.0, y=16.0, connect_from=source))

    @precondition(lambda self: self.steps())
    @rule(data=st.data())
    def add_flow(self, data: st.DataObject) -> None:
        a = data.draw(st.sampled_from(self.steps()))
        b = data.draw(st.sampled_from(self.steps()))
        self.push(AddFlow(self.project, a, b, "x"))

    @precondition(lambda self: self.steps())
    @rule(data=st.data(), name=names, emotion=st.integers(-3, 3))
    def edit_step(self, data: st.DataObject, name: str, emotion: int) -> None:
        step = data.draw(st.sampled_from(self.steps()))
        self.push(UpdateItem(self.project, e.Step, step, "Edit", title=name, emotion=emotion))

    @precondition(lambda self: self.steps())
    @rule(data=st.data(), x=st.integers(0, 10))
    def move(self, data: st.DataObject, x: int) -> None:
        step = data.draw(st.sampled_from(self.steps()))
        group = data.draw(st.sampled_from([g.id for g in self.project.work_groups()]))
        self.push(MoveSteps(self.project, {step: {"x": 40.0 + 240 * x, "work_group_id": group}}))

    @precondition(lambda self: self.steps())
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        steps = data.draw(st.lists(st.sampled_from(self.steps()), max_size=2, unique=True))
        flows = data.draw(
            st.lists(
                st.sampled_from([f.id for f in self.project.flows()] or [0]),
                max_size=1,
                unique=True,
            )
        )
        flows = [f for f in flows if any(x.id == f for x in self.project.flows())]
        if steps or flows:
            self.push(DeleteItems(self.project, steps, flows))

    @precondition(lambda self: self.steps())
    @rule(data=st.data(), name=names)
    def add_pain(self, data: st.DataObject, name: str) -> None:
        steps = data.draw(st.lists(st.sampled_from(self.steps()), max_size=2, unique=True))
        self.push(AddPain(self.project, name, step_ids=tuple(steps)))

    @precondition(lambda self: len(self.project.work_groups()) > 1)
    @rule(data=st.data())
    def delete_group(self, data: st.DataObject) -> None:
        group = data.draw(st.sampled_from([g.id for g in self.project.work_groups()]))
        self.push(RemoveItem(self.project, e.WorkGroup, group))

    @rule(steps=st.integers(1, 3))
    def undo_some(self, steps: int) -> None:
        for _ in range(steps):
            self.ctx.undo_stack.undo()

    @rule(steps=st.integers(1, 3))
    def redo_some(self, steps: int) -> None:
        for _ in range(steps):
            self.ctx.undo_stack.redo()

    @invariant()
    def file_matches_model(self) -> None:
        # Read what is on disk through a second connection (the project holds its lock).
        copy = Path(self.folder) / f"disk{self.ctx.undo_stack.index()}.cxmap"
        copy.unlink(missing_ok=True)
        source = sqlite3.connect(self.path)
        target = sqlite3.connect(copy)
        source.backup(target)
        source.close()
        target.close()
        with Project.open(copy) as disk:
            assert snapshot(disk) == snapshot(self.project)

    @invariant()
    def undo_all_then_redo_all(self) -> None:
        stack = self.ctx.undo_stack
        index, final = stack.index(), snapshot(self.project)
        stack.setIndex(0)
        assert snapshot(self.project) == self.opened
        stack.setIndex(stack.count())
        assert snapshot(self.project) == self.newest
        stack.setIndex(index)
        assert snapshot(self.project) == final


UndoMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=15, deadline=None)
TestUndoMachine = UndoMachine.TestCase
