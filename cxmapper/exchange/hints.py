"""Header words that hint at a field, in English, German, French, Spanish and Dutch.

A header is compared as :func:`words` writes it ("CustomerId", "customer_id" and "Customer ID"
are all "customer id"; accents dropped, so "Commentaire" and "Kommentár" compare plainly). A
header equal to a hint is an exact match (1.0); a hint starting a word of the header is a
weaker one, the stronger the more of the header it covers; a hint in the question text of a
survey column is weaker still. A short hint ("id", "via", "nps", "#") must be a whole word.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

HINTS: dict[str, tuple[str, ...]] = {
    "id": (
        "response id",
        "respondent id",
        "ticket id",
        "review id",
        "conversation id",
        "submission id",
        "id",
        "#",
        "antwort id",  # de
        "id de reponse",  # fr
        "id de respuesta",  # es
        "antwoord id",  # nl
    ),
    "date": (
        "recorded date",
        "end date",
        "created at",
        "created time",
        "completion time",
        "submitted at",
        "submit date",
        "review date",
        "date",
        "submitted",
        "timestamp",
        "datum",  # de, nl
        "erfassungsdatum",
        "enddatum",
        "erstellt",
        "fecha",  # es
        "horodateur",  # fr (Google Forms)
        "marca temporal",  # es (Google Forms)
        "zeitstempel",  # de (Google Forms)
        "tijdstempel",  # nl
    ),
    "customer_id": (
        "external reference",
        "customer id",
        "customer",
        "account",
        "requester external id",
        "requester",
        "email address",
        "email",
        "e mail",
        "kunde",  # de
        "kundennummer",
        "client",  # fr
        "cliente",  # es
        "klant",  # nl
        "courriel",
        "correo",
    ),
    "score": (
        "nps",
        "likely to recommend",
        "recommend",
        "recommendation score",
        "csat",
        "satisfaction score",
        "satisfaction",
        "score",
        "rating",
        "stars",
        "bewertung",  # de
        "weiterempfehlung",
        "zufriedenheit",
        "note",  # fr
        "recommander",
        "puntuacion",  # es
        "valoracion",
        "recomendar",
        "cijfer",  # nl
        "beoordeling",
        "aanbevelen",
        "waardering",
    ),
    "score_scale": ("score scale", "scale"),
    "channel": ("distribution channel", "channel", "via", "source channel", "kanal", "canal"),
    "text": (
        "comment",
        "verbatim",
        "feedback",
        "review",
        "why",
        "open ended",
        "description",
        "text",
        "tell us",
        "reason",
        "body",
        "message",
        "kommentar",  # de
        "anmerkung",
        "warum",
        "begrundung",
        "commentaire",  # fr
        "avis",
        "pourquoi",
        "remarque",
        "comentario",  # es
        "opinion",
        "por que",
        "resena",
        "opmerking",  # nl
        "toelichting",
        "waarom",
        "reactie",
    ),
    "subject": ("subject", "title", "betreff", "objet", "asunto", "onderwerp"),
    "step": ("touchpoint", "journey step", "step", "stage of journey", "etappe", "schritt"),
    "source": ("survey name", "source"),
}
# Short hints that must be whole words ("Idea" is no id, "Reviewer" is the reviewer's name).
_SHORT = 3
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_WORD = re.compile(r"[^\w#]+|_+")


def words(label: str) -> str:
    """A header as lower-case words without accents: "CustomerId", "customer_id" ->
    "customer id"; "Begründung" -> "begrundung"."""
    plain = unicodedata.normalize("NFKD", _CAMEL.sub(" ", label))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.split(plain.lower())).strip()


@lru_cache(maxsize=512)
def _pattern(word: str) -> re.Pattern[str]:
    whole = len(word) <= _SHORT or word == "review"
    return re.compile(rf"(?<![\w#]){re.escape(word)}" + (r"(?![\w#])" if whole else ""))


def hint(field: str, header: str, question: str = "") -> float:
    """How strongly a column's header (and its question, if any) suggests ``field``: 1.0
    for an exact match, 0.5 to 0.95 for a hint inside it (the more of it, the higher), 0.6
    for one in the question text, 0 for none."""
    name = words(header)
    flat = name.replace(" ", "")
    best = 0.0
    for word in HINTS.get(field, ()):
        if flat and flat == word.replace(" ", ""):
            return 1.0
        if _pattern(word).search(name):
            # The more of the header the hint covers, the surer: "NPS" beats "NPS comment".
            best = max(best, 0.5 + 0.45 * min(1.0, len(word) / max(len(name), 1)))
        elif question and _pattern(word).search(words(question)):
            best = max(best, 0.6)
    return best
