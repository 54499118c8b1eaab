"""Patterns of the provincial plans (extract2), on sentences written for these tests.

The sentences imitate the provincial plans' style; the places are real divisions of 湖北 (so the place index
finds them) or made-up areas and names that are no division. Expected rows are written by hand.
"""
from __future__ import annotations

import re

import pytest

from registry.extract import extract_text
from registry.extract.places import PlaceIndex
from registry.geo.divisions import load_divisions

HUBEI = "420000"


def province_rows(sentence: str, code: str = HUBEI) -> list[dict]:
    rows, _ = extract_text(f"碳达峰实施方案。\n{sentence}\n", f"test_{code}", {"city_code": code})
    return rows


def named(rows: list[dict], *fields: str) -> list[tuple]:
    return [(r["name"], *(r[f] for f in fields)) for r in rows]


# --- a facility kind the plan places at several named places: one row per place ---------------------------

@pytest.mark.parametrize("sentence, expected", [
    ("积极开发风电资源，在江汉平原、鄂北岗地建设集中连片风电。",
     [("江汉平原集中连片风电", "wind"), ("鄂北岗地集中连片风电", "wind")]),
    ("推动宜昌、荆门、襄阳等煤炭储运便利地区建设合理规模煤电作为支撑电源。",
     [("宜昌煤电", "thermal"), ("荆门煤电", "thermal"), ("襄阳煤电", "thermal")]),
    ("在武汉等负荷中心合理规划布局调峰气电。", [("武汉调峰气电", "gas_power")]),
    ("以鄂东、鄂中、鄂西三大片区为重点，打造千万千瓦级新能源基地。",
     [("鄂东千万千瓦级新能源基地", "new_energy_base"), ("鄂中千万千瓦级新能源基地", "new_energy_base"),
      ("鄂西千万千瓦级新能源基地", "new_energy_base")]),
    ("重点在武汉、宜昌以及荆州经济开发区等地建设船用液化天然气加注站。",
     [("武汉船用液化天然气加注站", "gas_storage"), ("宜昌船用液化天然气加注站", "gas_storage"),
      ("荆州经济开发区船用液化天然气加注站", "gas_storage")]),
])
def test_a_kind_placed_at_several_places_is_one_project_per_place(sentence, expected):
    assert named(province_rows(sentence), "type") == expected


def test_each_spread_row_spans_its_place_and_has_that_places_city():
    text = "在武汉等负荷中心合理规划布局调峰气电。"
    [row] = province_rows(text)
    assert row["city"] == "武汉市" and row["source_end"] - row["source_start"] == len("武汉")


@pytest.mark.parametrize("sentence", [
    "支持农村利用农房屋顶和院落发展光伏发电。",  # no places: ordinary nouns
    "在城市功能区、工业园区、旅游景区等推广浅层地热能供暖项目。",  # kinds of area, not named ones
    "在江汉平原、鄂北岗地建设风电、光伏基地。",  # a list of kinds is no one kind
    "严格控制在宜昌、襄阳等地新增煤电项目。",  # a restriction
])
def test_no_spread_without_named_places_and_one_kind(sentence):
    assert province_rows(sentence) == []


# --- lines, channels and fields named without a city ------------------------------------------------------

@pytest.mark.parametrize("sentence, expected", [
    ("推进宜昌-荆门-随州等跨市输变电项目建设。", [("宜昌-荆门-随州跨市输变电项目", "transmission", None)]),
    ("加快恩施至武汉±800千伏特高压直流输变电工程建设。", [("恩施至武汉±800千伏特高压直流输变电工程", "transmission", 800)]),
    ("推进湖北-江西等通道建设。", [("湖北-江西通道", "transmission", None)]),
    # between two ends but of no ultra-high voltage: a substation's project, as our own paragraph has it
    ("推进衡阳至永州500千伏输变电工程建设。", [("衡阳至永州500千伏输变电工程", "substation", 500)]),
    ("力争第2条外电入鄂特高压直流输电通道2030年前建成投运。", [("第2条外电入鄂特高压直流输电通道", "transmission", None)]),
])
def test_lines_named_by_their_ends_or_an_ordinal(sentence, expected):
    assert named(province_rows(sentence), "type", "voltage_kv") == expected


