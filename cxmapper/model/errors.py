"""The error a project file that cannot be used raises (re-exported by :mod:`safety`)."""

from __future__ import annotations


class ProjectFileError(Exception):
    """A project file cannot be used; ``str(error)`` is one sentence for the user."""
