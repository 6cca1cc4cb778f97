"""English for Chinese names and Chinese for English words, through reference labels and
CC-CEDICT glosses, so English questions meet entities and sentences that are Chinese only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import jieba

from ingest.gazetteer import Gazetteer
from ingest.model import PLACE_TYPES, EntityRef
from search.glosses import GlossDictionary
from search.lexical import tokenize
from search.titles import TITLE_TYPES, TitleComposer

REFERENCE = "reference"
GLOSSARY = "glossary"
LABEL = "label"  # Latin letters written in the Chinese label itself (RCEP)
RULE_REFERENCE = "reference label"
RULE_WHOLE_NAME = "whole-name gloss"
RULE_COMPOSED = "composed from glossary"
RULE_WORD_BY_WORD = "title composed word by word"

# Longest span tried as one part of a composed name; the gazetteer's longest names are longer,
# but a name composed from more than this is a title, not a name.
MAX_PART_CHARS = 12
# A one-sense gloss longer than this is a definition ("to own a controlling number of …").
MAX_WORD_WORDS = 3
_JOINERS = frozenset("-–—－")
_OPEN, _CLOSE = frozenset("(（"), frozenset(")）")
_LATIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9&.+]*(?: [A-Za-z0-9&.+]+)*")
_SMALL_WORDS = frozenset({"a", "an", "and", "at", "by", "for", "in", "of", "on", "the", "to"})
# Type words that take their place as "X of Y" when a single name precedes them.
_OF_HEADS = ("Consulate General", "Consulate", "Embassy", "Port")
# Country names said with "the" after "Embassy of": the United States, the Netherlands.
_NEEDS_THE = re.compile(
    r"^United |^(?:Netherlands|Philippines|Bahamas|Gambia|Maldives|Comoros)$"
    r"|\b(?:Republic|Islands|Kingdom|Emirates|States)\b"
)


@dataclass(frozen=True)
class EnglishName:
    """An English label for a Chinese name, with where it comes from and how it was made."""

    text: str
    source: str
    rule: str


@dataclass(frozen=True)
class _Part:
    """One covered piece of a Chinese name: a name, a word, a type word, or punctuation."""

    zh: str
    en: str
    source: str
    is_name: bool = False
    is_type: bool = False
    is_country: bool = False
    mark: str = ""  # "-", "(", ")" for punctuation parts


class EnglishBridge:
    def __init__(
        self, gazetteer: Gazetteer, glosses: GlossDictionary | None, corpus_texts: Iterable[str]
    ) -> None:
        self.gazetteer = gazetteer
        self.glosses = glosses
        self._texts = corpus_texts

    # -- labels for entity cards and the graph -----------------------------------------------

    def english_label(
        self, label_zh: str, entity_type: str, *, country: str = ""
    ) -> EnglishName | None:
        """An English label fit to show, or None rather than a guess: the reference's label,
        CC-CEDICT's proper name for the whole label, or one composed from known names and
        glossary words (青岛港 -> "Port of Qingdao"). `country` (ISO 3166-1 alpha-2) decides
        between same-named places (长滩: Long Beach in US, Changtan in CN)."""
        label = label_zh.strip()
        if not label:
            return None
        country = country or self._leading_country(label)
        refs = [r for r in self.gazetteer.lookup(label) if _type_fits(r.type, entity_type)]
        known = _one_label(refs, country)
        if known:
            return EnglishName(known, REFERENCE, RULE_REFERENCE)
        glosses = self.glosses
        if glosses is None:
            return None
        # A label that is also a common word (港: harbour, Hong Kong) is not surely the name.
        whole = glosses.proper_name(label) if len(label) >= 2 else None
        if whole and not glosses.has_common_reading(label):
            return EnglishName(whole, glosses.source_name, RULE_WHOLE_NAME)
        parts = self._segment(label, country, glosses)
        composed = _compose(parts) if parts else None
        if composed is not None or entity_type not in TITLE_TYPES:
            return composed
        if self.gazetteer.lookup(label):  # a name the reference gives another type: no title
            return None
        # an event's, company's or institution's title, glossed word by word in its order
        found = self._titles.compose(label, entity_type, country)
        if found is None:
            return None
        return EnglishName(found[0], " + ".join(found[1]), RULE_WORD_BY_WORD)

    @cached_property
    def _titles(self) -> TitleComposer:
        assert self.glosses is not None

        def known(word: str, country: str) -> str:
            return _one_label(self.gazetteer.lookup(word), country)

        return TitleComposer(self.gazetteer, self.glosses, known, self._abbreviation_compound)

    def _segment(self, label: str, country: str, glosses: GlossDictionary) -> list[_Part] | None:
        """The label cut into the fewest covered parts (longest first on ties), or None when
        some stretch is covered by nothing."""
        n = len(label)
        best: list[list[_Part] | None] = [None] * (n + 1)
        best[n] = []
        for i in range(n - 1, -1, -1):
            for part, end in self._parts_at(label, i, country, glosses):
                rest = best[end]
                if rest is not None and (best[i] is None or len(rest) + 1 < len(best[i] or ())):
                    best[i] = [part, *rest]
        return best[0]

    def _parts_at(
        self, label: str, i: int, country: str, glosses: GlossDictionary
    ) -> list[tuple[_Part, int]]:
        char = label[i]
        if char in _JOINERS:
            return [(_Part(char, "-", "", mark="-"), i + 1)]
        if char in _OPEN or char in _CLOSE:
            mark = "(" if char in _OPEN else ")"
            return [(_Part(char, mark, "", mark=mark), i + 1)]
        latin = _LATIN.match(label, i)
        if latin:
            text = latin.group(0)
            if text.isdigit():
                return []  # a year or an ordinal: part of a title, not of a name
            source = REFERENCE if self.gazetteer.lookup(text) else LABEL
            return [(_Part(text, text, source, is_name=True), latin.end())]
        found = []
        for end in range(min(len(label), i + MAX_PART_CHARS), i, -1):
            part = self._part(label[i:end], country, glosses)
            if part is not None:
                found.append((part, end))
        return found

    def _part(self, word: str, country: str, glosses: GlossDictionary) -> _Part | None:
        """What one stretch of a name is, by trust: a reference name, a country-abbreviation
        compound (中德), a CC-CEDICT proper name, a glossary word, a one-sense common word."""
        entry = glosses.glossary_entry(word)
        is_type = entry is not None and entry.is_type_word
        common = entry is not None or glosses.has_common_reading(word)
        if len(word) >= 2:
            # A place name that is also a common word is a false friend (合作 Hezuo, 中心
            # Zhongxin); organisations and initiatives in the reference are curated names.
            refs = [
                r for r in self.gazetteer.lookup(word) if not (common and r.type in PLACE_TYPES)
            ]
            known = _one_label(refs, country)
            if known:
                is_country = all(r.type == "Country" for r in refs)
                return _Part(word, known, REFERENCE, True, is_type, is_country)
            if not common:
                compound = self._abbreviation_compound(word)
                if compound:
                    return _Part(word, compound, REFERENCE, is_name=True)
                name = glosses.proper_name(word)
                if name:
                    return _Part(word, name, glosses.source_name, is_name=True)
        if entry is not None:
            form = entry.name_form
            # a glossary word glossed as a preposition (驻 in) is curated as one, not a verb
            curated = form.split(" ", 1)[0] in _SMALL_WORDS if form else False
            if form and not _is_verb(form) and (curated or not _only_verbs(word, glosses)):
                return _Part(word, form, GLOSSARY, is_type=is_type)
            return None
        if len(word) < 2:
            return None
        sense = glosses.sole_sense(word)
        if sense and not _is_verb(sense) and len(sense.split()) <= MAX_WORD_WORDS:
            return _Part(word, sense, glosses.source_name)
        return None

    def _abbreviation_compound(self, word: str) -> str:
        """中德 -> "China-Germany": every character the one-character form of one country.
        Only compounds that start with China's 中, as bilateral names do in these reports:
        elsewhere two such characters side by side are more often part of another word."""
        if not word.startswith("中"):
            return ""
        names = []
        for char in word:
            codes = self.gazetteer.abbreviations.get(char, [])
            country = self.gazetteer.countries.get(codes[0]) if len(codes) == 1 else None
            if country is None or not country.ref.label_en:
                return ""
            names.append(country.ref.label_en)
        return "-".join(names) if len(set(names)) == len(names) else ""

    def _leading_country(self, label: str) -> str:
        """The country a label starts with (韩国岭南大学 -> KR), to read the names after it."""
        for name in self.gazetteer.country_names:
            if label.startswith(name):
                found = self.gazetteer.country_by_name(name)
                return found.ref.country if found else ""
        return ""

    # -- names for question linking ------------------------------------------------------------

    def english_name(self, label: str) -> str | None:
        """English words for a Chinese name, to link English questions: the reference's label,
        a label `english_label` can vouch for, else CC-CEDICT's gloss or one composed word by
        word (中国石油大学 -> "China oil; petroleum university; college")."""
        for ref in self.gazetteer.lookup(label):
            if ref.label_en:
                return ref.label_en
        glosses = self.glosses
        if glosses is None:
            return None
        vouched = self.english_label(label, "")
        if vouched:
            return vouched.text
        whole = glosses.english_name(label)
        if whole:
            return whole
        parts = [self._word(word, glosses) for word in jieba.cut(label)]
        return " ".join(p for p in parts if p) or None

    def _word(self, word: str, glosses: GlossDictionary) -> str:
        """One word in English; an unglossed word that starts with a known name is that name
        plus the rest (青岛港 -> Qingdao + harbor; port)."""
        known = next((r.label_en for r in self.gazetteer.lookup(word) if r.label_en), None)
        found = known or glosses.english_gloss(word) or glosses.english_name(word)
        if found or len(word) < 3:
            return found or ""
        for cut in range(len(word) - 1, 1, -1):
            head = next((r.label_en for r in self.gazetteer.lookup(word[:cut]) if r.label_en), None)
            if head:
                return f"{head} {self._word(word[cut:], glosses)}".strip()
        # a compound jieba keeps whole (工程大学): two words CC-CEDICT glosses, if it has them;
        # a name reduced to its place ("Harbin" for 哈尔滨工程大学) would link the place's
        for cut in range(len(word) - 2, 1, -1):
            left, right = glosses.english_gloss(word[:cut]), glosses.english_gloss(word[cut:])
            if left and right:
                return f"{left} {right}"
        return ""

    def to_chinese(self, word: str) -> list[str]:
        """Chinese words of the corpus whose glosses contain an English word (youth -> 青少年)."""
        return chinese_for(self._reverse_glosses, word)

    def reverse_glosses(self) -> dict[str, list[str]]:
        """English gloss word -> the corpus's Chinese words glossed by it (what `to_chinese`
        looks up; kept on disk by `search.name_cache`)."""
        return self._reverse_glosses

    @cached_property
    def _reverse_glosses(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        if self.glosses is None:
            return index
        vocabulary = {t for text in self._texts for t in tokenize(text) if not t.isascii()}
        for word in sorted(vocabulary):
            gloss = self.glosses.english_gloss(word)
            for token in re.findall(r"[a-z]+", (gloss or "").lower()):
                if len(token) >= 3:
                    index.setdefault(token.rstrip("s"), []).append(word)
        return index


def chinese_for(reverse_glosses: dict[str, list[str]], word: str) -> list[str]:
    """An English word's entry in a reverse-gloss index (plural or singular alike)."""
    return reverse_glosses.get(word.lower().rstrip("s"), [])


