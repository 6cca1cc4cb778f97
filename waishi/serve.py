"""A read-only SPARQL 1.1 Protocol endpoint at /sparql over the graph, for scripts and
tools such as YASGUI; every query goes through `search.sparql`'s checks and time limit.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from rdflib import Graph

from search.sparql import negotiate, run_query, serialize
from waishi.errors import MalformedQuery, QueryTimeout, UnsafeQuery, WaishiError
from waishi.settings import Settings

log = logging.getLogger("waishi.serve")

PATH = "/sparql"
MAX_BODY_BYTES = 1024 * 1024  # a query, not an upload: anything larger is a mistake or abuse
_DRAIN_BYTES = 16 * MAX_BODY_BYTES  # read this much of a refused body so the client sees the 413
_CORS = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Max-Age": "86400",
}
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def cors_headers(settings: Settings, origin: str) -> dict[str, str]:
    """CORS headers for a request from `origin`: none unless settings.cors_origins names it
    (or is "*"). Without them a page on another site can send a query but never read the
    answer, which is what an endpoint on the analyst's own machine wants by default."""
    allowed = {o.strip().rstrip("/") for o in settings.cors_origins.split(",") if o.strip()}
    if "*" in allowed:
        return {"Access-Control-Allow-Origin": "*", **_CORS}
    if origin and origin.rstrip("/") in allowed:
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin", **_CORS}
    return {}


def host_allowed(settings: Settings, host_header: str) -> bool:
    """Whether a request's Host names this server. Bound to loopback, only loopback names
    are accepted: a web page whose own name was re-pointed at 127.0.0.1 (DNS rebinding) would
    otherwise read answers as if it were same-origin."""
    if settings.host not in _LOOPBACK:
        return True
    name = host_header.strip().lower()
    name = name[1 : name.find("]")] if name.startswith("[") else name.rsplit(":", 1)[0]
    return not name or name in _LOOPBACK  # no Host at all: not a browser


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    params: dict[str, list[str]]  # from the URL and a form body
    content_type: str = ""
    body: str | None = None  # an application/sparql-query body
    accept: str = ""
    host: str = "127.0.0.1"
    origin: str = ""


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def _text(status: int, message: str) -> Reply:
    return Reply(status, (message.rstrip("\n") + "\n").encode("utf-8"))


