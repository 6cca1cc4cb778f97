"""Reading a report as written: Traditional script and full-width forms are read as Simplified
and ASCII, every span still points into the original text; the report's own place is taken
from the report itself; foreign-affairs offices are the offices of the places they name."""

from __future__ import annotations

from ingest.normalise import normalise, read
from tests.ingest.test_extraction import entities, extract, facts


def test_normalised_text_keeps_every_offset() -> None:
    text = "重慶市外辦與白俄羅斯明斯克市簽署協議\n２０２２年ＡＰＥＣ會議"
    read = normalise(text)
    assert len(read) == len(text)
    assert read.startswith("重庆市外办与白俄罗斯明斯克市签署协议\n")
    assert read.endswith("2022年APEC会议")


def test_traditional_names_link_to_the_simplified_entity_with_their_original_spans() -> None:
    body = "今年，我市與白俄羅斯明斯克市結為友好城市。"
    ex = extract(body, title="重慶市外辦2022年工作總結")
    found = entities(ex)
    assert found["白俄罗斯"] == ("Country", "BY")
    assert found["明斯克"] == ("City", "BY")
    assert ("重庆", "sisterCityOf", "明斯克") in facts(ex)
    text = ex.document.text
    for m in ex.mentions:  # surfaces are the report's own characters, at the mention's span
        assert m.surface == text[m.start : m.end]
    assert "白俄羅斯" in {m.surface for m in ex.mentions}
    assert all(s.text == text[s.start : s.end] for s in ex.sentences)


def test_the_home_city_is_the_one_the_title_names() -> None:
    ex = extract(
        "全市外事工作稳步推进，天津市代表团来访。我市与天津开展交流。",
        title="兰州市外办2023年工作总结",
    )
    homes = {m.entity.label_zh for m in ex.mentions if m.rule == "home"}
    assert homes == {"兰州"}


def test_a_visiting_office_in_the_header_is_not_the_author() -> None:
    ex = extract(
        "福建省外办副主任一行来我办调研。座谈会上介绍了杭州市国际友城工作。"
        "市外办将加强与杭州友城的交流。",
        title="福建省外办副主任一行来访",
    )
    offices = {m.entity.label_zh for m in ex.mentions if m.rule == "foreign-affairs-office"}
    assert "杭州市外办" in offices and "福建市外办" not in offices
    assert {m.entity.label_zh for m in ex.mentions if m.rule == "home"} <= {"杭州"}


def test_a_report_that_does_not_say_its_city_resolves_no_home_words() -> None:
    ex = extract("全市外事系统认真落实部署，市外办组织开展培训。", title="2023年工作总结")
    assert not [m for m in ex.mentions if m.rule in ("home", "foreign-affairs-office")]


def test_offices_belong_to_the_places_they_name() -> None:
    ex = extract(
        "市外办会同江苏省外办、兰州市外办举办培训，中央外办有关同志出席，"
        "各地外办和沿海三市外办参加。",
        title="苏州市外办2023年工作总结",
    )
    offices = [
        m.entity.label_zh
        for m in ex.mentions
        if m.rule == "foreign-affairs-office" and m.sentence > 0  # after the title
    ]
    assert offices == ["苏州市外办", "江苏省外办", "兰州市外办", "中央外办"]


def test_the_own_place_by_its_own_abbreviation_only() -> None:
    """来青/驻青 name Qingdao in Qingdao's report; 在青年 does not, nor 成 (Chengdu's first
    character, not its abbreviation) in 在成功举办 of a Chengdu report."""
    ex = extract(
        "邀请外宾来青考察，利用驻青领馆渠道，在青年中开展交流。", title="青岛市外办工作报告"
    )
    abbr = [m.surface for m in ex.mentions if m.rule == "home-abbr"]
    assert abbr == ["青", "青"]
    ex = extract("在成功举办大运会的基础上，组织驻蓉领事机构参观。", title="成都市外办工作报告")
    abbr = [(m.surface, m.entity.label_zh) for m in ex.mentions if m.rule == "home-abbr"]
    assert abbr == [("蓉", "成都")]


def test_a_name_sharing_the_home_city_first_character_is_not_domestic() -> None:
    ex = extract("西门子公司与我市开展合作。", title="西安市外办工作报告")
    assert entities(ex)["西门子公司"] == ("Enterprise", "")


def test_pinyin_readings_inserted_after_characters_are_not_read() -> None:
    """Some sites print a reading after a character: 運(yùn)城市. Extraction reads 运城市; the
    mention's span still covers what the report wrote, reading included."""
    ex = extract(
        "今年，運(yùn)城市與(yǔ)韓國義王市結為友好城市(RCEP)。", title="运城市外办工作总结"
    )
    found = entities(ex)
    assert found["运城"][0] == "City" and found["义王"] == ("City", "KR")
    assert ("运城", "sisterCityOf", "义王") in facts(ex)
    text = ex.document.text
    assert "運(yùn)城市" in {m.surface for m in ex.mentions}
    assert all(m.surface == text[m.start : m.end] for m in ex.mentions)
    assert all(s.text == text[s.start : s.end] for s in ex.sentences)
    assert read("合作(RCEP)与(yǔ)").text == "合作(RCEP)与"