@pytest.mark.parametrize("sentence, expected", [
    ("推进天然气入鄂战略气源通道、陆上天然气入鄂通道建设，打通北油南下输送通道。",
     [("天然气入鄂战略气源通道", "gas_pipeline"), ("陆上天然气入鄂通道", "gas_pipeline"), ("北油南下输送通道", "gas_pipeline")]),
    ("加快推动汉江碾盘山水利枢纽前期工作。", [("汉江碾盘山水利枢纽", "hydro")]),
    ("重点实施鄂西甲坪气田、鄂东乙坪和丙坪气田滚动开发等项目。",
     [("鄂西甲坪气田", "other"), ("鄂东乙坪气田", "other"), ("丙坪气田", "other")]),
    ("加快建始和利川区块页岩气集输干线等管道建设。",
     [("建始页岩气集输干线", "gas_pipeline"), ("利川区块页岩气集输干线", "gas_pipeline")]),
    ("推进江汉盆地页岩气勘探开发，加大南海油气勘探开发力度。", [("江汉盆地页岩气勘探开发", "other")]),
    ("建立鄂南、鄂北两大区域储气调峰中心。", [("鄂南区域储气调峰中心", "gas_storage"), ("鄂北区域储气调峰中心", "gas_storage")]),
])
def test_channels_hubs_fields_and_gas_lines(sentence, expected):
    assert named(province_rows(sentence), "type") == expected


@pytest.mark.parametrize("sentence", [
    "推动非常规天然气入网，推进京津冀大气污染传输通道城市治理。",
    "开展碳捕捉、封存和利用示范，推动二氧化碳捕集利用与封存全流程项目。",
])
def test_words_that_only_look_like_lines(sentence):
    assert province_rows(sentence) == []


# --- lists ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, expected", [
    # a typed head shared by every item, not only the last
    ("全力推进甲山、乙岭水电站建成投产，加快推进清江丙滩、汉江丁村等水电站建设。",
     ["甲山水电站", "乙岭水电站", "清江丙滩水电站", "汉江丁村水电站"]),
    # groups of a list parted by commas
    ("新建清江甲坝、乙坝，汉江丙坝，堵河丁坝等水电站。", ["清江甲坝水电站", "乙坝水电站", "汉江丙坝水电站", "堵河丁坝水电站"]),
    # a bracket's list belongs to its item
    ("推动襄阳（枣阳、宜城）国家再制造产业示范基地建设。", ["襄阳（枣阳、宜城）国家再制造产业示范基地"]),
    # two-character names run together, as many as the count says
    ("打造鄂东鄂西两个千万千瓦级新能源基地。", ["鄂东千万千瓦级新能源基地", "鄂西千万千瓦级新能源基地"]),
    ("加快建设甲乙丙丁两大钢铁产业基地。", ["甲乙钢铁产业基地", "丙丁钢铁产业基地"]),
])
def test_list_forms_of_the_provincial_plans(sentence, expected):
    assert [r["name"] for r in province_rows(sentence)] == expected


def test_a_list_of_firms_is_no_list_of_projects():
    assert province_rows("有序推进甲光公司、乙川电厂、丙山水泥等重点行业企业开展技术工艺改造。") == []


def test_a_list_item_takes_no_city_from_the_item_before():
    rows = province_rows("推进宜昌市甲山风电项目、乙岭沿线丙光伏项目建设。")
    assert [(r["name"], r["city"]) for r in rows] == [("宜昌市甲山风电项目", "宜昌市"), ("乙岭沿线丙光伏项目", "湖北省")]


# --- names: verbs, phases, qualifiers, regions --------------------------------------------------------------

def test_a_phase_before_the_verb_ends_the_name_and_verbs_stay_out():
    rows = province_rows("积极推进甲湾核电二期顺利建设，努力争取甲湾核电一期等项目尽快核准，谋划研究甲湾核电三期等项目。"
                         "继续做好宜昌乙山核电项目厂址保护工作。深化宜昌、襄阳国家级城市矿产示范基地建设。")
    assert named(rows, "type", "stage") == [
        ("甲湾核电二期项目", "nuclear", "construction"), ("甲湾核电一期项目", "nuclear", "pre-construction"),
        ("甲湾核电三期项目", "nuclear", "announced"), ("宜昌乙山核电项目", "nuclear", ""),
        ("宜昌城市矿产示范基地", "recycling", "construction"), ("襄阳国家级城市矿产示范基地", "recycling", "construction")]


