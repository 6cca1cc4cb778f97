"""The read-only SPARQL endpoint, end to end: a real server (its pool of query workers
reading a snapshot of an on-disk Oxigraph store) on a free port, spoken to by SPARQLWrapper
and plain HTTP.
"""

from __future__ import annotations

import contextlib
import csv
import http.client
import io
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from xml.dom.minidom import Document

import pytest
from rdflib import RDF, RDFS, Graph, Literal
from SPARQLWrapper import (
    ASK,
    CSV,
    JSON,
    JSONLD,
    POST,
    POSTDIRECTLY,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from graph.namespaces import WSD, WSH
from graph.store import open_dataset
from waishi.serve import MAX_BODY_BYTES, make_server, start_pool
from waishi.settings import Settings

REPORT_A, REPORT_B = WSD["graph/doc/qingdao-2023"], WSD["graph/doc/yantai-2023"]
QINGDAO, LONG_BEACH, YANTAI = WSD["city/qingdao"], WSD["city/long-beach"], WSD["city/yantai"]
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LABELS = "SELECT ?city ?label WHERE { ?city rdfs:label ?label } ORDER BY ?city ?label"
SISTERS = "CONSTRUCT { ?a wsh:sisterCityOf ?b } WHERE { ?a wsh:sisterCityOf ?b }"
MAX_ROWS = 200


@dataclass(frozen=True)
class Endpoint:
    url: str

    def wrapper(self, query: str, fmt: str = JSON) -> SPARQLWrapper:
        sparql = SPARQLWrapper(self.url)
        sparql.setQuery(query)
        sparql.setReturnFormat(fmt)
        sparql.setTimeout(20)
        return sparql

    def get(self, query: str, accept: str = "", **params: str) -> tuple[int, dict[str, str], bytes]:
        qs = urllib.parse.urlencode({"query": query, **params})
        return self.request("GET", f"{self.url}?{qs}", headers={"Accept": accept})

    def request(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=20) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()


@contextmanager
def serving(settings: Settings) -> Iterator[Endpoint]:
    pool = start_pool(settings)
    server = make_server(pool, settings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Endpoint(server.url)
    finally:
        server.shutdown()
        server.server_close()
        pool.close()


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    data_dir = tmp_path_factory.mktemp("serve")
    dataset = open_dataset("oxigraph", data_dir / "store")
    quads = [
        (QINGDAO, RDF.type, WSH.City, REPORT_A),
        (QINGDAO, RDFS.label, Literal("青岛", lang="zh"), REPORT_A),
        (QINGDAO, RDFS.label, Literal("Qingdao", lang="en"), REPORT_A),
        (LONG_BEACH, RDFS.label, Literal("长滩", lang="zh"), REPORT_A),
        (QINGDAO, WSH.sisterCityOf, LONG_BEACH, REPORT_A),
        (YANTAI, RDF.type, WSH.City, REPORT_B),
        (YANTAI, RDFS.label, Literal("烟台", lang="zh"), REPORT_B),
        (YANTAI, WSH.sisterCityOf, LONG_BEACH, REPORT_B),
    ]
    # Filler for a cross product that runs for minutes.
    quads += [(WSD[f"filler/{i}"], RDF.value, Literal(i), WSD["graph/filler"]) for i in range(1500)]
    dataset.addN(quads)  # type: ignore[arg-type]
    dataset.close()  # the writer publishes its last snapshot; the workers read that
    settings = Settings(data_dir=data_dir, sparql_port=0, query_timeout_s=1.0,
                        max_result_rows=MAX_ROWS, query_workers=2)
    with serving(settings) as endpoint:
        yield endpoint


def test_binds_loopback_by_default(endpoint: Endpoint) -> None:
    assert endpoint.url.startswith("http://127.0.0.1:")
    assert endpoint.url.endswith("/sparql")


# -- SELECT in every result format -----------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", POST, POSTDIRECTLY])
def test_select_json(endpoint: Endpoint, method: str) -> None:
    sparql = endpoint.wrapper(LABELS)
    if method == POSTDIRECTLY:
        sparql.setMethod(POST)
        sparql.setRequestMethod(POSTDIRECTLY)  # body: application/sparql-query
    elif method == POST:
        sparql.setMethod(POST)  # body: application/x-www-form-urlencoded
    doc = cast(dict[str, Any], sparql.queryAndConvert())
    assert doc["head"]["vars"] == ["city", "label"]
    bindings = doc["results"]["bindings"]
    assert {"type": "literal", "value": "青岛", "xml:lang": "zh"} in [b["label"] for b in bindings]
    assert {(b["city"]["value"], b["label"]["value"]) for b in bindings} == {
        (str(QINGDAO), "Qingdao"),
        (str(QINGDAO), "青岛"),
        (str(LONG_BEACH), "长滩"),
        (str(YANTAI), "烟台"),
    }


def test_select_xml(endpoint: Endpoint) -> None:
    doc = cast(Document, endpoint.wrapper(LABELS, XML).queryAndConvert())
    literals = doc.getElementsByTagName("literal")
    assert sorted(node.firstChild.data for node in literals) == sorted(  # type: ignore[union-attr]
        ["Qingdao", "青岛", "长滩", "烟台"]
    )
    assert {node.getAttribute("xml:lang") for node in literals} == {"zh", "en"}


def test_select_csv(endpoint: Endpoint) -> None:
    body = cast(bytes, endpoint.wrapper(LABELS, CSV).queryAndConvert())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert rows[0] == ["city", "label"]
    assert [str(YANTAI), "烟台"] in rows
    assert len(rows) == 5


def test_select_tsv(endpoint: Endpoint) -> None:
    body = cast(bytes, endpoint.wrapper(LABELS, TSV).queryAndConvert())
    lines = body.decode("utf-8").splitlines()
    assert lines[0] == "?city\t?label"
    assert f'<{QINGDAO}>\t"青岛"@zh' in lines


def test_ask(endpoint: Endpoint) -> None:
    sparql = endpoint.wrapper("ASK { ?c rdfs:label '烟台'@zh }")
    assert sparql.queryType == ASK
    assert cast(dict[str, Any], sparql.queryAndConvert())["boolean"] is True
    no = cast(Document, endpoint.wrapper("ASK { ?c rdfs:label '东京'@zh }", XML).queryAndConvert())
    assert no.getElementsByTagName("boolean")[0].toxml() == "<boolean>false</boolean>"


# -- CONSTRUCT in every graph format ---------------------------------------------------------

EXPECTED_SISTERS = {(QINGDAO, WSH.sisterCityOf, LONG_BEACH), (YANTAI, WSH.sisterCityOf, LONG_BEACH)}


def test_construct_turtle(endpoint: Endpoint) -> None:
    body = cast(bytes, endpoint.wrapper(SISTERS, TURTLE).queryAndConvert())
    assert set(Graph().parse(data=body, format="turtle")) == EXPECTED_SISTERS


def test_construct_jsonld(endpoint: Endpoint) -> None:
    graph = cast(Graph, endpoint.wrapper(SISTERS, JSONLD).queryAndConvert())
    assert set(graph) == EXPECTED_SISTERS


def test_construct_ntriples_by_accept(endpoint: Endpoint) -> None:
    sparql = endpoint.wrapper(SISTERS, TURTLE)
    sparql.setOnlyConneg(True)
    sparql.addCustomHttpHeader("Accept", "application/n-triples")
    result = sparql.query()
    assert result.info()["content-type"] == "application/n-triples"
    graph = Graph().parse(data=result.response.read(), format="nt")
    assert set(graph) == EXPECTED_SISTERS


def test_describe_with_chinese_labels_in_turtle(endpoint: Endpoint) -> None:
    status, headers, body = endpoint.get(f"DESCRIBE <{YANTAI}>")
    assert status == 200
    assert headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert (YANTAI, RDFS.label, Literal("烟台", lang="zh")) in Graph().parse(data=body)


def test_format_parameter_and_accept_header(endpoint: Endpoint) -> None:
    status, headers, _ = endpoint.get(LABELS, accept="text/csv")
    assert (status, headers["Content-Type"]) == (200, "text/csv; charset=utf-8")
    status, headers, _ = endpoint.get(LABELS, accept="text/csv", format="tsv")
    assert headers["Content-Type"] == "text/tab-separated-values; charset=utf-8"
    status, headers, _ = endpoint.get(SISTERS, format="application/ld+json")
    assert headers["Content-Type"] == "application/ld+json"


def test_results_are_capped_and_say_so(endpoint: Endpoint) -> None:
    status, headers, body = endpoint.get("SELECT ?s WHERE { ?s rdf:value ?v }")
    assert status == 200
    assert len(json.loads(body)["results"]["bindings"]) == MAX_ROWS
    assert json.loads(body)["truncated"] is True
    assert headers["Waishi-Truncated"] == f"first {MAX_ROWS} rows"


def test_a_result_of_exactly_the_cap_is_whole(endpoint: Endpoint) -> None:
    status, headers, body = endpoint.get(
        f"SELECT ?s ?v WHERE {{ ?s rdf:value ?v }} ORDER BY ?v LIMIT {MAX_ROWS}"
    )
    assert status == 200
    doc = json.loads(body)
    assert len(doc["results"]["bindings"]) == MAX_ROWS
    assert "truncated" not in doc
    assert "Waishi-Truncated" not in headers
    assert doc["results"]["bindings"][0]["v"] == {
        "type": "literal", "value": "0", "datatype": "http://www.w3.org/2001/XMLSchema#integer"
    }


def test_a_result_too_large_to_write_whole_is_capped_and_says_so(endpoint: Endpoint) -> None:
    # 2.25 million rows: the worker stops Oxigraph's serialiser past its bound and reads the
    # first rows one by one instead
    status, headers, body = endpoint.get(
        "SELECT ?a ?x ?b ?y WHERE { ?a rdf:value ?x . ?b rdf:value ?y }"
    )
    assert status == 200
    doc = json.loads(body)
    assert len(doc["results"]["bindings"]) == MAX_ROWS
    assert doc["truncated"] is True
    assert headers["Waishi-Truncated"] == f"first {MAX_ROWS} rows"


# -- refusals --------------------------------------------------------------------------------


def test_insert_data_is_refused(endpoint: Endpoint) -> None:
    sparql = endpoint.wrapper(f'INSERT DATA {{ <{QINGDAO}> rdfs:label "被改了"@zh }}')
    sparql.setMethod(POST)  # SPARQLWrapper sends update=… as a form
    with pytest.raises(urllib.error.HTTPError) as caught:
        sparql.query()
    assert caught.value.code == 403
    assert b"read-only" in caught.value.read()
    assert endpoint.get(f"ASK {{ <{QINGDAO}> rdfs:label '被改了'@zh }}")[2].find(b"false") > 0


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"LOAD <http://example.org/x>", "application/sparql-update"),
        (b"update=CLEAR+ALL", "application/x-www-form-urlencoded"),
        (b"LOAD <http://example.org/x>", "application/sparql-query"),
    ],
)
def test_updates_by_post_are_refused(endpoint: Endpoint, body: bytes, content_type: str) -> None:
    status, _, message = endpoint.request(
        "POST", endpoint.url, body, {"Content-Type": content_type}
    )
    assert status == 403
    assert b"is not allowed" in message


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("LOAD <http://example.org/x>", b"SPARQL Update (LOAD) is not allowed"),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
         b"SERVICE is not allowed"),
        ("SELECT * FROM <http://example.org/x> WHERE { ?s ?p ?o }", b"FROM and FROM NAMED"),
    ],
)
def test_unsafe_queries_are_refused_with_a_message(
    endpoint: Endpoint, query: str, message: bytes
) -> None:
    status, headers, body = endpoint.get(query)
    assert status == 403
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert message in body