def test_regions_abroad_and_the_cities_named_after_them() -> None:
    """Sister-province reports name regions as often as cities: after a country, as a foreign
    city's county (佩斯州 is no city of Pest), listed with one another, with a city after."""
    ex = extract(
        "今年，我省与蒙古国东戈壁省、匈牙利佩斯州建立友好关系，"
        "与加拿大安大略省伦敦市开展交流，越南派出金瓯省、同塔省代表。",
        title="山西省外办2023年工作总结",
    )
    found = entities(ex)
    assert found["东戈壁省"] == ("Region", "MN")
    assert found["佩斯州"] == ("Region", "HU") and "佩斯" not in found
    assert found["安大略省"] == ("Region", "CA")
    assert found["伦敦"] == ("City", "CA")
    assert found["金瓯省"] == ("Region", "VN") and found["同塔省"] == ("Region", "VN")


def test_no_region_abroad_in_chinese_places_and_ordinary_words() -> None:
    ex = extract(
        "澳大利亚驻广州总领事馆与我市保持联系渠道，沿黄省市代表与韩国铁道博物馆交流。",
        title="郑州市外办2023年工作总结",
    )
    regions = {label for label, (kind, _) in entities(ex).items() if kind == "Region"}
    assert regions == set()


def test_government_bodies_named_by_their_place() -> None:
    ex = extract(
        "大会由云南省人民政府、昆明市人民政府共同主办，市委外委会和德州市政府新闻办协办，"
        "香港政治事务局派员出席，服务国家外交大局，适应国际格局变化。",
        title="聊城市外办2024年工作总结",
    )
    bodies = {m.entity.label_zh for m in ex.mentions if m.rule == "government"}
    assert bodies == {"云南省人民政府", "昆明市人民政府", "德州市政府新闻办", "香港政治事务局"}


def test_party_and_government_offices_of_the_own_city() -> None:
    ex = extract(
        "市委外办、市政府外办联合开展培训，省委外办有关负责同志出席。", title="重庆市外办工作综述"
    )
    offices = [m.entity.label_zh for m in ex.mentions if m.rule == "foreign-affairs-office"]
    assert offices[-2:] == ["重庆市委外办", "重庆市外办"]  # 省委外办: whose province is not said


def test_media_credited_by_the_report() -> None:
    ex = extract(
        "2024-05-01 来源：大众网 作者：记者\n东方网记者 报道\n"
        "中新网兰州5月1日电 今年，物联网建设加快。",
        title="兰州市外办新闻",
    )
    media = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Organization"}
    assert {"大众网", "东方网", "中国新闻网"} <= media  # 中新网 is the reference's alias
    assert "物联网" not in media


def test_list_numbers_dates_bylines_and_clause_openers_are_no_part_of_names() -> None:
    ex = extract(
        "2.2021年全球市长论坛暨世界大都市协会第十三届世界大会在广州举行。\n"
        "一是市委外事工作委员会会议顺利召开。\n"
        "(王五 李四)长江中游城市群国际友城合作论坛开幕。\n"
        "常务副区长王某带队赴德国巴鲁夫控股有限公司洽谈，外交部部长一行访问江西中医药大学。",
        title="广州市外办2021年工作总结",
    )
    labels = set(entities(ex))
    assert "2021年全球市长论坛暨世界大都市协会第十三届世界大会" in labels
    assert "广州市委外事工作委员会" in labels  # the own city's, as 市外办 is
    assert "长江中游城市群国际友城合作论坛" in labels
    assert "江西中医药大学" in labels
    assert any(label.endswith("巴鲁夫控股有限公司") and "带队" not in label for label in labels)
    assert "世界大都市协会" in labels
    assert not [label for label in labels if label[:2] in ("2.", "一是") or label[0] in "(访"]


def test_a_bare_head_after_a_verb_refers_back_and_names_nothing() -> None:
    ex = extract(
        "越南多个省市均派代表出席活动，市长以协会主席身份致辞，RCEP生效落地烟台启动仪式举行。"
    )
    labels = set(entities(ex))
    assert not [label for label in labels if label.endswith(("出席活动", "以协会"))]
    assert "RCEP生效落地烟台启动仪式" in labels


def test_a_listed_city_after_a_country_is_the_city_not_the_phrase() -> None:
    ex = extract("推动代表团赴杭州国际友城瑞士卢加诺、芬兰奥鲁等城市开展合作。")
    found = entities(ex)
    assert found["卢加诺"] == ("City", "CH") and found["瑞士"][0] == "Country"
    assert not [label for label in found if label.startswith("杭州国际友城")]


def test_initiatives_by_city_clusters_corridors_and_named_plans() -> None:
    ex = extract(
        "推进长江中游城市群建设，共建大南昌都市圈，发布武汉倡议，实施国际友城“百城计划”，"
        "参与中蒙俄经济走廊建设，制定2023年工作计划，搭建拉美合作平台。"
    )
    initiatives = {label for label, (kind, _) in entities(ex).items() if kind == "Initiative"}
    assert {
        "长江中游城市群",
        "大南昌都市圈",
        "武汉倡议",
        "百城计划",
        "中蒙俄经济走廊",
    } <= initiatives
    assert not [label for label in initiatives if label.endswith(("工作计划", "合作平台"))]


def test_event_heads_of_meetings_days_tours_and_quoted_names() -> None:
    ex = extract(
        "出席中国与老挝、越南外长会晤和大湄公河次区域经济合作第八次领导人会议，办好“烟台国际日”，"
        "在第7个“澜湄周”之际举办“中美友好在烟台”图片展，开展合作发展山东行活动，"
        "参加高水平国际会议和亚太经合组织相关会议，到银行办理业务。"
    )
    events = {label for label, (kind, _) in entities(ex).items() if kind == "Event"}
    assert {"大湄公河次区域经济合作第八次领导人会议", "烟台国际日", "澜湄周"} <= events
    assert "“中美友好在烟台”图片展" in events
    assert any(label.endswith("山东行") for label in events)
    assert not [label for label in events if "高水平" in label or "相关会议" in label]
    assert not [label for label in events if "银行" in label]


