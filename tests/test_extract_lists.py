"""Patterns of real plans of every level and genre (issue 19), on sentences written for these tests.

Each pattern has several variants in plans of different cities and provinces; the places are real
divisions (so the place index finds them) or made-up areas that are no division, the project
names are made up. Expected rows are written by hand.
"""
from __future__ import annotations

import pytest

from registry.extract import PlanInputError, extract_text
from registry.extract.places import infer_place
from registry.extract.units import find_capacity

DEV_PLANS_NEEDED = {"recall": 0.9, "precision": 0.75}


def plan_rows(sentence: str, code: str, title: str = "碳达峰实施方案") -> list[dict]:
    rows, _ = extract_text(f"{title}\n{sentence}\n", f"test_{code}", {"city_code": code})
    return rows


def named(rows: list[dict], *fields: str) -> list[tuple]:
    return [(r["name"], *(r[f] for f in fields)) for r in rows]


# --- a list of places (or areas that are no division) shares one facility with no head noun -----------

@pytest.mark.parametrize("sentence, code, expected", [
    ("加快推进象山、宁海和奉化三大海域风电开发。", "330200",
     [("象山海域风电开发项目", "wind", "象山县"), ("宁海海域风电开发项目", "wind", "宁海县"),
      ("奉化海域风电开发项目", "wind", "奉化区")]),
    ("推进北仑、镇海等地区落后燃煤机组等容量替代。", "330200",
     [("北仑落后燃煤机组等容量替代项目", "thermal", "北仑区"), ("镇海落后燃煤机组等容量替代项目", "thermal", "镇海区")]),
    # 东港 and 西港 are no divisions (and end alike): a list of short items before the shared words splits all the same
    ("推进东港、西港等餐厨垃圾集中资源化利用设施建设。", "341800",
     [("东港餐厨垃圾集中资源化利用设施建设项目", "recycling", ""),
      ("西港餐厨垃圾集中资源化利用设施建设项目", "recycling", "")]),
    ("有序推进歙县、休宁和祁门三县农光互补光伏开发。", "341000",
     [("歙县农光互补光伏开发项目", "solar_pv", "歙县"), ("休宁农光互补光伏开发项目", "solar_pv", "休宁县"),
      ("祁门农光互补光伏开发项目", "solar_pv", "祁门县")]),
])
def test_a_list_of_places_that_shares_one_facility_is_one_project_per_place(sentence, code, expected):
    assert named(plan_rows(sentence, code), "type", "county") == expected


def test_a_count_closes_a_list_before_a_head_noun_too():
    rows = plan_rows("有序推进石门、桃源两座抽水蓄能电站建设。", "430700")
    assert named(rows, "type", "county") == [("石门抽水蓄能电站", "pumped_storage", "石门县"),
                                             ("桃源抽水蓄能电站", "pumped_storage", "桃源县")]


@pytest.mark.parametrize("sentence", [
    "推进风电、光伏等新能源开发。",  # kinds of energy, not places
    "推动电化学储能、抽水蓄能等调峰设施建设。",
    "推进城市垃圾和农林废弃物等生物质发电建设。",
    "推进钢铁、建材和化工等行业节能降碳改造。",  # sectors
    "有序推进风电开发利用和大型风电基地建设。",
])
def test_a_list_of_kinds_or_sectors_is_no_list_of_projects(sentence):
    assert plan_rows(sentence, "330200") == []


# --- a list goes on past an item with a head of its own ------------------------------------------------

@pytest.mark.parametrize("sentence, code, expected", [
    ("推进青岭二期、白沙三期、红石电厂、金湾二期等已核准清洁煤电项目建设。", "340000",
     [("青岭二期清洁煤电项目", "thermal"), ("白沙三期清洁煤电项目", "thermal"), ("红石电厂", "thermal"),
      ("金湾二期清洁煤电项目", "thermal")]),
    ("加快建设东岭风电场、西岭、南岭等风电项目。", "341800",
     [("东岭风电场", "wind"), ("西岭风电项目", "wind"), ("南岭风电项目", "wind")]),
])
def test_an_item_without_its_own_head_takes_the_head_the_list_shares(sentence, code, expected):
    assert named(plan_rows(sentence, code), "type") == expected


