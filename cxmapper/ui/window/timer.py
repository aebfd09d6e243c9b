"""The facilitator's timer: the agenda's editor, the clock that runs it, and the badge that
shows the current timebox counting down in a corner of the map (and so of the projector).

The agenda is the project's (stored with its settings, edited through the one edit path);
the clock is the session's: which box runs and for how long is never written to the file.
When a box overruns, the badge says by how much and what the boxes still to come must shrink
to (:func:`cxmapper.model.agenda.timing`).
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGraphicsView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from cxmapper.model.agenda import MAX_BOXES, MAX_MINUTES, Timebox, Timing, boxes, clock, timing
from cxmapper.ui.canvas.items import StepCard
from cxmapper.ui.canvas.legend import STRIP_H
from cxmapper.ui.canvas.viewport import ZoomView
from cxmapper.ui.document.commands import UpdateSettings
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.panels.forms import form_footer

EXAMPLE = (("Walk the journey", 20.0), ("Vote on the pains", 10.0), ("Agree macro actions", 30.0))


class AgendaDialog(QDialog):
    """The agenda as a table of timeboxes: title and minutes, added, removed and reordered."""

    def __init__(self, ctx: DocumentContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Workshop agenda")
        self.resize(520, 380)
        form = QFormLayout(self)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Timebox", "Minutes"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for title, minutes in ctx.project.settings.agenda or EXAMPLE:
            self._append(title, minutes)
        form.addRow(self.table)
        buttons = QHBoxLayout()
        for text, slot in (
            ("Add", lambda: self._append("New timebox", 10.0, edit=True)),
            ("Remove", self._remove),
            ("Up", lambda: self._move(-1)),
            ("Down", lambda: self._move(1)),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        form.addRow(buttons)
        self.error = form_footer(self, form)

    def _append(self, title: str, minutes: float, *, edit: bool = False) -> None:
        if self.table.rowCount() >= MAX_BOXES:
            return
        row = self.table.rowCount()
        self.table.insertRow(row)
        item = QTableWidgetItem(title)
        self.table.setItem(row, 0, item)
        spin = QDoubleSpinBox()
        spin.setRange(0.5, MAX_MINUTES)
        spin.setDecimals(1)
        spin.setSuffix(" min")
        spin.setValue(minutes)
        self.table.setCellWidget(row, 1, spin)
        self.table.setCurrentCell(row, 0)
        if edit:
            self.table.editItem(item)

    def _remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def _move(self, by: int) -> None:
        row = self.table.currentRow()
        to = row + by
        if row < 0 or not 0 <= to < self.table.rowCount():
            return
        agenda = list(self.agenda())
        agenda[row], agenda[to] = agenda[to], agenda[row]
        self.table.setRowCount(0)
        for title, minutes in agenda:
            self._append(title, minutes)
        self.table.setCurrentCell(to, 0)

    def agenda(self) -> tuple[tuple[str, float], ...]:
        rows = []
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            spin = self.table.cellWidget(row, 1)
            assert isinstance(spin, QDoubleSpinBox)
            rows.append(((item.text() if item else "").strip(), spin.value()))
        return tuple(rows)

    def accept(self) -> None:
        agenda = self.agenda()
        if agenda != self.ctx.project.settings.agenda:
            project = self.ctx.project
            edited = self.ctx.edit(lambda: UpdateSettings(project, agenda=agenda), origin=self)
            if edited is None:
                self.error.setText(self.ctx.last_refusal or "")
                return
        super().accept()


class WorkshopClock(QObject):
    """Which timebox runs, and for how long: started, paused, moved on by the facilitator.
    Owned by the document context; stops when the project closes."""

    ticked = Signal()

    @classmethod
    def of(cls, ctx: DocumentContext) -> WorkshopClock:
        found = ctx.findChild(WorkshopClock)
        return found if found is not None else cls(ctx)

    def __init__(self, ctx: DocumentContext) -> None:
        super().__init__(ctx)
        self.ctx = ctx
        self.now = time.monotonic  # the clock's time source (a test sets its own)
        self.current = 0
        self.started = False  # the first box has been started (the badge shows from then)
        self.spent_before = 0.0  # seconds the finished boxes took
        self._banked = 0.0  # seconds of the current box before the last pause
        self._since: float | None = None  # monotonic time the clock last started, if running
        self._tick = QTimer(self)
        self._tick.setInterval(250)
        self._tick.timeout.connect(self.ticked)
        ctx.closing.connect(self.stop)

    @property
    def running(self) -> bool:
        return self._since is not None

    def agenda(self) -> list[Timebox]:
        return boxes(self.ctx.project.settings.agenda)

    def elapsed(self) -> float:
        """Seconds into the current box."""
        extra = 0.0 if self._since is None else self.now() - self._since
        return self._banked + extra

    def timing(self) -> Timing:
        return timing(self.agenda(), self.current, self.spent_before, self.elapsed())

    def start_pause(self) -> None:
        if not self.agenda() or self.current >= len(self.agenda()):
            return
        if self._since is None:
            self._since = self.now()
            self.started = True
            self._tick.start()
        else:
            self._banked = self.elapsed()
            self._since = None
            self._tick.stop()
        self.ticked.emit()

    def next_box(self) -> None:
        """End the current box now and start the next (the clock keeps its state: running
        or paused)."""
        if not self.started or self.current >= len(self.agenda()):
            return
        self.spent_before += self.elapsed()
        self.current += 1
        self._banked = 0.0
        if self._since is not None:
            self._since = self.now()
        if self.current >= len(self.agenda()):
            self._since = None
            self._tick.stop()
        self.ticked.emit()

    def reset(self) -> None:
        self.current, self.spent_before, self._banked = 0, 0.0, 0.0
        self._since, self.started = None, False
        self._tick.stop()
        self.ticked.emit()

    def stop(self) -> None:
        self._tick.stop()
        self.ctx.closing.disconnect(self.stop)


class TimerBadge(QWidget):
    """The current timebox and its countdown, in a corner of ``host`` (the map),
    large enough to read from the back of the room; red once it overruns, with the boxes
    still to come and the minutes they are now allowed."""

    MARGIN = 16

    def __init__(self, clock_: WorkshopClock, host: QWidget) -> None:
        super().__init__(host)
        self.clock = clock_
        self.host = host
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.clock.ticked.connect(self.refresh)
        host.installEventFilter(self)
        self.refresh()

    def detach(self) -> None:
        self.clock.ticked.disconnect(self.refresh)
        self.host.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.host and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def lines(self) -> tuple[str, str, list[str]]:
        """Title, clock, and the boxes still to come ("Vote 10 → 8 min")."""
        agenda = self.clock.agenda()
        t = self.clock.timing()
        if t.current >= len(agenda):
            late = f" ({clock(-t.late)} late)" if t.late else ""
            return "Agenda done" + late, "", []
        title = agenda[t.current].title
        rest = []
        for box, planned, allowed in zip(
            agenda[t.current + 1 :], t.planned, t.now_allowed, strict=True
        ):
            if abs(allowed - planned) < 0.05:
                rest.append(f"{box.title} {planned:g} min")
            else:
                rest.append(f"{box.title} {planned:g} → {allowed:.0f} min")
        paused = "" if self.clock.running else " (paused)"
        return title + paused, clock(t.left), rest

    def refresh(self) -> None:
        self.setVisible(self.clock.started and bool(self.clock.agenda()))
        if self.isVisible():
            self._place()
            self.raise_()
            self.update()

    def _place(self) -> None:
        """The corner of the map that hides the fewest cards (the bottom right one on a tie:
        a journey's last stages seldom have steps in its last lanes)."""
        self.setGeometry(min(self.corners(), key=self.cards_under))

    def corners(self) -> list[QRect]:
        """Where the badge may sit: the map's four corners, clear of the lane and stage names
        (where the map pins them, however large it draws them) and of the legend strip; the
        bottom right first."""
        _title, _clock, rest = self.lines()
        width, height = 340, 118 + 24 * min(len(rest), 4)
        m = self.MARGIN
        clear = QRect(80, 48, self.host.width() - 80, self.host.height() - round(STRIP_H) - 48)
        if isinstance(self.host, ZoomView):
            clear = self.host.clear_of_names().translated(self.host.viewport().pos())
        right, left = clear.right() + 1 - width - m, clear.left() + m
        bottom, top = clear.bottom() + 1 - m - height, clear.top() + m
        # A map too small for the badge beside its names: the bottom right corner all the same.
        left, top = min(left, right), min(top, bottom)
        return [QRect(x, y, width, height) for y in (bottom, top) for x in (right, left)]

    def cards_under(self, rect: QRect) -> int:
        """How many cards of the map lie (partly) under ``rect`` (the scene's own index)."""
        view = self.host
        if not isinstance(view, QGraphicsView):
            return 0
        return sum(isinstance(item, StepCard) for item in view.items(rect))

    def paintEvent(self, event: QPaintEvent) -> None:
        title, countdown, rest = self.lines()
        over = self.clock.timing().overrun
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#c92a2a") if over else QColor(31, 36, 48, 230))
        painter.drawRoundedRect(QRectF(self.rect()), 10, 10)
        painter.setPen(QColor("#ffffff"))
        font = QFont(self.font())
        font.setPixelSize(18)
        font.setBold(True)
        painter.setFont(font)
        inner = QRectF(self.rect()).adjusted(16, 10, -16, -10)
        painter.drawText(
            QRectF(inner.left(), inner.top(), inner.width(), 24),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            painter.fontMetrics().elidedText(
                title, Qt.TextElideMode.ElideRight, int(inner.width())
            ),
        )
        font.setPixelSize(52)
        painter.setFont(font)
        painter.drawText(
            QRectF(inner.left(), inner.top() + 26, inner.width(), 60),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            countdown,
        )
        font.setPixelSize(16)
        font.setBold(False)
        painter.setFont(font)
        for n, line in enumerate(rest[:4]):
            painter.drawText(
                QRectF(inner.left(), inner.top() + 92 + 24 * n, inner.width(), 22),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                painter.fontMetrics().elidedText(
                    line, Qt.TextElideMode.ElideRight, int(inner.width())
                ),
            )
        painter.end()