def test_a_qualifier_is_no_part_of_the_name():
    [row] = province_rows("优化存量甲东直流输电通道送电曲线。")
    assert (row["name"], row["type"], row["stage"]) == ("甲东直流输电通道", "transmission", "operating")


@pytest.mark.parametrize("sentence, expected", [
    ("重点建设鄂北风光火储一体化外送基地、鄂东新能源＋融合发展基地。", ["鄂北风光火储一体化外送基地", "鄂东新能源＋融合发展基地"]),
    ("打造鄂西南采煤沉陷区百万千瓦级光伏＋基地，推广光伏＋水面。", ["鄂西南采煤沉陷区百万千瓦级光伏＋基地"]),
    ("加快建设宜昌甲湾石化及精细化工产业基地，打造油茶产业基地。", ["宜昌甲湾石化及精细化工产业基地"]),
    ("支持宜昌、襄阳建设菱镁新材料产业基地。", ["宜昌菱镁新材料产业基地", "襄阳菱镁新材料产业基地"]),
])
def test_bases_named_by_a_region_and_heavy_industry_bases(sentence, expected):
    assert [r["name"] for r in province_rows(sentence)] == expected


@pytest.mark.parametrize("sentence", [
    "积极推进规划内大中型水电站有序建设，配套建设坝后水电站，开展新一轮抽水蓄能电站选点。",
    "对在运核电站实行最严格的安全标准，依托投运的风电场和光伏电站建设储能设施。",
    "高水平建设现代化城市矿产基地，实施港口岸电改造工程，打造世界级镁产业基地。",
    "严格控制新增煤电项目，严控宜昌甲山煤电项目。",
    "实施能源绿色低碳转型行动、循环经济降碳行动等十大行动。",
    "到2025年建成10座500千伏新能源汇集站。",  # a number of unnamed stations: a target
    "支持用户侧储能、虚拟电厂等资源参与市场化交易，推进畜禽粪污、秸秆等资源化利用工程。",
])
def test_kinds_qualifiers_restrictions_and_programmes_are_not_projects(sentence):
    assert province_rows(sentence) == []


def test_short_forms_that_are_ordinary_words_are_no_places():
    divisions = load_divisions()
    guangxi = PlaceIndex(divisions.by_code["450000"], divisions)
    assert guangxi.find("推进资源综合利用") == []  # 资源 is no 资源县
    assert [p.division.name for p in guangxi.find("资源县光伏电站")] == ["资源县"]
    hubei = PlaceIndex(divisions.by_code[HUBEI], divisions)
    assert hubei.find("江汉平原") == []  # a plain, not 江汉区
    assert province_rows("推进资源综合利用示范基地建设。", "450000") == []


# --- extract3: patterns the formerly held-out plans showed (sentences written for these tests) ---------------

@pytest.mark.parametrize("sentence", [
    # ordinary qualifiers, sectors and materials with a facility word name a kind, not a site
    "实施社会废弃物资源回收利用工程，建设高端盐化工产业基地。",
    "完善区内油气主干管网，推进省内骨干管网互联互通。",
    "建设浓海水梯级利用示范基地，推广干热岩地热采暖示范工程。",
    # a style of plant or a furnace is a kind ("混合式", "集中式", "矿热炉", "电煅炉")
    "谋划布局混合式抽水蓄能电站，稳步推进集中式平价风电项目建设。",
    "实施矿热炉尾气发电、转炉煤气余热综合利用等项目。",
    "鼓励具备条件的常规水电站增建混合式抽水蓄能电站。",
    # kinds of station and of reactor listed together
    "鼓励加氢站与加油站、加气站和充电站多站合一布局。",
    "探索建设快堆、模块化小型堆、海上浮动堆等先进堆型示范工程。",
    # a national designation with no place is a kind of base
    "加快国家大宗固体废弃物综合利用基地建设，推动国家再制造产业示范基地和机电产品再制造试点建设。",
    "实施节能、节水和综合利用技术改造及示范项目，加大节能低碳、资源综合利用技术工艺装备示范项目支持力度。",
])
def test_kinds_named_by_qualifiers_materials_and_styles_are_not_projects(sentence):
    assert province_rows(sentence) == []


