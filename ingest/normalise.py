"""The text extraction reads: Traditional characters as Simplified (OpenCC) and full-width
letters and digits as ASCII, character for character, so every offset still points into the
original text and every span can be shown as the report wrote it.
"""

from __future__ import annotations

from functools import lru_cache

import opencc

# full-width digits and Latin letters (ＡＢＣ１２３) read as ASCII; full-width punctuation stays,
# the rules read ，（）： as written
_FULL_WIDTH = {
    code: code - 0xFEE0
    for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code in range(lo, hi + 1)
}


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """`text` as extraction reads it, of the same length: one character for one character.

    OpenCC converts by phrase first (乾隆 stays, 乾燥 becomes 干燥), which almost always keeps
    the length; a line where it does not is converted character by character instead."""
    convert = _converter().convert
    lines = text.split("\n")
    out = []
    for line in lines:
        converted = convert(line)
        if len(converted) != len(line):
            converted = "".join(c if len(c := convert(ch)) == 1 else ch for ch in line)
        out.append(converted.translate(_FULL_WIDTH))
    return "\n".join(out)
