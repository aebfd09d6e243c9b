"""Recognising the survey and ticket exports consultants bring, and mapping their columns.

Qualtrics CSV: three header rows (export tags, question texts, {"ImportId": ...} JSON).
SurveyMonkey CSV: two header rows (question texts, then "Response" / "Open-Ended Response").
Zendesk tickets: one header row with Id, Subject, Satisfaction Score, Created at, ...
Anything else is generic: columns are guessed from their names and can be overridden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FIELDS = ("id", "date", "customer_id", "score", "score_scale", "channel", "text", "step", "source")
FORMATS = ("qualtrics", "surveymonkey", "zendesk", "generic")

# Header words that suggest a field, as :func:`words` writes them ("CustomerId", "customer_id"
# and "Customer ID" are all "customer id"). A header equal to one of them is an exact match;
# otherwise a synonym must start a word of the header ("Comments" has "comment"), and a short
# one ("id", "via", "why", "nps") must be a whole word ("Idea" is not an id).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("response id", "respondent id", "ticket id", "id"),
    "date": ("recorded date", "end date", "created at", "date", "submitted", "timestamp"),
    "customer_id": (
        "external reference",
        "customer id",
        "customer",
        "account",
        "requester external id",
        "requester",
        "email address",
        "email",
    ),
    "score": (
        "nps",
        "likely to recommend",
        "recommend",
        "csat",
        "satisfaction score",
        "satisfaction",
        "score",
        "rating",
    ),
    "score_scale": ("score scale", "scale"),
    "channel": ("distribution channel", "channel", "via", "source channel"),
    "text": (
        "comment",
        "verbatim",
        "feedback",
        "why",
        "open ended",
        "subject",
        "description",
        "text",
        "tell us",
        "reason",
    ),
    "step": ("touchpoint", "journey step", "step", "stage of journey"),
    "source": ("survey name", "source"),
}
# The order fields claim columns in: a "Customer ID" header is the customer before it is an id.
PRIORITY = ("customer_id", "id", *(f for f in FIELDS if f not in ("customer_id", "id")))
# Fields guessed from the header row alone: a question text saying "On a scale from 0-10"
# is the score's question, never a column of scales.
HEADER_ONLY = frozenset({"score_scale"})

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_WORD = re.compile(r"[\W_]+")


def words(label: str) -> str:
    """A header as lower-case words: "CustomerId", "customer_id" -> "customer id"."""
    return " ".join(_NOT_WORD.split(_CAMEL.sub(" ", label).lower())).strip()


@dataclass
class Layout:
    format: str
    header: list[str]  # the column names shown to the user
    data_start: int  # index of the first data row
    mapping: dict[str, int] = field(default_factory=dict)  # field -> column index
    kind: str = "survey"
    score_scale: str = ""
    hints: dict[int, str] = field(default_factory=dict)  # column -> its question text


def detect(rows: list[list[str]], wanted: str = "auto") -> Layout:
    """The export's format and a first guess of its column mapping."""
    first = [c.strip() for c in rows[0]] if rows else []
    second = [c.strip() for c in rows[1]] if len(rows) > 1 else []
    third = [c.strip() for c in rows[2]] if len(rows) > 2 else []
    lower = {c.lower() for c in first}
    if wanted in ("auto", "qualtrics") and third and third[0].startswith('{"ImportId"'):
        return _qualtrics(first, second)
    if wanted == "qualtrics":
        raise ValueError("it does not look like a Qualtrics export (no ImportId header row)")
    if wanted == "auto" and _is_surveymonkey(first, second):
        return _surveymonkey(first, second)
    if wanted == "surveymonkey":
        if {"Response", "Open-Ended Response"} & set(second):
            return _surveymonkey(first, second)
        raise ValueError("it does not look like a SurveyMonkey export (no Response header row)")
    if (
        wanted in ("auto", "zendesk")
        and {"id", "subject"} <= lower
        and ("satisfaction score" in lower or "created at" in lower)
    ):
        return _zendesk(first)
    if wanted == "zendesk":
        raise ValueError("it does not look like a Zendesk ticket export (no Id/Subject columns)")
    return Layout("generic", first, 1, guess_mapping(first))


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
    """Field -> column index from header names (and question texts, when there are any)."""
    names = [words(h) for h in header]
    squashed = [n.replace(" ", "") for n in names]
    labels = list(names)
    if texts:
        labels = [f"{n} {words(t)}" for n, t in zip(names, texts, strict=False)]
        labels += names[len(labels) :]
    mapping: dict[str, int] = {}
    used: set[int] = set()

    def claim(name: str, index: int) -> None:
        if name not in mapping and index not in used:
            mapping[name] = index
            used.add(index)

    # Exact header matches first, for every field, so "Customer ID" is never left to a
    # looser match of another field ("id" inside it).
    for name in PRIORITY:
        for word in SYNONYMS[name]:
            flat = word.replace(" ", "")
            hits = [i for i, n in enumerate(squashed) if n == flat and i not in used]
            if hits:
                claim(name, hits[0])
                break
    # Then words inside headers (and questions): the longest synonym first, as the most
    # specific ("satisfaction score" beats "customer" in "Customer satisfaction score").
    found: list[tuple[int, int, int, int, str]] = []
    for rank, name in enumerate(PRIORITY):
        for order, word in enumerate(SYNONYMS[name]):
            regex = re.compile(rf"\b{re.escape(word)}" + (r"\b" if len(word) <= 3 else ""))
            pool = names if name in HEADER_ONLY else labels
            for i, label in enumerate(pool):
                if regex.search(label):
                    found.append((-len(word), rank, order, i, name))
    for *_, i, name in sorted(found):
        claim(name, i)
    return mapping


