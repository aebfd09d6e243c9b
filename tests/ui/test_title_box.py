"""A long title typed on the map scrolls inside a box of a few lines, and its refusal shows
under the box, where the user is looking; what was typed is kept."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetricsF

from cxmapper.ui.canvas.interactions import EditTitle
from cxmapper.ui.canvas.title_box import MAX_LINES, TitleBox, title_on_screen
from cxmapper.ui.window.main_window import MainWindow

LONG = "Escalates to the account manager, who " * 14  # 532 characters: over 500


def test_a_title_over_500_characters_scrolls_inside_its_box_and_is_refused_beside_it(
    qtbot, demo_window: MainWindow
) -> None:
    w, p = demo_window, demo_window.ctx.project
    view = w.view
    view.select_step(2)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)  # a new step, its title ready for typing
    new = view.current_step()
    editing = view._interaction
    assert isinstance(editing, EditTitle)
    box = editing.editor.parentItem()
    assert isinstance(box, TitleBox)
    qtbot.keyClicks(view, LONG)

    # The box stops growing at a few lines; the text goes on inside it, the end in view.
    most = QFontMetricsF(editing.editor.font()).lineSpacing() * MAX_LINES
    text = editing.editor.document().size().height()
    assert text > 3 * most
    assert box.boundingRect().height() <= most + 2 * 4 + 6
    assert editing.editor.y() == -(text - box.max_height)  # scrolled to the cursor at the end
    on_screen = title_on_screen(view)
    assert on_screen is not None and view.viewport().rect().contains(on_screen)

    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert p.step(new).title == "New step"  # refused, nothing half-saved
    assert isinstance(view._interaction, EditTitle) and editing.text() == LONG.strip()  # kept
    notice = w.notice
    assert notice.isVisible() and notice.text() == "The step title is longer than 500 characters."
    # Just under (or over) the box, not at the far corner of the map.
    box_rect = QRect(view.viewport().mapToGlobal(on_screen.topLeft()), on_screen.size())
    shown = notice.frameGeometry()
    assert abs(shown.top() - box_rect.bottom()) < 20 or abs(shown.bottom() - box_rect.top()) < 20
    assert shown.left() < box_rect.right() and shown.right() > box_rect.left()

    # Back to the start: the box scrolls up with the cursor; shortened, the title is saved.
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: editing.editor.y() == 0)
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(view, "Escalates")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert p.step(new).title == "Escalates"
    qtbot.waitUntil(lambda: not any(isinstance(i, TitleBox) for i in view.scene().items()))


def test_the_box_leaves_the_scene_with_its_editor(qtbot, demo_window: MainWindow) -> None:
    view = demo_window.view
    view.select_step(2)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F2)
    assert sum(isinstance(i, TitleBox) for i in view.scene().items()) == 1
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not any(isinstance(i, TitleBox) for i in view.scene().items()))
    assert title_on_screen(view) is None
