"""What the import tests share: a small journey to import into."""

from __future__ import annotations

import pytest

from cxmapper.model.project import Project


@pytest.fixture
def journey(project: Project) -> Project:
    customer = project.add_work_group("Customer")
    billing = project.add_work_group("Billing")
    project.add_step(customer.id, "Receives invoice")
    project.add_step(billing.id, "Invoice correction")
    project.add_step(customer.id, "Kick-off meeting")
    return project
