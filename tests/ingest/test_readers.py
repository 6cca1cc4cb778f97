"""Readers on real files of every supported format and encoding, made by the tests."""

from __future__ import annotations

import collections
import io
import random
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.readers import (
    DEFAULT_MAX_BYTES,
    UNPACKED_PER_BYTE,
    document_from_bytes,
    document_id,
    read_document,
)
from tests.conftest import CORPUS, ROOT
from waishi.errors import UnreadableDocument

TEXT = "青岛市外办2022年工作报告\n今年,我市与吉尔吉斯斯坦首都比什凯克结好。\n"


@pytest.mark.parametrize(
    "encoding, prefix",
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("gbk", b""),
        ("gb18030", b""),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),
    ],
)
def test_encodings_decode_to_the_same_text(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(prefix + TEXT.encode(encoding))
    document = read_document(path)
    assert document.text == TEXT
    assert document.year == 2022
    assert document.title == "青岛市外办2022年工作报告"


def test_markdown_and_html(tmp_path: Path) -> None:
    (tmp_path / "r.md").write_text("# 标题\n\n" + TEXT, encoding="utf-8")
    assert "比什凯克" in read_document(tmp_path / "r.md").text
    html = (
        "<html><head><style>p{}</style><script>var x='不要';</script></head>"
        f"<body><p>{TEXT}</p></body></html>"
    )
    (tmp_path / "r.html").write_text(html, encoding="gbk")
    text = read_document(tmp_path / "r.html").text
    assert "比什凯克" in text and "不要" not in text


def test_docx(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for line in TEXT.splitlines():
        document.add_paragraph(line)
    document.save(str(tmp_path / "r.docx"))
    assert read_document(tmp_path / "r.docx").text.strip() == TEXT.strip()


def test_pdf(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    figure = Figure()
    figure.text(0.1, 0.5, "Qingdao twinned with Bishkek in 2022")
    with PdfPages(tmp_path / "r.pdf") as pdf:
        pdf.savefig(figure)
    assert "Bishkek" in read_document(tmp_path / "r.pdf").text


@pytest.mark.parametrize(
    "name, payload, message",
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"   \n  ", "empty"),
        ("binary.txt", bytes(range(256)) * 40, "binary"),
        ("latin.txt", "Déjà vu, naïve café".encode("cp1252") + b"\x81\x8d\x8f", "encoding"),
        ("report.xls", b"not a report", "unsupported format"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "docx"),
        ("broken.pdf", b"%PDF-1.4 garbage", "PDF"),
    ],
)
def test_bad_input_gets_a_clear_message(
    tmp_path: Path, name: str, payload: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(payload)
    with pytest.raises(UnreadableDocument, match=message):
        read_document(path)


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(TEXT.encode() * 100)
    with pytest.raises(UnreadableDocument, match="over the limit"):
        read_document(path, max_bytes=1000)


def test_docx_zip_bomb_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (210 * 1024 * 1024))
    path = tmp_path / "bomb.docx"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(UnreadableDocument, match="zip bomb"):
        read_document(path)


# -- zip bombs that lie, measured on what they unpack to -------------------------------------------

_PARAGRAPH = "<w:p><w:r><w:t>青岛与曼海姆(德国)签署友好合作备忘录。</w:t></w:r></w:p>".encode()


def _deflated(head: bytes, block: bytes, repeats: int, tail: bytes) -> tuple[bytes, int, int]:
    """A raw deflate stream of head + block * repeats + tail, its CRC-32 and true size, made in
    a moment: after a full flush the compressor forgets what came before, so the block's
    compressed bytes decode alone and can be repeated."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    segment = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    end = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(block, crc)
    return start + segment * repeats + end, zlib.crc32(tail, crc), (
        len(head) + len(block) * repeats + len(tail))


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip archive of deflated members (name, data, crc, size it declares), written by hand so
    that a member can declare any size."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, crc, declared in members:
        offset, encoded = out.tell(), name.encode()
        fields = (20, 0, 8, 0, 0x21, crc, len(data), declared, len(encoded), 0)
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields) + encoded + data)
        central.write(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, offset)
                      + encoded)
    start = out.tell()
    out.write(central.getvalue())
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members),
                          central.tell(), start, 0))
    return out.getvalue()


def docx_bomb(unpacked: int, declared: int | None = None) -> bytes:
    """A real .docx (python-docx's blank document) whose body repeats one paragraph until it
    unpacks to `unpacked` bytes; its archive declares `declared` bytes for it (default: true)."""
    import docx

    blank = io.BytesIO()
    docx.Document().save(blank)
    members = []
    with zipfile.ZipFile(blank) as source:
        for name in source.namelist():
            raw = source.read(name)
            if name == "word/document.xml":
                head, tail = raw.split(b"<w:sectPr", 1)
                block = _PARAGRAPH * ((1 << 20) // len(_PARAGRAPH))
                data, crc, size = _deflated(head, block, unpacked // len(block),
                                            b"<w:sectPr" + tail)
                members.append((name, data, crc, size if declared is None else declared))
            else:
                data, crc, size = _deflated(raw, b"", 0, b"")
                members.append((name, data, crc, size))
    return _zip(members)


def _read_with_memory_limit(path: Path, limit: int) -> str:
    """Read `path` in a child process whose address space is capped at `limit` bytes; returns
    what it printed: the document's length, or the error."""
    code = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))\n"
        "from pathlib import Path\n"
        "from ingest.readers import read_document\n"
        "from waishi.errors import UnreadableDocument\n"
        "try:\n"
        f"    print('read', len(read_document(Path({str(path)!r})).text))\n"
        "except UnreadableDocument as exc:\n"
        "    print('refused', exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_a_bomb_that_declares_a_small_size_is_refused_without_unpacking(tmp_path: Path) -> None:
    # 1.5 GB of XML in 5 MB, declared as 2 KB: the old guard summed the declared sizes and let it
    # through, and zipfile's read() then unpacked all of it at once (2.1 GB peak)
    path = tmp_path / "liar.docx"
    path.write_bytes(docx_bomb(1500 << 20, declared=2048))
    assert path.stat().st_size < DEFAULT_MAX_BYTES
    with zipfile.ZipFile(path) as archive:
        assert sum(info.file_size for info in archive.infolist()) < 1 << 20
    out = _read_with_memory_limit(path, 1 << 30)
    assert out.startswith("refused liar.docx: not a valid .docx (a damaged zip archive: Bad CRC")


