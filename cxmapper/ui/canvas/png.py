"""A PNG written band by band: a picture of a large map never held whole in memory.

The whole map at a readable scale is tall (a 2,000-step map is 16,000 pixels): drawn whole it
took more memory than anything else CX Mapper does. Here each band of rows is drawn into one
reusable image and its rows go straight into the file's compressed stream.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from typing import BinaryIO

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage, QPainter

BAND_ROWS = 2048  # about 15 MB for a map 1,800 pixels wide


def write_png(
    out: BinaryIO,
    width: int,
    height: int,
    paint: Callable[[QPainter, QRect], None],
    band_rows: int = BAND_ROWS,
) -> None:
    """Write a ``width`` × ``height`` RGB PNG to ``out``. ``paint`` draws the picture with a
    painter whose origin is the picture's top-left corner, for the band of rows given (what
    lies outside it is cut off)."""
    out.write(b"\x89PNG\r\n\x1a\n")
    _chunk(out, b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    squeeze = zlib.compressobj(6)
    band = QImage(width, min(band_rows, height), QImage.Format.Format_RGB32)
    for top in range(0, height, band_rows):
        rows = min(band_rows, height - top)
        band.fill(QColor("#ffffff"))
        painter = QPainter(band)
        try:
            painter.translate(0, -top)
            paint(painter, QRect(0, top, width, rows))
        finally:
            painter.end()
        rgb = band.convertToFormat(QImage.Format.Format_RGB888)
        stride, data = rgb.bytesPerLine(), bytes(rgb.constBits())  # type: ignore[call-overload]
        # Each row: filter type 0 (none), then its pixels (the stride may pad the row).
        lines = b"".join(b"\x00" + data[r * stride : r * stride + width * 3] for r in range(rows))
        compressed = squeeze.compress(lines)
        if compressed:
            _chunk(out, b"IDAT", compressed)
    _chunk(out, b"IDAT", squeeze.flush())
    _chunk(out, b"IEND", b"")


def _chunk(out: BinaryIO, kind: bytes, data: bytes) -> None:
    out.write(struct.pack(">I", len(data)))
    out.write(kind)
    out.write(data)
    out.write(struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
