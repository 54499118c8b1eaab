"""Count and total MW of a filtered set, overall and by type, province, city and county.

The total also says how many of the set the map can draw (`located`: they have a point) and how
many are listed but not drawn (`not_located`: registry/geocode.py's `unlocated:` rows).

One function for the request path (`Registry.facets`) and the build, which stores the
unfiltered facets so the default page reads them instead of grouping the whole table.
"""
from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

FACET_COLUMNS = ("type", "province", "city", "county")


def compute(conn, where: str, params: list, scan_once: bool = False) -> dict:
    """Facets of `SELECT … FROM projects WHERE where`.

    With `scan_once` the matching rows are read once and grouped in Python: a filter that
    can only be answered by scanning the table (a two-character search) then costs one scan,
    not four.
    """
    if scan_once:
        return _grouped_in_python(conn.execute(
            f"SELECT {', '.join(FACET_COLUMNS)}, capacity_mw, lon FROM projects WHERE {where}", params))
    total = conn.execute(f"SELECT count(*), total(capacity_mw), count(capacity_mw), count(lon) FROM projects "
                         f"WHERE {where}", params).fetchone()
    result = {"total": _total(total[0], total[1], total[2], total[3])}
    for column in FACET_COLUMNS:
        rows = conn.execute(
            f"SELECT {column}, count(*) AS n, total(capacity_mw) AS mw, count(capacity_mw) FROM projects "
            f"WHERE {where} GROUP BY {column} ORDER BY n DESC, {column}", params)
        result[column] = [{"value": r[0] or "", "count": r[1], "capacity_mw": round(r[2], 3), "capacity_known": r[3]}
                          for r in rows]
    return result


def _total(count: int, mw: float, known: int, located: int) -> dict:
    return {"count": count, "capacity_mw": round(mw, 3), "capacity_known": known, "located": located,
            "not_located": count - located}


def _grouped_in_python(rows) -> dict:
    count, mw, known, located = 0, 0.0, 0, 0
    groups = {column: defaultdict(lambda: [0, 0.0, 0]) for column in FACET_COLUMNS}
    capacity_at = len(FACET_COLUMNS)
    for row in rows:
        capacity = row[capacity_at]
        located += row[capacity_at + 1] is not None
        count += 1
        if capacity is not None:
            mw += capacity
            known += 1
        for i, column in enumerate(FACET_COLUMNS):
            entry = groups[column][row[i] or ""]
            entry[0] += 1
            entry[1] += capacity or 0.0
            entry[2] += capacity is not None
    result = {"total": _total(count, mw, known, located)}
    for column in FACET_COLUMNS:
        ordered = sorted(groups[column].items(), key=lambda item: (-item[1][0], item[0]))
        result[column] = [{"value": value, "count": n, "capacity_mw": round(total, 3), "capacity_known": known_n}
                          for value, (n, total, known_n) in ordered]
    return result


def store_unfiltered(conn) -> None:
    """Write the facets of the whole registry into `registry_facets` (one JSON row)."""
    facets = compute(conn, "1", [])
    conn.execute("CREATE TABLE registry_facets (key TEXT PRIMARY KEY, facets TEXT)")
    conn.execute("INSERT INTO registry_facets VALUES ('all', ?)", (json.dumps(facets, ensure_ascii=False),))


def read_unfiltered(conn) -> dict | None:
    try:
        row = conn.execute("SELECT facets FROM registry_facets WHERE key = 'all'").fetchone()
    except sqlite3.OperationalError:  # a registry built before the table existed
        return None
    return json.loads(row[0]) if row else None
