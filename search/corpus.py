"""What search indexes: evidence sentences and entity cards, read from the graph.

An entity card is one bilingual line (labels, type, country, aliases, key relations), so an
English question can meet a Chinese fact.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from rdflib import Dataset

from graph.namespaces import SPARQL_PREFIXES
from graph.queries import select

SENTENCES = (
    SPARQL_PREFIXES
    + """
SELECT ?s ?text ?doc ?start ?end WHERE {
  ?s a wsh:Sentence ; wsh:text ?text ; wsh:start ?start ; wsh:end ?end ;
     wsh:inDocument/dcterms:identifier ?doc .
} ORDER BY ?doc ?start"""
)

CARDS = (
    SPARQL_PREFIXES
    + """
SELECT ?e ?typeZh ?typeEn
       (GROUP_CONCAT(DISTINCT ?name; separator=" / ") AS ?names)
       (GROUP_CONCAT(DISTINCT ?countryName; separator=" / ") AS ?countries)
       (GROUP_CONCAT(DISTINCT ?rel; separator="; ") AS ?relations)
WHERE {
  # each entity once: joined with every mention, the rows grew with mentions × names ×
  # relations (superlinear in a report's size; the same rows, 10× faster at 1 MB)
  { SELECT DISTINCT ?e WHERE { ?m wsh:mentionOf ?e } }
  ?e a ?type . ?type rdfs:label ?typeZh , ?typeEn .
  FILTER(LANG(?typeZh) = "zh" && LANG(?typeEn) = "en")
  { ?e rdfs:label|wsh:name|skos:altLabel ?name }
  OPTIONAL { ?e wsh:country/rdfs:label ?countryName }
  OPTIONAL {
    ?e ?p ?o . ?p rdfs:label ?pl . FILTER(LANG(?pl) = "en")
    ?o rdfs:label ?ol .
    BIND(CONCAT(?pl, " ", STR(?ol)) AS ?rel)
  }
} GROUP BY ?e ?typeZh ?typeEn"""
)


@dataclass(frozen=True)
class SearchItem:
    item_id: str  # the sentence's or entity's IRI
    kind: str  # "sentence" | "entity"
    text: str
    doc: str = ""
    start: int = -1
    end: int = -1
    parent: str = ""  # for a clause: the IRI of its sentence

    @property
    def digest(self) -> str:
        return hashlib.sha1(f"{self.kind}|{self.item_id}|{self.text}".encode()).hexdigest()


_CLAUSE_END = re.compile(r"[；;]")


def clause_items(iri: str, text: str, doc: str, start: int) -> list[SearchItem]:
    """A sentence as its clauses (split at semicolons): pooled word vectors drift towards
    generic words over a long sentence, and a clause keeps one topic."""
    items = []
    offset = 0
    for k, part in enumerate([*_CLAUSE_END.split(text)]):
        stripped = part.strip()
        if stripped:
            lead = offset + part.index(stripped)
            items.append(SearchItem(f"{iri}#c{k}", "sentence", stripped, doc, start + lead,
                                    start + lead + len(stripped), parent=iri))
        offset += len(part) + 1
    return items


def collect_items(dataset: Dataset) -> list[SearchItem]:
    items = [
        item
        for s, text, doc, start, end in select(dataset, SENTENCES)
        for item in clause_items(str(s), str(text), str(doc), int(start))
    ]
    for e, type_zh, type_en, names, countries, relations in select(dataset, CARDS):
        parts = [str(names), f"{type_zh} {type_en}"]
        if countries:
            parts.append(str(countries))
        if relations:
            parts.append(str(relations)[:400])
        items.append(SearchItem(str(e), "entity", " | ".join(parts)))
    return items
