"""Segmentation keeps offsets exact and carries headings and goal lead-ins."""

from __future__ import annotations

from ingest.segment import clauses, split_sentences
from tests.conftest import CORPUS


def test_offsets_point_back_into_the_text() -> None:
    for path in CORPUS.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        sentences = split_sentences(path.stem, text)
        assert len(sentences) > 20
        for sentence in sentences:
            assert text[sentence.start : sentence.end] == sentence.text


def test_headings_and_lead_ins() -> None:
    text = (
        "二、服务全市高水平对外开放\n(一)深耕友城资源\n服务上合示范区方面,加大友城结好力度。"
        "对接上合组织秘书处。此外,组织外国驻华使节走进西海岸。"
    )
    sentences = split_sentences("d", text)
    body = [s for s in sentences if s.text.startswith(("服务", "对接", "此外"))]
    assert body[0].section == ("二、服务全市高水平对外开放", "(一)深耕友城资源")
    assert body[0].context == body[1].context == "服务上合示范区方面"
    assert body[2].context == ""  # 此外 starts something else


def test_quotes_do_not_end_sentences_and_clauses_split_at_semicolons() -> None:
    text = "他说:“祖国不会放弃任何一位同胞。”我们感动。甲;乙。"
    sentences = split_sentences("d", text)
    assert [s.text for s in sentences] == ["他说:“祖国不会放弃任何一位同胞。”我们感动。", "甲;乙。"]
    parts = [text[a:b] for a, b in clauses(sentences[1])]
    assert parts == ["甲", "乙。"]
