"""What every edit form shares (the pain and action editors, and the window's project
settings): here, below the window, so the panels' forms never import the window."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel


def form_footer(dialog: QDialog, form: QFormLayout) -> QLabel:
    """The end of every edit form: a red line for the model's refusal, then OK and Cancel.
    Returns the refusal label; the dialog's accept() decides whether to close."""
    error = QLabel()
    error.setStyleSheet("color: #c92a2a")
    error.setWordWrap(True)
    form.addRow(error)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    return error
