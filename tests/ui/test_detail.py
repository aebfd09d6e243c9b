"""Properties of the overview's arithmetic: titles fitted to cards, shots framed on screens."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QRectF, QSizeF
from PySide6.QtGui import QFontMetricsF

from cxmapper.ui.canvas.detail import block_height, fitted_text, pixel_font
from cxmapper.ui.canvas.legend import strip_height
from cxmapper.ui.canvas.viewport import MAX_STRETCH, frame

WORD = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-", min_size=1, max_size=14
)


@settings(max_examples=150, deadline=None)
@given(
    words=st.lists(WORD, min_size=1, max_size=8),
    width=st.floats(60, 400),
    height=st.floats(30, 200),
    largest=st.integers(6, 80),
)
def test_a_fitted_title_keeps_every_word_or_says_it_did_not(
    qapp, words: list[str], width: float, height: float, largest: int
) -> None:
    title = " ".join(words)
    px, lines = fitted_text(title, width, height, largest, 0, False)
    metrics = QFontMetricsF(pixel_font(px, bold=False))
    assert 1 <= px <= largest
    if " ".join(lines) == title:  # whole: within the box, line by line
        assert all(metrics.horizontalAdvance(line) <= width + 0.5 for line in lines)
        assert block_height(metrics, len(lines)) <= height + 0.5
    else:  # cut: at the smallest size, and the cut is shown
        assert px == max(1, min(largest, int(height / 1.1) + 1)) // 2 or px == 1
        assert lines and any(line.endswith("…") for line in lines)


@settings(max_examples=200, deadline=None)
@given(
    left=st.floats(-500, 5000),
    top=st.floats(-500, 5000),
    w=st.floats(50, 20000),
    h=st.floats(50, 20000),
    screen_w=st.integers(320, 3840),
    screen_h=st.integers(240, 2160),
    legend=st.booleans(),
    most_stretch=st.sampled_from([1.0, MAX_STRETCH]),
)
def test_a_framed_shot_is_whole_on_screen_and_as_large_as_fits(
    left: float,
    top: float,
    w: float,
    h: float,
    screen_w: int,
    screen_h: int,
    legend: bool,
    most_stretch: float,
) -> None:
    source = QRectF(left, top, w, h)
    size = QSizeF(screen_w, screen_h)
    placed = frame(source, size, legend, most_stretch)
    assert 1.0 <= placed.stretch <= most_stretch  # never squashed, never beyond the most
    room_h = screen_h - (strip_height(screen_w) if legend else 0)  # as many rows as it needs
    x0, y0 = source.left() * placed.scale + placed.dx, source.top() * placed.vertical + placed.dy
    x1, y1 = x0 + w * placed.scale, y0 + h * placed.vertical
    if 0.05 < placed.scale < 4.0:  # not held at a zoom limit
        assert x0 >= -1 and y0 >= -1 and x1 <= screen_w + 1 and y1 <= room_h + 1
        assert abs((x1 - x0) - screen_w) <= 1 or abs((y1 - y0) - room_h) <= 1
        if placed.stretch > 1.0:  # stretched: as wide as the screen, and as high or at most
            assert abs((x1 - x0) - screen_w) <= 1
            assert abs((y1 - y0) - room_h) <= 1 or placed.stretch == most_stretch
    visible = placed.visible(size)
    assert visible.contains(source.center())