def test_english_names_link_to_the_entities_of_their_chinese_names() -> None:
    ex = extract(
        "今年，我市与突尼斯首都突尼斯市结好。\n"
        "Yantai paired up with Tunis (the capital of Tunisia) and Victoria (the capital of "
        "Seychelles). The Chamber of Commerce and the Enterprise Reading Room opened in Nice.",
    )
    keys = {m.surface: (m.entity.label_zh, m.entity.type) for m in ex.mentions}
    assert keys["Tunis"] == ("突尼斯", "City") and keys["Tunisia"] == ("突尼斯", "Country")
    assert keys["Victoria"][1] == "City" and keys["Seychelles"] == ("塞舌尔", "Country")
    assert keys["Yantai"] == ("烟台", "City")
    tunis = {
        m.entity.key
        for m in ex.mentions
        if m.entity.label_zh == "突尼斯" and m.entity.type == "City"
    }
    assert len(tunis) == 1  # 突尼斯市 and Tunis are one entity
    assert not {"Commerce", "Enterprise", "Reading", "Nice"} & set(keys)


def test_twinned_pairs_each_with_its_own_chinese_place() -> None:
    ex = extract(
        "此次新缔结的友好城市(省州)分别为山西省与蒙古国东戈壁省、湖北省武汉市与泰国曼谷市、"
        "甘肃省庆阳市与加拿大安大略省伦敦市。",
        title="2018年中国国际友好城市大会",
    )
    twinned = {(s, o) for s, p, o in facts(ex) if p == "sisterCityOf"}
    assert twinned == {("山西", "东戈壁省"), ("武汉", "曼谷"), ("庆阳", "伦敦")}


def test_a_relation_is_planned_only_in_the_segment_that_states_it() -> None:
    ex = extract("今年，我市与塔什干市正式签署友好城市协议，双方将在经贸领域深化合作。")
    status = {dict(f.qualifiers)["status"] for f in ex.facts if f.predicate == "sisterCityOf"}
    signed = {
        dict(f.qualifiers)["status"] for f in ex.facts if f.predicate == "signedAgreementWith"
    }
    assert status == {"established"} and signed == {"signed"}
    ex = extract("今年，我市将推动与塔什干市签署友好城市协议。")
    status = {dict(f.qualifiers)["status"] for f in ex.facts if f.predicate == "sisterCityOf"}
    assert status == {"planned"}


def test_the_province_office_of_a_city_report_is_its_province() -> None:
    ex = extract("在省委外办指导下，市外办举办培训。", title="德州市外办2024年工作总结")
    offices = [m.entity.label_zh for m in ex.mentions if m.rule == "foreign-affairs-office"]
    assert offices[-2:] == ["山东省委外办", "德州市外办"]


def test_country_abbreviations_in_threes_and_in_lists() -> None:
    ex = extract("参与中蒙俄经济走廊建设，深耕日韩、做强东盟，组织企业参加中以(以色列)对接会。")
    countries = {m.entity.label_zh for m in ex.mentions if m.rule == "abbreviation"}
    assert {"中国", "蒙古国", "俄罗斯", "日本", "韩国"} <= countries
    assert "加拿大" not in countries  # 参加中以: 加 belongs to 参加


def test_publications_in_title_marks_and_no_place_in_a_named_concept() -> None:
    ex = extract(
        "《西望成都》双语杂志记者随团采访，《人民日报》刊文介绍，"
        "我市落实《对外开放三年行动方案》，弘扬上海精神，在青岛市人民医院开展义诊。"
    )
    found = entities(ex)
    assert found["西望成都"][0] == "Organization" and found["人民日报"][0] == "Organization"
    assert "对外开放三年行动方案" not in found
    assert found["上海精神"][0] == "Initiative" and "上海" not in found
    assert found["青岛市人民医院"][0] == "Organization"


def test_sister_cities_stated_in_english() -> None:
    ex = extract(
        "Yantai paired up with two new friendship cities: Tunis (the capital of Tunisia) and "
        "Melbourne (Australia). Zhengzhou became a sister city to Samara of Russia. "
        "The U.S. delegation visited Nice."
    )
    twinned = {(s, o) for s, p, o in facts(ex) if p == "sisterCityOf"}
    assert twinned == {("烟台", "突尼斯"), ("烟台", "墨尔本"), ("郑州", "萨马拉")}


def test_zones_sides_regions_and_cities_of_a_country_the_report_names() -> None:
    ex = extract(
        "中新网烟台3月1日电(记者 王五)烟台市外事侨务工作会议召开。张副市长和法方均表示，"
        "推动南昌高新区、中阿产能合作示范园建设，拓展与港澳地区交流，"
        "代表团访问法国并会见马赛港务局主席；发布两大活动——第四届侨商投资合作周。"
    )
    found = entities(ex)
    events = {label for label, (kind, _) in found.items() if kind == "Event"}
    assert "烟台市外事侨务工作会议" in events and "第四届侨商投资合作周" in events
    assert not [label for label in events if "电" in label or "两大活动" in label]
    assert found["南昌高新区"][0] == "Initiative" and found["中阿产能合作示范园"][0] == "Initiative"
    assert found["香港"][0] == "Region" and found["澳门"][0] == "Region"
    assert found["法国"][0] == "Country"
    assert found["马赛"] == ("City", "FR")  # France is named in the report


def test_a_chinese_province_is_no_foreign_city_of_its_name() -> None:
    ex = extract("湖南省外办组织企业赴湖南参加对接会。", title="长沙市外办工作总结")
    assert entities(ex).get("湖南", ("Region", "CN")) == ("Region", "CN")


