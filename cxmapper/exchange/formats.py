"""Recognising the survey and ticket exports consultants bring, and mapping their columns.

Recognised layouts (their header rows are headers, never responses):

- Qualtrics, current: three header rows (export tags, question texts, {"ImportId": ...});
  2016-17: the same with {'ImportId': ...} in single quotes; legacy: V1…V10 tags, then the
  question row. A ``_TEXT`` column (its ImportId or tag ends so) holds typed-in answers.
- SurveyMonkey: two header rows (question texts, then "Response" / "Open-Ended Response").
- Typeform: a ``#`` column (the response token: the item id, not the Network ID).
- Zendesk tickets (Id, Subject, Satisfaction Score, Created at, ...), Freshdesk tickets
  (Ticket ID, Subject, Description, Created time, ...), Intercom conversations
  (Conversation ID, ...).
- Anything else (Google Forms, Microsoft Forms, Trustpilot or App Store review exports, R
  and pandas writes) is generic.

In every layout the columns are profiled (:mod:`profile`) and each field takes the column
whose header and contents fit it best, with a confidence; what a tool's own columns say (a
Qualtrics ResponseId, a SurveyMonkey Respondent ID) is taken as certain.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cxmapper.exchange.hints import hint
from cxmapper.exchange.hints import words as words
from cxmapper.exchange.profile import (
    Choice,
    ColumnProfile,
    choose_fields,
    confidence,
    free_text,
    profile_rows,
)
from cxmapper.exchange.values import missing_values

FIELDS = ("id", "date", "customer_id", "score", "score_scale", "channel", "text", "step", "source")
FORMATS = ("qualtrics", "surveymonkey", "typeform", "zendesk", "freshdesk", "intercom", "generic")
# The formats whose rows are tickets or conversations rather than survey responses.
TICKET_FORMATS = frozenset(("zendesk", "freshdesk", "intercom"))
# The order fields claim columns in when their headers match alike: a "Customer ID" header
# is the customer before it is an id.
PRIORITY = ("customer_id", "id", *(f for f in FIELDS if f not in ("customer_id", "id")))
# Fields guessed from the header row alone: a question text saying "On a scale from 0-10"
# is the score's question, never a column of scales.
HEADER_ONLY = frozenset({"score_scale", "source"})


@dataclass
class Layout:
    format: str
    header: list[str]  # the column names shown to the user
    data_start: int  # index of the first data row
    mapping: dict[str, int] = field(default_factory=dict)  # field -> column index
    kind: str = "survey"
    score_scale: str = ""
    hints: dict[int, str] = field(default_factory=dict)  # column -> its question text
    confidence: dict[str, float] = field(default_factory=dict)  # field -> 0..1, as guessed
    profiles: list[ColumnProfile] = field(default_factory=list)  # per column, from a sample
    # field -> other columns that fit it exactly as well as the one chosen (told to the user)
    rivals: dict[str, list[int]] = field(default_factory=dict)

    def sample(self, index: int) -> tuple[str, ...]:
        """A few different values of column ``index``, for the user to see."""
        return self.profiles[index].samples if 0 <= index < len(self.profiles) else ()

    def doubtful(self, threshold: float) -> list[str]:
        """The mapped fields guessed with a confidence below ``threshold``."""
        return [f for f in self.mapping if self.confidence.get(f, 1.0) < threshold]


def _cells(rows: list[list[str]], n: int) -> list[str]:
    return [c.strip() for c in rows[n]] if len(rows) > n else []


def detect(rows: list[list[str]], wanted: str = "auto") -> Layout:
    """The export's format and a first guess of its column mapping, with confidences."""
    first, second, third = _cells(rows, 0), _cells(rows, 1), _cells(rows, 2)
    lower = {c.lower() for c in first}
    auto = wanted == "auto"
    if auto or wanted == "qualtrics":
        if any(c.startswith(('{"ImportId"', "{'ImportId'")) for c in third[:3]):
            return _qualtrics(rows, first, second, third)
        if first[:3] == ["V1", "V2", "V3"] and "responseid" in {c.lower() for c in second}:
            return _qualtrics_legacy(rows, first, second)
        if not auto:
            raise ValueError("it does not look like a Qualtrics export (no ImportId header row)")
    if auto and _is_surveymonkey(first, second):
        return _surveymonkey(rows, first, second)
    if wanted == "surveymonkey":
        if {"Response", "Open-Ended Response"} & set(second):
            return _surveymonkey(rows, first, second)
        raise ValueError("it does not look like a SurveyMonkey export (no Response header row)")
    if (auto or wanted == "typeform") and first[:1] == ["#"]:
        return _tool(rows, "typeform", first, {"id": ("#",)})
    if wanted == "typeform":
        raise ValueError("it does not look like a Typeform export (no # column)")
    if (
        (auto or wanted == "zendesk")
        and {"id", "subject"} <= lower
        and ("satisfaction score" in lower or "created at" in lower)
    ):
        return _zendesk(rows, first)
    if wanted == "zendesk":
        raise ValueError("it does not look like a Zendesk ticket export (no Id/Subject columns)")
    if (auto or wanted == "freshdesk") and {"ticket id", "subject"} <= lower:
        known: dict[str, tuple[str, ...]] = {
            "id": ("ticket id",),
            "date": ("created time",),
            "text": ("description",),
            "channel": ("source",),  # Email, Portal, Phone: how the ticket came
        }
        return _tool(rows, "freshdesk", first, known, kind="ticket")
    if wanted == "freshdesk":
        raise ValueError("it does not look like a Freshdesk export (no Ticket ID/Subject columns)")
    if (auto or wanted == "intercom") and "conversation id" in lower:
        known = {"id": ("conversation id",), "date": ("created at", "conversation started at")}
        return _tool(rows, "intercom", first, known, kind="ticket")
    if wanted == "intercom":
        raise ValueError("it does not look like an Intercom export (no Conversation ID column)")
    return _guess(Layout("generic", first, 1), rows)


