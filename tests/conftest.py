"""Shared fixtures: projects in temporary files, and helpers to compare whole projects."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cxmapper.model.project import Project

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# What CX Mapper remembers between runs (verified projects, the log) goes to a folder of the
# test run's own, never the user's.
os.environ["CXMAPPER_DATA_DIR"] = tempfile.mkdtemp(prefix="cxmapper-data-")
# Qt's settings of any CX Mapper the tests start in another process (the window's size,
# recent files) go there too.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="cxmapper-config-")


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "journey.cxmap"


@pytest.fixture
def project(project_path: Path) -> Iterator[Project]:
    p = Project.create(project_path)
    yield p
    p.close()


@pytest.fixture
def small_journey(project: Project) -> Project:
    """Three lanes, four steps, a hand-off and a loop back between two groups."""
    customer = project.add_work_group("Customer")
    billing = project.add_work_group("Billing")
    support = project.add_work_group("Support")
    a = project.add_step(customer.id, "Receives invoice", x=40)
    b = project.add_step(support.id, "Ticket triage", x=280)
    c = project.add_step(billing.id, "Invoice correction", x=520)
    d = project.add_step(customer.id, "Pays", x=760)
    project.add_flow(a.id, b.id)
    project.add_flow(b.id, c.id)
    project.add_flow(c.id, a.id, "reissued")
    project.add_flow(a.id, d.id)
    return project


def snapshot(project: Project) -> dict[str, Any]:
    """Everything a project holds, in a form two projects can be compared by."""
    return {
        "settings": project.settings,
        "work_groups": project.work_groups(),
        "stages": project.stages(),
        "steps": sorted(project.steps(), key=lambda s: s.id),
        "flows": sorted(project.flows(), key=lambda f: f.id),
        "pains": sorted(project.pains(), key=lambda p: p.id),
        "actions": sorted(project.actions(), key=lambda a: a.id),
        "evidence": project.evidence.count(),
        "evidence_links": sorted(
            project.db.conn.execute("SELECT evidence_id, step_id FROM evidence_step").fetchall()
        ),
    }


@pytest.fixture(autouse=True, scope="session")
def _clear_clipboard_at_exit():
    """Qt crashes at exit if the clipboard still owns data from a destroyed application."""
    yield
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        app.clipboard().clear()
        # pytest-qt closes each test's windows and deletes them later; do it now, while Qt
        # runs. Then the interpreter's final collection finds wrappers of deleted objects
        # only: every Qt object is deleted by Qt (tests/ui/test_lifetimes.py), never by it.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
