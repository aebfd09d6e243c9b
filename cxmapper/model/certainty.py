"""How sure each pain's rank is: rank acceptability from repeated draws (the SMAA idea).

A pain's reach and cost per customer are known only within ranges. Drawing both from their
ranges many times, with a fixed seed, and ranking the pains in every draw tells, per pain, the
chance it is among the top three (``p_top3``) and the ranks it takes in 90 % of the draws
(``rank_low``…``rank_high``). Same file, same numbers.

What is drawn (the contract in docs/ARCHITECTURE.md, "Rank certainty"):

- reach from evidence, k of n sampled customers: the share from Beta(k + ½, n − k + ½)
  (Jeffreys), times the customer base; no sample: no reach, in every draw;
- an estimated reach: uniform over the estimate's stated range (a share's range times the
  customer base; a count's capped at it), else its value;
- cost from a 1–5 band: log-uniform over the band's range, which runs halfway (geometrically)
  to the neighbouring bands; cost from components: log-uniform over its stated low…high (a
  cost of 0 at the low end: uniform instead), else its value.

Ties inside a draw (pains with fixed, equal figures) are broken as the ranking breaks them
(work groups involved, then evidence), then by lot, so identical pains get equal chances.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from cxmapper.model import entities as e

if TYPE_CHECKING:
    from cxmapper.model.project import Project
    from cxmapper.model.scoring import PainScore

DRAWS = 10_000
SEED = 20_261_126
TOP = 3
COVER = 0.90  # the share of draws a pain's rank range covers


@dataclass(frozen=True)
class Spread:
    """What one pain's figures may be. Reach: a Beta share of ``customers`` when ``k``/``n``
    are given, else uniform over ``reach_low``…``reach_high`` when they differ, else
    ``reach`` exactly. Cost: log-uniform over ``cost_low``…``cost_high``."""

    reach: float
    cost_low: float
    cost_high: float
    k: int = 0
    n: int = 0
    customers: float = 0.0
    groups: int = 0
    evidence: int = 0
    reach_low: float = 0.0
    reach_high: float = 0.0

    @property
    def drawn_reach(self) -> bool:
        return self.n > 0

    @property
    def ranged_reach(self) -> bool:
        return not self.drawn_reach and self.reach_low < self.reach_high


@dataclass(frozen=True)
class RankCertainty:
    pain_id: int
    p_top3: float
    rank_low: int
    rank_high: int


def band_range(bands: tuple[float, ...], band: int) -> tuple[float, float]:
    """The costs a 1-based ``band`` stands for: halfway, on a log scale, to the bands beside
    it; the end bands reach as far out as they reach in. A band table that is not positive and
    increasing gives the band's own value alone."""
    value = float(bands[band - 1])
    if any(b <= 0 for b in bands) or any(a >= b for a, b in pairwise(bands)):
        return value, value
    below = bands[band - 2] if band > 1 else value * value / bands[band]
    above = bands[band] if band < len(bands) else value * value / bands[band - 2]
    return math.sqrt(below * value), math.sqrt(value * above)


def spreads(project: Project, scores: list[PainScore]) -> list[tuple[int, Spread]]:
    """Each scored pain's spread, in pain id order (so the draws do not depend on the ranking)."""
    pains = {p.id: p for p in project.pains()}
    bands = project.settings.cost_bands
    customers = float(project.settings.customer_base)
    result: list[tuple[int, Spread]] = []
    for score in sorted(scores, key=lambda s: s.pain_id):
        pain = pains[score.pain_id]
        low = high = score.cost_per_customer
        if pain.cost_mode == e.CostMode.BAND and pain.cost_band is not None:
            low, high = band_range(bands, pain.cost_band)
        elif pain.cost_mode == e.CostMode.COMPONENTS and pain.cost_low is not None:
            low, high = pain.cost_low, pain.cost_high or pain.cost_low
        from_evidence = pain.reach_source == e.ReachSource.EVIDENCE
        reach_low, reach_high = _estimate_range(pain, customers)
        result.append(
            (
                score.pain_id,
                Spread(
                    reach=score.reach,
                    cost_low=low,
                    cost_high=high,
                    k=score.k if from_evidence else 0,
                    n=score.n if from_evidence else 0,
                    customers=customers,
                    groups=len(score.work_group_ids),
                    evidence=score.evidence_count,
                    reach_low=0.0 if from_evidence else reach_low,
                    reach_high=0.0 if from_evidence else reach_high,
                ),
            )
        )
    return result


