"""Sentence patterns of plans at every level (issue 13.4), on sentences written for these tests.

The sentences imitate the plans' style; the project names are made up, the places are real
divisions so that the place index can find them. Expected rows are written by hand.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import pytest

from registry.extract import PlanInputError, extract_text
from registry.rows.schema import PROJECT_TYPES
from webmap.labels import TYPE_COLOURS

PLANS = Path(__file__).resolve().parent.parent / "plans"


@lru_cache(maxsize=1)
def xiaogan() -> dict:
    with open(PLANS / "documents.csv", newline="", encoding="utf-8") as handle:
        return next(row for row in csv.DictReader(handle) if row["doc_id"] == "xiaogan_420900")


def city_rows(sentence: str) -> list[dict]:
    """Rows of one sentence in a plan of 孝感市 (a prefecture-level city)."""
    rows, _ = extract_text("孝感市碳达峰实施方案。\n" + sentence + "\n", "test_420900", xiaogan())
    return rows


def names(rows: list[dict]) -> list[str]:
    return [r["name"] for r in rows]


def test_capacity_stated_after_the_name_and_the_phase_kept():
    [row] = city_rows("加快完成孝昌县白沙光伏发电项目（二期）建设，总装机20万千瓦。")
    assert row["name"] == "孝昌县白沙光伏发电项目（二期）"
    assert row["capacity_mw"] == 200 and row["capacity_text"] == "20万千瓦"
    assert row["phase"] == "二期" and row["county"] == "孝昌县"


def test_capacity_after_a_name_is_not_given_to_the_name_before():
    rows = city_rows("推进大悟县丰山风电项目、孝昌县小河光伏电站建设，其中小河光伏电站装机规模10万千瓦。")
    # the second mention of 小河 carries the capacity and stands for the project (dedupe keeps it)
    assert [(r["name"], r["capacity_mw"]) for r in rows] == [("大悟县丰山风电项目", None), ("小河光伏电站", 100)]


@pytest.mark.parametrize("sentence, expected", [
    ("推进大悟县丰山风电项目和应城市东马坊光伏发电项目建设。", ["大悟县丰山风电项目", "应城市东马坊光伏发电项目"]),
    ("推进孝昌县小河风电场、大悟县宣化风电场及云梦县义堂光伏电站以及汉川市马口渔光互补光伏电站建设。",
     ["孝昌县小河风电场", "大悟县宣化风电场", "云梦县义堂光伏电站", "汉川市马口渔光互补光伏电站"]),
    ("有序推进丰山、芳畈和宣化等已核准风电项目建设。", ["丰山风电项目", "芳畈风电项目", "宣化风电项目"]),
    ("推进孝感东山热电、应城城北气电、汉川新河气电二期等气电项目建设。", ["孝感东山热电项目", "应城城北气电项目", "汉川新河气电二期项目"]),
    ("推进孝昌县小悟A、大悟县吕王B等风电项目前期工作。", ["孝昌县小悟A风电项目", "大悟县吕王B风电项目"]),
])
def test_lists(sentence, expected):
    assert names(city_rows(sentence)) == expected


def test_a_qualifier_after_deng_is_not_part_of_the_names_and_sets_the_stage():
    rows = city_rows("有序推进丰山、芳畈和宣化等已核准风电项目建设。")
    assert {r["stage"] for r in rows} == {"pre-construction"} and {r["type"] for r in rows} == {"wind"}


def test_each_item_with_its_own_noun_keeps_its_own_type():
    rows = city_rows("推进孝感东山热电、应城城北气电、汉川新河气电二期等气电项目建设。")
    assert [r["type"] for r in rows] == ["thermal", "gas_power", "gas_power"]
    assert [r["county"] for r in rows] == ["", "应城市", "汉川市"]


def test_the_county_before_an_item_belongs_to_that_item():
    rows = city_rows("推进孝昌县小悟A、大悟县吕王B等风电项目前期工作。")
    assert [(r["county"], r["town"]) for r in rows] == [("孝昌县", "小悟乡"), ("大悟县", "吕王镇")]


@pytest.mark.parametrize("sentence, expected", [
    ("积极推进大悟小型堆核电项目前期工作，开展沿江核电厂址保护。", [("大悟小型堆核电项目", "nuclear", "小型堆")]),
    ("加快建设±800千伏鄂西特高压直流输电工程，推进荆门至武汉1000千伏特高压交流工程，谋划“疆电入鄂”输电通道。",
     [("±800千伏鄂西特高压直流输电工程", "transmission", ""), ("荆门至武汉1000千伏特高压交流工程", "transmission", ""),
      ("“疆电入鄂”输电通道", "transmission", "")]),
    ("建设孝感500千伏环网工程，推进鄂豫联网工程前期工作。",
     [("孝感500千伏环网工程", "grid", "环网"), ("鄂豫联网工程", "transmission", "")]),
    ("推进汉川燃气发电项目和应城天然气调峰电站建设。",
     [("汉川燃气发电项目", "gas_power", ""), ("应城天然气调峰电站", "gas_power", "")]),
])
def test_new_kinds(sentence, expected):
    assert [(r["name"], r["type"], r["subtype"]) for r in city_rows(sentence)] == expected


def test_voltages_of_uhv_lines():
    rows = city_rows("加快建设±800千伏鄂西特高压直流输电工程，推进荆门至武汉1000千伏特高压交流工程。")
    assert [r["voltage_kv"] for r in rows] == [800, 1000]


def test_new_types_have_labels_and_colours():
    for type_ in ("nuclear", "gas_power"):
        english, chinese = PROJECT_TYPES[type_]
        assert english and chinese and TYPE_COLOURS[type_].startswith("#")
        assert list(TYPE_COLOURS.values()).count(TYPE_COLOURS[type_]) == 1  # a colour of its own on the map


def test_capacity_in_yi_kilowatts():
    [row] = city_rows("推进孝昌县小河风光储一体化基地建设，总装机0.12亿千瓦。")
    assert row["capacity_mw"] == 12_000


@pytest.mark.parametrize("sentence, expected", [
    ("确保孝昌县陡山风电项目年内开工。", "孝昌县陡山风电项目"),
    ("引导云梦县城关屋顶分布式光伏项目建设。", "云梦县城关屋顶分布式光伏项目"),
    ("加强汉川市电网改造升级工程建设。", "汉川市电网改造升级工程"),
    ("推动孝南区朱湖光伏发电项目建设。", "孝南区朱湖光伏发电项目"),
    ("推进孝昌县（小河镇光伏电站项目建设。", "孝昌县小河镇光伏电站项目"),
    ("推进安陆市府河光伏电站等现有项目改造。", "安陆市府河光伏电站"),
    ("在大悟县宣化店镇等地建设农光互补光伏电站。", "大悟县宣化店镇农光互补光伏电站"),
    ("推动孝昌县季店乡光伏发电项目（一期)建设。", "孝昌县季店乡光伏发电项目（一期)"),
    ("推进双峰山抽水蓄能电站（大悟县）项目前期工作。", "双峰山抽水蓄能电站（大悟县）项目"),
])
def test_names_cut_in_the_right_place(sentence, expected):
    assert names(city_rows(sentence)) == [expected]


def test_places_before_deng_xiangzhen_each_get_the_shared_name():
    rows = city_rows("推进汉川市马口、分水等乡镇屋顶分布式光伏项目。")
    assert [(r["name"], r["town"]) for r in rows] == [("汉川市马口屋顶分布式光伏项目", "马口镇"),
                                                     ("分水屋顶分布式光伏项目", "分水镇")]


def test_a_county_in_brackets_between_two_heads_places_the_project():
    [row] = city_rows("推进双峰山抽水蓄能电站（大悟县）项目前期工作。")
    assert row["county"] == "大悟县" and row["stage"] == "pre-construction"


def test_a_site_is_not_a_plant():
    assert names(city_rows("开展孝昌县沿江核电厂址保护。")) == []


@pytest.mark.parametrize("sentence", [
    "除大悟县芳畈风电项目外，原则上不新建风电项目。",
    "原则上不新建燃煤自备电厂。",
    "严禁在生态红线内建设光伏电站项目。",
    "推进光伏+农业等综合利用项目。",
    "研究探索小型核能供热项目建设。",
])
def test_forbidden_excepted_and_generic_are_not_projects(sentence):
    assert city_rows(sentence) == []


def test_exception_clause_does_not_hide_the_rest_of_the_sentence():
    rows = city_rows("除大悟县芳畈风电项目外，加快推进孝昌县小河风电项目建设。")
    assert names(rows) == ["孝昌县小河风电项目"]


# --- scope of a key-project list (issue 11) -----------------------------------------------

def test_a_factory_in_a_key_project_list_is_a_project_without_a_head_noun():
    rows = city_rows("推进应城市长江新能源产业园、华岭新材料、大悟县远航风机制造、汉川市马口光伏电站等项目建设。")
    assert [(r["name"], r["type"], r["subtype"], r["county"]) for r in rows] == [
        ("应城市长江新能源产业园", "industrial_park", "", "应城市"),
        ("华岭新材料", "other", "制造", ""),
        ("大悟县远航风机制造", "other", "制造", "大悟县"),
        ("汉川市马口光伏电站", "solar_pv", "", "汉川市"),
    ]
    assert {r["stage"] for r in rows} == {"construction"}


def test_a_key_project_list_of_factories_alone():
    rows = city_rows("加快推进华岭新材料、远航风机制造等重点项目建设。")
    assert [(r["name"], r["type"], r["subtype"]) for r in rows] == [
        ("华岭新材料", "other", "制造"), ("远航风机制造", "other", "制造")]


@pytest.mark.parametrize("sentence", [
    # firms the plan supports, encourages or only plans for are not named projects
    "支持华岭锂业、远航科技等储能电池项目建设，鼓励长江新材料、丰源电机等项目建设。",
    "谋划长江新材料、丰源电机等项目建设。",
    # a key-project list of roads and stations names nothing this registry records
    "加快推进孝感东站改扩建、孝汉城际铁路、福银高速公路等重点项目建设。",
    # the same list written as prose, not closed by 等项目, is a list of industries
    "推进新材料、风机制造、汽车零部件产业发展。",
])
def test_supported_firms_and_other_lists_are_not_projects(sentence):
    assert city_rows(sentence) == []


def test_a_system_joined_to_a_project_of_its_kind_is_one_project():
    rows = city_rows("加快推进应城市城乡生活垃圾回收网络体系和应城市生活垃圾收转运体系建设项目的建设。")
    assert [(r["name"], r["type"]) for r in rows] == [
        ("应城市城乡生活垃圾回收网络体系和应城市生活垃圾收转运体系建设项目", "recycling")]


def test_a_facility_joined_to_a_project_of_its_kind_is_a_project_of_its_own():
    rows = city_rows("推进应城市餐厨垃圾处理中心和云梦县建筑垃圾资源化利用项目建设。")
    assert [(r["name"], r["county"]) for r in rows] == [
        ("应城市餐厨垃圾处理中心项目", "应城市"), ("云梦县建筑垃圾资源化利用项目", "云梦县")]


def test_a_zone_the_clause_builds_on_is_not_a_project_there():
    rows = city_rows("以应城、云梦盐化工产业循环经济示范区为依托，推进大悟县丰山风电项目建设。"
                     "以孝南区甲循环经济示范区、云梦县乙循环经济产业园为依托，打造盐化工产业链。"
                     "加快建设汉川市新河循环经济产业园。")
    assert names(rows) == ["大悟县丰山风电项目", "汉川市新河循环经济产业园"]


# --- province plans ------------------------------------------------------------------------

HUBEI = """湖北省能源领域碳达峰实施方案