def test_a_list_item_with_a_head_of_its_own_keeps_its_class() -> None:
    ex = extract(
        "我们将办好滨江论坛、友城合作计划、消博会等平台，服务对外开放。", title="杭州市外办工作要点"
    )
    typed: dict[str, set[str]] = {}
    for m in ex.mentions:
        typed.setdefault(m.entity.label_zh, set()).add(m.entity.type)
    assert typed["滨江论坛"] == {"Event"}  # a forum in a list of platforms
    assert typed["中国国际消费品博览会"] == {"Event"}  # a fair held every year, by its short name
    assert typed["友城合作计划"] == {"Initiative"}  # the list's own class


def test_a_national_body_short_name_after_a_level_is_that_level_s_own_body() -> None:
    ex = extract("市发改委、省贸促会与国家发改委共同举办推介会。", title="合肥市外办工作总结")
    national = [m.surface for m in ex.mentions if m.entity.label_zh == "国家发展和改革委员会"]
    assert national == ["国家发改委"]
    assert not any(m.entity.label_zh == "中国国际贸易促进委员会" for m in ex.mentions)


def test_a_quoted_name_is_taken_by_its_head_without_a_place_in_it() -> None:
    ex = extract("会上推介了“长株潭都市圈”和“北部湾城市群”。", title="长沙市外办工作总结")
    found = {m.entity.label_zh: m.entity.type for m in ex.mentions}
    assert found["长株潭都市圈"] == "Initiative" and found["北部湾城市群"] == "Initiative"


def test_a_host_s_role_word_is_no_part_of_the_name_after_it() -> None:
    ex = extract("活动由美方主办方国际友好城市协会承办。", title="青岛市外办工作总结")
    assert "国际友好城市协会" in {m.entity.label_zh for m in ex.mentions}
    assert not any(m.entity.label_zh.startswith("方") for m in ex.mentions)


def test_english_short_forms_and_hyphenated_pairs_name_countries() -> None:
    ex = extract(
        "Officials of the U.S. and the UK joined the China-US dialogue on Sino-Korean "
        "trade; Korea sent a delegation.",
        title="Hangzhou FAO notes",
    )
    found = {(m.surface, m.entity.label_zh) for m in ex.mentions if m.entity.type == "Country"}
    assert {
        ("U.S.", "美国"),
        ("UK", "英国"),
        ("China", "中国"),
        ("US", "美国"),
        ("Sino", "中国"),
        ("Korea", "韩国"),
    } <= found


def test_two_meetings_joined_by_ji_are_one_event() -> None:
    ex = extract(
        "2023年两省友好交流年开幕会晤暨联委会第三次会晤在昆明举行。", title="云南省外办工作总结"
    )
    events = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Event"}
    assert events == {"2023年两省友好交流年开幕会晤暨联委会第三次会晤"}


def test_china_meeting_several_countries_is_one_meeting() -> None:
    ex = extract("中国与柬埔寨、泰国外长会晤在青岛举行。", title="青岛市外办工作总结")
    events = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Event"}
    assert events == {"中国与柬埔寨、泰国外长会晤"}
    pairs = extract("保障中韩、中尼外长会顺利举行。", title="青岛市外办工作总结")
    assert {m.entity.label_zh for m in pairs.mentions if m.entity.type == "Event"} == {
        "中韩外长会",
        "中尼外长会",
    }  # two meetings, one with each country


def test_counties_and_prefectures_of_the_home_country_are_places() -> None:
    ex = extract(
        "甘肃省兰考县、云南桐庐县与楚雄彝族自治州代表出席，全县、贫困县、示范县和"
        "日本长野县也有介绍。",
        title="昆明市外办工作总结",
    )
    counties = {
        m.surface: (m.entity.type, m.entity.country)
        for m in ex.mentions
        if m.entity.type == "City" and m.surface != "昆明市"
    }
    assert counties == {
        "兰考县": ("City", "CN"),
        "桐庐县": ("City", "CN"),
        "楚雄彝族自治州": ("City", "CN"),
    }


def test_the_word_for_a_partner_city_is_no_part_of_its_name() -> None:
    ex = extract(
        "我市分别与德国友城埃尔兰根市、斐济友好城市劳托卡市签订合作项目。",
        title="绍兴市外办工作总结",
    )
    cities = {m.surface for m in ex.mentions if m.entity.type == "City"}
    assert {"埃尔兰根市", "劳托卡市"} <= {c if c.endswith("市") else c + "市" for c in cities}
    assert not any("友城" in c or "友好城市" in c for c in cities)
    assert not [m for m in ex.mentions if m.entity.type == "Initiative"]  # 签订…项目 names none


def test_a_transliterated_city_in_a_sentence_naming_its_country() -> None:
    ex = extract(
        "市长赴加拿大访问，与莱斯布里奇菲尔德市、魁北克省沙威尼根市交流，为两市合作打下基础。",
        title="晋中市外办工作总结",
    )
    cities = {m.entity.label_zh: m.entity.country for m in ex.mentions if m.entity.type == "City"}
    assert cities.get("莱斯布里奇菲尔德") == "CA" and cities.get("沙威尼根") == "CA"
    assert "为两" not in cities and "魁北克省沙威尼根" not in cities


def test_countries_listed_as_cities_are_countries() -> None:
    ex = extract("我市还与美国、德国、俄罗斯等6个国外城市签订了协议。", title="晋中市外办工作总结")
    kinds = {m.entity.label_zh: m.entity.type for m in ex.mentions}
    assert kinds["美国"] == kinds["德国"] == kinds["俄罗斯"] == "Country"


