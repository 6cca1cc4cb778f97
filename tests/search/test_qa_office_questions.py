"""Questions about a city's foreign affairs office: they are about that city's reports, even when
they name another city (the office's director visiting Beijing), and the office, whose voice
those reports are, need not be named in the sentence that answers. Counts asked in English
plurals (how many countries) count what the singular's glosses name. Sentences written for these
tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import workspace_of
from waishi.workspace import Workspace

pytestmark = pytest.mark.slow

YIBIN = (
    "宜宾市委外办2024年3月工作动态\n\n"
    "3月中旬,宜宾市委外办主任赴京走访,与7家驻华大使馆座谈,推介宜宾的营商环境。\n"
    "截至目前,宜宾的友好城市分布在23个国家,共计41座城市。\n"
)

BEIJING = (
    "北京市外办2024年工作总结\n\n"
    "北京市外办全年与15家驻华大使馆举行工作会晤。\n"
    "我市全年举办国际会议120场。\n"
)

LUZHOU = (
    "泸州市2024年对外开放工作安排\n\n"
    "2024年,泸州市外办将围绕全市中心工作,做好外事服务保障。\n"
    "市外办将组织我市企业赴德国参加展会。\n"
    "我市将举办第三届酒城国际论坛。\n"
    "全年力争新增国际友城4个以上,同时为8名外籍人士授予荣誉市民。\n"
)


@pytest.fixture(scope="module")
def offices(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    texts = {"yibin-2024.txt": YIBIN, "beijing-2024.txt": BEIJING, "luzhou-2024.txt": LUZHOU}
    with workspace_of(tmp_path_factory.mktemp("offices"), texts) as ws:
        yield ws


def _labels(ws: Workspace, question: str) -> list[str]:
    return [a.label for a in ws.ask(question).answers]


def test_an_office_question_is_answered_from_its_own_city_reports(offices: Workspace) -> None:
    """宜宾市委外办主任在北京…: Yibin's office is asked about, Beijing is only where it went;
    Beijing's own report (15家) does not answer for Yibin's office."""
    question = "2024年3月宜宾市委外办主任在北京与几家驻华大使馆座谈？"
    assert _labels(offices, question) == ["7"]


def test_an_office_is_the_voice_of_its_reports(offices: Workspace) -> None:
    """The sentences naming 泸州市外办 state no count of sister cities (nor does the title name
    it); the one that does speaks in its voice without naming it (全年力争新增国际友城4个以上)."""
    assert _labels(offices, "2024年泸州市外办计划新增几个国际友城？") == ["4"]


def test_an_english_plural_counts_what_its_singular_names(offices: Workspace) -> None:
    """how many countries: CC-CEDICT glosses "country" (国家), not "countries"; 23 counts
    国家, 41 counts 城市."""
    question = "In how many countries are Yibin's friendship cities?"
    assert _labels(offices, question) == ["23"]
