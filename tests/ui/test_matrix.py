"""The priority matrix: where bubbles go, how big they are, and what a click selects."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from cxmapper.model import entities as e
from cxmapper.model.project import Project
from cxmapper.ui.document.context import DocumentContext
from cxmapper.ui.panels.matrix import Axis, PriorityMatrix


@pytest.fixture
def ctx(small_journey: Project) -> Iterator[DocumentContext]:
    small_journey.update_settings(customer_base=10_000, currency="EUR")
    context = DocumentContext(small_journey)
    yield context
    context.close()


@pytest.fixture
def matrix(qtbot, ctx: DocumentContext) -> Iterator[PriorityMatrix]:
    widget = PriorityMatrix(ctx)
    qtbot.addWidget(widget)
    widget.resize(640, 440)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.detach()


def pain(ctx: DocumentContext, title: str, count: float, rework: float, **values) -> int:
    return ctx.project.add_pain(
        title,
        reach_source=e.ReachSource.ESTIMATE,
        reach_estimate_count=count,
        rework_cost=rework,
        **values,
    ).id


def score_of(matrix: PriorityMatrix, pain_id: int):
    return next(s for s in matrix.scores if s.pain_id == pain_id)


def click(qtbot, matrix: PriorityMatrix, point: QPointF) -> None:
    qtbot.mouseClick(
        matrix, Qt.MouseButton.LeftButton, pos=QPoint(round(point.x()), round(point.y()))
    )


def test_clicking_a_bubble_selects_its_pain_and_steps(
    qtbot, ctx: DocumentContext, matrix: PriorityMatrix
) -> None:
    steps = {s.title: s.id for s in ctx.project.steps()}
    on = (steps["Receives invoice"], steps["Invoice correction"])
    small = pain(ctx, "Slow triage", 50, 20, step_ids=(steps["Ticket triage"],))
    big = pain(ctx, "Wrong invoice", 2_000, 300, step_ids=on)
    focused: list[tuple[str, int]] = []
    ctx.focusRequested.connect(lambda kind, i: focused.append((kind, i)))

    click(qtbot, matrix, matrix.bubble_centre(score_of(matrix, big)))
    assert ctx.selected_pain_ids() == (big,) and ctx.selected_step_ids() == on
    assert focused == [("pain", big)]

    click(qtbot, matrix, matrix.bubble_centre(score_of(matrix, small)))
    assert ctx.selected_pain_ids() == (small,)
    assert ctx.selected_step_ids() == (steps["Ticket triage"],)

    click(qtbot, matrix, QPointF(matrix.width() - 30, 30))  # empty corner: nothing changes
    assert ctx.selected_pain_ids() == (small,)


def test_bubbles_sit_at_reach_and_cost_with_area_proportional_to_impact(
    ctx: DocumentContext, matrix: PriorityMatrix
) -> None:
    a = pain(ctx, "A", 100, 10)  # impact 1,000
    b = pain(ctx, "B", 400, 10)  # impact 4,000
    c = pain(ctx, "C", 400, 40)  # impact 16,000
    sa, sb, sc = (score_of(matrix, i) for i in (a, b, c))
    assert not matrix.x_axis.log and not matrix.y_axis.log  # a narrow spread: linear
    pa, pb, pc = (matrix.bubble_centre(s) for s in (sa, sb, sc))
    assert pb.x() == pytest.approx(pc.x()) and pb.x() > pa.x()  # more reach: further right
    assert pa.y() == pytest.approx(pb.y()) and pc.y() < pb.y()  # more cost: higher
    # linear from 0: 400 is four times as far from the axis as 100
    left = matrix._plot().left()
    assert (pb.x() - left) == pytest.approx(4 * (pa.x() - left))
    ra, rb, rc = (matrix.bubble_radius(s) for s in (sa, sb, sc))
    assert rc == 40.0 and (rb / rc) ** 2 == pytest.approx(4_000 / 16_000)
    assert (ra / rc) ** 2 == pytest.approx(1_000 / 16_000)


def test_wide_spreads_use_log_scales(ctx: DocumentContext, matrix: PriorityMatrix) -> None:
    ctx.project.update_settings(customer_base=100_000)  # an estimate never exceeds the base
    a = pain(ctx, "Rare and cheap", 10, 5)
    b = pain(ctx, "Common", 1_000, 50)
    c = pain(ctx, "Everyone, costly", 100_000, 5_000)
    assert matrix.x_axis.log and matrix.y_axis.log
    xs = [matrix.bubble_centre(score_of(matrix, i)).x() for i in (a, b, c)]
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1])  # equal factors, equal steps
    plot = matrix._plot()
    for i in (a, b, c):
        assert plot.contains(matrix.bubble_centre(score_of(matrix, i)))


def test_edits_move_bubbles_and_pains_without_reach_are_counted(
    ctx: DocumentContext, matrix: PriorityMatrix
) -> None:
    a = pain(ctx, "A", 100, 10)
    pain(ctx, "B", 200, 10)
    ctx.project.add_pain("Not yet measured")  # evidence reach, no evidence: reach 0
    assert [s.title for s in matrix.scores] == ["B", "A"] and matrix.unplotted == 1
    before = matrix.bubble_centre(score_of(matrix, a))
    ctx.project.update_pain(a, rework_cost=15.0)
    after = matrix.bubble_centre(score_of(matrix, a))
    assert after.y() < before.y() and after.x() == pytest.approx(before.x())


def test_painted_bubbles_take_the_kind_colour(ctx: DocumentContext, matrix: PriorityMatrix) -> None:
    universal = pain(ctx, "Wide", 5_000, 50)  # half the customer base
    local = pain(ctx, "Narrow", 100, 50)  # 1 %, one step, no groups
    image = matrix.grab().toImage()
    ratio = matrix.devicePixelRatioF()
    for pain_id, expect_red in ((universal, True), (local, False)):
        centre = matrix.bubble_centre(score_of(matrix, pain_id))
        colour = image.pixelColor(round(centre.x() * ratio), round(centre.y() * ratio))
        assert (colour.red() > colour.blue()) is expect_red, colour.name()


def test_axis_ticks_are_round_and_inside_the_range() -> None:
    linear = Axis.fit([120.0, 260.0, 410.0])
    assert not linear.log and linear.low == 0 and linear.high >= 410
    assert linear.ticks()[:3] == [0, 100, 200]
    wide = Axis.fit([3.0, 40.0, 90_000.0])
    assert wide.log
    ticks = wide.ticks()
    assert ticks and all(wide.low <= t <= wide.high for t in ticks)
    assert all(math.log10(t).is_integer() for t in ticks)  # many decades: powers of ten
    few = Axis.fit([20.0, 900.0])
    assert {50.0, 100.0, 200.0} <= set(few.ticks())  # 1-2-5 within fewer decades


def test_whiskers_span_the_reach_interval_and_the_band_range(
    ctx: DocumentContext, matrix: PriorityMatrix
) -> None:
    steps = [s.id for s in ctx.project.steps()]
    ctx.project.evidence.import_batch(
        "survey.csv",
        [{"customer_id": f"c{i}", "text": "slow"} for i in range(40)],
        sample_size=200,
    )
    ids = [i for (i,) in ctx.project.db.conn.execute("SELECT id FROM evidence")]
    measured = ctx.project.add_pain(
        "Measured", step_ids=(steps[0],), evidence_ids=tuple(ids), rework_cost=30.0
    ).id
    banded = pain(ctx, "Banded", 900, 0, cost_mode=e.CostMode.BAND, cost_band=3)
    m, b = score_of(matrix, measured), score_of(matrix, banded)
    reach, cost = matrix.whiskers(m)
    plot = matrix._plot()

    def x_of(value: float) -> float:
        return plot.left() + matrix.x_axis.fraction(value) * plot.width()

    def y_of(value: float) -> float:
        return plot.bottom() - matrix.y_axis.fraction(value) * plot.height()

    # 40 of 200 sampled: Wilson's interval of the reach, at the pain's cost; a cost from
    # components has no range.
    assert (reach.x1(), reach.x2()) == pytest.approx((x_of(m.reach_low), x_of(m.reach_high)))
    assert reach.y1() == reach.y2() == pytest.approx(matrix.bubble_centre(m).y())
    assert reach.x1() < matrix.bubble_centre(m).x() < reach.x2()
    assert cost.length() == pytest.approx(0.0)
    # Band 3 (200) is drawn from 100 to about 447: a vertical whisker at the pain's reach.
    reach_b, cost_b = matrix.whiskers(b)
    assert reach_b.length() == pytest.approx(0.0)
    assert (cost_b.y1(), cost_b.y2()) == pytest.approx((y_of(100.0), y_of(200_000**0.5)))
    # Everything drawn lies in the plot, and the whisker is painted beyond the bubble.
    for line in (reach, cost_b):
        assert plot.contains(line.p1()) and plot.contains(line.p2())
    image = matrix.grab().toImage()
    ratio = matrix.devicePixelRatioF()
    left_of_bubble = matrix.bubble_centre(m).x() - matrix.bubble_radius(m)
    assert reach.x1() < left_of_bubble - 8  # the interval reaches out of the bubble
    x = (reach.x1() + left_of_bubble) / 2
    darkest = min(
        image.pixelColor(round(x * ratio), round((reach.y1() + dy) * ratio)).lightness()
        for dy in (-1, 0, 1)
    )
    assert darkest < 180


def test_a_label_goes_where_it_hides_no_other_bubble() -> None:
    """Of the places around a bubble, a label takes the first that covers no other bubble
    (whose rank it would hide); only when every place covers one does it take one anyway."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QFont, QFontMetricsF

    metrics = QFontMetricsF(QFont())
    plot = QRectF(0, 0, 400, 300)
    centre, r = QPointF(200, 150), 10.0
    right_of_it = [QRectF(215, 140, 30, 20)]  # a bubble where the label would go first
    box = PriorityMatrix._label_box("1. Late invoices", metrics, centre, r, plot, [], right_of_it)
    assert box is not None and not box.intersects(right_of_it[0])
    assert box.right() <= centre.x()  # the next place: left of the bubble
    everywhere = [QRectF(0, 0, 400, 300)]  # every place covers as much: the first is taken
    box = PriorityMatrix._label_box("1. Late invoices", metrics, centre, r, plot, [], everywhere)
    assert box is not None and box.left() > centre.x()
    # Every place covers a bubble: the one covering least of them (left, a sliver).
    above, below = QRectF(0, 0, 400, 138), QRectF(0, 162, 400, 138)
    right, sliver = QRectF(212, 140, 200, 20), QRectF(150, 148, 10, 4)
    around = [above, below, right, sliver]
    box = PriorityMatrix._label_box("1. Late invoices", metrics, centre, r, plot, [], around)
    assert box is not None and box.right() <= centre.x() - r
    assert box.intersects(sliver) and not any(box.intersects(b) for b in (above, below, right))
