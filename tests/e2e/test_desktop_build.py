"""The PyInstaller one-folder build: it builds, checks the demo and opens the window."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(os.name != "posix", reason="the build script is a shell script")
def test_build_script_builds_a_working_app(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(ROOT / "scripts" / "build-desktop"), str(tmp_path / "dist")],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "sound CX Mapper project" in result.stdout
    assert "Opened demo.cxmap: 32 steps and 47 flows on the map, 7 panels." in result.stdout
    assert (tmp_path / "dist" / "cxmapper" / "cxmapper").exists()
