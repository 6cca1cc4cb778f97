"""Messages of the Documents tab in the page's terms: bilingual, without the server's paths,
with advice an analyst can follow in the page (the readers' advice is written for the CLI)."""

from __future__ import annotations

import re

# An absolute server path (a temporary upload folder, the store): only its last part is the
# analyst's business.
_PATH = re.compile(r"(?<![\w.])/(?:[^\s/:;,'\"]+/)+([^\s/:;,'\"]+)")

# (what a reader says, what the page says instead); the first that matches wins.
_ADVICE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"the file is empty"),
     "文件是空的 · the file is empty: choose the report itself and upload it again"),
    (re.compile(r"looks binary.*", re.S),
     "看起来是二进制文件，不是文本报告 · this looks like a binary file, not a text report: "
     "upload the original .docx or .pdf, or save the text as UTF-8 and upload that"),
    (re.compile(r"cannot detect the encoding.*", re.S),
     "无法识别编码 · cannot tell the text's encoding: save the report as UTF-8 (for example "
     "Notepad → Save as → Encoding: UTF-8) and upload it again"),
    (re.compile(r"cannot decode as .*", re.S),
     "无法解码 · the text does not decode: save the report as UTF-8 and upload it again"),
    (re.compile(r"unsupported format (\S+?);.*", re.S),
     r"不支持的格式 \1 · unsupported format \1: upload .txt, .md, .html, .docx or .pdf"),
    (re.compile(r"(\d+) bytes is over the limit of (\d+).*", re.S),
     "文件太大 · the file is over the size limit: split the report into parts and upload them"),
    (re.compile(r"no text found in the file"),
     "文件中没有文字 · no text in the file (a scanned PDF?): upload a version with text"),
    (re.compile(r"not a (?:valid|readable) \.docx.*", re.S),
     "无法读取 .docx · not a readable .docx: open and save it again in Word, or upload a PDF"),
    (re.compile(r"(the id '[^']+' is already taken by \S+?);.*", re.S),
     r"名称已被占用 · \1: rename the file, or remove that report first (Documents → remove)"),
    (re.compile(r"not a readable PDF.*", re.S),
     "无法读取 PDF · not a readable PDF: save it again, or upload the .docx"),
)


def without_paths(text: str) -> str:
    """The text with every absolute path cut to its last part (the file's name)."""
    return _PATH.sub(lambda m: m.group(1), text)


def page_message(message: str) -> str:
    """A reader's message about one file, for the page: the file's name, then what to do."""
    text = without_paths(message).strip()
    name, sep, reason = text.partition(": ")
    if not sep:
        name, reason = "", text
    for pattern, advice in _ADVICE:
        found = pattern.search(reason)
        if found:
            said = found.expand(advice)
            return f"{name}: {said}" if name else said
    said = f"无法读取 · cannot read: {reason}"
    return f"{name}: {said}" if name else said


def ingest_message(message: str) -> str:
    """The ingest report for the page: each failure line in the page's terms."""
    lines = []
    for line in without_paths(message).split("\n"):
        if line.startswith("⚠️ ") and "拒绝 refused" not in line:  # the app's own: as it is
            lines.append("⚠️ " + page_message(line[len("⚠️ "):]))
        else:
            lines.append(line)
    return "\n".join(lines)
