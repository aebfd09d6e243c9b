"""Dates and scores as survey and ticket tools write them."""

from __future__ import annotations

import datetime as dt
import functools
import re

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?")
_US = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_EU = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


@functools.lru_cache(maxsize=4096)  # exports repeat the same dates many times
def parse_date(text: str) -> str | None:
    """An ISO date (YYYY-MM-DD) from ISO, US (10/03/2026 09:15:22 AM) or European
    (03.10.2026) forms; None for an empty cell; ValueError when it cannot be read.

    A slashed date is read month-first (as US tools write it) unless the first number cannot
    be a month."""
    text = text.strip()
    if not text:
        return None
    if m := _ISO.match(text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _US.match(text):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        mo, d = (a, b) if a <= 12 else (b, a)
    elif m := _EU.match(text):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    else:
        raise ValueError(f"“{text[:40]}” is not a date")
    return dt.date(y, mo, d).isoformat()


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


def infer_scale(scores: list[float]) -> str:
    """The scale scores were given on, when the export does not say: 1-5 or 0-10."""
    if not scores:
        return ""
    low, high = min(scores), max(scores)
    if low >= 1 and high <= 5:
        return "1-5"
    if low >= 0 and high <= 10:
        return "0-10"
    return f"{low:g}-{high:g}"
