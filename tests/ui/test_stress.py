"""A seeded random walk of user actions through the real main window, looking for crashes.

Projects are opened, switched and closed (the 2,000-step one too); presentation mode goes on
and off; steps are added, renamed, dragged, deleted, cut, copied and pasted; edits are undone
and redone; an import is started and cancelled; panels are shown and hidden; the critical
steps are computed on a thread while projects change under them. Only what a user reaches:
menu actions, keys and clicks on the map, the Panels menu. File dialogs are answered with a
path, as a user would, and every modal dialog is closed as a user would (Cancel, Esc).

Every uncaught exception (in a slot, an event handler, a thread) and every Qt warning fails
the run, which names the seed and the last actions. ``CXMAPPER_STRESS=N`` sets the number of
actions (300 by default), ``CXMAPPER_STRESS_SEED=S`` the seed; pytest runs faulthandler, so a
crash still prints where it happened.
"""

from __future__ import annotations

import faulthandler
import gc
import os
import random
import shutil
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest
from PySide6.QtCore import QMessageLogContext, QPoint, QSettings, Qt, QTimer, QtMsgType
from PySide6.QtCore import qInstallMessageHandler as install_message_handler
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMenu, QMessageBox

from cxmapper.model.demo import write_demo
from cxmapper.model.project import Project
from cxmapper.ui.canvas.items import StepCard
from cxmapper.ui.importing.wizard import ImportWizard
from cxmapper.ui.window.main_window import MainWindow
from tests.ui.conftest import open_window

ACTIONS = int(os.environ.get("CXMAPPER_STRESS", "300"))
SEED = int(os.environ.get("CXMAPPER_STRESS_SEED", "20261126"))
HUNG_S = 120  # no action takes a minute, even on the 2,000-step map: a frozen window ends it
# Qt's offscreen platform (tests, CI) cannot carry out these window-manager requests and says
# so each time a window is shown or raised, grabs the keyboard (a menu), or fades (the refusal
# notice); on a desktop they work. They are about the test's screen, not about CX Mapper, so
# they alone are not counted.
HARMLESS = (
    "This plugin does not support propagateSizeHints()",
    "This plugin does not support raise()",
    "This plugin does not support grabbing the keyboard",
    "This plugin does not support setting window opacity",
)
Key, Mod = Qt.Key, Qt.KeyboardModifier


