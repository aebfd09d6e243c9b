"""Edits of pains and actions from their forms.

"New pain" and "New action" add the item at once (it shows on the map and in the tables while
its form is open); the details typed into that first form belong to the same undo step, as a
step's title typed right after adding it does, and Cancel on that first form takes the new item
back. Any later edit is its own named command.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from PySide6.QtGui import QUndoStack

from cxmapper.model import entities as e
from cxmapper.model.project import Project
from cxmapper.model.validation import ModelError
from cxmapper.ui.commands import AddAction, AddPain, UpdateItem, _quote, push

WHAT = {e.Pain: "pain", e.Action: "action"}


def is_latest(stack: QUndoStack, command: AddPain | AddAction) -> bool:
    """Whether ``command`` is the last edit done, with nothing undone after it."""
    return stack.index() == stack.count() and stack.command(stack.index() - 1) is command


def save_form(
    stack: QUndoStack,
    project: Project,
    cls: type,
    item_id: int,
    changes: dict[str, Any],
    added: AddPain | AddAction | None = None,
) -> str | None:
    """Apply a form's ``changes`` to a pain or action; return the refusal message, if any.

    When ``added`` is the command that just created the item, the changes are folded into it
    (redo then re-adds the item as edited); otherwise they are pushed as one edit."""
    if not changes:
        return None
    what = WHAT[cls]
    current = project.pain(item_id) if cls is e.Pain else project.action(item_id)
    title = changes.get("title", current.title)
    if added is not None and is_latest(stack, added):
        try:
            if cls is e.Pain:
                project.update_pain(item_id, **changes)
            else:
                project.update_action(item_id, **changes)
        except ModelError as exc:
            return str(exc)
        except sqlite3.Error as exc:  # the edit was rolled back
            return f"The change could not be saved ({exc}); nothing was changed."
        added.title = title
        added.values.update({k: v for k, v in changes.items() if k != "title"})
        added.setText(f"Add {what} {_quote(title)}")
        # QUndoStack does not notice a command renamed in place; tell the Edit menu.
        stack.undoTextChanged.emit(stack.undoText())
        return None
    return push(stack, UpdateItem(project, cls, item_id, f"Edit {what} {_quote(title)}", **changes))


def cancel_new(stack: QUndoStack, added: AddPain | AddAction | None) -> None:
    """Cancel on a new item's first form: nothing was agreed, so the item goes again (an
    undo, which Redo can take back)."""
    if added is not None and is_latest(stack, added):
        stack.undo()