def test_a_medium_before_its_dateline_and_message() -> None:
    ex = extract("华商网宝鸡3月2日消息 据了解，宝鸡市与友城代表举行座谈。", title="")
    assert "华商网" in {m.entity.label_zh for m in ex.mentions if m.rule == "media-credit"}


def test_first_time_is_no_part_of_an_event_and_halls_are_organisations() -> None:
    ex = extract("首次宝鸡国际友城大会举行，代表参观了周原青铜艺术馆。", title="宝鸡市外办工作总结")
    labels = {m.entity.label_zh: m.entity.type for m in ex.mentions}
    assert labels.get("宝鸡国际友城大会") == "Event"
    assert labels.get("周原青铜艺术馆") == "Organization"


def test_cities_with_their_countries_in_a_list_of_countries_are_cities() -> None:
    ex = extract(
        "自1990年以来，我市已与法国里尔市、日本福冈市等12个国家的20个城市建立友好关系。",
        title="泰州市外办工作总结",
    )
    kinds = {m.entity.label_zh: m.entity.type for m in ex.mentions}
    assert kinds.get("法国") == kinds.get("日本") == "Country"
    assert "法国里尔市" not in kinds and "日本福冈市" not in kinds


def test_a_list_of_countries_holds_only_countries() -> None:
    ex = extract("市长等党和国家机关干部参加培训。", title="泰州市外办工作总结")
    assert not [m for m in ex.mentions if m.entity.type == "Country"]


def test_corner_brackets_quote_like_quotation_marks() -> None:
    assert normalise("「一帶一路」") == "“一带一路”"
    ex = extract("代表團出席第二屆「絲路友城」國際合作論壇。", title="臺中市政府新聞")
    events = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Event"}
    assert any("丝路友城" in e and e.endswith("论坛") for e in events)


def test_a_hall_is_no_meeting_and_a_marathon_is_an_event() -> None:
    ex = extract(
        "会见在北京人民大会堂举行。市里举办了泰州国际马拉松及龙舟赛等活动。",
        title="泰州市外办工作总结",
    )
    events = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Event"}
    assert not any("人民大会" in e for e in events)
    assert "泰州国际马拉松" in events and not any("及" in e for e in events)


def test_a_province_report_names_its_own_bodies() -> None:
    ex = extract(
        "省外办全年接待来访团组。省委外事工作领导小组改为省委外事工作委员会，"
        "省人大常委会外事委员会听取汇报。",
        title="2019年安徽外事工作总结",
    )
    orgs = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Organization"}
    assert {"安徽省外办", "安徽省委外事工作领导小组", "安徽省委外事工作委员会"} <= orgs
    assert "安徽省人大常委会外事委员会" in orgs
    assert not any("改为" in o for o in orgs)


def test_a_bare_standing_committee_in_a_report_of_no_known_place_is_nothing() -> None:
    ex = extract("市人大常委会副主任带队调研友城工作。", title="2023年工作总结")
    assert not [m for m in ex.mentions if m.entity.type == "Organization"]


def test_a_name_the_reference_knows_keeps_its_class() -> None:
    ex = extract("推动落实中非合作论坛成果，深化对非交流。", title="湘潭市外办工作总结")
    kinds = [(m.entity.label_zh, m.entity.type) for m in ex.mentions if "中非合作论坛" in m.surface]
    assert kinds and {k for _, k in kinds} == {"Initiative"}


def test_courses_are_events_and_newspapers_and_councils_are_organisations() -> None:
    ex = extract(
        "举办第三期外事干部研修班，湘潭日报社记者随行报道，代表团拜会了台北市议会。",
        title="湘潭市外办工作总结",
    )
    kinds = {m.entity.label_zh: m.entity.type for m in ex.mentions}
    assert any(k.endswith("研修班") and v == "Event" for k, v in kinds.items())
    assert kinds.get("湘潭日报社") == "Organization"
    assert kinds.get("台北市议会") == "Organization"


def test_a_department_of_a_ministry_names_the_ministry() -> None:
    ex = extract("市外办会同外交部领事司开展领事保护培训。", title="湘潭市外办工作总结")
    orgs = [(m.surface, m.entity.label_zh) for m in ex.mentions if m.entity.type == "Organization"]
    assert ("外交部领事司", "外交部") in orgs
    assert not any(label.endswith("司") for _, label in orgs)


def test_a_prefecture_report_names_its_prefecture_and_its_bodies() -> None:
    ex = extract(
        "全州外事系统召开会议，州委外事委办公室主任讲话，我州与老挝开展交流。",
        title="2024年文山州外事工作会议",
    )
    homes = {m.entity.label_zh for m in ex.mentions if m.rule == "home"}
    assert homes == {"文山"}
    orgs = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Organization"}
    assert any(o.startswith("文山州委外事委") for o in orgs)


def test_an_autonomous_region_report_names_its_friendship_association_once() -> None:
    ex = extract("自治区对外友好协会接待来访团组。", title="2020年内蒙古自治区外事工作总结")
    orgs = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Organization"}
    assert "内蒙古自治区对外友好协会" in orgs
    assert not any("自治区自治区" in o for o in orgs)


def test_a_pair_before_a_corridor_or_railway_names_both_countries() -> None:
    ex = extract("积极参与中缅经济走廊和中老铁路沿线合作。", title="普洱市外办工作总结")
    countries = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Country"}
    assert {"缅甸", "老挝"} <= countries


