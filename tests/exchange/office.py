"""LibreOffice, headless, as the real client that opens the workbooks leadership receives."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is not installed"
)


def convert(workbook: Path, to: str, outdir: Path) -> subprocess.CompletedProcess[str]:
    """``soffice --convert-to TO`` into ``outdir``, with a private profile in ``outdir``."""
    return subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{outdir}/profile",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(outdir),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
