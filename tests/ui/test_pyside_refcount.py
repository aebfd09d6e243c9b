"""Guard against the PySide6 build that leaks references to None on void calls.

PySide6 6.12.0 on Python 3.11 drops one reference to None per Qt call returning nothing and
aborts the interpreter after a few thousand calls. The calls run in a child process so that
an abort fails this test instead of killing the test run.
"""

from __future__ import annotations

import subprocess
import sys

CHILD = """
import os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QPointF
from PySide6.QtGui import QBrush, QColor, QPainterPath
from PySide6.QtWidgets import QApplication, QGraphicsRectItem, QWidget

app = QApplication([])
item = QGraphicsRectItem(0, 0, 10, 10)
widget = QWidget()
path = QPainterPath()
brush = QBrush(QColor("red"))
before = sys.getrefcount(None)
for i in range(5000):
    item.setPos(i, i)
    item.setBrush(brush)
    widget.setWindowTitle("x")
    path.lineTo(QPointF(i, i))
after = sys.getrefcount(None)
print(before, after)
"""


def test_void_qt_calls_do_not_leak_none() -> None:
    result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True)
    assert result.returncode == 0, f"interpreter died: {result.stderr[-500:]}"
    before, after = map(int, result.stdout.split())
    print(f"refcount(None): before {before}, after 20,000 void calls {after}")
    assert after >= before - 100  # a leak would drop it by about 20,000