def _type_fits(ref_type: str, entity_type: str) -> bool:
    """A place takes only its own type's label (城阳 the Qingdao district is not 城阳 the town
    in Japan); organisations, initiatives, enterprises and events share names freely."""
    if not entity_type:
        return True
    if entity_type in PLACE_TYPES:
        return ref_type == entity_type
    return ref_type not in PLACE_TYPES


def _one_label(refs: list[EntityRef], country: str) -> str:
    """The English label the references agree on, the country deciding when they do not."""
    labels = {r.label_en for r in refs if r.label_en}
    if len(labels) > 1 and country:
        labels = {r.label_en for r in refs if r.label_en and r.country == country} or labels
    return labels.pop() if len(labels) == 1 else ""


def _is_verb(gloss: str) -> bool:
    return gloss.lower().startswith("to ")


def _only_verbs(word: str, glosses: GlossDictionary) -> bool:
    """A glossary word CC-CEDICT knows only as a verb (建交 "to establish diplomatic
    relations") cannot stand inside a name."""
    items = [i.strip() for r in glosses.readings(word) for s in r.senses for i in s]
    meaningful = [i for i in items if not i.startswith(("CL:", "abbr.", "variant", "see "))]
    return bool(meaningful) and all(_is_verb(i) for i in meaningful)


