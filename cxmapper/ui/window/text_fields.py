"""The Edit menu's commands when the keyboard focus is in a text field."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTextEdit

from cxmapper.ui.window.actions import Edit


def edit_text(field: QLineEdit | QTextEdit | QPlainTextEdit, edit: Edit) -> None:
    """An Edit menu command in a text field: it edits the text, never the map behind it."""
    if edit is Edit.CUT:
        field.cut()
    elif edit is Edit.COPY:
        field.copy()
    elif edit is Edit.PASTE:
        field.paste()
    elif edit is Edit.SELECT_ALL:
        field.selectAll()
    elif isinstance(field, QLineEdit):
        field.del_()
    else:
        field.textCursor().removeSelectedText()
