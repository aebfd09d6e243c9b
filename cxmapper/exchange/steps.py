"""Matching the values of an export's step column to the steps on the map.

Exact matches (ignoring case) are looked up in a dict, for every value. Close matching
(difflib) compares a value with every title, about 10 µs a pair, so it is given to the most
frequent unmatched values only, FUZZY_PAIRS pairs in all: were every value compared, a step
column of 100,000 different values (a comment column mapped as steps, say) would take half a
minute against 32 steps, and an hour against 2,000.
"""

from __future__ import annotations

import difflib
import heapq
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

from cxmapper.model.entities import Step

FUZZY_CUTOFF = 0.8  # a step-column value this close to a title links to it
SUGGEST_CUTOFF = 0.6  # titles this close are offered for an unmatched value
# Value × title comparisons close matching may make (~10 µs each): about a second.
FUZZY_PAIRS = 100_000


class HasSteps(Protocol):
    """What matching reads of a project: its steps."""

    def steps(self) -> list[Step]: ...


@dataclass
class StepMatch:
    value: str
    rows: int
    step_id: int | None = None  # exact (case-insensitive) or close match
    exact: bool = False
    suggestions: list[tuple[int, str]] = field(default_factory=list)
    compared: bool = True  # False: one of too many values to compare with every title


def match_steps(project: HasSteps, values: Counter[str]) -> dict[str, StepMatch]:
    """Each step-column value matched to a step title: exact (ignoring case), else close
    (difflib ratio ≥ FUZZY_CUTOFF), else unmatched with the nearest titles (ratio ≥
    SUGGEST_CUTOFF) as suggestions. Only the most frequent unmatched values are compared
    for close matches (FUZZY_PAIRS value × title pairs); the others stay unmatched, with
    ``compared`` False."""
    titles: dict[str, int] = {}
    for step in sorted(project.steps(), key=lambda s: s.id):
        titles.setdefault(step.title.casefold(), step.id)
    originals = {s.id: s.title for s in project.steps()}
    result: dict[str, StepMatch] = {}
    unmatched: list[tuple[str, str]] = []  # (value, its casefold), in the order of values
    for value, rows in values.items():
        key = value.casefold()
        step_id = titles.get(key)
        result[value] = StepMatch(value, rows, step_id, exact=step_id is not None)
        if step_id is None:
            unmatched.append((value, key))
    budget = FUZZY_PAIRS // max(len(titles), 1)
    if len(unmatched) > budget:  # the most frequent first; a stable sort keeps file order
        unmatched.sort(key=lambda vk: -values[vk[0]])
        for value, _ in unmatched[budget:]:
            result[value].compared = False
        del unmatched[budget:]
    candidates = list(titles)
    for value, key in unmatched:
        close = _close_matches(key, candidates, 3, SUGGEST_CUTOFF)
        match = result[value]
        match.suggestions = [(titles[c], originals[titles[c]]) for _, c in close]
        if close and close[0][0] >= FUZZY_CUTOFF:
            match.step_id = titles[close[0][1]]
    return result


def _close_matches(
    word: str, possibilities: list[str], n: int, cutoff: float
) -> list[tuple[float, str]]:
    """difflib.get_close_matches with the scores: the best ``n`` (score, possibility) pairs
    scoring at least ``cutoff``, best first, ties as difflib breaks them. One pass gives both
    the suggestions and the close match (the best, if it reaches FUZZY_CUTOFF), where two
    calls of get_close_matches compared every pair twice."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    scored: list[tuple[float, str]] = []
    for x in possibilities:
        matcher.set_seq1(x)
        if (
            matcher.real_quick_ratio() >= cutoff
            and matcher.quick_ratio() >= cutoff
            and (score := matcher.ratio()) >= cutoff
        ):
            scored.append((score, x))
    return heapq.nlargest(n, scored)
