"""Generic gaps found on foreign-affairs reports of other cities (Chengdu, Suzhou, Xi'an style):
each test is a short sentence of that kind that the seeds did not exercise."""

from __future__ import annotations

from tests.ingest.test_extraction import entities, extract, facts


def _labels(kind: str, body: str) -> set[str]:
    return {label for label, (t, _) in entities(extract(body)).items() if t == kind}


def test_event_heads_for_games_weeks_festivals_and_contests() -> None:
    found = _labels(
        "Event",
        "市外办做好第十二届世界大学生冬季运动会外宾服务，举办中国—东盟青年交流周、"
        "丝路国际艺术节和“外国友人眼中的烟台”摄影大赛。",
    )
    assert {
        "第十二届世界大学生冬季运动会",
        "中国—东盟青年交流周",
        "丝路国际艺术节",
        "“外国友人眼中的烟台”摄影大赛",
    } <= found
    # 大学生 is no 大学: no university named 第十二届世界大学
    assert not any(
        label.endswith("世界大学")
        for label in _labels("Organization", "举办第十二届世界大学生冬季运动会。")
    )


def test_straight_quotes_are_unified() -> None:
    found = _labels("Event", '举办"魅力烟台"国际青少年夏令营。')
    assert "“魅力烟台”国际青少年夏令营" in found


def test_hosting_verbs_are_not_part_of_the_name() -> None:
    found = _labels(
        "Event", "成功承办中国—南亚地方合作论坛昆明分论坛，高水平办好2024烟台国际友城大会。"
    )
    assert found >= {"中国—南亚地方合作论坛昆明分论坛", "2024烟台国际友城大会"}
    assert not any(label.startswith(("成功", "高水平")) for label in found)


def test_side_events_of_a_summit_are_not_a_name() -> None:
    found = _labels("Event", "配合做好中国—东盟峰会相关配套活动和中国国际进口博览会烟台配套活动。")
    assert "中国—东盟峰会" in found
    assert not any(label.endswith("活动") for label in found)


def test_online_dialogue_meeting_is_one_head() -> None:
    found = _labels("Event", "组织奥克兰(新西兰)、长崎(日本)等友城代表参加线上对话会。")
    assert not any("代表" in label for label in found)


def test_airlines_and_airports_are_enterprises() -> None:
    found = _labels(
        "Enterprise", "服务航空枢纽方面，支持山东航空、烟台蓬莱国际机场加密航线，发展航空物流。"
    )
    assert {"山东航空", "烟台蓬莱国际机场"} <= found
    assert not any(label.startswith("航空") or label.endswith("物流") for label in found)


def test_institution_suffixes() -> None:
    found = _labels(
        "Organization",
        "支持烟台大熊猫繁育研究基地、烟台市博物馆与奥地利美泉宫动物园开展交流，"
        "配合中韩(烟台)产业园联合协调理事会开展工作。",
    )
    assert {"烟台大熊猫繁育研究基地", "烟台市博物馆", "奥地利美泉宫动物园"} <= found
    assert any(label.endswith("联合协调理事会") and label.startswith("中韩") for label in found)


def test_country_and_a_bare_institution_is_no_name() -> None:
    found = _labels("Organization", "支持烟台市博物馆与法国、英国博物馆开展文物交流。")
    assert "烟台市博物馆" in found
    assert "英国博物馆" not in found


def test_province_office_is_not_the_home_office() -> None:
    ex = extract("配合广东省外办做好接待工作，市外办全程参与。")
    found = entities(ex)
    assert found["广东省外办"][0] == "Organization"
    assert "烟台市外办" in found


def test_listed_universities_all_sign_and_their_cities_are_not_partners() -> None:
    ex = extract("推动鲁东大学、海洋工程技术大学与韩国釜山大学签署合作备忘录。")
    found = entities(ex)
    assert found["海洋工程技术大学"][0] == "Organization"
    assert "釜山" not in found  # a city in a university's name is no partner city
    assert {
        ("鲁东大学", "signedAgreementWith", "韩国釜山大学"),
        ("海洋工程技术大学", "signedAgreementWith", "韩国釜山大学"),
    } <= facts(ex)


def test_last_head_noun_types_an_enumeration() -> None:
    ex = extract("推动烟台与乌兹别克斯坦撒马尔罕等上合组织国家城市建立友好关系。")
    found = entities(ex)
    assert found["撒马尔罕"] == ("City", "UZ")
    assert not any(t == "Country" and label.endswith("撒马尔罕") for label, (t, _) in found.items())
    assert ("烟台", "sisterCityOf", "撒马尔罕") in facts(ex)


def test_unknown_city_in_brackets_whose_tail_is_a_city_elsewhere() -> None:
    # 克伦 is Keren (Eritrea) in the reference; 帕雷克伦(比利时) is a Belgian city it lacks
    found = entities(extract("与帕雷克伦（比利时）、南特（法国）等城市保持往来。"))
    assert found["帕雷克伦"] == ("City", "BE")
    assert found["南特"] == ("City", "FR")
    assert found["比利时"] == ("Country", "BE")


def test_enumeration_item_with_country_note_keeps_its_country() -> None:
    found = entities(extract("与里尔（法国）、图尔库（芬兰）等城市开展交流。"))
    assert found["图尔库"] == ("City", "FI")
    assert found["芬兰"] == ("Country", "FI")


