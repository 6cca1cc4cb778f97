"""A query plan: what a question asks for, as slots; and its rendering to SPARQL.

SPARQL comes from fixed fragments; every value taken from a question is rendered through an
rdflib term (`.n3()`), so the text shown to the analyst is the query that ran, re-runnable as is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from graph.namespaces import SPARQL_PREFIXES, WSH

# OPTIONALs go last: Oxigraph plans an OPTIONAL followed by required patterns badly
SINCE = "  OPTIONAL { ?ms wsh:since ?since }\n"
_GOAL_FACT = (  # a fact tying ?e to an initiative ?i that serves ?goal. The direct triple and
    # its reified fact share their report's graph: looked up in it, the fact is one of that
    # report's few facts about ?e, not of all of them (hundreds for a busy partner at a million
    # triples; the evidence of 50 partners took 6x as long)
    "  GRAPH ?factGraph { ?e wsh:supportsGoal ?i . ?f rdf:subject ?e ; rdf:object ?i ;"
    " rdf:predicate wsh:supportsGoal ; prov:wasDerivedFrom ?s }\n"
    "  ?i wsh:servesGoal* ?goal .\n"
)
_MENTION = "  ?m wsh:mentionOf ?e ; wsh:inSentence ?s .\n"
_SENTENCE = "  ?s wsh:text ?sentence ; wsh:inDocument ?docIri . ?docIri dcterms:identifier ?doc .\n"
_LABELS = (
    '  OPTIONAL { ?e rdfs:label ?label FILTER(LANG(?label) = "zh") }\n'
    '  OPTIONAL { ?e rdfs:label ?label_en FILTER(LANG(?label_en) = "en") }\n'
)


def _values(var: str, terms: list[URIRef] | list[Literal]) -> str:
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
    page: int = 0  # supports_goal: at most this many partners of each basis; 0 = all
    notes: list[str] = field(default_factory=list)  # how the question was read

    def sparql(self) -> str:
        render = {
            "related": self._related,
            "supports_goal": self._supports_goal,
            "membership": self._membership,
            "country_of": self._country_of,
            "quantity": self._quantity,
            "describe": self._describe,
        }[self.intent]
        return SPARQL_PREFIXES + render()

    # -- fragments --------------------------------------------------------------------------

    def _answer(self) -> str:
        text = ""
        if self.types:
            text += _values("type", [WSH[t] for t in self.types])
        text += "  ?e a ?type . FILTER(STRSTARTS(STR(?type), STR(wsh:)))\n"
        for kw in self.label_keywords[:1]:
            text += _values("labelKw", [Literal(k) for k in self.label_keywords])
            text += (
                "  FILTER EXISTS { ?e rdfs:label|wsh:name|skos:altLabel ?name0 . "
                "FILTER(CONTAINS(STR(?name0), ?labelKw)) }\n"
            )
            del kw
        if self.countries:
            text += _values("cc", self.countries)
            text += "  { ?e wsh:country ?cc } UNION { FILTER(?e = ?cc) }\n"
        if self.home_country is not None:  # the reports' own city and country never answer
            home = self.home_country.n3()
            text += f"  FILTER(?e != {home})\n"
            if self.foreign:
                text += f"  FILTER NOT EXISTS {{ ?e wsh:country {home} }}\n"
        if self.home_city is not None:
            text += f"  FILTER(?e != {self.home_city.n3()})\n"
        return text

    def _labels(self, fact: str = "") -> str:
        """Evidence (required) first, optional labels last: Oxigraph plans an OPTIONAL that
        precedes required patterns badly (seconds instead of milliseconds)."""
        return (
            _SENTENCE
            + self._evidence_filter()
            + self._year_filter(fact)
            + (SINCE if self.goals else "")
            + _LABELS
        )

    def _evidence_filter(self) -> str:
        text = _values("docIri", self.documents) if self.documents else ""
        if not self.evidence_keywords:
            return text
        return text + (
            _values("evKw", [Literal(k) for k in self.evidence_keywords])
            + "  FILTER(CONTAINS(STR(?sentence), ?evKw))\n"
        )

    def _year_filter(self, fact: str = "") -> str:
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

    def _related(self) -> str:
        text = (
            "SELECT DISTINCT ?e ?type ?label ?label_en ?p ?x ?doc ?sentence ?start ?end ?factStatus"
            " WHERE {\n"
        )
        if self.anchors:
            # the anchor itself, or an event that involves it (中欧班列 -> its train launches);
            # VALUES sit inside each branch: a group does not see bindings from outside
            anchors = " ".join(a.n3() for a in self.anchors)
            text += (
                f"  {{ VALUES ?x {{ {anchors} }} }} UNION "
                f"{{ VALUES ?a {{ {anchors} }} ?x a wsh:Event ; wsh:involves ?a }}\n"
            )
        elif self.anchor_keywords:
            text += _values("kw", [Literal(k) for k in self.anchor_keywords])
            text += "  ?x a wsh:Event ; rdfs:label ?xName . FILTER(CONTAINS(STR(?xName), ?kw))\n"
        if self.predicates:
            text += _values("p", [WSH[p] for p in self.predicates])
        text += (
            "  ?f a wsh:Fact ; rdf:predicate ?p ; prov:wasDerivedFrom ?s ;"
            " wsh:start ?start ; wsh:end ?end .\n"
            "  { ?f rdf:subject ?e ; rdf:object ?x } UNION { ?f rdf:subject ?x ; rdf:object ?e }\n"
            "  FILTER(?e != ?x)\n"
        )
        text += self._answer()
        if self.anchors:
            text += "  FILTER(?e NOT IN (" + ", ".join(a.n3() for a in self.anchors) + "))\n"
        if self.status:
            text += f"  ?f wsh:status {Literal(self.status).n3()} .\n"
        elif self.new:  # made in the year asked: not only planned then
            text += '  FILTER NOT EXISTS { ?f wsh:status "planned" }\n'
        if self.goals:
            text += self._member_of()
        text += self._labels("f") + "  OPTIONAL { ?f wsh:status ?factStatus }\n"
        return text + "}\nORDER BY ?label ?doc ?start\n"

    def _member_of(self) -> str:
        text = _values("goal", self.goals)
        if self.roles:
            text += _values("role", [Literal(r) for r in self.roles])
        return text + self._member_country()

    def _member_country(self) -> str:
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
            "  { ?memberCountry wsh:membership ?ms . ?ms wsh:organisation ?goal ;"
            " wsh:role ?role .\n"
            f"    FILTER NOT EXISTS {{ ?ms wsh:until ?until }}{home} }}\n"
            "  { ?e wsh:country ?memberCountry } UNION\n"
            "  { ?memberCountry a wsh:Country BIND(?memberCountry AS ?e) }\n"
        )

    def _mention_evidence(self) -> str:
        return "  ?m wsh:mentionOf ?e ; wsh:inSentence ?s ; wsh:start ?start ; wsh:end ?end .\n"

    def _membership(self) -> str:
        text = (
            "SELECT DISTINCT ?e ?type ?label ?label_en ?memberCountry ?goal ?role ?since"
            " ?doc ?sentence ?start ?end WHERE {\n"
        )
        text += self._mention_evidence() + self._answer() + self._member_of()
        text += self._labels()
        return text + "}\nORDER BY ?label ?doc ?start\n"

    def _supports_goal(self) -> str:
        """Partners only; their evidence comes from `evidence_sparql` for the answers shown.
        Each branch carries its goal and the answer's constraints: the selective patterns come
        first in each, and Oxigraph then plans each branch from them (at a million triples this
        form takes ~0.1 s, while the answer constraints placed outside the union took seconds).
        The answerer lists a partner found on both bases as explicit only.

        With `page`, each branch is a sub-query that stops after `page` rows, and labels are
        looked up for those only: a goal's partners are thousands at a million triples, and
        listing them all costs ~8x a page (the same query without the LIMITs lists them all).
        A partner both explicit and inferred, beyond the explicit page, then shows among the
        inferred, with its membership as the why. (Excluding explicit partners from the
        inferred branch in the query tripled the page's time at a million triples.)"""
        explicit = (
            _values("goal", self.goals)
            + "  ?i wsh:servesGoal* ?goal . ?e wsh:supportsGoal ?i .\n"
            + self._answer()
            + self._evidence_exists(_GOAL_FACT, "f")
            + '  BIND("explicit" AS ?basis)\n'
        )
        inferred = (
            _values("goal", self.goals)
            + self._member_country()
            + "  FILTER EXISTS { ?e wsh:mentionedIn ?anyDoc }\n"
            + self._answer()
            + self._evidence_exists(_MENTION)
            + SINCE
            + '  BIND("inferred" AS ?basis)\n'
        )
        text = (
            "SELECT DISTINCT ?e ?type ?label ?label_en ?basis ?i ?memberCountry ?goal ?role"
            " ?since WHERE {\n"
        )
        if self.page:
            text += (
                f"  {{ SELECT DISTINCT ?e ?type ?basis ?i ?goal WHERE {{\n{explicit}"
                f"  }} LIMIT {self.page} }}\n  UNION\n"
                "  { SELECT DISTINCT ?e ?type ?basis ?memberCountry ?goal ?role ?since WHERE {\n"
                f"{inferred}  }} LIMIT {self.page} }}\n"
            )
        else:
            text += f"  {{\n{explicit}  }} UNION {{\n{inferred}  }}\n"
        text += _LABELS
        return text + "}\nORDER BY ?basis ?label\n"

    def evidence_sparql(self, explicit: list[URIRef], inferred: list[URIRef]) -> str:
        """Evidence of partners found by `supports_goal`: the sentence tying an explicit partner
        to the goal, and the sentences naming an inferred one."""
        branches = []
        if explicit:
            branches.append(
                _values("e", explicit)
                + _values("goal", self.goals)
                + _GOAL_FACT
                + "  ?f wsh:start ?start ; wsh:end ?end .\n"
                + self._sentence_constraints("f")
            )
        if inferred:
            branches.append(
                _values("e", inferred)
                + _MENTION
                + "  ?m wsh:start ?start ; wsh:end ?end .\n"
                + self._sentence_constraints()
            )
        return (
            SPARQL_PREFIXES
            + "SELECT DISTINCT ?e ?doc ?sentence ?start ?end WHERE {\n  {\n"
            + "  } UNION {\n".join(branches)
            + "  }\n}\nORDER BY ?e ?doc ?start\n"
        )

    def _sentence_constraints(self, fact: str = "") -> str:
        return _SENTENCE + self._evidence_filter() + self._year_filter(fact)

    def _evidence_exists(self, evidence: str, fact: str = "") -> str:
        """Keep an answer only when some evidence sentence has the question's keywords and year."""
        if not (self.evidence_keywords or self.year):
            return ""
        return f"  FILTER EXISTS {{\n{evidence}{self._sentence_constraints(fact)}  }}\n"

    def _country_of(self) -> str:
        text = "SELECT DISTINCT ?e ?type ?label ?label_en ?x ?doc ?sentence ?start ?end WHERE {\n"
        text += _values("x", self.anchors)
        text += "  ?x wsh:locatedIn|wsh:country ?e . ?e a ?type . FILTER(?type = wsh:Country)\n"
        text += "  ?m wsh:mentionOf ?x ; wsh:inSentence ?s ; wsh:start ?start ; wsh:end ?end .\n"
        text += self._labels()
        return text + "}\nORDER BY ?label\n"

    def _quantity(self) -> str:
        text = "SELECT DISTINCT ?value ?noun ?x ?doc ?sentence ?start ?end WHERE {\n"
        if self.anchors:
            text += _values("x", self.anchors)
        if self.nouns:
            text += _values("noun", [Literal(n) for n in self.nouns])
        text += (
            "  ?x wsh:quantity ?q . ?q rdf:value ?value ; wsh:noun ?noun ;"
            " prov:wasDerivedFrom ?s ; wsh:start ?start ; wsh:end ?end .\n"
        )
        text += self._sentence_constraints("q")
        return text + "}\nORDER BY DESC(?value)\n"

    def _describe(self) -> str:
        text = "SELECT DISTINCT ?e ?type ?label ?label_en ?doc ?sentence ?start ?end WHERE {\n"
        text += _values("e", self.anchors)
        text += "  ?e a ?type . FILTER(STRSTARTS(STR(?type), STR(wsh:)))\n"
        text += self._mention_evidence() + self._labels()
        return text + "}\nORDER BY ?doc ?start\n"
