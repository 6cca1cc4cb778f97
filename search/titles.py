"""English for the Chinese titles of events, enterprises, organisations and initiatives, word by
word: a Chinese title puts its modifiers before its head as English does (RCEP经贸合作高层论坛 ->
"RCEP Economic and Trade Cooperation High-Level Forum"), so its words glossed in order read as
a name. Each word comes from the reference data, the domain glossary or CC-CEDICT.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ingest.gazetteer import Gazetteer
from ingest.model import PLACE_TYPES
from search.glosses import GlossDictionary

TITLE_TYPES = frozenset({"Event", "Enterprise", "Organization", "Initiative"})
MAX_WORD_CHARS = 12
MAX_GLOSS_WORDS = 3  # a longer gloss is a definition, not a word of a name
_DIGITS = re.compile(r"\d+")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9&.+]*(?: [A-Za-z0-9&.+]+)*")
_ORDINAL = re.compile(r"第([一二三四五六七八九十]+|\d+)届")
_NUMERALS = {c: k + 1 for k, c in enumerate("一二三四五六七八九十")}
_MARKS = {"，": ",", ",": ",", "、": ",", "：": ":", ":": ":", "—": "-", "–": "-", "-": "-",
          "－": "-", "“": "“", "”": "”", "\"": "\"", "(": "(", "（": "(", ")": ")", "）": ")",
          "《": "“", "》": "”", "·": "·", " ": ""}
_SMALL = frozenset({"a", "an", "and", "at", "by", "for", "in", "of", "on", "the", "to", "with"})
_NOTE = re.compile(r"\([^)]*\)|\[[^]]*\]")


@dataclass(frozen=True)
class Word:
    zh: str
    en: str
    source: str  # "reference", "glossary", the CC-CEDICT release, or "" for marks and numbers
    is_name: bool = False
    mark: bool = False
    unknown: bool = False  # a character no dictionary word covers
    ambiguous: bool = False  # a name the reference gives several English names

    @property
    def cost(self) -> float:
        if self.mark:
            return 0.2
        if self.ambiguous:
            return 0.5  # taken over its characters: the title then has no name
        if self.unknown:
            return 6.0
        if len(self.zh) == 1 and not self.is_name:
            return 4.0  # a lone character: only when nothing longer covers it
        return 1.0


class TitleComposer:
    """Composes an English title from a Chinese one, or None when some part has no gloss. A
    run of characters no dictionary word covers is a brand (青建, 欧力士): an enterprise or
    organisation keeps it in pinyin (Qingjian); an event's title with one gets no name."""

    def __init__(self, gazetteer: Gazetteer, glosses: GlossDictionary,
                 known_name: Callable[[str, str], str],
                 compound: Callable[[str], str]) -> None:
        self.gazetteer = gazetteer
        self.glosses = glosses
        self.known_name = known_name  # (word, country) -> a reference English name or ""
        self.compound = compound  # 中德 -> "China-Germany", else ""
        vocabulary = set()
        for zh in glosses.glossary_words:
            entry = glosses.glossary_entry(zh)
            for sense in (entry.en if entry else "").split(";"):
                vocabulary.add(_NOTE.sub("", sense).strip().lower())
        self._domain = frozenset(vocabulary - {""})

    def compose(self, label: str, kind: str, country: str = "") -> tuple[str, list[str]] | None:
        """The English title and the sources of its words."""
        words = self._segment(label, country)
        if words is None or all(w.mark for w in words) or any(w.ambiguous for w in words):
            return None
        words = self._settle(words, kind)
        if words is None:
            return None
        text = _join(words)
        if not text or re.search(r"[\u3400-\u9fff]", text):
            return None
        sources = []
        for w in words:
            if w.source and w.source not in sources:
                sources.append(w.source)
        return text, sources

    def _settle(self, words: list[Word], kind: str) -> list[Word] | None:
        """Lone characters read: a title's last word by its noun sense (会 meeting, 展
        exhibition), a joining word inside (与, 暨: and); runs of the others as a brand in
        pinyin for enterprises and organisations, else no name."""
        out: list[Word] = []
        k = 0
        while k < len(words):
            word = words[k]
            if not word.unknown and not (len(word.zh) == 1 and word.source == "cedict"):
                out.append(word)
                k += 1
                continue
            last = k == len(words) - 1 or all(w.mark for w in words[k + 1:])
            if len(word.zh) == 1 and not word.unknown:
                sense = self._head_sense(word.zh) if last else self._joining(word.zh)
                if sense:
                    out.append(Word(word.zh, sense, self.glosses.source_name))
                    k += 1
                    continue
            run = k
            while run < len(words) and (words[run].unknown or (
                    len(words[run].zh) == 1 and words[run].source == "cedict")):
                run += 1
            brand = "".join(w.zh for w in words[k:run])
            # an event's title may hold a name too (齐鲁号), never a verb read as one (话, 看)
            named = kind in ("Enterprise", "Organization") or any(
                w.unknown and len(w.zh) > 1 for w in words[k:run])
            spelled = self._pinyin(brand) if named else ""
            if not spelled:
                return None
            out.append(Word(brand, spelled, f"{self.glosses.source_name} pinyin", is_name=True))
            k = run
        return out

    def _segment(self, label: str, country: str) -> list[Word] | None:
        n = len(label)
        best: list[tuple[float, list[Word]] | None] = [None] * (n + 1)
        best[n] = (0.0, [])
        for i in range(n - 1, -1, -1):
            for word, end in self._words_at(label, i, country):
                rest = best[end]
                if rest is None:
                    continue
                cost = rest[0] + word.cost
                current = best[i]
                if current is None or cost < current[0]:
                    best[i] = (cost, [word, *rest[1]])
        found = best[0]
        return found[1] if found else None

    def _words_at(self, label: str, i: int, country: str) -> list[tuple[Word, int]]:
        char = label[i]
        if char in _MARKS:
            return [(Word(char, _MARKS[char], "", mark=True), i + 1)]
        for pattern, english in ((_ORDINAL, _ordinal), (_DIGITS, _text), (_LATIN, _text)):
            found = pattern.match(label, i)
            if found:
                return [(Word(found.group(0), english(found), "", is_name=True), found.end())]
        out = []
        for end in range(min(len(label), i + MAX_WORD_CHARS), i, -1):
            word = self._word(label[i:end], country)
            if word is not None:
                out.append((word, end))
        if not out:
            out.append((Word(char, "", "", unknown=True), i + 1))
        return out

    def _word(self, zh: str, country: str) -> Word | None:
        glosses = self.glosses
        common = glosses.in_glossary(zh) or glosses.has_common_reading(zh)
        if len(zh) >= 2 or not common:
            refs = [r for r in self.gazetteer.lookup(zh)
                    if not (common and r.type in PLACE_TYPES)]
            known = self.known_name(zh, country) if refs else ""
            if known:
                return Word(zh, known, "reference", is_name=True)
            if refs:  # a place the reference names twice (长滩: Long Beach, Changtan)
                return Word(zh, "", "", unknown=True, ambiguous=True)
        if len(zh) == 2:
            compound = self.compound(zh)
            if compound:
                return Word(zh, compound, "reference", is_name=True)
        codes = self.gazetteer.abbreviations.get(zh) if len(zh) == 1 else None
        if codes and len(codes) == 1 and zh != "中":
            found = self.gazetteer.countries.get(codes[0])
            if found is not None and found.ref.label_en:
                return Word(zh, found.ref.label_en, "reference", is_name=True)
        entry = glosses.glossary_entry(zh)
        if entry is not None and entry.name_form:
            return Word(zh, entry.name_form, "glossary")
        if len(zh) >= 2 and not common:
            name = glosses.proper_name(zh)
            if name:
                return Word(zh, name, glosses.source_name, is_name=True)
            if glosses.readings(zh):  # a name CC-CEDICT only describes (岭南): a brand's part
                return Word(zh, "", "", unknown=True)
        if not common:
            return None
        if len(zh) == 1:
            return Word(zh, "", "cedict")  # read later, by its place in the title
        picked = _pick(glosses.english_gloss(zh) or "")
        return Word(zh, picked, glosses.source_name) if picked else None

    def _items(self, zh: str) -> list[list[str]]:
        """The items of each common reading's senses, notes and articles removed."""
        out = []
        for reading in self.glosses.readings(zh):
            if reading.is_proper:
                continue
            items = []
            for sense in reading.senses:
                for item in sense:
                    text = _NOTE.sub("", item).strip()
                    text = re.sub(r"^(?:a|an|the) ", "", text)
                    if text and not re.match(r"(?:CL:|variant|old variant|abbr|see )", text):
                        items.append(text)
            if items:
                out.append(items)
        return out

    def _head_sense(self, zh: str) -> str:
        """What a one-character head means in a title: the sense the domain glossary uses
        (会: meeting; 行: visit), else a reading's first sense when it is a noun (站: station)."""
        readings = self._items(zh)
        for items in readings:
            for item in items:
                if item.lower() in self._domain:
                    return item
        for items in readings:
            first = items[0]
            if not first.lower().startswith("to ") and first.lower() not in _MODALS:
                return first
        return ""

    def _joining(self, zh: str) -> str:
        """与, 暨, 和 inside a title join two names: "and"."""
        return "and" if any(items[0] == "and" for items in self._items(zh)) else ""

    def _pinyin(self, zh: str) -> str:
        """A brand in pinyin (青建 -> Qingjian), from CC-CEDICT's common readings."""
        syllables = []
        for char in zh:
            readings = [r for r in self.glosses.readings(char) if not r.is_proper] or list(
                self.glosses.readings(char))
            if not readings:
                return ""
            syllables.append(re.sub(r"[0-9:]", "", readings[0].pinyin.split()[0]).lower())
        text = "".join(syllables)
        return text[:1].upper() + text[1:]


