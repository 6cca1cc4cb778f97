"""The bridge encoder: segmentation, the persisted word-vector cache, and cross-lingual nearness.

Cache and segmentation tests use a counting stand-in encoder; nearness tests load the real model.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from search.bridge import MANIFEST, BridgeEncoder, BridgeOptions, is_chinese
from search.encoders import Encoder, load_plain_encoder

SISTER_CITIES_ZH = (
    "今年，我市先后与吉尔吉斯斯坦首都比什凯克、亚美尼亚首都埃里温等城市结好，国际友城越来越多。"
)
CONSULAR_ZH = "妥善处置涉外领事保护案件，协助在外公民办理领事认证。"


class CountingEncoder:
    """Deterministic unit vectors from a text's hash; records every text it is asked for."""

    def __init__(self, name: str = "counting", dim: int = 16) -> None:
        self._name = name
        self._dim = dim
        self.seen: list[str] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        self.seen.extend(texts)
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            row = np.random.default_rng(seed).standard_normal(self._dim)
            rows.append(row / np.linalg.norm(row))
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), self._dim)


def test_chinese_is_told_from_english() -> None:
    assert is_chinese(SISTER_CITIES_ZH)
    assert is_chinese("RCEP青岛经贸合作先行创新试验基地")
    assert not is_chinese("Which cities became sister cities of Qingdao (青岛)?")
    assert not is_chinese("")


def test_english_goes_to_the_inner_model_untouched(tmp_path: Path) -> None:
    inner = CountingEncoder()
    bridge = BridgeEncoder(inner, tmp_path / "wv")
    vectors = bridge.encode(["sister cities", SISTER_CITIES_ZH])
    assert np.allclose(vectors[0], inner.encode(["sister cities"])[0])
    assert vectors.dtype == np.float32 and vectors.shape == (2, 16)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert bridge.name == "bridge:counting" and bridge.dim == 16


def test_chinese_is_embedded_through_glosses(tmp_path: Path) -> None:
    inner = CountingEncoder()
    bridge = BridgeEncoder(inner, tmp_path / "wv")
    words = bridge.words(SISTER_CITIES_ZH)
    assert {"比什凯克", "埃里温", "结好", "国际友城"} <= set(words)
    assert not {"的", "今年", "与"} & set(words), "stop words are dropped"
    bridge.encode([SISTER_CITIES_ZH])
    assert "become sister cities; twin" in inner.seen  # 结好's glossary gloss, not the word
    assert SISTER_CITIES_ZH not in inner.seen


def test_ascii_tokens_in_chinese_are_embedded_as_themselves(tmp_path: Path) -> None:
    inner = CountingEncoder()
    bridge = BridgeEncoder(inner, tmp_path / "wv")
    assert "RCEP" in bridge.words("助力RCEP青岛经贸合作先行创新试验基地建设")
    bridge.encode(["助力RCEP青岛经贸合作先行创新试验基地建设"])
    assert "RCEP" in inner.seen


def test_user_words_keep_names_whole(tmp_path: Path) -> None:
    options = BridgeOptions(add_headwords=False)
    text = "推动上海合作组织国家合作"
    plain = BridgeEncoder(CountingEncoder(), tmp_path / "a", options=options)
    named = BridgeEncoder(CountingEncoder(), tmp_path / "b", ["上海合作组织"], options=options)
    assert "上海合作组织" not in plain.words(text)
    assert "上海合作组织" in named.words(text)


def test_non_default_options_change_the_name(tmp_path: Path) -> None:
    bridge = BridgeEncoder(CountingEncoder(), tmp_path / "wv", options=BridgeOptions("clause-mean"))
    assert bridge.name == "bridge:counting+pooling=clause-mean"


def test_cache_persists_and_a_second_instance_embeds_nothing(tmp_path: Path) -> None:
    first = BridgeEncoder(CountingEncoder(), tmp_path / "wv")
    vectors = first.encode([SISTER_CITIES_ZH])
    assert first.cache.stats.embedded == len(set(first.words(SISTER_CITIES_ZH))) > 0

    inner = CountingEncoder()
    second = BridgeEncoder(inner, tmp_path / "wv")
    again = second.encode([SISTER_CITIES_ZH])
    assert second.cache.stats.loaded == first.cache.stats.embedded
    assert second.cache.stats.embedded == 0 and inner.seen == []
    assert np.allclose(vectors, again)


