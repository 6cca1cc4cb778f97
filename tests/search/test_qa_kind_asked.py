"""Answers read from the text when the question asks for a kind of thing (which economic
corridor, which universities): the names of that kind answer, not the places named beside them,
and a name listed with one of that kind (A大学、B分校) is of it too. Sentences written for these
tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import workspace_of
from tests.search.test_qa_evidence_reading import read_from_text
from waishi.workspace import Workspace

pytestmark = pytest.mark.slow

REPORT = (
    "保山市外办2023年工作总结\n\n"
    "2023年,保山与缅甸曼德勒省互派经贸考察团,参与中缅经济走廊建设。\n"
    "保山教育代表团到访英国利物浦大学、美国加州大学伯克利分校,商谈互派留学生。\n"
)


@pytest.fixture(scope="module")
def baoshan(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    with workspace_of(tmp_path_factory.mktemp("kinds"), {"baoshan-2023.txt": REPORT}) as ws:
        yield ws


def _labels(ws: Workspace, question: str) -> list[str]:
    return [a.label for a in read_from_text(ws, question)[0]]


def test_the_kind_asked_for_answers_not_the_place_beside_it(baoshan: Workspace) -> None:
    """曼德勒省 stands in the same clause as the corridor; "economic corridor" asks for a
    走廊."""
    assert _labels(baoshan, "Which economic corridor has Baoshan joined?") == ["中缅经济走廊"]


def test_a_name_listed_with_one_of_the_kind_is_of_it(baoshan: Workspace) -> None:
    """加州大学伯克利分校 ends with 分校, not 大学, and is listed with 英国利物浦大学."""
    labels = _labels(baoshan, "保山教育代表团到访了哪些外国大学？")
    assert sorted(labels) == sorted(["英国利物浦大学", "美国加州大学伯克利分校"])
