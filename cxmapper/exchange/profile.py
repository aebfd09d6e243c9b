"""Understanding an export's columns from what they hold, not only from what they are called.

Every column is profiled on a sample of its rows (share empty, distinct share, numbers and
their range, dates, typical length and words per value); each field then takes the column
whose header hints (:mod:`hints`) and contents fit it best, with a confidence from 0 to 1:

- the verbatim (text) is free text: long, varied, several words a value; never a small set
  of repeated codes, digits or dates, whatever its header says;
- a score is a number on a known scale (0-10, 1-5, 1-7, 1-10), so a Yes/No column is never
  one; a number column whose header states its scale (NPS, "likely to recommend", "(1-5)")
  is the score whatever its values, so that a value off the scale is refused by the import
  rather than silently moving the score to another column;
- an id is unique in the file; a date parses as one.

Columns are compared by their names and contents, never by their place, so the same columns
in another order get the same mapping.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

from cxmapper.exchange.hints import hint
from cxmapper.exchange.values import MISSING_VALUES, date_like, parse_score, stated_scale

SAMPLE_ROWS = 2000  # rows profiled; the import then checks every row against the mapping
# Scales a score column may be on: (lowest, highest) a value may take.
KNOWN_SCALES = ((0, 10), (1, 5), (1, 7), (1, 10), (1, 6), (0, 5))
# Below this a guess is not made; below LOW_CONFIDENCE it is a doubtful one (the command line
# asks for --map rather than import with it).
MIN_CONFIDENCE = 0.3
LOW_CONFIDENCE = 0.5
# Fields a column may take on its contents alone; the others need a header hint.
BY_CONTENT = frozenset(("text", "score", "date", "id"))
# A free-text column filled in by fewer than this share of the rows is taken as the verbatim
# only when its header says so.
RARE = 0.1
# Repetition is evidence only where there are enough values to see it: below this many filled
# cells (a small file of five comments) a column is not judged a set of repeated answers.
REPEATS_SEEN = 8
# A column is a set of repeated answers (choices, Likert labels, codes) when it holds at most
# this share of different values, or when most of its cells repeat another cell's value and
# its values are as short as a label.
LABELS_DISTINCT = 0.5
LABELS_REPEATED = 0.5
LABEL_WORDS = 6  # "Ni de acuerdo ni en desacuerdo"
_NUMBER_START = frozenset("0123456789+-.,")
VETOED = 0.4  # the confidence in a column its name alone chose
NUMERIC = 0.95  # the share of a column's filled cells that are numbers for it to be a number


@dataclass(frozen=True)
class ColumnProfile:
    """What one column holds, from a sample of its rows (missing-value markers as empty)."""

    rows: int  # cells sampled
    filled: int  # of them not empty
    distinct: int  # different filled values
    numbers: int  # filled cells that are numbers
    integers: bool  # every number is whole
    low: float
    high: float
    dates: int  # filled cells in the form of a date
    emails: int  # filled cells with an @ between words
    length: float  # characters per filled cell, on average
    words: float  # words per filled cell, on average
    samples: tuple[str, ...]  # the first few different values, for the user to see
    repeated: int = 0  # filled cells whose value another cell holds too

    @property
    def empty_share(self) -> float:
        return 1 - self.filled / self.rows if self.rows else 1.0

    @property
    def distinct_share(self) -> float:
        return self.distinct / self.filled if self.filled else 0.0

    @property
    def repeated_share(self) -> float:
        return self.repeated / self.filled if self.filled else 0.0

    @property
    def labels(self) -> bool:
        """Whether the column is a small set of repeated answers (Likert labels such as
        "Agree" / "Strongly agree", choices, codes) rather than free text: few different
        values, or short values most of which repeat, among enough cells to tell."""
        if self.filled < REPEATS_SEEN:
            return False
        if self.distinct_share <= LABELS_DISTINCT:
            return True
        return self.repeated_share >= LABELS_REPEATED and self.words <= LABEL_WORDS

    @property
    def numeric_share(self) -> float:
        return self.numbers / self.filled if self.filled else 0.0

    @property
    def date_share(self) -> float:
        return self.dates / self.filled if self.filled else 0.0

    @property
    def scale(self) -> tuple[int, int] | None:
        """The smallest known scale all its numbers fit, if they are whole and all numbers."""
        if self.numbers == 0 or self.numeric_share < NUMERIC or not self.integers:
            return None
        fits = [s for s in KNOWN_SCALES if s[0] <= self.low and self.high <= s[1]]
        return min(fits, key=lambda s: s[1] - s[0]) if fits else None


def profile_column(cells: Sequence[str], missing: frozenset[str] = MISSING_VALUES) -> ColumnProfile:
    """The profile of one column's (sampled) cells; the ``missing`` markers count as empty."""
    counts = Counter(map(str.strip, cells))
    for marker in missing & counts.keys():
        counts[""] += counts.pop(marker)
    empty = counts.pop("", 0)
    filled = len(cells) - empty
    numbers = dates = emails = 0
    chars = words = 0
    low, high, integers = float("inf"), float("-inf"), True
    for value, n in counts.items():
        chars += len(value) * n
        words += len(value.split()) * n
        number = None
        if value[:1] in _NUMBER_START:  # (a cheap test first: most free text is no number)
            try:
                number = parse_score(value)
            except ValueError:
                number = None
        if number is not None:
            numbers += n
            low, high = min(low, number), max(high, number)
            integers = integers and number.is_integer()
        elif value[:1].isdigit() and date_like(value):
            dates += n
        elif "@" in value and " " not in value:
            emails += n
    return ColumnProfile(
        rows=len(cells),
        filled=filled,
        distinct=len(counts),
        numbers=numbers,
        integers=integers,
        low=low if numbers else 0.0,
        high=high if numbers else 0.0,
        dates=dates,
        emails=emails,
        length=chars / filled if filled else 0.0,
        words=words / filled if filled else 0.0,
        samples=tuple(list(counts)[:5]),
        repeated=sum(n for n in counts.values() if n > 1),
    )


