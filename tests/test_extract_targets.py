"""The target rules of `registry extract` on sentences we wrote in the plans' style (issue 13's forms among them)."""
from __future__ import annotations

import pytest

from registry.extract import extract_text

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
    from registry.indicator_words import classify
    from registry.indicators import INDICATORS

    assert classify("单位地区生产总值能耗比2020年下降") == "energy_intensity_reduction"
    assert classify("单位地区生产总值二氧化碳排放比2020年下降") == "carbon_intensity_reduction"
    assert classify("农村户用沼气池保有量") == "other"
    assert "other" in INDICATORS
