"""The cross-lingual bridge: Chinese text embedded as pooled vectors of its words' English glosses.

English goes to the plain model untouched, so English questions meet Chinese sentences in one space.
"""

from __future__ import annotations

import json
import logging
import marshal
import os
import re
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from search.encoders import Encoder
from search.glosses import GlossDictionary, load_gloss_dictionary, write_atomic
from search.name_cache import fingerprint

log = logging.getLogger(__name__)

Pooling = Literal["mean", "clause-mean", "clause-max"]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_ASCII_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9.&+-]*$")
_SENTENCE_MARKS = "。！？!?\n"
# Function words and report boilerplate: their glosses ("of", "to exist", "aspect") pull every
# sentence vector towards the same generic point.
_STOP_WORDS_TEXT = """
的 了 和 与 及 以及 并 并且 而 或 或者 在 于 对 将 把 被 从 以
为 为了 由 向 同 跟 给 等 等等 之 其 此 该 这 那 这些 那些 各
每 也 都 又 还 就 已 已经 均 所 所有 是 有 个 中 上 下 内 外
前 后 里 我 我们 我市 我国 今年 去年 明年 全年 年 月 日 进一步
积极 不断 持续 充分 深入 切实 主动 大力 有效 重点 相关 有关 各类
各项 各种 方面 方式 工作 情况 期间 同时 其中 通过 按照 根据 围绕
加强 推进 推动 进行 开展 实现 做好 一批 多个 多项 一系列 共 余 约
达 近 此外 比如 例如 一是 二是 三是 四是 五是 六是 七是 八是 九是
十是
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class BridgeOptions:
    """How Chinese text becomes one vector; the defaults are what benchmarks/retrieval_bridge.py
    measured best. Non-default options change the encoder's name, so indexes keep them apart."""

    pooling: Pooling = "mean"
    clause_marks: str = "，、；：,;:"
    # A word counts once per text: a report repeats its home city in every sentence, and
    # counting each mention pulled every such sentence towards any question naming the city.
    unique_words: bool = True
    # CC-CEDICT headwords jieba lacks, added so segmentation yields words that have glosses.
    add_headwords: bool = True
    # Single characters are mostly particles or abbreviations (韩, 青) whose glosses mislead;
    # those in the domain glossary are kept.
    min_word_len: int = 2
    # An unglossed word is split into the longest glossed words inside it (经贸类 -> 经贸).
    backoff: bool = True

    def tag(self) -> str:
        default = BridgeOptions()
        changed = [
            f"{key}={value}"
            for key, value in asdict(self).items()
            if getattr(default, key) != value
        ]
        return "" if not changed else "+" + ",".join(changed)


@dataclass(frozen=True)
class CacheKey:
    """What a cached word vector depends on; any change invalidates the whole cache."""

    model: str
    dim: int
    cedict_version: str
    glossary_sha256: str


@dataclass
class CacheStats:
    """What one cache instance did: the tests and the benchmark read these."""

    loaded: int = 0
    embedded: int = 0
    rebuilt: bool = False
    embed_seconds: float = 0.0
    saves: int = 0


