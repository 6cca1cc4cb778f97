"""Linking a question's words to what the graph names: goals (SCO, RCEP), entities by their
Chinese names and by their English names, and world regions; each marks the words it used.
"""

from __future__ import annotations

import re

import jieba
from rdflib import URIRef

from ingest import terms
from search.qa.cues import CJK, MEMBERSHIP_PHRASE, RELATION_WORDS, SUPPORT, TYPE_WORDS
from search.qa.lexicon import EN_STOP, Lexicon, en_tokens

_TYPE_AFTER = re.compile(r"\s*(?:城市|企业|机构|cities|city|companies|organi[sz]ations)")
_WORD_START = r"(?<![a-z0-9])"
_WORD_END = r"(?![a-z0-9])"


def mark(used: list[str], start: int, end: int, kind: str = "Entity") -> None:
    """Marks characters as part of a name of that kind (City, Goal …)."""
    for k in range(start, end):
        used[k] = kind


def link_goals(
    text: str, lower: str, lex: Lexicon, used: list[str]
) -> tuple[list[URIRef], list[str] | None]:
    """The goals the question names (上合组织, RCEP) and the membership roles it asks about
    (成员国: members; 上合组织国家: every role), or None when it asks about no membership."""
    found: list[URIRef] = []
    typed = False  # a type word right after the goal (上合组织城市, SCO cities): its states' ones
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
                mark(used, match.start(), match.end(), "Goal")
                after = MEMBERSHIP_PHRASE.match(lower, match.end())
                if after:  # 上合组织国家 / SCO member states: part of the goal phrase
                    mark(used, after.start(), after.end(), "Goal")
                end = after.end() if after else match.end()
                typed = typed or bool(_TYPE_AFTER.match(lower, end))
                break
    roles: list[str] | None = None
    if found and re.search(
        r"成员|加入|member state|member countr|members?\b|belong|\bjoined\b", lower
    ):
        roles = ["member"]
    elif (
        found
        and (typed or re.search(r"(上合|组织|\w{2,})国家|countries|states", text + lower))
        and not SUPPORT.search(lower)
    ):
        roles = ["member", "observer", "dialogue_partner"]
    return found, roles


def _within(match: re.Match[str], spans: list[tuple[int, int]]) -> bool:
    """Whether the match lies inside a longer span."""
    start, end = match.span()
    return any(a <= start and end <= b and b - a > end - start for a, b in spans)


