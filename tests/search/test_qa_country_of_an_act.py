""""Which country" asked with a name of the home country (a city, its museum) asks for the other
country of an act told of it (whose prime minister visited, where its exhibition was shown), not
for the country it is in. Sentences written for these tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import workspace_of
from waishi.workspace import Workspace

pytestmark = pytest.mark.slow

DEYANG = (
    "德阳市外办2023年工作总结\n\n"
    "2023年,冰岛总理率团访问德阳,秘鲁前总统也到访我市。\n"
    "9月,德阳博物馆赴意大利举办蜀锦织品展,观众逾万人次。\n"
)

MIANYANG = "绵阳市外办2023年工作总结\n\n绵阳同德国科特布斯市互签合作备忘录。\n"


@pytest.fixture(scope="module")
def deyang(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    texts = {"deyang-2023.txt": DEYANG, "mianyang-2023.txt": MIANYANG}
    with workspace_of(tmp_path_factory.mktemp("acts"), texts) as ws:
        yield ws


def _labels(ws: Workspace, question: str) -> list[str]:
    return [a.label for a in ws.ask(question).answers]


def test_the_country_of_a_visitor_is_not_the_visited_city_country(deyang: Workspace) -> None:
    question = "The prime minister of which country visited Deyang in 2023?"
    assert _labels(deyang, question) == ["冰岛"]


def test_the_country_an_exhibition_went_to_is_read_from_the_text(deyang: Workspace) -> None:
    assert _labels(deyang, "德阳博物馆的织品展在哪个国家展出？") == ["意大利"]


def test_a_foreign_city_is_still_placed_in_its_country(deyang: Workspace) -> None:
    """The stored relation still answers for a name abroad."""
    answer = deyang.ask("科特布斯位于哪个国家？")
    assert [a.label for a in answer.answers] == ["德国"]
    assert answer.intent == "country_of"