def test_an_item_and_its_next_phase_are_two_projects():
    rows = plan_rows("重点建设金港气电、金港气电二期、银滩气电等气电项目。", "460000")
    assert named(rows, "phase") == [("金港气电项目", ""), ("金港气电二期项目", "二期"), ("银滩气电项目", "")]


# --- companies as project owners, and a list whose neighbour is a project ------------------------------

@pytest.mark.parametrize("sentence, code, expected", [
    ("推进大唐青弋江电厂、海螺宁国水泥等节能降碳改造项目实施。", "341800",
     [("大唐青弋江电厂", "thermal", "", ""), ("海螺宁国水泥节能降碳改造项目", "other", "节能降碳改造", "宁国市")]),
    ("推进华电江油热电公司、川西钢铁（江油）有限公司等企业节能改造项目。", "510700",
     [("华电江油热电公司节能改造项目", "thermal", "热电联产", "江油市"),
      ("川西钢铁（江油）有限公司节能改造项目", "other", "节能改造", "江油市")]),
])
def test_every_company_of_a_list_owns_a_project(sentence, code, expected):
    assert named(plan_rows(sentence, code), "type", "subtype", "county") == expected


def test_every_entry_of_a_box_list_whose_neighbour_is_a_project_is_one():
    text = ("专栏 3：某市循环化改造重点工程\n"
            "（1）污染治理项目：城东污水处理厂提标改造工程、城西环卫设施提级扩能建设项目、城南生活垃圾收转运体系建设项目。\n")
    rows = plan_rows(text, "341000")
    assert named(rows, "type", "subtype") == [("城东污水处理厂提标改造工程", "other", ""),
                                              ("城西环卫设施提级扩能建设项目", "other", "提级扩能"),
                                              ("城南生活垃圾收转运体系建设项目", "recycling", "")]


@pytest.mark.parametrize("sentence, code, expected", [
    # roads and stations stay out of the registry even beside a project (README, Scope)
    ("推进大岭风电项目、云岭高速公路改扩建项目建设。", "341800", ["大岭风电项目"]),
    # a plan that supports firms names no project of theirs
    ("支持华电宣城电厂、海螺宁国水泥等节能改造项目建设。", "341800", ["华电宣城电厂"]),
])
def test_a_neighbour_does_not_make_roads_or_supported_firms_projects(sentence, code, expected):
    assert [r["name"] for r in plan_rows(sentence, code)] == expected


# --- lines named without a head noun, and kinds that name no plant --------------------------------------

@pytest.mark.parametrize("sentence, code, expected", [
    ("力争锡泰直流输送能力提升至900万千瓦，提高昭沂直流利用率。", "320000",
     [("锡泰直流", "transmission", None), ("昭沂直流", "transmission", None)]),
    ("加快建成覆盖全省的500千伏日字型环网，推进皖南交流特高压环网建设。", "340000",
     [("500千伏日字型环网", "grid", 500.0), ("皖南交流特高压环网", "transmission", None)]),
])
def test_lines_named_without_a_head_noun(sentence, code, expected):
    assert named(plan_rows(sentence, code), "type", "voltage_kv") == expected


@pytest.mark.parametrize("sentence, code", [
    ("探索直流配电和柔性直流技术应用。", "320000"),
    ("确保存量光伏项目安全运营。", "430700"),
    ("引导自备电厂、虚拟电厂、工商业可中断负荷等参与系统调节。", "430000"),
    ("积极拓展外电入湘通道。", "430000"),
    ("积极推进光伏＋水面、农业、林业等综合利用项目建设。", "360000"),
    ("鼓励发展天然气冷热电三联供分布式能源项目。", "460000"),
    ("探索开展氢能冶炼、二氧化碳捕集利用等低碳冶金技术试点示范。", "440000"),
])
def test_kinds_of_plant_that_name_no_plant_are_no_projects(sentence, code):
    assert plan_rows(sentence, code) == []


