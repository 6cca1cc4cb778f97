"""When not to answer, and what to say: a place the stored reports do not hold (never swapped
for the home city), a person (the graph holds none), or a question that matches nothing the
reports name, type or say.
"""

from __future__ import annotations

import re

from search.qa.keywords import content_words
from search.qa.lexicon import EN_STOP, Lexicon
from search.qa.slots import Slots

# concepts that say only how a question asks, not what about
_PHRASING = frozenset({"Q:foreign", "Q:new", "Q:planned", "Q:describe", "Q:mentioned", "Q:who"})


def refusal(slots: Slots, lex: Lexicon) -> str:
    """Why the question cannot be answered from the stored reports, or ""."""
    if slots.unknown:
        names = ", ".join(slots.unknown)
        verb = "is" if len(slots.unknown) == 1 else "are"
        return f"nothing in the stored reports answers this: {names} {verb} not in them"
    if _matches_nothing(slots, lex):
        return (
            "nothing in the question matches the stored reports: no name, type, relation or "
            "word of theirs"
        )
    return ""


def _matches_nothing(slots: Slots, lex: Lexicon) -> bool:
    if slots.named or slots.region or slots.year or slots.demonyms:
        return False
    if slots.types or slots.predicates or slots.concepts - _PHRASING:
        return False
    if slots.chinese:
        return not any(lex.is_specific(w) or lex.is_common(w) for w in content_words(
            slots.text, slots.used
        ))
    words = [w for w in re.findall(r"[a-z]+", slots.blanked) if w not in EN_STOP and len(w) > 2]
    return not any(
        lex.is_specific(c) or lex.is_common(c) for w in words for c in lex.english_to_chinese(w)
    )
