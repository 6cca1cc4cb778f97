"""The vocabulary of names and relations (`terms.toml`), keyed by ontology term: head nouns of
each class, trigger words of each relation, and the words questions use for them.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

TERMS_FILE = Path(__file__).with_name("terms.toml")


@cache
def _terms() -> dict[str, dict[str, object]]:
    with TERMS_FILE.open("rb") as handle:
        return tomllib.load(handle)


def words(term: str, key: str) -> tuple[str, ...]:
    """The alternatives listed under `[term] key` (empty when there are none)."""
    value = _terms().get(term, {}).get(key, ())
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def alternation(term: str, key: str) -> str:
    """`[term] key` as one regular-expression alternation (no group)."""
    found = words(term, key)
    if not found:
        raise KeyError(f"{TERMS_FILE.name} has no [{term}] {key}")
    return "|".join(found)


@cache
def pattern(term: str, key: str) -> re.Pattern[str]:
    return re.compile(alternation(term, key))


def table(term: str) -> dict[str, str]:
    """A section of plain `word = "Class"` entries, such as [enumeration]."""
    return {str(k): str(v) for k, v in _terms().get(term, {}).items()}