def test_a_named_power_channel_is_still_a_project():
    assert named(plan_rows("加快推进陇电入湘工程建设。", "430000"), "type") == [("陇电入湘工程", "transmission")]


# --- capacities in Chinese numerals -------------------------------------------------------------------

@pytest.mark.parametrize("words, mw", [
    ("三十万千瓦", 300), ("一百二十万千瓦", 1200), ("两台六十万千瓦", 1200), ("2×66万千瓦", 1320),
    ("一点五万千瓦", 15), ("30万千瓦", 300), ("第二台30万千瓦", 300),
])
def test_capacities_in_chinese_numerals_and_unit_counts(words, mw):
    assert find_capacity(words)[0] == mw


@pytest.mark.parametrize("words", ["百万千瓦级新能源基地", "两个千万千瓦级海上风电基地", "十四五期间", "100万千瓦级基地"])
def test_a_class_of_size_is_no_capacity(words):
    assert find_capacity(words) is None


def test_a_capacity_in_chinese_numerals_keeps_the_plans_words_and_offsets():
    text = "宣城市碳达峰实施方案\n加快宁国青龙三十万千瓦风电项目建设，推进绩溪抽水蓄能电站（一百二十万千瓦）建设。\n"
    rows, _ = extract_text(text, "xuancheng_341800", {"city_code": "341800"})
    assert named(rows, "capacity_mw", "capacity_text") == [("宁国青龙三十万千瓦风电项目", 300, "三十万千瓦"),
                                                           ("绩溪抽水蓄能电站", 1200, "一百二十万千瓦")]
    for row in rows:
        assert row["capacity_text"] in text[row["source_start"]:row["source_end"] + 12]


def test_a_city_wide_total_in_chinese_numerals_is_a_target_not_a_project():
    rows, targets = extract_text("宣城市碳达峰实施方案\n到2025年，全市光伏装机达到三十万千瓦。\n", "t_341800",
                                 {"city_code": "341800"})
    assert rows == [] and [(t["metric"], t["value"], t["unit"]) for t in targets] == [("光伏装机", 30, "万千瓦")]


# --- the area of documents of every genre -------------------------------------------------------------

@pytest.mark.parametrize("text, name", [
    ("中共绵阳市委关于全面推进碳达峰碳中和工作的决定\n（市委全会通过）\n加快推进江油抽水蓄能电站建设。", "绵阳市"),
    ("德阳市人民政府关于印发《碳达峰行动方案》的通知\n各区（市、县）人民政府：\n现将方案印发给你们。", "德阳市"),
    ("中共宜宾市委 宜宾市人民政府\n关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的实施意见\n为了……", "宜宾市"),
    ("安徽省能源领域碳达峰行动方案\n为贯彻落实……", "安徽省"),
    ("近日，南充召开会议。" + "南充推进绿色发展，" * 13 + "四川省有关部门参加。", "南充市"),
])
def test_the_area_of_documents_of_every_genre(text, name):
    assert infer_place(text).name == name


def test_a_party_committee_decision_is_extracted_without_a_documents_row():
    text = "中共绵阳市委关于全面推进碳达峰碳中和工作的决定\n加快推进江油抽水蓄能电站建设。\n"
    rows, _ = extract_text(text, "mianyang", None)
    assert named(rows, "city", "county") == [("江油抽水蓄能电站", "绵阳市", "江油市")]


def test_an_area_that_cannot_be_read_asks_for_the_area_code():
    with pytest.raises(PlanInputError, match="pass --area-code"):
        extract_text("关于加快推进绿色发展的实施意见\n加快推进光伏电站项目建设。\n", "nowhere", None)


