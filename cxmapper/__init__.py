"""CX Mapper: map customer journeys across work groups, score pains, plan macro actions."""

from pathlib import Path

__version__ = "0.1.0"

# resources/ sits beside the package in a checkout and inside the bundle in a desktop build.
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
if not RESOURCES.exists():  # pragma: no cover - PyInstaller one-folder build
    RESOURCES = Path(__file__).resolve().parent / "resources"