def _estimate_range(pain: e.Pain, customers: float) -> tuple[float, float]:
    """The customers a year an estimate's stated range spans (none stated: 0, 0). A count's
    range is in customers, a share's in shares of the base; neither goes past the base, as
    scoring caps the estimate itself."""
    if pain.reach_estimate_low is None or pain.reach_estimate_high is None:
        return 0.0, 0.0
    scale = 1.0 if pain.reach_estimate_count is not None else customers
    return (
        min(pain.reach_estimate_low * scale, customers),
        min(pain.reach_estimate_high * scale, customers),
    )


MAX_CELLS = 20_000_000  # draws × pains kept at once (2 bytes each): fewer draws past 2,000 pains


def _fixed(s: Spread) -> float | None:
    """The impact of a pain whose figures are not drawn, else none."""
    if s.cost_high <= 0.0:
        return 0.0
    if s.drawn_reach and s.customers > 0:
        return None
    if s.ranged_reach:
        return None
    if s.cost_low < s.cost_high and s.reach > 0:
        return None
    return s.reach * s.cost_low


def _keys(items: list[Spread]) -> tuple[dict[int, np.float32], list[list[int]]]:
    """Sort keys (negated impact, float32) of the pains with fixed figures, made strictly
    increasing in the ranking's own order wherever the ranking tells them apart (work groups,
    then evidence), and the groups of pains it cannot tell apart (equal in every draw)."""
    fixed = [(j, v) for j, s in enumerate(items) if (v := _fixed(s)) is not None]
    fixed.sort(key=lambda jv: (-jv[1], -items[jv[0]].groups, -items[jv[0]].evidence))
    keys: dict[int, np.float32] = {}
    groups: list[list[int]] = []
    previous: tuple[float, int, int] | None = None
    for j, value in fixed:
        s = items[j]
        ident = (value, s.groups, s.evidence)
        key = np.float32(-value)
        if previous is not None and ident == previous:
            groups[-1].append(j)
            keys[j] = keys[groups[-1][0]]
            continue
        if groups and key <= keys[groups[-1][0]]:
            # float32 cannot tell it from the pain ranked just above: the next value up keeps
            # the ranking's order (a difference of one part in ten million).
            key = np.nextafter(keys[groups[-1][0]], np.float32(np.inf))
        keys[j] = key
        groups.append([j])
        previous = ident
    return keys, [g for g in groups if len(g) > 1]


def _draw_row(item: Spread, key: np.ndarray, seed: tuple[int, int]) -> None:
    """Fill ``key`` (one row: this pain's negated impact in every draw). The pain draws from
    its own stream, seeded by the pain's id: its draws stay the same when pains are added or
    removed, and do not depend on the threads that ran them."""
    rng = np.random.default_rng(seed)
    size = key.size
    if item.drawn_reach:
        # Beta(a, b) as the ratio of two gamma draws; float32 is ample for a share.
        a = rng.standard_gamma(item.k + 0.5, size, dtype=np.float32)
        b = rng.standard_gamma(item.n - item.k + 0.5, size, dtype=np.float32)
        reach = a / (a + b)
        reach *= np.float32(item.customers)
    elif item.ranged_reach:
        reach = rng.uniform(item.reach_low, item.reach_high, size).astype(np.float32)
    else:
        reach = np.full(size, item.reach, dtype=np.float32)
    if 0 < item.cost_low < item.cost_high:
        low, high = math.log(item.cost_low), math.log(item.cost_high)
        reach *= np.exp(rng.uniform(low, high, size).astype(np.float32))
    elif item.cost_low < item.cost_high:
        # A stated cost from 0: no log scale reaches 0, so the cost is drawn evenly instead.
        reach *= rng.uniform(item.cost_low, item.cost_high, size).astype(np.float32)
    else:
        reach *= np.float32(item.cost_low)
    np.negative(reach, out=key)