def test_registry_extract_takes_the_area_code(tmp_path):
    from click.testing import CliRunner

    from registry.cli import cli

    plan = tmp_path / "opinion.txt"
    plan.write_text("关于加快推进绿色发展的实施意见\n加快推进江油抽水蓄能电站建设。\n", encoding="utf-8")
    out = tmp_path / "candidates.csv"
    refused = CliRunner().invoke(cli, ["extract", str(plan), "-o", str(out)])
    assert refused.exit_code == 1 and "--area-code" in refused.output and not out.exists()
    done = CliRunner().invoke(cli, ["extract", str(plan), "-o", str(out), "--area-code", "510700"])
    assert done.exit_code == 0 and "江油抽水蓄能电站" in out.read_text(encoding="utf-8")


# --- the development set of real plans (../shared/dev-plans), when it is there --------------------------

def test_the_development_set_of_real_plans_holds():
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    from benchmarks.extract_recall import DEV_PLANS, dev_scores

    if not DEV_PLANS.is_dir():
        pytest.skip(f"no development set at {DEV_PLANS}")
    scores = dev_scores()
    assert len(scores) >= 6
    for score in scores:
        assert score["recall"] >= DEV_PLANS_NEEDED["recall"], (score["plan"], score["recall"])
        assert score["precision"] >= DEV_PLANS_NEEDED["precision"], (score["plan"], score["precision"])


# --- kinds added after the unseen check (README, Extraction: "unseen check") ----------------------------

def test_integrated_source_grid_load_storage_and_wind_solar_thermal_storage_projects():
    rows = plan_rows("推动包头源网荷储一体化试点和赤峰风光火储一体化项目建设，建设兴安林光互补光伏电站。", "150000")
    assert named(rows, "type", "subtype") == [("包头源网荷储一体化试点", "hybrid", "源网荷储"),
                                              ("赤峰风光火储一体化项目", "hybrid", "风光火储"),
                                              ("兴安林光互补光伏电站", "solar_pv", "林光互补")]


@pytest.mark.parametrize("sentence", [
    "推进源网荷储一体化和多能互补发展。",
    "落实可再生能源设施与建筑工程同步设计、同步施工。",  # 可再生 is renewable, not 再生 (recycling)
])
def test_the_new_kinds_alone_name_no_project(sentence):
    assert plan_rows(sentence, "150000") == []


def test_add_plan_takes_a_party_committee_decision(tmp_path):
    """A 市委 decision is a document of another genre that names projects: add-plan reads its title,
    area and issuer, and extracts its projects."""
    from click.testing import CliRunner

    from registry.cli import cli

    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(tmp_path / "reg")]).exit_code == 0
    filler = "坚持节约优先，完善能源消费强度和总量双控制度，推动经济社会全面绿色转型，加快形成节约资源和保护环境的产业结构。" * 25
    decision = tmp_path / "decision.txt"
    decision.write_text("中共绵阳市委关于全面推进碳达峰碳中和工作的决定\n（2022年3月1日市委全会通过）\n\n" + filler
                        + "加快推进江油抽水蓄能电站建设，推进安州、北川等山地风电开发，建设游仙三十万千瓦光伏发电项目。\n",
                        encoding="utf-8")
    result = runner.invoke(cli, ["--root", str(tmp_path / "reg"), "add-plan", str(decision)])
    assert result.exit_code == 0, result.output
    documents = (tmp_path / "reg" / "plans" / "documents.csv").read_text(encoding="utf-8")
    assert "中共绵阳市委关于全面推进碳达峰碳中和工作的决定,绵阳市,510700,,四川省,中共绵阳市委," in documents
    candidates = (tmp_path / "reg" / "plans" / "plan_510700.candidates.csv").read_text(encoding="utf-8")
    for name in ("江油抽水蓄能电站", "安州山地风电开发项目", "北川山地风电开发项目", "游仙三十万千瓦光伏发电项目"):
        assert name in candidates
