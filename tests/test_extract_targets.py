"""The target rules of `registry extract` on sentences we wrote in the plans' style (issue 13's forms among them)."""
from __future__ import annotations

import pytest

from registry.extract import extract_text
from registry.targets.indicator_words import classify

META = {"doc_id": "test_420900", "city_code": "420900"}


def targets_of(text: str) -> list[tuple]:
    _, found = extract_text(text, "test_420900", META)
    for t in found:  # every span holds its number, as in targets.csv
        assert f"{t['value']:g}" in text[t["source_start"]:t["source_end"]].replace("\n", "") or t["value"] == 100
    return [(t["indicator"], t["metric"], t["value"], t["unit"], t["year"]) for t in found]


@pytest.mark.parametrize("text, expected", [
    # 新增…装机N万千瓦, no 达到 (capacity added: the vocabulary's *_capacity_added keys)
    ("到2027年，全市新增光伏装机120万千瓦，新增风电装机35万千瓦。",
     [("solar_pv_capacity_added", "新增光伏装机", 120, "万千瓦", 2027),
      ("wind_capacity_added", "新增风电装机", 35, "万千瓦", 2027)]),
    # 分别达A%、B%: two targets, the subject shared
    ("到2025年，规模以上工业企业数字化研发设计工具普及率、关键工序数控化率分别达88%、70%。",
     [("digital_design_tool_penetration", "规模以上工业企业数字化研发设计工具普及率", 88, "%", 2025),
      ("key_process_nc_rate", "规模以上工业企业关键工序数控化率", 70, "%", 2025)]),
    # a later year for the same metric, and a baseline year that is not the target's
    ("到2025年，城镇建筑可再生能源替代率达到9%，2030年达到14%。到2030年，城镇新建建筑能效水平比2020年提升25%。",
     [("building_renewable_substitution", "城镇建筑可再生能源替代率", 9, "%", 2025),
      ("building_renewable_substitution", "城镇建筑可再生能源替代率", 14, "%", 2030),
      ("building_efficiency_improvement", "城镇新建建筑能效水平比2020年提升", 25, "%", 2030)]),
    # no verb after a measure word; 全部 as 100 %
    ("到2025年，林地保有量12.5万公顷，森林覆盖率48%以上，全市省级以上开发区全部实施循环化改造。",
     [("forest_land_area", "林地保有量", 12.5, "万公顷", 2025), ("forest_coverage", "森林覆盖率", 48, "%", 2025),
      ("park_circular_retrofit_share", "省级以上开发区循环化改造", 100, "%", 2025)]),
])
def test_target_forms(text, expected):
    assert targets_of(text) == expected


@pytest.mark.parametrize("text", [
    "加快屈家岭120万千瓦抽水蓄能电站项目建设，力争2028年建成投产。",  # a project's capacity, not a target
    "全市光伏装机达到320万千瓦。",  # no year: a description
    "到2025年，城区生活垃圾分类基本实现全覆盖。",  # 基本 hedges the 100 %
])
def test_not_targets(text):
    assert targets_of(text) == []


def test_intensity_with_a_baseline_year_and_unknown_metrics_get_an_indicator():
    """A plan not yet read may word a target our vocabulary lacks; review still gets a valid row."""
    from registry.targets.indicator_words import classify
    from registry.targets.indicators import INDICATORS

    assert classify("单位地区生产总值能耗比2020年下降") == "energy_intensity_reduction"
    assert classify("单位地区生产总值二氧化碳排放比2020年下降") == "carbon_intensity_reduction"
    assert classify("农村户用沼气池保有量") == "other"
    assert "other" in INDICATORS


# --- forms of the provincial plans (extract2) --------------------------------------------------------------

def province_targets(text: str) -> list[tuple]:
    _, found = extract_text("碳达峰实施方案。\n" + text + "\n", "test_420000", {"city_code": "420000"})
    return [(t["indicator"], t["metric"], t["value"], t["unit"], t["year"]) for t in found]


