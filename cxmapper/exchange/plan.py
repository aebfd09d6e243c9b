"""What an import plans and reports: the plan (layout, items, skips, warnings), its items as
columns, and refusals and warnings kept as notices for each front end to word.

Refusals and warnings that advise an action (map a column, choose the date order) carry it as
an :class:`Advice` for each front end to word for its own controls: ``str()`` gives the
command line's words, the import wizard its own (``Notice.worded``).
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, overload

from cxmapper.exchange.formats import Layout
from cxmapper.exchange.steps import StepMatch
from cxmapper.exchange.tabular import ImportFailure
from cxmapper.model.entities import ImportBatch


class ImportCancelled(Exception):
    pass


class Advice(enum.Enum):
    """What a refusal or warning advises the user to do, worded by each front end for its
    own controls (the command line's options, the wizard's pages)."""

    MAP_TEXT_OR_SCORE = "map a text or score column"
    CHOOSE_DATE_ORDER = "choose day-first or month-first dates"
    REMOVE_EARLIER_IMPORT = "remove the earlier import"
    CONFIRM_GUESS = "confirm or leave a doubtful column"
    MAP_TEXT = "map the verbatim column, if there is one"
    OTHER_TEXT = "map another verbatim column"
    USE_GUESS = "map a column that was left out as a guess"


# The command line's words: ``str()`` of a notice or refusal.
CLI_ADVICE: dict[Advice, str] = {
    Advice.MAP_TEXT_OR_SCORE: "map one with --map text=COLUMN or --map score=COLUMN",
    Advice.CHOOSE_DATE_ORDER: (
        "import again with --date-order dmy (day first) or --date-order mdy (month first)"
    ),
    Advice.REMOVE_EARLIER_IMPORT: "remove that import first",
    Advice.CONFIRM_GUESS: (
        "confirm it with --map {field}={column}, or leave it with --map {field}=none"
    ),
    Advice.MAP_TEXT: "if a column holds them, map it with --map text=COLUMN",
    Advice.OTHER_TEXT: "to take another, map it with --map text=COLUMN",
    Advice.USE_GUESS: "to use it, map it with --map {field}={column}",
}


@dataclass(frozen=True)
class Notice:
    """One sentence of a refusal or warning: ``before`` + the advice in a front end's words
    + ``after`` (without advice, ``before`` alone)."""

    before: str
    advice: Advice | None = None
    after: str = ""
    args: tuple[tuple[str, str], ...] = ()  # what the advice's words name: (key, value)

    def worded(self, wording: Mapping[Advice, str]) -> str:
        if self.advice is None:
            return self.before + self.after
        return self.before + wording[self.advice].format_map(dict(self.args)) + self.after

    def renamed(self, old: str, new: str) -> Notice:
        """The notice naming file ``new`` where it named ``old`` (quoted, as “old”)."""
        old, new = f"“{old}”", f"“{new}”"
        return replace(
            self, before=self.before.replace(old, new), after=self.after.replace(old, new)
        )

    def __str__(self) -> str:
        return self.worded(CLI_ADVICE)


class AdvisedFailure(ImportFailure):
    """A refusal kept as a notice, so that each front end words its advice (if it has
    one); ``str()`` is the command line's sentence."""

    def __init__(self, notice: Notice) -> None:
        super().__init__(str(notice))
        self.notice = notice


def notice_of(error: ImportFailure) -> Notice:
    """A refusal as a notice, for a front end to word."""
    return error.notice if isinstance(error, AdvisedFailure) else Notice(str(error))


class Items(Sequence[tuple[Any, ...]]):
    """The items a plan imports, kept as columns in the store's IMPORT_COLUMNS order (kind,
    source, external_id, date, customer_id, score, score_scale, channel, text); iterating
    yields each item's tuple, ready to write.

    Columns rather than a tuple per item: 100,000 tuples, built and then scanned by the
    garbage collector, took a tenth of the time of planning a 100,000-row file."""

    def __init__(self, columns: Sequence[list[Any]] = ()) -> None:
        self.columns = list(columns)
        self._n = len(self.columns[0]) if self.columns else 0

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return zip(*self.columns, strict=True)

    @overload
    def __getitem__(self, index: int) -> tuple[Any, ...]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[Any, ...]]: ...

    def __getitem__(self, index: int | slice) -> tuple[Any, ...] | list[tuple[Any, ...]]:
        if isinstance(index, slice):
            return list(zip(*(c[index] for c in self.columns), strict=True))
        if not -self._n <= index < self._n:
            raise IndexError("item index out of range")
        return tuple(c[index] for c in self.columns)


@dataclass
class ImportPlan:
    path: Path
    layout: Layout
    rows: list[list[str]]  # the header rows and the first PREVIEW_ROWS data rows, as read
    encoding: str
    delimiter: str
    evidence: Items = field(default_factory=Items)  # the items to import, ready to write
    step_values: list[str] = field(default_factory=list)  # per item, its step cell ("" if none)
    skipped: Counter[str] = field(default_factory=Counter)
    step_matches: dict[str, StepMatch] = field(default_factory=dict)
    warnings: list[Notice] = field(default_factory=list)

    @property
    def header(self) -> list[str]:
        return self.layout.header

    def column_of(self, name: str) -> str | None:
        index = self.layout.mapping.get(name)
        return None if index is None else self.header[index]

    def preview(self, n: int = 20) -> list[list[str]]:
        return self.rows[self.layout.data_start : self.layout.data_start + n]


@dataclass
class ImportResult:
    batch: ImportBatch
    imported: int
    linked: int
    skipped: Counter[str]
    unmatched_steps: list[str]