def profile_rows(
    rows: Sequence[Sequence[str]], width: int, missing: frozenset[str] = MISSING_VALUES
) -> list[ColumnProfile]:
    """Profiles of the ``width`` columns of the data rows (the first SAMPLE_ROWS), the
    ``missing`` markers counted as empty."""
    sample = rows[:SAMPLE_ROWS]
    if any(len(row) < width for row in sample):  # short rows: pad them (the import refuses)
        sample = [[*row, *[""] * (width - len(row))] for row in sample]
    return [profile_column(list(map(itemgetter(i), sample)), missing) for i in range(width)]


def _wordy(p: ColumnProfile) -> bool:
    """Words rather than numbers, dates or e-mail addresses."""
    return bool(p.filled) and max(p.numeric_share, p.date_share, p.emails / p.filled) <= 0.5


def free_text(p: ColumnProfile) -> float:
    """How much a column reads as the customers' own words, 0 to 1: 0 for numbers, dates,
    e-mail addresses and a small set of repeated answers (choices, Likert labels, codes)."""
    if not _wordy(p):
        return 0.0
    if p.labels:
        return 0.0  # the same few answers again and again
    wordy = min(1.0, p.words / 5)
    # Of two free-text columns, the one most customers filled in is the verbatim, not an
    # "Other, please specify" box.
    filled = 0.5 + 0.5 * (1 - p.empty_share)
    return wordy * (0.4 + 0.6 * p.distinct_share) * filled


