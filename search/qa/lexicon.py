"""What question understanding knows: every entity's names in both languages, goals with
members, countries' demonyms, world regions, the home city and the report years.

Built once from the graph (and the reference tables the workspace hands over), then reused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import Dataset, URIRef

from graph.namespaces import SPARQL_PREFIXES, WSD
from graph.queries import select

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
SENTENCE_TEXTS = SPARQL_PREFIXES + "SELECT ?t WHERE { ?s a wsh:Sentence ; wsh:text ?t }"
NOUNS = SPARQL_PREFIXES + "SELECT DISTINCT ?n WHERE { ?q a wsh:Quantity ; wsh:noun ?n }"
REPORTING = (  # the city each report speaks for ("我市"): its home mentions
    SPARQL_PREFIXES
    + """SELECT DISTINCT ?c ?d WHERE {
  ?m wsh:mentionOf ?c ; wsh:rule "home" ; wsh:inSentence ?s . ?s wsh:inDocument ?d .
  ?c a wsh:City .
}"""
)


def acronyms(name: str) -> list[str]:
    """`Shanghai Cooperation Organisation (SCO)` -> SCO; `Asia-Pacific Economic Cooperation`
    -> APEC: analysts ask by acronym."""
    found = re.findall(r"\(([A-Z]{2,6})\)", name)
    words = [w for w in re.split(r"[\s-]+", re.sub(r"\([^)]*\)", "", name)) if w]
    capitals = [w[0] for w in words if w[:1].isupper()]
    if len(capitals) >= 3:
        found.append("".join(capitals))
    return found


def en_tokens(text: str) -> frozenset[str]:
    return frozenset(t for t in _WORD.findall(text.lower()) if t not in EN_STOP)


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
    _counts: dict[str, int] = field(default_factory=dict, repr=False)  # word -> sentences with it

    def is_specific(self, word: str) -> bool:
        """A word in a handful of sentences (领馆) narrows evidence; one in many (外办) not."""
        return 0 < self._sentences_with(word) <= self._handful

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


def build_lexicon(
    dataset: Dataset,
    *,
    home_city: str,
    home_country: str,
    demonyms: Iterable[tuple[str, str]],  # (demonym, iso2)
    regions: Iterable[tuple[Iterable[str], Iterable[str]]],  # (names, iso2 codes)
    english_name: Callable[[str], str | None] = lambda word: None,
    english_to_chinese: Callable[[str], list[str]] = lambda word: [],
) -> Lexicon:
    lex = Lexicon(english_to_chinese=english_to_chinese)
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
    lex.sentences = [str(t) for (t,) in select(dataset, SENTENCE_TEXTS)]
    for city, doc in select(dataset, REPORTING):
        lex.reports_of.setdefault(URIRef(str(city)), set()).add(URIRef(str(doc)))
    return lex
