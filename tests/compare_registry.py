"""A registry of plans at every level, for the target comparison's tests: the five shipped plans
(cities and counties of 湖北/湖南) plus real plan texts of /work/shared/dev-plans (the provinces
湖南, 广东, 江西, 海南, the city 张家界 and the county 安化) and an excerpt of the national
2030年前碳达峰行动方案 (国发〔2021〕23号), whose area cannot be drawn.

The added targets are found in the texts here, by their words, so every span is the plan's own:
湖南 contains 张家界 (a city), 津市 and 临湘 (counties), so province, city and county areas overlap
on the map. The carbon-intensity reductions state their base years (比2020年, 相比2005年) in their
sentences, in or before the span. 海南 sets the non-fossil share for 2030 only and 安化 sets none, so both lists of absent
plans have members. Nothing here is an expectation: tests compute theirs from the CSV files written.
"""
from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, read_rows, write_rows

DEV_PLANS = ROOT.parent / "shared" / "dev-plans"
# The national plan's goal, as published (国务院, 国发〔2021〕23号, 一、总体要求 （二）主要目标).
NATIONAL_TEXT = ("2030年前碳达峰行动方案\n（二）主要目标。\n"
                 "“十四五”期间，产业结构和能源结构调整优化取得明显进展，重点行业能源利用效率大幅提升，"
                 "煤炭消费增长得到严格控制，新型电力系统加快构建，绿色低碳技术研发和推广应用取得新进展，"
                 "绿色生产生活方式得到普遍推行，有利于绿色低碳循环发展的政策体系进一步完善。到2025年，"
                 "非化石能源消费比重达到20%左右，单位国内生产总值能源消耗比2020年下降13.5%，"
                 "单位国内生产总值二氧化碳排放比2020年下降18%，为实现碳达峰奠定坚实基础。"
                 "“十五五”期间，产业结构调整取得重大进展，清洁低碳安全高效的能源体系初步建立，重点领域低碳发展模式基本形成，"
                 "重点耗能行业能源利用效率达到国际先进水平，非化石能源消费比重进一步提高，煤炭消费逐步减少，"
                 "绿色低碳技术取得关键突破，绿色生活方式成为公众自觉选择，绿色低碳循环发展政策体系基本健全。到2030年，"
                 "非化石能源消费比重达到25%左右，单位国内生产总值二氧化碳排放比2005年下降65%以上，"
                 "顺利实现2030年前碳达峰目标。\n")
# (dev-plans folder or None for NATIONAL_TEXT, documents.csv row,
#  targets: (indicator, metric, the words of its span, value, unit, year))
EXTRA_PLANS = [
    ("hunan", {"doc_id": "hunan_430000", "title": "湖南省碳达峰实施方案", "city": "湖南省", "city_code": "430000",
               "province": "湖南省", "issuer": "湖南省人民政府", "doc_number": "湘政发〔2022〕19号"},
     [("non_fossil_share", "非化石能源消费比重", "非化石能源消费比重达到22%", 22, "%", 2025)]),
    ("guangdong", {"doc_id": "guangdong_440000", "title": "广东省碳达峰实施方案", "city": "广东省",
                   "city_code": "440000", "province": "广东省", "issuer": "广东省人民政府"},
     [("non_fossil_share", "非化石能源消费比重", "非化石能源消费比重力争达到32%", 32, "%", 2025)]),
    ("jiangxi", {"doc_id": "jiangxi_360000", "title": "江西省碳达峰实施方案", "city": "江西省", "city_code": "360000",
                 "province": "江西省", "issuer": "江西省人民政府"},
     [("non_fossil_share", "非化石能源消费比重", "非化石能源消费比重达到18.3%", 18.3, "%", 2025)]),
    ("hainan", {"doc_id": "hainan_460000", "title": "海南省碳达峰实施方案", "city": "海南省", "city_code": "460000",
                "province": "海南省", "issuer": "海南省人民政府"},
     [("non_fossil_share", "非化石能源消费比重", "非化石能源消费比重力争提高至54%", 54, "%", 2030),
      ("carbon_intensity_reduction", "单位国内生产总值二氧化碳排放下降", "下降65%", 65, "%", 2030)]),
    ("zhangjiajie", {"doc_id": "zhangjiajie_430800", "title": "张家界市碳达峰实施方案", "city": "张家界市",
                     "city_code": "430800", "province": "湖南省", "issuer": "张家界市人民政府",
                     "doc_number": "张政发〔2023〕11号", "published": "2023-10-08"},
     [("non_fossil_share", "非化石能源消费比重", "非化石能源消费比重达22%", 22, "%", 2025),
      ("non_fossil_share", "非化石能源消费比重", "非化石能源消费比重达25%", 25, "%", 2030)]),
    ("anhua", {"doc_id": "anhua_430923", "title": "安化县碳达峰实施方案", "city": "安化县", "city_code": "430923",
               "parent_city": "益阳市", "province": "湖南省", "issuer": "安化县人民政府"},
     [("solar_pv_capacity", "光伏发电项目总装机", "总装机33.2万千瓦", 33.2, "万千瓦", 2025)]),
    (None, {"doc_id": "national_100000", "title": "2030年前碳达峰行动方案", "city": "全国", "city_code": "100000",
            "province": "", "issuer": "国务院", "doc_number": "国发〔2021〕23号", "published": "2021-10-24"},
     [("non_fossil_share", "非化石能源消费比重", "非化石能源消费比重达到20%", 20, "%", 2025),
      ("carbon_intensity_reduction", "单位国内生产总值二氧化碳排放下降", "二氧化碳排放比2020年下降18%", 18, "%", 2025),
      ("non_fossil_share", "非化石能源消费比重", "非化石能源消费比重达到25%", 25, "%", 2030),
      ("carbon_intensity_reduction", "单位国内生产总值二氧化碳排放下降", "二氧化碳排放比2005年下降65%", 65, "%", 2030)]),
]


