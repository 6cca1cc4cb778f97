"""A question for foreign cities (哪些外国城市, which foreign cities) is answered by none of the
home country's, which the same sentences name beside them. Sentences written for these tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import workspace_of
from waishi.workspace import Workspace

pytestmark = pytest.mark.slow

REPORT = (
    "遂宁市外办2023年工作总结\n\n"
    "2023年,遂宁会同成都、德阳两市迎来意大利佛罗伦萨市、日本大阪市代表团。\n"
    "2023年友城大会表彰日本大分市与武汉市、韩国全州市与长沙市两对友城,授予合作贡献奖。\n"
)


@pytest.fixture(scope="module")
def suining(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    with workspace_of(tmp_path_factory.mktemp("foreign"), {"suining-2023.txt": REPORT}) as ws:
        yield ws


def _labels(ws: Workspace, question: str) -> list[str]:
    return sorted(a.label for a in ws.ask(question).answers)


def test_foreign_cities_asked_for_are_none_of_the_home_country(suining: Workspace) -> None:
    """The award went to pairs of cities: the twinning relation gives both sides, and only the
    foreign side answers."""
    question = "在2023年友城大会上哪些外国城市获得合作贡献奖？"
    assert _labels(suining, question) == ["全州", "大分"]


def test_foreign_cities_read_from_the_text(suining: Workspace) -> None:
    question = "2023年遂宁市迎来了哪些外国城市的代表团？"
    assert _labels(suining, question) == ["佛罗伦萨", "大阪"]
