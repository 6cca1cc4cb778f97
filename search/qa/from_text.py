"""Answers read from the text when no query plan answers: the answer type the question expects
(a city, a company, an event …, a number, a year), and the entities of that type (or the values)
in the sentences that best match the question, ranked by the sentence's score, the answer's
nearness to the question's words in it, and the question's constraints.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

from rdflib import Dataset, URIRef

from graph.namespaces import SPARQL_PREFIXES
from graph.queries import select_values
from ingest.model import PLACE_TYPES
from search.qa.cues import ONE
from search.qa.lexicon import Lexicon
from search.qa.plan import LABELS, SENTENCE, values
from search.qa.quantity import (
    CN_COUNT,
    chinese_number,
    count_glosses,
    counted_head,
    counted_noun,
    counts_noun,
    english_count_words,
    is_ordinal,
)
from search.qa.retrieve import SentenceHit, SentenceIndex, query_terms
from search.qa.slots import ENGLISH_CLASS_WORDS, Slots, asked_spans, asks_foreign, singular
from search.qa.text_match import nearness, simplified, surrounding

TOP_SENTENCES = 5
POOL = 200  # sentences read to find those naming what the question names
PLACES = ("City", "Region")
HEAD_BONUS = 1.5  # an answer named as the kind of thing asked for (什么论坛: …论坛)
KEEP = 0.6  # answers scoring at least this share of the best one are kept
PARTIES = ("City", "Country", "Enterprise", "Organization")
ANY = ("City", "Country", "Region", "Enterprise", "Organization", "Event", "Initiative")
WHICH = re.compile(r"哪些|什么|\bwhich\b|\bwhat\b")
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?=年|[-—–至到])")
MONEY = re.compile(
    r"金额|总额|总值|价值|投资额|多少钱|\bvalue\b|\bamount\b|\bworth\b|\bbudget\b|\bcost\b"
)
# a sum of money as reports write it: the figure before its currency (5亿元, 1.2万美元)
_MONEY = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?\s*多?(?:十|百|千|万|亿)*(?:元|美元|欧元|日元|人民币))"
)
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.])")

MENTIONS = (
    SPARQL_PREFIXES
    + """SELECT ?s ?e ?type ?start ?end ?country ?label ?label_en WHERE {
%s  ?m wsh:inSentence ?s ; wsh:mentionOf ?e ; wsh:start ?start ; wsh:end ?end .
  ?e a ?type . FILTER(STRSTARTS(STR(?type), STR(wsh:)))
  OPTIONAL { ?e wsh:country ?country }
  OPTIONAL { ?e rdfs:label ?label FILTER(LANG(?label) = "zh") }
  OPTIONAL { ?e rdfs:label ?label_en FILTER(LANG(?label_en) = "en") }
}"""
)


@dataclass
class TextAnswer:
    label: str
    label_en: str
    iri: str
    type: str
    score: float
    hit: SentenceHit
    start: int  # span of the answer in its report
    end: int
    of_kind: bool = False  # named as the kind of thing asked for (什么论坛: …论坛)


def expected_type(slots: Slots, expects: tuple[str, ...]) -> tuple[str, ...]:
    """What the answer is: the intent's answer types, else the type the question names, else a
    place for "where"; a person ("who" with nothing else) is nothing the graph holds."""
    if MONEY.search(slots.blanked):
        return ("Money",)  # the total value of the agreements: a sum, not whatever is named
    if expects:
        return expects
    if slots.types:
        return tuple(slots.types)
    if "Q:where" in slots.concepts:
        return ("City", "Region", "Country")
    if "Q:who" in slots.concepts:
        # who took part, whose project: parties; who is the mayor: a person
        return PARTIES if slots.predicates else ("Person",)
    if ONE.search(slots.blanked) or WHICH.search(slots.blanked):
        return ANY  # 开发了什么应用, which goal: whatever the reports name there
    return ()


def read_answers(
    slots: Slots,
    lex: Lexicon,
    index: SentenceIndex,
    dataset: Dataset,
    wanted: tuple[str, ...],
) -> tuple[list[TextAnswer], list[SentenceHit]]:
    """Answers of the wanted type from the best sentences, and those sentences. A question
    about a city's foreign affairs office is read first from the sentences that name it, else
    from all of the city's reports, which it writes (全年力争新增国际友城4个以上)."""
    found, hits = _read_answers(slots, lex, index, dataset, wanted, unvoiced=False)
    if not found and any(_own_office(i, slots, lex) for i in slots.named):
        found, again = _read_answers(slots, lex, index, dataset, wanted, unvoiced=True)
        hits = hits or again
    return found, hits


