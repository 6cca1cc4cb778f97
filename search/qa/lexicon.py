"""What question understanding knows: every entity's names in both languages, goals with
members, countries' demonyms, world regions, the home city and the report years.

Built once from the graph (and the reference tables the workspace hands over), then reused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import jieba
from rdflib import Dataset, URIRef

from graph.namespaces import SPARQL_PREFIXES, WSD
from graph.queries import select
from ingest.model import PLACE_TYPES
from ingest.normalise import normalise

_WORD = re.compile(r"[a-z0-9]+")
EN_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "to",
        "and",
        "for",
        "with",
        "by",
        "from",
        "at",
        "as",
        "is",
        "are",
        "was",
        "were",
        "did",
        "does",
        "do",
        "which",
        "what",
        "who",
        "whom",
        "how",
        "many",
        "much",
        "that",
        "this",
        "these",
        "those",
        "its",
        "it",
        "their",
        "there",
        "have",
        "has",
        "had",
        "be",
        "been",
        "into",
        "go",
        "went",
    ]
)

ENTITY_NAMES = (
    SPARQL_PREFIXES
    + """
SELECT ?e ?type ?name ?country WHERE {
  ?e a ?type . FILTER(STRSTARTS(STR(?type), STR(wsh:)))
  FILTER(?type NOT IN (wsh:Mention, wsh:Fact, wsh:Sentence, wsh:Document, wsh:Quantity,
                       wsh:Membership))
  ?e rdfs:label|wsh:name|skos:altLabel ?name .
  OPTIONAL { ?e wsh:country ?country }
}"""
)

GOALS = (
    SPARQL_PREFIXES
    + """
