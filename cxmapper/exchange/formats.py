"""Recognising the survey and ticket exports consultants bring, and mapping their columns.

Qualtrics CSV: three header rows (export tags, question texts, {"ImportId": ...} JSON).
SurveyMonkey CSV: two header rows (question texts, then "Response" / "Open-Ended Response").
Zendesk tickets: one header row with Id, Subject, Satisfaction Score, Created at, ...
Anything else is generic: columns are guessed from their names and can be overridden.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FIELDS = ("id", "date", "customer_id", "score", "score_scale", "channel", "text", "step", "source")
FORMATS = ("qualtrics", "surveymonkey", "zendesk", "generic")

# Header words that suggest a field (lower case, matched as whole header or contained).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("responseid", "response id", "respondent id", "ticket id", "id"),
    "date": ("recordeddate", "end date", "enddate", "created at", "date", "submitted", "timestamp"),
    "customer_id": (
        "externalreference",
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
    "score_scale": ("scale",),
    "channel": ("distributionchannel", "channel", "via", "source channel"),
    "text": (
        "comment",
        "verbatim",
        "feedback",
        "why",
        "open-ended",
        "subject",
        "description",
        "text",
        "tell us",
    ),
    "step": ("touchpoint", "journey step", "step", "stage of journey"),
    "source": ("survey name", "source"),
}


@dataclass
class Layout:
    format: str
    header: list[str]  # the column names shown to the user
    data_start: int  # index of the first data row
    mapping: dict[str, int] = field(default_factory=dict)  # field -> column index
    kind: str = "survey"
    score_scale: str = ""


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
    if (
        wanted in ("auto", "surveymonkey")
        and second
        and {"Response", "Open-Ended Response"} & set(second)
    ):
        return _surveymonkey(first, second)
    if wanted == "surveymonkey":
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


def guess_mapping(header: list[str], texts: list[str] | None = None) -> dict[str, int]:
    """Field -> column index from header names (and question texts, when there are any)."""
    labels = [h.lower() for h in header]
    if texts:
        labels = [
            f"{h} {t}".lower() for h, t in zip(labels, [t.lower() for t in texts], strict=False)
        ]
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for name in FIELDS:
        for word in SYNONYMS[name]:
            hits = [
                i
                for i, label in enumerate(labels)
                if i not in used and (label == word or word in label)
            ]
            exact = [i for i in hits if labels[i] == word]
            if exact or hits:
                index = (exact or hits)[0]
                mapping[name] = index
                used.add(index)
                break
    return mapping


def _qualtrics(tags: list[str], questions: list[str]) -> Layout:
    layout = Layout("qualtrics", tags, 3, guess_mapping(tags, questions))
    lower = [t.lower() for t in tags]
    qs = [q.lower() for q in questions]
    for name, candidates in (
        ("id", ("responseid",)),
        ("date", ("recordeddate", "enddate")),
        ("customer_id", ("externalreference",)),
        ("channel", ("distributionchannel",)),
    ):
        for c in candidates:
            if c in lower:
                layout.mapping[name] = lower.index(c)
                break
    for i, q in enumerate(qs):
        if "recommend" in q and not lower[i].endswith("_text") and "group" not in lower[i]:
            layout.mapping["score"] = i
            layout.score_scale = "0-10"
            break
    for i, (tag, q) in enumerate(zip(lower, qs, strict=False)):
        is_text = tag.endswith("_text") or "why" in q or "tell us" in q or "comment" in q
        if is_text and i != layout.mapping.get("score"):
            layout.mapping["text"] = i
            break
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