def test_a_preposition_of_origin_is_no_part_of_a_region() -> None:
    ex = extract("老挝代表团自琅南塔省入境访问，协调等涉我省事务。", title="普洱市外办工作总结")
    regions = {m.surface for m in ex.mentions if m.entity.type == "Region"}
    assert regions == {"琅南塔省"}


def test_a_medium_credit_starts_after_the_clauses_verb() -> None:
    ex = extract("市长在开幕式上致辞人民网记者进行了报道。", title="普洱市外办工作总结")
    media = {m.surface for m in ex.mentions if m.rule == "media-credit"}
    assert not any("致辞" in s for s in media)


def test_a_small_city_of_three_characters_needs_no_city_word() -> None:
    ex = extract("我市组团赴景德镇学习陶瓷交流经验，途经胜利路。", title="萍乡市外办工作总结")
    cities = {m.entity.label_zh for m in ex.mentions if m.entity.type == "City"}
    assert "景德镇" in cities and "胜利路" not in cities


def test_ordinary_words_in_a_typed_list_are_kinds_not_names() -> None:
    ex = extract("通过各类外事活动、国际会议等平台宣传城市形象。", title="萍乡市外办工作总结")
    assert not [m for m in ex.mentions if m.entity.type == "Event"]


def test_a_places_strategic_role_is_an_initiative() -> None:
    ex = extract("全力服务西部国际交往中心和面向中亚辐射中心建设。", title="乌鲁木齐市外办工作总结")
    initiatives = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Initiative"}
    assert {"西部国际交往中心", "中亚辐射中心"} <= initiatives


def test_the_statistical_recogniser_names_a_museum_without_a_place() -> None:
    # jieba reads 三星堆 as a numeral, so the rule alone finds no name before 博物馆
    ex = extract("代表团参观了三星堆博物馆。", title="德阳市外办工作简报")
    orgs = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Organization"}
    assert "三星堆博物馆" in orgs


def test_a_visit_ends_the_subject_at_its_party_and_its_verb_of_motion() -> None:
    ex = extract("商务部王司长一行专程到兰州大学座谈。", title="兰州市外办工作简报")
    orgs = {m.surface for m in ex.mentions if m.entity.type == "Organization"}
    assert "兰州大学" in orgs
    assert not any("一行" in s or "司长" in s for s in orgs)


def test_an_open_bracket_starts_a_name() -> None:
    ex = extract("两市签署了合作备忘录。(青岛日报)", title="青岛市外办工作简报")
    orgs = {m.surface for m in ex.mentions if m.entity.type == "Organization"}
    assert "青岛日报" in orgs and not any("(" in s for s in orgs)


def test_a_governors_title_ends_no_region() -> None:
    ex = extract("市长会见了德国巴伐利亚州州长马库斯·索德尔一行。", title="青岛市外办工作简报")
    regions = {m.surface for m in ex.mentions if m.entity.type == "Region"}
    assert regions == {"巴伐利亚州"}
    ex = extract("市长会见了来访的德国客人索德尔州长。", title="青岛市外办工作简报")
    assert not [m for m in ex.mentions if m.entity.type == "Region"]


def test_a_mission_is_named_by_its_country_not_by_its_seat() -> None:
    ex = extract(
        "泰国驻成都总领馆总领事出席，多国驻广州、香港总领馆官员参加。", title="成都市外办工作简报"
    )
    orgs = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Organization"}
    assert "泰国驻成都总领馆" in orgs
    assert not any(o.startswith("香港") for o in orgs)


def test_the_only_chinese_city_a_report_names_is_the_one_it_speaks_for() -> None:
    ex = extract(
        "今年我办接待外宾12批。我市与友城加强交流，为襄阳的经济建设作出贡献。",
        title="外事侨务办公室年度工作总结",
    )
    homes = {m.entity.label_zh for m in ex.mentions if m.rule == "home"}
    assert homes == {"襄阳"}


def test_a_marathon_is_an_event_only_where_its_name_ends() -> None:
    ex = extract(
        "厦门国际马拉松赛吸引了三万名选手。希腊马拉松市赠送了马拉松群雕。",
        title="厦门市外办工作简报",
    )
    events = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Event"}
    assert events == {"厦门国际马拉松"}


def test_newspapers_in_title_marks_and_dateline_credits_are_media() -> None:
    ex = extract(
        "东南网5月3日讯 我市在《福建侨报》刊发稿件，并印发《工作简报》。",
        title="厦门市外办工作简报",
    )
    orgs = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Organization"}
    assert {"东南网", "福建侨报"} <= orgs
    assert "工作简报" not in orgs


def test_a_list_inside_quotation_marks_stays_in_the_event_name() -> None:
    ex = extract("召开“稳外贸、促开放”工作座谈会和全市外事工作会议。", title="烟台市外办工作简报")
    events = {m.surface for m in ex.mentions if m.entity.type == "Event"}
    assert "“稳外贸、促开放”工作座谈会" in events


def test_a_pair_of_country_abbreviations_before_a_domain_word_names_both() -> None:
    ex = extract("这批展品承载着中韩民间友好情谊。", title="烟台市外办工作简报")
    countries = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Country"}
    assert countries == {"中国", "韩国"}


def test_a_korean_metropolitan_city_is_named_without_its_suffix() -> None:
    ex = extract("市长会见了韩国仁川广域市代表团。", title="烟台市外办工作简报")
    cities = {m.entity.label_zh for m in ex.mentions if m.entity.type == "City"}
    assert "仁川" in cities and "仁川广域" not in cities


