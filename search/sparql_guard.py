"""The read-only guard in front of every SPARQL query: it decides on the exact text the engine
will execute, and refuses SERVICE, updates, LOAD and FROM with a message that says why.

Why the guard canonicalises before it judges. The guard reads a query with rdflib's parser;
Oxigraph executes it with its own. The two disagree on code-point escapes: rdflib expands
`\\uXXXX` across the whole text before parsing (as SPARQL 1.1 section 19.2 says), Oxigraph
(pyoxigraph 0.5.13, built without `standard-unicode-escaping`) only inside strings and IRIs.
`"\\u0022 } # " } SERVICE <http://…> {…}` is then a comment to the guard and a SERVICE call to
the engine. pyoxigraph offers neither a switch to turn federation off nor its own parse tree,
so the guard makes both parsers read the same text instead:

1. The escapes are expanded here, once, and the expanded text is what the guard parses *and*
   what the engine receives. A text that still holds `\\u`/`\\U` after expansion is refused:
   rdflib would expand it a second time and Oxigraph would not. With no escape left, rdflib's
   own expansion is the identity and Oxigraph's never applies, so neither reads a character
   the other does not.
2. Other lexical differences remain possible (where a comment ends, what an IRI may hold), and
   no second parser can rule them all out. So SERVICE is refused on a property of the text
   that does not depend on any parser: Oxigraph only calls a SERVICE when the letters
   `SERVICE` stand in the text it receives (keywords take no escapes and no comments), so a
   text in which `service` occurs nowhere, in any case, cannot make it reach the network.
   The price: the word is refused even inside a string or a comment; the message says how to
   match such text.
3. Updates, LOAD and FROM: Oxigraph's `query()` parses queries only (an update is a syntax
   error there) and never fetches a FROM graph; rdflib's in-memory evaluator does fetch FROM,
   but there the guard's parse is the one that executes.

So for Oxigraph (`engine="oxigraph"`) the guard needs no second parser at all: after 1 and 2
it only looks at the head of the text for an update keyword and before the first `{` for
FROM, to refuse those with a clear message, and leaves the grammar to Oxigraph's own parser,
whose errors are reported as malformed queries. That is the guard on what executes, and it
costs microseconds where rdflib's parse costs 5-20 ms. For rdflib's evaluator and remote
endpoints (`engine="rdflib"`) the guard also walks rdflib's parse tree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from waishi.errors import MalformedQuery, UnsafeQuery

_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
_UPDATE_NAMES = {
    "InsertData": "INSERT DATA", "DeleteData": "DELETE DATA", "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT", "Load": "LOAD", "Clear": "CLEAR", "Drop": "DROP",
    "Create": "CREATE", "Add": "ADD", "Move": "MOVE", "Copy": "COPY",
}
# The head of a request after its prologue: an update that does not even parse is still an update.
_PROLOGUE = re.compile(
    r"(?:\s+|#[^\n\r]*|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)*", re.IGNORECASE
)
_UPDATE_HEAD = re.compile(
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LEFTOVER_ESCAPE = re.compile(r"\\[uU]")
# IGNORECASE on a str pattern also folds look-alikes (U+017F ſ is an s): stricter, never looser.
_SERVICE = re.compile("service", re.IGNORECASE)
_FORM_HEAD = re.compile(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_FROM = re.compile(r"\bFROM\b", re.IGNORECASE)
_IRI_OR_STRING = re.compile(
    r"""<[^<>"{}|^`\\\x00-\x20]*>|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*'"""
)
_COMMENT = re.compile(r"#[^\n\r]*")
# Oxigraph's parser recurses per nested bracket and overflows its stack (a crash, not an
# error) near 10,000 levels; rdflib's gives up near 30. Counted over the whole text, strings
# included: an upper bound, judged before any parser runs.
MAX_NESTING = 256


@dataclass(frozen=True)
class JudgedQuery:
    """A query the guard let through: `text` is exactly what the engine must execute."""

    text: str
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE


def check_query(text: str, prefixes: Mapping[str, str] | None = None) -> str:
    """The query form of a read-only, local SPARQL query, or UnsafeQuery / MalformedQuery."""
    return judge_query(text, prefixes).form


