"""SPARQL result formats: serialisation (JSON, XML, CSV, TSV; Turtle, N-Triples, JSON-LD)
and HTTP content negotiation, for results of `search.sparql.run_query`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.term import Identifier

from waishi.errors import WaishiError

Row = tuple[Identifier | None, ...]


@dataclass(frozen=True)
class QueryResult:
    """What a query returned, capped at `max_rows` rows (or triples): `truncated` says so."""

    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    variables: tuple[str, ...] = ()
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None
    truncated: bool = False


@dataclass(frozen=True)
class ResultFormat:
    name: str
    media_type: str  # what we send
    accepts: tuple[str, ...]  # media types and names a client may ask for it by
    forms: frozenset[str]


_TABLE = frozenset({"SELECT", "ASK"})
_GRAPH = frozenset({"CONSTRUCT", "DESCRIBE"})
# In order of preference: the first fitting format is the default.
FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat(
        "json", "application/sparql-results+json",
        ("application/sparql-results+json", "application/json", "text/javascript",
         "application/javascript", "json", "srj"),
        _TABLE,
    ),
    ResultFormat(
        "xml", "application/sparql-results+xml",
        ("application/sparql-results+xml", "application/xml", "text/xml", "xml", "srx"),
        _TABLE,
    ),
    ResultFormat("csv", "text/csv; charset=utf-8", ("text/csv", "csv"), _TABLE),
    ResultFormat(
        "tsv", "text/tab-separated-values; charset=utf-8",
        ("text/tab-separated-values", "tsv"), _TABLE,
    ),
    ResultFormat(
        "turtle", "text/turtle; charset=utf-8",
        ("text/turtle", "application/turtle", "application/x-turtle", "text/n3", "text/rdf+n3",
         "application/n3", "turtle", "ttl", "n3"),
        _GRAPH,
    ),
    ResultFormat(
        "nt", "application/n-triples",
        ("application/n-triples", "text/plain", "nt", "ntriples", "n-triples"), _GRAPH,
    ),
    ResultFormat(
        "jsonld", "application/ld+json",
        ("application/ld+json", "application/x-json+ld", "application/json", "jsonld",
         "json-ld", "json"),
        _GRAPH,
    ),
)


def formats_for(form: str) -> list[str]:
    return [f.name for f in FORMATS if form in f.forms]


def serialize(result: QueryResult, fmt: str) -> tuple[bytes, str]:
    """The result as bytes in `fmt`, and its media type."""
    spec = next((f for f in FORMATS if f.name == fmt and result.form in f.forms), None)
    if spec is None:
        raise WaishiError(
            f"format {fmt!r} does not fit a {result.form} result; "
            f"choose one of {', '.join(formats_for(result.form))}"
        )
    if result.graph is not None:
        rdflib_format = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld"}[fmt]
        return result.graph.serialize(format=rdflib_format, encoding="utf-8"), spec.media_type
    if fmt == "tsv" or (fmt == "csv" and result.form == "ASK"):
        return _delimited(result, fmt), spec.media_type
    body: bytes = _rdflib_result(result).serialize(format=fmt, encoding="utf-8")  # type: ignore[assignment]
    if fmt == "json" and result.truncated:
        data = json.loads(body)
        data["truncated"] = True  # SPARQL JSON has no field for it; clients ignore extra keys
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return body, spec.media_type


_XSD_STRING = str(XSD.string)


def native_json(
    form: str,
    variables: Sequence[str],
    rows: Sequence[Sequence[Any]],
    boolean: bool | None,
    truncated: bool,
) -> bytes:
    """SPARQL JSON results straight from pyoxigraph terms (NamedNode, BlankNode, Literal,
    Triple; None unbound), as Oxigraph writes them, without converting every term to rdflib's
    first: the endpoint's common case, where that conversion cost more than the query."""
    if form == "ASK":
        data: dict[str, Any] = {"head": {}, "boolean": bool(boolean)}
    else:
        bindings = [
            {name: _json_term(term) for name, term in zip(variables, row, strict=True)
             if term is not None}
            for row in rows
        ]
        data = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    if truncated:
        data["truncated"] = True
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _json_term(term: Any) -> dict[str, Any]:
    kind = type(term).__name__
    if kind == "NamedNode":
        return {"type": "uri", "value": term.value}
    if kind == "BlankNode":
        return {"type": "bnode", "value": term.value}
    if kind == "Literal":
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if kind == "Triple":
        return {"type": "triple", "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        }}
    raise WaishiError(f"unexpected term in a query result: {term!r}")


def _rdflib_result(result: QueryResult) -> Result:
    out = Result(result.form)
    if result.form == "ASK":
        out.askAnswer = bool(result.boolean)
        return out
    out.vars = [Variable(v) for v in result.variables]
    out.bindings = [
        {Variable(v): t for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    return out


def _delimited(result: QueryResult, fmt: str) -> bytes:
    # SPARQL 1.1 CSV/TSV define SELECT only; an ASK answer follows Jena's `_askResult` column.
    if result.form == "ASK":
        value = "true" if result.boolean else "false"
        text = f"_askResult\r\n{value}\r\n" if fmt == "csv" else f"?_askResult\n{value}\n"
        return text.encode()
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(sparql_term(t) for t in row) for row in result.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


# Escapes, never raw tabs or newlines: TSV needs that, and rdflib's SPARQL parser turns a raw
# tab inside a literal into spaces.
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def sparql_term(term: Identifier | None) -> str:
    """A term as Turtle/SPARQL writes it; empty for unbound."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = f'"{str(term).translate(_ESCAPES)}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype and term.datatype != XSD.string:
            return f"{text}^^<{term.datatype}>"
        return text
    return str(term)


def negotiate(accept_header: str | None, form: str, requested: Sequence[str] = ()) -> str:
    """The format to answer `form` in: the first fitting `requested` name or media type (the
    protocol's `format` parameter), else the best fitting Accept range, else the default."""
    fitting = [f for f in FORMATS if form in f.forms]
    for token in requested:
        token = token.split(";")[0].strip().lower()
        for spec in fitting:
            if token in spec.accepts:
                return spec.name
    for media in _accept_ranges(accept_header or ""):
        if media == "*/*":
            return fitting[0].name
        for spec in fitting:
            if media in spec.accepts or (
                media.endswith("/*") and spec.media_type.startswith(media[:-1])
            ):
                return spec.name
    return fitting[0].name  # lenient: a client asking only for what we lack still gets data


def _accept_ranges(header: str) -> list[str]:
    """Media ranges by quality, the more specific first among equals, q=0 dropped."""
    ranked = []
    for position, part in enumerate(header.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranked.append((-quality, media.count("*"), position, media.lower()))
    return [media for *_, media in sorted(ranked)]
