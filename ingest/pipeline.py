"""The extraction pipeline: named components run in order over one document.

Adding a recogniser or relation rule is one function plus one registry line (see
`places.PLACE_RECOGNISERS`, `names.NAME_RECOGNISERS`, `relations.RELATION_RULES`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from ingest import names
from ingest.context import DocContext
from ingest.counties import recognise_home_counties
from ingest.english import recognise_english_names
from ingest.gazetteer import Gazetteer
from ingest.home import find_home
from ingest.link import link
from ingest.model import Document, EntityRef, Extraction, Fact, Mention, Sentence
from ingest.normalise import Reading, normalise, read
from ingest.places import PLACE_RECOGNISERS
from ingest.regions import recognise_cities_abroad, recognise_regions_abroad
from ingest.relations import RELATION_RULES
from ingest.segment import split_sentences
from ingest.statistical import STATISTICAL_RECOGNISERS

Recogniser = Callable[[DocContext], None]


RelationRule = Callable[[DocContext, list[Mention]], Iterable[Fact]]


def recogniser_registry() -> dict[str, Recogniser]:
    """Every recogniser by name, in the order a pipeline runs them: places, regions abroad,
    English names, names, then the statistical ones, which fill what the others left."""
    chosen: dict[str, Recogniser] = dict(PLACE_RECOGNISERS)
    chosen["regions-abroad"] = recognise_regions_abroad
    chosen["cities-abroad"] = recognise_cities_abroad
    chosen["home-counties"] = recognise_home_counties
    chosen["english-names"] = recognise_english_names
    chosen.update(names.NAME_RECOGNISERS)
    for name, recognise in STATISTICAL_RECOGNISERS.items():
        chosen[f"statistical-{name}"] = recognise
    return chosen


def component_names() -> list[str]:
    """The recognisers' names, then the relation rules' as `relation:<name>`."""
    return [*recogniser_registry(), *(f"relation:{name}" for name in RELATION_RULES)]


@dataclass(frozen=True)
class Pipeline:
    """The components of `component_names()` in their order, less those `disabled` (by name:
    `statistical-lac` to extract without LAC, `relation:reported-by` …)."""

    gazetteer: Gazetteer
    home_city: str = ""
    disabled: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = self.disabled - set(component_names())
        if unknown:
            raise ValueError(
                f"no extraction component named {', '.join(sorted(unknown))}; "
                f"the components are {', '.join(component_names())}"
            )

    @property
    def recognisers(self) -> dict[str, Recogniser]:
        return {k: v for k, v in recogniser_registry().items() if k not in self.disabled}

    @property
    def relation_rules(self) -> list[RelationRule]:
        return [
            rule for name, rule in RELATION_RULES.items() if f"relation:{name}" not in self.disabled
        ]

    def extract(self, document: Document) -> Extraction:
        """Everything one report yields. Extraction reads the text as `ingest.normalise.read`
        gives it (Simplified, ASCII digits and letters, no pinyin readings); the sentences,
        mentions and facts returned point into the original text, as the report wrote it."""
        reading = read(document.text)
        view = replace(document, text=reading.text, title=normalise(document.title))
        sentences = split_sentences(document.doc_id, view.text)
        ctx = DocContext(
            document=view,
            sentences=sentences,
            gazetteer=self.gazetteer,
            home=find_home(sentences, view.title, self.gazetteer, self.home_city),
        )
        for recognise in self.recognisers.values():
            recognise(ctx)
        mentions = link(ctx, ctx.candidates)
        facts = [fact for rule in self.relation_rules for fact in rule(ctx, mentions)]
        entities: dict[str, EntityRef] = {}
        for mention in mentions:
            entities.setdefault(mention.entity.key, mention.entity)
        if view.text != document.text:
            sentences, mentions, facts = _in_original(
                document.text, reading, sentences, mentions, facts
            )
        return Extraction(
            document=document,
            sentences=tuple(sentences),
            mentions=tuple(mentions),
            facts=tuple(dict.fromkeys(facts)),
            entities=tuple(entities.values()),
            home=entities.get(ctx.home.ref.key, ctx.home.ref) if ctx.home.ref else None,
            home_note=ctx.home.how,
        )


def _in_original(
    text: str,
    reading: Reading,
    sentences: list[Sentence],
    mentions: list[Mention],
    facts: list[Fact],
) -> tuple[list[Sentence], list[Mention], list[Fact]]:
    """Sentences, mentions and facts with the original text's offsets and characters."""
    span = reading.original
    placed_sentences = []
    for s in sentences:
        start, end = span(s.start, s.end)
        placed_sentences.append(replace(s, start=start, end=end, text=text[start:end]))
    placed_mentions = []
    for m in mentions:
        start, end = span(m.start, m.end)
        placed_mentions.append(replace(m, start=start, end=end, surface=text[start:end]))
    placed_facts = []
    for f in facts:
        start, end = span(f.provenance.start, f.provenance.end)
        placed_facts.append(replace(f, provenance=replace(f.provenance, start=start, end=end)))
    return placed_sentences, placed_mentions, placed_facts
