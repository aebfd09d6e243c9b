"""Counts in sentences: "1 item", "2 items", "1,204 rows"."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str = "", *, grouped: bool = False) -> str:
    """``n`` and ``noun``, plural unless ``n`` is 1 (``plural``, or ``noun`` + "s"); with
    thousands separators if ``grouped`` (as the window writes counts; the command line's
    output, which scripts read, has none)."""
    number = f"{n:,}" if grouped else str(n)
    return f"{number} {noun if n == 1 else plural or noun + 's'}"
