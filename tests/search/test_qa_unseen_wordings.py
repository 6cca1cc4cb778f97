"""Questions about a report of another city (not the Qingdao seeds), worded as nobody templated
them: which names an English question names, and where the answer is read from the text. The
reports are written for these tests, one phenomenon a sentence."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from search.qa.slots import read_slots
from tests.conftest import workspace_of
from waishi.workspace import Workspace

pytestmark = pytest.mark.slow

HARBIN = (
    "哈尔滨市外办2023年工作总结\n\n"
    "今年,我市成功举办冰雪节、国际龙舟赛、国际马拉松等活动,邀请俄罗斯哈巴罗夫斯克等友城代表参加。"
    "5月,市外办随同省委外办拜访外交部,争取主场外交活动。\n"
)
MIANYANG = (
    "绵阳市外办2023年工作总结\n\n"
    "截至目前,绵阳市已与世界12个国家的30个城市缔结了友好关系。"
    "全年,市外办会同绵阳市商务局做好领事保护工作。\n"
)
MIANYANG_2021 = "绵阳市外办2021年工作总结\n\n全年,市外办会同绵阳市公安局做好领事保护工作。\n"
DEYANG = (
    "德阳市外办2024年新闻\n\n"
    "在第7个“友城周”之际,德阳市成功举办友城论坛。"
    "今年以来,德阳市已举办两次国际会议活动。"
    "在友城论坛上,德阳市与友城签署合作协议8份,总金额达5亿元。\n"
)


@pytest.fixture(scope="module")
def harbin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    reports = {
        "harbin-2023.txt": HARBIN,
        "mianyang-2023.txt": MIANYANG,
        "deyang-2024.txt": DEYANG,
        "mianyang-2021.txt": MIANYANG_2021,
    }
    with workspace_of(tmp_path_factory.mktemp("unseen-wordings"), reports) as ws:
        yield ws


def _anchors(ws: Workspace, question: str) -> set[str]:
    slots = read_slots(question, ws.lexicon)
    return {name for iri in slots.named for name in ws.lexicon.zh_names(iri)}


@pytest.mark.parametrize(
    "question",
    [
        "Which international sister cities does Harbin have?",
        "Which countries did the city take part in international events with?",
    ],
)
def test_a_word_many_names_share_names_none_of_them(harbin: Workspace, question: str) -> None:
    """国际龙舟赛's English name is composed as "international" alone: the word is in the names of
    many entities and names none of them."""
    assert "国际龙舟赛" not in _anchors(harbin, question)


def test_the_words_after_which_say_what_is_asked_not_which_one(harbin: Workspace) -> None:
    """ "Which provincial foreign affairs office" asks for an office; it names none (省委外办 of
    Heilongjiang is an answer, not what the question is about)."""
    question = "Which provincial foreign affairs office did the office go with?"
    assert not _anchors(harbin, question) & {"省委外办", "黑龙江省委外办"}
    assert "黑龙江省委外办" in {a.label for a in harbin.ask(question).answers}


def test_a_place_named_in_english_still_links(harbin: Workspace) -> None:
    assert "哈尔滨" in _anchors(harbin, "Which events did Harbin hold in 2023?")
    assert "哈尔滨市外办" in _anchors(
        harbin, "Which events did the Harbin Foreign Affairs Office hold?"
    )


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("绵阳市已与多少个国家的城市缔结了友好关系？", {"12"}),
        ("绵阳市已与多少个城市缔结了友好关系？", {"30"}),
    ],
)
def test_the_figure_that_counts_the_asked_noun(
    harbin: Workspace, question: str, expected: set[str]
) -> None:
    """12个国家的30个城市: "多少个国家" asks for the figure before 国家, not the one after 国家的
    (a noun before 的 qualifies the next one)."""
    assert {a.label for a in harbin.ask(question).answers} == expected


def test_a_count_in_chinese_numerals_and_no_rank(harbin: Workspace) -> None:
    """两次 is 2; 第7个 is a rank, not a count."""
    answer = harbin.ask("2024年以来德阳市已举办几次国际会议活动？")
    assert [a.label for a in answer.answers] == ["2"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("2021年绵阳市外办会同哪个机构做好领事保护工作？", ["绵阳市公安局"]),
        ("2023年绵阳市外办会同哪个机构做好领事保护工作？", ["绵阳市商务局"]),
    ],
)
def test_the_report_of_the_year_asked_answers(
    harbin: Workspace, question: str, expected: list[str]
) -> None:
    """Two reports of one city say the same thing of different years, the year only in their
    titles: the report of the year asked answers, and the office's short form (市外办) names it
    there."""
    assert [a.label for a in harbin.ask(question).answers] == expected


def test_a_sum_asked_is_a_sum_of_money_or_nothing(harbin: Workspace) -> None:
    """ "The total value of the agreements" asks for a sum: the figure before its currency, not
    the count beside it; where no sentence states one, no answer and a message."""
    answer = harbin.ask("德阳市在友城论坛上签署的合作协议总金额是多少？")
    assert [a.label for a in answer.answers] == ["5亿元"]
    answer = harbin.ask("What was the total value of the agreements Harbin signed in 2023?")
    assert not answer.answers and answer.message


def test_a_demonym_keeps_countries_to_its_own(harbin: Workspace) -> None:
    """ "Which Nigerian states": Russia, named in the sentence that matches, is no answer."""
    answer = harbin.ask("Which Nigerian states did Harbin invite to its events?")
    assert "俄罗斯" not in {a.label for a in answer.answers}
