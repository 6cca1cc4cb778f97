"""News media named where reports and news items credit them: 来源：大众网, 国际在线山东频道消息,
齐鲁网·闪电新闻, 中新网武汉6月29日电, 中国西藏网 > 即时新闻. A name ending in a medium's
head (网, 在线, 报, 社, 台) in such a place is an organisation.
"""

from __future__ import annotations

import re

from ingest.context import Candidate, DocContext
from ingest.spans import after_trigger

_HEAD = r"(?:新闻网|网|在线|日报|晚报|报|通讯社|新闻社|社|电视台|台|杂志)"
_NAME = rf"[\u4e00-\u9fffA-Za-z]{{1,14}}?{_HEAD}"
_CREDITS = (
    # 来源：大众网, 文章来源:华夏经纬网, 稿件来源为: 湖北日报
    re.compile(rf"来源(?:为)?[:：]\s*({_NAME})(?=[\s，,。；;|/]|作者|编辑|责编|$)", re.M),
    # 大众网记者, 国际在线(山东频道)消息, 齐鲁网·闪电新闻, 中国西藏网 > 即时新闻
    re.compile(
        rf"(?<![\u4e00-\u9fff])({_NAME})(?=(?:[\u4e00-\u9fff]{{2,4}}频道)?(?:记者|讯|消息)|[·•]|\s*>)"
    ),
    # 中新网武汉6月29日电, 新华社北京3月5日电, 央广网绍兴5月26日消息, 东南网9月1日讯
    re.compile(
        rf"(?<![\u4e00-\u9fff])({_NAME})[\u4e00-\u9fff]{{0,8}}?\d{{1,2}}月\d{{1,2}}日(?:电|讯|消息)"
    ),
)


def recognise_media(ctx: DocContext) -> None:
    text = ctx.document.text
    for pattern in _CREDITS:
        for match in pattern.finditer(text):
            # 某某作视频致辞四川在线记者: the credit starts after the clause's last verb
            cut = after_trigger(match.group(1), 3, ctx.gazetteer)
            name, start = match.group(1)[cut:], match.start(1) + cut
            if len(name) < 3:
                continue
            ctx.add(Candidate(start, match.end(1), "Organization", name, "media-credit", 0.8))
