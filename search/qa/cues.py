"""Cue words of questions, in Chinese and English: answer types, relations, and the question's
own phrasing (which, how many, which year, where). Tables over the ontology's own vocabulary,
shared by slot reading, intent choice and keyword extraction.
"""

from __future__ import annotations

import re

TYPE_WORDS: list[tuple[str, tuple[str, ...], str]] = [
    (r"大学|高校|院校|\buniversit(?:y|ies)\b|\bcolleges?\b", ("Organization",), "大学"),
    (
        r"使馆|领事馆|领馆|\bembass(?:y|ies)\b|\bconsulates?\b|\bconsular\b",
        ("Organization",),
        "馆",
    ),
    (
        r"媒体|外媒|新闻机构|新闻单位|\bmedia\b|\bnewspapers?\b|\bnews agenc(?:y|ies)\b"
        r"|\bnews outlets?\b|\bpress\b",
        ("Organization",),
        "",
    ),
    (
        r"企业|公司|集团|\bcompan(?:y|ies)\b|\benterprises?\b|\bfirms?\b|\bbusiness(?:es)?\b",
        ("Enterprise",),
        "",
    ),
    (r"港口|海港|\bports?\b|\bharbou?rs?\b|\bseaports?\b", ("Enterprise",), ""),
    (r"友城|友好城市|姊妹城市|城市|\bcit(?:y|ies)\b|\btowns?\b", ("City",), ""),
    (r"首都|(?<!registered )\bcapital\b", ("City",), ""),
    (
        r"国家|哪(?:几|一)?国|\bcountr(?:y|ies)\b|\bnations?\b|\bstates\b",
        ("Country",),
        "",
    ),
    (
        r"外长会|(?<![国际])会议|会谈|活动|论坛|展会|博览会|\bevents?\b|\bmeetings?\b|\bforums?\b"
        r"|\bactivit(?:y|ies)\b|\btalks\b|\bconferences?\b|\bfairs?\b|\bexpos?\b",
        ("Event",),
        "",
    ),
    (
        r"平台|倡议|示范区|试验区|\bplatforms?\b|\binitiatives?\b|\bzones?\b",
        ("Initiative",),
        "",
    ),
    (
        r"机构|组织(?!国)|单位|学院|\borgani[sz]ations?\b|\binstitutions?\b|\bbod(?:y|ies)\b"
        r"|\bschools?\b|\bsecretariats?\b",
        ("Organization", "Enterprise", "Initiative"),
        "",
    ),
    (r"合作伙伴|伙伴|\bpartners?\b", ("City", "Country", "Enterprise", "Organization"), ""),
    (r"省|地区|区市|\bregions?\b|\bprovinces?\b|\bdistricts?\b", ("Region",), ""),
]
# relation cue words -> predicates
RELATION_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (
        r"结好|友城|友好城市|姊妹城市|友好关系|sister[- ]cit|twin|friendship[- ]cit",
        ("sisterCityOf",),
    ),
    (r"意向书|letter of intent", ("sisterCityOf", "signedAgreementWith")),
    (
        r"签署|签订|签约|协议|协定|\bsign|agreement|\bdeal\b|\baccord\b|\bink\b|conclude",
        ("signedAgreementWith",),
    ),
    (r"建交|邦交|外交关系|diplomatic", ("diplomaticRelationsWith",)),
    (r"报道|报导|report(?:ed)? (?:on|about)|cover(?:ed)?\b|wrote about", ("reportedBy",)),
    (
        r"参加|参与|出席|应邀|participat|take part|took part|attend|join(?!ed the)",
        ("participatedIn",),
    ),
    (
        r"举行|举办|召开|承办|\bheld\b|\bhold\b|\bhost|took place|take place",
        ("heldIn", "participatedIn"),
    ),
    (
        r"合作|交流|交往|协作|携手|往来|cooperat|collaborat|work(?:s|ed)? with"
        r"|partner(?:s|ed)? with",
        ("cooperatesWith",),
    ),
    (
        r"落户|落地|settled|located its project|set up in|\blanded\b",
        ("projectSettledIn", "supportsGoal"),
    ),
    (r"主办|组织|organi[sz]ed by|organi[sz]er|hosted by", ("organisedBy",)),
]
# the question's own phrasing: what kind of answer it wants. 哪几个 asks which, not how many.
QUANTITY = re.compile(
    r"多少|(?<![哪第])几(?:个|家|座|场|名|位|次|件|人)|how many|number of|how much"
)
COUNTRY_OF = re.compile(
    r"哪个国家|哪国|哪一个国家|哪一国|所在国|\bwhich country\b|\bwhat country\b"
    r"|\bin which country\b|\bwhat nation\b|\bwhich nation\b"
)
CAPITAL = re.compile(r"首都|(?<!registered )\bcapital\b")
YEAR_ASKED = re.compile(r"哪一年|哪年|何年|什么时候|\bwhich year\b|\bwhat year\b|\bwhen\b")
WHERE = re.compile(r"哪里|何处|在哪|什么地方|\bwhere\b")
MENTIONED = re.compile(r"提到|提及|出现|列出|列举|\bmentioned\b|\bnamed\b|\bappear|\blist\b")
WHO = re.compile(r"谁|\bwho\b|\bwhom\b|\bwhose\b")
SUPPORT = re.compile(
    r"支持|服务|助力|支撑|support|serv(?:e|es|ing)\b(?! as)|contribut|\bback(?:s|ed)?\b|\bhelp"
)
GOAL_WORD = re.compile(r"目标|goal|objective|\baims?\b")
MEMBER = re.compile(r"成员国|成员|加入|member|belong|\bjoined\b")
MEMBERSHIP_PHRASE = re.compile(
    r"成员国|成员|国家|\s+member (?:states|countries)\b|\s+(?:countries|states)\b"
)
DESCRIBE = re.compile(r"介绍|关于|说了什么|情况|tell me about|what do the reports say|describe")
# a relation made in the year asked (新结好, signed in 2023, became sister cities), not one the
# report lists as held already
NEW = re.compile(
    r"新(?:增|建立|结为)|新增|增加|结好|缔结|签署|签订|\bnew(?:ly)?\b|\bbec(?:a|o)me\b"
    r"|\bsign(?:ed)?\b|\btwinned\b|\bestablish(?:ed)?\b|\bgain(?:ed)?\b"
)
PLANNED = re.compile(
    r"计划|拟|意向|将要|打算|准备|\bplan|intend|intent|aim(?:ed)? to|expected to|hoping"
    r"|\btargets?\b|\btargeted\b|prospective"
)
FOREIGN = re.compile(r"外国|国外|境外|海外|国际|foreign|overseas|international")
PARTNER = re.compile(r"合作伙伴|伙伴|partner")
THIS_YEAR = re.compile(r"今年|本年|this year")
LAST_YEAR = re.compile(r"去年|上一年|last year")
CJK = re.compile(r"[\u4e00-\u9fff]")