def _read_answers(
    slots: Slots,
    lex: Lexicon,
    index: SentenceIndex,
    dataset: Dataset,
    wanted: tuple[str, ...],
    *,
    unvoiced: bool,
) -> tuple[list[TextAnswer], list[SentenceHit]]:
    terms = query_terms(slots, lex)
    # what the question names, the answer's sentence names too (an answer about the Belt and
    # Road comes from a sentence about it)
    # (or the sentence after one that does: 大会由…主办). Countries are abbreviated (韩中, 中以),
    # a reporting city is 我市 in its own reports, the reporting office is everywhere.
    narrowing = [
        iri
        for iri in slots.named
        if iri not in (lex.home_city, lex.home_country)
        and iri not in lex.reports_of
        and getattr(lex.entities.get(iri), "type", "") != "Country"
        # a place whose reports the question is already kept to is 我市 in many of their
        # sentences: it narrows nothing there
        and not (slots.documents and getattr(lex.entities.get(iri), "type", "") in PLACES)
        # nor, when the sentences naming it answer nothing, does its foreign affairs office,
        # the voice of its reports (全年力争新增国际友城4个…)
        and not (unvoiced and _own_office(iri, slots, lex))
    ]
    names = [
        n
        for iri in narrowing
        for n in lex.zh_names(iri)
        # a short form many reports use (市外办) names it within the reports that name it
        if not lex.is_common(n) or slots.documents
    ]
    # the sentences that name what is asked about are found first, among many (the best few
    # of the whole store may not name it at all), then ranked by the question's other words
    hits = index.search(terms, POOL if names else TOP_SENTENCES, slots.documents or None)
    if not hits or not wanted or wanted == ("Person",):
        return [], hits[:TOP_SENTENCES]
    if names:
        # a sentence names it where its words stand, or where extraction found it written
        # otherwise (自治区人民政府 for 内蒙古自治区人民政府)
        # or, in a report whose title names it (a report of the meeting asked about), every
        # sentence speaks of it (会议要求…)
        titles: dict[str, list[SentenceHit]] = {}
        for h in hits:
            if h.doc not in titles:
                titles[h.doc] = index.opening(h)
        mentioning = _mentioning(dataset, hits, narrowing)

        def names_it(h: SentenceHit) -> bool:
            return h.iri in mentioning or any(n in simplified(h.text) for n in names)

        # a report whose heading names the meeting or office asked about is about it; one
        # whose heading names a place is only from there
        things = [
            n
            for iri in narrowing
            if getattr(lex.entities.get(iri), "type", "") not in PLACES
            for n in lex.zh_names(iri)
            if not lex.is_common(n) or slots.documents
        ]
        headings = [t for ts in titles.values() for t in ts]
        linked = _mentioning(
            dataset,
            headings,
            [i for i in narrowing if getattr(lex.entities.get(i), "type", "") not in PLACES],
        )
        about = {
            doc
            for doc, ts in titles.items()
            if any(t.iri in linked or any(n in simplified(t.text) for n in things) for t in ts)
        }
        naming = [h for h in hits if h.doc in about or names_it(h)]
        after = [f for h in naming if (f := index.following(h)) is not None]
        hits = list({h.iri: h for h in naming + after}.values())
        if not hits:
            return [], []
    hits = _ranked(hits, terms, names, _places_kept_to(slots, lex), index)
    top = hits[0].score
    words = [t for t in terms if len(t) >= 2]
    found: dict[str, TextAnswer] = {}
    if wanted[0] in ("Number", "Year", "Money"):
        pattern = {"Year": _YEAR, "Money": _MONEY}.get(wanted[0], _NUMBER)
        # the noun counted (多少个国家缔结了… counts 国家, not 了友), which the sentence holds
        head = counted_head(slots.text, slots.used) if wanted[0] == "Number" else ""
        asked = english_count_words(slots, lex) if wanted[0] == "Number" and not head else None
        given = set(re.findall(r"\d+(?:\.\d+)?", slots.text))  # 40th, in 2009: not the answer
        counted = (
            [counted_noun(slots.text, slots.used, lex)]
            if slots.chinese
            else count_glosses(english_count_words(slots, lex), lex)
        )
        own: dict[str, float] = {}  # how much of the question a figure's own stretch holds
        for hit in hits:
            text = simplified(hit.text)
            if head and head not in text:
                continue
            if asked is not None and not any(w in text for w in asked):
                continue
            for match, value in _figures(text, pattern, wanted[0] == "Number"):
                if wanted[0] == "Number" and (
                    _YEAR.match(text, match.start())
                    or _date(text, match)
                    or value in given
                    or is_ordinal(text, match.start())
                    or (_SPAN.match(text, match.end()) and not _SPAN.match(head))
                ):
                    continue  # 2022年, 9月10日 are dates; a figure the question gives is asked of
                score = hit.score / top * nearness(text, match.start(), match.end(), words)
                answer = TextAnswer(value, value, "", wanted[0], score, hit,
                                    hit.start + match.start(), hit.start + match.end())
                if wanted[0] == "Number":
                    mine = float(counts_noun(text, match.start(), match.end(), counted))
                    if mine < own.get(value, -1.0):
                        continue
                    if mine > own.get(value, -1.0):
                        found.pop(value, None)
                    own[value] = mine
                _keep(found, answer)
        if own and found:  # the figures whose own stretch holds most of what is asked
            most = max(own[k] for k in found)
            found = {k: a for k, a in found.items() if own[k] >= most}
    else:
        # what the question gives is no answer to it (the Nigerian of "which Nigerian states")
        named = set(slots.named) | set(slots.demonyms) | {lex.home_country} - {None}
        if not lex.home_city or "Q:where" not in slots.concepts:
            named.add(lex.home_city)
        sentences = {h.iri: h for h in hits}
        query = MENTIONS % values("s", [URIRef(i) for i in sentences])
        # a demonym constrains the answer where it qualifies the noun asked for (which Korean
        # province), not another noun (celebrated by the Chinese embassy: in which city?)
        asked_noun = " ".join(slots.blanked[a:b] for a, b in asked_spans(slots.blanked))
        qualifying = [
            lex.demonyms[w] for w in re.findall(r"[a-z]+", asked_noun) if w in lex.demonyms
        ]
        constraint = set(slots.countries + qualifying + slots.region)
        heads = asked_heads(slots, lex)
        foreign = asks_foreign(slots)
        candidates: list[TextAnswer] = []
        for row in select_values(dataset, query):
            kind = str(row["type"]).rsplit("#", 1)[-1]
            entity = URIRef(str(row["e"]))
            hit = sentences[str(row["s"])]
            start, end = int(row["start"]), int(row["end"])
            label = str(row.get("label") or entity.rsplit("/", 1)[-1])
            written = simplified(hit.text[start - hit.start : end - hit.start])
            # named as the kind asked for (which port authority: 马赛港务局), whatever its type
            # (a country or a city asked for is one: 哪几国的总领事馆 asks for countries)
            of_kind = bool(heads) and any(n.endswith(heads) for n in (label, written))
            if of_kind and kind not in wanted and set(wanted) <= PLACE_TYPES:
                continue
            if (
                (kind not in wanted and not of_kind)
                or entity in named
                or (wanted == ANY and _given(row, slots))
                or (foreign and of_home_country(entity, lex))  # 哪些外国城市: none of China's
            ):
                continue
            # a country, demonym or region named constrains where the answer is (which Korean
            # province: one in Korea, not Korea itself, when places other than countries fit)
            if (
                constraint
                and kind != "Country"
                and row.get("country") is not None
                and row.get("country") not in constraint
            ):
                continue  # (an organisation of no known country may be the one asked for)
            if constraint and kind == "Country" and (
                wanted != ("Country",) or entity not in constraint
            ):
                continue  # which Nigerian states: no country elsewhere
            near = surrounding(simplified(hit.text), start - hit.start, end - hit.start, words)
            if of_kind:
                near *= HEAD_BONUS  # 什么论坛: a name of that kind (中国—东盟媒体合作论坛)
            candidates.append(
                TextAnswer(label, str(row.get("label_en") or ""), str(entity), kind,
                           hit.score / top * near, hit, start, end, of_kind)
            )
        listed = _listed_together(candidates)
        if any(a.of_kind for a in listed):
            # which economic corridor, 什么论坛: the names of that kind (and those listed with
            # them) answer, not the places and bodies named beside them
            listed = [a for a in listed if a.of_kind]
        for answer in listed:
            _keep(found, answer)
    if not found:
        return [], hits
    best = max(a.score for a in found.values())
    answers = sorted(
        (a for a in found.values() if a.score >= KEEP * best), key=lambda a: -a.score
    )
    # one thing asked (哪个城市, which year, how many): the best alone
    if wanted[0] in ("Number", "Year", "Money") or ONE.search(slots.blanked):
        answers = answers[:1]
    return answers, hits


