"""Pictures of the graph: the vis-network page, cards, evidence marks and the world map,
on small hand-made graphs (fast) and on the graph built from the seed reports (slow).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph import views, visual, worldmap

CITY = "https://w3id.org/waishi/id/city/"
BISHKEK, PERM, MANNHEIM = CITY + "1528675", CITY + "511196", CITY + "2873891"
ASSET_URL = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""", re.IGNORECASE
)
ANY_URL = re.compile(r"""https?://[^\s"'<>\\)]+""")


def star(n: int = 50) -> nx.MultiDiGraph:
    """A home city tied to n partner cities and one event per partner."""
    graph = nx.MultiDiGraph()
    graph.add_node("home", type="City", label="青岛", label_en="Qingdao", country="CN")
    for k in range(n):
        graph.add_node(f"c{k}", type="City", label=f"城{k}", label_en=f"C{k}", country="KG")
        graph.add_node(f"e{k}", type="Event", label=f"会{k}", label_en="", country="")
        graph.add_edge("home", f"c{k}", key="sisterCityOf", relation="sisterCityOf")
        graph.add_edge(f"c{k}", f"e{k}", key="participatedIn", relation="participatedIn")
    graph.add_node("lonely", type="Enterprise", label="孤", label_en="", country="")
    return graph


def outside_assets(page: str) -> list[str]:
    return ASSET_URL.findall(page)


# -- fast: pure functions ---------------------------------------------------------------------


@pytest.mark.parametrize(("label", "goals"), [
    ("中国—上海合作组织地方经贸合作示范区", {"SCO"}),
    ("Shanghai Cooperation Organisation", {"SCO"}),
    ("RCEP青岛经贸合作先行创新试验基地", {"RCEP"}),
    ("Belt and Road Initiative", {"BRI"}),
    ("山东自贸区青岛片区", {"FTZ"}),
    ("中德合作示范城", {"DE"}),
    ("Disco night", set()),  # an acronym counts only as a word
    ("拉美桥", set()),
])
def test_goal_keys(label: str, goals: set[str]) -> None:
    assert visual.goal_keys(label) == goals


def test_marked_sentence_escapes_and_marks_the_span() -> None:
    assert views.marked_sentence("与<比什凯克>结好", 2, 6) == "与&lt;<mark>比什凯克</mark>&gt;结好"
    assert "<mark>" not in views.marked_sentence("短句", 1, 9)  # a span outside: no mark


def test_evidence_spans_in_document_offsets_are_placed_through_sentence_starts() -> None:
    evidence = [{"doc": "r", "sentence": "今年与比什凯克结好。", "start": 103, "end": 107}]
    page = views.evidence_html(evidence, {("r", "今年与比什凯克结好。"): 100})
    assert '<mark class="answer">比什凯克</mark>' in page and "[r]" in page
    guessed = views.evidence_html(evidence, {}, fallback_terms=["比什凯克"])
    assert '<mark class="answer">比什凯克</mark>' in guessed
    both = views.evidence_html([{**evidence[0], "spans": [(0, 2), (3, 7)], "read": "r|4|x"}])
    assert both.count("<mark") == 2 and 'data-read="r|4|x"' in both


def test_first_view_is_connected_bounded_and_puts_events_last() -> None:
    graph = star(50)
    view = visual.first_view(graph, "home", limit=30)
    assert len(view) == 30 and "home" in view and "lonely" not in view
    assert nx.is_connected(graph.subgraph(view).to_undirected())
    assert all(graph.nodes[n]["type"] == "City" for n in view)  # 50 cities come before events
    assert visual.first_view(nx.MultiDiGraph()) == set()


def test_neighbourhood_and_type_filter_keep_the_selection() -> None:
    graph = star(3)
    assert visual.neighbourhood(graph, "c1") == {"c1", "home", "e1"}
    shown = visual.visible_nodes(graph, {"c1", "home", "e1"}, ["City"], keep=["e1"])
    assert shown == {"c1", "home", "e1"}
    assert visual.visible_nodes(graph, {"c1", "e1"}, ["Event"]) == {"e1"}


