"""Question answering over a store of two other cities' reports (not the Qingdao seeds): the
city a question names says whose reports answer, and counts are read as the reports state them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import workspace_of
from waishi.evaluate import load_gold_entities, load_questions, score_answers
from waishi.settings import Settings
from waishi.workspace import Workspace

pytestmark = pytest.mark.slow

HARBIN = (
    "哈尔滨市外办2023年工作总结\n\n"
    "今年,我市新与白俄罗斯莫吉廖夫、芬兰罗瓦涅米等城市签署建立友好城市关系协议书,"
    "哈尔滨国际友好城市总数达到31个,友好合作关系城市达到27个。"
    "与俄罗斯莫斯科、新西伯利亚等友城恢复线下交往。"
    "组织哈电集团、哈药集团等企业参加第五届中国国际进口博览会。"
    "为全市企业办理“APEC商务旅行卡”320人次。\n"
)
SUZHOU = (
    "苏州市外办2022年工作总结\n\n"
    "今年,我市国际友城总数达到63个。"
    "组织恒力集团、亨通集团等苏州企业参加第五届中国国际进口博览会。"
    "全年办理“APEC商务旅行卡”856人次。"
    "推动苏州与哈萨克斯坦阿拉木图等上合组织国家城市建立友好关系。\n"
)


@pytest.fixture(scope="module")
def two_cities(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    reports = {"harbin-2023.txt": HARBIN, "suzhou-2022.txt": SUZHOU}
    with workspace_of(tmp_path_factory.mktemp("two-cities"), reports) as ws:
        yield ws


def _labels(ws: Workspace, question: str) -> set[str]:
    return {a.label for a in ws.ask(question).answers}


@pytest.mark.parametrize(
    "question",
    ["哈尔滨有多少个国际友好城市？", "哈尔滨国际友好城市总数达到多少个？"],
)
def test_a_count_named_in_full_or_before_the_question_word(
    two_cities: Workspace, question: str
) -> None:
    """国际友好城市 counts what the report's 国际友好城市总数 counts (its 友城), not the
    友好合作关系城市 beside it, whether the question names it after 多少个 or before it."""
    assert _labels(two_cities, question) == {"31"}


def test_a_count_falls_back_to_the_next_noun_the_city_states(two_cities: Workspace) -> None:
    """苏州 states its count as 国际友城; asked as 友好城市 it still answers, and 哈尔滨's counts
    do not answer for it."""
    assert _labels(two_cities, "苏州有多少个国际友好城市？") == {"63"}


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many APEC Business Travel Cards did Harbin handle?", {"320"}),
        ("How many APEC Business Travel Cards did Suzhou handle?", {"856"}),
    ],
)
def test_the_city_a_question_names_says_whose_reports_answer(
    two_cities: Workspace, question: str, expected: set[str]
) -> None:
    """Both reports count APEC cards (counts with no noun, of the same card): the reporting
    city named in the question qualifies the answers to its own reports."""
    assert _labels(two_cities, question) == expected


def test_goal_member_cities_related_to_the_named_city(two_cities: Workspace) -> None:
    """ "苏州与哪些上合组织国家城市…" asks for Suzhou's partners in SCO states, not for every SCO
    state's city in the store (Harbin's Russian and Belarusian partners)."""
    assert _labels(two_cities, "苏州与哪些上合组织国家城市建立友好关系？") == {"阿拉木图"}


UNSEEN = Path(__file__).resolve().parents[1] / "data" / "unseen"
CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"


def test_questions_about_other_cities_keep_their_floor(tmp_path: Path) -> None:
    """The 44 questions of qa_unseen.jsonl over the four reports of other cities and the seeds
    in one store: mean F1 0.573 when the set was made, 0.763 after the rules it prompted; a change
    that loses questions fails."""
    ws = Workspace(Settings.load(data_dir=tmp_path / "data", corpus_dir=CORPUS))
    try:
        report = ws.ingest([UNSEEN / "reports", CORPUS])
        assert len(report.added) == 6
        result = score_answers(
            ws,
            load_questions(UNSEEN / "qa_unseen.jsonl"),
            load_gold_entities(Path(__file__).resolve().parents[1] / "data" / "gold_entities.tsv"),
        )
    finally:
        ws.close()
    assert result["f1"] >= 0.70, result["f1"]


@pytest.mark.parametrize(
    "question",
    [
        "2023年哈尔滨新结好了哪些国际友城？",
        "Which cities did Harbin sign sister-city agreements with in 2023?",
    ],
)
def test_partners_twinned_in_the_year_asked_not_those_listed_as_held(
    two_cities: Workspace, question: str
) -> None:
    """莫斯科 and 新西伯利亚 are listed as Harbin's sister cities (等友城), twinned before."""
    assert _labels(two_cities, question) == {"莫吉廖夫", "罗瓦涅米"}
