"""A synthetic Waishi graph of any size, written as N-Quads: reports built by the real graph builder
from made-up extractions over the real reference data (countries, cities, SCO/RCEP memberships).

Shapes come from the code that builds the real graph, not from a copy of it: each synthetic report
is an `ingest.model.Extraction` (sentences with offsets, mentions, facts with provenance and
qualifiers) turned into its named graph by `graph.build.document_triples`, and the entities it
names described once in the entities graph by `graph.reference.entity_descriptions`; the reference
graph is `graph.reference.reference_graph` over `data/reference`; the ontology is
`graph/ontology.ttl`; the derived graph holds the preferred labels and `servesGoal` links that
`derived_graph` computes. Per report the mix follows the seeds (~50 sentences; ~3 mentions and ~2
facts per sentence, the seeds have 3.2 and 1.8; event, sister-city, cooperation, goal-support,
diplomatic and quantity sentences; ~3,700 quads). Popular partners recur across reports (Zipf
weights), so a partner is mentioned in many report graphs, as in the real graph; events are mostly
report-specific. Deterministic for a seed: the same arguments write the same bytes.

Run: .venv/bin/python benchmarks/scale/generate.py --triples 100k --out /tmp/waishi-100k.nq
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO, TypeVar

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from graph.build import document_entities, document_triples, entity_iri  # noqa: E402
from graph.namespaces import DERIVED_GRAPH, ENTITIES_GRAPH, ONTOLOGY_GRAPH, WSH  # noqa: E402
from graph.reference import entity_descriptions, reference_graph  # noqa: E402
from graph.validate import ONTOLOGY  # noqa: E402
from ingest.gazetteer import Gazetteer, load_gazetteer  # noqa: E402
from ingest.model import Document, EntityRef, Extraction, Fact, Mention, Provenance, Sentence  # noqa: E402

T = TypeVar("T")
REFERENCE_DIR = ROOT / "data" / "reference"
HOME_CITIES = ("city/1797929", "city/1787093", "city/1791673", "city/1805753", "city/1799397")
GOALS = {  # goal initiative key -> (short zh name used in local initiative names)
    "initiative/shanghai-cooperation-organisation": "上合",
    "initiative/regional-comprehensive-economic-partnership": "RCEP",
    "initiative/belt-and-road-initiative": "一带一路",
    "initiative/pilot-free-trade-zone": "自贸区",
    "initiative/asia-pacific-economic-cooperation": "亚太经合",
}
TOPICS = ("经贸", "人文", "友城", "教育", "科技", "港口", "物流", "文旅", "青年", "医疗", "海洋")
ENTERPRISE_SUFFIXES = ("集团", "有限公司", "股份有限公司", "控股集团", "贸易公司")
ORG_SUFFIXES = ("商会", "协会", "研究院", "大学", "基金会", "友好协会")
EVENT_SUFFIXES = ("推介会", "论坛", "博览会", "对话会", "交流周", "合作大会")
INITIATIVE_SUFFIXES = ("合作中心", "示范基地", "服务平台", "创新试验区", "合作园")
SECTIONS = ("一、服务总体外交", "二、深化国际友城合作", "三、服务开放型经济", "四、加强人文交流")
TARGET_PER_REPORT = 3_500  # sizes the entity pools: reports expected for a target size


@dataclass
class Stats:
    triples: int = 0
    reports: int = 0
    sentences: int = 0
    mentions: int = 0
    facts: int = 0
    entities: Counter[str] = field(default_factory=Counter)


@dataclass
class _Draft:
    """One sentence being written: its text, mentions (offsets into it) and facts."""

    text: str = ""
    mentions: list[tuple[int, int, EntityRef, str, float]] = field(default_factory=list)
    facts: list[tuple[str, str, str, tuple[tuple[str, str], ...], str, float, bool]] = field(
        default_factory=list
    )

    def say(self, text: str) -> None:
        self.text += text

    def name(self, ref: EntityRef, rule: str, surface: str = "", confidence: float = 0.9) -> str:
        surface = surface or ref.label_zh
        self.mentions.append((len(self.text), len(self.text) + len(surface), ref, rule, confidence))
        self.text += surface
        return ref.key

    def fact(
        self,
        s: str,
        p: str,
        o: str,
        rule: str,
        conf: float = 0.8,
        literal: bool = False,
        **qualifiers: str,
    ) -> None:
        self.facts.append((s, p, o, tuple(sorted(qualifiers.items())), rule, conf, literal))


class World:
    """The entities synthetic reports talk about: real reference entities plus made-up
    enterprises, organisations, events and local initiatives, sized for `reports` reports."""

    def __init__(self, gaz: Gazetteer, rng: random.Random, reports: int) -> None:
        self.rng = rng
        self._weights: dict[int, list[float]] = {}
        refs = {ref.key: ref for found in gaz.names.values() for ref in found}
        self.countries = [c.ref for c in sorted(gaz.countries.values(), key=lambda c: c.ref.key)]
        self.by_iso = {c.country: c for c in self.countries}
        self.home_cities = [refs[k] for k in HOME_CITIES if k in refs]
        self.goals = [refs[k] for k in GOALS if k in refs]
        cities = sorted(
            (r for r in refs.values() if r.type == "City" and r.label_zh and r.country != "CN"),
            key=lambda r: r.key,
        )
        rng.shuffle(cities)
        self.cities = cities[: 300 + 40 * reports]
        self.domestic = sorted(
            (r for r in refs.values() if r.type == "City" and r.country == "CN"),
            key=lambda r: r.key,
        )
        self.enterprises = [
            self._made("Enterprise", ENTERPRISE_SUFFIXES, "enterprise-suffix")
            for _ in range(60 + 12 * reports)
        ]
        self.organizations = [
            self._made("Organization", ORG_SUFFIXES, "org-suffix") for _ in range(60 + 12 * reports)
        ]
        self.initiatives: list[tuple[EntityRef, EntityRef]] = []  # (local, the goal it serves)
        for k in range(20 + 3 * reports):
            goal = self.goals[k % len(self.goals)]
            home = rng.choice(self.home_cities)
            topic, suffix = rng.choice(TOPICS), rng.choice(INITIATIVE_SUFFIXES)
            name = f"{GOALS[goal.key]}{home.label_zh}{topic}{suffix}"
            ref = EntityRef(f"initiative/{name}{k}", "Initiative", name, source="initiative-suffix")
            self.initiatives.append((ref, goal))

    def _made(self, kind: str, suffixes: tuple[str, ...], rule: str) -> EntityRef:
        rng = self.rng
        domestic = rng.random() < 0.35
        place = rng.choice(self.domestic if domestic else self.cities)
        name = f"{place.label_zh}{rng.choice(TOPICS)}{rng.choice(suffixes)}"
        key = f"{kind.lower()}/{name}{rng.randrange(10**6)}"
        return EntityRef(key, kind, name, country=place.country, source=rule)

    def pick(self, pool: list[T]) -> T:
        # Zipf (s = 0.8) over the pool's order: a few partners recur in many reports, most
        # appear in one or two
        weights = self._weights.get(len(pool))
        if weights is None:
            weights = list(itertools.accumulate((r + 1) ** -0.8 for r in range(len(pool))))
            self._weights[len(pool)] = weights
        return self.rng.choices(pool, cum_weights=weights)[0]


def _sentence(world: World, home: EntityRef, year: int, kind: str) -> _Draft:
    rng, d = world.rng, _Draft()
    if kind == "sister":
        city = world.pick(world.cities)
        country = world.by_iso[city.country]
        since = str(rng.randint(year - 3, year))
        d.say(f"{since}年，")
        h = d.name(home, "home", confidence=1.0)
        d.say("与")
        c = d.name(country, "gazetteer")
        t = d.name(city, "country-city")
        d.say("正式缔结友好城市关系，双方将在经贸、人文等领域深化务实合作。")
        d.fact(
            h,
            "sisterCityOf",
            t,
            "sister-city-trigger",
            0.9,
            year=since,
            status=rng.choice(("formal", "formal", "planned")),
        )
        d.fact(t, "locatedIn", c, "country-city", 0.95)
    elif kind == "event":
        event = EntityRef(
            f"event/{year}{home.label_zh}{rng.randrange(10**7)}",
            "Event",
            f"{year}{home.label_zh}-{world.pick(world.countries).label_zh}"
            f"{rng.choice(TOPICS)}{rng.choice(EVENT_SUFFIXES)}",
            source="event-suffix",
        )
        members = [
            world.pick(world.enterprises),
            world.pick(world.organizations),
            world.pick(world.cities),
        ]
        for k, member in enumerate(members):
            d.say("、" if k else "")
            d.name(member, member.source if member.type != "City" else "gazetteer", confidence=0.8)
        d.say("等参加")
        e = d.name(event, "event-suffix", confidence=0.8)
        d.say("，活动在")
        venue = d.name(home, "home", confidence=1.0)
        d.say("举办。")
        for member in members:
            d.fact(member.key, "participatedIn", e, "participation-trigger", 0.75)
        d.fact(e, "heldIn", venue, "held-in-trigger", 0.7)
        d.fact(e, "involves", members[2].key, "event-name", 0.7)
    elif kind == "goal":
        local, goal = world.pick(world.initiatives)
        d.say("服务")
        d.name(goal, "gazetteer", surface=GOALS[goal.key] if rng.random() < 0.5 else "")
        d.say("方面，")
        partner = world.pick(rng.choice((world.enterprises, world.organizations, world.cities)))
        p = d.name(partner, partner.source if partner.type != "City" else "gazetteer")
        d.say("积极参与")
        i = d.name(local, "initiative-suffix", confidence=0.8)
        d.say("建设，推动项目落地见效。")
        d.fact(p, "supportsGoal", i, "section-context", 0.7, basis="section")
    elif kind == "cooperation":
        ours = world.pick(world.enterprises)
        theirs = world.pick(world.organizations)
        h = d.name(home, "home", confidence=1.0)
        o = d.name(ours, "enterprise-suffix", confidence=0.8)
        d.say("与")
        t = d.name(theirs, "org-suffix", confidence=0.8)
        d.say("签署合作备忘录，共建联合实验室。")
        d.fact(o, "cooperatesWith", t, "cooperation-trigger", 0.75)
        d.fact(h, "signedAgreementWith", t, "agreement-trigger", 0.7, agreement="合作备忘录")
    elif kind == "diplomacy":
        a, b = world.by_iso.get("CN", world.countries[0]), world.pick(world.countries)
        x = d.name(a, "gazetteer", surface="中国")
        d.say("与")
        y = d.name(b, "gazetteer")
        d.say(f"建交{rng.randint(10, 60)}周年之际，举办系列庆祝活动。")
        d.fact(x, "diplomaticRelationsWith", y, "same-clause", 0.8)
    else:  # quantity
        h = d.name(home, "home", confidence=1.0)
        n = rng.randint(5, 400)
        d.say(f"全年共接待来访外宾{n}批次，")
        d.fact(h, "quantity", str(n), "quantity", 0.9, True, noun="外宾", unit="批次")
        d.name(world.pick(world.cities), "gazetteer")
        d.say("等地代表团来访。")
    return d


_KINDS = ("event", "event", "sister", "goal", "goal", "cooperation", "diplomacy", "quantity")


def _report(world: World, number: int) -> Extraction:
    rng = world.rng
    home = world.home_cities[0] if rng.random() < 0.5 else rng.choice(world.home_cities)
    year = rng.randint(2015, 2024)
    doc_id = f"synthetic-{number:05d}-{year}"
    sentences: list[Sentence] = []
    mentions: list[Mention] = []
    facts: list[Fact] = []
    offset = 0
    for index in range(rng.randint(40, 60)):
        draft = _sentence(world, home, year, rng.choice(_KINDS))
        section = (SECTIONS[index * len(SECTIONS) // 60],)
        sentences.append(
            Sentence(doc_id, index, offset, offset + len(draft.text), draft.text, section)
        )
        for start, end, ref, rule, confidence in draft.mentions:
            mentions.append(
                Mention(
                    draft.text[start:end],
                    offset + start,
                    offset + end,
                    index,
                    ref,
                    rule,
                    confidence,
                )
            )
        for s, p, o, qualifiers, rule, confidence, literal in draft.facts:
            provenance = Provenance(
                doc_id, index, offset, offset + len(draft.text), rule, confidence
            )
            facts.append(Fact(s, p, o, provenance, literal, qualifiers))
        offset += len(draft.text) + 1
    text = "\n".join(s.text for s in sentences)
    document = Document(
        doc_id,
        f"{home.label_zh}外办{year}年工作报告（第{number}号）",
        text,
        f"synthetic/{doc_id}.txt",
        hashlib.sha256(text.encode()).hexdigest(),
        year,
        "txt",
    )
    entities = tuple({m.entity.key: m.entity for m in mentions}.values())
    return Extraction(document, tuple(sentences), tuple(mentions), tuple(facts), entities)


def _term(node: object) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, BNode):
        return f"_:{node}"
    assert isinstance(node, Literal)
    text = str(node).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    text = text.replace("\r", "\\r")
    if node.language:
        return f'"{text}"@{node.language}'
    if node.datatype:
        return f'"{text}"^^<{node.datatype}>'
    return f'"{text}"'


def _quads(graph: Graph, name: URIRef) -> list[str]:
    return sorted(f"{_term(s)} {_term(p)} {_term(o)} <{name}> .\n" for s, p, o in graph)


def _stable_blank_nodes(graph: Graph) -> Graph:
    """Membership nodes get labels from their content, so the output is byte-for-byte stable."""
    labels: dict[BNode, BNode] = {}
    for node in sorted({s for s in graph.subjects() if isinstance(s, BNode)}):
        facts = sorted(f"{p} {o}" for p, o in graph.predicate_objects(node))
        owner = sorted(str(s) for s in graph.subjects(None, node))
        digest = hashlib.sha1("|".join(owner + facts).encode()).hexdigest()[:16]
        labels[node] = BNode(f"ms{digest}")
    stable = Graph(identifier=graph.identifier)
    for s, p, o in graph:
        stable.add((labels.get(s, s), p, labels.get(o, o)))  # type: ignore[arg-type]
    return stable


def generate(target: int, seed: int = 7, stats: Stats | None = None) -> Iterator[str]:
    """N-Quads lines until at least `target` distinct quads have been written."""
    stats = stats if stats is not None else Stats()
    rng = random.Random(seed)
    gaz = load_gazetteer(REFERENCE_DIR)
    world = World(gaz, rng, max(2, target // TARGET_PER_REPORT))
    reference = reference_graph(gaz)
    fixed = [
        _quads(Graph().parse(ONTOLOGY), ONTOLOGY_GRAPH),
        _quads(_stable_blank_nodes(reference), URIRef(str(reference.identifier))),
    ]
    for lines in fixed:
        stats.triples += len(lines)
        yield from lines
    known = set(reference)
    entities = Graph(identifier=ENTITIES_GRAPH)
    names: dict[URIRef, set[str]] = {}
    serves: set[tuple[URIRef, URIRef]] = set()
    local_goal = {local.key: goal.key for local, goal in world.initiatives}
    while stats.triples < target:
        extraction = _report(world, stats.reports + 1)
        graph = document_triples(extraction)
        entities += entity_descriptions(document_entities(extraction), known)
        lines = _quads(graph, URIRef(str(graph.identifier)))
        stats.triples += len(lines)
        stats.reports += 1
        stats.sentences += len(extraction.sentences)
        stats.mentions += len(extraction.mentions)
        stats.facts += len(extraction.facts)
        yield from lines
        for ref in extraction.entities:
            if not ref.source.startswith("reference"):
                names.setdefault(entity_iri(ref.key), set()).add(ref.label_zh)
            if ref.key in local_goal:
                serves.add((entity_iri(ref.key), entity_iri(local_goal[ref.key])))
    lines = _quads(entities, ENTITIES_GRAPH)
    stats.triples += len(lines)
    yield from lines
    derived = Graph(identifier=DERIVED_GRAPH)
    for iri, options in names.items():
        derived.add((iri, RDFS.label, Literal(max(options, key=len), lang="zh")))
    for local, goal in serves:
        derived.add((local, WSH.servesGoal, goal))
    lines = _quads(derived, DERIVED_GRAPH)
    stats.triples += len(lines)
    yield from lines


def _count_entities(lines: Iterable[str], stats: Stats, seen: set[tuple[str, str]]) -> None:
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    for line in lines:
        s, p, o, _ = line.split(" ", 3)
        if p == rdf_type and o.startswith(f"<{WSH}") and (s, o) not in seen:
            seen.add((s, o))
            stats.entities[o.removeprefix(f"<{WSH}").rstrip(">")] += 1


def write(path: Path, target: int, seed: int = 7) -> Stats:
    """Write the graph to `path` (atomically) and say what is in it."""
    stats = Stats()
    tmp = path.with_name(path.name + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tmp.open("w", encoding="utf-8") as out:
        _write_lines(out, generate(target, seed, stats), stats)
    tmp.replace(path)
    return stats


def _write_lines(out: TextIO, lines: Iterator[str], stats: Stats) -> None:
    batch: list[str] = []
    seen: set[tuple[str, str]] = set()
    for line in lines:
        batch.append(line)
        if len(batch) >= 50_000:
            _count_entities(batch, stats, seen)
            out.writelines(batch)
            batch.clear()
    _count_entities(batch, stats, seen)
    out.writelines(batch)


def parse_size(text: str) -> int:
    """100k -> 100000, 1M -> 1000000, 2500 -> 2500."""
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", default="100k", help="target size, e.g. 100k or 1M")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    started = time.perf_counter()
    stats = write(args.out, parse_size(args.triples), args.seed)
    print(
        f"{args.out}: {stats.triples:,} quads, {stats.reports} reports, {stats.sentences:,} "
        f"sentences, {stats.mentions:,} mentions, {stats.facts:,} facts "
        f"in {time.perf_counter() - started:.1f} s"
    )
    print("distinct typed nodes:", dict(sorted(stats.entities.items())))


if __name__ == "__main__":
    main()