def test_a_bomb_that_declares_its_true_size_is_refused_at_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "honest.docx"
    path.write_bytes(docx_bomb(UNPACKED_PER_BYTE * DEFAULT_MAX_BYTES + (8 << 20)))
    out = _read_with_memory_limit(path, 1 << 30)
    assert out.startswith("refused honest.docx: unpacks to over ") and "zip bomb" in out


def test_a_docx_under_the_cap_reads_and_its_text_is_held_to_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "long.docx"
    path.write_bytes(docx_bomb(3 << 20))
    text = read_document(path).text
    assert text.count("青岛与曼海姆(德国)签署友好合作备忘录。") == len(text.splitlines())
    assert len(text.encode()) > 1 << 20
    with pytest.raises(UnreadableDocument, match="its text is over the limit of 1048576 bytes"):
        read_document(path, max_bytes=1 << 20)  # unpacks to under 5 x 1 MiB, its text over 1 MiB


# -- damaged PDFs ----------------------------------------------------------------------------------


def pdf_bytes(lines: list[str]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    buffer = io.BytesIO()
    with PdfPages(buffer) as pdf:
        for line in lines:
            figure = Figure()
            figure.text(0.1, 0.5, line)
            pdf.savefig(figure)
    return buffer.getvalue()


def mutants(raw: bytes, count: int, seed: int) -> Iterator[bytes]:
    """Damaged copies: bytes flipped, cut out, inserted, and PDF tokens dropped in at random."""
    rng = random.Random(seed)
    tokens = [b" 0 R", b"<<", b">>", b"[", b"]", b"/Length 999999", b"stream", b"endobj", b"-1",
              b"1e308"]
    for _ in range(count):
        data = bytearray(raw)
        for _ in range(rng.randint(1, 20)):
            at, kind = rng.randrange(len(data)), rng.random()
            if kind < 0.5:
                data[at] = rng.randrange(256)
            elif kind < 0.7:
                del data[at : at + rng.randint(1, 50)]
            elif kind < 0.85:
                data[at:at] = rng.randbytes(rng.randint(1, 20))
            else:
                data[at:at] = rng.choice(tokens)
        yield bytes(data)


def test_every_damaged_pdf_reads_or_is_refused_in_one_line(
    capfd: pytest.CaptureFixture[str],
) -> None:
    good = pdf_bytes([f"Qingdao twinned with Bishkek in {2020 + k}" for k in range(3)])
    kinds: collections.Counter[str] = collections.Counter()
    for k, raw in enumerate(mutants(good, 400, seed=19)):
        try:
            document_from_bytes(raw, f"mutant-{k}.pdf")
            kinds["read"] += 1
        except UnreadableDocument as exc:
            message = str(exc)
            assert "\n" not in message and message.startswith(f"mutant-{k}.pdf: ")
            kinds[message.split("(")[1].split(":")[0] if "(" in message else message[-20:]] += 1
    # pypdf raised types other than its own on some (the old reader let those escape)
    assert kinds["NotImplementedError"] and kinds["LimitReachedError"], kinds
    assert kinds["read"] > 100, kinds
    assert "WARNING" not in capfd.readouterr().err  # pypdf's repair notes are not printed


# -- Big5 ------------------------------------------------------------------------------------------

TRADITIONAL = (
    "青島市外事辦公室2022年工作報告\n"
    "今年，我市與吉爾吉斯斯坦首都比什凱克結為友好城市，並與德國曼海姆簽署合作備忘錄。\n"
    "港口方面，青島港與美國長灘港續簽友好港協議，推動中歐班列穩定運行。\n"
)
HONG_KONG = "香港嘅企業喺深圳投資，啲合作項目好多。\n青島同香港簽署經貿合作協議。\n"


@pytest.mark.parametrize(
    "text, encoding",
    [(TRADITIONAL, "big5"), (TRADITIONAL, "cp950"), (TRADITIONAL, "big5hkscs"),
     (TRADITIONAL + "門票收入€1200。\n", "cp950"), (HONG_KONG, "big5hkscs"),
     (TRADITIONAL, "gbk"), (TRADITIONAL, "gb18030")],
    ids=["big5", "cp950", "big5hkscs", "cp950-euro", "hong-kong", "gbk", "gb18030"],
)
def test_traditional_chinese_is_read_in_big5_and_gbk(
    tmp_path: Path, text: str, encoding: str
) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode(encoding))
    document = read_document(path)
    assert document.text == text
    assert document.title == text.splitlines()[0]


