"""A registry at national scope whose one 甘肃 plan is a small one written for the tests.

The shipped registry (its plans and projects.csv) with its 甘肃 plan replaced by one we wrote in the
plans' style (in tmp), so every 甘肃 row is known here: one row located at its county, one at its city, and two rows whose clause
names no city or county — a region (陇东能源基地) and a line between provinces — which the real
geocoder leaves unlocated. Nothing here sets a coordinate: `registry.geo.geocode` does.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT, read_rows, write_rows

PLAN_ID = "gansu_620000"
PLAN_TEXT = """甘肃省碳达峰实施方案（测试）

一、能源绿色低碳转型行动
（一）大力发展新能源。
加快建设瓜州县北大桥第七风电场，有序推进兰州新区新型储能电站建设。
统筹推进陇东能源基地建设，推动陇东至山东±800千伏特高压直流输电工程前期工作。
到2025年，全省新能源装机达到8000万千瓦。
"""
# (id, name, type, capacity_mw, city, county): the city as the clause names it; the province's own name where
# the clause names no city (the extractor's and the reviewers' convention, README "Geocoding").
ROWS = (
    ("gansu-001", "瓜州县北大桥第七风电场", "wind", "", "酒泉市", "瓜州县"),
    ("gansu-002", "兰州新区新型储能电站", "energy_storage", "", "兰州市", ""),
    ("gansu-003", "陇东能源基地", "new_energy_base", "", "甘肃省", ""),
    ("gansu-004", "陇东至山东±800千伏特高压直流输电工程", "transmission", "", "甘肃省", ""),
)


def make_national_registry(folder: Path) -> tuple[Path, list[dict]]:
    """A registry folder (projects.csv, plans/, registry.db built) and its rows as the CSV holds them."""
    from registry.geo.geocode import geocode_rows
    from registry.rows.schema import PROJECT_COLUMNS
    from registry.store.store import build

    plans = folder / "plans"
    shutil.copytree(ROOT / "plans", plans, ignore=shutil.ignore_patterns(f"{PLAN_ID}.*"))
    (plans / f"{PLAN_ID}.txt").write_text(PLAN_TEXT, encoding="utf-8")
    documents = [d for d in read_rows(plans / "documents.csv") if d["doc_id"] != PLAN_ID]
    documents.append({**{k: "" for k in documents[0]}, "doc_id": PLAN_ID, "file": f"{PLAN_ID}.txt",
                      "title": "甘肃省碳达峰实施方案（测试）", "city": "甘肃省", "city_code": "620000",
                      "province": "甘肃省", "issuer": "甘肃省人民政府", "published": "2024-01-01", "status": "in force"})
    write_rows(plans / "documents.csv", documents)
    new = []
    for project_id, name, ptype, mw, city, county in ROWS:
        start = PLAN_TEXT.index(name)
        new.append({**{c: "" for c in PROJECT_COLUMNS}, "id": project_id, "name": name, "type": ptype, "capacity_mw": mw,
                    "city": city, "county": county, "source_doc": PLAN_ID, "source_section": "（一）大力发展新能源。",
                    "source_start": str(start), "source_end": str(start + len(name))})
    geocoded = [{c: "" if v is None else str(v) for c, v in row.items()} for row in geocode_rows(new)]
    rows = [r for r in read_rows(ROOT / "projects.csv") if r["source_doc"] != PLAN_ID] + geocoded
    write_rows(folder / "projects.csv", rows, list(PROJECT_COLUMNS))
    targets = read_rows(ROOT / "targets.csv")
    write_rows(folder / "targets.csv", [t for t in targets if t["source_doc"] != PLAN_ID], list(targets[0]))
    build(folder / "projects.csv", folder / "registry.db", plans_dir=plans)
    return folder, read_rows(folder / "projects.csv")