def test_country_pair_before_a_home_place_note() -> None:
    ex = extract("以烟台中韩(烟台)产业合作示范区为依托，服务中德（烟台）中小企业合作区建设。")
    found = entities(ex)
    initiatives = {label for label, (t, _) in found.items() if t == "Initiative"}
    assert {"中韩(烟台)产业合作示范区", "中德(烟台)中小企业合作区"} <= initiatives
    assert found["韩国"][0] == "Country" and found["德国"][0] == "Country"


def test_long_zone_name_after_a_visit_verb() -> None:
    found = _labels(
        "Initiative", "组织驻华使节参观中国（广东）自由贸易试验区深圳前海蛇口片区，推介营商环境。"
    )
    assert "中国(广东)自由贸易试验区深圳前海蛇口片区" in found


def test_demonstration_base_is_an_initiative() -> None:
    found = _labels("Initiative", "配合上海合作组织经贸学院培训示范基地举办培训班。")
    assert any(label.endswith("培训示范基地") for label in found)


def test_listed_sister_cities_are_sister_cities_but_not_the_rest_of_the_sentence() -> None:
    ex = extract(
        "深化与奥克兰(新西兰)、长崎(日本)等友城合作，推动与罗马(意大利)等历史名城开展文化交流。"
    )
    got = facts(ex)
    assert {("烟台", "sisterCityOf", "奥克兰"), ("烟台", "sisterCityOf", "长崎")} <= got
    assert ("烟台", "sisterCityOf", "罗马") not in got


def test_friendship_memorandum_names_sister_cities_of_its_segment_only() -> None:
    ex = extract(
        "今年,我市与德国汉诺威等城市保持线上交流,新与塞尔维亚首都贝尔格莱德等城市签署友好合作备忘录。"
    )
    got = facts(ex)
    assert ("烟台", "sisterCityOf", "贝尔格莱德") in got
    assert ("烟台", "sisterCityOf", "汉诺威") not in got


def test_participants_of_one_verb_do_not_take_part_in_the_next_clause() -> None:
    ex = extract(
        "与哈萨克斯坦、乌兹别克斯坦等上合组织国家开展地方合作，举办中国—中亚媒体合作论坛。"
    )
    assert not any(p == "participatedIn" for _, p, _ in facts(ex))


def test_more_event_heads_camps_fairs_festivals_and_years() -> None:
    found = _labels(
        "Event",
        "举办“中韩友城青少年交流营”、第十届烟台国际啤酒节，参加德国汉诺威国际工业展，"
        "办好中日地方合作交流年系列活动。",
    )
    assert {
        "中韩友城青少年交流营",
        "第十届烟台国际啤酒节",
        "德国汉诺威国际工业展",
        "中日地方合作交流年",
    } <= found


def test_countries_listed_before_a_mission_share_it() -> None:
    found = _labels("Organization", "组织泰国、日本、韩国驻青岛总领事馆和驻烟商会参观考察。")
    assert {"泰国驻青岛总领事馆", "日本驻青岛总领事馆", "韩国驻青岛总领事馆"} <= found
    assert not any(label.startswith("驻") for label in found)


def test_home_office_span_covers_a_three_character_city() -> None:
    ex = extract("哈尔滨市外办牵头做好服务。", title="哈尔滨市外办2023年工作总结")
    office = [m for m in ex.mentions if m.entity.label_zh == "哈尔滨市外办"]
    assert office and all(m.surface == "哈尔滨市外办" for m in office)


def test_sister_city_total_is_counted_as_sister_cities() -> None:
    ex = extract("我市国际友好城市总数达到31个，友好合作关系城市达到27个。")
    nouns = {
        f.object: dict(f.qualifiers).get("noun") for f in ex.facts if f.predicate == "quantity"
    }
    assert nouns["31"] == "友城"  # as 国际友城总数达到N个 is, so one question finds both


def test_a_name_counted_once_is_not_what_the_next_count_measures() -> None:
    found = facts(extract("今年,我市为企业办理“APEC商务旅行卡”320人次,领事认证2800件。"))
    counts = {(s, o) for s, p, o, *_ in found if p == "quantity"}
    card = next(s for s, o in counts if o == "320")
    assert "APEC" in card
    assert all(s != card for s, o in counts if o == "2800")


def test_the_partners_of_a_signing_are_those_of_its_own_comma_segment() -> None:
    found = facts(
        extract("今年,我市与德国杜伊斯堡等城市保持线上交流,新与匈牙利布达佩斯签署友好合作备忘录。")
    )
    signed = {o for s, p, o in found if p == "signedAgreementWith"}
    assert "布达佩斯" in signed and "杜伊斯堡" not in signed


def test_a_sister_city_cue_inside_an_event_name_twins_nobody() -> None:
    ex = extract(
        "与俄罗斯莫斯科、叶卡捷琳堡等友城恢复线下交往,举办烟台—叶卡捷琳堡友城结好30周年纪念活动。"
    )
    sister = [f for f in ex.facts if f.predicate == "sisterCityOf"]
    assert sister  # the listed partners are the city's sister cities …
    # … already: twinned in some earlier year, which the report does not give
    assert all(dict(f.qualifiers).get("year", "") == "" for f in sister)
