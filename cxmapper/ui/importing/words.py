"""What the import wizard says: the names of the fields it maps, and the importer's refusals
and warnings in the words of the wizard's own controls.

Its own module because both the pages (which show these words) and the jobs (which turn a
worker's refusal into a sentence) use them, and the jobs must not import the pages.
"""

from __future__ import annotations

from cxmapper.exchange.importer import Advice, Notice, notice_of
from cxmapper.exchange.tabular import ImportFailure

COLUMNS_PAGE = "Columns and values"  # the title of the page that maps columns and values

FIELD_LABELS = {
    "text": "Verbatim text",
    "score": "Score",
    "date": "Date",
    "customer_id": "Customer id",
    "step": "Journey step",
    "id": "Response / ticket id",
    "channel": "Channel",
    "score_scale": "Scale of each score",
    "source": "Source",
}
# What the importer's refusals and warnings advise, in the words of the wizard's controls
# (the command line speaks of its options instead; see importer.CLI_ADVICE).
WIZARD_ADVICE: dict[Advice, str] = {
    Advice.MAP_TEXT_OR_SCORE: (
        f"choose the {FIELD_LABELS['text']} or {FIELD_LABELS['score']} column on the "
        f"{COLUMNS_PAGE} page"
    ),
    Advice.CHOOSE_DATE_ORDER: f"choose the date order on the {COLUMNS_PAGE} page",
    Advice.REMOVE_EARLIER_IMPORT: (
        "cancel and remove that import first (Imports tab of the evidence panel)"
    ),
    Advice.CONFIRM_GUESS: f"check the columns of low confidence on the {COLUMNS_PAGE} page",
    Advice.MAP_TEXT: (
        f"if a column holds them, choose it as the {FIELD_LABELS['text']} on the "
        f"{COLUMNS_PAGE} page"
    ),
    Advice.OTHER_TEXT: (
        f"to take another, choose it as the {FIELD_LABELS['text']} on the {COLUMNS_PAGE} page"
    ),
    Advice.USE_GUESS: f"to use it, choose it on the {COLUMNS_PAGE} page",
}
assert set(WIZARD_ADVICE) == set(Advice), "every advice needs the wizard's words"


def said(notices: list[Notice]) -> list[str]:
    """The importer's warnings in the wizard's words."""
    return [n.worded(WIZARD_ADVICE) for n in notices]


def explain(error: ImportFailure) -> str:
    """The importer's refusal in the wizard's words."""
    return notice_of(error).worded(WIZARD_ADVICE)