PLACE_WEIGHT = 0.3  # of the words of the place whose reports the question is kept to


def _places_kept_to(slots: Slots, lex: Lexicon) -> list[str]:
    """The names of the places named in the question whose reports it is kept to, and of
    their foreign affairs offices."""
    if not slots.documents:
        return []
    return [
        n
        for iri in slots.named
        if iri in lex.reports_of
        or getattr(lex.entities.get(iri), "type", "") in PLACES
        or _own_office(iri, slots, lex)
        for n in lex.zh_names(iri)
    ]


def _own_office(iri: URIRef, slots: Slots, lex: Lexicon) -> bool:
    """Whether `iri` is the foreign affairs office of a city whose reports the question is kept
    to: those reports are its own, written in its voice, and name it in a few sentences only."""
    return (
        bool(slots.documents)
        and iri in lex.offices
        and bool(set(lex.own_places(iri)) & set(slots.reporting))
    )


def _ranked(
    hits: list[SentenceHit],
    terms: list[str],
    names: list[str],
    places: list[str],
    index: SentenceIndex,
) -> list[SentenceHit]:
    """The best sentences. Each of `hits` names what the question names, or stands in a
    report about it: the words of those names rank nothing more, the question's other words
    do. Within a place's own reports, the place is 我市 in many sentences and written out in
    a few: its words count less. When the other words match none of the hits, as searched."""
    rest = [t for t in terms if not any(t in n for n in names + places)]
    where = [t for t in terms if t not in rest and not any(t in n for n in names)]
    if not (names or places) or len(rest) == len(terms):
        return sorted(hits, key=lambda h: -h.score)[:TOP_SENTENCES]
    own = index.scores(hits, rest)
    near = index.scores(hits, where)
    if not any(own):
        return sorted(hits, key=lambda h: -h.score)[:TOP_SENTENCES]
    scored = [
        replace(h, score=a + PLACE_WEIGHT * b or h.score / 100)
        for h, a, b in zip(hits, own, near, strict=True)
    ]
    return sorted(scored, key=lambda h: -h.score)[:TOP_SENTENCES]


