"""Dot voting in the model: rounds and votes stored and refused, removal undone exactly, old
files upgraded, tallies and the room's order, and belief against evidence in words."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxmapper.model import entities as e
from cxmapper.model.demo import write_demo
from cxmapper.model.errors import ProjectFileError
from cxmapper.model.project import Project
from cxmapper.model.schema import SCHEMA_VERSION
from cxmapper.model.strength import Strength
from cxmapper.model.validation import ModelError
from cxmapper.model.voting import (
    EvidenceItem,
    Tally,
    crossings,
    disagreements,
    evidence_items,
    room_top,
    standings,
    tally,
)
from tests.model.hostile_data import absurd_vote_count

FIXTURES = Path(__file__).parents[1] / "fixtures"


def test_round_votes_and_ballots_are_stored_and_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "v.cxmap"
    with Project.create(path) as p:
        a, b = p.add_pain("A"), p.add_pain("B")
        r = p.add_round("Top pains", dots_per_person=3, max_per_item=2, named=True, seed=7)
        p.add_vote(r.id, a.id, 12)
        p.cast_ballot(r.id, {a.id: 2, b.id: 1}, voter="Ann")
        p.cast_ballot(r.id, {b.id: 1})
    with Project.open(path) as p:
        stored = p.voting_round(r.id)
        assert stored.named is True and stored.revealed is False and stored.seed == 7
        votes = p.votes(r.id)
        assert [(v.ballot, v.dots, v.voter) for v in votes] == [
            (0, 12, ""),
            (1, 2, "Ann"),
            (1, 1, "Ann"),
            (2, 1, ""),
        ]
        counted = tally(stored, votes)
        assert counted.hidden and counted.dots == {a.id: 12} and counted.ballots == 2
        p.update_round(r.id, revealed=True)
        counted = tally(p.voting_round(r.id), p.votes(r.id))
        assert counted.dots == {a.id: 14, b.id: 2} and not counted.hidden
        assert p.counts()["votes"] == 4 and p.counts()["voting_rounds"] == 1


def test_refusals_say_why(project: Project) -> None:
    pain = project.add_pain("A")
    step_round = project.add_round("Steps", target=e.VoteTarget.STEP)
    r = project.add_round("Pains", dots_per_person=2)
    with pytest.raises(ModelError, match="existing step"):
        project.add_vote(step_round.id, pain.id + 1000, 1)
    with pytest.raises(ModelError, match="2 dot"):
        project.cast_ballot(r.id, {pain.id: 1, project.add_pain("B").id: 2})
    with pytest.raises(ModelError, match="at most 1 dot"):
        project.cast_ballot(r.id, {pain.id: 2})
    with pytest.raises(ModelError, match="10,000"):
        project.add_vote(r.id, pain.id, 10_001)
    project.add_vote(r.id, pain.id, 3)
    with pytest.raises(ModelError, match="already"):
        project.add_vote(r.id, pain.id, 4)
    with pytest.raises(ModelError, match="dots per person"):
        project.add_round("Zero", dots_per_person=0)


def test_removing_a_voted_pain_or_step_is_undone_exactly(project: Project) -> None:
    group = project.add_work_group("Support")
    step = project.add_step(group.id, "Call")
    pain = project.add_pain("A", step_ids=(step.id,))
    pains, steps = project.add_round("P"), project.add_round("S", target=e.VoteTarget.STEP)
    project.add_vote(pains.id, pain.id, 5)
    project.cast_ballot(pains.id, {pain.id: 1}, voter="Bo")
    project.add_vote(steps.id, step.id, 2)
    before = (project.votes(pains.id), project.votes(steps.id))
    removal = project.remove_pain(pain.id)
    assert project.votes(pains.id) == []
    project.restore(removal)
    removal = project.remove_step(step.id)
    assert project.votes(steps.id) == []
    project.restore(removal)
    assert (project.votes(pains.id), project.votes(steps.id)) == before
    removal = project.remove_round(pains.id)
    assert project.counts()["votes"] == 1
    project.restore(removal)
    assert project.votes(pains.id) == before[0]


def test_an_older_file_opens_and_gains_voting(tmp_path: Path) -> None:
    path = tmp_path / "old.cxmap"
    shutil.copy(FIXTURES / "version3.cxmap", path)
    with Project.open(path) as p:
        assert p.voting_rounds() == []
        p.add_round("First")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    conn.close()


def test_absurd_vote_counts_are_refused_in_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "bad.cxmap"
    absurd_vote_count(path)
    with pytest.raises(ProjectFileError, match="number of dots on one item") as info:
        Project.open(path)
    assert "\n" not in str(info.value)


def _items(n: int) -> list[EvidenceItem]:
    return [EvidenceItem(i, f"Pain {i}", i, Strength.SOLID, 40, i, i) for i in range(1, n + 1)]


@given(st.lists(st.integers(0, 50), min_size=1, max_size=15))
def test_the_room_orders_by_dots_and_ties_share_a_rank(counts: list[int]) -> None:
    items = _items(len(counts))
    dots = {i.item_id: n for i, n in zip(items, counts, strict=True)}
    rows = standings(items, dots)
    assert sorted(s.item.item_id for s in rows) == [i.item_id for i in items]
    for a in rows:
        assert a.room_rank == 1 + sum(1 for b in rows if b.dots > a.dots)
    assert [s.dots for s in rows] == sorted(counts, reverse=True)
    said = disagreements(rows, Tally(dots=dots))
    assert said and all(s.endswith(".") for s in said)
    crossed = crossings(rows)
    if not crossed and len(set(counts)) == len(counts) and sum(counts):
        # The room agrees with the evidence, which is solid and sure of every rank.
        assert said == ["The room's order agrees with the evidence order."]


@given(st.permutations(list(range(1, 9))))
def test_every_crossing_is_a_pair_the_orders_put_the_other_way(order: list[int]) -> None:
    items = _items(8)
    dots = {item_id: 20 - place for place, item_id in enumerate(order)}
    rows = standings(items, dots)
    room = {s.item.item_id: s.room_rank for s in rows}
    expected = {(a, b) for a in range(1, 9) for b in range(1, 9) if a < b and room[a] > room[b]}
    assert {(a.item.item_id, b.item.item_id) for a, b in crossings(rows)} == expected


def test_belief_against_evidence_on_the_demo(tmp_path: Path) -> None:
    write_demo(tmp_path / "demo.cxmap")
    with Project.open(tmp_path / "demo.cxmap") as p:
        titles = {x.title: x.id for x in p.pains()}
        r = p.add_round("Which pains first?")
        typed = {
            "Security review drags on": 20,  # evidence's #6, no evidence
            "Tickets bounce between Support and Finance": 12,  # evidence's #4
            "Invoices with wrong seats or tax": 8,  # evidence's #2
            "Migrated figures do not reconcile": 2,  # evidence's #1
        }
        for title, n in typed.items():
            p.add_vote(r.id, titles[title], n)
        counted = tally(p.voting_round(r.id), p.votes(r.id))
        rows = standings(evidence_items(p, r.target), counted.dots)
        said = disagreements(rows, counted)
        assert said[:3] == [
            "The room's #1, “Security review drags on”, has no evidence: it is the room's "
            "assumption.",
            "The room's #1, “Security review drags on”, is scoring's #6 (estimated).",
            "Evidence's #1, “Migrated figures do not reconcile”, got 2 dots of 42 (the room's #4).",
        ]
        assert (
            "Evidence cannot tell #2 from #4 (“Invoices with wrong seats or tax” and "
            "“Tickets bounce between Support and Finance”): the room's order between them "
            "is as good as the evidence's." in said
        )
        assert room_top(rows) == [
            titles["Security review drags on"],
            titles["Tickets bounce between Support and Finance"],
            titles["Invoices with wrong seats or tax"],
        ]


def test_a_round_with_votes_keeps_what_its_votes_need(project: Project) -> None:
    """Narrowing a round under its ballots would leave a file that no longer opens."""
    pain = project.add_pain("A")
    r = project.add_round("R", dots_per_person=3, max_per_item=2)
    project.cast_ballot(r.id, {pain.id: 2})
    with pytest.raises(ModelError, match="more than 1 dot"):
        project.update_round(r.id, max_per_item=1)
    with pytest.raises(ModelError, match="cannot change what it votes on"):
        project.update_round(r.id, target=e.VoteTarget.STEP)
    project.update_round(r.id, max_per_item=3, title="Renamed")
    assert project.voting_round(r.id).max_per_item == 3


def test_info_reads_a_file_from_before_voting_without_upgrading_it(tmp_path: Path, capsys) -> None:
    import json

    from cxmapper.cli import main as cli

    path = tmp_path / "old.cxmap"
    shutil.copy(FIXTURES / "version3.cxmap", path)
    before = path.read_bytes()
    assert cli(["info", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["schema_version"] == 3 and info["voting_rounds"] == info["votes"] == 0
    assert path.read_bytes() == before


@given(st.dictionaries(st.integers(0, 5), st.integers(0, 4), max_size=6))
def test_a_ballot_is_stored_whole_or_refused_whole(placed: dict[int, int]) -> None:
    with Project.in_memory() as p:
        ids = [p.add_pain(f"P{i}").id for i in range(6)]
        r = p.add_round("R", dots_per_person=4, max_per_item=2)
        dots = {ids[i]: n for i, n in placed.items()}
        fits = sum(dots.values()) <= 4 and all(n <= 2 for n in dots.values())
        try:
            p.cast_ballot(r.id, dots, voter="Ann")
        except ModelError:
            assert not fits and p.votes(r.id) == []
        else:
            assert fits
            stored = {v.pain_id: v.dots for v in p.votes(r.id)}
            assert stored == {i: n for i, n in dots.items() if n}
            assert {v.ballot for v in p.votes(r.id)} <= {1}
