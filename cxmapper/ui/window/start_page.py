"""What the window shows with no project open: new, open, the demo, and recent projects.

The window is known here only as a :class:`StartHost`."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class StartHost(Protocol):
    """What the start page asks of the window."""

    def new_dialog(self) -> None: ...

    def open_dialog(self) -> None: ...

    def open_demo(self) -> None: ...

    def open_path(self, path: Path) -> bool: ...

    def recent_files(self) -> list[str]: ...


class StartPage(QWidget):
    def __init__(self, host: StartHost) -> None:
        super().__init__()
        self.host = host
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel(
            "<h1>CX Mapper</h1><p>Map the journey, weigh the pains, agree the actions.</p>"
        )
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        for text, slot in (
            ("New project…", host.new_dialog),
            ("Open project…", host.open_dialog),
            ("Open the demo project", host.open_demo),
        ):
            button = QPushButton(text)
            button.setMinimumWidth(320)
            button.setMinimumHeight(40)
            button.clicked.connect(slot)
            layout.addWidget(button, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(QLabel("<b>Recent projects</b>"), alignment=Qt.AlignmentFlag.AlignCenter)
        self.recent = QListWidget()
        self.recent.setMinimumWidth(480)
        self.recent.setMaximumHeight(260)
        self.recent.itemActivated.connect(
            lambda item: host.open_path(Path(item.data(Qt.ItemDataRole.UserRole)))
        )
        layout.addWidget(self.recent, alignment=Qt.AlignmentFlag.AlignCenter)

    def refresh(self) -> None:
        self.recent.clear()
        files = self.host.recent_files()
        for path in files:
            item = QListWidgetItem(f"{Path(path).name} — {Path(path).parent}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.recent.addItem(item)
        if not files:  # say so, rather than show an empty box
            hint = QListWidgetItem("No recent projects yet: start a new one or open the demo.")
            hint.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(hint)

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        super().showEvent(event)