def test_malformed_query_gives_400_with_the_parser_message(endpoint: Endpoint) -> None:
    with pytest.raises(QueryBadFormed) as caught:
        endpoint.wrapper("SELECT * WHERE {\n  ?s ?p ?o\n").queryAndConvert()
    assert "SPARQL syntax error at line 3" in str(caught.value)


def test_a_slow_query_times_out_and_the_server_keeps_serving(endpoint: Endpoint) -> None:
    started = time.monotonic()
    status, _, body = endpoint.get(SLOW)
    assert status == 503
    assert b"ran longer than 1 s and was stopped" in body
    assert time.monotonic() - started < 15  # SLOW runs for minutes
    after = endpoint.wrapper("ASK { ?c rdfs:label '青岛'@zh }").queryAndConvert()
    assert cast(dict[str, Any], after)["boolean"] is True


def test_oversized_body_gives_413(endpoint: Endpoint) -> None:
    host, port = urllib.parse.urlsplit(endpoint.url).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=20)
    body = b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * MAX_BODY_BYTES
    connection.request("POST", "/sparql", body, {"Content-Type": "application/sparql-query"})
    response = connection.getresponse()
    assert response.status == 413
    assert b"over" in response.read()
    connection.close()


@pytest.mark.parametrize(
    ("method", "url_suffix", "body", "headers", "status", "message"),
    [
        ("POST", "", b"<x/>", {"Content-Type": "application/xml"}, 415, b"unsupported"),
        ("GET", "", None, {}, 400, b"send exactly one SPARQL query"),
        ("GET", "?query=ASK%7B%7D&query=ASK%7B%7D", None, {}, 400, b"exactly one"),
        ("GET", "?query=%FF", None, {}, 400, b"not valid UTF-8"),
        ("POST", "", b"query=%FF", {"Content-Type": "application/x-www-form-urlencoded"}, 400,
         b"not valid"),
        ("GET", "?query=ASK%7B%7D&default-graph-uri=http://e/g", None, {}, 400, b"GRAPH"),
    ],
)
def test_bad_requests_get_a_clear_message(
    endpoint: Endpoint,
    method: str,
    url_suffix: str,
    body: bytes | None,
    headers: dict[str, str],
    status: int,
    message: bytes,
) -> None:
    got_status, _, got_body = endpoint.request(method, endpoint.url + url_suffix, body, headers)
    assert (got_status, message in got_body) == (status, True), got_body


