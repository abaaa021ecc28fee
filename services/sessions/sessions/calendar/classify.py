"""Best-effort classification of timetable entries (English and French keywords)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Checked in this order: an "Examen de stage" is an exam, a "Garde de stage" on-call.
_RULES = (
    (
        "exam",
        re.compile(
            r"\b(?:exams?|examens?|examination|partiels?|osce|ecos|epreuves?|concours|"
            r"controle continu|quiz)\b"
        ),
    ),
    ("on_call", re.compile(r"\b(?:gardes?|on[- ]?call|astreintes?|night shift)\b")),
    (
        "rotation",
        re.compile(r"\b(?:stages?|rotations?|placements?|clerkships?|externat|ward round)\b"),
    ),
    (
        "lecture",
        re.compile(
            r"\b(?:cours|lectures?|cm|td|tp|seminaires?|seminars?|tutorials?|tutorat|"
            r"tutoriels?|amphi|class|classes|enseignements?|teaching)\b"
        ),
    ),
)


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.lower().replace("_", " ")


@lru_cache(maxsize=8192)
def classify(summary: str, categories: tuple[str, ...] = ()) -> str:
    """Return 'lecture', 'rotation', 'exam', 'on_call' or 'other'; CATEGORIES win over SUMMARY."""
    for text in (" ".join(categories), summary):
        normalised = _normalise(text)
        for kind, pattern in _RULES:
            if pattern.search(normalised):
                return kind
    return "other"
