"""A read-only SPARQL 1.1 Protocol endpoint at /sparql over the graph, for scripts and
tools such as YASGUI. This process only speaks HTTP; every query is judged, run and
serialised by a worker of a fixed pool (search/query_pool.py), within its time, memory and
row limits, on the newest snapshot of the store (so a writer beside it is never blocked).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from search.query_pool import PoolBusy, QueryPool
from search.query_worker import QueryJob, WorkerConfig
from waishi.errors import QueryTimeout, QueryTooLarge, WaishiError
from waishi.settings import Settings

log = logging.getLogger("waishi.serve")

PATH = "/sparql"
MAX_BODY_BYTES = 1024 * 1024  # a query, not an upload: anything larger is a mistake or abuse
_DRAIN_BYTES = 16 * MAX_BODY_BYTES  # read this much of a refused body so the client sees the 413
_DRAIN_S = 5.0  # … for at most this long between two reads
_CORS = {
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept",
    "Access-Control-Max-Age": "86400",
}
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_DIGITS = re.compile(r"[0-9]{1,19}")
RETRY_AFTER_S = 1
_MAX_HEADER_LINE = 65536  # as http.client's limits
_MAX_HEADERS = 100


def start_pool(settings: Settings) -> QueryPool:
    """The query workers for a server, started and warmed (before it opens its socket)."""
    config = WorkerConfig(
        settings.store,
        str(settings.store_dir),
        settings.store_query_endpoint,
        settings.store_update_endpoint,
        settings.query_memory_mb,
    )
    # more workers than cores: a worker waits on the pipe between two queries (measured on 2
    # cores: 2 workers 325 req/s, 4 workers 395)
    size = settings.query_workers or (os.cpu_count() or 2) + 2
    return QueryPool(config, size, settings.query_queue)


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


def answer(pool: QueryPool, settings: Settings, request: Request) -> Reply:
    """The protocol's answer to one request; the query itself runs in a pool worker."""
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
    requested = tuple(v for key in ("format", "output") for v in request.params.get(key, []))
    job = QueryJob(queries[0], request.accept, requested, settings.max_result_rows,
                   settings.query_timeout_s)
    try:
        # long enough for a running query to reach its limit and its worker to be replaced
        reply = pool.submit(job, wait_s=2 * settings.query_timeout_s + 10)
    except PoolBusy as exc:
        busy = _text(503, f"the server is busy: {exc}")
        return Reply(busy.status, busy.body, headers={"Retry-After": str(RETRY_AFTER_S)})
    except (QueryTimeout, QueryTooLarge) as exc:
        return _text(503, str(exc))
    except WaishiError as exc:
        return _text(500, str(exc))
    return Reply(reply.status, reply.body, reply.content_type, dict(reply.headers))


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True  # a stuck client must not keep the process from exiting

    def __init__(self, pool: QueryPool, settings: Settings) -> None:
        self.pool = pool
        self.settings = settings
        self.request_queue_size = settings.listen_backlog  # socketserver's default is 5
        super().__init__((settings.host, settings.sparql_port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}{PATH}"


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    raw_requestline: bytes
    server_version = "WaishiSPARQL/0.1"
    protocol_version = "HTTP/1.1"  # keep-alive: a script's next query skips the handshake
    # Headers and body leave in two writes: with Nagle's algorithm the body waited for the
    # client's delayed ACK of the headers, 40 ms on every keep-alive request (measured).
    disable_nagle_algorithm = True
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
        content_type, charset = media_type(self.headers.get("Content-Type", ""))
        lengths = self.headers.get_all("Content-Length") or []
        if self.headers.get("Transfer-Encoding") or not lengths:
            self.close_connection = True
            self._send(_text(411, "send the request body with a Content-Length (not chunked)"))
            return
        if len(set(lengths)) != 1 or not _DIGITS.fullmatch(lengths[0].strip()):
            # -1 once read the whole stream (400 MB) past the cap; a length must be digits
            self.close_connection = True
            self._send(_text(400, f"bad Content-Length {', '.join(lengths)!r}: send one "
                                  "non-negative whole number of bytes"))
            return
        length = int(lengths[0])
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            self._send(_text(413, f"the request body is over {MAX_BODY_BYTES} bytes"))
            self._drain(length)
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
            reply = answer(self.server.pool, self.server.settings, request)
        except Exception:
            log.exception("SPARQL request failed: %s %s", request.method, request.path)
            reply = _text(500, "internal error; the server log has the details")
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        headers = {**cors_headers(self.server.settings, self.headers.get("Origin", "")),
                   **reply.headers}
        if reply.status != 204:  # a 204 must not carry a Content-Length
            headers["Content-Length"] = str(len(reply.body))
        if reply.body:
            headers["Content-Type"] = reply.content_type
        if self.close_connection:
            headers["Connection"] = "close"
        self.log_request(reply.status)
        # The status line, headers and body in one write (one system call, one packet for a
        # small answer): http.server's send_header path cost more than the HTTP parsing.
        lines = [f"{self.protocol_version} {reply.status} {_phrase(reply.status)}",
                 f"Server: {self.server_version}", f"Date: {_http_date()}"]
        lines += [f"{key}: {value}" for key, value in headers.items()]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "strict")
        with contextlib.suppress(ConnectionError):  # the client left: nobody to tell
            self.wfile.write(head + reply.body)

    def _drain(self, length: int) -> None:
        # The answer is sent; closing with the body unread would reset the connection before
        # a client still sending it reads that answer, so read (and drop) a bounded amount,
        # for a bounded time.
        left = min(length, _DRAIN_BYTES)
        with contextlib.suppress(OSError):
            self.connection.settimeout(_DRAIN_S)
            while left > 0 and (chunk := self.rfile.read1(min(left, 1 << 16))):
                left -= len(chunk)

    def log_message(self, format: str, *args: object) -> None:
        if log.isEnabledFor(logging.INFO):
            log.info("%s %s", self.address_string(), format % args)

    def parse_request(self) -> bool:
        """http.server's, with the headers read into a plain mapping: its email parser cost
        more than all the rest of a request's HTTP (measured). Returns False after sending
        the error, as the original does."""
        self.command = None  # type: ignore[assignment]
        self.request_version = self.default_request_version
        self.close_connection = True
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        words = self.requestline.split()
        if len(words) != 3 or not words[2].startswith("HTTP/"):
            return super().parse_request()  # HTTP/0.9, bad syntax: the original's answers
        command, path, version = words
        if version not in ("HTTP/1.0", "HTTP/1.1"):
            return super().parse_request()
        self.close_connection = version == "HTTP/1.0"
        self.request_version = version
        self.command, self.path = command, path
        if self.path.startswith("//"):
            self.path = "/" + self.path.lstrip("/")
        headers = Headers()
        while True:
            line = self.rfile.readline(_MAX_HEADER_LINE + 1)
            if len(line) > _MAX_HEADER_LINE:
                self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Line too long")
                return False
            if line in (b"\r\n", b"\n", b""):
                break
            if len(headers) >= _MAX_HEADERS:
                self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers")
                return False
            name, colon, value = line.decode("iso-8859-1").partition(":")
            if not colon or not name or name != name.strip() or line[:1] in b" \t":
                self.send_error(HTTPStatus.BAD_REQUEST, "Bad header line")
                return False
            headers.add(name, value.strip())
        self.headers = headers  # type: ignore[assignment]
        connection = headers.get("Connection", "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive":
            self.close_connection = False
        expects = headers.get("Expect", "").lower() == "100-continue" and version == "HTTP/1.1"
        return not expects or self.handle_expect_100()


class Headers:
    """A request's header fields: `get` the first value of a name (any case), `get_all`."""

    def __init__(self) -> None:
        self._fields: dict[str, list[str]] = {}
        self._count = 0

    def add(self, name: str, value: str) -> None:
        self._fields.setdefault(name.lower(), []).append(value)
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def get(self, name: str, default: str = "") -> str:
        values = self._fields.get(name.lower())
        return values[0] if values else default

    def get_all(self, name: str) -> list[str] | None:
        return self._fields.get(name.lower())


def media_type(header: str) -> tuple[str, str]:
    """The media type of a Content-Type value (lower case; "" when there is none) and its
    charset parameter (utf-8 when it names none)."""
    kind, *params = header.split(";")
    charset = "utf-8"
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip('"'):
            charset = value.strip().strip('"')
    return kind.strip().lower(), charset


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


_date: tuple[int, str] = (0, "")


def _http_date() -> str:
    """The Date header's value, formatted once a second."""
    global _date
    now = int(time.time())
    if _date[0] != now:
        _date = (now, formatdate(now, usegmt=True))
    return _date[1]


def make_server(pool: QueryPool, settings: Settings) -> SparqlServer:
    """A server bound to settings.host:settings.sparql_port (port 0: any free port)."""
    try:
        return SparqlServer(pool, settings)
    except OSError as exc:
        raise WaishiError(
            f"cannot listen on {settings.host}:{settings.sparql_port} ({exc}); is another "
            "server running there? set sparql_port (WAISHI_SPARQL_PORT) to a free port"
        ) from exc


def exposed_warning(settings: Settings, what: str) -> str | None:
    """A one-line warning when `what` would listen beyond this machine, else None."""
    if settings.host in _LOOPBACK:
        return None
    return (
        f"warning: {what} listens on {settings.host}, so other machines can reach it; set "
        "WAISHI_HOST=127.0.0.1 to keep it on this one"
    )


def run_server(settings: Settings, announce: Callable[[str], None]) -> None:
    """Start the workers, then the server; `announce` its URL; serve until Ctrl-C or SIGTERM,
    then stop the workers."""
    pool = start_pool(settings)  # warm, before the socket opens
    try:
        server = make_server(pool, settings)
        announce(server.url)
        signal.signal(signal.SIGTERM, _interrupt)  # stop as on Ctrl-C
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    finally:
        pool.close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
