"""Cue words of questions, in Chinese and English: answer types, relations, intents. Tables
over the ontology's own vocabulary, shared by question understanding and keyword extraction.
"""

from __future__ import annotations

import re

TYPE_WORDS: list[tuple[str, tuple[str, ...], str]] = [
    (r"港口|\bports?\b|\bharbou?rs?\b", ("Enterprise",), "港"),
    (r"大学|高校|\buniversit(?:y|ies)\b", ("Organization",), "大学"),
    (r"使馆|领事馆|\bembass(?:y|ies)\b|\bconsulates?\b", ("Organization",), "馆"),
    (r"媒体|\bmedia\b|\bnewspapers?\b|\bnews agenc(?:y|ies)\b", ("Organization",), ""),
    (
        r"企业|公司|集团|\bcompan(?:y|ies)\b|\benterprises?\b|\bfirms?\b|\bbusiness(?:es)?\b",
        ("Enterprise",),
        "",
    ),
    (r"友城|友好城市|城市|\bcit(?:y|ies)\b|\btowns?\b", ("City",), ""),
    (r"国家|\bcountr(?:y|ies)\b|\bnations?\b|\bstates\b", ("Country",), ""),
    (
        r"外长会|(?<![国际])会议|活动|论坛|展会|\bevents?\b|\bmeetings?\b|\bforums?\b|\bactivit(?:y|ies)\b",
        ("Event",),
        "",
    ),
    (
        r"机构|组织(?!国)|单位|\borgani[sz]ations?\b|\binstitutions?\b|\bbod(?:y|ies)\b",
        ("Organization", "Enterprise", "Initiative"),
        "",
    ),
    (r"合作伙伴|伙伴|\bpartners?\b", ("City", "Country", "Enterprise", "Organization"), ""),
    (r"省|地区|区市|\bregions?\b|\bprovinces?\b|\bdistricts?\b", ("Region",), ""),
]
# relation cue words -> predicates
RELATION_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (r"结好|友城|友好城市|姊妹城市|sister[- ]cit|twin", ("sisterCityOf",)),
    (r"意向书|letter of intent", ("sisterCityOf", "signedAgreementWith")),
    (r"签署|签订|协议|协定|sign|agreement", ("signedAgreementWith",)),
    (r"建交|diplomatic", ("diplomaticRelationsWith",)),
    (r"报道|report(?:ed)? (?:on|about)|cover", ("reportedBy",)),
    (r"参加|参与|出席|应邀|participat|take part|took part|attend|join", ("participatedIn",)),
    (r"举行|举办|召开|\bheld\b|\bhold\b|\bhost", ("heldIn", "participatedIn")),
    (r"合作|交流|交往|cooperat|collaborat|work(?:s|ed)? with|partner with", ("cooperatesWith",)),
    (r"落户|settled|located its project|set up in", ("projectSettledIn", "supportsGoal")),
    (r"主办|组织|organi[sz]ed by|organi[sz]er|hosted by", ("organisedBy",)),
]
QUANTITY = re.compile(r"多少|几个|几家|how many|number of|how much")
COUNTRY_OF = re.compile(r"哪个国家|哪国|哪一个国家|which country|what country|in which country")
SUPPORT = re.compile(r"支持|服务|助力|support|serv(?:e|ing)|contribut")
GOAL_WORD = re.compile(r"目标|goal|objective|aim")
MEMBER = re.compile(r"成员国|成员|member")
MEMBERSHIP_PHRASE = re.compile(
    r"成员国|成员|国家|\s+member (?:states|countries)\b|\s+(?:countries|states)\b"
)
DESCRIBE = re.compile(r"介绍|关于|说了什么|情况|tell me about|what do the reports say|describe")
# a relation made in the year asked (新结好, signed in 2023, became sister cities), not one the
# report lists as held already
NEW = re.compile(
    r"新(?:增|建立|结为)|结好|缔结|签署|签订|\bnew(?:ly)?\b|\bbec(?:a|o)me\b|\bsign(?:ed)?\b"
    r"|\btwinned\b"
)
PLANNED = re.compile(r"计划|拟|意向|将要|打算|\bplan|intend|intent|aim to")
FOREIGN = re.compile(r"外国|国外|境外|国际|合作伙伴|伙伴|foreign|overseas|partner|international")
THIS_YEAR = re.compile(r"今年|本年|this year")
LAST_YEAR = re.compile(r"去年|上一年|last year")
CJK = re.compile(r"[\u4e00-\u9fff]")
