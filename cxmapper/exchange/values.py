"""Dates, scores and score scales as survey and ticket tools write them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?")
_SLASHED = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_EU = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")

DATE_ORDERS = ("auto", "dmy", "mdy")


def parse_date(text: str, order: str = "mdy") -> str | None:
    """An ISO date (YYYY-MM-DD) from ISO, slashed (10/03/2026 09:15:22 AM) or European
    (03.10.2026) forms; None for an empty cell; ValueError when it cannot be read.

    ``order`` says how to read a slashed date: "mdy" (as US tools write it) or "dmy". It is
    decided once per column (see :func:`slashed_order`), never per value, so one file cannot
    mix the two readings."""
    text = text.strip()
    if not text:
        return None
    if m := _ISO.match(text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _SLASHED.match(text):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        mo, d = (b, a) if order == "dmy" else (a, b)
    elif m := _EU.match(text):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    else:
        raise ValueError(f"“{text[:40]}” is not a date")
    return dt.date(y, mo, d).isoformat()


@dataclass
class SlashedDates:
    """What the slashed dates of one column say about their order: an example of each kind."""

    day_first: str = ""  # the first part cannot be a month (25/03/2026)
    month_first: str = ""  # the second part cannot be a month (03/25/2026)
    ambiguous: str = ""  # either reading is a date, and they differ (03/04/2026)

    @property
    def order(self) -> str:
        """dmy or mdy; month-first (the US default) when nothing decides it."""
        return "dmy" if self.day_first and not self.month_first else "mdy"


def slashed_order(values: Iterable[str]) -> SlashedDates:
    """Evidence of the day/month order from all the (distinct) values of a date column."""
    found = SlashedDates()
    for value in values:
        m = _SLASHED.match(value.strip())
        if m is None:
            continue
        a, b = int(m[1]), int(m[2])
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
    if not text:
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
