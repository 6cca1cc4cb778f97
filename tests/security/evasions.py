"""A corpus of SPARQL requests that try to get past the read-only guard: to reach the network
(SERVICE, FROM, LOAD) or to write, hidden by escapes, case, comments, prefixed names and nesting.

`<URL>` stands for an endpoint the test controls (`{base}` and `{port}` for its parts); `live`
marks the requests that pyoxigraph itself, without the guard, would send to that endpoint (a
test proves it, so the corpus keeps real evasions and not just malformed text).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Evasion:
    name: str
    text: str
    live: bool = False  # pyoxigraph alone would call the endpoint
    refusal: str = "unsafe"  # "malformed" where the text is no single request at all


# \u0022 is '"' to rdflib (which expands escapes everywhere before parsing), but stays inside
# the string for Oxigraph (which expands them in strings only): one sees a comment, the other
# a SERVICE call. The report, and its variants.
_STRING_SPLIT = (
    'SELECT * WHERE { OPTIONAL { ?s ?p "\\u0022 . } } # " } SERVICE <URL> { ?x ?y ?z } }'
)

EVASIONS: tuple[Evasion, ...] = (
    Evasion("plain", "SELECT * WHERE { SERVICE <URL> { ?x ?y ?z } }", live=True),
    Evasion("string-escape-hides-service", _STRING_SPLIT, live=True),
    Evasion(
        "string-escape-single-quotes",
        "SELECT * WHERE { OPTIONAL { ?s ?p '\\u0027 . } } # ' } SERVICE <URL> { ?x ?y ?z } }",
        live=True,
    ),
    Evasion(
        "string-escape-long-string",
        'SELECT * WHERE { OPTIONAL { ?s ?p """\\u0022\\u0022\\u0022 . } } # """ } '
        "SERVICE <URL> { ?x ?y ?z } }",
        live=True,
    ),
    Evasion(
        "newline-escape-in-comment",
        "SELECT * WHERE { ?s ?p ?o } # \\u000A SERVICE <URL> { ?x ?y ?z }",
    ),
    Evasion(
        "carriage-return-ends-the-comment",
        "SELECT * WHERE { # note\rSERVICE <URL> { ?x ?y ?z } }",
        live=True,
    ),
    Evasion("escape-in-keyword", "SELECT * WHERE { \\u0053ERVICE <URL> { ?x ?y ?z } }"),
    Evasion("long-escape-in-keyword", "SELECT * WHERE { \\U00000053ERVICE <URL> { ?x ?y ?z } }"),
    Evasion(
        "escape-spelling-an-escape", "SELECT * WHERE { \\u005Cu0053ERVICE <URL> { ?x ?y ?z } }"
    ),
    Evasion(
        "escapes-in-the-iri",
        "SELECT * WHERE { SERVICE <http\\u003A//127.0.0.1\\u003A{port}/sparql> { ?x ?y ?z } }",
        live=True,
    ),
    Evasion(
        "prefixed-name",
        "PREFIX e: <{base}> SELECT * WHERE { SERVICE e:sparql { ?x ?y ?z } }",
        live=True,
    ),
    Evasion(
        "escaped-prefix-iri",
        "PREFIX e: <\\u0068ttp://127.0.0.1:{port}/> "
        "SELECT * WHERE { SERVICE e:sparql { ?x ?y ?z } }",
        live=True,
    ),
    Evasion("lower-case", "select * where { service <URL> { ?x ?y ?z } }", live=True),
    Evasion("mixed-case", "SeLeCt * WhErE { sErViCe <URL> { ?x ?y ?z } }", live=True),
    Evasion("silent", "SELECT * WHERE { SERVICE SILENT <URL> { ?x ?y ?z } }", live=True),
    Evasion("no-space", "SELECT * WHERE{SERVICE<URL>{?x ?y ?z}}", live=True),
    Evasion(
        "tabs-and-comments", "SELECT * WHERE {\tSERVICE # c\n\t<URL>\t{ ?x ?y ?z } }", live=True
    ),
    Evasion(
        "values-endpoint",
        "SELECT * WHERE { VALUES ?e { <URL> } SERVICE ?e { ?x ?y ?z } }",
    ),
    Evasion(
        "optional",
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <URL> { ?x ?y ?z } } } LIMIT 1",
        live=True,
    ),
    Evasion(
        "union",
        "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <URL> { ?x ?y ?z } } } LIMIT 5",
        live=True,
    ),
    Evasion(
        "subquery",
        "SELECT * WHERE { { SELECT ?x WHERE { SERVICE <URL> { ?x ?y ?z } } } }",
        live=True,
    ),
    Evasion(
        "exists",
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <URL> { ?x ?y ?z } } } LIMIT 1",
        live=True,
    ),
    Evasion(
        "not-exists",
        "ASK { ?s ?p ?o FILTER NOT EXISTS { SERVICE <URL> { ?x ?y ?z } } }",
        live=True,
    ),
    Evasion(
        "minus",
        "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <URL> { ?s ?y ?z } } } LIMIT 1",
        live=True,
    ),
    Evasion(
        "graph-and-group",
        "SELECT * WHERE { GRAPH ?g { { { SERVICE <URL> { ?x ?y ?z } } } } }",
        live=True,
    ),
    Evasion("construct", "CONSTRUCT { ?x ?y ?z } WHERE { SERVICE <URL> { ?x ?y ?z } }", live=True),
    Evasion("ask", "ASK { SERVICE <URL> { ?x ?y ?z } }", live=True),
    Evasion("describe", "DESCRIBE ?x WHERE { SERVICE <URL> { ?x ?y ?z } }", live=True),
    Evasion(
        "string-split-in-subquery",
        'SELECT * WHERE { { SELECT * WHERE { OPTIONAL { ?s ?p "\\u0022 . } } } } # " } } } '
        "SERVICE <URL> { ?x ?y ?z } }",
        live=True,
    ),
    Evasion("from", "SELECT * FROM <URL> WHERE { ?s ?p ?o }"),
    Evasion("from-named", "SELECT * FROM NAMED <URL> WHERE { GRAPH ?g { ?s ?p ?o } }"),
    Evasion("from-escaped", "SELECT * FR\\u004FM <URL> WHERE { ?s ?p ?o }"),
    Evasion("load", "LOAD <URL>"),
    Evasion("load-silent-into", "LOAD SILENT <URL> INTO GRAPH <urn:g>"),
    Evasion("load-escaped", "\\u004COAD <URL>"),
    Evasion("insert-escaped", "\\u0049NSERT DATA { <urn:a> <urn:b> <urn:c> }"),
    Evasion("insert-lower", "insert data { <urn:a> <urn:b> <urn:c> }"),
    Evasion("delete-where", "DELETE WHERE { ?s ?p ?o }"),
    Evasion("clear-after-comment", "# a query\nCLEAR ALL"),
    Evasion("drop-escaped", "DR\\u004FP ALL"),
    Evasion("query-then-update", "SELECT * WHERE { ?s ?p ?o } ; DROP ALL", refusal="malformed"),
    Evasion(
        "insert-where-service",
        "INSERT { ?x ?y ?z } WHERE { SERVICE <URL> { ?x ?y ?z } }",
    ),
)


def aimed(evasion: Evasion, url: str) -> str:
    """The evasion aimed at `url` (http://127.0.0.1:PORT/sparql)."""
    base = url.rsplit("/", 1)[0] + "/"
    port = url.rsplit(":", 1)[1].split("/")[0]
    return evasion.text.replace("<URL>", f"<{url}>").replace("{base}", base).replace(
        "{port}", port
    )
