"""Columns understood by their contents: the profiler, the choice of fields, the layouts of
survey tools, missing values and dates, and what the command line says of its guesses."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxmapper.cli import main as cli
from cxmapper.exchange.formats import detect
from cxmapper.exchange.importer import Advice, plan_import
from cxmapper.exchange.profile import REPEATS_SEEN, profile_column
from cxmapper.exchange.tabular import ImportFailure
from cxmapper.exchange.values import parse_date
from cxmapper.model.project import Project

WORDS = ("invoice", "late", "support", "answered", "quickly", "never", "again", "the", "portal")


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def mapped(rows: list[list[str]]) -> dict[str, str]:
    """Field -> the header of the column chosen for it."""
    layout = detect(rows)
    return {f: layout.header[i] for f, i in layout.mapping.items()}


sentences = st.lists(st.sampled_from(WORDS), min_size=4, max_size=12).map(" ".join)
likert_names = st.sampled_from(
    ["feedback", "Feedback", "valuable_feedback", "Comment score", "feedback_text", "Kommentar"]
)


@settings(max_examples=60, deadline=None)
@given(
    name=likert_names,
    scale=st.sampled_from([(1, 5), (1, 6), (1, 7), (0, 10)]),
    seed=st.integers(0, 10_000),
    with_text=st.booleans(),
    n=st.integers(8, 60),
)
def test_a_likert_column_named_feedback_never_becomes_the_verbatim(
    name: str, scale: tuple[int, int], seed: int, with_text: bool, n: int
) -> None:
    rnd = random.Random(seed)
    header = [name, "Date"] + (["Notes"] if with_text else [])
    rows = [header]
    for i in range(n):
        row = [str(rnd.randint(*scale)), f"2026-03-{i % 28 + 1:02d}"]
        if with_text:
            row.append(" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(4, 14))) + f" {i}")
        rows.append(row)
    chosen = mapped(rows)
    assert chosen.get("text") != name
    if with_text:
        assert chosen["text"] == "Notes"


# Labelled Likert scales as survey tools write them, in the five languages of the hints.
LIKERT_LABELS = (
    ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"),
    ("Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"),
    ("Poor", "Fair", "Good", "Very good", "Excellent"),
    (
        "Stimme überhaupt nicht zu",
        "Stimme nicht zu",
        "Teils, teils",
        "Stimme zu",
        "Stimme voll und ganz zu",
    ),
    (
        "Pas du tout d'accord",
        "Pas d'accord",
        "Ni d'accord ni pas d'accord",
        "D'accord",
        "Tout à fait d'accord",
    ),
    (
        "Muy en desacuerdo",
        "En desacuerdo",
        "Ni de acuerdo ni en desacuerdo",
        "De acuerdo",
        "Muy de acuerdo",
    ),
    ("Helemaal mee oneens", "Mee oneens", "Neutraal", "Mee eens", "Helemaal mee eens"),
    ("Yes", "No", "Not sure"),
    (
        "Extremely unlikely",
        "Very unlikely",
        "Unlikely",
        "Neutral",
        "Likely",
        "Very likely",
        "Extremely likely",
    ),
)
TEXT_HEADERS = (
    "feedback",
    "Feedback",
    "comment",
    "Comment",
    "Comments",
    "Kommentar",
    "commentaire",
    "Commentaires",
    "comentario",
    "Opmerking",
    "Your feedback",
    "Verbatim",
)


@settings(max_examples=120, deadline=None)
@given(
    name=st.sampled_from(TEXT_HEADERS),
    labels=st.sampled_from(LIKERT_LABELS),
    data=st.data(),
    with_text=st.booleans(),
    with_score=st.booleans(),
)
def test_a_labelled_likert_column_is_never_the_verbatim(
    name: str, labels: tuple[str, ...], data: st.DataObject, with_text: bool, with_score: bool
) -> None:
    # Enough answers to see that they repeat: at least two per label, and eight in all.
    n = data.draw(st.integers(max(8, 2 * len(labels)), 150), label="rows")
    answers = data.draw(st.lists(st.sampled_from(labels), min_size=n, max_size=n))
    # ... and some respondents who skipped the question, anywhere.
    skipped = data.draw(st.lists(st.integers(0, n), max_size=n // 3), label="skipped at")
    for at in sorted(skipped, reverse=True):
        answers.insert(at, "")
    header = [name, "Date"] + (["Notes"] if with_text else []) + (["NPS"] if with_score else [])
    rows = [header]
    for i, answer in enumerate(answers):
        row = [answer, f"2026-03-{i % 28 + 1:02d}"]
        if with_text:
            row.append(" ".join(WORDS[(i * k) % len(WORDS)] for k in range(1, 6)) + f" {i}")
        if with_score:
            row.append(str(i % 11))
        rows.append(row)
    chosen = mapped(rows)
    assert chosen.get("text") != name
    if with_text:
        assert chosen["text"] == "Notes"
    profile = profile_column([r[0] for r in rows[1:]])
    assert profile.labels


@given(
    name=st.sampled_from(TEXT_HEADERS),
    comments=st.lists(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join),
        min_size=1,
        max_size=REPEATS_SEEN - 1,
    ),
)
def test_a_small_file_of_comments_maps_them(name: str, comments: list[str]) -> None:
    # Too few answers to tell repeated labels from comments (two customers may both write
    # "late invoice"): the header and the words decide.
    rows = [[name, "Date"], *([c, "2026-03-02"] for c in comments)]
    assert mapped(rows)["text"] == name


def test_real_short_comments_under_a_comment_header_map() -> None:
    rows = [["Comment", "NPS"]]
    rows += [[c, "7"] for c in ("Slow", "Great", "Too pricey", "Fine", "Rude staff")]
    assert mapped(rows)["text"] == "Comment"


def test_the_cli_never_imports_likert_labels_as_verbatims(
    project: Project, tmp_path: Path, capsys
) -> None:
    labels = LIKERT_LABELS[4]
    rows = [["Commentaire", "Note"]] + [[labels[i % 5], str(i % 11)] for i in range(30)]
    path = write_csv(tmp_path / "enquete.csv", rows)
    project_path = project.path
    project.close()
    assert cli(["import", str(project_path), str(path)]) == 0
    out = capsys.readouterr().out
    assert "text ←" not in out and "score ← Note" in out
    assert "has no column of feedback text (verbatims)" in out
    with Project.open(project_path) as p:
        texts = {t for (t,) in p.db.conn.execute("SELECT text FROM evidence")}
    assert texts == {""}


columns = {
    "Response ID": lambda i, r: f"R_{i:05d}",
    "Submitted at": lambda i, r: f"2026-0{i % 9 + 1}-{i % 27 + 1:02d} 10:{i % 60:02d}",
    "Customer": lambda i, r: f"ACME-{i % 13}",
    "How likely are you to recommend us?": lambda i, r: str(r.randint(0, 10)),
    "Has recommended": lambda i, r: r.choice(["Yes", "No"]),
    "Tell us why": lambda i, r: " ".join(r.choice(WORDS) for _ in range(r.randint(3, 15))),
    "Plan": lambda i, r: r.choice(["Basic", "Pro", "Enterprise"]),
    "Likert 1": lambda i, r: str(r.randint(1, 5)),
}


@settings(max_examples=40, deadline=None)
@given(order=st.permutations(list(columns)), seed=st.integers(0, 1000), n=st.integers(10, 80))
def test_shuffled_columns_get_the_same_mapping(order: list[str], seed: int, n: int) -> None:
    rnd = random.Random(seed)
    table = {name: [make(i, rnd) for i in range(n)] for name, make in columns.items()}
    rows = [order] + [[table[name][i] for name in order] for i in range(n)]
    assert mapped(rows) == {
        "id": "Response ID",
        "date": "Submitted at",
        "customer_id": "Customer",
        "score": "How likely are you to recommend us?",  # numeric, not Yes/No
        "text": "Tell us why",
    }


@settings(max_examples=50, deadline=None)
@given(cells=st.lists(st.text(max_size=30), max_size=40))
def test_a_profile_counts_what_it_sees(cells: list[str]) -> None:
    p = profile_column(cells)
    assert p.rows == len(cells)
    assert 0 <= p.filled <= p.rows and p.distinct <= p.filled
    assert 0.0 <= p.empty_share <= 1.0 and 0.0 <= p.distinct_share <= 1.0
    assert p.numbers + p.dates <= p.filled
    assert len(p.samples) <= 5


def test_missing_value_markers_are_empty() -> None:
    p = profile_column(["NA", "N/A", "NaN", "null", "-", "#N/A", "4", ""])
    assert p.filled == 1 and p.scale == (1, 5)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["Antwort-ID", "Kunde", "Datum", "Bewertung", "Kommentar"], "de"),
        (["Client", "Date", "Note", "Commentaire"], "fr"),
        (["Cliente", "Fecha", "Puntuación", "Comentario"], "es"),
        (["Klant", "Datum", "Cijfer", "Opmerking"], "nl"),
    ],
)
def test_headers_in_five_languages(header: list[str], expected: str) -> None:
    rnd = random.Random(1)
    rows = [header]
    for i in range(30):
        values = {
            0: f"K-{i}",
            1: f"{i % 28 + 1:02d}.03.2026",
            2: str(rnd.randint(0, 10)),
            3: " ".join(rnd.choice(WORDS) for _ in range(8)),
        }
        offset = len(header) - 4
        row = [f"A{i}"] * offset + [values[k] for k in range(4)]
        rows.append(row)
    chosen = mapped(rows)
    assert chosen["text"] == header[-1], expected
    assert chosen["score"] == header[-2], expected
    assert chosen["customer_id"] == header[-4], expected


def test_typeform_token_is_the_id_not_the_network_id() -> None:
    header = ["#", "How likely are you to recommend us?", "Why?", "Submitted At", "Network ID"]
    rows = [header] + [
        [f"tok{i:04x}", str(i % 11), f"the portal was slow on day {i}", "2026-03-01", "ab12"]
        for i in range(20)
    ]
    layout = detect(rows)
    assert layout.format == "typeform"
    assert layout.header[layout.mapping["id"]] == "#"
    assert mapped(rows)["score"] == "How likely are you to recommend us?"


def test_ticket_exports_are_recognised() -> None:
    fresh = ["Ticket ID", "Subject", "Description", "Status", "Created time", "Source"]
    layout = detect([fresh, ["1", "Login", "I cannot log in since Monday", "Open", "", "Email"]])
    assert layout.format == "freshdesk" and layout.kind == "ticket"
    assert layout.header[layout.mapping["text"]] == "Description"
    assert layout.header[layout.mapping["channel"]] == "Source" and "source" not in layout.mapping
    intercom = ["Conversation ID", "Created at", "Body"]
    layout = detect([intercom, ["9", "2026-01-02", "Where is my refund, I asked twice"]])
    assert layout.format == "intercom"


def test_dates_in_every_order_and_form() -> None:
    assert parse_date("9/8/18 15:29") == "2018-09-08"
    assert parse_date("9/8/85") == "1985-09-08"
    assert parse_date("23-01-2026", "dmy") == "2026-01-23"
    assert parse_date("01-23-2026", "mdy") == "2026-01-23"
    assert parse_date("03.10.2026") == "2026-10-03"  # dotted: day-first unless told
    assert parse_date("10.23.2026", "mdy") == "2026-10-23"
    assert parse_date("NA") is None and parse_date("#N/A") is None


def test_date_order_is_inferred_per_column(project: Project, tmp_path: Path) -> None:
    rows = [["Date", "Comment"], ["23-01-2026", "slow"], ["05-02-2026", "fine"]]
    plan = plan_import(project, write_csv(tmp_path / "dashed.csv", rows))
    assert [row[3] for row in plan.evidence] == ["2026-01-23", "2026-02-05"]
    plan = plan_import(project, tmp_path / "dashed.csv", date_order="dmy")
    assert [row[3] for row in plan.evidence] == ["2026-01-23", "2026-02-05"]
    rows = [["Date", "Comment"], ["01.23.2026", "slow"], ["02.05.2026", "fine"]]
    plan = plan_import(project, write_csv(tmp_path / "dotted.csv", rows))
    assert [row[3] for row in plan.evidence] == ["2026-01-23", "2026-02-05"]


def test_r_and_pandas_missing_values_are_empty(project: Project, tmp_path: Path) -> None:
    rows = [
        ["Date", "NPS", "Comment", "Customer"],
        ["2026-01-02", "NA", "slow portal", "NA"],
        ["NaN", "9", "NA", "C2"],
        ["#N/A", "null", "fine", "-"],
        ["2026-01-04", "-", "N/A", "C4"],
    ]
    plan = plan_import(project, write_csv(tmp_path / "r.csv", rows))
    got = [(r[3], r[4], r[5], r[8]) for r in plan.evidence]
    assert got == [
        ("2026-01-02", "", None, "slow portal"),
        (None, "C2", 9.0, ""),
        (None, "", None, "fine"),
        ("2026-01-04", "C4", None, "N/A"),  # typed by the respondent: their answer
    ]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(marker=st.sampled_from(["NA", "N/A", "NaN", "null", "-", "#N/A"]))
def test_a_missing_score_never_refuses_the_file(
    project: Project, tmp_path: Path, marker: str
) -> None:
    rows = [["Score", "Comment"], ["8", "fine"], [marker, "slow"]]
    plan = plan_import(project, write_csv(tmp_path / "na.csv", rows))
    assert [r[5] for r in plan.evidence] == [8.0, None]


def test_the_command_line_says_the_mapping_and_its_confidence(
    project: Project, tmp_path: Path, capsys
) -> None:
    path = project.path
    project.close()
    rows = [["review", "rating", "date"]] + [
        [f"the app crashes when I open my invoice number {i}", str(i % 5 + 1), "2026-01-02"]
        for i in range(12)
    ]
    assert cli(["import", str(path), str(write_csv(tmp_path / "store.csv", rows))]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Read store.csv as generic; columns used:"
    assert out[1:4] == [
        "  date  ← date  (confidence 1.00)",
        "  score ← rating  (confidence 1.00)",
        "  text  ← review  (confidence 1.00)",
    ]
    assert "Imported 12 items from store.csv (generic)." in out


def test_a_doubtful_guess_asks_for_map_on_the_command_line(
    project: Project, tmp_path: Path, capsys
) -> None:
    path = project.path
    project.close()
    # A column of short, varied phrases under a header that says nothing: maybe verbatims.
    rows = [["Ref", "Q7"]] + [
        [f"X{i}", f"{WORDS[i % 9]} {WORDS[(i + 3) % 9]} {i}"] for i in range(30)
    ]
    export = write_csv(tmp_path / "vague.csv", rows)
    with Project.open(path) as p:
        plan = plan_import(p, export)  # the wizard shows the guess and its confidence
        assert plan.layout.header[plan.layout.mapping["text"]] == "Q7"
        assert plan.layout.confidence["text"] < 0.5
        with pytest.raises(ImportFailure) as info:
            plan_import(p, export, confirm_below=0.5)
        assert info.value.notice.advice is Advice.CONFIRM_GUESS  # type: ignore[attr-defined]
    assert cli(["import", str(path), str(export)]) == 1
    err = capsys.readouterr().err
    assert "column “Q7” may be the text (confidence 0." in err
    assert "confirm it with --map text=Q7, or leave it with --map text=none" in err
    assert cli(["import", str(path), str(export), "--map", "text=Q7"]) == 0
    assert "text ← Q7  (confidence 1.00)" in capsys.readouterr().out


def test_a_file_without_verbatims_imports_with_a_warning(
    project: Project, tmp_path: Path, capsys
) -> None:
    path = project.path
    project.close()
    rows = [["Date", "NPS", "Plan"]] + [["2026-01-02", str(i % 11), "Pro"] for i in range(20)]
    assert cli(["import", str(path), str(write_csv(tmp_path / "scores.csv", rows))]) == 0
    out = capsys.readouterr().out
    assert (
        "warning: “scores.csv” has no column of feedback text (verbatims): its items hold "
        "scores only; if a column holds them, map it with --map text=COLUMN." in out
    )
    assert "Imported 20 items" in out


def generated(header: list[str], makers: list, n: int = 30) -> list[list[str]]:  # type: ignore[type-arg]
    rnd = random.Random(7)
    return [header] + [[make(i, rnd) for make in makers] for i in range(n)]


def say(i: int, r: random.Random) -> str:
    return " ".join(r.choice(WORDS) for _ in range(r.randint(5, 20))) + f" ({i})"


@pytest.mark.parametrize(
    ("header", "makers", "expected"),
    [
        (  # an App Store review export
            ["Date", "Reviewer", "Version", "Rating", "Title", "Review"],
            [
                lambda i, r: f"2026-01-{i % 28 + 1:02d}",
                lambda i, r: f"user{i}",
                lambda i, r: r.choice(["3.1", "3.2"]),
                lambda i, r: str(r.randint(1, 5)),
                lambda i, r: r.choice(["Crashes", "Great", "Slow login"]),
                say,
            ],
            {"date": "Date", "score": "Rating", "text": "Review"},
        ),
        (  # a Trustpilot export
            ["Review ID", "Review Created (UTC)", "Review Stars", "Review Title", "Review Content"],
            [
                lambda i, r: f"6{i:07x}",
                lambda i, r: f"2026-01-{i % 28 + 1:02d} 10:00:00",
                lambda i, r: str(r.randint(1, 5)),
                lambda i, r: r.choice(["Crashes", "Great", "Slow login"]),
                say,
            ],
            {"id": "Review ID", "score": "Review Stars", "text": "Review Content"},
        ),
        (  # Google Forms
            ["Timestamp", "Email Address", "How likely are you to recommend us?", "Why?"],
            [
                lambda i, r: f"9/{i % 28 + 1}/2026 14:02:11",
                lambda i, r: f"person{i}@example.org",
                lambda i, r: str(r.randint(0, 10)),
                say,
            ],
            {
                "date": "Timestamp",
                "customer_id": "Email Address",
                "score": "How likely are you to recommend us?",
                "text": "Why?",
            },
        ),
        (  # Microsoft Forms
            ["ID", "Start time", "Completion time", "Email", "Name", "Rating", "Comments"],
            [
                lambda i, r: str(i + 1),
                lambda i, r: f"1/{i % 28 + 1}/26 9:00:00",
                lambda i, r: f"1/{i % 28 + 1}/26 9:04:00",
                lambda i, r: "anonymous",
                lambda i, r: "",
                lambda i, r: str(r.randint(1, 5)),
                say,
            ],
            {"id": "ID", "date": "Completion time", "score": "Rating", "text": "Comments"},
        ),
    ],
)
def test_review_and_form_exports(header: list[str], makers: list, expected: dict) -> None:  # type: ignore[type-arg]
    chosen = mapped(generated(header, makers))
    assert {f: chosen.get(f) for f in expected} == expected


def test_a_doubtful_id_is_left_out_with_a_warning_not_a_refusal(
    project: Project, tmp_path: Path, capsys
) -> None:
    """An import does without an id: a doubtful guess for one is left out and said so, so
    that the file imports (or is refused for what is really wrong with it)."""
    path = project.path
    project.close()
    rows = [["UniqueID", "LikelyToRecommend", "Comment"]] + [
        [f"u{i}" if i % 10 < 3 else "", str(i % 11), f"Comment number {i} about the invoice"]
        for i in range(60)
    ]
    export = write_csv(tmp_path / "guess.csv", rows)
    assert cli(["import", str(path), str(export)]) == 0
    out = capsys.readouterr().out
    assert "  id " not in out.split("warning")[0]  # not among the columns used
    assert (
        "warning: “guess.csv”: column “UniqueID” may be the id (confidence 0.48), but that is "
        "a guess, so it was left out; to use it, map it with --map id=UniqueID." in out
    )
    assert "Imported 60 items" in out
    with Project.open(path) as p:
        batch = p.evidence.batches()[-1]
        ids = p.evidence.batch_evidence_ids(batch.id)
        assert len(ids) == 60 and not any(p.evidence.get(i).external_id for i in ids)
        assert "id" not in batch.mapping


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    repeated=st.integers(0, 40),
    markers=st.lists(st.sampled_from(["N/A", "n/a", "-", "None", "NA"]), min_size=1, max_size=3),
)
def test_markers_typed_again_and_again_are_no_verbatims(
    project: Project, tmp_path: Path, repeated: int, markers: list[str]
) -> None:
    """One "N/A" typed by a respondent is their answer; the same few markers in many rows
    are the tool's "no answer", read as no text, and said so."""
    comments = [f"{WORDS[i % 9]} {WORDS[(i + 4) % 9]} and the invoice {i}" for i in range(100)]
    comments += [markers[i % len(markers)] for i in range(repeated)]
    rows = [["Comment", "NPS"]] + [
        [c, str(i % 11) if i % 2 else ""] for i, c in enumerate(comments)
    ]
    plan = plan_import(project, write_csv(tmp_path / "na.csv", rows))
    texts = [r[8] for r in plan.evidence]
    said = [str(w) for w in plan.warnings if "verbatims are only" in str(w)]
    written = {"NA"}  # what software writes: never a verbatim, however rare
    typed = [m for m in comments[100:] if m not in written]
    if len(typed) >= 10:
        assert not set(markers) & set(texts)
        assert said and f"{len(typed)} verbatims are only" in said[0]
    else:
        assert said == []
        assert sorted(t for t in texts if t in markers) == sorted(typed)
