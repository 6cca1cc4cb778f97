"""A query plan: what a question asks for, as slots; and the SPARQL fragments intents build from.

SPARQL comes from fixed fragments; every value taken from a question is rendered through an
rdflib term (`.n3()`), so the text shown to the analyst is the plan's whole query, re-runnable as
is: it gives every answer. (A paged intent ran it in two steps, its answers then the rows of the
first page of them: `search.qa.answer.graph_rows`.) Each intent (`search.qa.intents`) assembles its
query from these fragments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal, URIRef

from graph.namespaces import SPARQL_PREFIXES, WSH

# OPTIONALs go last: Oxigraph plans an OPTIONAL followed by required patterns badly
SINCE = "  OPTIONAL { ?ms wsh:since ?since }\n"
GOAL_FACT = (  # a fact tying ?e to an initiative ?i that serves ?goal. The direct triple and
    # its reified fact share their report's graph: looked up in it, the fact is one of that
    # report's few facts about ?e, not of all of them (hundreds for a busy partner at a million
    # triples; the evidence of 50 partners took 6x as long)
    "  GRAPH ?factGraph { ?e wsh:supportsGoal ?i . ?f rdf:subject ?e ; rdf:object ?i ;"
    " rdf:predicate wsh:supportsGoal ; prov:wasDerivedFrom ?s }\n"
    "  ?i wsh:servesGoal* ?goal .\n"
)
MENTION = "  ?m wsh:mentionOf ?e ; wsh:inSentence ?s .\n"
SENTENCE = (
    "  ?s wsh:text ?sentence ; wsh:start ?sentenceStart ; wsh:inDocument ?docIri ."
    " ?docIri dcterms:identifier ?doc .\n"
)
LABEL_ZH = '  OPTIONAL { ?e rdfs:label ?label FILTER(LANG(?label) = "zh") }\n'
LABELS = LABEL_ZH + '  OPTIONAL { ?e rdfs:label ?label_en FILTER(LANG(?label_en) = "en") }\n'
MEMBERSHIP = (  # a membership of ?memberCountry in ?goal with ?role, not ended
    "?memberCountry wsh:membership ?ms . ?ms wsh:organisation ?goal ; wsh:role ?role .\n"
    "    FILTER NOT EXISTS { ?ms wsh:until ?until }"
)
# a partner is what a report ties to a reporting city: a relation with it (not a report on it),
# or taking part in an event that involves it or is held there. A news agency that reported on
# a meeting, or a university that signed with another university, is no partner of the city.
PARTNER_PREDICATES = (
    "sisterCityOf",
    "cooperatesWith",
    "signedAgreementWith",
    "participatedIn",
    "supportsGoal",
    "projectSettledIn",
    "diplomaticRelationsWith",
    "involves",
)


# the relations that tie a partner to a reporting city, as a report states them done or planned
TIES = ("sisterCityOf", "cooperatesWith", "signedAgreementWith", "participatedIn")


def planned_only_query(entities: list[URIRef]) -> str:
    """The entities whose every tie (`TIES`) a report states is only planned."""
    ties = ", ".join(WSH[p].n3() for p in TIES)
    return (
        "SELECT ?e WHERE {\n"
        + values("e", entities)
        # a path, not a union of two groups: Oxigraph evaluates each group of a union apart
        # from the ?e it is joined with (every fact's subject, then every object). The
        # predicates are a filter: joined with a `VALUES ?tieP`, every fact of those predicates
        # was read first (0.5-1.6 s at a million triples, 2-50 ms so)
        + "  ?f rdf:subject|rdf:object ?e ; rdf:predicate ?tieP .\n"
        + f"  FILTER(?tieP IN ({ties}))\n"
        + "  OPTIONAL { ?f wsh:status ?status }\n"
        + "} GROUP BY ?e\n"
        + 'HAVING (SUM(IF(COALESCE(?status, "") = "planned", 0, 1)) = 0)\n'
    )


def values(var: str, terms: list[URIRef] | list[Literal]) -> str:
    return f"  VALUES ?{var} {{ {' '.join(t.n3() for t in terms)} }}\n"


@dataclass
class QueryPlan:
    intent: str
    types: list[str] = field(default_factory=list)  # ontology class names; empty = any
    predicates: list[str] = field(default_factory=list)  # empty = any relation
    anchors: list[URIRef] = field(default_factory=list)
    anchor_keywords: list[str] = field(default_factory=list)  # events named like these
    label_keywords: list[str] = field(default_factory=list)  # answers named like these
    evidence_keywords: list[str] = field(default_factory=list)  # evidence mentions one of these
    year: str = ""
    status: str = ""
    goals: list[URIRef] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    countries: list[URIRef] = field(default_factory=list)
    foreign: bool = False
    home_country: URIRef | None = None
    home_city: URIRef | None = None
    nouns: list[str] = field(default_factory=list)  # for quantities
    documents: list[URIRef] = field(default_factory=list)  # evidence only from these; empty = any
    new: bool = False  # the fact must state the year asked (新结好), not only its report
    notes: list[str] = field(default_factory=list)  # how the question was read
    page: int = 0  # supports_goal: at most this many partners of each basis; 0 = all
    allow_home: bool = False  # the home city may answer (where was the meeting held: 青岛)
    keywords: list[str] = field(default_factory=list)  # question words near a value answer
    partners: list[URIRef] = field(default_factory=list)  # answers tied to these cities
    named_after: bool = False  # answers whose name, as written, names an anchor (中韩外长会)
    # the answers query (`Intent.pages`): each answer once, with what its rows share, and only
    # whether some evidence exists; and the rows of those answers (`listed`), evidence included
    answers_only: bool = False
    listed: list[dict[str, Any]] = field(default_factory=list)

    def sparql(self) -> str:
        """The plan's query, as its intent renders it (`search.qa.intents`)."""
        from search.qa.intents import INTENTS  # the intents render plans: imported when used

        return SPARQL_PREFIXES + INTENTS[self.intent].render(self)

    # -- fragments --------------------------------------------------------------------------

    def answer_filter(self, inline: bool = False) -> str:
        """What the answers ?e must be. `inline`: a single asked type is written into the
        pattern, and the group that uses it ends with `type_bind` (see `type_filter`)."""
        text = self.type_filter(inline)
        if self.label_keywords:
            text += values("labelKw", [Literal(k) for k in self.label_keywords])
            text += (
                "  FILTER EXISTS { ?e rdfs:label|wsh:name|skos:altLabel ?name0 . "
                "FILTER(CONTAINS(STR(?name0), ?labelKw)) }\n"
            )
        if self.countries:  # of these countries, or one of them: a sub-query evaluated once,
            # joined on ?e (as a FILTER with EXISTS, Oxigraph tested every mention's entity in
            # turn: 0.1-4 s for a typed list at 100k triples, 1-190 ms so)
            countries = " ".join(c.n3() for c in self.countries)
            text += (
                f"  {{ SELECT DISTINCT ?e WHERE {{ {{ VALUES ?e {{ {countries} }} }} UNION"
                f" {{ VALUES ?cc {{ {countries} }} ?e wsh:country ?cc }} }} }}\n"
            )
        if self.home_country is not None:  # the reports' own city and country never answer
            home = self.home_country.n3()
            text += f"  FILTER(?e != {home})\n"
            if self.foreign:
                text += f"  FILTER NOT EXISTS {{ ?e wsh:country {home} }}\n"
        if self.home_city is not None and not self.allow_home:
            text += f"  FILTER(?e != {self.home_city.n3()})\n"
        if self.partners:
            text += self.partner_filter()
        return text

    def type_filter(self, inline: bool = False) -> str:
        """?e of the asked types (any of the ontology's when none is asked), ?type bound to the
        one it has. (Written into the pattern with a BIND, a single type made Oxigraph evaluate
        the patterns before the BIND apart from those after it: related plans at 100k triples
        went from ~0.1 s to more than 5 s.) `inline`: a single type is a constant of the
        pattern, and ?type is bound by `type_bind` at the end of the group, where the BIND
        splits nothing: a `VALUES ?type` is joined after every other pattern of the group, so
        each fact of the asked relation was read with its sentence before the type dropped
        most (participants that are cities, at a million triples: 6.1 -> 1.7 s). Not when
        the answers' countries are asked: their sub-query is then the selective start, and
        with the type a constant Oxigraph read every fact of the relation first (7 -> 600 ms).
        Nor for countries beside a single relation (itself a constant then, `render_related`):
        Oxigraph starts from the class of a few hundred and reads each country's facts
        (countries cooperating with Qingdao: 0.05 -> 0.7 s; with any relation, 1.2 -> 0.3 s)."""
        if inline and self._inlined_type():
            return f"  ?e a {WSH[self.types[0]].n3()} .\n"
        text = values("type", [WSH[t] for t in self.types]) if self.types else ""
        return text + "  ?e a ?type . FILTER(STRSTARTS(STR(?type), STR(wsh:)))\n"

    def _inlined_type(self) -> bool:
        country_beside_relation = self.types == ["Country"] and len(self.predicates) == 1
        return len(self.types) == 1 and not country_beside_relation and not self.countries

    def type_bind(self) -> str:
        """The BIND that ends a group whose single type `type_filter(inline=True)` inlined."""
        if not self._inlined_type():
            return ""
        return f"  BIND({WSH[self.types[0]].n3()} AS ?type)\n"

    def partner_filter(self) -> str:
        """Only partners of the reporting cities (`partners`): a fact of a partner predicate
        ties ?e to such a city, or to an event that involves it or is held there. The partners
        are one sub-query joined on ?e, evaluated once: as a FILTER EXISTS (a union of four
        groups, or paths) Oxigraph matched every partner fact of the graph for each candidate
        (15-40 s for a goal's partners at 100k triples; the sub-query takes ~0.1 s). A fact
        never ties an entity to itself, so ?tie is the fact's other party."""
        preds = " ".join(WSH[p].n3() for p in PARTNER_PREDICATES)
        homes = " ".join(h.n3() for h in self.partners)
        return (
            "  { SELECT DISTINCT ?e WHERE {\n"
            f"    VALUES ?home {{ {homes} }} ?tie (wsh:involves|wsh:heldIn)? ?home .\n"
            "    ?pf rdf:subject|rdf:object ?tie ; rdf:predicate ?partnerP .\n"
            f"    VALUES ?partnerP {{ {preds} }}\n"
            "    ?pf rdf:subject|rdf:object ?e . FILTER(?tie != ?e)\n"
            "  } }\n"
        )

    def evidence_and_labels(self, fact: str = "") -> str:
        """Evidence (required) first, optional labels last: Oxigraph plans an OPTIONAL that
        precedes required patterns badly (seconds instead of milliseconds). In the answers
        query, only what the evidence must meet (its reports, its year) and the Chinese label
        the answers are ordered by."""
        if self.answers_only:
            where = "  ?s wsh:inDocument ?docIri .\n" if self.documents or self.year else ""
            return where + self.evidence_filter() + self.year_filter(fact) + LABEL_ZH
        return (
            SENTENCE
            + self.evidence_filter()
            + self.year_filter(fact)
            + (SINCE if self.goals else "")
            + LABELS
        )

    def evidence_filter(self) -> str:
        text = values("docIri", self.documents) if self.documents else ""
        if not self.evidence_keywords:
            return text
        return text + (
            values("evKw", [Literal(k) for k in self.evidence_keywords])
            + "  FILTER(CONTAINS(STR(?sentence), ?evKw))\n"
        )

    def year_filter(self, fact: str = "") -> str:
        """The year a fact states (`?fact wsh:year`), else its report's; evidence that is a
        mention, not a fact, has its report's year."""
        if not self.year:
            return ""
        year = Literal(self.year).n3()
        if not fact:
            return f"  ?docIri wsh:year ?docYear . FILTER(STR(?docYear) = {year})\n"
        if self.new:
            return f"  ?{fact} wsh:year ?factYear . FILTER(STR(?factYear) = {year})\n"
        return (
            f"  OPTIONAL {{ ?{fact} wsh:year ?factYear }}"
            " OPTIONAL { ?docIri wsh:year ?docYear }\n"
            f"  FILTER(STR(COALESCE(?factYear, ?docYear)) = {year})\n"
        )

    def member_of(self) -> str:
        text = values("goal", self.goals)
        if self.roles:
            text += values("role", [Literal(r) for r in self.roles])
        return text + self.member_country()

    def member_country(self) -> str:
        """The country whose membership counts: the entity's own, or the entity when it is a
        country; a status that has ended no longer counts. The membership is its own group, so
        Oxigraph starts from the goal's few members rather than from every entity with a
        country. A foreign answer never comes through the home country's membership, so the
        group drops it at once (else the home country's thousands of entities are joined, then
        filtered out: at a million triples, half the query's time)."""
        home = ""
        if self.foreign and self.home_country is not None:
            home = f" FILTER(?memberCountry != {self.home_country.n3()})"
        return (
            f"  {{ {MEMBERSHIP}{home} }}\n"
            # the member country itself, or what is in it: a path from the members found, not
            # a union (Oxigraph evaluates a union's groups apart from the members: every entity
            # with a country, then the join)
            "  ?e wsh:country? ?memberCountry .\n"
            "  FILTER(?e != ?memberCountry || EXISTS { ?memberCountry a wsh:Country })\n"
        )

    def mention_evidence(self) -> str:
        """A mention of ?e and its sentence. In the answers query, that ?e has a mention: as an
        EXISTS of one pattern, tested once per answer (a join reads every mention of every
        answer: 3 to 4 each at a million triples; an EXISTS of two patterns or more Oxigraph
        evaluates apart from the answers, 40 s for a goal's members). Every mention is in a
        sentence, and every sentence in a report (`graph.build`), so the answers are the same;
        a question that limits the reports or the year joins the mention's sentence instead."""
        if not self.answers_only:
            return "  ?m wsh:mentionOf ?e ; wsh:inSentence ?s ; wsh:start ?start ; wsh:end ?end .\n"
        if self.documents or self.year:
            return "  ?m wsh:mentionOf ?e ; wsh:inSentence ?s .\n"
        return "  FILTER EXISTS { ?m wsh:mentionOf ?e }\n"

    def listed_values(self, names: tuple[str, ...]) -> str:
        """The rows of the answers query kept (`listed`) as one VALUES of these variables: the
        answers' rows are then matched from them, not from the whole graph (as a `VALUES ?e`
        beside the answers' own patterns, Oxigraph joined it after finding every answer)."""
        def term(value: Any) -> str:
            if value is None:
                return "UNDEF"
            return value.n3() if isinstance(value, URIRef) else Literal(str(value)).n3()

        rows = " ".join(
            "(" + " ".join(term(row.get(n)) for n in names) + ")" for row in self.listed
        )
        return f"  VALUES ({' '.join('?' + n for n in names)}) {{ {rows} }}\n"

    def sentence_constraints(self, fact: str = "") -> str:
        return SENTENCE + self.evidence_filter() + self.year_filter(fact)

    def evidence_exists(self, evidence: str, fact: str = "") -> str:
        """Keep an answer only when some evidence sentence has the question's keywords and year,
        and comes from the reports asked about."""
        if not (self.evidence_keywords or self.year or self.documents):
            return ""
        return f"  FILTER EXISTS {{\n{evidence}{self.sentence_constraints(fact)}  }}\n"
