"""Edits of pains and actions from their forms.

"New pain" and "New action" add the item at once (it shows on the map and in the tables while
its form is open); the details typed into that first form belong to the same undo step, as a
step's title typed right after adding it does (the edit says it completes the add, and the undo
stack merges the two), and Cancel on that first form takes the new item back. Any later edit is
its own named command.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from cxmapper.model import entities as e
from cxmapper.ui.document.commands import AddAction, AddPain, UpdateItem, _quote
from cxmapper.ui.document.context import DocumentContext

WHAT = {e.Pain: "pain", e.Action: "action"}


def is_latest(stack: QUndoStack, command: AddPain | AddAction) -> bool:
    """Whether ``command`` is the last edit done, with nothing undone after it."""
    return stack.index() == stack.count() and stack.command(stack.index() - 1) is command


def save_form(
    ctx: DocumentContext,
    cls: type,
    item_id: int,
    changes: dict[str, Any],
    added: AddPain | AddAction | None = None,
    *,
    origin: QWidget | None = None,
) -> str | None:
    """Apply a form's ``changes`` to a pain or action; return the refusal message, if any
    (the edit path has reported it; the form keeps it beside its fields).

    When ``added`` is the command that just created the item and nothing came after it, the
    changes merge into it (redo then re-adds the item as edited); otherwise they are one edit.
    """
    if not changes:
        return None
    project = ctx.project

    def build() -> UpdateItem:
        current = project.pain(item_id) if cls is e.Pain else project.action(item_id)
        title = changes.get("title", current.title)
        text = f"Edit {WHAT[cls]} {_quote(title)}"
        return UpdateItem(project, cls, item_id, text, completes=added, **changes)

    return None if ctx.edit(build, origin=origin) is not None else ctx.last_refusal


def cancel_new(stack: QUndoStack, added: AddPain | AddAction | None) -> None:
    """Cancel on a new item's first form: nothing was agreed, so the item goes again (an
    undo, which Redo can take back)."""
    if added is not None and is_latest(stack, added):
        stack.undo()