def test_the_country_before_a_name_that_starts_with_its_place_is_no_part_of_it() -> None:
    ex = extract("我市与韩国仁川广域市文化财团签署协议。", title="烟台市外办工作简报")
    orgs = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Organization"}
    assert "仁川广域市文化财团" in orgs
    ex = extract("我市与美国总领事馆开展交流。", title="烟台市外办工作简报")
    orgs = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Organization"}
    assert "美国总领事馆" in orgs


def test_a_district_is_a_city_by_its_full_name_and_its_office_is_its_own() -> None:
    ex = extract(
        "全区外事工作稳步推进，我区与韩国开展交流。", title="临淄区外事办公室2023年工作总结"
    )
    homes = {m.entity.label_zh for m in ex.mentions if m.rule == "home"}
    assert homes == {"临淄"}
    orgs = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Organization"}
    assert orgs == {"临淄区外办"}
    ex = extract("韩国首尔江南区代表团来访，虎丘区外办陪同。", title="苏州市外办工作简报")
    cities = {m.entity.label_zh: m.entity.country for m in ex.mentions if m.entity.type == "City"}
    assert cities.get("虎丘") == "CN" and "江南" not in cities


def test_a_province_report_without_a_title_speaks_for_the_province_it_names_most() -> None:
    ex = extract(
        "记者从省外办获悉，安徽省友城数量稳步增长。截至目前，我省与各国建立友城关系，"
        "安徽与日本的交流不断深化。",
        title="友城遍布六大洲",
    )
    homes = {m.entity.label_zh for m in ex.mentions if m.rule == "home"}
    assert homes == {"安徽"}
    orgs = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Organization"}
    assert "安徽省外办" in orgs


def test_a_state_abroad_is_a_region_not_a_country_and_a_chinese_city() -> None:
    ex = extract("我市与美国马里兰州、荷兰北荷兰省开展交流。", title="合肥市外办工作简报")
    found = entities(ex)
    assert found["马里兰州"][0] == "Region" and found["北荷兰"] == ("Region", "NL")
    assert "兰州" not in found and "马里" not in found


def test_a_titled_exhibition_is_an_event_by_its_whole_title() -> None:
    ex = extract("我市举办《丝路记忆——青岛市博物馆馆藏瓷器精品展》。", title="青岛市外办工作简报")
    events = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Event"}
    assert events == {"丝路记忆——青岛市博物馆馆藏瓷器精品展"}


def test_a_dateline_and_a_count_open_no_name() -> None:
    ex = extract(
        "本报讯(记者张三通讯员李四)第三届中日韩产业博览会开幕。市领导走访了6家外国驻华大使馆。",
        title="潍坊市外办工作简报",
    )
    labels = {m.entity.label_zh for m in ex.mentions}
    assert "第三届中日韩产业博览会" in labels
    assert not any(lb.startswith(("本报讯", "6家")) or lb.endswith("大使馆") for lb in labels)


def test_a_pointing_word_or_a_kind_before_a_head_names_no_company() -> None:
    ex = extract(
        "德国企业在潍坊投资设立该公司，全省累计吸引12家境外世界500强企业。",
        title="潍坊市外办工作简报",
    )
    assert not [m for m in ex.mentions if m.entity.type == "Enterprise"]


def test_verbs_and_particles_before_a_name_are_no_part_of_it() -> None:
    ex = extract("两市合作共建潍坊学院，加快推进着中日韩自贸区建设。", title="潍坊市外办工作简报")
    found = {m.surface for m in ex.mentions if m.entity.type in ("Organization", "Initiative")}
    assert {"潍坊学院", "中日韩自贸区"} <= found
    assert not any(s.startswith(("合作", "着")) for s in found)


def test_a_province_named_after_its_city_yields_the_city() -> None:
    ex = extract("泰国清迈府尹出席开幕式。", title="青岛市外办工作简报")
    found = entities(ex)
    assert found["清迈"] == ("City", "TH")


def test_a_numbered_session_of_a_council_is_a_meeting_of_the_body() -> None:
    ex = extract("无锡市对外友好协会第二届第三次理事会在无锡召开。", title="无锡市外办工作简报")
    found = entities(ex)
    assert found["无锡市对外友好协会第二届第三次理事会"][0] == "Event"
    assert found["无锡市对外友好协会"][0] == "Organization"


def test_an_office_abroad_is_no_city_of_its_country() -> None:
    ex = extract("市外办同澳门驻京办、香港驻沪办加强联系。", title="无锡市外办工作简报")
    assert not [m for m in ex.mentions if m.entity.type == "City" and m.surface.startswith("驻")]


def test_a_meetings_short_name_after_its_year_or_in_quotes_is_an_event() -> None:
    ex = extract("承办2023冬科会、省运会南京专场，做好“十运会”接待。", title="南京市外办工作简报")
    events = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Event"}
    assert {"2023冬科会", "十运会"} <= events
    assert not any("、" in e for e in events)


def test_a_leader_leading_a_body_starts_no_name_of_it() -> None:
    ex = extract(
        "省外办副主任王明率省对外友协代表团来我市考察，市政府驻京联络处主任李华率香港商会代表团来访。",
        title="潍坊市外办工作简报",
    )
    orgs = {m.surface for m in ex.mentions if m.entity.type == "Organization"}
    assert {"省对外友协", "香港商会"} <= orgs
    assert not any("率" in s for s in orgs)
    assert not any("率" in m.surface for m in ex.mentions)


def test_a_fairs_short_name_is_an_event() -> None:
    ex = extract("市长出席津洽会开幕式，组团参加渝洽会，开展外交会见。", title="某市外办工作简报")
    events = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Event"}
    assert {"津洽会", "渝洽会"} <= events
    assert not any("外交" in e for e in events)