@pytest.fixture(scope="session")
def big_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2,000-step project, written once per session (about 5 s)."""
    path = tmp_path_factory.mktemp("stress") / "big.cxmap"
    write_demo(path, steps=2000)
    return path


class Trouble:
    """Collects what must never happen: uncaught exceptions and Qt warnings."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def excepthook(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        self.found.append("Uncaught: " + "".join(traceback.format_exception(kind, exc, tb)))

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        name = args.thread.name if args.thread is not None else "?"
        text = "".join(
            traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback)
        )
        self.found.append(f"Uncaught in thread {name}: {text}")

    def qt_message(self, kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if kind == QtMsgType.QtDebugMsg or kind == QtMsgType.QtInfoMsg:
            return
        if not message.startswith(HARMLESS):
            self.found.append(f"Qt {kind.name}: {message}")


@pytest.fixture
def trouble(monkeypatch: pytest.MonkeyPatch) -> Iterator[Trouble]:
    found = Trouble()
    monkeypatch.setattr(sys, "excepthook", found.excepthook)
    monkeypatch.setattr(threading, "excepthook", found.thread_excepthook)
    previous = install_message_handler(found.qt_message)
    try:
        yield found
    finally:
        install_message_handler(previous)


class Walk:
    """The user: picks actions at random (seeded) and does them through the window."""

    def __init__(
        self, qtbot: Any, window: MainWindow, projects: list[Path], folder: Path, trouble: Trouble
    ) -> None:
        self.qtbot, self.w, self.projects, self.folder = qtbot, window, projects, folder
        self.trouble = trouble
        self.rng = random.Random(SEED)
        self.done: list[str] = []  # what was done, for the report
        self.counts: Counter[str] = Counter()
        self.answer = ""  # what the next file dialog answers
        self.wizard_linger = 0.0  # how long an import wizard stays open before Cancel
        self._seen_wizard: tuple[ImportWizard, float] | None = None
        self.csv = folder / "survey.csv"
        self.csv.write_text(
            "Customer ID,Date,Score,Comment\n"
            + "".join(f"c{n},2026-0{1 + n % 9}-1{n % 9},{n % 11},comment {n}\n" for n in range(60)),
            encoding="utf-8",
        )
        self.new_projects = 0
        # A modal dialog runs its own event loop: this timer closes each as the user would.
        self.closer = QTimer()
        self.closer.setInterval(15)
        self.closer.timeout.connect(self.close_modal)
        self.closer.start()

    # --- what the walk is made of -------------------------------------------------------------

    def actions(self) -> dict[str, tuple[int, Callable[[], None]]]:
        """name → (weight, action). Map actions need a project; without one, they open one."""
        return {
            "open": (6, self.open_project),
            "close": (2, lambda: self.w.window_actions.close_project.trigger()),
            "new": (1, self.new_project),
            "presentation": (4, self.presentation),
            "select": (10, self.select),
            "navigate": (8, self.navigate),
            "add": (10, self.add_step),
            "rename": (6, self.rename),
            "drag": (5, self.drag),
            "delete": (5, lambda: self.on_selection(Key.Key_Delete)),
            "copy": (4, lambda: self.on_selection(Key.Key_C, Mod.ControlModifier)),
            "cut": (2, lambda: self.on_selection(Key.Key_X, Mod.ControlModifier)),
            "paste": (4, lambda: self.key(Key.Key_V, Mod.ControlModifier)),
            "undo": (8, lambda: self.repeat(Key.Key_Z, Mod.ControlModifier)),
            "redo": (5, lambda: self.repeat(Key.Key_Z, Mod.ControlModifier | Mod.ShiftModifier)),
            "select all, delete": (1, self.delete_everything),
            "loop": (2, self.loop_back),
            "flow": (2, self.flow),
            "import": (2, self.start_import),
            "panel": (5, self.toggle_panel),
            "critical steps": (3, self.critical_steps),
            "zoom": (3, self.zoom),
            "heat": (1, lambda: self.w.window_actions.heat.trigger()),
            "strength": (1, lambda: self.w.window_actions.strength_tint.trigger()),
            "tidy": (1, lambda: self.key(Key.Key_R, Mod.ControlModifier | Mod.ShiftModifier)),
            "stage": (2, self.change_stage),
            "walk": (3, self.walk),
            "timer": (1, self.timer),
            "dialogs": (1, self.dialogs),
            "wait": (3, lambda: self.qtbot.wait(self.rng.randint(0, 300))),
        }

    def run(self, count: int) -> None:
        table = self.actions()
        names = list(table)
        weights = [table[n][0] for n in names]
        # Every kind once first (so a short run covers them all), then at random.
        order = self.rng.sample(names, len(names))
        for n in range(count):
            name = order[n] if n < len(order) else self.rng.choices(names, weights)[0]
            if self.w.ctx is None and name not in ("open", "new", "close", "dialogs", "wait"):
                name = "open"
            self.done.append(f"{n}: {name}")
            self.counts[name] += 1
            # A frozen window is a failure too: the stacks are printed and the run ends.
            faulthandler.dump_traceback_later(HUNG_S, exit=True)
            table[name][1]()
            self.qtbot.wait(1)  # lets Qt deliver what the action posted, deletions included
            faulthandler.cancel_dump_traceback_later()
            self.check()
            if n % 50 == 49:
                gc.collect()  # wrappers of deleted Qt objects in cycles must be collectable

    def check(self) -> None:
        """Nothing went wrong (the run stops at the first problem, to name the action), and
        the map shows exactly the project's steps and flows."""
        assert not self.trouble.found, f"{self.report()}\n\n" + "\n".join(self.trouble.found)
        if self.w.ctx is None or self.w.view is None:
            return
        project, scene = self.w.ctx.project, self.w.view.journey_scene
        assert set(scene.cards) == {s.id for s in project.step_views()}, self.report()
        assert set(scene.arrows) == {f.id for f in project.flow_views()}, self.report()

    def report(self) -> str:
        return f"seed {SEED}, after: " + ", ".join(self.done[-25:])

    # --- the user's hands -----------------------------------------------------------------

    def focus_map(self) -> None:
        """Click into the window's map, which takes the keyboard (a title being typed keeps
        it: the click is on the map, not beside it)."""
        self.w.activateWindow()
        if self.w.view is not None and not self.w.view.hasFocus():
            scene = self.w.view.journey_scene
            if scene.focusItem() is None or isinstance(scene.focusItem(), StepCard):
                self.w.view.setFocus()

    def key(self, key: Qt.Key, mods: Qt.KeyboardModifier = Mod.NoModifier) -> None:
        self.focus_map()
        target = self.w.view if self.w.view is not None else self.w
        QTest.keyClick(target, key, mods)

    def on_selection(self, key: Qt.Key, mods: Qt.KeyboardModifier = Mod.NoModifier) -> None:
        """Most of the time, on a step selected first, as a user would."""
        ctx = self.w.ctx
        if ctx is not None and not ctx.selected_step_ids() and self.rng.random() < 0.8:
            self.select()
        self.key(key, mods)

    def repeat(self, key: Qt.Key, mods: Qt.KeyboardModifier) -> None:
        for _ in range(self.rng.randint(1, 5)):
            self.key(key, mods)

    def type_title(self) -> None:
        """Type a title, then Enter, Esc, or nothing (the next action interrupts it)."""
        view = self.w.view
        if view is None:
            return
        ending = self.rng.choice(("enter", "enter", "esc", "none"))
        if self.rng.random() < 0.8:
            QTest.keyClicks(view, self.rng.choice(("Calls back", "Waits", "x" * 510)))
        if ending == "enter":
            QTest.keyClick(view, Key.Key_Return)
        elif ending == "esc":
            QTest.keyClick(view, Key.Key_Escape)

    def visible_cards(self) -> list[StepCard]:
        view = self.w.view
        assert view is not None
        inside = view.mapToScene(view.viewport().rect()).boundingRect()
        return [c for c in view.journey_scene.cards.values() if inside.contains(c.pos())]

    def card_point(self, card: StepCard) -> QPoint:
        assert self.w.view is not None
        return self.w.view.mapFromScene(card.sceneBoundingRect().center())

    # --- actions ----------------------------------------------------------------------------

    def open_project(self) -> None:
        # The 2,000-step project takes seconds to open: the first opening, then a tenth.
        big = [p for p in self.projects if p.name == "big.cxmap"]
        if self.counts["open big"] == 0:
            chosen = big[0]
        else:
            weights = [1 if p in big else 9 for p in self.projects]
            chosen = self.rng.choices(self.projects, weights)[0]
        self.counts["open big"] += chosen in big
        self.answer = str(chosen)
        self.w.window_actions.open.trigger()

    def new_project(self) -> None:
        self.new_projects += 1
        self.answer = str(self.folder / f"new {self.new_projects}.cxmap")
        self.w.window_actions.new.trigger()  # then asks for the project's numbers: cancelled

    def presentation(self) -> None:
        if self.w.presentation.active and self.rng.random() < 0.5:
            self.repeat(Key.Key_Escape, Mod.NoModifier)  # Esc clears, Esc again leaves
        else:
            self.key(Key.Key_F11)

    def select(self) -> None:
        cards = self.visible_cards()
        if not cards:
            self.key(Key.Key_Right)  # selects the first step
            return
        mods = Mod.ControlModifier if self.rng.random() < 0.2 else Mod.NoModifier
        assert self.w.view is not None
        point = self.card_point(self.rng.choice(cards))
        QTest.mouseClick(self.w.view.viewport(), Qt.MouseButton.LeftButton, mods, point)

    def navigate(self) -> None:
        keys = (Key.Key_Left, Key.Key_Right, Key.Key_Up, Key.Key_Down, Key.Key_Tab)
        for _ in range(self.rng.randint(1, 4)):
            self.key(self.rng.choice(keys))

    def add_step(self) -> None:
        mods = self.rng.choice((Mod.NoModifier, Mod.ShiftModifier, Mod.ControlModifier))
        self.key(Key.Key_Return, mods)
        self.type_title()

    def rename(self) -> None:
        self.on_selection(Key.Key_F2)
        self.type_title()

    def drag(self) -> None:
        cards = self.visible_cards()
        if not cards or self.w.view is None:
            return
        viewport = self.w.view.viewport()
        start = self.card_point(self.rng.choice(cards))
        end = QPoint(
            self.rng.randint(0, max(viewport.width() - 1, 0)),
            self.rng.randint(0, max(viewport.height() - 1, 0)),
        )
        QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Mod.NoModifier, start)
        for n in range(1, 6):
            QTest.mouseMove(viewport, start + (end - start) * n / 5)
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Mod.NoModifier, end)

    def delete_everything(self) -> None:
        self.key(Key.Key_A, Mod.ControlModifier)
        self.key(Key.Key_Delete)

    def loop_back(self) -> None:
        self.key(Key.Key_L, Mod.ControlModifier)
        menu = QApplication.activePopupWidget()
        if isinstance(menu, QMenu):
            if self.rng.random() < 0.7:
                QTest.keyClick(menu, Key.Key_Down)
                QTest.keyClick(menu, Key.Key_Return)
            else:
                QTest.keyClick(menu, Key.Key_Escape)

    def flow(self) -> None:
        self.w.window_actions.add_flow.trigger()  # Insert → Flow: the next click picks the target
        cards = self.visible_cards()
        if cards and self.w.view is not None and self.rng.random() < 0.8:
            point = self.card_point(self.rng.choice(cards))
            QTest.mouseClick(self.w.view.viewport(), Qt.MouseButton.LeftButton, pos=point)

    def start_import(self) -> None:
        self.answer = str(self.csv)
        # Cancelled at once (while the file is read), or after a moment (once it is read).
        self.wizard_linger = self.rng.choice((0.0, 0.05, 0.3))
        self.w.window_actions.import_evidence.trigger()

    def toggle_panel(self) -> None:
        toggles = [a for a in self.w.panels_menu.actions() if a.isEnabled()]
        if toggles:
            self.rng.choice(toggles).trigger()

    def critical_steps(self) -> None:
        """Nothing selected shows the map checks in the inspector, whose critical steps are
        computed on a thread; half the time another project opens while it runs."""
        inspector = self.w.panels.get("inspector")
        if inspector is None:
            return
        if not inspector.isVisible():
            inspector.toggleViewAction().trigger()
        inspector.raise_()
        self.key(Key.Key_Escape)
        self.qtbot.wait(self.rng.randint(420, 700))  # the computation starts after 400 ms
        if self.rng.random() < 0.5:
            self.open_project()

    def change_stage(self) -> None:
        key = self.rng.choice((Key.Key_Left, Key.Key_Right))
        self.on_selection(key, Mod.AltModifier)

    def walk(self) -> None:
        """The stage walk's keys while presenting (on the map they move the selection)."""
        keys = (Key.Key_Right, Key.Key_Left, Key.Key_PageDown, Key.Key_PageUp, Key.Key_Space)
        self.key(self.rng.choice((*keys, Key.Key_Home, Key.Key_End)))

    def timer(self) -> None:
        if self.rng.random() < 0.6:
            self.key(Key.Key_T, Mod.ControlModifier)
        else:
            self.key(Key.Key_Right, Mod.ControlModifier | Mod.ShiftModifier)

    def zoom(self) -> None:
        name = self.rng.choice(("zoom_in", "zoom_out", "fit", "actual_size"))
        getattr(self.w.window_actions, name).trigger()

    def dialogs(self) -> None:
        name = self.rng.choice(("settings", "shortcuts", "show_log", "about", "agenda"))
        action = getattr(self.w.window_actions, name)
        if action.isEnabled():
            action.trigger()

    # --- answering dialogs ----------------------------------------------------------------

    def file_dialog(self, *_args: Any, **_kwargs: Any) -> tuple[str, str]:
        answer, self.answer = self.answer, ""
        return answer, ""

    def close_modal(self) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, ImportWizard):
            if self._seen_wizard is None or self._seen_wizard[0] is not widget:
                self._seen_wizard = (widget, time.monotonic())
            if time.monotonic() - self._seen_wizard[1] >= self.wizard_linger:
                widget.reject()  # its Cancel button
        elif isinstance(widget, QMessageBox | QDialog):
            widget.reject()


