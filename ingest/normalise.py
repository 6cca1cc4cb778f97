"""The text extraction reads: Traditional characters as Simplified (OpenCC), full-width letters
and digits as ASCII, corner brackets 「」 as quotation marks “”, and without the pinyin readings
some sites insert after characters (運(yùn)城); with a map from every character read back to
the original, so every span can be shown as the report wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import opencc

# full-width digits and Latin letters (ＡＢＣ１２３) read as ASCII; full-width punctuation stays,
# the rules read ，（）： as written
_FULL_WIDTH = {
    code: code - 0xFEE0
    for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code in range(lo, hi + 1)
}
# corner brackets, the quotation marks of Traditional writing (「一帶一路」), read as the
# Simplified ones the rules know (“一带一路”); one character for one
_FULL_WIDTH.update(
    {ord("「"): ord("“"), ord("」"): ord("”"), ord("『"): ord("‘"), ord("』"): ord("’")}
)
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# a reading in brackets right after a Chinese character: (yùn), (hé zuò), (qìhòubiànhuà); it
# must carry a tone mark, so (RCEP) or (GMS) stay
_PINYIN = re.compile(
    rf"(?<=[\u4e00-\u9fff])[（(](?=[a-zü{_TONED} ]*[{_TONED}])[a-zü{_TONED} ]{{1,40}}[)）]"
)


@dataclass(frozen=True)
class Reading:
    """The text as read, and where each of its characters stands in the original (`None`: at
    the same offset, nothing was removed)."""

    text: str
    origin: tuple[int, ...] | None = None

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the read span start:end."""
        if self.origin is None:
            return start, end
        if end <= start:
            at = self.origin[start] if start < len(self.origin) else self.origin[-1] + 1
            return at, at
        return self.origin[start], self.origin[end - 1] + 1


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """`text` in Simplified characters and ASCII digits and letters, of the same length: one
    character for one character.

    OpenCC converts by phrase first (乾隆 stays, 乾燥 becomes 干燥), which almost always keeps
    the length; a line where it does not is converted character by character instead."""
    convert = _converter().convert
    whole = convert(text)
    if len(whole) == len(text):
        return whole.translate(_FULL_WIDTH)
    out = []
    for line in text.split("\n"):
        converted = convert(line)
        if len(converted) != len(line):
            converted = "".join(c if len(c := convert(ch)) == 1 else ch for ch in line)
        out.append(converted.translate(_FULL_WIDTH))
    return "\n".join(out)


def read(text: str) -> Reading:
    """What extraction reads of `text`: `normalise`d, then without pinyin readings."""
    same_length = normalise(text)
    if not _PINYIN.search(same_length):
        return Reading(same_length)
    pieces: list[str] = []
    origin: list[int] = []
    at = 0
    for match in _PINYIN.finditer(same_length):
        pieces.append(same_length[at : match.start()])
        origin.extend(range(at, match.start()))
        at = match.end()
    pieces.append(same_length[at:])
    origin.extend(range(at, len(same_length)))
    return Reading("".join(pieces), tuple(origin))