def _name_spans(
    text: str, lex: Lexicon, used: list[str] | None = None
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
    text: str, lower: str, lex: Lexicon, used: list[str]
) -> tuple[list[URIRef], list[URIRef]]:
    """Entities the question names in Chinese, longest names first: (anchors, countries)."""
    anchors: list[URIRef] = []
    countries: list[URIRef] = []
    for (start, end), iris in _name_spans(text, lex, used):
        kinds = []
        for iri in sorted(iris):
            info = lex.entities.get(iri)
            (countries if info and info.type == "Country" else anchors).append(iri)
            kinds.append(info.type if info else "Entity")
        mark(used, start, end, min(kinds))
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
    lower: str, lex: Lexicon, used: list[str], goals: list[URIRef] | None = None
) -> tuple[list[URIRef], list[URIRef]]:
    """Entities whose English name (reference label, acronym or glossed name) the question's
    words cover; their words are marked used. A name only partly covered does not count when
    the words it shares with the question are a world region's name ("sister cities in Latin
    America" is no question about the Latin America Bridge initiative)."""
    anchors: list[URIRef] = []
    countries: list[URIRef] = []
    # words a Chinese name took name nothing else; a goal's words (SCO, APEC) may belong to a
    # longer name (the APEC Business Travel Card) when two more of its words are the question's
    # (Qingdao is no second word of the SCO Qingdao Summit)
    free = "".join(" " if u and u != "Goal" else ch for ch, u in zip(lower, used, strict=True))
    question_tokens = en_tokens(free)
    goal_tokens = en_tokens(
        "".join(ch if u == "Goal" else " " for ch, u in zip(lower, used, strict=True))
    )
    # a place named inside a hyphenated compound (China-Europe, Sino-German) qualifies that
    # compound; it is no country or region of its own
    compounds = {
        t
        for match in re.finditer(r"[a-z]+(?:-[a-z]+)+", free)
        for t in match.group(0).split("-")
    }
    region_tokens = set().union(
        *(en_tokens(name) for name in lex.regions if name.isascii() and _names(name, lower))
    )
    cue_tokens = _cue_tokens(lower)
    spans = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"[a-z0-9]+", free)]
    words = [w for w, _, _ in spans]
    asked_at = {k + 1 for k, w in enumerate(words) if w in ("which", "what")}
    if question_tokens:
        scored: list[tuple[float, URIRef, frozenset[str]]] = []
        for iri, token_sets in lex.names_en.items():
            if goals and iri in goals:
                continue  # linked as a goal already
            place = getattr(lex.entities.get(iri), "type", "") in ("City", "Region", "Country")
            best = 0.0
            best_tokens: frozenset[str] = frozenset()
            for tokens in token_sets:
                overlap = len(tokens & question_tokens)
                if overlap >= 2 and not _together(tokens & question_tokens, words):
                    continue  # a name's words stand together ("Suzhou … international": none)
                if overlap < len(tokens) and tokens & question_tokens <= region_tokens:
                    continue
                if overlap < len(tokens) and len(tokens & question_tokens - goal_tokens) < 2:
                    continue
                if overlap < len(tokens) and len(tokens & question_tokens - cue_tokens) < 2:
                    # a name partly covered mostly by the question's cue words is not named
                    # ("which sister cities does Harbin have": no Harbin sister-city event)
                    continue
                hit = tokens & question_tokens
                if overlap and not hit & lex.distinctive_tokens and not place:
                    # words many names share (international, foreign affairs office) describe a
                    # kind of entity and name none of them
                    continue
                stretch = _stretch(hit, words) if overlap else None
                if stretch and stretch[0] in asked_at and not hit & lex.place_words:
                    # the words after "which" say what is asked for (which provincial foreign
                    # affairs office), not which one
                    continue
                if overlap < len(tokens) and (tokens - question_tokens) & lex.place_words:
                    # a name partly named whose other words name a place the question does not
                    # (the China-Germany demonstration city: not named by "cooperation with
                    # China") is another place's
                    continue
                # a long name is named by most of its words, not by three of a dozen (an
                # exhibition celebrating China-Japan diplomatic relations is not named by
                # "diplomatic relations with China")
                named = (
                    (overlap and overlap == len(tokens))
                    or (overlap >= 3 and overlap / len(tokens) >= 0.5)
                    or (overlap >= 2 and overlap / len(tokens) >= 0.6)
                )
                if named and overlap + overlap / len(tokens) > best:
                    best, best_tokens = overlap + overlap / len(tokens), tokens
            if best:
                scored.append((best, iri, best_tokens))
        scored.sort(key=lambda s: -s[0])
        taken: set[str] = set()
        whole: set[str] = set()
        for score, iri, tokens in scored:  # each by the name that named it
            hit = tokens & question_tokens
            info = lex.entities.get(iri)
            target = countries if info and info.type == "Country" else anchors
            # words of a name already linked name little else (a long name sharing three of
            # them may: the pilot free trade zone in the Qingdao area of the free trade zone);
            # a country named inside a name (South Korea in the China-Japan-South Korea forum)
            # is no constraint
            # a name partly named by words a better name took, whose other words name another
            # country, is not named (China-Nepal foreign ministers' talks: not the China-South
            # Korea meeting too)
            other_country = bool((tokens - question_tokens) & lex.country_tokens)
            # nor one whose other words name another place (the Qingdao Foreign Affairs Office
            # is not named by "the Wuxi Foreign Affairs Office")
            other_place = bool((tokens - question_tokens) & lex.place_tokens)
            # nor one partly named by words a name wholly named took (the Wuxi Foreign Affairs
            # Office: not every other foreign affairs office)
            if hit <= whole or (
                hit <= taken and (score < 3 or target is countries or other_country or other_place)
            ):
                continue
            if target is countries and hit <= compounds:
                continue
            if iri not in target and (score >= 2 or len(tokens) == 1):
                target.append(iri)
                taken |= hit
                if hit == tokens:
                    whole |= hit
                # only the stretch where the name stands: "city" of "in which city was the
                # … sister city celebration" is the question's type word, not the name's
                first, last = _stretch(hit, words) or (0, len(words) - 1)
                for k, (word, start, end) in enumerate(spans[first : last + 1], first):
                    if k in asked_at and (k == last or words[k + 1] not in hit):
                        continue  # "which city" is what is asked, not the name's first word
                    if word in hit:
                        mark(used, start, end, info.type if info else "Entity")
    return anchors, countries


