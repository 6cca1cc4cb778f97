"""Reading a question into slots: the names it gives (linked to the graph, or known only to the
reference data), goals, answer type, relation cues, year, status, and its shape for intent choice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import URIRef

from search.qa.cues import (
    CAPITAL,
    CJK,
    COUNTRY_OF,
    DESCRIBE,
    FOREIGN,
    GOAL_WORD,
    MEMBER,
    MENTIONED,
    NEW,
    PARTNER,
    PLANNED,
    QUANTITY,
    RELATION_WORDS,
    SUPPORT,
    TYPE_WORDS,
    WHERE,
    WHO,
    YEAR_ASKED,
)
from search.qa.lexicon import Lexicon, join_syllables
from search.qa.linking import (
    link_english_names,
    link_goals,
    link_names,
    link_region,
    unknown_places,
)
from search.qa.years import question_year

# the question's phrasing, as concepts for intent choice
_ASKS = (
    ("Q:count", QUANTITY),
    ("Q:country", COUNTRY_OF),
    ("Q:capital", CAPITAL),
    ("Q:year", YEAR_ASKED),
    ("Q:where", WHERE),
    ("Q:who", WHO),
    ("Q:support", SUPPORT),
    ("Q:goal", GOAL_WORD),
    ("Q:member", MEMBER),
    ("Q:describe", DESCRIBE),
    ("Q:mentioned", MENTIONED),
    ("Q:planned", PLANNED),
    ("Q:new", NEW),
    ("Q:foreign", FOREIGN),
)
# a name in an example question: [奥尔沙](City)
EXAMPLE_NAME = re.compile(r"\[([^\]]+)\]\((\w+)\)")


@dataclass
class Slots:
    question: str
    text: str  # brackets and question marks normalised
    lower: str
    used: list[str]  # per character: the kind of name covering it, "" where none
    goals: list[URIRef] = field(default_factory=list)
    member_roles: list[str] | None = None
    anchors: list[URIRef] = field(default_factory=list)  # named entities other than countries
    countries: list[URIRef] = field(default_factory=list)  # named countries (and demonyms)
    demonyms: list[URIRef] = field(default_factory=list)
    region: list[URIRef] = field(default_factory=list)
    types: tuple[str, ...] = ()
    label_keyword: str = ""
    predicates: tuple[str, ...] = ()
    year: str = ""
    planned: bool = False
    new: bool = False
    foreign: bool = False
    reporting: list[URIRef] = field(default_factory=list)  # reporting cities named
    documents: list[URIRef] = field(default_factory=list)  # their reports
    unknown: list[str] = field(default_factory=list)  # places the stored reports do not hold
    concepts: frozenset[str] = frozenset()

    @property
    def blanked(self) -> str:
        """The lower-cased question with its names blanked: cue words count only outside them."""
        return "".join(" " if u else ch for ch, u in zip(self.lower, self.used, strict=True))

    @property
    def shape(self) -> str:
        """The question with each name replaced by its kind (⟨City⟩ …), for intent choice."""
        return shape_of(self.lower, self.used)

    @property
    def chinese(self) -> bool:
        return bool(CJK.search(self.text))

    @property
    def named(self) -> list[URIRef]:
        return list(dict.fromkeys(self.anchors + self.countries + self.goals))


def shape_of(lower: str, used: list[str]) -> str:
    out: list[str] = []
    for k, (ch, kind) in enumerate(zip(lower, used, strict=True)):
        if not kind:
            out.append(ch)
        elif k == 0 or used[k - 1] != kind:
            out.append(f" ⟨{kind}⟩ ")
    shape = re.sub(r"\d+", " ⟨N⟩ ", "".join(out))
    return re.sub(r"\s+", " ", shape).strip()


def normalise(question: str) -> str:
    text = question.strip().replace("（", "(").replace("）", ")").replace("？", "?")
    return join_syllables(text)


def concepts_of(blanked: str, shape: str) -> frozenset[str]:
    """Cue concepts of a question whose names are blanked: what it asks (Q:…), the answer types
    (T:…), the relations (P:…) and the kinds of names it gives (⟨City⟩ …)."""
    found = {name for name, pattern in _ASKS if pattern.search(blanked)}
    for pattern, types, _ in TYPE_WORDS:
        if re.search(pattern, blanked):
            found.update(f"T:{t}" for t in types)
    for pattern, predicates in RELATION_WORDS:
        if re.search(pattern, blanked):
            found.update(f"P:{p}" for p in predicates)
    found.update(re.findall(r"⟨\w+⟩", shape))
    return frozenset(found)


def example_slots(example: str) -> tuple[str, frozenset[str]]:
    """The shape and concepts of an example question written with its names marked."""
    text = normalise(example)
    plain = EXAMPLE_NAME.sub(lambda m: m.group(1), text)
    used = [""] * len(plain)
    offset = 0
    for match in EXAMPLE_NAME.finditer(text):
        start = match.start() - offset
        name, kind = match.group(1), match.group(2)
        for k in range(start, start + len(name)):
            used[k] = kind
        offset += len(match.group(0)) - len(name)
    lower = plain.lower()
    blanked = "".join(" " if u else ch for ch, u in zip(lower, used, strict=True))
    shape = shape_of(lower, used)
    return shape, concepts_of(blanked, shape)


def read_slots(question: str, lex: Lexicon) -> Slots:
    text = normalise(question)
    lower = text.lower()
    used = [""] * len(text)
    slots = Slots(question, text, lower, used)
    slots.unknown = unknown_places(text, lex)
    slots.goals, slots.member_roles = link_goals(text, lower, lex, used)
    anchors, countries = link_names(text, lower, lex, used)
    # cue words count only outside Chinese names (集团 in 欧力士集团 is no type word) and
    # outside a membership phrase (上合组织国家, SCO member states); English names share
    # words with cues (sister-city), so they are linked after the cues are read
    masked = "".join(" " if u else ch for ch, u in zip(lower, used, strict=True))
    en_anchors, en_countries = link_english_names(lower, lex, used, slots.goals)
    anchors += [a for a in en_anchors if a not in anchors]
    countries += [c for c in en_countries if c not in countries]
    if slots.goals and "Goal" not in used:  # the goal's words were part of a longer name
        slots.goals, slots.member_roles = [], None
    # a type word inside an English name is no answer type (the Northeast Asia matchmaking
    # meeting asks for no meeting), unless the question has no other ("Which Korean university
    # … the China University of Petroleum?": both "university" words belong to the name)
    slots.types, slots.label_keyword = answer_type(slots.blanked, lex)
    if not slots.types:
        types, keyword = answer_type(masked, lex)
        if _twice(types, lower):
            slots.types, slots.label_keyword = types, keyword
    if not slots.types and WHERE.search(slots.blanked):
        slots.types = ("City", "Region", "Country")  # where: a place
    slots.predicates = predicates(slots.blanked) or predicates(masked)
    slots.year = question_year(text, lex)
    # regions only outside names: "Europe" in China-Europe Railway Express is no constraint
    slots.region = link_region(slots.blanked, lex, used)
    # a city named, or named inside its foreign affairs office's name (宜宾市委外办 of 宜宾市委
    # 外办主任在北京座谈…: Yibin's reports, and Beijing's)
    slots.reporting = (
        list(
            dict.fromkeys(
                c
                for a in anchors
                for c in ([a] if a in lex.reports_of else lex.own_places(a))
            )
        )
        if len(lex.reports_of) > 1
        else []
    )
    slots.documents = sorted({d for a in slots.reporting for d in lex.reports_of[a]})
    blanked = slots.blanked
    slots.planned = bool(PLANNED.search(lower))
    slots.new = bool(slots.year and NEW.search(lower))
    # a partner of the home city is foreign; a named company's partners may be of the home
    # country (欧力士's partners: 海尔集团)
    others = [a for a in anchors if a != lex.home_city and a not in slots.reporting]
    slots.foreign = bool(
        FOREIGN.search(lower)
        or "sisterCityOf" in slots.predicates
        or (PARTNER.search(lower) and not others)
    )
    slots.demonyms = [
        lex.demonyms[w] for w in re.findall(r"[a-z]+", blanked) if w in lex.demonyms
    ]
    slots.anchors, slots.countries = anchors, countries
    slots.concepts = concepts_of(blanked, slots.shape)
    return slots


# English type words that name a whole class, never a kind within it
_ENGLISH_CLASS_TEXT = """
city cities town towns country countries nation nations states company companies enterprise
enterprises firm firms business businesses organisation organisations organization
organizations institution institutions body bodies event events meeting meetings activity
activities partner partners region regions province provinces district districts talks
"""
ENGLISH_CLASS_WORDS = frozenset(_ENGLISH_CLASS_TEXT.split())


def singular(word: str) -> str:
    """embassies -> embassy, zones -> zone (for looking English words up in the glosses)."""
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _twice(types: tuple[str, ...], lower: str) -> bool:
    """Whether the question has that type's word twice (both "university" words of "Which
    Korean university … the China University of Petroleum?" were taken by the name)."""
    for pattern, kinds, _ in TYPE_WORDS:
        if kinds == types and len(re.findall(pattern, lower)) >= 2:
            return True
    return False


