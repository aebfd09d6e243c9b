"""File → Export Plan…: the workbook for leadership, written with a progress window."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from cxmapper.model.safety import ProjectFileError

if TYPE_CHECKING:
    from cxmapper.ui.main_window import MainWindow

STEPS = (
    "Map image",
    "Macro plan",
    "Pain register",
    "Journey",
    "Evidence",
    "Close the loop",
    "Bright spots",
)


def export_plan(w: MainWindow, path: Path) -> bool:
    """Write the open project's plan to ``path``; a failure is one sentence, and nothing
    half-written is left where the workbook was asked for."""
    from cxmapper.exchange.workbook import export_workbook
    from cxmapper.model.tempfiles import refuse_project_destination
    from cxmapper.ui.render import render_image

    assert w.ctx is not None
    dialog = QProgressDialog("Exporting the plan…", "", 0, len(STEPS), w)
    dialog.setCancelButton(None)
    dialog.setMinimumDuration(200)

    def progress(step: str) -> None:
        dialog.setLabelText(f"Writing {step}…")
        dialog.setValue(STEPS.index(step) if step in STEPS else 0)
        QApplication.processEvents()

    try:
        # Known before any work: a workbook never replaces a project (publish checks again).
        refuse_project_destination(path, "the workbook")
        progress("Map image")
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        render_image(w.ctx.project, scale=1.0).save(buffer, "PNG")
        export_workbook(
            w.ctx.project, path, map_image=bytes(buffer.data().data()), progress=progress
        )
    except ProjectFileError as exc:  # the destination is a project: its own sentence
        QMessageBox.warning(w, "Export plan", str(exc))
        return False
    except Exception as exc:  # nothing half-written is left: say why, keep working
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        QMessageBox.warning(
            w, "Export plan", f"The workbook “{path.name}” could not be written: {reason}."
        )
        return False
    finally:
        dialog.close()
        dialog.deleteLater()  # not kept as the window's child
    w.statusBar().showMessage(f"Plan exported to {path.name}.", 10000)
    return True