class WordVectorCache:
    """Word -> vector of its gloss, persisted as one .npy matrix plus a JSON manifest.

    The manifest is the commit point: the matrix is written under a fresh name first, then the
    manifest naming it replaces the old one, so a crash leaves the previous cache readable.
    """

    def __init__(self, directory: Path, key: CacheKey) -> None:
        self.directory = Path(directory)
        self.key = key
        self.stats = CacheStats()
        self._index: dict[str, int] = {}
        self._matrix = np.zeros((0, key.dim), dtype=np.float32)
        self._load()

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, word: object) -> bool:
        return word in self._index

    def missing(self, words: Iterable[str]) -> list[str]:
        return [word for word in dict.fromkeys(words) if word not in self._index]

    def add(self, words: Sequence[str], vectors: NDArray[np.float32]) -> None:
        if len(words) != len(vectors):
            raise ValueError(f"{len(words)} words but {len(vectors)} vectors")
        fresh = [(w, v) for w, v in zip(words, vectors, strict=True) if w not in self._index]
        if not fresh:
            return
        start = len(self._index)
        for offset, (word, _) in enumerate(fresh):
            self._index[word] = start + offset
        block = np.asarray([v for _, v in fresh], dtype=np.float32).reshape(-1, self.key.dim)
        self._matrix = np.vstack([self._matrix, block])
        self.stats.embedded += len(fresh)
        try:
            self._save()
        except OSError as exc:
            # The cache only saves time: a read-only index folder must not stop encoding.
            log.warning("cannot save word-vector cache in %s (%s)", self.directory, exc)

    def vectors(self, words: Sequence[str]) -> NDArray[np.float32]:
        """Rows for `words`, which must all be cached."""
        return self._matrix[[self._index[word] for word in words]]

    def _load(self) -> None:
        manifest_path = self.directory / MANIFEST
        if not manifest_path.is_file():
            return
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            recorded = CacheKey(**manifest["key"])
            words = list(manifest["words"])
            matrix = np.load(self.directory / manifest["matrix"], allow_pickle=False)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("word-vector cache in %s unreadable (%s): rebuilding", self.directory, exc)
            self.stats.rebuilt = True
            return
        if recorded != self.key:
            log.info(
                "word-vector cache in %s was built for %s, now %s: rebuilding",
                self.directory,
                recorded,
                self.key,
            )
            self.stats.rebuilt = True
            return
        if matrix.shape != (len(words), self.key.dim):
            log.warning("word-vector cache in %s has a torn matrix: rebuilding", self.directory)
            self.stats.rebuilt = True
            return
        self._index = {word: row for row, word in enumerate(words)}
        self._matrix = matrix.astype(np.float32, copy=False)
        self.stats.loaded = len(words)

    def _save(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        matrix_name = f"vectors-{time.time_ns()}.npy"
        _atomic_write(self.directory / matrix_name, _npy_bytes(self._matrix))
        manifest = {
            "key": asdict(self.key),
            "matrix": matrix_name,
            "words": list(self._index),
        }
        text = json.dumps(manifest, ensure_ascii=False, indent=1)
        _atomic_write(self.directory / MANIFEST, text.encode("utf-8"))
        self.stats.saves += 1
        for stale in self.directory.glob("vectors-*.npy"):
            if stale.name != matrix_name:
                stale.unlink(missing_ok=True)


def _npy_bytes(matrix: NDArray[np.float32]) -> bytes:
    import io

    buffer = io.BytesIO()
    np.save(buffer, matrix, allow_pickle=False)
    return buffer.getvalue()


def _atomic_write(path: Path, data: bytes) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def is_chinese(text: str) -> bool:
    """Chinese unless Latin letters dominate: a hanzi carries about as much as a 4-letter word."""
    cjk = len(_CJK.findall(text))
    return cjk > 0 and cjk * 4 >= len(_LATIN.findall(text))


@lru_cache(maxsize=2)
def _base_frequencies(
    glosses: GlossDictionary, add_headwords: bool, cache_dir: Path | None = None
) -> tuple[dict[str, int], int]:
    """jieba's dictionary plus the glossary and (optionally) CC-CEDICT's multi-character words.

    Built once per process and copied per encoder (user words differ, this not). Building takes
    seconds (each added word is segmented first); with a `cache_dir` it is built once and then
    read from a marshal file there, at the cost of jieba reading its own dictionary."""
    import jieba

    key = fingerprint(
        [jieba.__version__, glosses.version, glosses.glossary_sha256, str(add_headwords)]
    )
    path = cache_dir / f"jieba-bridge-{key[:16]}.marshal" if cache_dir is not None else None
    if path is not None and path.is_file():
        try:
            frequencies, total = marshal.loads(path.read_bytes())
            return frequencies, int(total)
        except (OSError, ValueError, EOFError, TypeError) as exc:
            log.warning("segmenter cache %s unreadable (%s): rebuilding", path, exc)
    frequencies, total = _build_frequencies(glosses, add_headwords)
    if path is not None:
        try:
            write_atomic(path, marshal.dumps((frequencies, total)))
        except OSError as exc:
            log.warning("cannot write segmenter cache %s (%s)", path, exc)
    return frequencies, total


def _build_frequencies(glosses: GlossDictionary, add_headwords: bool) -> tuple[dict[str, int], int]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    if add_headwords:
        # Only words jieba lacks, at the frequency that just keeps them whole: raising known
        # words would re-segment text jieba already handles well.
        for word in glosses.headwords():
            if len(word) > 1 and _CJK.match(word) and not tokenizer.FREQ.get(word):
                tokenizer.add_word(word)
    for word in glosses.glossary_words:
        tokenizer.add_word(word, max(tokenizer.FREQ.get(word, 0), tokenizer.suggest_freq(word)))
    return dict(tokenizer.FREQ), int(tokenizer.total)


def build_segmenter(
    glosses: GlossDictionary,
    user_words: Iterable[str],
    add_headwords: bool,
    cache_dir: Path | None = None,
) -> Any:
    """A private jieba tokenizer (the global one belongs to ingest) with our extra words."""
    import jieba

    frequencies, total = _base_frequencies(glosses, add_headwords, cache_dir)
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ = dict(frequencies)
    tokenizer.total = total
    tokenizer.initialized = True
    for word in user_words:
        word = word.strip()
        if len(word) > 1:
            tokenizer.add_word(word, max(tokenizer.FREQ.get(word, 0), tokenizer.suggest_freq(word)))
    return tokenizer


class BridgeEncoder:
    """An `Encoder` that embeds Chinese through CC-CEDICT glosses and English directly."""

    def __init__(
        self,
        inner: Encoder,
        cache_dir: Path,
        user_words: Iterable[str] = (),
        *,
        glosses: GlossDictionary | None = None,
        options: BridgeOptions = BridgeOptions(),  # frozen, so one shared default is safe
        segmenter_cache: Path | None = None,
    ) -> None:
        self._inner = inner
        self._glosses = glosses if glosses is not None else load_gloss_dictionary()
        self.options = options
        key = CacheKey(inner.name, inner.dim, self._glosses.version, self._glosses.glossary_sha256)
        self.cache = WordVectorCache(cache_dir, key)
        self._user_words = list(user_words)
        self._segmenter_cache = segmenter_cache
        self._built_segmenter: Any = None

    @property
    def _segmenter(self) -> Any:
        """Built on the first Chinese text: an English query never needs it."""
        if self._built_segmenter is None:
            self._built_segmenter = build_segmenter(
                self._glosses, self._user_words, self.options.add_headwords, self._segmenter_cache
            )
        return self._built_segmenter

    @property
    def name(self) -> str:
        return f"bridge:{self._inner.name}{self.options.tag()}"

    @property
    def dim(self) -> int:
        return self._inner.dim

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        direct: list[int] = []
        bridged: dict[int, list[list[str]]] = {}
        for row, text in enumerate(texts):
            clauses = self.clause_words(text) if is_chinese(text) else []
            if any(clauses):
                bridged[row] = clauses
            else:
                # English, or Chinese with no glossed word: the model is all we have.
                direct.append(row)
        if direct:
            out[direct] = self._inner.encode([texts[row] for row in direct])
        if bridged:
            self._ensure_cached(word for clauses in bridged.values() for c in clauses for word in c)
            for row, clauses in bridged.items():
                out[row] = self._pool(clauses)
        return out

    def words(self, text: str) -> list[str]:
        """The glossed words of `text`, in order: what its vector is pooled from."""
        return [word for clause in self.clause_words(text) for word in clause]

    def clause_words(self, text: str) -> list[list[str]]:
        """Glossed words per clause (clauses end at the option's marks or sentence ends)."""
        marks = re.escape(self.options.clause_marks + _SENTENCE_MARKS)
        clauses = [part for part in re.split(f"[{marks}]", text) if part.strip()]
        found = [self._clause_words(clause) for clause in clauses]
        if self.options.unique_words:
            seen: set[str] = set()
            unique: list[list[str]] = []
            for words in found:
                fresh = list(dict.fromkeys(word for word in words if word not in seen))
                seen.update(fresh)
                unique.append(fresh)
            found = unique
        return [words for words in found if words]

    def _clause_words(self, clause: str) -> list[str]:
        words: list[str] = []
        for token in self._segmenter.cut(clause):
            token = token.strip()
            if not token:
                continue
            if _ASCII_WORD.match(token):
                # RCEP, APEC, SCO: the model knows them; it needs no dictionary.
                words.append(token)
            elif _CJK.match(token):
                words.extend(self._cjk_words(token))
        return words

    def _cjk_words(self, token: str) -> list[str]:
        if token in STOP_WORDS:
            return []
        if len(token) < self.options.min_word_len and not self._glosses.in_glossary(token):
            # The glossary vouches for the few single characters that carry the domain (港).
            return []
        if self._glosses.english_gloss(token) is not None:
            return [token]
        return self._backoff(token) if self.options.backoff else []

    def _backoff(self, token: str) -> list[str]:
        """Longest glossed words (two characters or more) inside an unglossed one, left to
        right; characters no glossed word covers are dropped."""
        found: list[str] = []
        start = 0
        while start < len(token):
            ends = range(len(token), start + 1, -1)
            end = next((end for end in ends if self._glossed(token[start:end])), None)
            if end is None:
                start += 1
            else:
                found.append(token[start:end])
                start = end
        return found

    def _glossed(self, word: str) -> bool:
        return word not in STOP_WORDS and self._glosses.english_gloss(word) is not None

    def _ensure_cached(self, words: Iterable[str]) -> None:
        missing = self.cache.missing(words)
        if not missing:
            return
        started = time.perf_counter()
        texts = [self._gloss_text(word) for word in missing]
        vectors = self._inner.encode(texts)
        self.cache.add(missing, vectors)
        self.cache.stats.embed_seconds += time.perf_counter() - started

    def _gloss_text(self, word: str) -> str:
        if _ASCII_WORD.match(word):
            return word
        return self._glosses.english_gloss(word) or word

    def _pool(self, clauses: list[list[str]]) -> NDArray[np.float32]:
        if self.options.pooling == "mean":
            vector = self.cache.vectors([word for clause in clauses for word in clause]).mean(0)
        else:
            per_clause = np.stack([_unit(self.cache.vectors(c).mean(0)) for c in clauses])
            if self.options.pooling == "clause-max":
                vector = per_clause.max(0)
            else:
                vector = per_clause.mean(0)
        return _unit(vector)


def _unit(vector: NDArray[np.float32]) -> NDArray[np.float32]:
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else vector.astype(np.float32)