（二）加快建设新型电力系统。推进宜昌至荆门1000千伏特高压交流工程建设，谋划“陕电入鄂”特高压直流输电通道。\
建设武汉500千伏环网工程，加快咸宁大幕山抽水蓄能电站建设。支持黄冈、孝感、随州等地建设百万千瓦级新能源基地。\
推进襄阳宜城光伏发电项目，总装机30万千瓦。积极推进咸宁核电项目前期工作。推动鄂州燃气发电项目建设。
"""


def test_a_province_plan_is_identified_and_each_row_gets_its_own_city():
    rows, _ = extract_text(HUBEI, "hubei_420000", None)
    found = {r["name"]: (r["type"], r["city"], r["county"]) for r in rows}
    assert found == {
        "宜昌至荆门1000千伏特高压交流工程": ("transmission", "宜昌市", ""),
        "“陕电入鄂”特高压直流输电通道": ("transmission", "湖北省", ""),  # crosses provinces: no city of its own
        "武汉500千伏环网工程": ("grid", "武汉市", ""),
        "咸宁大幕山抽水蓄能电站": ("pumped_storage", "咸宁市", ""),
        "黄冈百万千瓦级新能源基地": ("new_energy_base", "黄冈市", ""),
        "孝感百万千瓦级新能源基地": ("new_energy_base", "孝感市", ""),
        "随州百万千瓦级新能源基地": ("new_energy_base", "随州市", ""),
        "襄阳宜城光伏发电项目": ("solar_pv", "襄阳市", "宜城市"),
        "咸宁核电项目": ("nuclear", "咸宁市", ""),
        "鄂州燃气发电项目": ("gas_power", "鄂州市", ""),
    }
    assert next(r for r in rows if r["name"] == "襄阳宜城光伏发电项目")["capacity_mw"] == 300


def test_a_town_short_form_is_not_matched_over_a_province():
    # 农林街道 is a town of 广州市; in a province plan "农林" is the ordinary word (farming and forestry).
    text = "广东省碳达峰实施方案\n\n推进韶关农林生物质发电项目建设。加快阳江核电5、6号机组和汕尾陆丰核电项目建设。\n"
    rows, _ = extract_text(text, "guangdong_440000", None)
    assert [(r["name"], r["city"], r["county"], r["town"]) for r in rows] == [
        ("韶关农林生物质发电项目", "韶关市", "", ""),
        ("阳江核电5、6号机组", "阳江市", "", ""),
        ("汕尾陆丰核电项目", "汕尾市", "陆丰市", ""),
    ]


def test_a_plan_naming_no_area_is_refused_in_one_line():
    with pytest.raises(PlanInputError, match="names no province, city or county"):
        extract_text("加快推进光伏电站项目建设。\n", "nowhere", None)


# --- our own paragraphs in styles the five plans do not use ----------------------------------

def test_own_paragraphs_recall_precision_and_fields():
    """tests/fixtures/paragraphs: each paragraph's projects written by hand (see benchmarks/extract_recall.py)."""
    import sys

    sys.path.insert(0, str(PLANS.parent))
    from benchmarks.extract_recall import paragraph_scores

    scores = paragraph_scores()
    assert len(scores) >= 10 and len({s["style"] for s in scores}) == len(scores)
    for score in scores:
        assert score["recall"] >= 0.8 and score["precision"] >= 0.8, score
    expected = sum(s["expected"] for s in scores)
    assert sum(s["matched"] for s in scores) / expected >= 0.95
    assert sum(s["fields"] for s in scores) / expected >= 0.9
