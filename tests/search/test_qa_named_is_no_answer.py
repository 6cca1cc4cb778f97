"""A stored relation's answer is never a name the question gives: asked which symposium a city
held, the city itself (a participant of it) is no answer; asked where a society's meeting was
held, neither the society nor the city inside the meeting's name is. Sentences written for these
tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import workspace_of
from waishi.workspace import Workspace

pytestmark = pytest.mark.slow

MIANYANG = (
    "绵阳市外办2023年工作总结\n\n"
    "2023年6月,绵阳与澳门贸易投资促进局共同举办“绵澳携手发展”座谈会,两地企业代表参加。\n"
)
GUANGYUAN = (
    "广元市外办2023年工作总结\n\n"
    "广元市外事学会第二届第一次理事会于2023年11月在利州区举行,选出新一届领导班子。\n"
)


@pytest.fixture(scope="module")
def mianyang(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    texts = {"mianyang-2023.txt": MIANYANG, "guangyuan-2023.txt": GUANGYUAN}
    with workspace_of(tmp_path_factory.mktemp("named"), texts) as ws:
        yield ws


def _labels(ws: Workspace, question: str) -> list[str]:
    return [a.label for a in ws.ask(question).answers]


def test_the_city_asked_about_is_no_answer(mianyang: Workspace) -> None:
    labels = _labels(mianyang, "Which symposium did Mianyang hold with a Macao agency in 2023?")
    assert "绵阳" not in labels
    assert any("座谈会" in label for label in labels)


def test_a_name_inside_the_event_asked_about_is_no_answer(mianyang: Workspace) -> None:
    labels = _labels(mianyang, "2023年11月广元市外事学会第二届第一次理事会在哪个区举行？")
    assert labels == ["利州"]
