"""Answers from the reports the question is about: two offices both written 市外办, an answer
read from the text never given by the question itself, figures that are dates or names are no
counts, and an unknown place named in English before "Foreign Affairs Office" is reported."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from search.qa.from_text import _date
from search.qa.linking import _stretch
from tests.conftest import workspace_of
from waishi.workspace import Workspace

# written for these tests: two cities' offices, each 市外办 in its own report, each holding an
# event; the reporting city of neither is the store's home city
LUOYANG = (
    "洛阳市外办2023年工作总结\n\n"
    "今年,市外办开发了“洛阳外事通”应用,方便企业办理出国手续。"
    "新华网洛阳9月10日电,2023洛阳国际友城交流周在洛阳开幕。"
    "今年,来洛访问的境外团组达86批次。\n"
)
KAIFENG = (
    "开封市外办2023年工作总结\n\n"
    "今年,市外办开发了“汴梁外事宝”应用,服务来汴外宾。全年接待境外团组42批次。\n"
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_offices(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    reports = {"luoyang-2023.txt": LUOYANG, "kaifeng-2023.txt": KAIFENG}
    with workspace_of(tmp_path_factory.mktemp("two-offices"), reports) as ws:
        yield ws


def _labels(ws: Workspace, question: str) -> set[str]:
    return {a.label for a in ws.ask(question).answers}


@pytest.mark.parametrize(
    "question",
    ["开封市外办举办了哪些活动？", "Which events did the Kaifeng Foreign Affairs Office hold?"],
)
def test_a_named_office_is_answered_from_the_reports_that_name_it(
    two_offices: Workspace, question: str
) -> None:
    """Luoyang's event is tied to Luoyang in the graph; asked of Kaifeng's office (市外办 in
    both reports, "Foreign Affairs Office" in both English names), it is no answer."""
    assert _labels(two_offices, question) == set()
    assert _labels(two_offices, "洛阳市外办举办了什么活动？") == {"2023洛阳国际友城交流周"}


def test_a_name_the_question_gives_is_not_what_it_asks_for(two_offices: Workspace) -> None:
    """洛阳 stands in the sentence that best matches (the title 洛阳市外办…), but the question
    gives it: the app is not stored as a name, so nothing answers."""
    assert "洛阳" not in _labels(two_offices, "洛阳市外办开发了什么应用？")


@pytest.mark.parametrize(
    "question",
    [
        "How many batches of foreign delegations visited Luoyang in 2023?",
        "2023年来洛阳访问的境外团组有多少批次？",
    ],
)
def test_a_count_is_no_date_and_no_figure_the_question_gives(
    two_offices: Workspace, question: str
) -> None:
    """9月10日 is a date and 2023 the question's own year; 86 is the count, and Kaifeng's 42
    is not Luoyang's."""
    assert _labels(two_offices, question) == {"86"}


@pytest.mark.parametrize(
    ("text", "figure", "is_date"),
    [
        ("新华网洛阳9月10日电", "9", True),
        ("新华网洛阳9月10日电", "10", True),
        ("发布时间 :2023-05-25 11:35", "05", True),
        ("发布时间 :2023-05-25 11:35", "35", True),
        ("组织参加了“2009中国湖南-日本周”", "2009", True),
        ("来湘访问的境外高层达130批次", "130", False),
        ("注册资本2000万美元", "2000", False),
        ("与2021个城市结好", "2021", False),
    ],
)
def test_dates_and_years_opening_names_are_no_counts(text: str, figure: str, is_date: bool) -> None:
    match = re.compile(rf"(?<![\d.])({figure})(?![\d.])").search(text)
    assert match is not None
    assert _date(text, match) is is_date


def test_an_english_name_is_marked_where_its_words_stand_together() -> None:
    """ "city" of "In which city was … the sister city celebration" is the question's type word:
    the name (sister city …) is the later stretch."""
    words = ["in", "which", "city", "was", "the", "sister", "city", "celebration", "held"]
    assert _stretch({"sister", "city", "celebration"}, words) == (5, 7)
    apart = ["sister", "one", "two", "three", "four", "celebration"]
    assert _stretch({"sister", "celebration"}, apart) is None


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("Which partners does the Xyzzyville Foreign Affairs Office cooperate with?", "Xyzzyville"),
        ("Which sister cities does Blorptown City have?", "Blorptown"),
    ],
)
def test_an_unheard_place_before_an_office_or_city_is_reported(
    workspace: Workspace, question: str, unknown: str
) -> None:
    answer = workspace.ask(question)
    assert not answer.answers and not answer.inferred
    assert f"{unknown} is not in them" in answer.message


def test_a_place_before_a_bodys_words_that_no_report_mentions_is_reported(
    workspace: Workspace,
) -> None:
    answer = workspace.ask("Which events did the Paris Foreign Affairs Office hold?")
    assert not answer.answers and not answer.inferred
    assert "Paris is not in them" in answer.message


@pytest.mark.parametrize(
    "question",
    [
        "Which partner city did Qingdao honour with a garden in Dalian Forest Park?",
        "Which events did Qingdao hold with mayor Wang Anshun's delegation?",
    ],
)
def test_a_place_inside_another_name_is_not_asked_about(
    workspace: Workspace, question: str
) -> None:
    assert "not in them" not in workspace.ask(question).message


def test_a_place_name_the_reports_write_as_a_word_is_no_unknown_place(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """来宾 is a city of Guangxi and the word for guests: a report that welcomes guests makes
    the question's 来宾 the word."""
    report = "潍坊市外办2023年工作简报\n\n5月,潍坊国际友城大会在我市举行,市长致辞欢迎来宾。\n"
    with workspace_of(tmp_path_factory.mktemp("guests"), {"weifang-2023.txt": report}) as ws:
        assert "来宾 is not in them" not in ws.ask("友城大会上哪位领导欢迎来宾？").message
        assert "武汉 is not in them" in ws.ask("武汉与哪些城市结为友好城市？").message