def test_other_paths_are_not_found(endpoint: Endpoint) -> None:
    status, _, body = endpoint.request("GET", endpoint.url.replace("/sparql", "/query?query=x"))
    assert status == 404
    assert b"/sparql" in body


def test_no_cors_by_default(endpoint: Endpoint) -> None:
    # A page on another site may send a query but must not read the answer.
    origin = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    status, headers, _ = endpoint.request("OPTIONS", endpoint.url, headers=origin)
    assert status == 204
    assert not any(key.lower().startswith("access-control") for key in headers)
    status, headers, _ = endpoint.request(
        "GET", f"{endpoint.url}?query=ASK%7B%7D", headers={"Origin": "https://evil.example"}
    )
    assert status == 200
    assert "Access-Control-Allow-Origin" not in headers


def test_cors_for_configured_origins_only(tmp_path: Path) -> None:
    open_dataset("oxigraph", tmp_path / "store").close()
    settings = Settings(data_dir=tmp_path, sparql_port=0, query_workers=1,
                        cors_origins="http://localhost:3000, https://yasgui.example")
    with serving(settings) as client:
        preflight = {"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"}
        status, headers, _ = client.request("OPTIONS", client.url, headers=preflight)
        assert status == 204
        assert headers["Access-Control-Allow-Origin"] == "https://yasgui.example"
        assert "POST" in headers["Access-Control-Allow-Methods"]
        assert "Origin" in headers["Vary"]
        other = {"Origin": "https://evil.example"}
        _, headers, _ = client.request("GET", f"{client.url}?query=ASK%7B%7D", headers=other)
        assert "Access-Control-Allow-Origin" not in headers