def _together(hit: frozenset[str] | set[str], words: list[str]) -> bool:
    """Whether the words of a name stand within a stretch of the question a few words longer
    than the name (the China University of Petroleum; not "Suzhou companies … international")."""
    return _stretch(hit, words) is not None


def _stretch(hit: frozenset[str] | set[str], words: list[str]) -> tuple[int, int] | None:
    """The shortest stretch of the question's words (first and last index) that holds the
    name's words together, or None when they stand apart."""
    positions = [k for k, w in enumerate(words) if w in hit]
    best: tuple[int, int] | None = None
    for start in positions:
        for end in positions:
            if end < start or {words[k] for k in positions if start <= k <= end} < hit:
                continue
            linking = sum(1 for w in words[start : end + 1] if w in EN_STOP and w not in hit)
            if end - start + 1 <= len(hit) + 1 + linking and (
                best is None or end - start < best[1] - best[0]
            ):
                best = (start, end)
    return best


def _names(region: str, text: str) -> re.Match[str] | None:
    """Where `text` names the world region (English names also as adjectives: Latin American)."""
    pattern = (
        rf"{_WORD_START}{re.escape(region)}(?:n|an)?{_WORD_END}"
        if region.isascii()
        else re.escape(region)
    )
    return re.search(pattern, text)


def link_region(masked: str, lex: Lexicon, used: list[str]) -> list[URIRef]:
    """A world region named in the question (拉美, Latin American); its words are marked used
    so that "American" in it is no demonym. A region inside a hyphenated compound (China-Europe)
    qualifies the compound. Several regions named are all meant (European and Central Asian)."""
    found: list[URIRef] = []
    for name, iris in sorted(lex.regions.items(), key=lambda kv: -len(kv[0])):
        match = _names(name, masked)
        if match and name.isascii() and (
            masked[match.end() : match.end() + 1] == "-"
            or masked[max(0, match.start() - 1) : match.start()] == "-"
        ):
            continue
        if match and not any(used[match.start() : match.end()]):
            mark(used, match.start(), match.end(), "Region")
            found.extend(i for i in iris if i not in found)
    return found


_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*\b")


def unknown_places(text: str, lex: Lexicon) -> list[str]:
    """Places the question names that the reference data knows but no stored report mentions
    (武汉, Wuhan, Paris): a question about them cannot be answered from the reports."""
    unknown: list[str] = []
    # a place inside a name the reports use is that name's (青岛 of 青岛港); one that starts
    # before such a name is not (合肥 of 合肥市外办, where only 市外办 is known)
    known = [
        (start, end)
        for (start, end), _ in _name_spans(text, lex)
        if lex.mentioned_name(text[start:end])
    ]
    for start, end, name in lex.place_names(text):
        inside = any(a <= start and end <= b for a, b in known)
        # a place's name the reports write only as a word (欢迎来宾: guests, not 来宾市) is
        # that word in the question too
        as_word = lex.is_specific(name) or lex.is_common(name)
        if not inside and not as_word and not lex.mentioned_name(name) and not lex.mentioned_name(
            name.rstrip("市县省")
        ):
            unknown.append(name)
    for match in _CAPITALISED.finditer(text):
        unknown.extend(_unmentioned_places(match.group(0), lex))
    unknown.extend(_unheard_places(text, lex))
    unknown.extend(_unheard_english(text, lex))
    unknown.extend(_unheard_english_names(text, lex))
    return list(dict.fromkeys(unknown))


# the words after a place that make a run of capitals that place's body (the Paris Foreign
# Affairs Office, the Lyon Municipal Government); a place inside another name (a park, a
# person: Wang Anshun) is not asked about
_BODY_WORDS = frozenset(
    {"foreign", "affairs", "office", "municipal", "government", "people's", "city", "province"}
    | {"provincial", "committee", "council"}
)


