"""Readers on real files of every supported format and encoding, made by the tests."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from ingest.readers import document_id, read_document
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


def test_document_ids_are_stable_and_iri_safe() -> None:
    assert document_id("qingdao-2022.txt") == "qingdao-2022"
    chinese = document_id("青岛外办报告.docx")
    assert chinese == document_id("青岛外办报告.pdf")
    assert chinese.startswith("doc-") and chinese.isascii()