def dev_plans_present() -> None:
    if not DEV_PLANS.is_dir():
        message = f"the development plans are not beside the checkout ({DEV_PLANS})"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)


# For the hostile variant: a plan title and a target's words a careless page would run.
HOSTILE_TITLE = '江西省<img src=x onerror="document.title=1">碳达峰"实施方案</script><script>alert(1)</script>'
HOSTILE_METRIC = "非化石能源<b onmouseover=alert(2)>消费比重</b>'\"`${1}"


def make_registry(folder: Path, hostile: bool = False) -> Path:
    """A registry folder with the shipped plans and EXTRA_PLANS, built; returns its registry.db.

    `hostile`: 江西's title and target words are HOSTILE_TITLE and HOSTILE_METRIC.
    """
    from registry.store import build

    dev_plans_present()
    plans = folder / "plans"
    plans.mkdir(parents=True)
    documents = read_rows(ROOT / "plans" / "documents.csv")
    header = list(documents[0])
    for doc in documents:
        shutil.copy(ROOT / "plans" / doc["file"], plans / doc["file"])
    targets = read_rows(ROOT / "targets.csv")
    target_header = list(targets[0])
    for source, doc, doc_targets in EXTRA_PLANS:
        text = NATIONAL_TEXT if source is None else (DEV_PLANS / source / "plan.txt").read_text(encoding="utf-8")
        doc = {**{c: "" for c in header}, **doc}
        if any(d["doc_id"] == doc["doc_id"] for d in documents):  # the shipped registry has it now: keep both
            doc["doc_id"] = "devset" + doc["doc_id"]
        doc["file"] = f"{doc['doc_id']}.txt"
        if hostile and source == "jiangxi":
            doc["title"] = HOSTILE_TITLE
        doc["status"] = doc["status"] or "in force"
        (plans / doc["file"]).write_text(text, encoding="utf-8")
        documents.append(doc)
        for indicator, metric, words, value, unit, year in doc_targets:
            start = text.index(words)  # the plan's own words, or the test data is wrong
            normalised = {"%": (value, "%"), "万千瓦": (round(value * 10, 4), "MW")}[unit]
            targets.append({**{c: "" for c in target_header},
                            "city": doc["parent_city"] or doc["city"], "county": doc["city"] if doc["parent_city"] else "",
                            "indicator": indicator,
                            "metric": HOSTILE_METRIC if hostile and source == "jiangxi" else metric,
                            "value": f"{value:g}", "unit": unit, "value_normalised": f"{normalised[0]:g}",
                            "unit_normalised": normalised[1], "year": str(year), "source_doc": doc["doc_id"],
                            "source_start": str(start), "source_end": str(start + len(words))})
    write_rows(plans / "documents.csv", documents, header)
    write_rows(folder / "targets.csv", targets, target_header)
    shutil.copy(ROOT / "projects.csv", folder / "projects.csv")
    db = folder / "registry.db"
    build(folder / "projects.csv", db, plans_dir=plans, targets_csv=folder / "targets.csv")
    return db


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
