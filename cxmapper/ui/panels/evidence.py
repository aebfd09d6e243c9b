"""The evidence panel: what customers say at the selected steps, search with "link all results
to this step", bright spots, and the import batches.

Evidence rows are dragged from the tables onto a step card to link them (MIME type below).
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cxmapper.exchange.reimport import when
from cxmapper.model.entities import ActionKind, Evidence
from cxmapper.model.events import Change
from cxmapper.model.evidence_stats import bright_spots, named_praise, step_stats
from cxmapper.ui.canvas.view import EVIDENCE_MIME
from cxmapper.ui.document.commands import AddAction, LinkEvidence, RemoveImportBatch
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.panels.tables import ColumnsModel, sorted_table
from cxmapper.wording import counted

PAGE = 500
SEARCH_SHOWN = 5000  # listed; "Link all results" links every item found
COLUMNS = ("Date", "Score", "Customer", "Source", "Verbatim")
DELETED = " (deleted step)"  # how a keyword rule shows a step that is gone


class EvidenceModel(ColumnsModel):
    """A page of evidence rows (the panel never loads all evidence)."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[Evidence] = []

    def set_items(self, items: list[Evidence]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def rowCount(
        self,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(
        self,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> int:
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        ev = self.items[index.row()]
        values = (ev.date or "", ev.score, ev.customer_id, ev.source, ev.text)
        if role == Qt.ItemDataRole.DisplayRole:
            value = values[index.column()]
            if index.column() == 1 and value is not None:
                return f"{value:g}" + (f" / {ev.score_scale}" if ev.score_scale else "")
            return "" if value is None else str(value).replace("\n", " ")
        if role == Qt.ItemDataRole.UserRole:  # sort key
            value = values[index.column()]
            return -1e9 if value is None else value
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 4:
            return ev.text
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsDragEnabled

    def mimeTypes(self) -> list[str]:
        return [EVIDENCE_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        ids = sorted({self.items[i.row()].id for i in indexes})
        data = QMimeData()
        data.setData(EVIDENCE_MIME, json.dumps(ids).encode())
        data.setText(counted(len(ids), "evidence item"))
        return data


def _table(model: EvidenceModel) -> tuple[QTableView, QSortFilterProxyModel]:
    view, proxy = sorted_table(model)
    view.setDragEnabled(True)
    view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
    view.setWordWrap(False)
    view.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
    return view, proxy


class EvidencePanel(QWidget):
    # A Panel (see cxmapper.ui.panels): what the window docks.
    dock_title = "Evidence"
    dock_name = "evidence"
    dock_area = Qt.DockWidgetArea.BottomDockWidgetArea

    def __init__(self, ctx: DocumentContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.project = ctx.project
        self.tabs = QTabWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)
        self._build_step_tab()
        self._build_search_tab()
        self._build_rules_tab()
        self._build_bright_tab()
        self._build_imports_tab()
        self._shown: tuple[int, ...] = ()
        ctx.selectionChanged.connect(self._on_selection)
        ctx.changed.connect(self._on_change)
        self.refresh_steps()
        self.refresh_imports()

    def dock_content(self) -> QWidget:
        return self

    def on_dock_visibility(self, visible: bool) -> None:
        pass  # it keeps up while hidden: nothing to catch up on

    def delete_selected(self) -> None:
        pass  # nothing here is deleted with Edit → Delete

    def detach(self) -> None:
        self.ctx.selectionChanged.disconnect(self._on_selection)
        self.ctx.changed.disconnect(self._on_change)

    def _on_change(self, change: Change) -> None:
        # A step's change matters only to the steps shown (a rename elsewhere re-reads nothing).
        shown_step = change.entity == "step" and change.id in self._shown
        if change.entity in ("evidence", "import_batch") or shown_step:
            self.refresh_steps()
        if change.entity == "import_batch":
            self.refresh_imports()
        # The rules' step lists follow the map: new steps, new titles, deleted steps marked.
        step_list = change.kind != "changed" or "title" in change.fields
        if change.entity == "step" and step_list and self.rules.rowCount():
            self._rules_soon.start()  # once after a deletion of many steps, not per step

    # --- at the selected steps ----------------------------------------------------------------

    def _build_step_tab(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.stats = QLabel()
        self.stats.setWordWrap(True)
        self.stats.setTextFormat(Qt.TextFormat.RichText)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter these verbatims…")
        self.step_model = EvidenceModel()
        self.step_table, self.step_proxy = _table(self.step_model)
        self.filter.textChanged.connect(self.step_proxy.setFilterFixedString)
        self.step_table.selectionModel().selectionChanged.connect(
            lambda *_: self._share_selection(self.step_table, self.step_model)
        )
        layout.addWidget(self.stats)
        layout.addWidget(self.filter)
        layout.addWidget(self.step_table)
        self.tabs.addTab(page, "At selected steps")

    def _on_selection(self) -> None:
        steps = tuple(s for s in self.ctx.selected_step_ids() if self.project.has_step(s))
        if steps != self._shown:  # picking verbatims changes the selection too: keep the list
            self.refresh_steps()

    def refresh_steps(self) -> None:
        steps = tuple(s for s in self.ctx.selected_step_ids() if self.project.has_step(s))
        self._shown = steps
        if not steps:
            total = self.project.evidence.count()
            self.stats.setText(
                f"<b>{total:,}</b> evidence items in this project. Select steps to "
                "see what customers said there."
            )
            self.step_model.set_items([])
            return
        s = step_stats(self.project, steps)
        names = ", ".join(self.project.step(i).title for i in steps[:3])
        names += "…" if len(steps) > 3 else ""
        # Titles are the user's text: shown as text, never as markup.
        parts = [f"<b>{html.escape(names)}</b>: {s.count:,} item{'s' * (s.count != 1)}"]
        if s.average is not None:
            parts.append(f"average score {s.average:.1f}")
        if s.nps is not None:
            parts.append(f"NPS {s.nps:+.0f}")
        if s.csat is not None:
            parts.append(f"CSAT {s.csat:.0%}")
        if s.detractor_share is not None:
            parts.append(f"detractors {s.detractor_share:.0%}")
        trend = " · ".join(
            f"{m}: {n}" + (f" ({a:.1f})" if a is not None else "") for m, n, a in s.by_month[-6:]
        )
        shown = (
            f"<br><small>The newest {PAGE:,} are listed below.</small>" if s.count > PAGE else ""
        )
        self.stats.setText(
            " · ".join(parts)
            + (f"<br><small>By month: {html.escape(trend)}</small>" if trend else "")
            + shown
        )
        self.step_model.set_items(self.project.evidence.for_steps(steps, limit=PAGE))

    def _share_selection(self, table: QTableView, model: EvidenceModel) -> None:
        """Selected verbatims become the shared evidence selection (a new pain uses it)."""
        proxy = table.model()
        assert isinstance(proxy, QSortFilterProxyModel)  # set by _table
        rows = [proxy.mapToSource(i).row() for i in table.selectionModel().selectedRows()]
        self.ctx.set_selection(evidence=sorted(model.items[r].id for r in rows))

    # --- search -------------------------------------------------------------------------------

    def _build_search_tab(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        self.query = QLineEdit()
        self.query.setPlaceholderText("Search all evidence (words, e.g. invoice wrong)…")
        self.query.returnPressed.connect(self.search)
        self.link_button = QPushButton("Link all results to the selected step")
        self.link_button.clicked.connect(self.link_results)
        row.addWidget(self.query)
        row.addWidget(self.link_button)
        self.search_note = QLabel()
        self.search_model = EvidenceModel()
        self._found_ids: list[int] = []
        self.search_table, _ = _table(self.search_model)
        self.search_table.selectionModel().selectionChanged.connect(
            lambda *_: self._share_selection(self.search_table, self.search_model)
        )
        layout.addLayout(row)
        layout.addWidget(self.search_note)
        layout.addWidget(self.search_table)
        self.tabs.addTab(page, "Search")

    def search(self) -> list[Evidence]:
        query = self.query.text()
        found = self.project.evidence.search(query, limit=SEARCH_SHOWN)
        self._found_ids = self.project.evidence.search_ids(query)
        self.search_model.set_items(found)
        total = len(self._found_ids)
        self.search_note.setText(
            f"{counted(total, 'item', grouped=True)} found"
            + (f"; the newest {SEARCH_SHOWN:,} are listed" if total > SEARCH_SHOWN else "")
        )
        return found

    def link_results(self) -> None:
        steps = self.ctx.selected_step_ids()
        if len(steps) != 1:
            QMessageBox.information(
                self, "Link evidence", "Select exactly one step on the map first."
            )
            return
        ids = list(self._found_ids)  # every item found, not only those listed
        if ids:
            self.ctx.edit(lambda: LinkEvidence(self.project, ids, steps[0]), origin=self)

    # --- keyword rules -----------------------------------------------------------------------

    def _build_rules_tab(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(
            QLabel(
                "Link evidence by words: each rule links every item whose text "
                "holds all its words to its step."
            )
        )
        self.rules = QTableWidget(0, 2)
        self.rules.setHorizontalHeaderLabels(["Words", "Step"])
        self.rules.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.rules.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        row = QHBoxLayout()
        for text, slot in (
            ("Add rule", self.add_rule),
            ("Remove rule", self.remove_rule),
            ("Apply rules", self.apply_rules),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        self.rules_note = QLabel()
        self.rules_note.setWordWrap(True)
        self._rules_soon = QTimer(self)
        self._rules_soon.setSingleShot(True)
        self._rules_soon.setInterval(0)
        self._rules_soon.timeout.connect(self.refresh_rule_steps)
        layout.addWidget(self.rules)
        layout.addLayout(row)
        layout.addWidget(self.rules_note)
        self.tabs.addTab(page, "Keyword rules")

    def add_rule(self, words: str = "", step_id: int | None = None) -> None:
        n = self.rules.rowCount()
        self.rules.insertRow(n)
        self.rules.setItem(n, 0, QTableWidgetItem(words))
        combo = QComboBox()
        self._fill_rule_steps(combo, step_id, "")
        self.rules.setCellWidget(n, 1, combo)

    def _rule_combos(self) -> list[QComboBox]:
        combos = (self.rules.cellWidget(n, 1) for n in range(self.rules.rowCount()))
        return [c for c in combos if isinstance(c, QComboBox)]

    def refresh_rule_steps(self) -> None:
        """The map changed: each rule lists the steps as they are now, keeping its choice."""
        for combo in self._rule_combos():
            step_id = combo.currentData()
            self._fill_rule_steps(combo, step_id, combo.currentText().removesuffix(DELETED))

    def _fill_rule_steps(self, combo: QComboBox, step_id: int | None, title: str) -> None:
        """A rule's step choices, by title. A rule whose step was deleted keeps it, marked
        (Apply skips it), so undoing the deletion brings the rule back as it was."""
        combo.clear()
        for s in sorted(self.project.steps(), key=lambda s: s.title.casefold()):
            combo.addItem(s.title, s.id)
        if step_id is None:
            return
        index = combo.findData(step_id)
        if index < 0:
            combo.insertItem(0, f"{title or 'A step'}{DELETED}", step_id)
            index = 0
        combo.setCurrentIndex(index)

    def remove_rule(self) -> None:
        if self.rules.currentRow() >= 0:
            self.rules.removeRow(self.rules.currentRow())

    def apply_rules(self) -> int:
        """Apply every rule as one undoable edit; returns the number of new links.

        A rule whose step was deleted is skipped (its row says so). Anything refused takes
        the whole apply back and is reported by the edit path; nothing raises from here."""
        project, rules, skipped = self.project, [], 0
        for n in range(self.rules.rowCount()):
            item, combo = self.rules.item(n, 0), self.rules.cellWidget(n, 1)
            words = item.text().strip() if item else ""
            if not words or not isinstance(combo, QComboBox) or combo.currentData() is None:
                continue
            step_id = int(combo.currentData())
            if project.has_step(step_id):
                rules.append((words, step_id))
            else:
                skipped += 1
        total = 0
        title = f"Apply {counted(len(rules), 'keyword rule')}"
        with self.ctx.compound(title, origin=self) as apply:
            for words, step_id in rules:
                # Built here, not in edit(): a rule with nothing new to link adds no step.
                # A ModelError or sqlite error here is the compound's refusal too.
                command = LinkEvidence(project, project.evidence.search_ids(words), step_id)
                if command.new:

                    def built(c: LinkEvidence = command) -> LinkEvidence:
                        return c

                    self.ctx.edit(built)
                    total += len(command.new)
        if apply.refused is not None:
            self.rules_note.setText("No links made: the rules were not applied.")
            return 0
        note = f"{counted(total, 'new link', grouped=True)} made."
        if skipped:
            whose = "its" if skipped == 1 else "their"
            note += f" {counted(skipped, 'rule')} skipped: {whose} step was deleted."
        self.rules_note.setText(note)
        return total

    # --- bright spots and imports -------------------------------------------------------------

    def _build_bright_tab(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(
            QLabel(
                "Steps customers praise most, and praise that names a person: "
                "candidates for cultural action."
            )
        )
        self.bright = QListWidget()
        self.bright.setWordWrap(True)
        self.bright.itemActivated.connect(
            lambda item: self.ctx.set_selection(steps=[item.data(Qt.ItemDataRole.UserRole)])
        )
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh_bright)
        celebrate = QPushButton("Recognise it: add a cultural action")
        celebrate.clicked.connect(self.celebrate)
        row = QHBoxLayout()
        row.addWidget(refresh)
        row.addWidget(celebrate)
        layout.addWidget(self.bright)
        layout.addLayout(row)
        self.tabs.addTab(page, "Bright spots")
        self.tabs.currentChanged.connect(self._on_tab_changed)

    def _on_tab_changed(self, index: int) -> None:
        if index == 2:
            self.refresh_bright()

    def refresh_bright(self) -> None:
        self.bright.clear()
        for spot in bright_spots(self.project):
            lines = [f"{spot.title} — {spot.positive_share:.0%} positive of {spot.scored}"]
            lines += [f"   “{t}” ({named_praise(t)})" for t in spot.praise]
            item = QListWidgetItem("\n".join(lines))
            item.setData(Qt.ItemDataRole.UserRole, spot.step_id)
            self.bright.addItem(item)

    def celebrate(self) -> int | None:
        """Turn the selected bright spot into a recognition (cultural) action."""
        item = self.bright.currentItem()
        if item is None:
            return None
        step_id = int(item.data(Qt.ItemDataRole.UserRole))

        def build() -> AddAction:
            # Read in the guard: the list is not refreshed when its step is deleted.
            step = self.project.step(step_id)
            spot = next((s for s in bright_spots(self.project) if s.step_id == step.id), None)
            people = sorted({n for t in (spot.praise if spot else []) if (n := named_praise(t))})
            who = f" and {', '.join(people)}" if people else ""
            return AddAction(
                self.project,
                f"Celebrate “{step.title}”{who}: share what customers praise",
                kind=ActionKind.CULTURAL,
                owner_group_id=step.work_group_id,
                involved_group_ids=(step.work_group_id,),
            )

        command = self.ctx.edit(build, origin=self)
        return None if command is None else command.action_id

    def _build_imports_tab(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.batches = QListWidget()
        remove = QPushButton("Remove the selected import…")
        remove.clicked.connect(self.remove_batch)
        layout.addWidget(self.batches)
        layout.addWidget(remove)
        self.tabs.addTab(page, "Imports")

    def refresh_imports(self) -> None:
        self.batches.clear()
        for b in self.project.evidence.batches():
            # The stamp is the local time of the import, stored to the second: the list
            # shows it as the re-import warnings name it ("2026-11-26 at 05:19").
            items = counted(b.rows, "item", grouped=True)
            item = QListWidgetItem(f"{b.file_name} — {items}, {b.format}, imported {when(b)}")
            item.setToolTip(f"Imported {when(b)}, as {b.format}, from “{b.file_name}”")
            item.setData(Qt.ItemDataRole.UserRole, b.id)
            self.batches.addItem(item)

    def remove_batch(self) -> str | None:
        """Remove the selected import (one undoable edit); returns the refusal, if any."""
        item = self.batches.currentItem()
        if item is None:
            return None
        answer = QMessageBox.question(
            self,
            "Remove import",
            f"Remove “{item.text()}” and every evidence item it brought in, also from the "
            "pains that cite it? (Edit → Undo brings them back.)",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        batch_id = int(item.data(Qt.ItemDataRole.UserRole))
        if self.ctx.edit(lambda: RemoveImportBatch(self.project, batch_id), origin=self) is None:
            return self.ctx.last_refusal  # reported by the edit path
        return None