@pytest.mark.parametrize("sentence, expected", [
    ("推进宜昌混合式抽水蓄能电站建设。", ["宜昌混合式抽水蓄能电站"]),
    ("推进襄阳国家再制造产业示范基地建设。", ["襄阳国家再制造产业示范基地"]),
    ("加快十堰市大宗固体废弃物综合利用基地建设。", ["十堰市大宗固体废弃物综合利用基地"]),
])
def test_the_same_kinds_at_a_named_place_are_projects(sentence, expected):
    assert [r["name"] for r in province_rows(sentence)] == expected


@pytest.mark.parametrize("sentence", [
    "继续有序淘汰落后煤电，整顿和规范企业自备电厂运行。",  # verbs of managing open no name
    "大力发展循环经济，培育绿色低碳循环产业园区。",
    "充分发挥我省西部清洁能源基地开发的组合优势。",  # 我省: the province's own, a kind
    "开展火力发电智能燃烧优化控制、深度调峰的网源协调发电等智慧电厂技术的研发。",  # a head then 技术: a technology
    "推广电力、氢燃料、液化天然气动力重型货运车辆和工程机械。",  # 工程机械: machines
    "推进武汉-宜昌-恩施公铁联运通道建设，打造襄阳至十堰物流通道。",  # transport corridors between ends
])
def test_verbs_technologies_machines_and_transport_corridors_are_not_projects(sentence):
    assert province_rows(sentence) == []


@pytest.mark.parametrize("sentence, expected", [
    # power delivered into a province: 入, 进 or 送 and the province's one-character name, with or without a head
    ("大力推动蒙电进鄂输送通道和调峰设施建设。", [("蒙电进鄂输送通道", "transmission")]),
    ("深入落实川渝水电送鄂。", [("川渝水电送鄂", "transmission")]),
    ("持续推进陇电送鄂、川电入鄂电力通道建设。", [("陇电送鄂", "transmission"), ("川电入鄂电力通道", "transmission")]),
    # a region's outgoing channels sharing one head
    ("持续推进鄂西、鄂北电力外送通道建设。", [("鄂西电力外送通道", "transmission"), ("鄂北电力外送通道", "transmission")]),
])
def test_power_delivered_into_a_province_and_regional_channels(sentence, expected):
    assert named(province_rows(sentence), "type") == expected


@pytest.mark.parametrize("sentence", [
    "提升新能源发电送出能力，推动充电进小区，加快跨区域送电通道建设。",
    "扩大外电入鄂规模。",
])
def test_words_of_power_flows_that_name_no_channel(sentence):
    assert province_rows(sentence) == []


@pytest.mark.parametrize("sentence, expected", [
    ("打造鄂北千万千瓦级风光电基地。", [("鄂北千万千瓦级风光电基地", "new_energy_base")]),
    ("持续推进江汉平原风光发电基地化建设。", [("江汉平原风光发电基地", "new_energy_base")]),
    ("全力推进鄂西国家级清洁能源生产基地建设。", [("鄂西国家级清洁能源生产基地", "new_energy_base")]),
    ("推进荆门油页岩原位转化先导试验示范区建设。", [("荆门油页岩原位转化先导试验示范区", "other")]),
])
def test_wind_solar_bases_and_oil_shale_are_kinds_of_their_own(sentence, expected):
    assert named(province_rows(sentence), "type") == expected