def test_network_data_styles_by_type_and_marks_the_path() -> None:
    graph = star(3)
    data = visual.network_data(graph, {"home", "c0", "e0", "c1"}, home="home",
                               path=["home", "c0", "e0"])
    by_id = {n["id"]: n for n in data["nodes"]}
    assert by_id["home"]["label"] == "青岛\nQingdao" and by_id["home"]["size"] == 30
    assert by_id["c0"]["shape"] == "dot" and by_id["c0"]["borderWidth"] == 5
    red = [(e["from"], e["to"]) for e in data["edges"] if e.get("width") == 4]
    assert sorted(red) == [("c0", "e0"), ("home", "c0")]
    assert {e["label"] for e in data["edges"]} == {"友好城市", "参加"}  # the ontology's labels


def test_long_titles_are_cut_on_the_picture_and_whole_in_the_tooltip() -> None:
    graph = star(1)
    title = "2021上海合作组织国际投资贸易博览会暨地方经贸合作青岛论坛"
    graph.add_node("ev", type="Event", label=title,
                   label_en="2021 Shanghai Cooperation Organisation International Investment "
                            "Trade Expo", country="")
    node = visual.network_data(graph, {"ev"})["nodes"][0]
    zh, en = node["label"].split("\n")
    assert len(zh) == 12 and zh.endswith("…") and len(en) <= 26 and en.endswith("…")
    assert node["title"].startswith(f"{title} · 2021 Shanghai")
    assert visual.short_label(graph.nodes["home"]) == "青岛\nQingdao"


def test_a_view_update_carries_its_sequence_and_selection() -> None:
    graph = star(2)
    update = visual.view_update(graph, {"home", "c0"}, selected="c0", seq=7)
    assert update["seq"] == 7 and update["selected"] == "c0"
    assert {n["id"] for n in update["nodes"]} == {"home", "c0"} and update["edges"]
    assert visual.view_update(graph, {"home"}, selected="gone")["selected"] is None
    page = visual.graph_html(graph, {"home", "c0"}, seq=3)
    assert '"seq": 3' in page and 'message.waishi === "update"' in page and "doubleClick" in page


def test_iframe_round_trips_the_page_and_hides_template_characters() -> None:
    page = '<script>const a = {x: `${1}`}; if (a < b && c) {}</script><p title="q">"</p>'
    frame = visual.iframe(page)
    srcdoc = re.search(r'srcdoc="([^"]*)"', frame)
    assert srcdoc is not None
    assert not re.search(r"[{}$<>]", srcdoc.group(1))
    assert html.unescape(srcdoc.group(1)) == page


def test_an_empty_view_says_so_and_still_inlines_vis() -> None:
    page = visual.graph_html(star(1), [])
    assert "nothing to show" in page and "vis.Network" in page
    assert not outside_assets(page) and "<link" not in page and "<script src" not in page


# -- slow: the graph built from the seed reports ------------------------------------------------


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from waishi.settings import Settings
    from waishi.workspace import Workspace

    ws = Workspace(Settings.load(data_dir=tmp_path_factory.mktemp("visual-store")))
    ws.ensure_corpus()
    try:
        yield {"ws": ws, "graph": ws.network(), "links": views.goal_links(ws.dataset),
               "home": ws.pipeline_home_city()}
    finally:
        ws.close()


@pytest.mark.slow
def test_goal_links_on_the_seed_graph(seed: dict[str, Any]) -> None:
    links = seed["links"]
    assert links[BISHKEK]["SCO"] == "explicit"  # the report ties it to the SCO
    assert links[PERM]["SCO"] == "inferred"  # Russia is a member
    chiang_mai = CITY + "1153671"
    assert links[chiang_mai]["RCEP"] == "explicit"
    assert links["https://w3id.org/waishi/id/country/DE"]["DE"] == "explicit"
    home = seed["home"]
    assert "SCO" in links.get(home, {})  # China is a member: without the home country given
    local = views.goal_links(seed["ws"].dataset, "CN")
    assert local[PERM]["SCO"] == "inferred" and local[BISHKEK]["SCO"] == "explicit"
    # the reports' own country makes none of its districts, offices or companies a partner
    assert "SCO" not in local.get(home, {})
    assert "SCO" not in local.get("https://w3id.org/waishi/id/country/CN", {})