def _compose(parts: list[_Part]) -> EnglishName | None:
    """Parts in English order, or None unless a known name comes before a closing type word
    and punctuation only joins names (青岛-奥尔沙) or brackets one ((青岛))."""
    content = [p for p in parts if not p.mark]
    if len(content) < 2 or not content[-1].is_type:
        return None
    if not any(p.is_name for p in content[:-1]):
        return None
    units = _units(parts)
    if units is None:
        return None
    head = units.pop()
    post: list[_Unit] = []  # "in China" (驻华) follows the head: Embassy … in China
    while units and not units[-1].is_name and units[-1].text.startswith("in "):
        post.insert(0, units.pop())
    if not post and len(units) >= 3 and units[-2].text.lower() == "in" and units[-1].is_name:
        place = units.pop()  # 驻 and a place (柬埔寨驻西安总领事馆): … in Xi'an
        units.pop()
        post = [_Unit(f"in {place.text}", is_name=False)]
    of_head = next((h for h in _OF_HEADS if head.text == h or head.text.startswith(h + " ")), "")
    if of_head and len(units) == 1 and units[0].is_name:
        name = units[0].text
        if units[0].is_country and _NEEDS_THE.search(name):
            name = f"the {name}"
        words = [f"{of_head} of {name}{head.text[len(of_head) :]}"]
    else:
        words = [u.text for u in units] + [head.text]
    text = " ".join(words + [u.text for u in post])
    if ";" in text or not units:
        return None
    sources = list(dict.fromkeys(p.source for p in parts if p.source))
    return EnglishName(text, " + ".join(sources), RULE_COMPOSED)


