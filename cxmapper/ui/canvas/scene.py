"""The journey scene: a projection of the project that updates only what a change touches.

Items are kept in maps both ways (step id → card, flow id → arrow; items carry their ids).
Lanes, stage columns and their headers are painted in the background from the layout, so a
2,000-step map needs no items beyond its cards and arrows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsScene

from cxmapper.model import entities as e
from cxmapper.model.events import Change
from cxmapper.model.journey import loop_flow_ids
from cxmapper.model.project import Project
from cxmapper.model.strength import step_strength
from cxmapper.ui.canvas import headers
from cxmapper.ui.canvas.detail import (
    PRESENTING_PX,
    READABLE_PX,
)
from cxmapper.ui.canvas.headers import (
    HEADER_FONT,
    LANE_FILLS,
)
from cxmapper.ui.canvas.items import LABEL_H, FlowArrow, StepCard, label_widths
from cxmapper.ui.canvas.labels import place_labels
from cxmapper.ui.canvas.layout import (
    CARD_H,
    CARD_W,
    LANE_HEADER_W,
    STAGE_HEADER_H,
    MapLayout,
)
from cxmapper.ui.canvas.routing import FlowSpec, Point, Rect, Router
from cxmapper.ui.document.context import DocumentContext

PLACE_FIELDS = {"x", "y", "work_group_id", "stage_id"}  # step fields that move its card


@dataclass
class _Pending:
    """What the changes of one edit call for, done once the edit has settled."""

    layout: bool = False  # lanes, columns and card places
    loops: bool = False  # which flows go back
    steps: set[int] = field(default_factory=set)  # whose arrows to route again
    flows: set[int] = field(default_factory=set)  # arrows to route again
    badges: bool = False  # evidence and pain counts, and the heat
    heat: bool = False


class JourneyScene(QGraphicsScene):
    layoutChanged = Signal()

    def __init__(self, ctx: DocumentContext | None, project: Project | None = None) -> None:
        """A scene that follows the open document ``ctx`` (its changes and selection), or,
        with ``ctx`` None, a still picture of ``project`` for map images: no undo stack, no
        selection, nothing listened to."""
        super().__init__()
        self.ctx = ctx
        self.project: Project = ctx.project if ctx is not None else project  # type: ignore[assignment]
        self.layout = MapLayout()
        self.cards: dict[int, StepCard] = {}
        self.arrows: dict[int, FlowArrow] = {}
        self.loops: frozenset[int] = frozenset()
        self.heat: dict[int, QColor] = {}
        # What the cards are tinted by: "impact" (the heat overlay), "strength", or nothing.
        self.tint: str | None = None
        self.presentation = False  # cards hide their connect handles
        self.readable_px = READABLE_PX  # the least title height on screen (level of detail)
        self.full_detail = False  # exports: never the sketch painting of small scales
        self.lane_counts: dict[int, int] = {}
        self._group_cache: dict[int, e.WorkGroup] | None = None  # see _groups
        self.routing_overflow: list[tuple[str, float, int, int]] = []  # gutters too narrow
        # The last routing, kept so an edit routes and labels only what it touches.
        self._router: Router | None = None
        self._routes: dict[int, list[Point]] = {}
        self._labels: dict[int, tuple[Rect, int]] = {}
        self._label_widths: dict[int, tuple[float, ...]] = {}
        self._card_rects: dict[int, Rect] = {}
        self._syncing = False
        self._pending = _Pending()
        # A still picture is drawn once, whole or in a few large parts: an index of where each
        # item is would cost more to build than it saves.
        self.setItemIndexMethod(
            QGraphicsScene.ItemIndexMethod.BspTreeIndex
            if ctx is not None
            else QGraphicsScene.ItemIndexMethod.NoIndex
        )
        self._build()
        if ctx is not None:
            ctx.changed.connect(self._on_change)
            ctx.selectionChanged.connect(self._select_from_context)
            ctx.undo_stack.settled.connect(self._settle)
            self.selectionChanged.connect(self._select_to_context)

    @classmethod
    def picture(cls, project: Project) -> JourneyScene:
        """A still scene of ``project``, for drawing map images."""
        return cls(None, project)

    def detach(self) -> None:
        if self.ctx is not None:
            self.ctx.changed.disconnect(self._on_change)
            self.ctx.selectionChanged.disconnect(self._select_from_context)
            self.ctx.undo_stack.settled.disconnect(self._settle)
            self.selectionChanged.disconnect(self._select_to_context)

    # --- building and updating --------------------------------------------------------------

    def _groups(self) -> dict[int, e.WorkGroup]:
        # In lane order; the groups themselves, not copies (this runs on every edit, once per
        # step an edit changes: kept until a work group changes).
        if self._group_cache is None:
            ordered = sorted(self.project.work_group_views(), key=lambda g: (g.position, g.id))
            self._group_cache = {g.id: g for g in ordered}
        return self._group_cache

    def _build(self) -> None:
        groups = self._groups()
        steps = self.project.steps()
        self.layout.compute(list(groups.values()), self.project.stages(), steps)
        self._count_lanes(steps)
        evidence = self.project.evidence.counts_by_step()
        pains = self._pain_counts()
        settings = self.project.settings
        for step in steps:
            card = StepCard(step, groups[step.work_group_id].colour)
            if self.ctx is None:  # a picture paints each card once: no pixmap to keep
                card.setCacheMode(card.CacheMode.NoCache)
            count = evidence.get(step.id, 0)
            card.set_badges(count, pains.get(step.id, 0), step_strength(count, settings))
            card.setPos(self.layout.card_rect(step).topLeft())
            self.addItem(card)
            self.cards[step.id] = card
        self.loops = loop_flow_ids(self.project)
        # Routed before they join the scene: an arrow added first would move in the scene's
        # index once for its route and again for its style (thousands of arrows on open).
        for flow in self.project.flow_views():
            self.arrows[flow.id] = FlowArrow(flow.id)
        self._route_all()
        for arrow in self.arrows.values():
            self.addItem(arrow)
        self.setSceneRect(self.layout.scene_rect())

    def _count_lanes(self, steps: list[e.Step]) -> None:
        self.lane_counts = {}
        for step in steps:
            self.lane_counts[step.work_group_id] = self.lane_counts.get(step.work_group_id, 0) + 1

    def _pain_counts(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for pain in self.project.pains():
            for step_id in pain.step_ids:
                counts[step_id] = counts.get(step_id, 0) + 1
        return counts

    def _route_all(self) -> None:
        """Route the flows (all of them on open, or when the bands of cards change; after
        an edit, those it touches: see ``Router.update``) and give new geometry only to the
        arrows whose route or label moved."""
        cards: dict[int, Rect] = {}
        for step_id, card in self.cards.items():
            pos = card.pos()
            cards[step_id] = (pos.x(), pos.y(), pos.x() + CARD_W, pos.y() + CARD_H)
        groups = {s.id: s.work_group_id for s in self.project.step_views()}
        specs: list[FlowSpec] = []
        kinds: dict[int, str] = {}
        texts: dict[int, str] = {}
        for flow in self.project.flow_views():
            # A removal or its undo changes several items before announcing them one by one,
            # so an arrow may be announced after its cards, or its cards removed before it:
            # route only what is in the scene now; the remaining announcements finish the job.
            if flow.id not in self.arrows or flow.source_id not in cards:
                continue
            if flow.target_id not in cards:
                continue
            loop = flow.id in self.loops
            handoff = groups.get(flow.source_id) != groups.get(flow.target_id)
            kinds[flow.id] = "loop" if loop else "handoff" if handoff else "flow"
            texts[flow.id] = flow.label
            widths = label_widths(flow.label) if flow.label else ()
            specs.append(FlowSpec(flow.id, flow.source_id, flow.target_id, loop, widths))
        router = self._router
        routes = router.update(cards, specs) if router is not None else None
        if router is None or routes is None:  # the first time, or the bands of cards changed
            router = self._router = Router(cards, top=STAGE_HEADER_H, left=LANE_HEADER_W)
            routes = router.route_all(specs)
            self._routes, self._labels = {}, {}
        self._routes.update(routes)
        self.routing_overflow = router.overflow()
        self._place_labels(specs, routes, cards)
        for spec in specs:
            placed = self._labels.get(spec.flow_id)
            self.arrows[spec.flow_id].set_route(
                tuple(self._routes[spec.flow_id]),
                kinds[spec.flow_id],
                texts[spec.flow_id],
                placed[0] if placed else None,
            )
        self._card_rects = cards

    def _place_labels(
        self, specs: list[FlowSpec], rerouted: dict[int, list[Point]], cards: dict[int, Rect]
    ) -> None:
        """Place the labels of the rerouted flows, of flows whose label changed and of labels
        a moved card now covers; the others stay where they are."""
        wanted = {spec.flow_id: spec for spec in specs}
        for flow_id in [f for f in self._routes if f not in wanted]:
            del self._routes[flow_id]
        moved = [r for step, r in cards.items() if self._card_rects.get(step) != r]
        again = set(rerouted)
        for flow_id, (rect, _) in list(self._labels.items()):
            spec = wanted.get(flow_id)
            if (
                spec is None
                or flow_id in again
                or self._label_widths.get(flow_id) != spec.label_widths
                or any(_overlap(rect, r) for r in moved)
            ):
                del self._labels[flow_id]
                again.add(flow_id)
        again |= {f for f, spec in wanted.items() if spec.label_widths and f not in self._labels}
        todo = [wanted[f] for f in again if f in wanted]
        self._labels.update(
            place_labels(
                self._routes,
                todo,
                cards.values(),
                height=LABEL_H,
                top=STAGE_HEADER_H,
                left=LANE_HEADER_W,
                kept=[rect for rect, _ in self._labels.values()],
            )
        )
        self._label_widths = {f: spec.label_widths for f, spec in wanted.items()}

    def _relayout(self) -> set[int]:
        """Recompute lanes and columns; move the cards whose place changed. Returns them."""
        groups = self._groups()
        # Read-only views, no copies of 2,000 steps per edit; only the steps with a card (a
        # batch may announce a step after the layout is first recomputed).
        steps = [s for s in self.project.step_views() if s.id in self.cards]
        before = self._signature()
        self.layout.compute(list(groups.values()), self.project.stages(), steps)
        self._count_lanes(steps)
        moved: set[int] = set()
        for step in steps:
            card = self.cards[step.id]
            pos = self.layout.card_rect(step).topLeft()
            if card.pos() != pos:
                card.setPos(pos)
                moved.add(step.id)
        if self._signature() != before:  # lanes or columns moved: repaint the background
            self.setSceneRect(self.layout.scene_rect())
            self.update()
            self.layoutChanged.emit()
        return moved

    def _signature(self) -> tuple[object, ...]:
        lanes = tuple((g, lane.top, lane.height) for g, lane in self.layout.lanes.items())
        columns = tuple((c.stage_id, c.left, c.right) for c in self.layout.columns)
        return lanes, columns, tuple(sorted(self.lane_counts.items()))

    def _refresh_loops(self) -> None:
        self.loops = loop_flow_ids(self.project)

    def _on_change(self, change: Change) -> None:
        handler = getattr(self, f"_on_{change.entity}", None)
        if handler is not None:
            handler(change)
        # Cards and arrows come and go at once; what depends on the whole map is done once
        # per edit, when it has settled (at once for a change made outside the undo stack).
        if self.ctx is None or not self.ctx.undo_stack.busy:
            self._settle()

    def _settle(self) -> None:
        pending, self._pending = self._pending, _Pending()
        moved = self._relayout() if pending.layout else set()
        if pending.loops:
            self._refresh_loops()
        if moved or pending.loops or pending.steps or pending.flows or pending.layout:
            self._route_all()
        if pending.badges:
            self.refresh_badges()
        if (pending.badges or pending.heat) and self.heat_on:
            self.refresh_heat()

    def _on_step(self, change: Change) -> None:
        if change.kind == "removed" or not self.project.has_step(change.id):
            card = self.cards.pop(change.id, None)
            if card is not None:
                self.removeItem(card)
            # Cards that close the gap it left move, and so do the arrows that reach them.
            self._pending.layout = True
            return
        step = self.project.step(change.id)
        colour = self._groups()[step.work_group_id].colour
        if change.id not in self.cards:
            card = StepCard(step, colour)
            self.cards[step.id] = card
            self.addItem(card)
        else:
            self.cards[step.id].update_from(step, colour)
            if change.fields and not PLACE_FIELDS & set(change.fields):
                return  # a rename or a new emotion: the card repaints itself, nothing moves
        self._pending.layout = True
        self._pending.steps.add(step.id)
        if change.kind == "changed":
            # Its place in the reading order may have changed, so which flows go back too.
            # A new step has no flows yet and leaves the others' order as it was.
            self._pending.loops = True

    def _on_flow(self, change: Change) -> None:
        if change.kind == "removed":
            arrow = self.arrows.pop(change.id, None)
            if arrow is not None:
                self.removeItem(arrow)
        elif not self.project.exists(e.Flow, change.id):
            return  # removed later in the same batch: its own announcement follows
        elif change.id not in self.arrows:
            arrow = FlowArrow(change.id)
            self.arrows[change.id] = arrow
            self.addItem(arrow)
            self._pending.flows.add(change.id)
        else:
            self._pending.flows.add(change.id)
        self._pending.loops = True

    def _on_work_group(self, change: Change) -> None:
        self._group_cache = None
        groups = self._groups()
        if change.kind == "changed" and "colour" in change.fields:
            for step in self.project.steps():
                if step.work_group_id == change.id and step.id in self.cards:
                    self.cards[step.id].update_from(step, groups[step.work_group_id].colour)
        self._pending.layout = self._pending.loops = True

    def _on_stage(self, change: Change) -> None:
        self._pending.layout = self._pending.loops = True

    def _on_evidence(self, change: Change) -> None:
        self._pending.badges = True

    def _on_pain(self, change: Change) -> None:
        self._pending.badges = True

    def _on_settings(self, change: Change) -> None:
        self._pending.heat = True  # the customer base, CLV or costs change every impact
        if "solid_evidence" in change.fields or not change.fields:
            self._pending.badges = True  # what makes evidence solid

    def refresh_heat(self) -> None:
        from cxmapper.ui.canvas.heat import heat_colours, strength_colours

        tints = {"impact": heat_colours, "strength": strength_colours}
        self.set_heat(tints[self.tint](self.project) if self.tint in tints else {})

    @property
    def heat_on(self) -> bool:
        return self.tint is not None

    def refresh_badges(self) -> None:
        evidence = self.project.evidence.counts_by_step()
        pains = self._pain_counts()
        settings = self.project.settings
        for step_id, card in self.cards.items():
            count = evidence.get(step_id, 0)
            card.set_badges(count, pains.get(step_id, 0), step_strength(count, settings))

    def set_presenting(self, on: bool) -> None:
        """For the projector: no connect handles, and titles drawn for the back of the room."""
        self.presentation = on
        self.readable_px = PRESENTING_PX if on else READABLE_PX
        for card in self.cards.values():
            card.update()  # their cached pixmaps hold the handle and the title's size
        self.update()

    def set_vector_output(self) -> None:
        """Paint cards directly (no pixmap cache) so SVG and PDF get real text and shapes."""
        for card in self.cards.values():
            card.setCacheMode(card.CacheMode.NoCache)
        self.full_detail = True

    def set_heat(self, heat: dict[int, QColor]) -> None:
        self.heat = heat
        for step_id, card in self.cards.items():
            card.set_heat(heat.get(step_id))

    # --- selection ----------------------------------------------------------------------------

    def _select_to_context(self) -> None:
        if self._syncing or self.ctx is None:
            return
        steps = [i.step_id for i in self.selectedItems() if isinstance(i, StepCard)]
        flows = [i.flow_id for i in self.selectedItems() if isinstance(i, FlowArrow)]
        self._syncing = True
        try:
            self.ctx.set_selection(steps=sorted(steps), flows=sorted(flows))
        finally:
            self._syncing = False

    def _select_from_context(self) -> None:
        if self._syncing or self.ctx is None:
            return
        steps = set(self.ctx.selected_step_ids())
        flows = set(self.ctx.selected_flow_ids())
        self._syncing = True
        try:
            for step_id, card in self.cards.items():
                card.setSelected(step_id in steps)
            for flow_id, arrow in self.arrows.items():
                arrow.setSelected(flow_id in flows)
        finally:
            self._syncing = False

    # --- painting lanes and stages ------------------------------------------------------------

    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        rect = QRectF(rect)  # Qt passes a QRectF; the override's signature allows a QRect
        painter.fillRect(rect, QColor("#ffffff"))
        groups = self._groups()
        width = self.sceneRect().width()
        for n, gid in enumerate(self.layout.lane_order):
            lane = self.layout.lanes[gid]
            band = QRectF(0, lane.top, width, lane.height)
            if not band.intersects(rect):
                continue
            painter.fillRect(band, LANE_FILLS[n % 2])
            painter.setPen(QPen(QColor("#dfe3e8"), 1))
            painter.drawLine(QPointF(0, lane.top), QPointF(width, lane.top))
        for column in self.layout.columns[1:]:
            painter.setPen(QPen(QColor("#c9ced6"), 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(column.left, 0), QPointF(column.left, self.layout.height))
        headers.paint_lane_headers(self, painter, 0.0, rect, groups)
        headers.paint_stage_headers(self, painter, 0.0, rect)

    def name_room(self) -> float:
        """The least height (scene units) of a lane in view that shows its name."""
        return QFontMetricsF(HEADER_FONT).lineSpacing() + 12


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
