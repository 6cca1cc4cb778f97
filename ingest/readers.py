"""Readers: turn a report file (txt, md, html, docx, pdf) into a `Document` of plain text.

Encoding is detected (UTF-8 with or without BOM, GBK/GB18030, UTF-16); bad input raises
`UnreadableDocument` with a message saying what to do.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from ingest.model import Document
from waishi.errors import UnreadableDocument

SUPPORTED = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_DOCX_UNPACKED = 200 * 1024 * 1024  # a zip bomb unpacks past this
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
        raw, path.name, encoding=encoding, source_path=source_path or str(path)
    )


def document_from_bytes(
    raw: bytes, filename: str, *, encoding: str | None = None, source_path: str = ""
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
        text, fmt = _docx_text(raw, filename), "docx"
    elif suffix == ".pdf":
        text, fmt = _pdf_text(raw, filename), "pdf"
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
    for codec in ("utf-8", "gb18030"):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    raise UnreadableDocument(
        f"{filename}: cannot detect the encoding (tried UTF-8, GB18030/GBK, UTF-16); "
        "pass --encoding NAME"
    )


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


def _docx_text(raw: bytes, filename: str) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile as exc:
        raise UnreadableDocument(f"{filename}: not a valid .docx (not a zip archive)") from exc
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_DOCX_UNPACKED:
        raise UnreadableDocument(
            f"{filename}: unpacks to {unpacked} bytes (limit {MAX_DOCX_UNPACKED}); refusing a "
            "possible zip bomb"
        )
    import docx

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises several unrelated types on bad files
        raise UnreadableDocument(f"{filename}: not a readable .docx ({exc})") from exc
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def _pdf_text(raw: bytes, filename: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        return "\n".join((page.extract_text() or "") for page in reader.pages)
    except (PdfReadError, ValueError, KeyError) as exc:
        raise UnreadableDocument(f"{filename}: not a readable PDF ({exc})") from exc


def _report_year(text: str) -> int | None:
    """The year a report speaks of: its title's year, else its publication date's."""
    head = text[:300]
    match = _YEAR.search(head) or _DATE.search(head)
    return int(match.group(1)) if match else None