@pytest.mark.parametrize("text, expected", [
    # 亿千瓦, one metric for two kinds of plant (not split in two)
    ("到2030年，风电、太阳能发电总装机容量达到1.2亿千瓦以上。",
     [("wind_solar_capacity", "风电、太阳能发电总装机容量", 1.2, "亿千瓦", 2030)]),
    # 较2020年 is the baseline, never the target's year; a full-width ％ after a blank
    ("到2025年，非化石能源消费比重达到20％左右，单位地区生产总值能耗较2020年下降13.5 ％。",
     [("non_fossil_share", "非化石能源消费比重", 20, "%", 2025),
      ("energy_intensity_reduction", "单位地区生产总值能耗较2020年下降", 13.5, "%", 2025)]),
    # 分别比2020年: one target per value, each item with the shared subject and baseline
    ("到2025年，单位地区生产总值能源消耗和二氧化碳排放分别比2020年下降14%、19%。",
     [("energy_intensity_reduction", "单位地区生产总值能源消耗比2020年下降", 14, "%", 2025),
      ("carbon_intensity_reduction", "单位地区生产总值二氧化碳排放比2020年下降", 19, "%", 2025)]),
    ("到2025年，营运车辆、船舶换算周转量碳排放强度比2020年分别降低8%、4%。",
     [("transport_carbon_intensity_reduction", "营运车辆换算周转量碳排放强度比2020年降低", 8, "%", 2025),
      ("transport_carbon_intensity_reduction", "船舶换算周转量碳排放强度比2020年降低", 4, "%", 2025)]),
    # the year at the end of the metric; 十四五、十五五 as the years of two values
    ("加快新型储能发展，电化学储能装机2025年达到500万千瓦。",
     [("energy_storage_capacity", "电化学储能装机", 500, "万千瓦", 2025)]),
    ("十四五、十五五期间分别新增水电装机容量600万千瓦、300万千瓦。",
     [("hydro_capacity_added", "新增水电装机容量", 600, "万千瓦", 2025),
      ("hydro_capacity_added", "新增水电装机容量", 300, "万千瓦", 2030)]),
    # a paragraph's opening year (十四五期间) holds for the sentences after it
    ("十四五期间，产业结构明显优化。单位生产总值能耗确保完成国家下达指标；森林覆盖率达到42%，草原综合植被盖度达58.5%。",
     [("forest_coverage", "森林覆盖率", 42, "%", 2025), ("grassland_vegetation_coverage", "草原综合植被盖度", 58.5, "%", 2025)]),
    # a clause with only a year goes on with the metric before it; 亿吨
    ("到2025年大宗固废年利用量达到8000万吨左右；到2030年提高到1.2亿吨左右。",
     [("bulk_solid_waste_use", "大宗固废年利用量", 8000, "万吨", 2025),
      ("bulk_solid_waste_use", "大宗固废年利用量", 1.2, "亿吨", 2030)]),
    # values before their nouns; one station is a project, not a target
    ("到2030年，全省电网具备5%以上的尖峰负荷响应能力，完成2000万千瓦左右的煤电机组灵活性改造，建设120个低碳示范村。"
     "新建1座天然气储气站。",
     [("peak_load_response_share", "尖峰负荷响应能力", 5, "%", 2030),
      ("coal_power_flexibility_retrofit", "煤电机组灵活性改造", 2000, "万千瓦", 2030),
      ("other", "低碳示范村", 120, "个", 2030)]),
    # a standing rule with no year; the share a standard sets
    ("新增跨省跨区通道可再生能源电量比例原则上不低于50%。",
     [("new_channel_renewable_share", "新增跨省跨区通道可再生能源电量比例", 50, "%", None)]),
    ("到2025年，新建城镇居住建筑全面执行75%以上节能设计标准。",
     [("new_building_energy_saving_rate", "新建城镇居住建筑执行节能设计标准", 75, "%", 2025)]),
])
def test_province_target_forms(text, expected):
    assert province_targets(text) == expected


def test_the_unit_chooses_between_indicators_of_the_same_words():
    from registry.targets.indicator_words import _RULES, classify
    from registry.targets.indicators import INDICATORS

    assert classify("需求响应能力", "%") == "peak_load_response_share"
    assert classify("需求侧响应能力", "万千瓦") == "demand_response_capacity"
    assert classify("清洁能源装机占比", "%") == "clean_energy_capacity_share"
    assert classify("清洁能源装机", "万千瓦") == "clean_energy_capacity"
    assert classify("新能源汽车占比") == "ev_share_of_vehicles"
    assert all(key in INDICATORS for _, key in _RULES)