def test_hong_kong_characters_are_outside_plain_big5() -> None:
    with pytest.raises(UnicodeEncodeError):
        HONG_KONG.encode("big5")
    with pytest.raises(UnicodeEncodeError):
        HONG_KONG.encode("cp950")


REPORTS = sorted([*CORPUS.glob("*.txt"), *(ROOT / "tests/data/unseen/reports").glob("*.txt")])


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.stem)
def test_whole_reports_keep_their_encoding_simplified_and_traditional(report: Path) -> None:
    import opencc

    simplified = report.read_text(encoding="utf-8")
    traditional = opencc.OpenCC("s2tw").convert(simplified)  # Taiwan forms: all in Big5
    cases = [(simplified, "gbk"), (simplified, "gb18030"), (traditional, "gb18030"),
             (traditional, "big5"), (traditional, "cp950"), (traditional, "big5hkscs")]
    for text, encoding in cases:
        for size in (len(text), 200, 40):  # the whole report, and its first lines
            part = text[:size].encode(encoding)
            decoded = document_from_bytes(part, "r.txt").text
            assert decoded == text[:size].replace("\u3000", " ").replace("\r\n", "\n"), (
                encoding, size)


def test_document_ids_are_stable_and_iri_safe() -> None:
    assert document_id("qingdao-2022.txt") == "qingdao-2022"
    chinese = document_id("青岛外办报告.docx")
    assert chinese == document_id("青岛外办报告.pdf")
    assert chinese.startswith("doc-") and chinese.isascii()
