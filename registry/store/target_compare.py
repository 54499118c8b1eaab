"""One indicator compared across plans: `/targets`, `/api/targets/compare` and its GeoJSON.

    with Registry(db) as registry:
        query = CompareQuery.from_params({"indicator": ["non_fossil_share"], "year": ["2025"]})
        result = compare(registry.conn, query)   # plans, values, spans, classes, who sets it for other years

Values are only put on one scale when they measure the same thing: one indicator of the
vocabulary (registry/targets/indicators.py), one target year, one normalised unit and, for a reduction,
one base year (比2020年 is not 比2005年: `base_year`, `choose_scale`). A plan is one
row, whatever its level (province, city, county): its value is the first target of that
indicator and year in its text (where plans state their main goals), and any other statement
of it is kept beside it with its span (`statements`), flagged when its value differs. Plans
that set the indicator only for other years, or not at all, are listed, so absence shows.
The classes of the map's colour ramp are computed here, once, for the table, the legend and
the map alike.
"""
from __future__ import annotations

import re
import sqlite3
from collections import Counter
from dataclasses import dataclass

from registry.targets.indicators import INDICATORS
from registry.geo.provinces import NATIONAL_NAMES
from registry.store.query import FilterError
from registry.store.targets import unknown_indicator

SORTS = ("value", "plan", "level", "area")
ORDERS = ("asc", "desc")
DEFAULT_SORT, DEFAULT_ORDER = "value", "desc"
# `other` holds targets not yet in the vocabulary: different things that one scale must not mix.
NOT_COMPARABLE = frozenset({"other"})
COMPARABLE = tuple(key for key in INDICATORS if key not in NOT_COMPARABLE)
LEVEL_ORDER = {"national": 0, "province": 1, "city": 2, "county": 3, "unknown": 4}
LEVEL_LABELS = {"national": ("国家", "National"), "province": ("省", "Province"), "city": ("市", "City"),
                "county": ("县", "County"), "unknown": ("—", "Unknown")}
# A sequential ramp (ColorBrewer YlGnBu, its palest step left out: it would vanish into the basemap's
# land), light = low, dark = high; k classes take k steps spread over it.
RAMP = ("#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84")
MAX_CLASSES = 5
QUOTE_LIMIT = 200
# A reduction is measured from a base year ("比2020年下降13.5%", "相比2005年下降65%"): two
# reductions from different base years are different quantities. The base year is read from the
# sentence of the span, up to the span's end (BEFORE_SPAN characters back at most).
_BASE_YEAR = re.compile(r"(?:比|较|相比|相较于?|与)\s*((?:19|20)\d\d)\s*年")
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")
BEFORE_SPAN = 150


@dataclass(frozen=True)
class CompareQuery:
    indicator: str | None = None  # None: the indicator most plans set
    year: int | None = None  # None: that indicator's most common target year
    sort: str = DEFAULT_SORT
    order: str = DEFAULT_ORDER

    @classmethod
    def from_params(cls, params) -> "CompareQuery":
        """From a query string (werkzeug MultiDict or a mapping of name -> list); FilterError naming a bad parameter."""
        indicator = _single(params, "indicator")
        if indicator is not None and indicator not in COMPARABLE:
            if indicator in NOT_COMPARABLE:
                raise FilterError("indicator", "%(value)r gathers targets outside the vocabulary, which measure "
                                               "different things: it cannot be compared on one scale", value=indicator)
            raise unknown_indicator(indicator, COMPARABLE)
        year = _single(params, "year")
        if year is not None:
            if not (len(year) == 4 and year.isascii() and year.isdigit() and 1990 <= int(year) <= 2100):
                raise FilterError("year", "%(value)r is not a year (1990..2100)", value=year[:40])
        sort = _single(params, "sort") or DEFAULT_SORT
        if sort not in SORTS:
            raise FilterError("sort", "cannot sort by %(value)r; expected one of %(expected)s", value=sort[:40],
                              expected=", ".join(SORTS))
        order = _single(params, "order") or DEFAULT_ORDER
        if order not in ORDERS:
            raise FilterError("order", "%(value)r is not asc or desc", value=order[:40])
        return cls(indicator, int(year) if year is not None else None, sort, order)