def answer(dataset: Graph, settings: Settings, request: Request) -> Reply:
    """The protocol's answer to one request: pure apart from running the query."""
    if not host_allowed(settings, request.host):
        return _text(
            421,
            f"this endpoint answers only requests addressed to {settings.host} or localhost",
        )
    if request.path != PATH:
        return _text(404, f"not found; the SPARQL endpoint is at {PATH}")
    if "update" in request.params or request.content_type == "application/sparql-update":
        return _text(403, "SPARQL Update is not allowed: this endpoint is read-only")
    if request.method == "POST" and request.content_type not in {
        "application/x-www-form-urlencoded",
        "application/sparql-query",
    }:
        return _text(
            415,
            f"unsupported Content-Type {request.content_type or '(none)'!r}; send "
            "application/sparql-query or application/x-www-form-urlencoded with query=",
        )
    if "default-graph-uri" in request.params or "named-graph-uri" in request.params:
        return _text(
            400,
            "default-graph-uri and named-graph-uri are not supported; the default graph is "
            "the union of all graphs: read one graph with GRAPH <iri> { … } in the query",
        )
    queries = [request.body] if request.body is not None else request.params.get("query", [])
    if len(queries) != 1 or not queries[0].strip():
        return _text(
            400,
            "send exactly one SPARQL query: GET ?query=…, POST query=… as "
            "application/x-www-form-urlencoded, or POST it as application/sparql-query",
        )
    try:
        result = run_query(
            dataset,
            queries[0],
            timeout_s=settings.query_timeout_s,
            max_rows=settings.max_result_rows,
        )
        requested = [v for key in ("format", "output") for v in request.params.get(key, [])]
        fmt = negotiate(request.accept, result.form, requested)
        body, media_type = serialize(result, fmt)
    except (UnsafeQuery, MalformedQuery) as exc:
        return _text(403 if isinstance(exc, UnsafeQuery) else 400, str(exc))
    except QueryTimeout as exc:
        return _text(503, str(exc))
    except WaishiError as exc:
        return _text(500, str(exc))
    headers = {"Vary": "Accept"}
    if result.truncated:
        # The result formats have no field for it; tell scripts in a header.
        headers["Waishi-Truncated"] = f"first {settings.max_result_rows} rows"
    return Reply(200, body, media_type, headers)


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True  # a stuck client must not keep the process from exiting

    def __init__(self, dataset: Graph, settings: Settings) -> None:
        self.dataset = dataset
        self.settings = settings
        super().__init__((settings.host, settings.sparql_port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}{PATH}"


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = "WaishiSPARQL/0.1"
    timeout = 60  # seconds a client may idle mid-request before its thread is freed

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        try:
            params = parse_qs(url.query, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            self._send(_text(400, "the URL's parameters are not valid UTF-8"))
            return
        self._answer(Request("GET", url.path, params, accept=self.headers.get("Accept", ""),
                             **self._where_from()))

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        header = Message()
        header["Content-Type"] = self.headers.get("Content-Type", "")
        content_type = header.get_content_type() if self.headers.get("Content-Type") else ""
        charset = header.get_param("charset") or "utf-8"
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._send(_text(411, "send a Content-Length with the request body"))
            return
        if length > MAX_BODY_BYTES:
            self._drain(length)
            self._send(_text(413, f"the request body is over {MAX_BODY_BYTES} bytes"))
            return
        raw = self.rfile.read(length)
        try:
            params = parse_qs(url.query, keep_blank_values=True, errors="strict")
            body = None
            if content_type == "application/x-www-form-urlencoded":
                text = raw.decode(str(charset))
                for key, values in parse_qs(text, keep_blank_values=True, errors="strict").items():
                    params.setdefault(key, []).extend(values)
            elif content_type == "application/sparql-query":
                body = raw.decode(str(charset))
        except (UnicodeDecodeError, LookupError):
            self._send(_text(400, f"the request body is not valid {charset} text"))
            return
        accept = self.headers.get("Accept", "")
        self._answer(
            Request("POST", url.path, params, content_type, body, accept, **self._where_from())
        )

    def _where_from(self) -> dict[str, str]:
        return {"host": self.headers.get("Host", ""), "origin": self.headers.get("Origin", "")}

    def do_OPTIONS(self) -> None:  # CORS preflight from browser tools such as YASGUI
        self._send(Reply(204, b""))

    def _answer(self, request: Request) -> None:
        try:
            reply = answer(self.server.dataset, self.server.settings, request)
        except Exception:
            log.exception("SPARQL request failed: %s %s", request.method, request.path)
            reply = _text(500, "internal error; the server log has the details")
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        headers = {**cors_headers(self.server.settings, self.headers.get("Origin", "")),
                   **reply.headers}
        if reply.status != 204:  # a 204 must not carry a Content-Length
            headers["Content-Length"] = str(len(reply.body))
        if reply.body:
            headers["Content-Type"] = reply.content_type
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def _drain(self, length: int) -> None:
        # Closing with the body unread would reset the connection before the client reads
        # our 413; read (and drop) a bounded amount first.
        self.close_connection = True
        left = min(length, _DRAIN_BYTES)
        with contextlib.suppress(OSError):
            while left > 0 and (chunk := self.rfile.read(min(left, 1 << 16))):
                left -= len(chunk)

    def log_message(self, format: str, *args: object) -> None:
        log.info("%s %s", self.address_string(), format % args)


def make_server(dataset: Graph, settings: Settings) -> SparqlServer:
    """A server bound to settings.host:settings.sparql_port (port 0: any free port)."""
    try:
        return SparqlServer(dataset, settings)
    except OSError as exc:
        raise WaishiError(
            f"cannot listen on {settings.host}:{settings.sparql_port} ({exc}); is another "
            "server running there? set sparql_port (WAISHI_SPARQL_PORT) to a free port"
        ) from exc


def serve(dataset: Graph, settings: Settings) -> None:
    """Serve until interrupted (Ctrl-C)."""
    server = make_server(dataset, settings)
    if settings.host not in {"127.0.0.1", "localhost", "::1"}:
        log.warning("the SPARQL endpoint has no authentication and listens on %s", settings.host)
    print(f"Waishi SPARQL endpoint (read-only) at {server.url}; Ctrl-C to stop", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