# ASCII word edges: `\b` finds none between 持 and RCEP, since CJK characters are word
# characters to `re`
def answer_type(lower: str, lex: Lexicon) -> tuple[tuple[str, ...], str]:
    """The most specific type word wins (cities over partners), then the first. A type word
    that names a kind within its type (港口, 外长会, 大学) narrows the answers to names of that
    kind, when the graph's names of that type end with it or with its head (长滩港)."""
    found = []
    asked = asked_spans(lower)
    for pattern, types, keyword in TYPE_WORDS:
        matches = list(re.finditer(pattern, lower))
        # the type word the question word asks with (哪个国际组织 of 哪个国际组织的主席城市,
        # "which city" of "which city hosts the … Cities Conference"), where there is one
        ranked = sorted(
            (k, m.start(), m)
            for m in matches
            for k, (a, b) in enumerate(asked)
            if m.start() < b and m.end() > a  # 哪几国: the type word holds the question word
        )
        inside = [m for _, _, m in ranked]
        match = (inside or matches)[0] if matches else None
        rank = ranked[0][0] if ranked else len(asked)
        if match:
            word = match.group(0)
            if not keyword and word.isascii() and word not in ENGLISH_CLASS_WORDS:
                # zones -> 示范区: a gloss that names of the type end with
                keyword = next(
                    (
                        c
                        for w in dict.fromkeys([word, singular(word)])
                        for c in lex.english_to_chinese(w)
                        if len(c) >= 2 and lex.names_ending(c, types) >= 1
                    ),
                    "",
                )
            found.append(
                (
                    rank,
                    len(types),
                    match.start(),
                    types,
                    keyword or lex.name_head(word, types),
                )
            )
    if not found:
        return (), ""
    _, _, _, types, keyword = min(found)
    return types, keyword


# the question word and the noun it asks with: 哪个 / 哪些 / 什么 … up to 的, a verb-like break
# or punctuation (哪个国际组织|的主席城市); which / what and the next two words
_ASKING_ZH = re.compile(
    r"(?:哪(?:个|些|座|家|所|一|位|项|次|场|几个|几)|什么)"
    r"([^的是在与和由及把被将对为向从，,。？?！!、\s]{1,8})"
)
_ASKING_EN = re.compile(r"\b(?:which|what)((?:\s+[a-z-]+){1,3})")


_AFTER_DE = re.compile(r"的([^的是在与和由及把被将对为向从，,。？?！!、\s]{1,6})")


# "foreign" qualifying the noun asked for (哪些外国城市, which foreign cities), not a name's word
# (foreign affairs office, overseas Chinese affairs)
_FOREIGN_ASKED = re.compile(
    r"外国(?!语)|国外|境外|海外|\bforeign\b(?! affairs)|\boverseas\b(?! chinese)"
)


def asks_foreign(slots: Slots) -> bool:
    """Whether the noun the question asks with is qualified as foreign (哪些外国城市): an answer
    of the home country is none."""
    blanked = slots.blanked
    return any(_FOREIGN_ASKED.search(blanked[a:b]) for a, b in asked_spans(blanked))


def asked_spans(lower: str) -> list[tuple[int, int]]:
    """Where the noun the question word asks with stands (the span after 哪个 / which), first
    the words right after it, then those after a 的 that closes them (哪个位于柬埔寨的特区: the
    words before 的 may be a clause; 哪个国际组织的主席城市: they are the noun)."""
    spans = [m.span(1) for m in (*_ASKING_ZH.finditer(lower), *_ASKING_EN.finditer(lower))]
    after = [m.span(1) for a, b in spans if (m := _AFTER_DE.match(lower, b))]
    return spans + after


def predicates(lower: str) -> tuple[str, ...]:
    """Relation cues, except those that are only part of a type word (合作 in 合作伙伴 names a
    type, not the cooperation relation); a cue that spans a type word or is one counts (sister
    cities, 友城)."""
    type_spans = [m.span() for pattern, _, _ in TYPE_WORDS for m in re.finditer(pattern, lower)]
    found: list[str] = []
    for pattern, preds in RELATION_WORDS:
        for match in re.finditer(pattern, lower):
            start, end = match.span()
            if any(a <= start and end <= b and (a, b) != (start, end) for a, b in type_spans):
                continue
            found.extend(p for p in preds if p not in found)
            break
    if (
        "sisterCityOf" in found
        and "signedAgreementWith" in found
        and "意向书" not in lower
        and "letter of intent" not in lower
    ):
        found.remove("signedAgreementWith")
    return tuple(found)