def test_new_text_extends_the_cache_with_only_its_new_words(tmp_path: Path) -> None:
    bridge = BridgeEncoder(CountingEncoder(), tmp_path / "wv")
    bridge.encode([SISTER_CITIES_ZH])
    before = len(bridge.cache)
    bridge.encode([CONSULAR_ZH])
    new_words = set(bridge.words(CONSULAR_ZH)) - set(bridge.words(SISTER_CITIES_ZH))
    assert len(bridge.cache) == before + len(new_words)
    manifest = json.loads((tmp_path / "wv" / MANIFEST).read_text(encoding="utf-8"))
    assert len(manifest["words"]) == len(bridge.cache)
    assert len(list((tmp_path / "wv").glob("vectors-*.npy"))) == 1, "old matrices are removed"
    assert not list((tmp_path / "wv").glob(".*tmp")), "no temporary files are left behind"


def test_a_different_model_rebuilds_the_cache(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    BridgeEncoder(CountingEncoder("model-a"), tmp_path / "wv").encode([SISTER_CITIES_ZH])
    with caplog.at_level(logging.INFO, logger="search.bridge"):
        rebuilt = BridgeEncoder(CountingEncoder("model-b"), tmp_path / "wv")
    assert rebuilt.cache.stats.rebuilt and len(rebuilt.cache) == 0
    assert "rebuilding" in caplog.text
    rebuilt.encode([SISTER_CITIES_ZH])
    assert rebuilt.cache.stats.embedded > 0
    manifest = json.loads((tmp_path / "wv" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["key"]["model"] == "model-b"


def test_an_edited_manifest_model_name_triggers_a_rebuild(tmp_path: Path) -> None:
    BridgeEncoder(CountingEncoder(), tmp_path / "wv").encode([SISTER_CITIES_ZH])
    path = tmp_path / "wv" / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["key"]["model"] = "some-other-model"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    assert BridgeEncoder(CountingEncoder(), tmp_path / "wv").cache.stats.rebuilt


def test_a_corrupt_cache_is_rebuilt_not_fatal(tmp_path: Path) -> None:
    BridgeEncoder(CountingEncoder(), tmp_path / "wv").encode([SISTER_CITIES_ZH])
    (tmp_path / "wv" / MANIFEST).write_text("{not json", encoding="utf-8")
    bridge = BridgeEncoder(CountingEncoder(), tmp_path / "wv")
    assert bridge.cache.stats.rebuilt
    assert bridge.encode([SISTER_CITIES_ZH]).shape == (1, 16)


@pytest.fixture(scope="module")
def real_model() -> Encoder:
    return load_plain_encoder()


@pytest.mark.slow
def test_sister_city_sentence_is_nearer_sister_cities_than_consular_cases(
    real_model: Encoder, tmp_path: Path
) -> None:
    bridge = BridgeEncoder(real_model, tmp_path / "wv")
    sentence = bridge.encode([SISTER_CITIES_ZH])[0]
    sister, consular = bridge.encode(["sister cities", "consular protection cases"])
    assert float(sentence @ sister) > float(sentence @ consular) + 0.1


@pytest.mark.slow
def test_each_chinese_sentence_finds_its_english_paraphrase(
    real_model: Encoder, tmp_path: Path
) -> None:
    bridge = BridgeEncoder(real_model, tmp_path / "wv")
    chinese = [
        SISTER_CITIES_ZH,
        CONSULAR_ZH,
        "开行中欧班列青岛至曼海姆专列。",
        "促成韩国岭南大学与中国石油大学签署合作协议。",
    ]
    english = [
        "new sister cities such as Bishkek and Yerevan",
        "consular protection cases",
        "a China-Europe Railway Express special train to Mannheim",
        "universities signed a cooperation agreement",
    ]
    similarity = bridge.encode(english) @ bridge.encode(chinese).T
    assert list(similarity.argmax(axis=1)) == [0, 1, 2, 3]
    raw = real_model.encode(english) @ real_model.encode(chinese).T
    assert np.trace(similarity) > np.trace(raw), "the bridge beats raw MiniLM on Chinese"


@pytest.mark.slow
def test_real_cache_round_trip_gives_identical_vectors(real_model: Encoder, tmp_path: Path) -> None:
    first = BridgeEncoder(real_model, tmp_path / "wv").encode([CONSULAR_ZH])
    second_encoder = BridgeEncoder(real_model, tmp_path / "wv")
    assert np.array_equal(first, second_encoder.encode([CONSULAR_ZH]))
    assert second_encoder.cache.stats.embedded == 0