@pytest.mark.parametrize("sentence, expected", [
    # a network named by its layout: counted parts before a network noun
    ("构建鄂东南网三横两纵、鄂西北部两横三纵环网结构。",
     [("鄂东南网三横两纵环网", "grid"), ("鄂西北部两横三纵环网", "grid")]),
    ("加快建设形成三横两纵一中心的油气管网。", [("三横两纵一中心的油气管网", "gas_pipeline")]),
    ("打造以武汉为核、高压干线为圈、各市管网为环的一核一圈多环管网格局。", [("一核一圈多环管网", "gas_pipeline")]),
    ("完善500千伏电网，形成两纵-双环网-三延伸主网架结构。", [("两纵-双环网-三延伸主网架", "grid")]),
    ("构建一网三环输气格局。", [("一网三环输气格局", "gas_pipeline")]),
])
def test_networks_named_by_their_layout(sentence, expected):
    assert named(province_rows(sentence), "type") == expected


@pytest.mark.parametrize("sentence", [
    "形成一区两带多点的产业布局，构建三横两纵的交通网。",
    "建设多元化、多层次的天然气管网。",
])
def test_layouts_of_other_things_are_not_networks(sentence):
    assert province_rows(sentence) == []


@pytest.mark.parametrize("sentence, expected", [
    # a list closed by a count in digits, going on past an item with a head of its own (a DC line) to the shared head
    ("重点推进武汉甲外送、宜昌直流、襄阳3个大型风光发电基地项目建设。",
     ["武汉甲外送大型风光发电基地项目", "宜昌直流大型风光发电基地项目", "襄阳大型风光发电基地项目"]),
    ("推进十堰、随州2个生物质热电联产项目。", ["十堰生物质热电联产项目", "随州生物质热电联产项目"]),
    # a joiner before the list's last 、 is inside an item
    ("加快宜昌磷化新材料和精细化工、荆门化工新材料等产业基地建设。",
     ["宜昌磷化新材料和精细化工产业基地", "荆门化工新材料产业基地"]),
    ("推进孝感甲和乙、黄冈丙等风电项目建设。", ["孝感甲和乙风电项目", "黄冈丙风电项目"]),
])
def test_lists_closed_by_digit_counts_and_joiners_inside_items(sentence, expected):
    assert [r["name"] for r in province_rows(sentence)] == expected


@pytest.mark.parametrize("sentence, expected", [
    # what the plan builds first is a project even inside 以…为重点; what it builds on (为依托) is not
    ("以建设宜昌甲坪新能源产业园为重点，推进规模化光伏制氢项目建设。", ["宜昌甲坪新能源产业园"]),
    ("以打造襄阳乙河零碳产业园为重点，推进绿电直供。", ["襄阳乙河零碳产业园"]),
    ("以宜昌甲坪新能源产业园为依托，推进规模化光伏制氢项目建设。", []),
])
def test_what_a_clause_builds_first_is_a_project(sentence, expected):
    assert [r["name"] for r in province_rows(sentence)] == expected


def test_a_generic_name_in_a_citys_own_section_is_that_citys_project():
    text = ("碳达峰实施方案。\n（十）实施市州有序达峰行动\n鼓励各地率先达峰。宜昌市。推动绿色建材生产，打造千亿级零碳产业园。"
            "襄阳市。推进大型水电站抽水蓄能工程。\n加快千万千瓦级新能源基地建设。\n")
    rows, _ = extract_text(text, "test_420000", {"city_code": HUBEI})
    assert named(rows, "type", "city") == [("宜昌千亿级零碳产业园", "industrial_park", "宜昌市"),
                                           ("襄阳大型水电站抽水蓄能工程", "pumped_storage", "襄阳市")]
    assert text[rows[0]["source_start"]:rows[0]["source_end"]] == "千亿级零碳产业园"  # the plan's own words


def test_a_citys_section_opened_by_a_heading_lasts_to_the_next_heading():
    text = ("碳达峰实施方案。\n（一）恩施州\n推进大型水电站抽水蓄能工程建设。\n打造千亿级零碳产业园。\n"
            "（二）其他地区\n打造千亿级零碳产业园，推进大型水电站抽水蓄能工程。\n")
    rows, _ = extract_text(text, "test_420000", {"city_code": HUBEI})
    assert named(rows, "city") == [("恩施州大型水电站抽水蓄能工程", "恩施土家族苗族自治州"),
                                   ("恩施州千亿级零碳产业园", "恩施土家族苗族自治州")]


