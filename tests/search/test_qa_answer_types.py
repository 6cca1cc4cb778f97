"""Answers read from the text when no stored relation answers: the answer type the question
word asks with, names of the kind asked for, the question's words around the answer, and names
listed together. Sentences written for these tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import workspace_of
from waishi.workspace import Workspace

pytestmark = pytest.mark.slow

REPORT = (
    "绵阳市外办2023年工作总结\n\n"
    "今年,我市担任世界大都市协会的主席城市,市政府主要领导出席协会理事会并作主旨发言。\n"
    "6月,在安州区成功举办“中国—中亚青年合作论坛”,该论坛是2023中国—中亚人文交流年的重要活动。\n"
    "9月,市领导会见比利时安特卫普港务局主席和地中海航运公司总裁,双方表示将深化港口物流合作。\n"
    "第三届中法友城大会法国主办方国际姐妹城协会在里昂举行欢迎仪式,我市代表团出席。\n"
    "市领导带队先后赴长虹集团、绵阳市中心医院、九洲集团和“两弹城”纪念馆调研,"
    "了解企业对外贸易情况。\n"
)


@pytest.fixture(scope="module")
def mianyang(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    with workspace_of(tmp_path_factory.mktemp("mianyang"), {"mianyang-2023.txt": REPORT}) as ws:
        yield ws


def _labels(ws: Workspace, question: str) -> list[str]:
    return [a.label for a in ws.ask(question).answers]


def test_the_type_word_the_question_word_asks_with_decides(mianyang: Workspace) -> None:
    """哪个国际组织的主席城市 asks for an organisation (the words after 哪个), not for the city
    that 主席城市 names after 的."""
    assert _labels(mianyang, "绵阳是哪个国际组织的主席城市？") == ["世界大都市协会"]


def test_a_name_of_the_kind_asked_for_ranks_first(mianyang: Workspace) -> None:
    """什么论坛: of the two events in the sentence, the one named as a forum, not the year of
    exchanges that the sentence names beside the question's year."""
    assert _labels(mianyang, "2023年6月绵阳在安州区举办了什么论坛？") == ["中国—中亚青年合作论坛"]


def test_a_kind_asked_for_in_english_admits_its_names(mianyang: Workspace) -> None:
    """ "port" reads as a company; the port authority, an organisation named as the kind asked
    for, answers and the shipping company beside it does not."""
    question = "Which port authority's chairman did Mianyang's leaders meet in September?"
    assert _labels(mianyang, question) == ["安特卫普港务局"]


def test_an_organisation_of_no_known_country_passes_the_country_named(
    mianyang: Workspace,
) -> None:
    """法国主办方: the host named carries no country of its own; it is not dropped for it."""
    assert _labels(mianyang, "第三届中法友城大会的法国主办方是哪个组织？") == ["国际姐妹城协会"]


@pytest.mark.parametrize(
    "question",
    [
        "绵阳市领导带队赴哪些单位调研？",
        "Which places did Mianyang's leaders visit to learn about foreign trade?",
    ],
)
def test_names_listed_together_answer_together(mianyang: Workspace, question: str) -> None:
    """A、B、C和D: the question's words stand near the list's first name; the others, listed
    with it, answer too."""
    assert set(_labels(mianyang, question)) == {
        "长虹集团",
        "绵阳市中心医院",
        "九洲集团",
        "“两弹城”纪念馆",
    }


MEETING = (
    "2024年德阳市对外友好工作推进会召开\n\n"
    "2024年德阳市对外友好工作推进会3月8日在市行政中心召开。\n"
    "会议总结了2023年全市对外友好工作。\n"
    "会议要求,深化德阳与塞尔维亚在装备制造领域的务实合作,办好友城青少年交流活动。\n"
)


@pytest.fixture(scope="module")
def deyang(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    with workspace_of(
        tmp_path_factory.mktemp("deyang"), {"deyang-2024-meeting.txt": MEETING}
    ) as ws:
        yield ws


@pytest.mark.parametrize(
    "question",
    [
        "2024年德阳市对外友好工作推进会要求深化德阳与哪个国家的合作？",
        "Which country did the 2024 Deyang friendship work meeting ask Deyang to deepen "
        "cooperation with?",
    ],
)
def test_a_country_tied_by_an_act_is_not_the_named_things_own(
    deyang: Workspace, question: str
) -> None:
    """与哪个国家合作 asks for the partner country, read from the text; the country the meeting
    or Deyang is in (China) is no answer, least of all a confident one."""
    answer = deyang.ask(question)
    assert [a.label for a in answer.answers] == ["塞尔维亚"]