def judge_query(
    text: str, prefixes: Mapping[str, str] | None = None, engine: str = "rdflib"
) -> JudgedQuery:
    """The canonical text and form of a read-only, local query; run that text, not `text`.

    `prefixes` are those the store declares, so queries may use them without PREFIX lines.
    `engine` is the parser that will execute it: "oxigraph" (its parser judges the grammar;
    the form is read from the head and confirmed by the result) or "rdflib".
    """
    canonical = canonical_text(text)
    _refuse_service_word(canonical)
    _refuse_deep_nesting(canonical)
    if engine == "oxigraph":
        return _judge_lexically(canonical)
    try:
        tree = parseQuery(canonical)
    except ParseException as exc:
        _refuse_update(canonical)
        raise MalformedQuery(_syntax_message(exc)) from exc
    except RecursionError as exc:  # pyparsing recurses ~40 frames per nested group
        raise MalformedQuery(_TOO_DEEP) from exc
    if _contains(tree, "ServiceGraphPattern"):
        raise UnsafeQuery(_SERVICE_MESSAGE)  # unreachable while the word is refused; kept
    if _contains(tree, "DatasetClause"):
        # rdflib would fetch a FROM graph it does not hold (URL or file); Oxigraph ignores FROM
        # when the default graph is the union. Neither is what the analyst meant.
        raise UnsafeQuery(_FROM_MESSAGE)
    try:
        query = translateQuery(tree, initNs=dict(prefixes or {}))
    except RecursionError as exc:
        raise MalformedQuery(_TOO_DEEP) from exc
    except Exception as exc:  # rdflib raises bare Exception, e.g. for an unknown prefix
        raise MalformedQuery(f"SPARQL error: {exc}") from exc
    return JudgedQuery(canonical, _FORMS[query.algebra.name])


def canonical_text(text: str) -> str:
    """`text` with its code-point escapes expanded once; refused if any escape is left or an
    escape names no character."""

    def expand(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or code == 0:
            raise MalformedQuery(
                f"SPARQL syntax error: {match.group(0)} is not a character; "
                "write the character itself"
            )
        return chr(code)

    canonical = _ESCAPE.sub(expand, text)
    if "\x00" in canonical:
        raise MalformedQuery("SPARQL syntax error: the query holds a NUL character")
    leftover = _LEFTOVER_ESCAPE.search(canonical)
    if leftover:
        raise UnsafeQuery(
            f"the query holds {leftover.group(0)} at {_where(canonical, leftover.start())} "
            "that is not a complete \\uXXXX or \\UXXXXXXXX escape (or is one spelled by "
            "another escape); SPARQL engines read such text differently, so it is refused: "
            "write the character itself"
        )
    return canonical


_FROM_MESSAGE = (
    "FROM and FROM NAMED are not allowed: they could fetch data from the network, and the "
    "default graph already is the union of all graphs; read one graph with GRAPH <iri> { … } "
    "instead"
)
_TOO_DEEP = (
    "the query nests groups or brackets too deeply to parse; flatten it"
)
_SERVICE_MESSAGE = (
    "SERVICE is not allowed: queries run on the local graph only and never reach the network; "
    "remove the SERVICE block"
)


def _refuse_service_word(text: str) -> None:
    found = _SERVICE.search(text)
    if found:
        raise UnsafeQuery(
            f"{_SERVICE_MESSAGE}. The word {found.group(0)!r} at {_where(text, found.start())} "
            "is refused anywhere, even inside a string, an IRI or a comment, because a SPARQL "
            'engine may read it as a SERVICE call; to match text holding it, write e.g. '
            'REGEX(?label, "servic[e]", "i")'
        )


def _judge_lexically(text: str) -> JudgedQuery:
    start = _PROLOGUE.match(text).end()  # type: ignore[union-attr]
    if _UPDATE_HEAD.match(text, start):
        _refuse_update(text)
    head = _FORM_HEAD.match(text, start)
    if head is None:  # not a query Oxigraph will run either: its parser says why
        return JudgedQuery(text, "SELECT")
    brace = text.find("{", head.end())
    between = text[head.end() : len(text) if brace < 0 else brace]
    if _FROM.search(_COMMENT.sub(" ", _IRI_OR_STRING.sub(" ", between))):
        raise UnsafeQuery(_FROM_MESSAGE)
    return JudgedQuery(text, head.group(1).upper())


def _refuse_deep_nesting(text: str) -> None:
    depth = deepest = 0
    for char in text:
        if char in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")}]":
            depth -= 1
    if deepest > MAX_NESTING:
        raise MalformedQuery(_TOO_DEEP)


def _where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def _refuse_update(text: str) -> None:
    try:
        request = parseUpdate(text)
        operations = [_UPDATE_NAMES.get(op.name, op.name) for op in request.request]
    except Exception:  # not a well-formed update either: judge it by its first keyword
        head = _UPDATE_HEAD.match(text, _PROLOGUE.match(text).end())  # type: ignore[union-attr]
        operations = [head.group(1).upper()] if head else []
    if operations:
        raise UnsafeQuery(
            f"SPARQL Update ({', '.join(operations)}) is not allowed: the graph is read-only "
            "here; send a SELECT, ASK, CONSTRUCT or DESCRIBE query"
        )


def _syntax_message(exc: ParseException) -> str:
    message = re.sub(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)$", "", str(exc))
    return (
        f"SPARQL syntax error at line {exc.lineno}, column {exc.col}: {message}\n"
        f"  {exc.line}\n  {' ' * (exc.col - 1)}^"
    )


def _contains(node: object, name: str) -> bool:
    # Walk the parse tree, not the text: FROM inside a literal or a comment is harmless.
    if isinstance(node, CompValue):
        return node.name == name or any(_contains(v, name) for v in node.values())
    if isinstance(node, ParseResults | list | tuple):
        return any(_contains(v, name) for v in node)
    return False