def test_a_foreign_host_name_is_refused(endpoint: Endpoint) -> None:
    # DNS rebinding: a page's own name re-pointed at 127.0.0.1 arrives with its Host header.
    status, _, body = endpoint.request(
        "GET", f"{endpoint.url}?query=ASK%7B%7D", headers={"Host": "attacker.example:7878"}
    )
    assert status == 421
    assert b"localhost" in body
    port = urllib.parse.urlsplit(endpoint.url).port
    for host in (f"localhost:{port}", f"127.0.0.1:{port}"):
        status, _, _ = endpoint.request(
            "GET", f"{endpoint.url}?query=ASK%7B%7D", headers={"Host": host}
        )
        assert status == 200


# -- HTTP itself -----------------------------------------------------------------------------


def raw_exchange(endpoint: Endpoint, request: bytes) -> bytes:
    """Send `request` as bytes; everything the server sends until it closes (or 5 s pass)."""
    host, port = urllib.parse.urlsplit(endpoint.url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        sock.sendall(request)
        sock.settimeout(5)
        received = b""
        with contextlib.suppress(TimeoutError):
            while chunk := sock.recv(65536):
                received += chunk
    return received


def post_bytes(query: str, headers: str, version: str = "HTTP/1.1") -> bytes:
    body = query.encode()
    return (f"POST /sparql {version}\r\nHost: 127.0.0.1\r\n{headers}"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def test_header_names_in_any_case_and_quoted_charset(endpoint: Endpoint) -> None:
    request = post_bytes("ASK { ?s ?p ?o }", 'content-TYPE: Application/SPARQL-Query; '
                         'charset="utf-8"\r\nACCEPT: application/sparql-results+json\r\n'
                         "Connection: close\r\n")
    received = raw_exchange(endpoint, request.replace(b"Content-Length", b"content-length"))
    assert received.startswith(b"HTTP/1.1 200 OK\r\n")
    assert json.loads(received.split(b"\r\n\r\n", 1)[1]) == {"head": {}, "boolean": True}


def test_keep_alive_answers_each_request_in_turn(endpoint: Endpoint) -> None:
    first = post_bytes("ASK { ?s ?p ?o }", "Content-Type: application/sparql-query\r\n")
    last = post_bytes("ASK { <urn:no> ?p ?o }", "Content-Type: application/sparql-query\r\n"
                      "Connection: close\r\n")
    received = raw_exchange(endpoint, first + last)
    assert received.count(b"HTTP/1.1 200 OK\r\n") == 2
    assert received.index(b'"boolean": true') < received.index(b'"boolean": false')


def test_http_1_0_gets_its_answer_and_the_connection_closes(endpoint: Endpoint) -> None:
    received = raw_exchange(endpoint, post_bytes(
        "ASK { ?s ?p ?o }", "Content-Type: application/sparql-query\r\n", "HTTP/1.0"))
    assert received.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"\r\nConnection: close\r\n" in received


def test_expect_100_continue(endpoint: Endpoint) -> None:
    received = raw_exchange(endpoint, post_bytes(
        "ASK { ?s ?p ?o }", "Content-Type: application/sparql-query\r\nExpect: 100-continue\r\n"
        "Connection: close\r\n"))
    assert received.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ("Content-Type: application/sparql-query\r\nX-Folded: a\r\n  b\r\n", b"400"),
        ("Content-Type : application/sparql-query\r\n", b"400"),
        ("NoColon\r\n", b"400"),
        ("".join(f"X-{k}: {k}\r\n" for k in range(101)), b"431"),
        ("X-Long: " + "x" * 70000 + "\r\n", b"431"),
    ],
)
def test_malformed_headers_are_refused(endpoint: Endpoint, headers: str, status: bytes) -> None:
    received = raw_exchange(endpoint, post_bytes("ASK { ?s ?p ?o }", headers))
    assert received.startswith(b"HTTP/1.1 " + status), received[:200]