def _guess(
    layout: Layout,
    rows: list[list[str]],
    questions: Sequence[str] = (),
    known: dict[str, int] | None = None,
) -> Layout:
    """``layout`` with its columns profiled and mapped: the ``known`` columns (what the tool's
    own columns say) as certain, the others chosen by their headers and contents."""
    missing = missing_values(layout.format)
    layout.profiles = profile_rows(rows[layout.data_start :], len(layout.header), missing)
    # A column with no values says nothing, whatever the tool calls it (SurveyMonkey leaves
    # Respondent ID blank in some exports): it is never mapped.
    known = {f: i for f, i in (known or {}).items() if layout.profiles[i].filled}
    if "score" not in known:
        layout.score_scale = ""  # the scale the tool gives belongs to its score column
    picked: dict[str, Choice] = {f: Choice(i, 1.0) for f, i in known.items()}
    taken = set(known.values())
    for name, choice in choose_fields(layout.header, layout.profiles, questions).items():
        if name not in picked and choice.column not in taken:
            picked[name] = choice
            taken.add(choice.column)
    # The scale of the scores and the source, only from a header that names them.
    empty = {i for i, p in enumerate(layout.profiles) if not p.filled}
    for name in HEADER_ONLY:
        at = _header_field(name, layout.header, taken | empty)
        if at is not None and name not in picked:
            picked[name] = Choice(at, 1.0)
            taken.add(at)
    layout.mapping = {f: c.column for f, c in picked.items()}
    layout.confidence = {f: c.confidence for f, c in picked.items()}
    return layout


def _header_field(name: str, header: Sequence[str], taken: set[int]) -> int | None:
    """The column whose header alone names field ``name`` (all of it, or nearly), if any is
    left."""
    best, at = 0.0, None
    for i, h in enumerate(header):
        if i not in taken and (strength := hint(name, h)) >= 0.85 and strength > best:
            best, at = strength, i
    return at


# Columns SurveyMonkey fills per respondent; its second header row leaves them blank.
_SURVEYMONKEY_META = frozenset(
    ("respondent id", "collector id", "start date", "end date", "ip address", "email address")
)


def _is_surveymonkey(first: list[str], second: list[str]) -> bool:
    """SurveyMonkey's signature: Respondent ID or Collector ID columns, and a second header
    row that says "Response" / "Open-Ended Response" under the questions and nothing under
    those respondent columns (a data row would hold the respondent's values there)."""
    meta = [i for i, c in enumerate(first) if c.lower() in _SURVEYMONKEY_META]
    if not any(first[i].lower() in ("respondent id", "collector id") for i in meta):
        return False
    if any(i < len(second) and second[i] for i in meta):
        return False
    return any(c in ("Response", "Open-Ended Response") for c in second)


def guess_mapping(header: list[str], texts: list[str] | None = None) -> dict[str, int]:
    """Field -> column index from header names (and question texts) alone: the strongest
    hint first, a column serving one field."""
    found: list[tuple[float, int, int, str]] = []
    for i, name in enumerate(header):
        question = texts[i] if texts and i < len(texts) else ""
        for rank, f in enumerate(PRIORITY):
            strength = hint(f, name, "" if f in HEADER_ONLY else question)
            if strength:
                found.append((-strength, rank, i, f))
    mapping: dict[str, int] = {}
    for _s, _rank, i, f in sorted(found):
        if f not in mapping and i not in mapping.values():
            mapping[f] = i
    return mapping


def _index(lower: list[str], *names: str) -> int | None:
    return next((lower.index(n) for n in names if n in lower), None)


def _tool(
    rows: list[list[str]],
    format: str,
    header: list[str],
    columns: Mapping[str, tuple[str, ...]],
    kind: str = "survey",
) -> Layout:
    """A tool's layout: the ``columns`` it names (field -> header names, lower case) as
    certain, the rest guessed."""
    lower = [h.lower() for h in header]
    known = {f: i for f, names in columns.items() if (i := _index(lower, *names)) is not None}
    return _guess(Layout(format, header, 1, kind=kind), rows, known=known)


