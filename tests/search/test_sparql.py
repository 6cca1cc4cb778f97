"""Safe SPARQL execution: read-only checks, the time limit and row cap on real stores (embedded
Oxigraph on disk, in-memory rdflib, a remote Oxigraph server), serialisation, negotiation.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Dataset, Graph, Literal
from rdflib.compare import isomorphic
from rdflib.query import Result

from graph.namespaces import WSD, WSH
from graph.store import open_dataset
from search.sparql import (
    QueryResult,
    check_query,
    formats_for,
    negotiate,
    run_query,
    serialize,
)
from waishi.errors import MalformedQuery, QueryTimeout, QueryTooLarge, UnsafeQuery, WaishiError

QINGDAO_DOC = WSD["graph/doc/qingdao-2023"]
YANTAI_DOC = WSD["graph/doc/yantai-2023"]
FILLER = WSD["graph/filler"]
QINGDAO, LONG_BEACH, BISHKEK, YANTAI = (
    WSD[n] for n in ("city/qingdao", "city/long-beach", "city/bishkek", "city/yantai")
)
FILLER_TRIPLES = 1500  # a three-way cross product of these runs for minutes on either store
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def report_quads(filler: int = FILLER_TRIPLES) -> list[tuple[object, ...]]:
    """Two report graphs with Chinese and English labels, plus filler to make a slow query."""
    quads: list[tuple[object, ...]] = []
    for city, zh, en in (
        (QINGDAO, "青岛", "Qingdao"),
        (LONG_BEACH, "长滩", "Long Beach"),
        (BISHKEK, "比什凯克", "Bishkek"),
    ):
        quads += [
            (city, RDF.type, WSH.City, QINGDAO_DOC),
            (city, RDFS.label, Literal(zh, lang="zh"), QINGDAO_DOC),
            (city, RDFS.label, Literal(en, lang="en"), QINGDAO_DOC),
        ]
    quads += [
        (QINGDAO, WSH.sisterCityOf, LONG_BEACH, QINGDAO_DOC),
        (QINGDAO, WSH.sisterCityOf, BISHKEK, QINGDAO_DOC),
        (YANTAI, RDF.type, WSH.City, YANTAI_DOC),
        (YANTAI, RDFS.label, Literal("烟台", lang="zh"), YANTAI_DOC),
        (YANTAI, RDFS.comment, Literal('说明\t"引号"\n第二行', lang="zh"), YANTAI_DOC),
        (YANTAI, WSH.sisterCityOf, BISHKEK, YANTAI_DOC),
    ]
    quads += [(WSD[f"filler/{i}"], RDF.value, Literal(i), FILLER) for i in range(filler)]
    return quads


@pytest.fixture(scope="module", params=["oxigraph", "memory"])
def dataset(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    ds = open_dataset(request.param, tmp_path_factory.mktemp(request.param) / "store")
    ds.addN(report_quads())  # type: ignore[arg-type]
    return ds


def run(ds: Dataset, text: str, **kwargs: object) -> QueryResult:
    options: dict[str, object] = {"timeout_s": 10.0, "max_rows": 1000, **kwargs}
    return run_query(ds, text, **options)  # type: ignore[arg-type]


# -- check_query -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("ask { ?s ?p ?o }", "ASK"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://example.org/x>", "DESCRIBE"),
        ("# a comment\nPREFIX ex: <http://example.org/>\nSELECT ?s { ?s ex:p ?o }", "SELECT"),
    ],
)
def test_check_query_names_the_form(text: str, form: str) -> None:
    assert check_query(text) == form


def test_malformed_query_names_line_and_column() -> None:
    with pytest.raises(MalformedQuery) as caught:
        check_query("SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?o = ) }")
    message = str(caught.value)
    assert message.startswith("SPARQL syntax error at line 3, column 3:")
    assert message.endswith("\n    FILTER(?o = ) }\n    ^")  # the line, a caret under the column


@pytest.mark.parametrize("text", ["", "   ", "SELECT * WHERE { ?s ?p ?o } trailing", "銀行"])
def test_text_that_is_no_query_is_malformed(text: str) -> None:
    with pytest.raises(MalformedQuery, match="SPARQL syntax error"):
        check_query(text)


def test_unknown_prefix_is_malformed_unless_the_store_declares_it() -> None:
    with pytest.raises(MalformedQuery, match="Unknown namespace prefix"):
        check_query("SELECT ?c WHERE { ?c a wsh:City }")
    assert check_query("SELECT ?c WHERE { ?c a wsh:City }", {"wsh": str(WSH)}) == "SELECT"


@pytest.mark.parametrize(
    ("text", "operation"),
    [
        ('INSERT DATA { <http://e/a> <http://e/b> "c" }', "INSERT DATA"),
        ("DELETE WHERE { ?s ?p ?o }", "DELETE WHERE"),
        ("PREFIX e: <http://e/>\nDELETE { ?s ?p ?o } INSERT { ?s e:q ?o } WHERE { ?s ?p ?o }",
         "DELETE/INSERT"),
        ("LOAD <http://example.org/x>", "LOAD"),
        ("CLEAR ALL", "CLEAR"),
        ("DROP GRAPH <http://e/g>", "DROP"),
        ("CREATE GRAPH <http://e/g>", "CREATE"),
        ("COPY DEFAULT TO <http://e/g>", "COPY"),
        ("insert data { this does not parse", "INSERT"),
        ("# leading comment\nload <http://example.org/x> into graph", "LOAD"),
    ],
)
def test_updates_are_refused(text: str, operation: str) -> None:
    with pytest.raises(UnsafeQuery) as caught:
        check_query(text)
    assert f"SPARQL Update ({operation}) is not allowed" in str(caught.value)
    assert "read-only" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE SILENT ?endpoint { ?s ?q ?r } } }",
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://e/s> { ?s ?p ?o } } }",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://e/s> { ?s ?p ?o } } } }",
        "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://e/s> { ?s ?p ?o } }",
        "ASK { ?s ?p ?o MINUS { service <http://e/s> { ?s ?p ?o } } }",
    ],
)
def test_service_is_refused_wherever_it_hides(text: str) -> None:
    with pytest.raises(UnsafeQuery, match="SERVICE is not allowed"):
        check_query(text)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://example.org/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "CONSTRUCT { ?s ?p ?o } FROM <http://example.org/g> WHERE { ?s ?p ?o }",
    ],
)
def test_from_is_refused(text: str) -> None:
    # rdflib dereferences a FROM graph it lacks; Oxigraph ignores FROM under a union default.
    with pytest.raises(UnsafeQuery, match=r"FROM and FROM NAMED are not allowed.*GRAPH <iri>"):
        check_query(text)


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * WHERE { ?s ?p "China News Service" }',
        "SELECT * WHERE { ?s ?p ?o } # no SERVICE here",
        "SELECT * WHERE { ?s <http://example.org/service> ?o }",
    ],
)
def test_the_word_service_is_refused_even_in_a_literal_or_comment(text: str) -> None:
    # The guard cannot prove two parsers agree on where a string or comment ends; it can prove
    # that a text without the word never calls a SERVICE (see search/sparql_guard.py).
    with pytest.raises(UnsafeQuery, match=r"SERVICE is not allowed.*servic\[e\]"):
        check_query(text)


def test_text_holding_service_can_still_be_matched() -> None:
    assert check_query('SELECT * WHERE { ?s ?p ?l FILTER REGEX(?l, "servic[e]", "i") }')


# -- run_query on real stores ----------------------------------------------------------------


def test_select_sees_the_union_of_report_graphs_with_chinese_labels(dataset: Dataset) -> None:
    result = run(
        dataset,
        "SELECT ?zh WHERE { ?city a wsh:City ; rdfs:label ?zh . FILTER(lang(?zh) = 'zh') } "
        "ORDER BY ?zh",
    )
    assert result.form == "SELECT"
    assert result.variables == ("zh",)
    assert sorted(str(zh) for (zh,) in result.rows) == sorted(["青岛", "长滩", "比什凯克", "烟台"])
    assert all(zh.language == "zh" for (zh,) in result.rows)  # type: ignore[union-attr]
    assert not result.truncated


def test_graph_patterns_see_each_report(dataset: Dataset) -> None:
    result = run(
        dataset,
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s wsh:sisterCityOf ?o } } GROUP BY ?g",
    )
    assert {(g, n.toPython()) for g, n in result.rows} == {  # type: ignore[union-attr]
        (QINGDAO_DOC, 2),
        (YANTAI_DOC, 1),
    }


def test_unbound_values_are_none(dataset: Dataset) -> None:
    result = run(
        dataset,
        f"SELECT ?label ?en WHERE {{ <{YANTAI}> rdfs:label ?label "
        f"OPTIONAL {{ <{YANTAI}> rdfs:label ?en FILTER(lang(?en) = 'en') }} }}",
    )
    assert result.rows == [(Literal("烟台", lang="zh"), None)]


def test_ask(dataset: Dataset) -> None:
    assert run(dataset, "ASK { ?c rdfs:label '青岛'@zh }").boolean is True
    assert run(dataset, "ASK { ?c rdfs:label '东京'@zh }").boolean is False


def test_construct_and_describe_return_graphs(dataset: Dataset) -> None:
    result = run(dataset, "CONSTRUCT { ?a wsh:sisterCityOf ?b } WHERE { ?a wsh:sisterCityOf ?b }")
    assert result.form == "CONSTRUCT"
    assert result.graph is not None
    assert set(result.graph) == {
        (QINGDAO, WSH.sisterCityOf, LONG_BEACH),
        (QINGDAO, WSH.sisterCityOf, BISHKEK),
        (YANTAI, WSH.sisterCityOf, BISHKEK),
    }
    described = run(dataset, f"DESCRIBE <{LONG_BEACH}>").graph
    assert described is not None
    assert (LONG_BEACH, RDFS.label, Literal("长滩", lang="zh")) in described


def test_rows_are_capped(dataset: Dataset) -> None:
    text = f"SELECT ?s WHERE {{ GRAPH <{FILLER}> {{ ?s ?p ?o }} }}"
    capped = run(dataset, text, max_rows=10)
    assert len(capped.rows) == 10
    assert capped.truncated
    exact = run(dataset, text + " LIMIT 10", max_rows=10)
    assert len(exact.rows) == 10
    assert not exact.truncated
    triples = run(dataset, "CONSTRUCT WHERE { ?s rdf:value ?o }", max_rows=7)
    assert triples.graph is not None
    assert len(triples.graph) == 7
    assert triples.truncated


def test_init_bindings_bind_by_name_the_same_on_every_store(dataset: Dataset) -> None:
    # ?city is not projected: Oxigraph's own substitution would refuse that.
    result = run(
        dataset,
        "SELECT ?label WHERE { ?city rdfs:label ?label } # a trailing comment",
        init_bindings={"city": LONG_BEACH},
    )
    assert sorted(map(str, (label for (label,) in result.rows))) == ["Long Beach", "长滩"]
    tricky = Literal('说明\t"引号"\n第二行', lang="zh")
    found = run(dataset, "SELECT ?s WHERE { ?s rdfs:comment ?c }", init_bindings={"c": tricky})
    assert found.rows == [(YANTAI,)]
    with pytest.raises(WaishiError, match="bind IRIs or literals by name"):
        run(dataset, "SELECT * WHERE { ?s ?p ?o }", init_bindings={"s } . ?x": QINGDAO})


def test_a_slow_query_is_stopped_and_the_next_one_runs(dataset: Dataset) -> None:
    # SLOW runs for minutes on either store; the bounds are loose for a loaded machine.
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"ran longer than 0\.5 s and was stopped"):
        run(dataset, SLOW, timeout_s=0.5)
    assert time.monotonic() - started < 20
    assert run(dataset, "ASK { ?c rdfs:label '青岛'@zh }", timeout_s=20).boolean is True


def test_quick_queries_are_not_held_up_by_a_slow_one_in_another_thread(dataset: Dataset) -> None:
    # A child forked for a quick query inherits the slow query's pipe; framing keeps the quick
    # query from waiting for that pipe's end of file.
    outcome: list[BaseException] = []

    def slow() -> None:
        try:
            run(dataset, SLOW, timeout_s=6)
        except QueryTimeout as exc:
            outcome.append(exc)

    worker = threading.Thread(target=slow)
    worker.start()
    time.sleep(0.2)
    for _ in range(3):  # held up, each would wait for the slow query's end (6 s)
        started = time.monotonic()
        assert run(dataset, "ASK { ?c rdfs:label 'Qingdao'@en }").boolean is True
        assert time.monotonic() - started < 3
    worker.join()
    assert len(outcome) == 1


def test_a_query_past_its_memory_is_stopped_and_the_next_one_runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # On the embedded store only: rdflib's evaluator takes ~20 s to fill 64 MB.
    dataset = open_dataset("oxigraph", tmp_path_factory.mktemp("memory-limit") / "store")
    dataset.addN(report_quads())  # type: ignore[arg-type]
    # ORDER BY over a cross product holds every row before the first comes out
    cross = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"
    with pytest.raises(QueryTooLarge, match=r"more than the 64 MB a query may use"):
        run(dataset, cross, timeout_s=60, memory_mb=64)
    assert run(dataset, "ASK { ?c rdfs:label '青岛'@zh }").boolean is True


def test_without_fork_the_deadline_is_checked_between_rows(
    dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(os, "fork")
    assert run(dataset, "ASK { ?c rdfs:label '青岛'@zh }").boolean is True
    with pytest.raises(QueryTimeout):
        run(dataset, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", timeout_s=0.3, max_rows=10**7)


def test_graph_reads_one_report(dataset: Dataset) -> None:
    result = run(dataset, f"SELECT ?c WHERE {{ GRAPH <{YANTAI_DOC}> {{ ?c a wsh:City }} }}")
    assert result.rows == [(YANTAI,)]


# -- a remote store: an Oxigraph server reached through rdflib's SPARQLUpdateStore -----------


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dataset]:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(binary).exists():
        pytest.skip("the oxigraph server binary (PyPI package oxigraph) is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [binary, "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        ds = open_dataset(
            "sparql", tmp_path_factory.mktemp("remote"), f"{base}/query", f"{base}/update"
        )
        ds.addN(report_quads(filler=300))  # type: ignore[arg-type]
        yield ds
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_remote_store_answers_like_the_embedded_ones(remote: Dataset) -> None:
    text = f"SELECT ?zh WHERE {{ <{QINGDAO}> rdfs:label ?zh FILTER(lang(?zh) = 'zh') }}"
    result = run(remote, text)
    assert result.rows == [(Literal("青岛", lang="zh"),)]
    bound = run(remote, "SELECT ?l WHERE { ?c rdfs:label ?l }", init_bindings={"c": YANTAI})
    assert bound.rows == [(Literal("烟台", lang="zh"),)]
    with pytest.raises(QueryTimeout):
        run(remote, SLOW, timeout_s=0.5)
    assert run(remote, "ASK { ?c rdfs:label 'Bishkek'@en }").boolean is True


# -- serialisation ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cities(dataset: Dataset) -> QueryResult:
    return run(
        dataset,
        "SELECT ?city ?zh ?note WHERE { ?city a wsh:City ; rdfs:label ?zh "
        "FILTER(lang(?zh) = 'zh') OPTIONAL { ?city rdfs:comment ?note } } ORDER BY ?city",
    )


def test_select_as_sparql_json(cities: QueryResult) -> None:
    body, media_type = serialize(cities, "json")
    assert media_type == "application/sparql-results+json"
    doc = json.loads(body)
    assert doc["head"]["vars"] == ["city", "zh", "note"]
    by_city = {b["city"]["value"]: b for b in doc["results"]["bindings"]}
    assert by_city[str(QINGDAO)]["zh"] == {"type": "literal", "value": "青岛", "xml:lang": "zh"}
    assert "note" not in by_city[str(QINGDAO)]
    assert by_city[str(YANTAI)]["note"]["value"] == '说明\t"引号"\n第二行'


def test_select_as_sparql_xml_round_trips(cities: QueryResult) -> None:
    body, media_type = serialize(cities, "xml")
    assert media_type == "application/sparql-results+xml"
    parsed = Result.parse(io.BytesIO(body), format="xml")
    assert [tuple(row) for row in parsed] == cities.rows  # type: ignore[arg-type]


def test_select_as_csv(cities: QueryResult) -> None:
    body, media_type = serialize(cities, "csv")
    assert media_type == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert rows[0] == ["city", "zh", "note"]
    assert [str(QINGDAO), "青岛", ""] in rows
    assert [str(YANTAI), "烟台", '说明\t"引号"\n第二行'] in rows


def test_select_as_tsv_escapes_tabs_and_newlines(cities: QueryResult) -> None:
    body, media_type = serialize(cities, "tsv")
    assert media_type == "text/tab-separated-values; charset=utf-8"
    lines = body.decode("utf-8").splitlines()
    assert lines[0] == "?city\t?zh\t?note"
    assert len(lines) == 5
    assert f'<{QINGDAO}>\t"青岛"@zh\t' in lines
    assert f'<{YANTAI}>\t"烟台"@zh\t"说明\\t\\"引号\\"\\n第二行"@zh' in lines


def test_typed_literals_in_tsv() -> None:
    result = QueryResult("SELECT", ("n", "s"), [(Literal(3), Literal("x"))])
    body, _ = serialize(result, "tsv")
    assert body.decode() == '?n\t?s\n"3"^^<http://www.w3.org/2001/XMLSchema#integer>\t"x"\n'


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("json", b'"boolean":true'),
        ("xml", b"<boolean>true</boolean>"),
        ("csv", b"_askResult\r\ntrue\r\n"),
        ("tsv", b"?_askResult\ntrue\n"),
    ],
)
def test_ask_in_every_result_format(fmt: str, expected: bytes) -> None:
    body, _ = serialize(QueryResult("ASK", boolean=True), fmt)
    assert expected in body


@pytest.mark.parametrize(
    ("fmt", "rdflib_format", "media_type"),
    [
        ("turtle", "turtle", "text/turtle; charset=utf-8"),
        ("nt", "nt", "application/n-triples"),
        ("jsonld", "json-ld", "application/ld+json"),
    ],
)
def test_graphs_round_trip(dataset: Dataset, fmt: str, rdflib_format: str, media_type: str) -> None:
    result = run(dataset, "CONSTRUCT WHERE { ?c a wsh:City ; rdfs:label ?l ; rdfs:comment ?n }")
    assert result.graph is not None
    body, sent_type = serialize(result, fmt)
    assert sent_type == media_type
    assert "烟台".encode() in body or fmt == "jsonld"  # JSON-LD may escape; it parses back below
    assert isomorphic(Graph().parse(data=body, format=rdflib_format), result.graph)


def test_a_format_that_does_not_fit_says_which_do() -> None:
    with pytest.raises(WaishiError, match="'turtle' does not fit a SELECT result; choose one of"):
        serialize(QueryResult("SELECT"), "turtle")
    with pytest.raises(WaishiError, match="json, xml, csv, tsv"):
        serialize(QueryResult("ASK", boolean=True), "rdf")
    with pytest.raises(WaishiError, match="turtle, nt, jsonld"):
        serialize(QueryResult("CONSTRUCT", graph=Graph()), "csv")
    assert formats_for("DESCRIBE") == ["turtle", "nt", "jsonld"]


# -- content negotiation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "form", "requested", "fmt"),
    [
        (None, "SELECT", (), "json"),
        ("", "CONSTRUCT", (), "turtle"),
        ("*/*", "ASK", (), "json"),
        ("*/*", "DESCRIBE", (), "turtle"),
        ("application/sparql-results+xml", "SELECT", (), "xml"),
        ("text/csv", "SELECT", (), "csv"),
        ("text/tab-separated-values", "ASK", (), "tsv"),
        ("application/sparql-results+json,application/json,text/javascript", "SELECT", (), "json"),
        ("text/csv;q=0.5, application/sparql-results+xml", "SELECT", (), "xml"),
        ("*/*;q=0.9, text/csv", "SELECT", (), "csv"),
        ("text/*", "SELECT", (), "csv"),
        ("text/csv;q=0, */*;q=0.1", "SELECT", (), "json"),
        ("application/n-triples", "CONSTRUCT", (), "nt"),
        ("application/ld+json", "DESCRIBE", (), "jsonld"),
        ("application/rdf+xml", "CONSTRUCT", (), "turtle"),  # not offered: the default
        ("text/turtle", "SELECT", (), "json"),  # a graph format for a table: the default
        ("text/csv", "SELECT", ("tsv", "text/tab-separated-values"), "tsv"),
        ("application/rdf+xml", "CONSTRUCT", ("xml",), "turtle"),  # SPARQLWrapper's default
        (None, "CONSTRUCT", ("json-ld",), "jsonld"),
        (None, "CONSTRUCT", ("json",), "jsonld"),
        (None, "SELECT", ("text/csv; charset=utf-8",), "csv"),
    ],
)
def test_negotiate(accept: str | None, form: str, requested: tuple[str, ...], fmt: str) -> None:
    assert negotiate(accept, form, requested) == fmt
