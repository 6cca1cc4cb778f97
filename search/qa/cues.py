"""Cue words of questions, in Chinese and English: answer types, relations, and the question's
own phrasing (which, how many, which year, where). Tables over the ontology's own vocabulary,
shared by slot reading, intent choice and keyword extraction.
"""

from __future__ import annotations

import re

from ingest import terms

# The words for classes and relations come from the shared vocabulary (ingest/terms.toml, also
# read by extraction); below are only the question's own additions and readings.
PARTIES = ("City", "Country", "Enterprise", "Organization")
# question words for a class that ingest/terms.toml does not list (to move there)
EXTRA_ASK: dict[str, list[str]] = {
    "Organization": [
        "院校", "领馆", "外媒", "新闻机构", "新闻单位", "外办", "委员会", r"\bcolleges?\b",
        r"\bconsular\b", r"\bnews outlets?\b", r"\bpress\b", r"\bschools?\b",
        r"\bsecretariats?\b", r"\boffices?\b", r"\bcommittees?\b", r"\bassociations?\b",
        "网站", r"\bwebsites?\b",  # a site credited as a page's source (来源:…网) is a medium
    ],
    "Enterprise": ["海港", r"\bseaports?\b"],
    "City": ["姊妹城市", "首都", r"(?<!registered )\bcapital\b"],
    "Country": ["哪(?:几|一)?国", "邻国"],
    "Event": [
        "会谈", "博览会", r"\btalks\b", r"\bconferences?\b", r"\bfairs?\b", r"\bexpos?\b",
    ],
    "Initiative": [
        "平台", "倡议", "示范区", "试验区", r"\bplatforms?\b", r"\binitiatives?\b", r"\bzones?\b",
    ],
}
# words that ask for more than one class: a 单位 may be a company or a zone's administration
BROAD_ASK: list[tuple[list[str], tuple[str, ...]]] = [
    (
        [
            "机构", "组织(?!国)", "单位", "学院", r"\borgani[sz]ations?\b", r"\binstitutions?\b",
            r"\bbod(?:y|ies)\b",
        ],
        ("Organization", "Enterprise", "Initiative"),
    ),
    (["合作伙伴", "伙伴", r"\bpartners?\b"], PARTIES),
]
CLASSES = ("Organization", "Enterprise", "City", "Country", "Event", "Initiative", "Region")


def _type_words() -> list[tuple[str, tuple[str, ...], str]]:
    broad = {w for words, _ in BROAD_ASK for w in words}
    found: list[tuple[str, tuple[str, ...], str]] = []
    for kind in CLASSES:
        asked = (*terms.words(kind, "ask_zh"), *terms.words(kind, "ask_en"))
        words = [w for w in (*asked, *EXTRA_ASK.get(kind, [])) if w not in broad]
        if words:
            found.append(("|".join(dict.fromkeys(words)), (kind,), ""))
    found.extend(("|".join(words), kinds, "") for words, kinds in BROAD_ASK)
    return found


# answer type words: (pattern, types, "") — a kind within the type (港口, 大学) is read from the
# graph's names by `Lexicon.name_head`
TYPE_WORDS = _type_words()

# relation words of questions beyond ingest/terms.toml's `ask` (to move there), and what each
# relation asks for: a meeting held somewhere has participants, a settled project serves a goal
EXTRA_RELATION: dict[str, list[str]] = {
    "sisterCityOf": ["友好关系", "friendship[- ]cit"],
    "signedAgreementWith": ["签约", r"\bdeal\b", r"\baccord\b", r"\bink\b", "conclude"],
    "diplomaticRelationsWith": ["邦交", "外交关系"],
    "reportedBy": ["报导", r"cover(?:ed)?\b", "wrote about"],
    "participatedIn": [],
    "heldIn": ["承办", "took place", "take place"],
    "cooperatesWith": ["协作", "携手", "往来", r"partner(?:s|ed)? with"],
    "projectSettledIn": ["落地", r"\blanded\b"],
    "organisedBy": [],
}
_READS_AS = {
    "heldIn": ("heldIn", "participatedIn"),
    "projectSettledIn": ("projectSettledIn", "supportsGoal"),
}


def _relation_words() -> list[tuple[str, tuple[str, ...]]]:
    found: list[tuple[str, tuple[str, ...]]] = []
    for predicate, extra in EXTRA_RELATION.items():
        words = [*terms.words(predicate, "ask"), *extra]
        if predicate == "participatedIn":  # joined the SCO is membership, not taking part
            words = [w if w != "join" else "join(?!ed the)" for w in words]
        found.append(("|".join(dict.fromkeys(words)), _READS_AS.get(predicate, (predicate,))))
        if predicate == "sisterCityOf":  # a letter of intent to twin is both
            found.append((r"意向书|letter of intent", ("sisterCityOf", "signedAgreementWith")))
    return found


# relation cue words -> predicates
RELATION_WORDS = _relation_words()
# the question's own phrasing: what kind of answer it wants. 哪几个 asks which, not how many.
QUANTITY = re.compile(
    r"多少|(?<![哪第])几(?:个|家|座|场|名|位|次|件|人)|how many|number of|how much"
)
COUNTRY_OF = re.compile(
    r"哪个国家|哪国|哪一个国家|哪一国|所在国|\bwhich country\b|\bwhat country\b"
    r"|\bin which country\b|\bwhat nation\b|\bwhich nation\b"
)
# a country tied to the named thing by what was done (与哪个国家合作, 在哪个国家访问期间, in
# which country did Guangxi hold): asked for its part in that, not as where the thing is
COUNTRY_OF_ACT = re.compile(
    r"(?:与|和|同|跟)哪(?:个|一)?国"
    r"|在哪(?:个|一)?国家?(?:访问|出访|举办|举行|签署|签订|召开|考察|参加)"
    r"|\bwith (?:which|what) (?:country|nation)\b|\b(?:which|what) (?:country|nation) did\b"
)
CAPITAL = re.compile(r"首都|(?<!registered )\bcapital\b")
YEAR_ASKED = re.compile(r"哪一年|哪年|何年|什么时候|\bwhich year\b|\bwhat year\b|\bwhen\b")
WHERE = re.compile(r"哪里|何处|在哪(?![个些家所座一几])|什么地方|\bwhere\b")
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
# a question after one thing (哪个城市, which city is, what is): a text answer gives the best only
ONE = re.compile(
    r"哪(?:个|座|家|所|一|位|项|次|场)|什么(?!样)|\bwhich (?:\w+ )?(?:city|country|company|"
    r"organi[sz]ation|event|forum|university|port|province|region|year|one)\b|\bwhat is\b"
    r"|\bwhat year\b|\bwhen\b|\bwhere\b"
)
THIS_YEAR = re.compile(r"今年|本年|this year")
LAST_YEAR = re.compile(r"去年|上一年|last year")
CJK = re.compile(r"[\u4e00-\u9fff]")