def _qualtrics(tags: list[str], questions: list[str]) -> Layout:
    layout = Layout("qualtrics", tags, 3, guess_mapping(tags, questions))
    layout.hints = dict(enumerate(questions))
    lower = [t.lower() for t in tags]
    qs = [q.lower() for q in questions] + [""] * (len(tags) - len(questions))
    known: dict[str, int] = {}
    for name, candidates in (
        ("id", ("responseid",)),
        ("date", ("recordeddate", "enddate")),
        ("customer_id", ("externalreference",)),
        ("channel", ("distributionchannel",)),
    ):
        for c in candidates:
            if c in lower:
                known[name] = lower.index(c)
                break
    for i, q in enumerate(qs):
        if "recommend" in q and not lower[i].endswith("_text") and "group" not in lower[i]:
            known["score"] = i
            layout.score_scale = "0-10"
            break
    # The verbatim: a question asking why (or the reason for the score), else a typed-in
    # "_TEXT" answer (often the "Other, please specify" box of a choice question).
    texts = [
        i
        for i, q in enumerate(qs)
        if any(w in q for w in ("why", "reason", "tell us", "comment", "feedback"))
    ]
    texts += [i for i, tag in enumerate(lower) if tag.endswith("_text")]
    texts = [i for i in texts if i != known.get("score")]
    if texts:
        known["text"] = texts[0]
    # What Qualtrics' own columns say wins; a guess that took one of their columns gives way.
    taken = set(known.values())
    layout.mapping = {f: i for f, i in layout.mapping.items() if i not in taken}
    layout.mapping.update(known)
    return layout


def _surveymonkey(questions: list[str], kinds: list[str]) -> Layout:
    layout = Layout("surveymonkey", questions, 2, {})
    lower = [q.lower() for q in questions]
    for name, words in (
        ("id", ("respondent id",)),
        ("date", ("end date", "start date")),
        ("customer_id", ("custom data 1", "email address")),
        ("channel", ("collector id",)),
    ):
        for w in words:
            if w in lower:
                layout.mapping[name] = lower.index(w)
                break
    for i, q in enumerate(lower):
        if "recommend" in q:
            layout.mapping["score"] = i
            layout.score_scale = "0-10"
            break
    for i, kind in enumerate(kinds):
        if kind == "Open-Ended Response":
            layout.mapping["text"] = i
            break
    step = guess_mapping(questions).get("step")
    if step is not None:
        layout.mapping["step"] = step
    # SurveyMonkey leaves the question text on the first column of a group only.
    layout.header = [q or (kinds[i] if i < len(kinds) else "") for i, q in enumerate(questions)]
    return layout


def _zendesk(header: list[str]) -> Layout:
    lower = [h.lower() for h in header]
    layout = Layout("zendesk", header, 1, {}, kind="ticket", score_scale="good-bad")
    for name, words in (
        ("id", ("id",)),
        ("date", ("created at",)),
        ("customer_id", ("requester external id", "requester", "organization")),
        ("score", ("satisfaction score",)),
        ("channel", ("via",)),
        ("text", ("description", "subject")),
    ):
        for w in words:
            if w in lower:
                layout.mapping[name] = lower.index(w)
                break
    step = guess_mapping(header).get("step")
    if step is not None and "touchpoint" in lower[step]:
        layout.mapping["step"] = step
    if "subject" in lower:
        layout.mapping.setdefault("subject", lower.index("subject"))
    return layout
