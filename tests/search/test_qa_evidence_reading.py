"""Which sentences an answer read from the text comes from: what the question names keeps to
the sentences (and reports) about it, the question's other words rank them; a date ranks
nothing; a demonym's country is searched for and is no answer; a place written with words no
report uses is unknown. Sentences written for these tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from search.qa.from_text import TextAnswer, expected_type, naming_documents, read_answers
from search.qa.retrieve import SentenceHit
from search.qa.understand import understand
from tests.conftest import workspace_of
from waishi.workspace import Workspace

pytestmark = pytest.mark.slow

# a web page: its path and fields come before the title, the body's sentences are long
MEETING = (
    "首页 > 新闻中心 > 要闻 > 正文\n\n"
    "2025年临沧市友城工作联席会议召开\n\n"
    "2025-03-12 09:30  来源:临沧新闻网  【字体:大 中 小】\n\n"
    "2025年临沧市友城工作联席会议3月11日召开。会议回顾了2024年全市对外友好工作,"
    "通报了2025年全市对外友好工作重点任务清单。\n\n"
    "会议指出,2025年是全市对外友好工作的“提升年”,要围绕中心工作,做好2025年对外友好工作。\n\n"
    "临沧市友城工作联席会议现场\n\n"
    "2025年临沧市友城工作联席会议议程\n\n"
    "会议强调,要统筹谋划全市对外友好工作,持续拓展交流渠道,以友城交往为平台、以人文交流为纽带,"
    "在促进民心相通的同时,深化临沧市与缅甸及其他周边国家在农业、教育和卫生等领域的务实合作,"
    "为边境地区发展注入新的动力。\n"
)

VISIT = (
    "- 索 引 号:000123/2024-00017\n"
    "- 发布机构:市政府外事办公室\n"
    "- 发布日期:2024年12月31日\n"
    "- 成文时间:2024年12月31日\n"
    "- 省外办调研组来我市调研\n"
    "发布日期:2024-12-31 发布机构:市政府外事办公室\n"
    "- 有效日期:2024年12月31日\n"
    "- 更新日期:2024年12月31日\n"
    "为了解我市对外开放工作情况,2024年12月30日,省外办副主任率调研组来玉溪开展专题调研。\n"
    "2024年12月30日上午,云南省外办调研组在玉溪召开座谈会。\n"
    "调研组一行先后赴红塔精密机械有限公司、玉溪市人民医院,通过实地查看、座谈交流等形式,"
    "详细了解我市企业对外贸易和生产经营情况。\n"
)

FAIR = (
    "德阳市外办2024年工作总结\n\n"
    "3月,我市在越南芹苴市成功举办经贸交流会。\n"
    "越南湄公河三角洲的安江省、坚江省派代表出席交流会并作推介,双方表示将深化农产品贸易合作。\n"
    "10月,我市与日本大分县签署友好交流协议。\n"
    "5月,四川省、重庆市派代表出席我市举办的友城交流会。\n"
    "我市代表团出席成都交流会并作推介。\n"
    "6月,省内各市代表出席我市举办的经贸洽谈会。\n"
    "今年,德阳与越南、老挝等周边邻国的友好往来更加密切。\n"
    "11月,中国驻渥太华大使馆举行中加友好城市合作30周年招待会,德阳代表团应邀出席。\n"
)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    texts = {"lincang-2025.txt": MEETING, "yuxi-2024.txt": VISIT, "deyang-2024.txt": FAIR}
    with workspace_of(tmp_path_factory.mktemp("reading"), texts) as ws:
        yield ws


def read_from_text(ws: Workspace, question: str) -> tuple[list[TextAnswer], list[SentenceHit]]:
    """The answers read from the text, and the sentences read, as `ask` reads them when no
    stored relation answers."""
    answerer = ws.answerer
    reading = understand(question, ws.lexicon)
    slots = reading.slots
    slots.documents = naming_documents(slots, ws.lexicon, ws.dataset)
    intent = reading.choices[0].intent if reading.choices else None
    wanted = expected_type(slots, intent.expects if intent else ())
    return read_answers(slots, ws.lexicon, answerer.sentences, ws.dataset, wanted)


def _labels(ws: Workspace, question: str) -> list[str]:
    return [a.label for a in ws.ask(question).answers]


def test_the_words_of_what_the_question_names_rank_nothing(reports: Workspace) -> None:
    """Every sentence of the meeting's report speaks of the meeting: its title and headings,
    which hold all the meeting's words (the title after the page's path), do not outrank the
    long sentence that holds the question's other words (要求, 深化, 合作). Read from the text
    (the graph may answer this one too)."""
    question = "2025年临沧市友城工作联席会议要求深化临沧与哪个国家的合作？"
    found, hits = read_from_text(reports, question)
    assert "深化临沧市与缅甸" in hits[0].text
    assert [a.label for a in found] == ["缅甸"]


def test_a_date_in_the_question_ranks_no_dated_line(reports: Workspace) -> None:
    """2024年12月 of the question would rank the page's date fields (发布日期:2024年12月31日)
    above the sentence that answers."""
    question = "2024年12月省外办调研组在玉溪考察了哪家企业？"
    assert _labels(reports, question) == ["红塔精密机械有限公司"]


def test_a_demonym_is_searched_for_and_no_answer(reports: Workspace) -> None:
    """ "Vietnamese" carries 越南 into the words searched for; Vietnam itself, which the
    question gives, is not one of the provinces asked for."""
    labels = _labels(reports, "Which Vietnamese provinces sent representatives to Deyang's fair?")
    assert set(labels) == {"安江省", "坚江省"}


def test_a_place_written_with_words_no_report_uses_is_unknown(reports: Workspace) -> None:
    """叮叮当当市: jieba reads 叮叮当当 as a word, which no report uses; the place is not in the
    reports, and nothing is answered."""
    answer = reports.ask("叮叮当当市外办与哪些国家签署了合作协议？")
    assert answer.answers == []
    assert "叮叮当当市" in answer.message


def test_a_question_word_names_no_place(reports: Workspace) -> None:
    """哪个省 asks for a province; it is no unknown place."""
    answer = reports.ask("德阳与越南哪个省开展了合作？")
    assert "哪个省" not in answer.message


def test_an_english_date_ranks_no_dated_line(reports: Workspace) -> None:
    """ "on 30 December 2024": the day ranks nothing (as 12月30日 ranks nothing), else the
    sentences that date the visit may outrank the one that lists the places visited. (A guard:
    in a store this small the list ranks first with or without the day.)"""
    question = "Which places did the provincial research team visit in Yuxi on 30 December 2024?"
    found, _ = read_from_text(reports, question)
    assert {"红塔精密机械有限公司", "玉溪市人民医院"} <= {a.label for a in found}


def test_a_site_asked_for_is_read_from_the_source_field(reports: Workspace) -> None:
    """哪个网站: a medium (an organisation), found where the page credits its source (来源:…)."""
    question = "2025年临沧市友城工作联席会议的消息来源于哪个网站？"
    assert _labels(reports, question) == ["临沧新闻网"]


def test_neighbouring_countries_are_countries(reports: Workspace) -> None:
    """周边邻国 asks for countries."""
    assert set(_labels(reports, "德阳与哪些周边邻国的友好往来更加密切？")) == {"越南", "老挝"}


def test_a_demonym_of_another_noun_does_not_constrain_the_answer(reports: Workspace) -> None:
    """ "the Chinese embassy": Chinese qualifies the embassy; the city asked for is Canadian."""
    question = "In which city did the Chinese embassy hold the reception for the anniversary?"
    found, _ = read_from_text(reports, question)
    assert [a.label for a in found] == ["渥太华"]
