"""Segmentation: paragraphs, headings and sentences with character offsets into the text.

Headings set the section of the sentences below them; a "服务X方面" lead-in sets the context of
the sentences after it in the same paragraph (reports group partners under such goals).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ingest.model import Sentence

_END = "。！？!?"
_CLAUSE = re.compile(r"[；;]")
_HEADING_MARK = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[章节部分])"
)
# "服务上合示范区方面," / "在教育领域方面,": the goal or field that governs what follows
_CONTEXT_RESET = ("此外", "另外", "同时", "除此之外")
_LEAD_IN = re.compile(r"^(?:服务|助力|围绕|聚焦|在)?([^，,。；]{2,30}?)方面[，,]")


def heading_level(line: str) -> int:
    """1 for "一、…", 2 for "(一)…", 0 when the line is not a heading."""
    stripped = line.strip()
    if not stripped:
        return 0
    if re.match(r"^[一二三四五六七八九十]+、", stripped):
        return 1
    if re.match(r"^[（(][一二三四五六七八九十]+[)）]", stripped):
        return 2
    if _HEADING_MARK.match(stripped):
        return 1
    return 0


def split_sentences(doc_id: str, text: str) -> list[Sentence]:
    """Sentences end at 。！？ or a line break; each keeps its offsets and headings."""
    sentences: list[Sentence] = []
    headings: dict[int, str] = {}
    for line_start, line in _lines(text):
        level = heading_level(line)
        if level:
            headings = {k: v for k, v in headings.items() if k < level}
            headings[level] = line.strip()
        context = ""
        for start, end in _sentence_spans(line):
            piece = line[start:end]
            lead = _LEAD_IN.match(piece.strip())
            if piece.strip().startswith(_CONTEXT_RESET):
                context = ""
            if lead:
                context = lead.group(0).rstrip("，,")
            stripped_start = start + (len(piece) - len(piece.lstrip()))
            stripped_end = end - (len(piece) - len(piece.rstrip()))
            if stripped_end <= stripped_start:
                continue
            sentences.append(
                Sentence(
                    doc_id=doc_id,
                    index=len(sentences),
                    start=line_start + stripped_start,
                    end=line_start + stripped_end,
                    text=line[stripped_start:stripped_end],
                    section=tuple(headings[k] for k in sorted(headings) if not level or k < level),
                    context=context,
                )
            )
    return sentences


def clauses(sentence: Sentence) -> Iterator[tuple[int, int]]:
    """Clause spans (document offsets) of a sentence, split at semicolons."""
    start = 0
    for match in _CLAUSE.finditer(sentence.text):
        yield sentence.start + start, sentence.start + match.start()
        start = match.end()
    yield sentence.start + start, sentence.end


def _lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


def _english_stop(line: str, i: int) -> bool:
    """A full stop ending an English sentence: after a lower-case letter or a bracket, before a
    space and a capital (not U.S. or 2.5)."""
    return (
        line[i] == "."
        and i > 0
        and (line[i - 1].islower() or line[i - 1] in ")”")
        and line[i + 1 : i + 2] == " "
        and line[i + 2 : i + 3].isupper()
    )


def _sentence_spans(line: str) -> Iterator[tuple[int, int]]:
    start = 0
    depth = 0  # do not end a sentence inside quotes: “祖国不会放弃任何一位同胞。”
    for i, ch in enumerate(line):
        if ch in "“「《(（":
            depth += 1
        elif ch in "”」》)）" and depth:
            depth -= 1
        elif depth == 0 and (ch in _END or _english_stop(line, i)):
            yield start, i + 1
            start = i + 1
    if start < len(line):
        yield start, len(line)