_LIST_GAP = re.compile(r"[\s、,，和及与以及“”\"《》()（）]*")


def _listed_together(candidates: list[TextAnswer]) -> list[TextAnswer]:
    """Names listed together in a sentence (A、B和C) score as the best of them: the question
    words stand near one end of a list, and the list answers as a whole."""
    by_sentence: dict[str, list[TextAnswer]] = {}
    for answer in candidates:
        by_sentence.setdefault(answer.hit.iri, []).append(answer)
    out: list[TextAnswer] = []
    for items in by_sentence.values():
        items.sort(key=lambda a: (a.start, -a.end))
        group: list[TextAnswer] = []
        for answer in items:
            if group:
                gap = simplified(answer.hit.text)[
                    group[-1].end - answer.hit.start : answer.start - answer.hit.start
                ]
                if answer.start < group[-1].end or not _LIST_GAP.fullmatch(gap):
                    out.extend(_lifted(group))
                    group = []
            group.append(answer)
        out.extend(_lifted(group))
    return out


def _lifted(group: list[TextAnswer]) -> list[TextAnswer]:
    """A list's names score as its best, and are of the kind asked for when one of them is
    (利物浦大学、加州大学伯克利分校: which universities)."""
    if len(group) < 2:
        return group
    best = max(a.score for a in group)
    of_kind = any(a.of_kind for a in group)
    return [replace(a, score=best, of_kind=of_kind) for a in group]