SELECT DISTINCT ?goal ?name WHERE {
  ?ms wsh:organisation ?goal . ?goal rdfs:label|skos:altLabel ?name .
}"""
)

YEARS = SPARQL_PREFIXES + "SELECT DISTINCT ?y WHERE { ?d a wsh:Document ; wsh:year ?y }"
DOCUMENT_YEARS = SPARQL_PREFIXES + "SELECT ?d ?y WHERE { ?d a wsh:Document ; wsh:year ?y }"
SENTENCE_TEXTS = SPARQL_PREFIXES + "SELECT ?t WHERE { ?s a wsh:Sentence ; wsh:text ?t }"
NOUNS = SPARQL_PREFIXES + "SELECT DISTINCT ?n WHERE { ?q a wsh:Quantity ; wsh:noun ?n }"
REPORTING = (  # the city each report speaks for ("我市"): its home mentions
    SPARQL_PREFIXES
    + """SELECT DISTINCT ?c ?d WHERE {
  { ?m wsh:mentionOf ?c ; wsh:rule "home" ; wsh:inSentence ?s . ?s wsh:inDocument ?d .
    ?c a wsh:City . }
  UNION { ?d wsh:homePlace ?c . ?c a wsh:City . }  # a report found to speak for a city that
  # never says 我市. The type is in each branch: joined after the union, Oxigraph took every
  # city and evaluated the union apart from it for each (minutes at a million triples; ~1 s so)
}"""
)


OFFICES = (  # the foreign affairs offices extraction found (宜宾市委外办, 泸州市外办)
    SPARQL_PREFIXES
    + 'SELECT DISTINCT ?e WHERE { ?e dcterms:source "foreign-affairs-office" }'
)
MENTIONED = (  # entities some stored report names
    SPARQL_PREFIXES + "SELECT DISTINCT ?e WHERE { ?m a wsh:Mention ; wsh:mentionOf ?e }"
)
SENTENCES = (  # every sentence with its report and offset, for answers read from the text
    SPARQL_PREFIXES
    + """SELECT ?s ?t ?doc ?docIri ?start WHERE {
  ?s a wsh:Sentence ; wsh:text ?t ; wsh:start ?start ; wsh:inDocument ?docIri .
  ?docIri dcterms:identifier ?doc .
}"""
)
# a place known only to the reference data is taken for a place in a question when it is a big
# city or a capital: small towns' names are everyday words (合作, 友好, 青年 are towns)
MIN_PLACE_POPULATION = 100_000
# type words naming a whole class, never a kind within it (公司 ends many enterprises' names)
_CLASS_WORDS_TEXT = """
企业 公司 集团 城市 友城 友好城市 姊妹城市 国家 机构 组织 单位 活动 伙伴 合作伙伴 地区 省 区市
会议 平台 倡议 学院 首都
"""
_CLASS_WORDS = frozenset(_CLASS_WORDS_TEXT.split())


class PlaceNames(Protocol):
    """What the reference gazetteer offers question understanding (`ingest.gazetteer`)."""

    countries: dict[str, Any]

    def scan(self, text: str) -> Iterator[tuple[int, int, list[Any]]]: ...


def _big_place(ref: Any) -> bool:
    if ref.type == "Country":
        return True
    if ref.type != "City":
        return False
    ids = dict(ref.ids)
    population = int(ids.get("population") or 0)
    return population >= MIN_PLACE_POPULATION or ids.get("capital") == "1"


def acronyms(name: str) -> list[str]:
    """`Shanghai Cooperation Organisation (SCO)` -> SCO; `Asia-Pacific Economic Cooperation`
    -> APEC: analysts ask by acronym."""
    found = re.findall(r"\(([A-Z]{2,6})\)", name)
    words = [w for w in re.split(r"[\s-]+", re.sub(r"\([^)]*\)", "", name)) if w]
    capitals = [w[0] for w in words if w[:1].isupper()]
    if len(capitals) >= 3:
        found.append("".join(capitals))
    return found


FEW_NAMES = 5  # a word in the English names of at most this many entities singles one out


# the apostrophe that parts two pinyin syllables (Xi'an, Yan'an, Tai'an): the second one starts
# with a vowel, unlike the English endings after an apostrophe (Anhui's, don't, we're)
_SYLLABLE_MARK = re.compile(r"(?<=[A-Za-z])['’](?=[aeoAEO])")


def join_syllables(text: str) -> str:
    """Xi'an -> Xian: one word, as pinyin writes it without the mark. Split at the mark, the
    name's first syllable alone (Xi) was the whole of its name, and Xi Jinping named Xi'an."""
    return _SYLLABLE_MARK.sub("", text)


def en_tokens(text: str) -> frozenset[str]:
    return frozenset(t for t in _WORD.findall(join_syllables(text).lower()) if t not in EN_STOP)


@dataclass(frozen=True)
class EntityInfo:
    iri: URIRef
    type: str
    country: URIRef | None


@dataclass
class Lexicon:
    entities: dict[URIRef, EntityInfo] = field(default_factory=dict)
    names_zh: dict[str, set[URIRef]] = field(default_factory=dict)
    names_en: dict[URIRef, set[frozenset[str]]] = field(default_factory=dict)
    goals: dict[URIRef, set[str]] = field(default_factory=dict)
    demonyms: dict[str, URIRef] = field(default_factory=dict)  # "nigerian" -> country IRI
    regions: dict[str, list[URIRef]] = field(default_factory=dict)  # "latin america" -> IRIs
    home_city: URIRef | None = None
    home_country: URIRef | None = None
    years: list[int] = field(default_factory=list)
    nouns: list[str] = field(default_factory=list)
    english_to_chinese: Callable[[str], list[str]] = lambda word: []
    sentences: list[str] = field(default_factory=list)
    reports_of: dict[URIRef, set[URIRef]] = field(default_factory=dict)  # city -> its reports
    year_of: dict[URIRef, str] = field(default_factory=dict)  # report -> the year it reports on
    mentioned: set[URIRef] = field(default_factory=set)  # entities a stored report names
    offices: set[URIRef] = field(default_factory=set)  # foreign affairs offices
    gazetteer: PlaceNames | None = None
    _counts: dict[str, int] = field(default_factory=dict, repr=False)  # word -> sentences with it
    _heads: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict, repr=False)
    _english_places: dict[str, str] | None = field(default=None, repr=False)
    _country_tokens: frozenset[str] | None = field(default=None, repr=False)
    _place_tokens: frozenset[str] | None = field(default=None, repr=False)
    _distinctive: frozenset[str] | None = field(default=None, repr=False)
    _place_words: frozenset[str] | None = field(default=None, repr=False)
    _zh_names: dict[URIRef, list[str]] | None = field(default=None, repr=False)

    @property
    def country_tokens(self) -> frozenset[str]:
        """The words of countries' English names (korea, zealand …)."""
        if self._country_tokens is None:
            self._country_tokens = frozenset(
                t
                for iri, info in self.entities.items()
                if info.type == "Country"
                for tokens in self.names_en.get(iri, ())
                for t in tokens
            )
        return self._country_tokens

    @property
    def place_tokens(self) -> frozenset[str]:
        """The words of places' English names (qingdao, wuxi, zealand …)."""
        if self._place_tokens is None:
            self._place_tokens = frozenset(
                t
                for iri, info in self.entities.items()
                if info.type in PLACE_TYPES
                for tokens in self.names_en.get(iri, ())
                for t in tokens
            )
        return self._place_tokens

    @property
    def distinctive_tokens(self) -> frozenset[str]:
        """English name words that single a name out: a word that is by itself the name of a
        place (qingdao, germany), or one in the names of a few entities only (petroleum, sco).
        Words in many names (international, foreign, affairs, office, city) describe a kind of
        entity; a name is not named by them alone."""
        if self._distinctive is None:
            counts: dict[str, int] = {}
            for token_sets in self.names_en.values():
                for t in set().union(*token_sets):
                    counts[t] = counts.get(t, 0) + 1
            few = max(FEW_NAMES, len(self.names_en) // 200)
            self._distinctive = frozenset(
                {t for t, n in counts.items() if n <= few} | self.place_words
            )
        return self._distinctive

    @property
    def place_words(self) -> frozenset[str]:
        """English words that are by themselves a place's name (qingdao, germany, wuxi)."""
        if self._place_words is None:
            self._place_words = frozenset(
                t
                for iri, info in self.entities.items()
                if info.type in PLACE_TYPES
                for tokens in self.names_en.get(iri, ())
                if len(tokens) == 1
                for t in tokens
            )
        return self._place_words

    def zh_names(self, iri: URIRef) -> list[str]:
        """The Chinese names of an entity that a stored report uses."""
        if self._zh_names is None:
            self._zh_names = {}
            for name, iris in self.names_zh.items():
                if self.mentioned_name(name):
                    for i in iris:
                        self._zh_names.setdefault(i, []).append(name)
        return self._zh_names.get(iri, [])

    def mentioned_name(self, name: str) -> bool:
        """Whether a stored report names an entity called so (Chinese)."""
        return any(i in self.mentioned for i in self.names_zh.get(name, ()))

    def mentioned_english(self, name: str) -> bool:
        tokens = en_tokens(name)
        return bool(tokens) and any(
            tokens <= t for i in self.mentioned for t in self.names_en.get(i, ())
        )

    def place_names(self, text: str) -> list[tuple[int, int, str]]:
        """Big cities and countries the reference data names in `text`: (start, end, name)."""
        if self.gazetteer is None:
            return []
        found = [(start, end) for start, end, refs in self.gazetteer.scan(text)
                 if any(_big_place(r) for r in refs)]
        if not found:  # jieba's dictionary is loaded only for a question that names a place
            return []
        # a name inside a word is none (太平 in 太平洋岛国): matches start and end where words do
        edges = {0}
        for word in jieba.cut(text):
            edges.add(max(edges) + len(word))
        return [
            (start, end, text[start:end])
            for start, end in found
            if start in edges and (end in edges or text[end : end + 1] in ("市", "县", "省"))
        ]

    def english_place(self, name: str) -> str:
        """The Chinese name of a big city or a country the reference data calls `name`."""
        if self.gazetteer is None:
            return ""
        if self._english_places is None:
            places: dict[str, str] = {}
            for country in self.gazetteer.countries.values():
                places.setdefault(country.ref.label_en.lower(), country.ref.label_zh)
            for refs in getattr(self.gazetteer, "names", {}).values():
                for ref in refs:
                    if ref.type == "City" and ref.label_en and _big_place(ref):
                        places.setdefault(ref.label_en.lower(), ref.label_zh)
            self._english_places = places
        return self._english_places.get(name.lower(), "")

    def is_class_word(self, word: str) -> bool:
        """Whether `word` names a whole class (城市, 组织), never a kind within it."""
        return word in _CLASS_WORDS

    def names_ending(self, head: str, types: tuple[str, ...]) -> int:
        """How many names of entities of these types end with `head` (and are longer)."""
        return sum(
            1
            for n, iris in self.names_zh.items()
            if n.endswith(head)
            and n != head
            and any(i in self.entities and self.entities[i].type in types for i in iris)
        )

    def name_head(self, word: str, types: tuple[str, ...]) -> str:
        """The head that names of this kind end with, when the type word names a kind within
        its type (港口 -> 港: 长滩港, 博多港; 外长会; 大学), else "". Read from the graph's own
        names: a word no two names of the type end with names no kind."""
        key = (word, types)
        if key not in self._heads:
            self._heads[key] = self._head(word, types)
        return self._heads[key]

    def _head(self, word: str, types: tuple[str, ...]) -> str:
        if word in _CLASS_WORDS or not re.search(r"[\u4e00-\u9fff]", word):
            return ""
        names = [
            n
            for n, iris in self.names_zh.items()
            if any(i in self.entities and self.entities[i].type in types for i in iris)
        ]
        if any(n.endswith(word) for n in names):
            return word
        # a two-character word may be a one-character morpheme and its suffix (港口: 港);
        # a longer word's first characters only modify its head (新闻机构)
        if len(word) == 2 and sum(1 for n in names if n.endswith(word[0])) >= 2:
            return word[0]
        return ""

    def is_specific(self, word: str) -> bool:
        """A word in a handful of sentences (领馆) narrows evidence; one in many (外办) not."""
        return 0 < self._sentences_with(word) <= self._handful

    def own_places(self, iri: URIRef) -> list[URIRef]:
        """The reporting cities a foreign affairs office is named after (宜宾市委外办 -> 宜宾): a
        question about the office is a question about that city's reports, whatever other city
        it names (宜宾市委外办主任在北京座谈…). A university or a company named after a city
        (苏州大学) speaks for no city."""
        if iri not in self.offices:
            return []
        names = [n for n in self.zh_names(iri) if len(n) >= 3]
        return [
            city
            for city in self.reports_of
            if city != iri
            and any(
                n.startswith(c) and len(c) >= 2 and c[0] not in _OWN
                for c in self.zh_names(city)
                for n in names
            )
        ]

    def is_common(self, word: str) -> bool:
        """A word in more than a handful of sentences (外办): it narrows nothing."""
        return self._sentences_with(word) > self._handful

    def _sentences_with(self, word: str) -> int:
        # asked twice per question word (is it common, is it specific) over every sentence
        if word not in self._counts:
            self._counts[word] = sum(word in s for s in self.sentences)
        return self._counts[word]

    @property
    def _handful(self) -> int:
        return max(3, len(self.sentences) // 20)

    @property
    def latest_year(self) -> int | None:
        return max(self.years) if self.years else None


# 我市, 全市, 本市: how a report names its own city, no city's name
_OWN = "我全本"

# an enterprise is asked about without its legal suffix (欧力士集团 -> 欧力士, 海尔集团 -> 海尔)
_LEGAL_SUFFIX = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|控股集团|集团|公司)$")


def _add_short_names(lex: Lexicon) -> None:
    for name, iris in list(lex.names_zh.items()):
        short = _LEGAL_SUFFIX.sub("", name)
        enterprise = all(getattr(lex.entities.get(i), "type", "") == "Enterprise" for i in iris)
        if short != name and len(short) >= 2 and short not in lex.names_zh and enterprise:
            lex.names_zh[short] = set(iris)


def build_lexicon(
    dataset: Dataset,
    *,
    home_city: str,
    home_country: str,
    demonyms: Iterable[tuple[str, str]],  # (demonym, iso2)
    regions: Iterable[tuple[Iterable[str], Iterable[str]]],  # (names, iso2 codes)
    english_name: Callable[[str], str | None] = lambda word: None,
    english_to_chinese: Callable[[str], list[str]] = lambda word: [],
    gazetteer: PlaceNames | None = None,
) -> Lexicon:
    lex = Lexicon(english_to_chinese=english_to_chinese, gazetteer=gazetteer)
    for e, kind, name, country in select(dataset, ENTITY_NAMES):
        iri = URIRef(str(e))
        lex.entities[iri] = EntityInfo(
            iri, str(kind).rsplit("#", 1)[-1], URIRef(str(country)) if country else None
        )
        text = str(name)
        if getattr(name, "language", None) == "en" or text.isascii():
            tokens = en_tokens(text)
            if tokens:
                lex.names_en.setdefault(iri, set()).add(tokens)
            for acronym in acronyms(text):
                lex.names_en.setdefault(iri, set()).add(frozenset({acronym.lower()}))
        if not text.isascii() and len(text) >= 2:
            lex.names_zh.setdefault(text, set()).add(iri)
            gloss = english_name(text)
            if gloss and en_tokens(gloss):
                lex.names_en.setdefault(iri, set()).add(en_tokens(gloss))
    _add_short_names(lex)
    for goal, name in select(dataset, GOALS):
        names = lex.goals.setdefault(URIRef(str(goal)), set())
        names.add(str(name))
        names.update(acronyms(str(name)))
    for demonym, iso2 in demonyms:
        lex.demonyms[demonym.lower()] = WSD[f"country/{iso2}"]
    for region_names, codes in regions:
        iris = [WSD[f"country/{c}"] for c in codes]
        for n in region_names:
            if n.strip():
                lex.regions[n.strip().lower()] = iris
    lex.home_city = URIRef(home_city) if home_city else None
    lex.home_country = WSD[f"country/{home_country}"] if home_country else None
    lex.years = sorted(int(str(y)[:4]) for (y,) in select(dataset, YEARS))
    lex.nouns = sorted(str(n) for (n,) in select(dataset, NOUNS) if str(n))
    lex.sentences = [normalise(str(t)) for (t,) in select(dataset, SENTENCE_TEXTS)]
    for city, doc in select(dataset, REPORTING):
        lex.reports_of.setdefault(URIRef(str(city)), set()).add(URIRef(str(doc)))
    for doc, year in select(dataset, DOCUMENT_YEARS):
        lex.year_of[URIRef(str(doc))] = str(year)[:4]
    lex.mentioned = {URIRef(str(e)) for (e,) in select(dataset, MENTIONED)}
    lex.offices = {URIRef(str(e)) for (e,) in select(dataset, OFFICES)}
    return lex
