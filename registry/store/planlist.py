"""The plans by level (全国, 省级, 市级, 县级) and by province, with how many of each plan's projects
are on the map: what /plans and /api/plans show.

A plan's level is read from its area code in plans/documents.csv (`city_code`): a province's
code ends in 0000 (北京市 110000 and the other municipalities too), a prefecture's in 00, a
county's in neither; a national plan has no code (or 100000, the code commonly used for all
of China). Its province is documents.csv's, as an official name.
"""
from __future__ import annotations

import sqlite3

from registry.geo.divisions import load_divisions
from registry.geo.provinces import division_order, plan_level
from registry.store.targets import plan_summaries

# level -> (English, Chinese), in the order /plans lists them.
LEVELS = {"national": ("National", "全国"), "province": ("Provincial", "省级"), "city": ("City", "市级"),
          "county": ("County", "县级")}


def project_counts(conn: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    """doc_id -> (projects on the map, projects not on the map)."""
    return {doc: (located, count - located) for doc, count, located in conn.execute(
        "SELECT source_doc, count(*), count(lon) FROM projects GROUP BY source_doc")}


def plans_with_levels(conn: sqlite3.Connection) -> list[dict]:
    """plan_summaries (registry/store/targets.py) plus level, province (official name) and the located counts."""
    counts = project_counts(conn)
    divisions = load_divisions()
    plans = []
    for plan in plan_summaries(conn):
        province = divisions.province_named(plan.get("province") or "")
        located, not_located = counts.get(plan["doc_id"], (0, 0))
        plans.append({**plan, "level": plan_level(plan.get("city_code") or ""),
                      "province": province.name if province is not None else (plan.get("province") or ""),
                      "projects_located": located, "projects_not_located": not_located})
    return plans


def plan_groups(plans: list[dict]) -> list[dict]:
    """[{level, label, count, provinces: [(province, [plan, …]), …]}, …] for the levels that have plans;
    provinces in the official order (北京市, 天津市 …), plans by area code within."""
    order = division_order()
    groups = []
    for level, (english, chinese) in LEVELS.items():
        members = [p for p in plans if p["level"] == level]
        if not members:
            continue
        by_province: dict[str, list[dict]] = {}
        for plan in sorted(members, key=lambda p: (p.get("city_code") or "", p["doc_id"])):
            by_province.setdefault(plan["province"], []).append(plan)
        groups.append({"level": level, "label": f"{chinese} {english}", "count": len(members),
                       "provinces": sorted(by_province.items(), key=lambda item: (item[0] == "", order(item[0])))})
    return groups
