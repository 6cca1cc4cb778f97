"""English names of places written with the pinyin syllable mark (Xi'an) are one word: the
first syllable alone (Xi of a person's name) names no place, and the question is not kept to
that place's reports. Sentences written for these tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from search.qa.understand import understand
from tests.conftest import workspace_of
from waishi.workspace import Workspace

pytestmark = pytest.mark.slow

XIAN = "西安市外办2023年工作总结\n\n西安与意大利庞贝结为友好城市。\n"
LIJIANG = "丽江市外办2023年工作总结\n\n我市成功举办首届玉龙雪山国际论坛。\n"


@pytest.fixture(scope="module")
def cities(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    texts = {"xian-2023.txt": XIAN, "lijiang-2023.txt": LIJIANG}
    with workspace_of(tmp_path_factory.mktemp("pinyin"), texts) as ws:
        yield ws


def _xian(ws: Workspace) -> set[object]:
    return set(ws.lexicon.names_zh["西安"])


def test_a_name_with_the_syllable_mark_is_linked(cities: Workspace) -> None:
    slots = understand("Which Italian city did Xi'an twin with in 2023?", cities.lexicon).slots
    assert _xian(cities) & set(slots.named)


def test_a_person_named_xi_names_no_place(cities: Workspace) -> None:
    question = "Which forum did Lijiang hold after Xi Jinping's visit in 2023?"
    slots = understand(question, cities.lexicon).slots
    assert not _xian(cities) & set(slots.named)
    assert not _xian(cities) & set(slots.reporting)