@pytest.mark.slow
def test_the_seed_graph_page_draws_the_first_view_offline(seed: dict[str, Any],
                                                          tmp_path: Path) -> None:
    graph, home = seed["graph"], seed["home"]
    view = visual.first_view(graph, home)
    page = visual.graph_html(graph, view, home=home, links=seed["links"])
    data = visual.network_data(graph, view, home=home)
    assert home.endswith("/1797929") and home in view  # Qingdao
    assert 20 <= len(data["nodes"]) <= 40 and data["edges"]
    for node in data["nodes"]:
        assert f'"id": "{node["id"]}"' in page
    assert '"label": "比什凯克\\nBishkek"' in page
    assert "图例 Legend" in page and "城市 City" in page
    assert not outside_assets(page)
    assert "<link" not in page and "<script src" not in page
    script = visual._vis_script()
    assert script in page  # vis-network inlined, from the pyvis package
    urls = ANY_URL.findall(page.replace(script, ""))
    assert urls and all(u.startswith("https://w3id.org/waishi/") for u in urls)
    saved = visual.save_page(page, tmp_path / "graph.html")
    assert saved.read_text(encoding="utf-8") == page


@pytest.mark.slow
def test_the_world_map_places_partner_cities_by_goal(seed: dict[str, Any]) -> None:
    graph, links, home = seed["graph"], seed["links"], seed["home"]
    svg = worldmap.world_map_svg(graph, links, home)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<path") > 150  # country outlines from the countryinfo package
    assert not outside_assets(svg)
    assert all(u.startswith("https://w3id.org/waishi/") for u in ANY_URL.findall(svg))
    cities = dict(re.findall(r'<g class="city" data-iri="([^"]+)" data-goal="(\w*)"', svg))
    assert cities[BISHKEK] == "SCO" and cities[PERM] == "SCO" and cities[MANNHEIM] == ""
    assert f'<g class="home" data-iri="{home}"' in svg
    assert CITY + "1795565" not in cities  # Shenzhen: a city of the home country, no partner
    places = {p["iri"]: p for p in worldmap.partner_places(graph, links, home)}
    bishkek = places[BISHKEK]
    x, y = (bishkek["lon"] + 180) * 2.5, (84 - bishkek["lat"]) * 2.5
    assert f'cx="{x:.1f}" cy="{y:.1f}"' in svg  # equirectangular, at its GeoNames coordinates


@pytest.mark.slow
def test_the_entity_card_shows_labels_identifiers_relations_and_evidence(
    seed: dict[str, Any]
) -> None:
    ws, graph = seed["ws"], seed["graph"]
    entity = next(e for e in ws.entities() if e["iri"] == BISHKEK)
    evidence = views.entity_evidence(ws.dataset, BISHKEK)
    card = views.entity_card_html(graph, BISHKEK, entity, evidence, seed["links"][BISHKEK])
    assert "比什凯克" in card and "Bishkek" in card and "1528675" in card
    assert "吉尔吉斯斯坦 Kyrgyzstan (KG)" in card
    assert "上合组织 SCO · 明确 explicit" in card
    assert "青岛 · Qingdao" in card  # a relation
    assert '<mark class="answer">比什凯克</mark>' in card
    assert f'data-grow="{BISHKEK}"' in card  # expand from the card
    assert 'data-iri="https://w3id.org/waishi/id/city/1797929"' in card  # Qingdao, a link


@pytest.mark.slow
def test_store_lookups_for_the_views(seed: dict[str, Any]) -> None:
    ws = seed["ws"]
    evidence = views.entity_evidence(ws.dataset, BISHKEK)
    assert evidence and all(e["sentence"][e["start"]:e["end"]] == "比什凯克" for e in evidence)
    sentences = [(e["doc"], e["offset"]) for e in evidence]
    assert len(sentences) == len(set(sentences))  # each sentence once, all its spans in it
    assert all(e["sentence"][a:b] == "比什凯克" for e in evidence for a, b in e["spans"])
    starts = views.sentence_starts(ws.dataset, evidence)
    assert set(starts) == {(e["doc"], e["sentence"]) for e in evidence}
    labels = {e["label"] for e in views.document_entities(ws.dataset, "qingdao-fao-2021-targets")}
    assert {"比什凯克", "阿克套", "费萨拉巴德"} <= labels
    assert views.document_entities(ws.dataset, "no-such-report") == []
