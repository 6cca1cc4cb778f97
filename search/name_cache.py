"""English names of the graph's Chinese labels, and the corpus's Chinese words for English ones,
kept on disk between processes: a one-shot question then needs neither CC-CEDICT nor jieba.

Both are pure functions of their inputs; the file records a fingerprint of those inputs
(`NameCache.key`, and for the reverse index also the stored reports) and is ignored when it
differs. A miss is computed by the functions given, which load CC-CEDICT on first use.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from search.glosses import DEFAULT_GLOSSARY, cedict_version, write_atomic

log = logging.getLogger(__name__)

FORMAT = 1
_ROOT = Path(__file__).resolve().parent.parent
# the code English names and reverse glosses come from: a change to it invalidates the cache
_NAMING_CODE = ("search/naming.py", "search/glosses.py", "search/lexical.py", "ingest/gazetteer.py")


def fingerprint(parts: Iterable[str | bytes]) -> str:
    """A digest of the given strings and bytes, in order."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def files_fingerprint(paths: Iterable[Path]) -> str:
    """A digest of the files' names and contents (a missing file counts as empty)."""
    parts: list[str | bytes] = []
    for path in sorted(paths):
        parts.append(path.name)
        parts.append(path.read_bytes() if path.is_file() else b"")
    return fingerprint(parts)


def naming_key(reference_dir: Path) -> str:
    """What English names and reverse glosses depend on: CC-CEDICT's release, the glossary, the
    reference data and the code that reads them."""
    return fingerprint(
        [
            cedict_version(),
            files_fingerprint([DEFAULT_GLOSSARY]),
            files_fingerprint(reference_dir.glob("*.csv")),
            files_fingerprint(_ROOT / path for path in _NAMING_CODE),
        ]
    )


class NameCache:
    """label -> English name (or None), and English word -> Chinese corpus words."""

    def __init__(
        self,
        path: Path,
        key: str,
        corpus_key: Callable[[], str],
        english_name: Callable[[str], str | None],
        reverse_index: Callable[[], dict[str, list[str]]],
    ) -> None:
        self.path = path
        self.key = key
        self._corpus_key = corpus_key
        self._compute_name = english_name
        self._compute_reverse = reverse_index
        self._names: dict[str, str | None] = {}
        self._reverse: dict[str, list[str]] | None = None
        self._reverse_key = ""
        self._dirty = False
        self.misses = 0
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            log.warning("name cache %s unreadable (%s): rebuilding", self.path, exc)
            return
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return
        if data.get("key") != self.key:
            return
        self._names = dict(data.get("names", {}))
        self._reverse_key = str(data.get("reverse_key", ""))
        reverse = data.get("reverse")
        self._reverse = dict(reverse) if isinstance(reverse, dict) else None

    def english_name(self, label: str) -> str | None:
        if label not in self._names:
            self._names[label] = self._compute_name(label)
            self._dirty = True
            self.misses += 1
        return self._names[label]

    def to_chinese(self, word: str) -> list[str]:
        from search.naming import chinese_for

        return chinese_for(self.reverse_index(), word)

    def reverse_index(self) -> dict[str, list[str]]:
        key = self._corpus_key()
        if self._reverse is None or self._reverse_key != key:
            self._reverse = self._compute_reverse()
            self._reverse_key = key
            self._dirty = True
            self.save()
        return self._reverse

    def save(self) -> None:
        """Write what was computed since the cache was read; a failed write only costs time."""
        if not self._dirty:
            return
        data = {
            "format": FORMAT,
            "key": self.key,
            "names": self._names,
            "reverse_key": self._reverse_key,
            "reverse": self._reverse,
        }
        try:
            write_atomic(self.path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
            self._dirty = False
        except OSError as exc:
            log.warning("cannot write name cache %s (%s)", self.path, exc)