def test_a_delegation_that_goes_out_is_the_reports_own() -> None:
    ex = extract(
        "近日，德州市外办主任张三一行赴烟台市学习调研，烟台市外办主任李四陪同。"
        "双方介绍了各自工作，我市将借鉴烟台经验。",
        title="",
    )
    homes = {m.entity.label_zh for m in ex.mentions if m.rule == "home"}
    assert homes == {"德州"}


def test_an_office_visited_is_not_the_author() -> None:
    ex = extract(
        "市外办副主任王五率工作组赴淮安学习调研。在拜会淮安市外侨办期间，双方交流了经验。"
        "我市将推广好的做法。",
        title="",
    )
    assert not {m.entity.label_zh for m in ex.mentions if m.rule == "home"} & {"淮安"}


def test_a_province_before_a_city_in_a_list_names_both() -> None:
    ex = extract("浙江温州、四川绵阳和湖北宜昌等城市代表出席。", title="某市外办工作简报")
    found = entities(ex)
    assert {"温州", "绵阳", "宜昌"} <= set(found)
    assert not [lb for lb in found if lb.startswith(("浙江温", "四川绵", "湖北宜"))]


def test_a_short_form_announced_in_brackets_is_no_name_of_its_own() -> None:
    ex = extract(
        "中国国际友好城市联合会(以下简称联合会)发布数据，厦门国际投资贸易洽谈会(下称“厦洽会”)开幕。",
        title="某市外办工作简报",
    )
    assert not [m for m in ex.mentions if "简称" in m.surface or "下称" in m.surface]


def test_a_work_conference_of_the_whole_city_is_the_citys_event() -> None:
    ex = extract(
        "3月2日，召开全市外事工作会议，部署全年工作。2023年全市外办主任会议在市行政中心举行。",
        title="南通市外办2023年工作总结",
    )
    events = {m.entity.label_zh: m.surface for m in ex.mentions if m.entity.type == "Event"}
    assert events.get("南通市外事工作会议") == "全市外事工作会议"
    assert events.get("2023年南通市外办主任会议") == "2023年全市外办主任会议"


def test_a_conference_of_the_whole_province_in_a_city_report_is_not_the_citys() -> None:
    ex = extract("市外办主任出席全省外事工作会议。", title="南通市外办2023年工作总结")
    assert not [m for m in ex.mentions if m.entity.label_zh.startswith("南通市外事")]


def test_a_count_of_meetings_opens_no_name_and_a_list_of_provinces_types_its_items() -> None:
    ex = extract(
        "举办多场外事知识进高校活动，支持云南、吉林、江西等3个省区提升知名度。",
        title="某市外办工作简报",
    )
    assert not [m for m in ex.mentions if m.surface.startswith("多场")]
    assert entities(ex)["吉林"][0] == "Region"


def test_party_committee_meetings_and_bare_sessions_are_no_events() -> None:
    ex = extract(
        "市委外事工作委员会召开第三次全体会议。召开滨州市委外事工作领导小组办公会议。"
        "召开全市外事工作会议。",
        title="滨州市外办工作简报",
    )
    events = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Event"}
    assert events == {"滨州市外事工作会议"}


def test_a_country_name_ending_like_a_pointing_word_is_no_pointing_word() -> None:
    ex = extract("邀请苏州日本商会走访企业，设立该公司。", title="苏州市外办工作简报")
    orgs = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Organization"}
    assert "苏州日本商会" in orgs
    assert not [m for m in ex.mentions if m.surface.endswith("该公司")]


def test_a_university_named_after_a_place_keeps_the_country_the_report_writes() -> None:
    ex = extract(
        "推动四川大学与英国剑桥大学签署备忘录，韩国釜山广域市国际交流财团代表来访。",
        title="成都市外办工作简报",
    )
    orgs = {m.entity.label_zh for m in ex.mentions if m.entity.type == "Organization"}
    assert {"英国剑桥大学", "釜山广域市国际交流财团"} <= orgs


def test_a_division_sharing_its_citys_name_is_the_city_in_a_sister_city_list() -> None:
    ex = extract("深化与京都(日本)、魁北克(加拿大)等友城合作。", title="西安市外办工作简报")
    assert entities(ex)["魁北克"] == ("City", "CA")


def test_a_kind_of_body_is_no_name_for_the_statistical_recogniser_either() -> None:
    ex = extract("组织外国商协会和驻华机构走进自贸试验区。", title="西安市外办工作简报")
    assert not [m for m in ex.mentions if m.surface.startswith("外国")]


def test_a_country_read_inside_a_regions_name_is_not_its_country() -> None:
    ex = extract(
        "自1980年与美国马里兰州缔结友好省州关系以来，两地交流密切。", title="安徽省外办工作简报"
    )
    assert entities(ex)["马里兰州"] == ("Region", "US")
    assert "马里" not in entities(ex)


def test_a_visit_to_the_city_written_with_its_one_character_name_says_whose_report_it_is() -> None:
    ex = extract(
        "一是注重高层交往，2001年来烟访问的高规格外宾有摩尔多瓦总理、新西兰前总理等多批客人。"
        "二是拓展友城关系，经过多年努力，烟台市于2001年9月与韩国群山市正式签署了友好城市协议书。",
        title="外事·侨务",
    )
    assert ex.home is not None and ex.home.label_zh == "烟台"
    assert ex.home_note == "abbreviation"


def test_a_one_character_name_inside_a_word_says_nothing() -> None:
    ex = extract(
        "今年以来，各地在青年中广泛开展对外交流活动，青岛市代表团与来宁夏投资的外国客商举行了座谈。",
        title="外事工作简讯",
    )
    assert ex.home is None
