"""Small dialogs: keyboard shortcuts and project settings."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHeaderView,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cxmapper.ui.document.commands import UpdateSettings
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.panels.forms import form_footer


class ShortcutsDialog(QDialog):
    """Every key the canvas handles and every action's keys (``WindowActions.keyboard_help``)."""

    def __init__(self, parent: QWidget, rows: list[tuple[str, str]]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(720, 640)
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Keys", "What it does"])
        for n, (keys, text) in enumerate(rows):
            self.table.setItem(n, 0, QTableWidgetItem(keys))
            self.table.setItem(n, 1, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnToContents(0)
        self.table.verticalHeader().hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class ProjectSettingsDialog(QDialog):
    """The numbers scoring uses: customer base, currency, CLV, cost per contact, threshold."""

    def __init__(self, ctx: DocumentContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Project settings")
        s = ctx.project.settings
        form = QFormLayout(self)
        self.name = QLineEdit(s.name)
        self.customers = QSpinBox()
        self.customers.setRange(1, 2_000_000_000)
        self.customers.setGroupSeparatorShown(True)
        self.customers.setValue(s.customer_base)
        self.currency = QLineEdit(s.currency)
        self.clv = _money(s.customer_lifetime_value)
        self.contact = _money(s.cost_per_contact)
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0, 100)
        self.threshold.setSuffix(" %")
        self.threshold.setValue(s.universal_threshold * 100)
        form.addRow("Project name", self.name)
        form.addRow("Customers per year", self.customers)
        form.addRow("Currency", self.currency)
        form.addRow("Customer lifetime value", self.clv)
        form.addRow("Cost per contact", self.contact)
        form.addRow("Universal pain from", self.threshold)
        # Evidence strength (cxmapper/model/strength.py): when evidence counts as solid.
        self.solid_items = QSpinBox()
        self.solid_items.setRange(1, 1_000_000)
        self.solid_items.setSuffix(" linked items")
        self.solid_items.setValue(s.solid_evidence)
        self.solid_width = QDoubleSpinBox()
        self.solid_width.setRange(0, 1000)
        self.solid_width.setSuffix(" % of the reach")
        self.solid_width.setValue(s.solid_reach_width * 100)
        form.addRow("Solid evidence from", self.solid_items)
        form.addRow("…with a reach interval within", self.solid_width)
        self.error = form_footer(self, form)

    def accept(self) -> None:
        values = {
            "name": self.name.text().strip(),
            "customer_base": self.customers.value(),
            "currency": self.currency.text().strip(),
            "customer_lifetime_value": self.clv.value(),
            "cost_per_contact": self.contact.value(),
            "universal_threshold": self.threshold.value() / 100,
            "solid_evidence": self.solid_items.value(),
            "solid_reach_width": self.solid_width.value() / 100,
        }
        s = self.ctx.project.settings
        changes = {k: v for k, v in values.items() if getattr(s, k) != v}
        project = self.ctx.project
        if changes:
            edited = self.ctx.edit(lambda: UpdateSettings(project, **changes), origin=self)
            if edited is None:
                self.error.setText(self.ctx.last_refusal or "")  # beside the fields to correct
                return
        super().accept()


def _money(value: float) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(0, 1e12)
    box.setDecimals(2)
    box.setGroupSeparatorShown(True)
    box.setValue(value)
    return box
