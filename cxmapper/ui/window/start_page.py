"""What the window shows with no project open: new, open, the demo, and recent projects."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from cxmapper.ui.window.main_window import MainWindow


class StartPage(QWidget):
    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window_ = window
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel(
            "<h1>CX Mapper</h1><p>Map the journey, weigh the pains, agree the actions.</p>"
        )
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        for text, slot in (
            ("New project…", window.new_dialog),
            ("Open project…", window.open_dialog),
            ("Open the demo project", window.open_demo),
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
            lambda item: window.open_path(Path(item.data(Qt.ItemDataRole.UserRole)))
        )
        layout.addWidget(self.recent, alignment=Qt.AlignmentFlag.AlignCenter)

    def refresh(self) -> None:
        self.recent.clear()
        files = self.window_.recent_files()
        for path in files:
            item = QListWidgetItem(f"{Path(path).name} — {Path(path).parent}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.recent.addItem(item)
        if not files:  # say so, rather than show an empty box
            hint = QListWidgetItem("No recent projects yet: start a new one or open the demo.")
            hint.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(hint)

    def showEvent(self, event) -> None:
        self.refresh()
        super().showEvent(event)
