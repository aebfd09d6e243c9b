"""Writing the open project to other files: the plan workbook, a map image, slides, a copy.

Each ``*_dialog`` asks where and then calls the function that writes, which tests call
directly. A failure is said in one sentence in a message box and the window carries on; the
writers put nothing half-written in place (see ``cxmapper.model.tempfiles``). The window is
known here only as an :class:`ExportHost`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMessageBox,
    QProgressDialog,
    QStatusBar,
    QWidget,
)

from cxmapper.model.safety import ProjectFileError
from cxmapper.model.tempfiles import refuse_project_destination
from cxmapper.ui.canvas.render import render_to_file
from cxmapper.ui.canvas.slides import SLIDE, shot_image
from cxmapper.ui.document.context import DocumentContext

PROJECT_FILTER = "CX Mapper projects (*.cxmap);;All files (*)"
SLIDES_FILTER = "PDF slides (*.pdf)"
PRINT_RATIO = 1.5  # the overview in the workbook: pixels per screen pixel, for print
IMAGE_FILTER = "PNG image (*.png);;SVG drawing (*.svg);;PDF (*.pdf)"
# The workbook's parts in the order the exporter reports them, for the progress dialog.
PLAN_PARTS = (
    "Map image",
    "Macro plan",
    "Pain register",
    "Journey",
    "Evidence",
    "Close the loop",
    "Bright spots",
)


class ExportHost(Protocol):
    """What the exports ask of the window."""

    @property
    def ctx(self) -> DocumentContext | None: ...

    def window(self) -> QWidget:
        """The window itself: the parent of the dialogs the exports open."""
        ...

    def statusBar(self) -> QStatusBar: ...

    def folder(self) -> str:
        """Where file dialogs open: the folder of the last project opened."""
        ...


# --- a clean copy of the project --------------------------------------------------------------


def save_copy_dialog(host: ExportHost) -> None:
    if host.ctx is None:
        return
    suggestion = str(Path(host.folder()) / f"{host.ctx.project.settings.name} copy.cxmap")
    path, _ = QFileDialog.getSaveFileName(
        host.window(), "Save a copy as", suggestion, PROJECT_FILTER
    )
    if path:
        save_copy(host, Path(path if path.endswith(".cxmap") else path + ".cxmap"))


def save_copy(host: ExportHost, path: Path) -> bool:
    assert host.ctx is not None
    project, parent = host.ctx.project, host.window()
    if project.path and path.resolve() == project.path.resolve():
        QMessageBox.warning(parent, "Save a copy", "Choose another name: this is the open file.")
        return False
    try:
        project.save_copy(path)
    except OSError as exc:
        QMessageBox.warning(parent, "Save a copy", f"The copy could not be written: {exc}.")
        return False
    except ProjectFileError as exc:  # a refusal is one sentence already
        QMessageBox.warning(parent, "Save a copy", str(exc))
        return False
    host.statusBar().showMessage(f"Saved a copy as {path.name}.", 8000)
    return True


# --- the plan workbook ------------------------------------------------------------------------


def export_plan_dialog(host: ExportHost) -> None:
    if host.ctx is None:
        return
    project = host.ctx.project
    base = project.path.with_suffix(".xlsx") if project.path else Path("plan.xlsx")
    path, _ = QFileDialog.getSaveFileName(
        host.window(), "Export plan", str(base), "Excel workbook (*.xlsx)"
    )
    if path:
        export_plan(host, Path(path if path.endswith(".xlsx") else path + ".xlsx"))


def export_plan(host: ExportHost, path: Path) -> bool:
    # openpyxl takes a third of a second to load: only when a plan is exported.
    from cxmapper.exchange.workbook import export_workbook

    assert host.ctx is not None
    project, parent = host.ctx.project, host.window()
    dialog = QProgressDialog("Exporting the plan…", "", 0, len(PLAN_PARTS), parent)
    dialog.setCancelButton(None)  # type: ignore[arg-type]  # Qt's way to show no Cancel
    dialog.setMinimumDuration(200)

    def progress(part: str) -> None:
        dialog.setLabelText(f"Writing {part}…")
        dialog.setValue(PLAN_PARTS.index(part) if part in PLAN_PARTS else 0)
        QApplication.processEvents()

    try:
        # Known before any work: a workbook never replaces a project (publish checks again).
        refuse_project_destination(path, "the workbook")
        progress("Map image")
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        # The Summary's map is the overview, drawn sharp enough to print on a page.
        image = shot_image(project, SLIDE, pixel_ratio=PRINT_RATIO)
        # PySide takes the format as str; its type stubs say bytes, which it refuses.
        image.save(buffer, "PNG")  # type: ignore[call-overload]
        export_workbook(project, path, map_image=bytes(buffer.data().data()), progress=progress)
    except ProjectFileError as exc:  # the destination is a project: its own sentence
        QMessageBox.warning(parent, "Export plan", str(exc))
        return False
    except Exception as exc:  # nothing half-written is left: say why, keep working
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        QMessageBox.warning(
            parent, "Export plan", f"The workbook “{path.name}” could not be written: {reason}."
        )
        return False
    finally:
        dialog.close()
        dialog.deleteLater()  # not kept as the window's child
    host.statusBar().showMessage(f"Plan exported to {path.name}.", 10000)
    return True


# --- a map image ------------------------------------------------------------------------------


def export_map_image_dialog(host: ExportHost) -> None:
    if host.ctx is None:
        return
    project = host.ctx.project
    base = project.path.with_suffix(".png") if project.path else Path("journey.png")
    path, chosen = QFileDialog.getSaveFileName(
        host.window(), "Export map image", str(base), IMAGE_FILTER
    )
    if path:
        export_map_image(host, Path(path), chosen)


def export_map_image(host: ExportHost, path: Path, chosen_filter: str = "") -> bool:
    """Render the map to ``path``; a name without a known ending takes the chosen type's."""
    assert host.ctx is not None
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        ending = next((e for e in (".svg", ".pdf") if f"*{e}" in chosen_filter), ".png")
        path = path.with_name(path.name + ending)
    return _render(host, path, "Export map image", f"Map exported to {path.name}.")


def _render(host: ExportHost, path: Path, title: str, done: str, *, slides: bool = False) -> bool:
    """Render the open project to ``path`` (the whole map, or the slides); a failure is one
    sentence in a message titled ``title``, ``done`` goes to the status bar."""
    assert host.ctx is not None
    try:
        render_to_file(host.ctx.project, path, slides=slides)
    except OSError as exc:  # names the file, never the temporary file beside it
        reason = exc.strerror or str(exc)
        QMessageBox.warning(host.window(), title, f"“{path.name}” could not be written: {reason}.")
        return False
    except (ProjectFileError, ValueError) as exc:  # a project's name, or an unknown ending
        QMessageBox.warning(host.window(), title, str(exc))
        return False
    host.statusBar().showMessage(done, 8000)
    return True


# --- slides -----------------------------------------------------------------------------------


def export_slides_dialog(host: ExportHost) -> None:
    if host.ctx is None:
        return
    project = host.ctx.project
    base = project.path.with_name(project.path.stem + " slides.pdf") if project.path else None
    path, _chosen = QFileDialog.getSaveFileName(
        host.window(), "Export slides", str(base or Path("journey slides.pdf")), SLIDES_FILTER
    )
    if path:
        export_slides(host, Path(path))


def export_slides(host: ExportHost, path: Path) -> bool:
    """The overview and one slide per stage, as a 16:9 PDF at ``path``."""
    assert host.ctx is not None
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")
    return _render(host, path, "Export slides", f"Slides exported to {path.name}.", slides=True)