# --- forms the formerly held-out provincial plans showed (extract3; sentences written for these tests) ------

@pytest.mark.parametrize("text, expected", [
    # a share of what the verb names (达到最高用电负荷X%, 不低于…的X%), a range's lower end
    ("到2025年，电网削峰能力达到最高用电负荷4%-6%。",
     [("电网削峰能力（占最高用电负荷）", 4, "%", 2025)]),
    ("到2025年，全省储能设施容量不低于新能源装机规模的15%。",
     [("全省储能设施容量（占新能源装机规模）", 15, "%", 2025)]),
    ("到2030年，新能源汽车新车销售量达到汽车新车销售总量的40%左右。",
     [("新能源汽车新车销售量（占汽车新车销售总量）", 40, "%", 2030)]),
    # a stretch goal after the first value, the same year; a later year with a range
    ("到2025年，风电装机容量超过3000万千瓦、力争达到3500万千瓦。",
     [("风电装机容量", 3000, "万千瓦", 2025), ("风电装机容量", 3500, "万千瓦", 2025)]),
    ("到2025年，规上工业单位增加值能耗下降12%，力争下降13%。",
     [("规上工业单位增加值能耗下降", 12, "%", 2025), ("规上工业单位增加值能耗下降", 13, "%", 2025)]),
    # counts in 台 and 万台 after a verb that builds
    ("到2025年，建设公共充电桩8000台以上；到2030年，建设公共充电桩2万台以上。",
     [("建设公共充电桩", 8000, "台", 2025), ("建设公共充电桩", 2, "万台", 2030)]),
    # 100 %: 全部采用/购置/达到, and 全覆盖 with its noun between 实现 and 全覆盖
    ("到2025年，新增公交车辆全部采用新能源汽车，实现高速公路服务区充电设施全覆盖。",
     [("新增公交车辆新能源汽车", 100, "%", 2025), ("高速公路服务区充电设施覆盖", 100, "%", 2025)]),
    # two whole rates before one value are two targets, each from its own words; "化肥、农药利用率" is one rate
    ("到2025年，化肥、农药利用率达到43%以上，秸秆综合利用率、农膜回收率达到90%以上。",
     [("化肥、农药利用率", 43, "%", 2025), ("秸秆综合利用率", 90, "%", 2025), ("农膜回收率", 90, "%", 2025)]),
    ("到2025年，一般工业固体废弃物综合利用率和主要农作物秸秆综合利用率均保持在98%以上。",
     [("一般工业固体废弃物综合利用率", 98, "%", 2025), ("主要农作物秸秆综合利用率", 98, "%", 2025)]),
])
def test_province_target_forms_of_extract3(text, expected):
    assert [t[1:] for t in province_targets(text)] == expected


@pytest.mark.parametrize("metric, unit, key", [
    ("光伏、太阳能、风电总装机规模", "万千瓦", "wind_solar_capacity"),
    ("全省太阳能发电总装机容量", "万千瓦", "solar_pv_capacity"),
    ("需求侧响应能力（占最大用电负荷）", "%", "peak_load_response_share"),
    ("全省跨省外送能力", "万千瓦", "power_transfer_capacity"),
    ("城镇居民天然气气化率", "%", "city_gas_penetration"),
    ("煤电机组平均供电标准煤耗", "克标煤/千瓦时", "coal_power_supply_consumption"),
    ("新能源汽车累计保有量", "万辆", "new_energy_vehicle_stock"),
    ("新能源汽车新车销售量（占汽车新车销售总量）", "%", "new_energy_share_of_new_vehicles"),
    ("可再生能源供暖面积比重", "%", "renewable_heating_area_share"),
    ("民用机场场内车辆装备电动化", "%", "airport_vehicle_electrification"),
])
def test_indicators_the_formerly_held_out_plans_showed(metric, unit, key):
    assert classify(metric, unit) == key