def test_a_random_walk_of_user_actions_finds_no_crash(
    qtbot: Any,
    tmp_path: Path,
    settings: QSettings,
    big_project: Path,
    trouble: Trouble,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    demo = tmp_path / "demo.cxmap"
    write_demo(demo)
    big = tmp_path / "big.cxmap"
    shutil.copy(big_project, big)
    window = open_window(qtbot, settings, demo)
    window.activateWindow()  # the menu shortcuts (Ctrl+C, F11…) work in the active window
    qtbot.waitActive(window)
    walk = Walk(qtbot, window, [demo, big], tmp_path, trouble)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", walk.file_dialog)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", walk.file_dialog)
    started = time.perf_counter()
    try:
        walk.run(ACTIONS)
        window.window_actions.quit.trigger()
        qtbot.wait(1)
        walk.closer.stop()
        gc.collect()
    except BaseException:
        print(walk.report())
        raise
    elapsed = time.perf_counter() - started
    print(f"\nseed {SEED}: {ACTIONS} actions in {elapsed:.1f} s; {dict(walk.counts)}")
    assert not window.isVisible()
    assert not trouble.found, f"{walk.report()}\n\n" + "\n".join(trouble.found[:5])


def test_presentation_of_a_small_map_settles(
    qtbot: Any, tmp_path: Path, settings: QSettings
) -> None:
    """Found by the walk: in presentation mode a resize refit the map's height, which showed
    or hid a scroll bar, which resized the view again, forever (the window froze)."""
    path = tmp_path / "small.cxmap"
    project = Project.create(path)
    lane = project.add_work_group("Customer")
    project.add_step(lane.id, "First contact", x=40.0, y=16.0)
    project.close()
    window = open_window(qtbot, settings, path)
    window.window_actions.presentation.trigger()  # F11
    view = window.view
    assert view is not None
    zooms: list[float] = []
    view.zoomChanged.connect(zooms.append)
    view.setFixedSize(300, 200)  # where a scroll bar came and went with each refit
    for _ in range(5):
        QApplication.processEvents()
    assert len(zooms) <= 2
    window.window_actions.presentation.trigger()