def _single(params, name: str) -> str | None:
    values = params.getlist(name) if hasattr(params, "getlist") else list(params.get(name, ()))
    values = [v.strip() for v in values if v is not None and v.strip()]
    if "\x00" in "".join(values):
        raise FilterError(name, "contains a NUL character")
    if len(set(values)) > 1:
        raise FilterError(name, "give one value: one indicator and one year are compared at a time")
    return values[0] if values else None


def indicator_choices(conn: sqlite3.Connection) -> list[dict]:
    """Indicators that plans set, most plans first: {key, label_zh, label_en, unit, plans, years: [{year, plans}]}."""
    rows = conn.execute("SELECT indicator, year, unit_normalised, count(DISTINCT source_doc) FROM targets "
                        "GROUP BY indicator, year, unit_normalised").fetchall()
    plans_per_indicator = dict(conn.execute("SELECT indicator, count(DISTINCT source_doc) FROM targets GROUP BY indicator"))
    choices: dict[str, dict] = {}
    for key, year, unit, plans in rows:
        if key not in COMPARABLE:
            continue
        indicator = INDICATORS[key]
        choice = choices.setdefault(key, {"key": key, "label_zh": indicator.label_zh, "label_en": indicator.label_en,
                                          "plans": plans_per_indicator[key], "years": {}, "units": Counter()})
        if year is not None:
            choice["years"][year] = choice["years"].get(year, 0) + plans
        choice["units"][unit] += plans
    ordered = sorted(choices.values(), key=lambda c: (-c["plans"], COMPARABLE.index(c["key"])))
    for choice in ordered:
        # Most plans first; on a tie the nearer year (2025 before 2030).
        choice["years"] = [{"year": y, "plans": n} for y, n in sorted(choice["years"].items(), key=lambda i: (-i[1], i[0]))]
        choice["unit"] = choice.pop("units").most_common(1)[0][0]
    return ordered


def compare(conn: sqlite3.Connection, query: CompareQuery = CompareQuery()) -> dict:
    """The comparison of one indicator and year across every plan of the registry (see the module's doc)."""
    choices = indicator_choices(conn)
    by_key = {c["key"]: c for c in choices}
    key = query.indicator or (choices[0]["key"] if choices else None)
    choice = by_key.get(key)
    year = query.year if query.year is not None else (choice["years"][0]["year"] if choice and choice["years"] else None)
    documents, areas_built = _documents(conn)
    statements = _statements(conn, key) if key else []
    by_doc: dict[str, list[dict]] = {}
    for statement in statements:
        by_doc.setdefault(statement["source_doc"], []).append(statement)
    at_year = {doc: [s for s in rows if s["year"] == year] for doc, rows in by_doc.items()}
    unit, base_year = choose_scale([rows[0] for rows in at_year.values() if rows], choice["unit"] if choice else None)
    plans, other_years, other_scales, without = [], [], [], []
    for doc in documents.values():
        rows, here = by_doc.get(doc["doc_id"], []), at_year.get(doc["doc_id"], [])
        if not rows:
            without.append(_plan_ref(doc))
        elif not here:
            other_years.append({**_plan_ref(doc), "years": sorted({r["year"] for r in rows if r["year"] is not None}),
                                "without_year": any(r["year"] is None for r in rows)})
        elif not on_scale(here[0], unit, base_year):
            other_scales.append({**_plan_ref(doc), "unit": here[0]["unit_normalised"],
                                 "base_year": here[0]["base_year"], "value": here[0]["value"],
                                 "metric": here[0]["metric"], "source_start": here[0]["source_start"],
                                 "source_end": here[0]["source_end"]})
        else:
            plans.append(_plan_entry(doc, here))
    classes = colour_classes([p["value"] for p in plans])
    for plan in plans:
        plan["class"] = class_of(classes, plan["value"])
        plan["colour"] = classes[plan["class"]]["colour"]
    _sort(plans, query.sort, query.order)
    return {
        "indicator": ({"key": key, "label_zh": INDICATORS[key].label_zh, "label_en": INDICATORS[key].label_en,
                       "unit_family": INDICATORS[key].unit_family} if key else None),
        "year": year, "unit": unit, "base_year": base_year, "sort": query.sort, "order": query.order,
        "total": len(plans), "on_map": sum(1 for p in plans if p["on_map"]),
        "levels": {level: n for level, n in sorted(Counter(p["level"] for p in plans).items(),
                                                   key=lambda i: LEVEL_ORDER[i[0]])},
        "plans": plans, "classes": classes,
        "years": choice["years"] if choice else [],
        "other_years": other_years, "other_scales": other_scales, "without": without,
        "areas_built": areas_built,
    }


