"""Counts read from the text: the figure that counts the noun asked about, and the one next to
the abbreviation the question gives. Sentences written for
these tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import workspace_of
from tests.search.test_qa_evidence_reading import read_from_text
from waishi.workspace import Workspace

pytestmark = pytest.mark.slow

REPORT = (
    "江汉省外办2024年工作总结\n\n"
    "截至2024年底,我省已同45个国家缔结了120对友好城市关系。\n"
    "1985年我省与美国俄勒冈州建立第一对友好省州关系,此后的39年间,两国地方已建立86对友好省州和友好城市。\n"
    "目前,我省已与50个“一带一路”沿线国家建立了97对国际友城,与8个RCEP成员国建立了61对国际友城。\n"
    "全年共接待外国代表团33批、412人次。\n"
)


@pytest.fixture(scope="module")
def jianghan(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    with workspace_of(tmp_path_factory.mktemp("counts"), {"jianghan-2024.txt": REPORT}) as ws:
        yield ws


def _labels(ws: Workspace, question: str) -> list[str]:
    """The counts read from the text (the graph's stated counts may answer some of these)."""
    return [a.label for a in read_from_text(ws, question)[0]]


def test_the_noun_counted_is_the_one_after_the_question_word(jianghan: Workspace) -> None:
    """多少个国家缔结了友好城市关系 counts countries: the sentence holds 国家 (the last two
    characters of the words after 多少个, 了友, are no noun)."""
    assert _labels(jianghan, "截至2024年底江汉省已同多少个国家缔结了友好城市关系？") == ["45"]


def test_an_abbreviation_the_question_gives_is_searched_for(jianghan: Workspace) -> None:
    """RCEP, written as the report writes it, stands next to the figure that answers."""
    question = "How many sister-city pairs has Jianghan established with RCEP member countries?"
    assert _labels(jianghan, question) == ["61"]


def test_a_count_of_what_no_sentence_counts_is_not_answered(jianghan: Workspace) -> None:
    """多少外国游客 counts tourists; the report counts delegations (外国代表团33批)."""
    assert _labels(jianghan, "江汉省今年接待了多少外国游客？") == []
