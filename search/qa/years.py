"""The year a question asks about: one it names (2022年), or this or last year of the reports."""

from __future__ import annotations

import re

from search.qa.cues import LAST_YEAR, THIS_YEAR
from search.qa.lexicon import Lexicon


def question_year(text: str, lex: Lexicon) -> str:
    match = re.search(r"(20\d\d)", text)
    if match:
        return match.group(1)
    latest = lex.latest_year
    if latest and THIS_YEAR.search(text.lower()):
        return str(latest)
    if latest and LAST_YEAR.search(text.lower()):
        return str(latest - 1)
    return ""