_MODALS = frozenset({"can", "will", "may", "must", "should", "could", "would"})


def _text(found: re.Match[str]) -> str:
    return found.group(0)


def _pick(gloss: str) -> str:
    """The first gloss item short enough for a name, a verb without its "to" (纪念: to
    commemorate -> "commemorate"): CC-CEDICT lists a word's usual sense first."""
    items = [_NOTE.sub("", i).strip() for i in gloss.split(";")]
    for item in items:
        if not item or item.lower().startswith(("abbr", "variant", "see ")):
            continue
        text = item[3:] if item.lower().startswith("to ") else item
        if len(text.split()) <= MAX_GLOSS_WORDS:
            return text
    return ""


def _ordinal(found: re.Match[str]) -> str:
    text = found.group(1)
    return _ordinal_of(int(text) if text.isdigit() else _chinese_number(text))


def _ordinal_of(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _chinese_number(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _NUMERALS.get(text[1:], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return 10 * _NUMERALS.get(tens, 1) + _NUMERALS.get(ones, 0)
    return _NUMERALS.get(text, 0)


def _join(words: list[Word]) -> str:
    out = ""
    quote_open = False
    for k, word in enumerate(words):
        text = word.en if word.is_name else _title(word.en, first=not out)
        if word.en.isdigit() and k + 1 < len(words) and words[k + 1].en == "anniversary":
            text = _ordinal_of(int(word.en))  # 30周年: the 30th anniversary
        if word.mark:
            if text in (",", ":", ")"):
                out = out.rstrip() + text + " "
            elif text == "(":
                out = out.rstrip() + (" (" if out else "(")
            elif text == "-":
                out = out.rstrip() + "-"
            elif text in ("“", "”", '"'):
                quote_open = not quote_open if text == '"' else text == "“"
                out = out + "\u201c" if quote_open else out.rstrip() + "\u201d "
            continue
        glue = "" if not out or out.endswith(("(", "-", "\u201c", " ")) else " "
        out += glue + text
        if k + 1 < len(words) and not words[k + 1].mark:
            out += " "
    return re.sub(r"\s+", " ", out).strip(" ,:-")


def _title(text: str, first: bool = True) -> str:
    """Title case that leaves small words inside the title and existing capitals alone."""
    words = text.split()
    return " ".join(w.lower() if (k or not first) and w.lower() in _SMALL
                    else w if w[:1].isupper()
                    else "-".join(p[:1].upper() + p[1:] for p in w.split("-"))
                    for k, w in enumerate(words))
