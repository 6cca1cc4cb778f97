"""Names marked off by the writer: a quoted name typed by its own head (“澜湄周” is an event,
“X协会” an organisation) and a publication's title in 《》 (《西望成都》双语杂志).
"""

from __future__ import annotations

import re

from ingest.context import Candidate, DocContext, is_cjk
from ingest.spans import EVENT_HEAD, place_before
from ingest.terms import pattern, words

ORG_SUFFIX = pattern("Organization", "heads")

_QUOTED = re.compile(r"“([^“”]{2,20})”")


# inside quotes a name's last character may head it alone: “澜湄周”, “杭州国际日”, “丝路之夏”,
# and a meeting's short name: “七城会” (the Seventh National City Games)
_QUOTED_EVENT = re.compile(f"(?:{EVENT_HEAD.pattern}|[周日节季]|^[\u4e00-\u9fff]{{2}}会)$")
# a fair's or a games' short name after its year or its edition: 2020青科会, 第二十一届东博会
NUMBERED_SHORT = re.compile(
    r"(?:(?<!\d)\d{4}年?|第[一二三四五六七八九十\d]+届)[\u4e00-\u9fff]{2}会(?![长员议场])"
)
SHORT_EVENT_END = re.compile(f"(?:{NUMBERED_SHORT.pattern})$")  # 2020青科会|、上海进博会…
# a trade fair's short name: a place's one-character abbreviation before 洽会, 博会 or 交会
# (哈洽会, 浙洽会, 西洽会, 东博会, 广交会); not 外交会见, 商洽会谈, 博会长
SHORT_FAIR = re.compile(r"[\u4e00-\u9fff](?:洽|博|(?<!外)交)会(?![见谈议晤场所长员])")


_QUOTED_ORG = re.compile(f"(?:{ORG_SUFFIX.pattern})$")


def recognise_quoted_names(ctx: DocContext) -> None:
    """A quoted name typed by its own head: “澜湄周” and “杭州国际日” are events, “百城计划” an
    initiative (see `recognise_initiatives`), “X协会” an organisation."""
    for match in _QUOTED.finditer(ctx.document.text):
        name = match.group(1)
        if not all(is_cjk(ch) or ch.isalnum() or ch in "—-·" for ch in name):
            continue  # a quoted phrase or slogan, not a name
        if _QUOTED_EVENT.search(name) and (
            not name.endswith("行") or place_before(name, len(name) - 1, ctx)
        ):
            kind = "Event"  # (“两个先行” is a slogan, “山东行” a tour)
        elif _QUOTED_ORG.search(name):
            kind = "Organization"
        else:
            continue
        if kind == "Event" and _QUOTED_ORG.search(name):
            continue  # “商会”: an organisation's head, not a meeting's short name
        ctx.add(Candidate(match.start(1), match.end(1), kind, name, "quoted-name", 0.75))
    text = ctx.document.text
    for match in NUMBERED_SHORT.finditer(text):
        if not _QUOTED_ORG.search(match.group(0)):
            label = match.group(0)
            ctx.add(Candidate(match.start(), match.end(), "Event", label, "short-event", 0.7))
    for match in SHORT_FAIR.finditer(text):
        ctx.add(Candidate(match.start(), match.end(), "Event", match.group(0), "short-event", 0.7))


_TITLE = re.compile(r"《([^《》]{2,30})》")
_PUBLICATION_LENGTH = 16  # a longer title is a document's or an exhibition's, not a medium's


_PUBLICATION = words("Organization", "publication_words")


_DOCUMENT = words("Organization", "document_heads")
_PAPER = words("Organization", "paper_ends")
_TITLED_EVENT = re.compile(f"(?:{EVENT_HEAD.pattern})$")


def recognise_publications(ctx: DocContext) -> None:
    """《X》 names a publication or programme when a medium's word follows it or ends it
    (《西望成都》双语杂志记者, 《人民日报》); the title of a plan or an agreement names none."""
    text = ctx.document.text
    for match in _TITLE.finditer(text):
        title = match.group(1)
        if title.endswith(_DOCUMENT):
            continue
        after = text[match.end() : match.end() + 3]
        if _TITLED_EVENT.search(title) and not title.endswith(_PAPER):
            # 《绣色——大连现代博物馆馆藏绣品展》: an exhibition or a festival by its title
            ctx.add(Candidate(match.start(1), match.end(1), "Event", title, "titled-event", 0.75))
            continue
        if len(title) > _PUBLICATION_LENGTH:
            continue
        if after.startswith(_PUBLICATION) or title.endswith(_PAPER):
            ctx.add(
                Candidate(match.start(1), match.end(1), "Organization", title, "publication", 0.75)
            )
