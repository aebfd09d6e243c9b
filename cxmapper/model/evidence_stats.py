"""What customers say at each step: counts, averages, NPS/CSAT, detractors, trends; bright
spots; the close-the-loop list. All computed in SQLite, never by loading all evidence."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cxmapper.model.project import Project

# A detractor: 0-6 on 0-10 scales, 1-2 on 1-5 scales, a "Bad" ticket rating.
DETRACTOR_SQL = (
    "((score_scale = '0-10' AND score <= 6) OR (score_scale = '1-5' AND score <= 2)"
    " OR (score_scale = 'good-bad' AND score = 0))"
)
# A positive answer on the same scales: promoters 9-10, 4-5, "Good".
POSITIVE_SQL = (
    "((score_scale = '0-10' AND score >= 9) OR (score_scale = '1-5' AND score >= 4)"
    " OR (score_scale = 'good-bad' AND score = 1))"
)
# Praise that names someone (see named_praise): a praise word, and a name next to a cue.
PRAISE = re.compile(
    r"\b(thanks?|thank you|fantastic|brilliant|great|excellent|amazing|helpful|kudos"
    r"|shout-?outs?|props|awesome|superb|outstanding|appreciated?|cheers)\b",
    re.I,
)
# A name: a capitalised word of three letters or more (accented letters too), on its own.
_NAME = r"(?<![\w-])([A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]{2,})(?![\w-])"
# ... credited: "thanks Marco!", "thank you, Anna", "great demo by Anna", "kudos to Li".
CREDITED = re.compile(
    r"(?i:\b(?:thanks(?: to)?|thank you|thx|cheers|kudos(?: to)?|shout-?outs? to|props to"
    r"|credit to|by|from))[ ,]+" + _NAME
)
# ... or doing: "manager Priya really understands", "Priya from support solved it".
DOING = re.compile(
    _NAME + r"(?= (was|is|did|does|helped|made|really|went|solved|fixed|explained|answered"
    r"|walked|saved|took|always|knows|understands|from|in|at)\b)"
)
# The doing cues a sentence's first word needs: a thing opens a sentence before "was",
# "went" or "really" as often as a person ("Onboarding was smooth"), seldom before these.
# fmt: off
PERSON_CUES = frozenset({
    "helped", "made", "solved", "fixed", "explained", "answered", "walked", "saved", "took",
    "from", "in", "at",
})
# Capitalised words that are not people: pronouns and determiners, days and months, the
# teams and journey steps verbatims mention, and the demo's product (Northwind).
NOT_NAMES = frozenset({
    "The", "This", "That", "These", "Those", "Our", "Your", "Their", "Its", "His", "Her", "You",
    "They", "She", "Him", "Them", "Everyone", "Everything", "Everybody", "Someone", "Somebody",
    "Nobody", "Nothing", "Anyone", "All", "Both", "Each", "And", "But", "For", "Not", "Very",
    "Really", "Also", "Then", "Now", "Here", "There", "What", "When", "Where", "Why", "How",
    "Who", "Great", "Thanks", "Thank", "Thx", "Cheers", "Kudos", "Brilliant", "Fantastic",
    "Excellent", "Amazing", "Helpful", "Quick", "Kick", "Data", "Support", "Sales", "Finance",
    "Billing", "Accounts", "Onboarding", "Training", "Demo", "Team", "Teams", "Customer",
    "Success", "Service", "Services", "Product", "Implementation", "Migration", "Setup",
    "Renewal", "Delivery", "Engineering", "Legal", "Security", "Admin", "Management", "Company",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Today",
    "Tomorrow", "Yesterday", "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December", "Christmas", "Easter", "English",
    "Northwind",
})
# fmt: on


@dataclass
class StepStats:
    count: int = 0
    scored: int = 0
    average: float | None = None
    nps: float | None = None  # % promoters − % detractors, 0-10 answers only
    csat: float | None = None  # share of 4-5 among 1-5 answers
    detractor_share: float | None = None
    by_month: list[tuple[str, int, float | None]] = field(default_factory=list)


def _ids_clause(step_ids: Iterable[int]) -> tuple[str, list[int]]:
    ids = sorted(set(step_ids))
    marks = ",".join("?" * len(ids)) or "NULL"
    return f"id IN (SELECT evidence_id FROM evidence_step WHERE step_id IN ({marks}))", ids


def step_stats(project: Project, step_ids: Iterable[int]) -> StepStats:
    where, ids = _ids_clause(step_ids)
    conn = project.db.conn
    count, scored, average = conn.execute(
        f"SELECT count(*), count(score), avg(score) FROM evidence WHERE {where}", ids
    ).fetchone()
    stats = StepStats(count=count, scored=scored, average=average)
    nps_n, promoters, detractors = conn.execute(
        f"SELECT count(*), sum(score >= 9), sum(score <= 6) FROM evidence WHERE {where}"
        " AND score_scale = '0-10' AND score IS NOT NULL",
        ids,
    ).fetchone()
    if nps_n:
        stats.nps = 100.0 * (promoters - detractors) / nps_n
    csat_n, happy = conn.execute(
        f"SELECT count(*), sum(score >= 4) FROM evidence WHERE {where}"
        " AND score_scale = '1-5' AND score IS NOT NULL",
        ids,
    ).fetchone()
    if csat_n:
        stats.csat = happy / csat_n
    if scored:
        (bad,) = conn.execute(
            f"SELECT count(*) FROM evidence WHERE {where} AND {DETRACTOR_SQL}", ids
        ).fetchone()
        stats.detractor_share = bad / scored
    stats.by_month = [
        (month, n, avg)
        for month, n, avg in conn.execute(
            f"SELECT substr(date, 1, 7) AS month, count(*), avg(score) FROM evidence"
            f" WHERE {where} AND date IS NOT NULL GROUP BY month ORDER BY month",
            ids,
        )
    ]
    return stats


@dataclass
class BrightSpot:
    step_id: int
    title: str
    positive_share: float
    scored: int
    praise: list[str] = field(default_factory=list)


def bright_spots(project: Project, min_scored: int = 5, limit: int = 10) -> list[BrightSpot]:
    """Steps whose scored evidence is most often positive (at least ``min_scored`` answers),
    with up to three verbatims each that praise someone by name."""
    rows = project.db.conn.execute(
        "SELECT es.step_id, count(e.score), sum(CASE WHEN " + POSITIVE_SQL + " THEN 1 ELSE 0 END)"
        " FROM evidence_step es JOIN evidence e ON e.id = es.evidence_id"
        " WHERE e.score IS NOT NULL GROUP BY es.step_id"
    ).fetchall()
    spots = [
        BrightSpot(step_id, project.step(step_id).title, positive / scored, scored)
        for step_id, scored, positive in rows
        if scored >= min_scored and project.has_step(step_id)
    ]
    spots.sort(key=lambda s: (-s.positive_share, -s.scored, s.title))
    spots = spots[:limit]
    for spot in spots:
        for (text,) in project.db.conn.execute(
            "SELECT e.text FROM evidence e JOIN evidence_step es ON es.evidence_id = e.id"
            " WHERE es.step_id = ? AND " + POSITIVE_SQL + " ORDER BY e.date DESC",
            (spot.step_id,),
        ):
            if named_praise(text) and len(spot.praise) < 3 and text not in spot.praise:
                spot.praise.append(text)
    return spots


def named_praise(text: str) -> str | None:
    """The name of the person a verbatim praises, if it praises someone by name.

    The verbatim must hold a praise word (PRAISE), and a name: a capitalised word (of three
    letters or more, not one of NOT_NAMES) that is credited, after "thanks", "thank you",
    "kudos to", "shout-out to", "props to", "credit to", "by" or "from" ("thanks
    Marco!", "Great demo by Anna"), or that does something, before "was", "helped", "made",
    "really", "from", "in", ... ("Priya from support solved it"). A sentence's first word is
    capitalised whatever it is, so it counts only before a cue that follows people rather
    than things (PERSON_CUES: "Priya made", not "Onboarding was"). The first name found, in
    the text's order, is the one returned."""
    if not PRAISE.search(text):
        return None
    found = [(m.start(1), m.group(1)) for m in CREDITED.finditer(text)]
    for m in DOING.finditer(text):
        if m.group(2) in PERSON_CUES or not _starts_sentence(text, m.start(1)):
            found.append((m.start(1), m.group(1)))
    return next((name for _, name in sorted(found) if name not in NOT_NAMES), None)


def _starts_sentence(text: str, at: int) -> bool:
    """Whether the word at ``at`` opens the text, a line or a sentence (after . ! ? : ;)."""
    i = at
    while i and text[i - 1] in " \t":
        i -= 1
    return i == 0 or text[i - 1] in ".!?:;\n\r"


@dataclass
class Detractor:
    evidence_id: int
    customer_id: str
    date: str | None
    score: float | None
    score_scale: str
    source: str
    text: str
    steps: str
    status: str = "open"
    owner: str = ""


def detractors(project: Project) -> Iterator[Detractor]:
    """The close-the-loop list, newest first, streamed from SQLite. The steps of each item
    are read a page at a time, for the items of that page only: a list that shows its first
    2,000 reads the steps of 2,000, not of every detractor."""
    titles = {s.id: s.title for s in project.step_views()}
    conn = project.db.conn
    cursor = conn.execute(
        "SELECT e.id, e.customer_id, e.date, e.score, e.score_scale, e.source, e.text,"
        " coalesce(f.status, 'open'), coalesce(f.owner, '') FROM evidence e"
        " LEFT JOIN follow_up f ON f.evidence_id = e.id"
        " WHERE " + DETRACTOR_SQL + " ORDER BY e.date DESC, e.id"
    )
    while page := cursor.fetchmany(_DETRACTOR_PAGE):
        steps_of: dict[int, list[str]] = {}
        for evidence_id, step_id in conn.execute(
            "SELECT evidence_id, step_id FROM evidence_step WHERE evidence_id IN"
            " (SELECT value FROM json_each(?)) ORDER BY evidence_id, step_id",
            (json.dumps([row[0] for row in page]),),
        ):
            steps_of.setdefault(evidence_id, []).append(titles.get(step_id, ""))
        for evidence_id, customer, date, score, scale, source, text, status, owner in page:
            steps = "; ".join(steps_of.get(evidence_id, []))
            yield Detractor(
                evidence_id, customer, date, score, scale, source, text, steps, status, owner
            )


_DETRACTOR_PAGE = 1000


def detractor_ids_at(project: Project, step_ids: Iterable[int]) -> list[int]:
    """The detractor evidence linked to any of ``step_ids`` (backing for a new pain)."""
    where, ids = _ids_clause(step_ids)
    rows = project.db.conn.execute(
        f"SELECT id FROM evidence WHERE {where} AND {DETRACTOR_SQL} ORDER BY id", ids
    )
    return [r[0] for r in rows]
