"""The benchmark command runs end to end (on a small project; figures are not checked)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_prints_every_figure() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--steps", "64", "--rows", "300"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for figure in (
        "open large project, first time",
        "open large project again",
        "full render",
        "one edit",
        "journey analysis",
        "rank certainty",
        "import 300-row CSV",
        "import 300-row XLSX",
        "export plan",
        "open: peak memory",
        "bench process: peak memory",
    ):
        assert figure in result.stdout
