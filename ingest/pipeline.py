"""The extraction pipeline: named components run in order over one document.

Adding a recogniser or relation rule is one function plus one registry line (see
`places.PLACE_RECOGNISERS`, `names.NAME_RECOGNISERS`, `relations.RELATION_RULES`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ingest import names
from ingest.context import DocContext
from ingest.gazetteer import Gazetteer
from ingest.home import find_home
from ingest.link import link
from ingest.model import Document, EntityRef, Extraction
from ingest.normalise import normalise
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
        """Everything one report yields. Extraction reads the normalised text (Simplified,
        ASCII digits and letters), which has the original's length: the sentences and mention
        surfaces returned are the original's, at the same offsets."""
        read = replace(document, text=normalise(document.text), title=normalise(document.title))
        sentences = split_sentences(document.doc_id, read.text)
        ctx = DocContext(
            document=read,
            sentences=sentences,
            gazetteer=self.gazetteer,
            home=find_home(sentences, read.title, self.gazetteer, self.home_city),
        )
        for recognise in self.recognisers.values():
            recognise(ctx)
        mentions = link(ctx, ctx.candidates)
        facts = [fact for rule in RELATION_RULES.values() for fact in rule(ctx, mentions)]
        entities: dict[str, EntityRef] = {}
        for mention in mentions:
            entities.setdefault(mention.entity.key, mention.entity)
        original = document.text
        if read.text != original:
            sentences = [replace(s, text=original[s.start : s.end]) for s in sentences]
            mentions = [replace(m, surface=original[m.start : m.end]) for m in mentions]
        return Extraction(
            document=document,
            sentences=tuple(sentences),
            mentions=tuple(mentions),
            facts=tuple(dict.fromkeys(facts)),
            entities=tuple(entities.values()),
        )