@pytest.mark.parametrize("sentence, expected", [
    # a named deposit or river reach developed: a project named by its action, with no head noun (项目 is added,
    # as to every name without a head)
    ("加快推进江汉油区非常规油气资源规模化开发。", [("江汉油区非常规油气资源规模化开发项目", "other")]),
    ("推进恩施页岩气勘探及低成本规模化开发。", [("恩施页岩气勘探及低成本规模化开发项目", "other")]),
    ("科学有序组织汉江上游水能资源开发。", [("汉江上游水能资源开发项目", "hydro")]),
    ("加快清江等流域水电机组扩机。", [("清江等流域水电机组扩机项目", "hydro")]),
    ("深入推进咸宁盆地干热岩资源开发利用。", [("咸宁盆地干热岩资源开发项目", "other")]),
    # a kind of plant closes its name before its preparation
    ("配合做好南水北调中线和堵河丁坝河段水电前期论证工作。", [("堵河丁坝河段水电项目", "hydro")]),
    ("推进咸宁大畈核电前期工作。", [("咸宁大畈核电项目", "nuclear")]),
])
def test_projects_named_by_an_action_on_a_named_place(sentence, expected):
    assert named(province_rows(sentence), "type") == expected


@pytest.mark.parametrize("sentence", [
    "大力推动鄂中地区风光资源规模化开发建设。",  # wind and sun are no deposit
    "加大鄂西油气勘探开发力度，充分挖掘江汉盆地油气勘探开发潜力。",  # effort and potential, not a development
    "推进水能资源开发，做好核电前期工作。",  # no place
    "加快推进武汉、宜昌、襄阳等地区中深层地热能和浅层地热能资源勘查开发利用。",  # two kinds, not one facility
])
def test_actions_that_name_no_project(sentence):
    assert province_rows(sentence) == []


@pytest.mark.parametrize("sentence, expected", [
    ("有序推动武汉-鄂州-黄石氢能走廊建设。", [("武汉-鄂州-黄石氢能走廊", "hydrogen")]),
    ("打造襄阳-十堰氢走廊。", [("襄阳-十堰氢走廊", "hydrogen")]),
    # one named item is enough where the plan calls it a key project; a factory's item is other/制造
    ("加快推进东风襄阳新能源汽车等重大项目建设。", [("东风襄阳新能源汽车", "other")]),
    ("重点推进宜昌甲坪锂电池材料等重点项目建设。", [("宜昌甲坪锂电池材料", "other")]),
])
def test_hydrogen_corridors_and_one_named_key_project(sentence, expected):
    assert named(province_rows(sentence), "type") == expected


@pytest.mark.parametrize("sentence", [
    "参与巴基斯坦甲河水电站一期项目建设，推进老挝乙山光伏电站合作。",
    "鼓励企业参与境外风电项目建设。",
])
def test_projects_abroad_are_not_the_plans(sentence):
    assert province_rows(sentence) == []


@pytest.mark.parametrize("sentence, expected", [
    # a division's full name joined by 和 to a longer item shares the noun after that item's park or zone
    ("加快十堰市和丹江口甲石材产业园区大宗固体废弃物综合利用基地建设。",
     ["十堰市大宗固体废弃物综合利用基地", "丹江口甲石材产业园区大宗固体废弃物综合利用基地"]),
    ("推进随州市和广水乙工业园区生物质热电联产项目。", ["随州市生物质热电联产项目", "广水乙工业园区生物质热电联产项目"]),
    # what a restriction governs is the plant serving a channel, not the channel
    ("严控鄂电送湘、川电入鄂电力通道配套煤电规模。", ["鄂电送湘", "川电入鄂电力通道"]),
    # one base named twice, once as 清洁能源基地 and once as 新能源基地
    ("打造鄂西千万千瓦级清洁能源基地。加快鄂西千万千瓦级新能源基地建设。", ["鄂西千万千瓦级清洁能源基地"]),
])
def test_pairs_with_a_division_restrictions_and_one_base_named_twice(sentence, expected):
    assert [r["name"] for r in province_rows(sentence)] == expected


