"""Dates, scores and score scales as survey and ticket tools write them."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import compress

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?")
# Day and month in either order, then the year (four digits, or two as a spreadsheet writes
# it when it re-saves a CSV: 9/8/18 15:29), separated by one of / - . used twice alike.
_SLASHED = re.compile(
    r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})"
    r"(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp]\.?[Mm]\.?)?)?$"
)

DATE_ORDERS = ("auto", "dmy", "mdy")
# A two-digit year at or below this is in the 2000s, above it in the 1900s (as spreadsheets
# read them: 18 is 2018, 85 is 1985).
CENTURY_PIVOT = 69

# What R, pandas and spreadsheets write for a missing value: an empty cell to an import.
MISSING_VALUES = frozenset(
    ("NA", "N/A", "n/a", "na", "NaN", "nan", "NAN", "null", "NULL", "Null", "-", "#N/A", "<NA>")
)
# For ``list(map(BLANKED.get, cells, cells))``: each missing value as "", any other cell as it
# is, at C speed.
BLANKED = dict.fromkeys(MISSING_VALUES, "")
# Typed for "nothing to say" in a verbatim box, besides the markers.
TEXT_MARKERS = MISSING_VALUES | {"None", "none", "n.a.", "N.A."}
MARKER_LENGTH = max(map(len, TEXT_MARKERS)) + 1  # a cell this long or longer is no marker
# In a verbatim, only what software writes for a missing value: "N/A" or "-" typed by a
# respondent is their answer.
WRITTEN_MISSING = frozenset(("NA", "NaN", "nan", "NAN", "null", "NULL", "#N/A", "<NA>"))
TEXT_BLANKED = dict.fromkeys(WRITTEN_MISSING, "")
# ... unless the same few are typed again and again: then they are the survey tool's (or a
# script's) way of writing "no answer", and read as no text.
REPEATED_MARKERS = 10  # at least this many, and
REPEATED_SHARE = 0.05  # this share of the rows


def repeated_markers(texts: list[str]) -> dict[str, str]:
    """The missing-value markers (N/A, -, None…) that stand alone in so many verbatims that
    they mean "no answer", each mapped to "" (empty when none do)."""
    short = compress(texts, map(MARKER_LENGTH.__gt__, map(len, texts)))
    found = Counter(filter(TEXT_MARKERS.__contains__, short))
    if sum(found.values()) < max(REPEATED_MARKERS, REPEATED_SHARE * len(texts)):
        return {}
    return dict.fromkeys(found, "")


# Qualtrics writes -99 for a question the respondent saw but did not answer: in its exports
# that is a missing value in every column, the verbatim and the score included.
QUALTRICS_UNANSWERED = "-99"
TOOL_MISSING: dict[str, frozenset[str]] = {"qualtrics": frozenset((QUALTRICS_UNANSWERED,))}


def missing_values(format: str) -> frozenset[str]:
    """The markers of a missing value in an export of ``format`` (qualtrics, generic...)."""
    return MISSING_VALUES | TOOL_MISSING.get(format, frozenset())


def blank_missing(cells: list[str]) -> list[str]:
    """``cells`` with each missing-value marker (NA, N/A, NaN, null, -, #N/A) made empty."""
    return list(map(BLANKED.get, cells, cells))


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= CENTURY_PIVOT else 1900
    return year


def parse_date(text: str, order: str = "auto") -> str | None:
    """An ISO date (YYYY-MM-DD) from ISO (2026-10-03 09:15), slashed, dashed or dotted forms
    (10/03/2026 09:15:22 AM, 03-10-2026, 03.10.26); None for an empty or missing cell;
    ValueError when it cannot be read.

    ``order`` says how to read day and month: "mdy" (as US tools write them) or "dmy"; "auto"
    reads dotted dates day-first and the others month-first, as the custom goes, for a
    single value. The importer never reads "auto": it decides the order once per column from
    its values (see :func:`slashed_order`), never per value, so one file cannot mix the two
    readings, and it refuses a column no value decides unless the user says the order."""
    text = text.strip()
    if not text or text in MISSING_VALUES:
        return None
    if m := _ISO.match(text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _SLASHED.match(text):
        a, b, y = int(m[1]), int(m[3]), _year(m[4])
        if order == "auto":
            order = "dmy" if m[2] == "." else "mdy"
        mo, d = (b, a) if order == "dmy" else (a, b)
    else:
        raise ValueError(f"“{text[:40]}” is not a date")
    return dt.date(y, mo, d).isoformat()


def date_like(text: str) -> bool:
    """Whether ``text`` has the form of a date (it may still be no real day)."""
    return bool(_ISO.match(text) or _SLASHED.match(text))


@dataclass
class SlashedDates:
    """What the day-month dates of one column say about their order: an example of each."""

    day_first: str = ""  # the first part cannot be a month (25/03/2026)
    month_first: str = ""  # the second part cannot be a month (03/25/2026)
    ambiguous: str = ""  # either reading is a date, and they differ (03/04/2026)

    @property
    def order(self) -> str:
        """dmy or mdy as the values show it; "" when no value decides (both parts of every
        date are 12 or less) or when they contradict each other."""
        if self.day_first and not self.month_first:
            return "dmy"
        if self.month_first and not self.day_first:
            return "mdy"
        return ""

    @property
    def undecidable(self) -> bool:
        """Whether the column could be read either way with different days: no value
        decides the order and some would change with it (03/04/2026; 03/03/2026 would not)."""
        return bool(self.ambiguous) and not self.day_first and not self.month_first


def slashed_order(values: Iterable[str]) -> SlashedDates:
    """Evidence of the day/month order from all the (distinct) values of a date column."""
    found = SlashedDates()
    for value in values:
        m = _SLASHED.match(value.strip())
        if m is None:
            continue
        a, b = int(m[1]), int(m[3])
        if a > 12 >= b:
            found.day_first = found.day_first or value
        elif b > 12 >= a:
            found.month_first = found.month_first or value
        elif a != b and a <= 12 and b <= 12:
            found.ambiguous = found.ambiguous or value
    return found


def parse_score(text: str) -> float | None:
    """A number, with a decimal comma or point ("4,5", "4.5"); None for an empty cell."""
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if not text or text in MISSING_VALUES:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("not a finite number")
    return value


ZENDESK_SATISFACTION = {"good": 1.0, "bad": 0.0}


def zendesk_score(text: str) -> float | None:
    """Zendesk satisfaction: Good → 1, Bad → 0 (scale "good-bad"); Offered/Unoffered → none."""
    return ZENDESK_SATISFACTION.get(text.strip().lower())


_SCALE = re.compile(r"^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$")
# Words in a score column's name (or question) that mean the 0-10 "recommend" question: a
# file of NPS answers that happen to be 3s and 4s is still on 0-10, not 1-5.
_NPS_HINT = re.compile(r"\bnps\b|recommend|likely|(?<!\d)0\s*(?:-|–|to)\s*10(?!\d)", re.I)


def check_scale(text: str) -> str:
    """A scale as the user wrote it ("0-10", "1-5", "1-7", "good-bad"); ValueError if it is
    not one."""
    text = text.strip().lower().replace(" ", "")
    m = _SCALE.match(text)
    if text != "good-bad" and (m is None or float(m[1]) >= float(m[2])):
        raise ValueError(text)
    return text


# A scale a header or question states in so many words: "Satisfaction (1-5)", "1 to 7".
_STATED_RANGE = re.compile(r"(?:^|[\s(\[])(0|1)\s*(?:-|–|to)\s*(5|6|7|10)(?![\d.])", re.I)


def stated_scale(hint: str) -> str:
    """The scale a score column's header or question states, "" if it states none: the
    recommend question (NPS, "likely to recommend") is on 0-10, and a range written in it
    ("Satisfaction (1-5)") is that range. A value outside it is a mistake in the file, which
    the import refuses, never a reason to stretch the scale."""
    if m := _STATED_RANGE.search(hint):
        return f"{m[1]}-{m[2]}"
    return "0-10" if _NPS_HINT.search(hint) else ""


def scale_bounds(scale: str) -> tuple[float, float] | None:
    """The lowest and highest score on a numeric scale ("0-10" -> (0, 10)); None for a scale
    of words (good-bad) or one written otherwise."""
    m = _SCALE.match(scale.strip().replace(" ", ""))
    return (float(m[1]), float(m[2])) if m else None


def infer_scale(scores: Iterable[float], hint: str = "") -> str:
    """The scale scores were given on, when the export does not say: 0-10 when ``hint`` (the
    score column's name or question) names the recommend question, else 1-5 or 0-10 from the
    values."""
    values = list(scores)
    if not values:
        return ""
    low, high = min(values), max(values)
    if _NPS_HINT.search(hint) and low >= 0 and high <= 10:
        return "0-10"
    if low >= 1 and high <= 5:
        return "1-5"
    if low >= 0 and high <= 10:
        return "0-10"
    return f"{low:g}-{high:g}"