def choose_scale(firsts: list[dict], default_unit: str | None = None) -> tuple[str | None, int | None]:
    """(unit, base year) of the one scale: the unit most plans' first statements use and, among those,
    the base year most of them state (None where none states one)."""
    units = Counter(s["unit_normalised"] for s in firsts)
    unit = units.most_common(1)[0][0] if units else default_unit
    bases = Counter(s["base_year"] for s in firsts if s["unit_normalised"] == unit and s["base_year"] is not None)
    return unit, (bases.most_common(1)[0][0] if bases else None)


def on_scale(statement: dict, unit: str | None, base_year: int | None) -> bool:
    """Whether a statement is measured like the scale: same unit, and no other stated base year."""
    return statement["unit_normalised"] == unit and statement["base_year"] in (None, base_year)


def describe(result: dict) -> str:
    """What is compared, in words: "非化石能源消费比重 Non-fossil share …, %, 目标年份 target year 2025: 5 份规划 plans (…)"."""
    indicator = result["indicator"]
    if indicator is None:
        return "本项目库尚无规划目标 No plan of this registry sets a target yet"
    levels = ", ".join(f"{LEVEL_LABELS[level][0]} {LEVEL_LABELS[level][1].lower()} {n}"
                       for level, n in result["levels"].items())  # compare() orders them national → county
    year = result["year"] if result["year"] is not None else "—"
    base = f", 比{result['base_year']}年 from {result['base_year']}" if result.get("base_year") else ""
    return (f"{indicator['label_zh']} {indicator['label_en']}, {result['unit'] or '—'}{base}, 目标年份 target year "
            f"{year}: {result['total']} 份规划 plans" + (f" ({levels})" if levels else ""))


def _documents(conn: sqlite3.Connection) -> tuple[dict[str, dict], bool]:
    """Every plan with its area's level, name and whether the area can be drawn, by area level and code;
    and whether the registry has plan areas at all (one built before them has none)."""
    has_areas = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'plan_areas'").fetchone()
    area_columns = ("a.level, a.name, a.geojson IS NOT NULL" if has_areas else "NULL, NULL, 0")
    join = "LEFT JOIN plan_areas a ON a.code = d.city_code" if has_areas else ""
    documents = []
    for row in conn.execute(f"SELECT d.doc_id, d.title, d.city, d.city_code, d.parent_city, d.province, d.status, "
                            f"{area_columns} FROM documents d {join}"):
        doc_id, title, city, code, parent_city, province, status, level, area_name, drawable = tuple(row)
        draft = any(word in f"{title or ''} {status or ''}" for word in ("征求意见稿", "draft"))
        # A plan with no area code is national if its area says so (全国), as plan_areas would.
        level = level or ("national" if (city or "").strip() in NATIONAL_NAMES else "unknown")
        documents.append({"doc_id": doc_id, "title": title, "level": level, "area_code": code,
                          "area_name": city or area_name or "", "parent_city": parent_city or "",
                          "province": province or "", "draft": draft, "on_map": bool(drawable)})
    documents.sort(key=lambda d: (LEVEL_ORDER[d["level"]], d["area_code"] or "", d["doc_id"]))
    return {d["doc_id"]: d for d in documents}, bool(has_areas)


