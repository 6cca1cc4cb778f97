"""The extraction pipeline: named components run in order over one document.

Adding a recogniser or relation rule is one function plus one registry line (see
`places.PLACE_RECOGNISERS`, `names.NAME_RECOGNISERS`, `relations.RELATION_RULES`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ingest import names
from ingest.context import DocContext, infer_home_city
from ingest.gazetteer import Gazetteer
from ingest.link import link
from ingest.model import Document, EntityRef, Extraction
from ingest.places import PLACE_RECOGNISERS
from ingest.relations import RELATION_RULES
from ingest.segment import split_sentences
from ingest.statistical import STATISTICAL_RECOGNISERS

Recogniser = Callable[[DocContext], None]


@dataclass(frozen=True)
class Pipeline:
    gazetteer: Gazetteer
    home_city: str = ""
    statistical: str = "jieba"  # "jieba", "lac" or "none"

    @property
    def recognisers(self) -> dict[str, Recogniser]:
        chosen: dict[str, Recogniser] = dict(PLACE_RECOGNISERS)
        chosen.update(names.NAME_RECOGNISERS)
        if self.statistical in STATISTICAL_RECOGNISERS:
            chosen["statistical"] = STATISTICAL_RECOGNISERS[self.statistical]
        return chosen

    def extract(self, document: Document) -> Extraction:
        sentences = split_sentences(document.doc_id, document.text)
        ctx = DocContext(
            document=document,
            sentences=sentences,
            gazetteer=self.gazetteer,
            home_city=infer_home_city(sentences, self.gazetteer, self.home_city),
        )
        for recognise in self.recognisers.values():
            recognise(ctx)
        mentions = link(ctx, ctx.candidates)
        facts = [fact for rule in RELATION_RULES.values() for fact in rule(ctx, mentions)]
        entities: dict[str, EntityRef] = {}
        for mention in mentions:
            entities.setdefault(mention.entity.key, mention.entity)
        return Extraction(
            document=document,
            sentences=tuple(sentences),
            mentions=tuple(mentions),
            facts=tuple(dict.fromkeys(facts)),
            entities=tuple(entities.values()),
        )