def _middle(size: int) -> tuple[int, int]:
    """The places, in ``size`` sorted ranks, of the first and last of the middle ``COVER``."""
    tail = (1.0 - COVER) / 2.0
    return math.floor(tail * size), math.ceil((1.0 - tail) * size) - 1


def _blocks(total: int, parts: int) -> list[slice]:
    step = -(-total // parts)
    return [slice(i, min(i + step, total)) for i in range(0, total, step)]


def acceptability(
    items: list[Spread],
    ids: list[int] | None = None,
    *,
    draws: int = DRAWS,
    seed: int = SEED,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pain (in the order given; ``ids`` seed each pain's draws, by default its place):
    the share of draws in the top three, and the lowest and highest rank (1 = costliest) of
    the middle ``COVER`` of its draws."""
    count = len(items)
    if count == 0:
        return np.zeros(0), np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    ids = list(range(count)) if ids is None else ids
    draws = max(1, min(draws, MAX_CELLS // count))
    keys, identical = _keys(items)
    workers = os.cpu_count() or 1
    at = _middle(draws)
    # One row per pain, one column per draw, throughout: each phase works on blocks of rows
    # or columns, side by side (numpy releases the GIL while it draws, sorts and selects).
    key = np.empty((count, draws), dtype=np.float32)
    ranks = np.empty((count, draws), dtype=np.int16)
    p_top = np.empty(count)
    low = np.empty(count, dtype=int)
    high = np.empty(count, dtype=int)
    positions = np.arange(count, dtype=np.int16)[:, None]

    def draw(rows: slice) -> None:
        for j in range(rows.start, rows.stop):
            if j in keys:
                key[j] = keys[j]
            else:
                _draw_row(items[j], key[j], (seed, ids[j]))

    def rank(columns: slice) -> None:
        order = np.argsort(key[:, columns], axis=0)
        np.put_along_axis(ranks[:, columns], order, positions, axis=0)

    def summarise(rows: slice) -> None:
        block = ranks[rows]
        p_top[rows] = (block < TOP).mean(axis=1)
        chosen = np.partition(block, at, axis=1)[:, at].astype(int) + 1
        low[rows], high[rows] = chosen[:, 0], chosen[:, 1]

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(draw, _blocks(count, workers * 4)))
        list(pool.map(rank, _blocks(draws, workers * 4)))
        list(pool.map(summarise, _blocks(count, workers * 4)))
    # Pains the ranking cannot tell apart share one lot: each gets the pooled figures.
    for group in identical:
        pooled = np.sort(ranks[group].ravel())
        first, last = _middle(pooled.size)
        p_top[group] = (pooled < TOP).mean()
        low[group], high[group] = pooled[first] + 1, pooled[last] + 1
    return p_top, low, high


def rank_certainty(
    project: Project, scores: list[PainScore], *, draws: int = DRAWS, seed: int = SEED
) -> dict[int, RankCertainty]:
    """The rank certainty of every scored pain, by pain id."""
    pairs = spreads(project, scores)
    p_top, low, high = acceptability(
        [s for _, s in pairs], [i for i, _ in pairs], draws=draws, seed=seed
    )
    return {
        pain_id: RankCertainty(pain_id, float(p_top[j]), int(low[j]), int(high[j]))
        for j, (pain_id, _) in enumerate(pairs)
    }