def test_a_national_designation_in_a_citys_own_plan_is_the_citys():
    sentence = "加快国家工业资源综合利用基地建设。"
    rows, _ = extract_text(f"孝感市碳达峰实施方案。\n{sentence}\n", "test_420900", {"city_code": "420900"})
    assert [(r["name"], r["city"]) for r in rows] == [("国家工业资源综合利用基地", "孝感市")]
    assert province_rows(sentence) == []  # over a province, a kind of base


def test_a_building_verb_after_one_that_explores_or_supports_does_not_build():
    built = [r["name"] for r in province_rows("推进宜昌甲热电公司、襄阳乙水泥等节能改造项目建设。")]
    assert any("乙水泥" in name for name in built)
    for verb in ("探索建设", "支持建设", "鼓励建设"):
        explored = [r["name"] for r in province_rows(f"{verb}宜昌甲热电公司、襄阳乙水泥等节能改造项目。")]
        assert not any("乙水泥" in name for name in explored), verb


# --- extract4: the national plan's patterns (sentences written for these tests) ----------------------------

@pytest.mark.parametrize("sentence, expected", [
    # river reaches, a description of them with its own 、 and verbs, the kind, then the verb
    ("加快推动汉江中游、清江下游等已完成前期论证、具备开工条件的水电项目开工建设。",
     [("汉江中游水电项目", "hydro"), ("清江下游水电项目", "hydro")]),
    ("有序推进堵河上游、神农溪干流等生态影响可控的水电项目建设。",
     [("堵河上游水电项目", "hydro"), ("神农溪干流水电项目", "hydro")]),
    ("推动汉江中游、清江下游等符合规划的抽水蓄能项目开发。",
     [("汉江中游抽水蓄能项目", "pumped_storage"), ("清江下游抽水蓄能项目", "pumped_storage")]),
])
def test_places_a_description_and_the_kind_they_share_before_a_building_verb(sentence, expected):
    rows = province_rows(sentence)
    assert named(rows, "type") == expected
    text = f"碳达峰实施方案。\n{sentence}\n"  # as province_rows writes it: each row spans its place's words
    assert all(r["name"].startswith(text[r["source_start"]:r["source_end"]]) for r in rows)
    assert all(re.search(r"[游流]$", text[r["source_start"]:r["source_end"]]) for r in rows)


@pytest.mark.parametrize("sentence", [
    "研究汉江中游、清江下游等已纳入规划的水电项目的生态影响。",  # reaches, but no building verb after the kind
    "推动汉江中游、清江下游等地区的生态保护修复。",  # no kind of plant
    "推动风电、光伏等符合条件的新能源项目开工建设。",  # a list of kinds, not of places
    "推动城市、乡村等有条件的光伏项目开工建设。",  # ordinary nouns, no places
    "严禁在汉江中游、清江下游等生态敏感河段的小水电项目开发。",  # a ban
    "推动已完成前期论证、具备开工条件的水电项目开工建设。",  # a description alone lists nothing
])
def test_no_places_or_no_building_verb_give_nothing(sentence):
    assert province_rows(sentence) == []


def test_a_county_short_form_that_begins_a_rivers_reach_is_no_county():
    [row] = province_rows("推进澜沧江上游、清江下游等符合要求的水电项目建设。", "530000")[:1]
    assert row["name"] == "澜沧江上游水电项目" and row["county"] == "" and row["city"] == "云南省"
    [row] = province_rows("推进荆州江陵燃机电厂建设。")  # a short form before another place stays that place
    assert row["city"] == "荆州市"


@pytest.mark.parametrize("sentence", [
    "科学确定抽水蓄能电站布局和建设时序。",  # a kind's layout: a topic
    "优化宜昌抽水蓄能电站布局。",  # a layout over a city, not a plant of it
    "编制新一轮风电场中长期发展规划。",  # a kind's plan
    "制定燃气电站发展规划。",
])
def test_a_kinds_layout_or_plan_is_a_topic_not_a_project(sentence):
    assert province_rows(sentence) == []


def test_verbs_that_decide_or_plan_open_no_name_and_a_plant_beside_a_topic_stays():
    rows = province_rows("制定燃气电站发展规划，加快襄阳燃机电厂建设，合理确定长阳清江抽水蓄能电站建设规模。")
    assert [r["name"] for r in rows] == ["襄阳燃机电厂", "长阳清江抽水蓄能电站"]