def test_deleting_the_whole_map_and_taking_it_back_is_laid_out_once(
    qtbot: Any, tmp_path: Path, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by the walk: Select All, Delete, Undo on the 2,000-step map froze the window for
    minutes, as the map was laid out, its loops found, the pains rescored and the status
    counted again after each of the thousands of changes the edit announced."""
    from cxmapper.ui.canvas import scene as scene_module
    from cxmapper.ui.canvas.scene import JourneyScene

    path = tmp_path / "demo.cxmap"
    write_demo(path)
    window = open_window(qtbot, settings, path)
    calls: Counter[str] = Counter()

    def counted(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(JourneyScene, "_relayout", counted("layout", JourneyScene._relayout))
    monkeypatch.setattr(scene_module, "loop_flow_ids", counted("loops", scene_module.loop_flow_ids))
    assert window.ctx is not None and window.view is not None
    project, view = window.ctx.project, window.view
    monkeypatch.setattr(project, "counts", counted("counts", project.counts))
    steps = len(project.steps())
    view.setFocus()
    window.window_actions.select_all.trigger()  # Edit → Select All
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert project.steps() == [] and view.journey_scene.cards == {}
    assert calls == {"layout": 1, "loops": 1, "counts": 1}
    calls.clear()
    window.window_actions.undo.trigger()
    assert len(view.journey_scene.cards) == steps == len(project.steps())
    assert calls == {"layout": 1, "loops": 1, "counts": 1}