def _qualtrics(
    rows: list[list[str]], tags: list[str], questions: list[str], import_ids: list[str]
) -> Layout:
    """Current and 2016-17 Qualtrics: tags, questions, then the ImportId row."""
    # An ImportId's "_TEXT" marks a typed-in answer, which the tag may not say.
    text_ids = {i for i, c in enumerate(import_ids) if re.search(r"_TEXT\b", c)}
    return _qualtrics_fields(Layout("qualtrics", tags, 3), rows, questions, text_ids)


def _qualtrics_legacy(rows: list[list[str]], tags: list[str], questions: list[str]) -> Layout:
    """Legacy Qualtrics: V1…V10 tags, which the question row names (ResponseID, EndDate…),
    then the question row; the data from the third row."""
    header = [
        q if re.fullmatch(r"V\d+", t) and q else t for t, q in zip(tags, questions, strict=False)
    ]
    header += tags[len(header) :]
    return _qualtrics_fields(Layout("qualtrics", header, 2), rows, questions, set())


def _qualtrics_fields(
    layout: Layout, rows: list[list[str]], questions: list[str], text_ids: set[int]
) -> Layout:
    lower = [t.lower() for t in layout.header]
    layout.hints = dict(enumerate(questions))
    qs = [q.lower() for q in questions] + [""] * (len(lower) - len(questions))
    known: dict[str, int] = {}
    for name, candidates in (
        ("id", ("responseid",)),
        ("date", ("recordeddate", "enddate")),
        ("customer_id", ("externalreference",)),
        ("channel", ("distributionchannel",)),
    ):
        if (i := _index(lower, *candidates)) is not None:
            known[name] = i
    for i, q in enumerate(qs):
        if "recommend" in q and not lower[i].endswith("_text") and "group" not in lower[i]:
            known["score"] = i
            layout.score_scale = "0-10"
            break
    layout = _guess(layout, rows, questions, known)
    # The verbatim: a typed-in answer ("_TEXT") whose contents read as free text, where one
    # reads so at least as well as the column guessed.
    # Of several, the one whose contents read most as free text; then the first by name,
    # never by place (the same columns in another order get the same verbatim).
    marked = text_ids | {i for i, t in enumerate(lower) if t.endswith("_text")}
    fits = {
        i: (confidence("text", 1.0, layout.profiles[i]), free_text(layout.profiles[i]))
        for i in sorted(marked - set(known.values()), key=lambda i: (layout.header[i], i))
    }
    fits = {i: fit for i, fit in fits.items() if fit[0]}
    if fits:
        best = max(fits, key=fits.__getitem__)
        if fits[best][0] >= layout.confidence.get("text", 0.0):
            _assign(layout, "text", best, fits[best][0])
            tied = [i for i, fit in fits.items() if fit == fits[best] and i != best]
            layout.rivals["text"] = tied
    return layout


def _assign(layout: Layout, name: str, index: int, sure: float) -> None:
    """Map field ``name`` to column ``index``, taking the column from any other field."""
    for f, i in list(layout.mapping.items()):
        if i == index:
            del layout.mapping[f]
            layout.confidence.pop(f, None)
    layout.mapping[name], layout.confidence[name] = index, sure


def _surveymonkey(rows: list[list[str]], questions: list[str], kinds: list[str]) -> Layout:
    lower = [q.lower() for q in questions]
    known: dict[str, int] = {}
    for name, names in (
        ("id", ("respondent id",)),
        ("date", ("end date", "start date")),
        ("customer_id", ("custom data 1", "email address")),
        ("channel", ("collector id",)),
    ):
        if (i := _index(lower, *names)) is not None:
            known[name] = i
    scale = ""
    for i, q in enumerate(lower):
        if "recommend" in q:
            known["score"], scale = i, "0-10"
            break
    # SurveyMonkey leaves the question text on the first column of a group only.
    header = [q or (kinds[i] if i < len(kinds) else "") for i, q in enumerate(questions)]
    layout = _guess(Layout("surveymonkey", header, 2, score_scale=scale), rows, known=known)
    if "text" not in layout.mapping:  # its own word for a typed-in answer
        for i, kind in enumerate(kinds):
            sure = confidence("text", 1.0, layout.profiles[i])
            if kind == "Open-Ended Response" and i not in known.values() and sure:
                _assign(layout, "text", i, sure)
                break
    return layout


def _zendesk(rows: list[list[str]], header: list[str]) -> Layout:
    lower = [h.lower() for h in header]
    known: dict[str, int] = {}
    for name, names in (
        ("id", ("id",)),
        ("date", ("created at",)),
        ("customer_id", ("requester external id", "requester", "organization")),
        ("score", ("satisfaction score",)),
        ("channel", ("via",)),
        ("text", ("description", "subject")),
    ):
        if (i := _index(lower, *names)) is not None:
            known[name] = i
    layout = Layout("zendesk", header, 1, kind="ticket", score_scale="good-bad")
    layout = _guess(layout, rows, known=known)
    step = layout.mapping.get("step")
    if step is not None and "touchpoint" not in lower[step]:
        del layout.mapping["step"]
    if "subject" in lower and layout.profiles[lower.index("subject")].filled:
        layout.mapping.setdefault("subject", lower.index("subject"))
    return layout