def asked_heads(slots: Slots, lex: Lexicon) -> tuple[str, ...]:
    """What a name of the kind asked for ends with: the words of the noun the question word asks
    with (什么论坛 -> 论坛, 哪个中心建设 -> 中心, 什么卡 -> 卡; which economic corridor ->
    走廊 through the glosses), as far as some stored name ends with them."""
    heads: list[str] = []
    for start, end in asked_spans(slots.blanked):
        noun = slots.blanked[start:end].strip()
        if not noun:
            continue
        if slots.chinese:
            pieces = [noun] if len(noun) == 1 else [
                noun[a:b] for a in range(len(noun)) for b in range(a + 2, len(noun) + 1)
            ]
        else:
            # the words up to a verb or a word naming a whole class (which exchange activity:
            # exchange); a class word asks for the type, not a kind of it
            words = list(
                itertools.takewhile(
                    lambda w: w not in _EN_FILLER and w not in ENGLISH_CLASS_WORDS,
                    re.findall(r"[a-z]+", noun),
                )
            )[:2]
            phrases = [
                " ".join(words[a:b])
                for a in range(len(words))
                for b in range(a + 1, len(words) + 1)
            ]
            pieces = [
                c
                for p in phrases
                for w in dict.fromkeys([p, singular(p)])
                for c in lex.english_to_chinese(w)
                if len(c) >= 2
            ]
        heads += [
            p
            for p in pieces
            if not lex.is_class_word(p)
            and p not in lex.names_zh  # a gloss that is a name (city -> 成都) names no kind
            and lex.names_ending(p, ANY) >= 1
        ]
    return tuple(dict.fromkeys(heads))


_EN_FILLER = frozenset(
    {
        "of", "the", "a", "an", "is", "was", "did", "does", "do", "are", "were", "will", "would",
        "has", "have", "had", "can", "could", "should", "in", "on", "at", "for", "to", "with",
        "by", "from",
    }
)


def _figures(
    text: str, pattern: re.Pattern[str], numerals: bool
) -> list[tuple[re.Match[str], str]]:
    """The figures of a sentence and their values: digits, and with `numerals` Chinese
    numerals before a measure word (两次 -> 2, 十二个 -> 12)."""
    found = [(m, m.group(1)) for m in pattern.finditer(text)]
    if numerals:
        for m in CN_COUNT.finditer(text):
            number = chinese_number(m.group(1))
            if number is not None:
                found.append((m, str(number)))
    return found


# a span of time or an anniversary (45年间, 30周年, 3个月), no count of what is asked unless
# the question counts years or months
_SPAN = re.compile(r"\s*(?:周年|年间|年来|年|个月|天)")
_DATE_AFTER = re.compile(r"\s*(?:月|日|号|时|点|[:：/]\d|-\d)")
_COUNTED = re.compile(r"[\d\s]*(?:万|亿|千|百|多|余|个|家|座|场|名|位|次|件|人|批|项|对|所|国)")


def _date(text: str, match: re.Match[str]) -> bool:
    """Whether a figure is part of a date or a time (9月10日, 2023-05-25, 11:35), or a year
    that opens a name (2009中国湖南-日本周) rather than counts something."""
    before = text[match.start() - 1] if match.start() else ""
    if before in "-:：/" or _DATE_AFTER.match(text, match.end()):
        return True
    value = match.group(1)
    return len(value) == 4 and value[:2] in ("19", "20") and not _COUNTED.match(text, match.end())


DOCUMENTS_NAMING = (
    SPARQL_PREFIXES
    + """SELECT DISTINCT ?e ?doc WHERE {
%s  ?m wsh:mentionOf ?e ; wsh:inSentence ?s . ?s wsh:inDocument ?doc .
}"""
)


def naming_documents(slots: Slots, lex: Lexicon, dataset: Dataset) -> list[URIRef]:
    """The reports that name everything the question names (a place, an office, an event …;
    not a country, a goal or the home city, which many reports name): a question about Wuxi's
    office is answered from the reports that name that office, never from another city's
    office written the same way (市外办). Empty when nothing such is named, or no report names
    it all (then every report is read)."""
    named = [
        iri
        for iri in slots.anchors
        if iri not in (lex.home_city, lex.home_country)
        and getattr(lex.entities.get(iri), "type", "") != "Country"
        and not all(lex.is_common(n) for n in lex.zh_names(iri) or ["?"])
    ]
    if not named:
        return []
    by_entity: dict[str, set[URIRef]] = {str(iri): set() for iri in named}
    for row in select_values(dataset, DOCUMENTS_NAMING % values("e", named)):
        by_entity[str(row["e"])].add(URIRef(str(row["doc"])))
    return sorted(set.intersection(*by_entity.values()))


