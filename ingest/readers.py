"""Readers: turn a report file (txt, md, html, docx, pdf) into a `Document` of plain text.

Encoding is detected (UTF-8 with or without BOM, GBK/GB18030, Big5/Big5-HKSCS, UTF-16); bad input
raises `UnreadableDocument` with a message saying what to do, whatever the parser underneath raised.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from ingest.model import Document
from waishi.errors import UnreadableDocument

SUPPORTED = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# A .docx may unpack to this many times the upload limit, counted on the bytes that actually come
# out of the archive (its own sizes may lie): images unpack to about their packed size, and the XML
# of a report's text stays within a few times the text. Its text, like a PDF's, may not pass the
# upload limit itself.
UNPACKED_PER_BYTE = 5
_CHUNK = 1 << 20
_YEAR = re.compile(r"(20\d\d)\s*年")
_DATE = re.compile(r"(20\d\d)-\d\d-\d\d")


def read_document(
    path: Path,
    *,
    encoding: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    source_path: str = "",
) -> Document:
    """Read one report; the document id is the file name's stem, `source_path` (by default
    the path as given) says where it came from."""
    if not path.is_file():
        raise UnreadableDocument(f"{path}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableDocument(f"{path}: the file is empty")
    if size > max_bytes:
        raise UnreadableDocument(
            f"{path}: {size} bytes is over the limit of {max_bytes}; split the report "
            "or raise max_upload_bytes"
        )
    raw = path.read_bytes()
    return document_from_bytes(
        raw, path.name, encoding=encoding, source_path=source_path or str(path), max_bytes=max_bytes
    )


def document_from_bytes(
    raw: bytes,
    filename: str,
    *,
    encoding: str | None = None,
    source_path: str = "",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Document:
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED:
        raise UnreadableDocument(
            f"{filename}: unsupported format {suffix or '(none)'}; "
            f"use one of {', '.join(SUPPORTED)}"
        )
    if not raw.strip():
        raise UnreadableDocument(f"{filename}: the file is empty")
    if suffix == ".docx":
        text, fmt = _docx_text(raw, filename, max_bytes), "docx"
    elif suffix == ".pdf":
        text, fmt = _pdf_text(raw, filename, max_bytes), "pdf"
    else:
        decoded = decode_text(raw, filename, encoding)
        if suffix in (".html", ".htm"):
            text, fmt = _html_text(decoded), "html"
        else:
            text, fmt = decoded, suffix.lstrip(".")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ")
    if not text.strip():
        raise UnreadableDocument(f"{filename}: no text found in the file")
    title = next((line.strip() for line in text.splitlines() if line.strip()), filename)
    return Document(
        doc_id=document_id(filename),
        title=title[:200],
        text=text,
        source_path=source_path or filename,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        year=_report_year(text),
        fmt=fmt,
    )


def document_id(filename: str) -> str:
    """A stable, IRI-safe id from the file name: ASCII stems stay readable, others are hashed."""
    stem = Path(filename).stem
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-")
    if slug and slug == stem:
        return slug
    digest = hashlib.sha1(stem.encode("utf-8")).hexdigest()[:10]
    return f"{slug}-{digest}" if slug else f"doc-{digest}"


def decode_text(raw: bytes, filename: str, encoding: str | None = None) -> str:
    if encoding:
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise UnreadableDocument(f"{filename}: cannot decode as {encoding}: {exc}") from exc
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if b"\x00" in raw:  # UTF-8 and GB18030 text never holds NUL: UTF-16 without a BOM, or binary
        little = raw.count(b"\n\x00") + raw.count(b" \x00") >= raw.count(b"\x00\n") + raw.count(
            b"\x00 "
        )
        for codec in ("utf-16-le", "utf-16-be") if little else ("utf-16-be", "utf-16-le"):
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text):
                return text
        raise UnreadableDocument(
            f"{filename}: looks binary (many NUL bytes); is it a text report? "
            "If it is UTF-16, pass --encoding utf-16"
        )
    decoded: str | None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = _decode_chinese(raw)
    if decoded is not None and _looks_like_text(decoded):
        return decoded
    raise UnreadableDocument(
        f"{filename}: cannot detect the encoding (tried UTF-8, GB18030/GBK, Big5/Big5-HKSCS, "
        "UTF-16); pass --encoding NAME"
    )


# Big5 and GBK share their byte ranges, so most text in one also decodes in the other, as
# nonsense (Big5 read as GBK gives kana and rare characters: `カ快2022厨(ゅ)`). charset-normalizer
# judges which decoding reads as language; Big5 is then decoded as Big5-HKSCS (Hong Kong's
# superset) or as Microsoft's cp950 (the euro sign and a few more), whichever holds every byte.
_FAMILIES = {"gb18030": ("gb18030",), "big5hkscs": ("big5hkscs", "cp950"),
             "cp950": ("big5hkscs", "cp950")}


def _decode_chinese(raw: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=list(_FAMILIES)).best()
    for codec in _FAMILIES.get(best.encoding if best else "", ()):
        with contextlib.suppress(UnicodeDecodeError):
            return raw.decode(codec)
    return None


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls / len(text) < 0.01


class _TextCollector(HTMLParser):
    _SKIP = frozenset({"script", "style", "head", "noscript"})
    _BLOCK = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _html_text(markup: str) -> str:
    collector = _TextCollector()
    collector.feed(markup)
    text = "".join(collector.parts)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def _docx_text(raw: bytes, filename: str, max_bytes: int) -> str:
    _check_unpacked(raw, filename, UNPACKED_PER_BYTE * max_bytes)
    import docx

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises several unrelated types on bad files
        raise UnreadableDocument(f"{filename}: not a readable .docx ({_one_line(exc)})") from exc
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    _check_text_size(text, filename, max_bytes)
    return text


def _check_unpacked(raw: bytes, filename: str, limit: int) -> None:
    """Unpack every member of the archive as a stream, a chunk at a time, counting the bytes
    that come out, and stop past `limit`. The sizes an archive declares are not trusted: a part
    that unpacks past its declared size fails its CRC check, one that declares too much is
    counted as it comes. What passes unpacks to at most `limit`, so reading it again is bounded."""
    unpacked = 0
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            for info in archive.infolist():
                with archive.open(info) as part:
                    while chunk := part.read(_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > limit:
                            raise UnreadableDocument(
                                f"{filename}: unpacks to over {limit} bytes; refusing a possible "
                                "zip bomb"
                            )
    except UnreadableDocument:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
            ValueError, OSError) as exc:  # bad CRC, truncated, unknown method, encrypted
        raise UnreadableDocument(
            f"{filename}: not a valid .docx (a damaged zip archive: {_one_line(exc)})"
        ) from exc


def _pdf_text(raw: bytes, filename: str, max_bytes: int) -> str:
    """The PDF's text, page by page. pypdf bounds each stream it unpacks (its Configuration
    limits); the text as a whole may not pass the upload limit. A damaged PDF makes pypdf
    raise nearly anything (TypeError, NotImplementedError, LimitReachedError, RecursionError…):
    each is one line saying the file is unreadable."""
    from pypdf import PdfReader

    pages: list[str] = []
    size = 0
    try:
        with _quiet_pypdf():
            reader = PdfReader(io.BytesIO(raw))
            for page in reader.pages:
                pages.append(page.extract_text() or "")
                size += len(pages[-1].encode("utf-8"))
                _check_text_size_bytes(size, filename, max_bytes)
    except UnreadableDocument:
        raise
    except Exception as exc:
        raise UnreadableDocument(
            f"{filename}: not a readable PDF ({type(exc).__name__}: {_one_line(exc)})"
        ) from exc
    return "\n".join(pages)


@contextlib.contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf reports what it repairs as log warnings and Python warnings; a damaged file gets
    the one line its error makes, not a screenful."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _check_text_size(text: str, filename: str, max_bytes: int) -> None:
    _check_text_size_bytes(len(text.encode("utf-8")), filename, max_bytes)


def _check_text_size_bytes(size: int, filename: str, max_bytes: int) -> None:
    if size > max_bytes:
        raise UnreadableDocument(
            f"{filename}: its text is over the limit of {max_bytes} bytes; split the report "
            "or raise max_upload_bytes"
        )


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def _report_year(text: str) -> int | None:
    """The year a report speaks of: its title's year, else its publication date's."""
    head = text[:300]
    match = _YEAR.search(head) or _DATE.search(head)
    return int(match.group(1)) if match else None