def _unmentioned_places(run: str, lex: Lexicon) -> list[str]:
    """Reference places a run of capitalised words names that no stored report mentions: the
    whole run (New York), or a place its body's words follow (Paris of the Paris Foreign
    Affairs Office)."""
    if lex.english_place(run):
        return [] if lex.mentioned_english(run) else [run]
    words = run.split(" ")
    for k in range(len(words) - 1, 0, -1):
        place, rest = " ".join(words[:k]), words[k:]
        if lex.english_place(place) and all(w.lower() in _BODY_WORDS for w in rest):
            return [] if lex.mentioned_english(place) else [place]
    return []


# an English name of a place followed by what makes it one (Xyzzyville City, the Xyzzyville
# Foreign Affairs Office), as 市, 省, 县 and 市外办 do in Chinese
_PLACE_BEFORE = re.compile(
    r"\b([A-Z][a-z]+)(?:'s)?\s+(?:City|Province|County|Prefecture|Municipal\w*|"
    r"Foreign Affairs Office)\b"
)


def _unheard_english(text: str, lex: Lexicon) -> list[str]:
    """A place named in English before City, Province or Foreign Affairs Office that no stored
    name, reference place or gloss knows (Xyzzyville): nothing the reports say is about it."""
    found = []
    for match in _PLACE_BEFORE.finditer(text):
        word = match.group(1)
        token = word.lower()
        if (
            token in EN_STOP
            or lex.english_place(word)
            or lex.english_to_chinese(token)
            or any(token in t for names in lex.names_en.values() for t in names)
            or token in lex.demonyms
        ):
            continue
        found.append(word)
    return found


# an English name of an event or a body by its head word (the Cherry Blossom Week)
_NAME_WITH_HEAD = re.compile(
    r"\b((?:(?:[A-Z][a-z]+|\d{4})\s+){1,6})(Week|Festival|Forum|Conference|Expo|Fair|Summit|"
    r"Games|Exhibition|Association|Council|Federation|Institute)\b"
)


def _unheard_english_names(text: str, lex: Lexicon) -> list[str]:
    """An English name of an event or a body (… Week, … Forum, … Association) with a word that
    no stored name has and whose Chinese glosses no stored sentence uses (Cherry Blossom): the
    reports do not speak of it."""
    found = []
    for match in _NAME_WITH_HEAD.finditer(text):
        words = [w.lower() for w in match.group(1).split() if not w.isdigit()]
        for token in words:
            if token in EN_STOP or len(token) < 3:
                continue
            if any(token in t for names in lex.names_en.values() for t in names):
                continue
            glosses = lex.english_to_chinese(token)
            if any(lex.is_specific(g) or lex.is_common(g) for g in glosses):
                continue
            found.append(match.group(0).strip())
            break
    return found


_CITY_WORDS = tuple(terms.words("City", "ask_zh"))  # 友城, 友好城市, 城市
_ASKS = re.compile(r"[哪谁几]|什么|多少")  # 哪个省 asks for a province, names none


def _unheard_places(text: str, lex: Lexicon) -> list[str]:
    """A place named with 市, 省 or 县 that no stored name, place or sentence has
    (呜啦啦哒哒市): jieba leaves an unknown name as single characters before the suffix, or
    as words no stored sentence uses (咕噜噜嘀嗒市)."""
    if not any(suffix in text for suffix in "市省县"):
        return []
    tokens = list(jieba.cut(text))
    found = []
    for k, token in enumerate(tokens):
        if token in ("市", "省", "县"):
            j = k
            # single characters, or words no stored sentence uses (咕噜噜 嘀嗒 of 咕噜噜嘀嗒市)
            while j > 0 and CJK.match(tokens[j - 1]) and not _ASKS.search(tokens[j - 1]) and (
                len(tokens[j - 1]) == 1
                or not (
                    tokens[j - 1] in lex.names_zh
                    or lex.is_specific(tokens[j - 1])
                    or lex.is_common(tokens[j - 1])
                )
            ):
                j -= 1
            stem, suffix = "".join(tokens[j:k]), token
        elif len(token) >= 3 and token[-1] in "市省县" and CJK.match(token):
            stem, suffix = token[:-1], token[-1]
        else:
            continue
        if (
            len(stem) >= 2
            and not (stem + suffix).endswith(_CITY_WORDS)  # 友好城市: the kind, no place
            and stem not in lex.names_zh
            and stem + suffix not in lex.names_zh
            and not lex.is_specific(stem)
            and not lex.is_common(stem)
            and not lex.place_names(stem + suffix)
        ):
            found.append(stem + suffix)
    return found