def _statements(conn: sqlite3.Connection, key: str) -> list[dict]:
    """Every target of one indicator, with the words of its span (and a reduction's base year), in text order."""
    cursor = conn.execute(
        "SELECT t.source_doc, t.metric, t.value, t.unit, t.value_normalised, t.unit_normalised, t.year, "
        "t.source_section, t.source_start, t.source_end, "
        "substr(d.text, max(t.source_start + 1 - ?, 1), min(t.source_start, ?) + min(t.source_end - t.source_start, ?)) "
        "FROM targets t JOIN documents d ON d.doc_id = t.source_doc WHERE t.indicator = ? "
        "ORDER BY t.source_doc, t.source_start, t.source_end, t.rowid", (BEFORE_SPAN, BEFORE_SPAN, QUOTE_LIMIT, key))
    names = ("source_doc", "metric", "value_plan", "unit_plan", "value", "unit_normalised", "year", "section",
             "source_start", "source_end")
    reduction = key.endswith("_reduction")
    statements = []
    for row in cursor:
        statement = dict(zip(names, row[:-1]))
        context = row[-1] or ""
        before = min(statement["source_start"], BEFORE_SPAN)
        statement["quote"] = " ".join(context[before:].split())
        statement["base_year"] = base_year(context[:before], context[before:]) if reduction else None
        statements.append(statement)
    return statements


def base_year(before: str, span: str) -> int | None:
    """The base year a reduction is measured from, stated in its sentence up to the span's end."""
    sentence = _SENTENCE_END.split(before)[-1] + span
    found = _BASE_YEAR.findall(sentence)
    return int(found[-1]) if found else None


def _plan_ref(doc: dict) -> dict:
    return {k: doc[k] for k in ("doc_id", "title", "level", "area_code", "area_name", "province", "on_map")}


def _plan_entry(doc: dict, here: list[dict]) -> dict:
    first = here[0]
    statements = [{k: s[k] for k in ("metric", "value", "value_plan", "unit_plan", "section", "source_start",
                                     "source_end", "quote", "base_year")} for s in here]
    return {**_plan_ref(doc), "parent_city": doc["parent_city"], "draft": doc["draft"],
            "value": first["value"], "unit": first["unit_normalised"], "value_plan": first["value_plan"],
            "unit_plan": first["unit_plan"], "year": first["year"], "metric": first["metric"],
            "section": first["section"], "source_start": first["source_start"], "source_end": first["source_end"],
            "quote": first["quote"], "base_year": first["base_year"], "statements": statements,
            "values_differ": len({s["value"] for s in here}) > 1}


def colour_classes(values: list[float]) -> list[dict]:
    """Quantile classes of the values: up to MAX_CLASSES groups of about equal size, equal values never split.

    Each class is {min, max, plans, colour}: min and max are values that occur, so the legend never
    names a value no plan has.
    """
    distinct = sorted(set(values))
    if not distinct:
        return []
    count = Counter(values)
    k = min(MAX_CLASSES, len(distinct))
    groups: list[list[float]] = [[]]
    seen = 0
    for value in distinct:
        # Start a new class once this one holds its share of the plans.
        if groups[-1] and seen >= len(values) * len(groups) / k and len(groups) < k:
            groups.append([])
        groups[-1].append(value)
        seen += count[value]
    steps = _ramp(len(groups))
    return [{"min": g[0], "max": g[-1], "plans": sum(count[v] for v in g), "colour": colour}
            for g, colour in zip(groups, steps)]


def _ramp(k: int) -> list[str]:
    if k == 1:
        return [RAMP[3]]
    return [RAMP[round(i * (len(RAMP) - 1) / (k - 1))] for i in range(k)]


def class_of(classes: list[dict], value: float) -> int:
    for index, cls in enumerate(classes):
        if value <= cls["max"]:
            return index
    return len(classes) - 1


def _sort(plans: list[dict], sort: str, order: str) -> None:
    keys = {"value": lambda p: (p["value"],), "plan": lambda p: (p["title"],),
            "level": lambda p: (LEVEL_ORDER[p["level"]], p["area_code"] or ""),
            "area": lambda p: (p["province"], p["area_code"] or "")}
    # Ties in the chosen column always read the same way: by area code, then plan.
    plans.sort(key=lambda p: (p["area_code"] or "", p["doc_id"]))
    plans.sort(key=keys[sort], reverse=order == "desc")