MENTIONING = (
    SPARQL_PREFIXES
    + """SELECT DISTINCT ?s WHERE {
%s%s  ?m wsh:inSentence ?s ; wsh:mentionOf ?e .
}"""
)


def _mentioning(dataset: Dataset, hits: list[SentenceHit], iris: list[URIRef]) -> set[str]:
    """The sentences among `hits` with a mention of one of `iris`."""
    if not hits or not iris:
        return set()
    query = MENTIONING % (values("s", [URIRef(h.iri) for h in hits]), values("e", iris))
    return {str(row["s"]) for row in select_values(dataset, query)}


def documents_naming(iris: list[URIRef], dataset: Dataset) -> set[URIRef]:
    """The reports that name any of `iris`."""
    if not iris:
        return set()
    rows = select_values(dataset, DOCUMENTS_NAMING % values("e", iris))
    return {URIRef(str(row["doc"])) for row in rows}


def _given(row: dict[str, object], slots: Slots) -> bool:
    """Whether the question itself gives the name (洛阳 of 洛阳市外办 开发了什么): asked for no
    type, it asks of it, not for it."""
    zh, en = str(row.get("label") or ""), str(row.get("label_en") or "").lower()
    return (len(zh) >= 2 and zh in slots.text) or (len(en) >= 3 and en in slots.lower)


def named_in_question(row: dict[str, object], slots: Slots) -> bool:
    """Whether a graph answer's entity is one the question names or writes (Suzhou, asked where
    the Suzhou society's meeting was held; the city of the forum named after it)."""
    return URIRef(str(row.get("e"))) in slots.named or _given(row, slots)


def of_home_country(iri: URIRef, lex: Lexicon) -> bool:
    """Whether an entity is of the home country (a Chinese city, asked for foreign cities)."""
    home = lex.home_country
    return home is not None and (
        iri == home or getattr(lex.entities.get(iri), "country", None) == home
    )


def _keep(found: dict[str, TextAnswer], answer: TextAnswer) -> None:
    key = answer.iri or answer.label
    if key not in found or found[key].score < answer.score:
        found[key] = answer


def text_sparql(found: list[TextAnswer]) -> str:
    """The query that shows where each answer read from the text stands: the mention of each
    entity in its sentence, or each value cut from its sentence at its span."""
    entities = [a for a in found if a.iri]
    if entities:
        pairs = " ".join(f"({URIRef(a.iri).n3()} {URIRef(a.hit.iri).n3()})" for a in entities)
        return (
            SPARQL_PREFIXES
            + "SELECT DISTINCT ?e ?type ?label ?label_en ?doc ?sentence ?start ?end WHERE {\n"
            + f"  VALUES (?e ?s) {{ {pairs} }}\n"
            + "  ?m wsh:mentionOf ?e ; wsh:inSentence ?s ; wsh:start ?start ; wsh:end ?end .\n"
            + "  ?e a ?type . FILTER(STRSTARTS(STR(?type), STR(wsh:)))\n"
            + SENTENCE
            + LABELS
            + "}\nORDER BY ?label ?doc ?start\n"
        )
    rows = " ".join(
        f"({URIRef(a.hit.iri).n3()} {a.start - a.hit.start + 1} {a.end - a.start})" for a in found
    )
    return (
        SPARQL_PREFIXES
        + "SELECT DISTINCT ?value ?doc ?sentence ?start ?end WHERE {\n"
        + f"  VALUES (?s ?at ?length) {{ {rows} }}\n"
        + SENTENCE
        + "  BIND(SUBSTR(?sentence, ?at, ?length) AS ?value)\n"
        + "  BIND(?sentenceStart + ?at - 1 AS ?start) BIND(?start + ?length AS ?end)\n"
        + "}\nORDER BY ?doc ?start\n"
    )
