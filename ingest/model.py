"""The values that flow from ingest into the graph: documents, sentences, mentions, facts.

All frozen; offsets are character offsets into `Document.text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENTITY_TYPES = ("Country", "City", "Region", "Enterprise", "Organization", "Event", "Initiative")
PLACE_TYPES = frozenset({"Country", "City", "Region"})


@dataclass(frozen=True)
class Document:
    doc_id: str
    title: str
    text: str
    source_path: str
    sha256: str
    year: int | None
    fmt: str


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    index: int
    start: int
    end: int
    text: str
    section: tuple[str, ...] = ()  # headings above this sentence, outermost first
    context: str = ""  # a "服务X方面" style lead-in that governs the sentences after it


@dataclass(frozen=True)
class EntityRef:
    """What a mention resolves to: a canonical key such as `country/KR` plus its description."""

    key: str
    type: str
    label_zh: str
    label_en: str = ""
    country: str = ""  # ISO 3166-1 alpha-2 of the entity's country, when known
    aliases: tuple[str, ...] = ()
    ids: tuple[tuple[str, str], ...] = ()  # (scheme, value): iso2, geonames, wikidata, lat, lon
    source: str = ""  # reference source for entities from reference data; rule otherwise


@dataclass(frozen=True)
class Mention:
    surface: str
    start: int
    end: int
    sentence: int
    entity: EntityRef
    rule: str
    confidence: float


@dataclass(frozen=True)
class Provenance:
    doc_id: str
    sentence: int
    start: int
    end: int
    rule: str
    confidence: float


@dataclass(frozen=True)
class Fact:
    """A relation between two entities (or an entity and a value) found in a sentence."""

    subject: str  # entity key
    predicate: str  # local name in the ontology, e.g. "sisterCityOf"
    object: str  # entity key, or a literal value when `literal` is true
    provenance: Provenance
    literal: bool = False
    qualifiers: tuple[tuple[str, str], ...] = ()  # e.g. (("year", "2022"), ("status", "planned"))


@dataclass(frozen=True)
class Extraction:
    """Everything one document yields."""

    document: Document
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    facts: tuple[Fact, ...]
    entities: tuple[EntityRef, ...] = field(default=())
    home: EntityRef | None = None  # the place the report speaks for (我市, 市外办)
    home_note: str = ""  # how the report says which place that is, or why it could not be told