@dataclass(frozen=True)
class _Unit:
    """A stretch of the English name: a name (hyphen-joined names stay one), or a word."""

    text: str
    is_name: bool
    is_country: bool = False


def _units(parts: list[_Part]) -> list[_Unit] | None:
    units: list[_Unit] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        if part.mark == "-":
            if not (units and units[-1].is_name and i + 1 < len(parts) and parts[i + 1].is_name):
                return None
            units[-1] = _Unit(f"{units[-1].text}-{parts[i + 1].en}", is_name=True)
            i += 2
        elif part.mark == "(":
            if not (i + 2 < len(parts) and parts[i + 1].is_name and parts[i + 2].mark == ")"):
                return None
            units.append(_Unit(f"({parts[i + 1].en})", is_name=False))
            i += 3
        elif part.mark == ")":
            return None
        else:
            text = part.en if part.is_name else _title(part.en, keep_first=part.en[:3] == "in ")
            units.append(_Unit(text, part.is_name, part.is_country))
            i += 1
    return units


def _title(text: str, keep_first: bool = False) -> str:
    """Title case that leaves small words and existing capitals alone ("chamber of commerce"
    -> "Chamber of Commerce", "high-level" -> "High-Level"); `keep_first` keeps a leading
    small word too ("in China")."""
    words = text.split()
    out = []
    for k, word in enumerate(words):
        if (k or keep_first) and word.lower() in _SMALL_WORDS:
            out.append(word.lower())
        else:
            out.append("-".join(piece[:1].upper() + piece[1:] for piece in word.split("-")))
    return " ".join(out)
