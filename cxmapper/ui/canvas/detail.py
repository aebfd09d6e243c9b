"""Level of detail: what the map draws when its full detail would be too small to read.

Below 100 % (and while presenting, below the size a room reads from its seats) a card shows
its title alone, drawn at a readable size and wrapped to fit the card, its badges become dots,
and lane and stage names grow with it; flow labels too small to read are left out. Everything
else that would compete with the titles is left out, so an overview of the whole journey reads
on one screen instead of shrinking into a strip.

A journey is much wider than high, a screen is not: presentation's overview may stretch the map
vertically to use the screen's height (its **stretch**, the vertical scale over the horizontal
one). Lines and fills stretch with it; text and anything that must keep its shape are drawn
:func:`upright`, in a box as many times taller as the map is stretched, so a card's title gets
the stretched card's height at an undistorted size.
"""

from __future__ import annotations

import math
from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter

READABLE_PX = 16.0  # the title height the editor keeps below 100 %
PRESENTING_PX = 24.0  # on the projector: read from the back of the room
LEAST_PX = 9.0  # text drawn smaller than this on screen is left out
TIGHT = 0.9  # of the font's line height, between the lines of a title
TITLE_PT = 11.5  # the card title's size at 100 %
TITLE_PX = TITLE_PT * 96 / 72


def scale_of(painter: QPainter) -> float:
    """How many device pixels one scene unit takes under ``painter`` (the map is never
    rotated or sheared, so the horizontal factor says it)."""
    transform = painter.worldTransform()
    return max(abs(transform.m11()), abs(transform.m12()), 1e-6)


def stretch_of(painter: QPainter) -> float:
    """How many times taller than wide ``painter`` draws a scene unit (1 on an ordinary view,
    more on presentation's stretched overview)."""
    transform = painter.worldTransform()
    return max(abs(transform.m22()), abs(transform.m21()), 1e-6) / scale_of(painter)


def stretched(stretch: float) -> bool:
    """Whether a stretch is more than rounding: text drawn under it would look squashed."""
    return stretch > 1.001


def upright(painter: QPainter, rect: QRectF) -> QRectF:
    """Undo ``painter``'s stretch (the caller saves and restores its state) and return
    ``rect`` in the coordinates that leaves: as wide, as many times taller as the stretch."""
    stretch = stretch_of(painter)
    if not stretched(stretch):
        return QRectF(rect)
    painter.scale(1.0, 1.0 / stretch)
    return QRectF(rect.x(), rect.y() * stretch, rect.width(), rect.height() * stretch)


def simplified(scale: float, target_px: float, natural_px: float) -> bool:
    """Whether text ``natural_px`` high at 100 % needs the simpler, larger drawing at
    ``scale``: below 100 %, and while presenting (a target above the editor's) wherever it
    would read smaller than ``target_px``."""
    if scale < 0.999:
        return True
    return target_px > READABLE_PX and natural_px * scale < target_px - 0.01


def units(px: float, scale: float) -> int:
    """``px`` device pixels in whole scene units at ``scale``, rounded up (never below)."""
    return max(math.ceil(px / scale - 0.01), 1)


def pixel_font(px: int, bold: bool = True) -> QFont:
    """A font ``px`` scene units high; condensed where the system has such a face (more of a
    title fits a card's line), else the ordinary one (the wrapping measures whichever)."""
    f = QFont()
    f.setPixelSize(max(px, 1))
    f.setBold(bold)
    f.setStretch(QFont.Stretch.Condensed)
    return f


def line_step(metrics: QFontMetricsF) -> float:
    """From one line of a title to the next: a little tighter than the font's own spacing,
    so three lines fit a small card at a size that still reads (no line touches the next)."""
    return metrics.height() * TIGHT


def block_height(metrics: QFontMetricsF, lines: int) -> float:
    return metrics.height() + max(lines - 1, 0) * line_step(metrics)


@lru_cache(maxsize=16384)
def fitted_text(
    text: str, width: float, height: float, largest: int, smallest: int = 0, bold: bool = True
) -> tuple[int, tuple[str, ...]]:
    """The largest pixel size from ``largest`` down to ``smallest`` (scene units; half the
    largest unless told) at which ``text`` wraps into ``width`` × ``height`` without cutting a
    word, and its lines. When even the smallest cannot hold it, the last line that fits ends
    in an ellipsis."""
    # No line is taller than the box: a size the box cannot hold is never tried.
    largest = max(1, min(largest, int(height / 1.1) + 1))
    smallest = max(1, min(smallest or largest // 2, largest))
    words = text.split()
    for px in range(max(largest, 1), smallest - 1, -1):
        metrics = QFontMetricsF(pixel_font(px, bold))
        lines = _wrap_words(words, metrics, width)
        if lines is not None and block_height(metrics, len(lines)) <= height + 0.5:
            return px, tuple(lines)
    metrics = QFontMetricsF(pixel_font(smallest, bold))
    room = max(1, int((height + 0.5 - metrics.height()) // line_step(metrics)) + 1)
    lines = wrap_loose(words, metrics, width)
    if len(lines) > room:
        lines = lines[:room]
        lines[-1] += " …"
    elided = [metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines]
    return smallest, tuple(elided)


@lru_cache(maxsize=4096)
def one_line(text: str, width: float, height: float, largest: int, smallest: int = 0) -> int:
    """The largest pixel size from ``largest`` down to ``smallest`` (half the largest unless
    told) at which ``text`` (bold) takes one line of ``width`` × ``height``; the smallest when
    none does (the caller elides it)."""
    largest = max(1, min(largest, int(height / 1.1) + 1))
    smallest = max(1, min(smallest or largest // 2, largest))
    for px in range(largest, smallest - 1, -1):
        metrics = QFontMetricsF(pixel_font(px))
        if metrics.horizontalAdvance(text) <= width and metrics.height() <= height + 0.5:
            return px
    return smallest


def _wrap_words(words: list[str], metrics: QFontMetricsF, width: float) -> list[str] | None:
    """Greedy wrap; None when a single word is wider than ``width``."""
    if any(metrics.horizontalAdvance(word) > width for word in words):
        return None
    return wrap_loose(words, metrics, width)


def wrap_loose(words: list[str], metrics: QFontMetricsF, width: float) -> list[str]:
    """Greedy wrap that lets a word too wide for a line have a line of its own."""
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if metrics.horizontalAdvance(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines
