"""Linking a question's words to what the graph names: goals (SCO, RCEP), entities by their
Chinese names and by their English names, and world regions; each marks the words it used.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from search.qa.cues import MEMBERSHIP_PHRASE, RELATION_WORDS, SUPPORT, TYPE_WORDS
from search.qa.lexicon import Lexicon, en_tokens

_WORD_START = r"(?<![a-z0-9])"
_WORD_END = r"(?![a-z0-9])"


def mark(used: list[bool], start: int, end: int) -> None:
    for k in range(start, end):
        used[k] = True


def link_goals(
    text: str, lower: str, lex: Lexicon, used: list[bool]
) -> tuple[list[URIRef], list[str] | None]:
    """The goals the question names (上合组织, RCEP) and the membership roles it asks about
    (成员国: members; 上合组织国家: every role), or None when it asks about no membership."""
    found: list[URIRef] = []
    # a goal's name inside a longer name the question gives (APEC商务旅行卡, 第二十届中国—东盟
    # 博览会) is part of that name, not the goal
    inside = [span for span, _ in _name_spans(text, lex)]
    for goal, names in lex.goals.items():
        for name in sorted(names, key=len, reverse=True):
            if len(name) < 2:
                continue
            hay = lower if name.isascii() else text
            pattern = re.escape(name.lower() if name.isascii() else name)
            if name.isascii():
                pattern = rf"{_WORD_START}{pattern}{_WORD_END}"
            match = next((m for m in re.finditer(pattern, hay) if not _within(m, inside)), None)
            if match and not any(used[match.start() : match.end()]):
                found.append(goal)
                mark(used, match.start(), match.end())
                after = MEMBERSHIP_PHRASE.match(lower, match.end())
                if after:  # 上合组织国家 / SCO member states: part of the goal phrase
                    mark(used, after.start(), after.end())
                break
    roles: list[str] | None = None
    if found and re.search(r"成员国|member state|member countr|members\b", lower):
        roles = ["member"]
    elif (
        found
        and re.search(r"(上合|组织|\w{2,})国家|countries|states", text + lower)
        and not SUPPORT.search(lower)
    ):
        roles = ["member", "observer", "dialogue_partner"]
    return found, roles


def _within(match: re.Match[str], spans: list[tuple[int, int]]) -> bool:
    """Whether the match lies inside a longer span."""
    start, end = match.span()
    return any(a <= start and end <= b and b - a > end - start for a, b in spans)


def _name_spans(
    text: str, lex: Lexicon, used: list[bool] | None = None
) -> list[tuple[tuple[int, int], set[URIRef]]]:
    """The Chinese names of entities in `text`, longest first from left to right, outside
    `used` characters: ((start, end), entities)."""
    spans = []
    i = 0
    while i < len(text):
        for length in range(min(20, len(text) - i), 1, -1):
            iris = lex.names_zh.get(text[i : i + length])
            if iris and not (used and any(used[i : i + length])):
                spans.append(((i, i + length), iris))
                i += length - 1
                break
        i += 1
    return spans


def link_names(
    text: str, lower: str, lex: Lexicon, used: list[bool]
) -> tuple[list[URIRef], list[URIRef]]:
    """Entities the question names in Chinese, longest names first: (anchors, countries)."""
    anchors: list[URIRef] = []
    countries: list[URIRef] = []
    for (start, end), iris in _name_spans(text, lex, used):
        for iri in sorted(iris):
            info = lex.entities.get(iri)
            (countries if info and info.type == "Country" else anchors).append(iri)
        mark(used, start, end)
    if "我国" in text and lex.home_country is not None:
        countries.append(lex.home_country)
    return anchors, countries


def _cue_tokens(lower: str) -> set[str]:
    """The question's words that say what it asks for (types and relations), not what of."""
    tokens: set[str] = set()
    for pattern in [p for p, _, _ in TYPE_WORDS] + [p for p, _ in RELATION_WORDS]:
        for match in re.finditer(pattern, lower):
            tokens |= en_tokens(match.group(0))
    return tokens


def link_english_names(
    lower: str, lex: Lexicon, used: list[bool]
) -> tuple[list[URIRef], list[URIRef]]:
    """Entities whose English name (reference label, acronym or glossed name) the question's
    words cover; their words are marked used. A name only partly covered does not count when
    the words it shares with the question are a world region's name ("sister cities in Latin
    America" is no question about the Latin America Bridge initiative)."""
    anchors: list[URIRef] = []
    countries: list[URIRef] = []
    question_tokens = en_tokens(lower)
    region_tokens = set().union(
        *(en_tokens(name) for name in lex.regions if name.isascii() and _names(name, lower))
    )
    cue_tokens = _cue_tokens(lower)
    if question_tokens:
        scored: list[tuple[float, URIRef]] = []
        for iri, token_sets in lex.names_en.items():
            best = 0.0
            for tokens in token_sets:
                overlap = len(tokens & question_tokens)
                if overlap < len(tokens) and tokens & question_tokens <= region_tokens:
                    continue
                if overlap < len(tokens) and len(tokens & question_tokens - cue_tokens) < 2:
                    # a name partly covered mostly by the question's cue words is not named
                    # ("which sister cities does Harbin have": no Harbin sister-city event)
                    continue
                if (
                    (overlap and overlap == len(tokens))
                    or overlap >= 3
                    or (overlap >= 2 and overlap / len(tokens) >= 0.6)
                ):
                    best = max(best, overlap + overlap / len(tokens))
            if best:
                scored.append((best, iri))
        scored.sort(key=lambda s: -s[0])
        taken: set[str] = set()
        for score, iri in scored:
            tokens = max(lex.names_en[iri], key=lambda t: len(t & question_tokens))
            hit = tokens & question_tokens
            info = lex.entities.get(iri)
            target = countries if info and info.type == "Country" else anchors
            # words of a name already linked name little else (a long name sharing three of
            # them may: the pilot free trade zone in the Qingdao area of the free trade zone);
            # a country named inside a name (South Korea in the China-Japan-South Korea forum)
            # is no constraint
            if hit <= taken and (score < 3 or target is countries):
                continue
            if iri not in target and (score >= 2 or len(tokens) == 1):
                target.append(iri)
                taken |= hit
                for token in hit:
                    for match in re.finditer(rf"{_WORD_START}{re.escape(token)}{_WORD_END}", lower):
                        mark(used, match.start(), match.end())
    return anchors, countries


def _names(region: str, text: str) -> re.Match[str] | None:
    """Where `text` names the world region (English names also as adjectives: Latin American)."""
    pattern = (
        rf"{_WORD_START}{re.escape(region)}(?:n|an)?{_WORD_END}"
        if region.isascii()
        else re.escape(region)
    )
    return re.search(pattern, text)


def link_region(masked: str, lex: Lexicon, used: list[bool]) -> list[URIRef]:
    """A world region named in the question (拉美, Latin American); its words are marked used
    so that "American" in it is no demonym."""
    for name, iris in sorted(lex.regions.items(), key=lambda kv: -len(kv[0])):
        match = _names(name, masked)
        if match:
            mark(used, match.start(), match.end())
            return iris
    return []