def content_fit(name: str, p: ColumnProfile, stated: bool = False) -> float:
    """How well a column's contents fit field ``name``, 0 (never) to 1. ``stated``: the
    column's header states the scale of its scores (NPS, "likely to recommend")."""
    if not p.filled:
        return 0.0
    if name == "text":
        return free_text(p)
    if name == "score":
        if p.scale is not None:
            return 1.0
        if stated and p.numeric_share >= NUMERIC:
            # The header says what the numbers are; one off the scale is the file's mistake
            # (the import names it), not a sign that another column is the score.
            return 1.0
        if p.numeric_share >= NUMERIC and p.low >= 0 and p.high <= 10:
            return 0.6  # averages or half points on a 0-10 scale
        return 0.0
    if name == "date":
        return p.date_share if p.date_share >= 0.9 else 0.0
    if name == "id":
        if p.distinct != p.filled or p.words > 1 or p.date_share > 0.5:
            return 0.0
        if p.numbers and not p.integers:
            return 0.0
        return 1.0 - p.empty_share
    if name == "customer_id":
        return 1.0 if p.emails else (0.8 if p.words <= 3 else 0.3)
    if name == "score_scale":
        return 1.0 if p.distinct <= 5 else 0.0
    # channel, step, source: a set of names that repeat.
    return 1.0 if p.words <= 8 and (p.distinct <= 50 or p.distinct_share < 0.5) else 0.3


def confidence(name: str, header_hint: float, p: ColumnProfile, stated: bool = False) -> float:
    """The confidence that a column is field ``name``, from its header hint (0 to 1) and its
    contents (``stated``: see :func:`content_fit`). Contents that cannot be the field veto
    any header; a column the contents fit without a header hint is a guess of middling
    confidence at most."""
    if not p.filled:
        return 0.0  # a column with no values says nothing, whatever it is called
    fit = content_fit(name, p, stated and header_hint > 0)
    if fit == 0.0:
        # A column called just "Date" or "Score" whose cells are not that is a doubtful
        # guess, kept so that the import names the first cell that does not parse (a text
        # column is never kept against its contents).
        return VETOED if header_hint == 1.0 and name in ("date", "score") else 0.0
    if name not in BY_CONTENT and header_hint < 0.6:
        return 0.0  # a channel or a step named only in passing by a long question
    if header_hint == 0.0:
        if name == "text" and p.empty_share > 1 - RARE:
            return 0.0  # a box few filled in (an "Other, please specify") is no verbatim
        # Free text is told by its contents well; a number column or a unique column alone
        # says little (every Likert answer is a number, every row of one response is unique).
        weight = {"text": 0.8, "date": 0.55, "score": 0.25, "id": 0.25}[name]
        return round(weight * fit, 2)
    return round(min(1.0, 0.6 * header_hint + 0.4 * fit + (0.1 if fit >= 0.9 else 0.0)), 2)


@dataclass
class Choice:
    """The column chosen for a field, and how sure the choice is."""

    column: int
    confidence: float


def choose_fields(
    header: Sequence[str],
    profiles: Sequence[ColumnProfile],
    questions: Sequence[str] = (),
    fields: Sequence[str] = ("id", "date", "customer_id", "score", "channel", "text", "step"),
) -> dict[str, Choice]:
    """Each field's column, the most confident first: a column serves one field. Ties go by
    header name, never by position, so the order of the columns does not matter."""
    scored: list[tuple[float, int, str, int, str]] = []
    for i, (name, p) in enumerate(zip(header, profiles, strict=False)):
        question = questions[i] if i < len(questions) else ""
        stated = bool(stated_scale(f"{name} {question}"))
        for rank, field in enumerate(fields):
            c = confidence(field, hint(field, name, question), p, stated and field == "score")
            if c >= MIN_CONFIDENCE:
                scored.append((-c, rank, name, i, field))
    chosen: dict[str, Choice] = {}
    used: set[int] = set()
    for c, _rank, _name, i, field in sorted(scored):
        if field not in chosen and i not in used:
            chosen[field] = Choice(i, -c)
            used.add(i)
    return chosen
