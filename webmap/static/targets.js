/* The map of /targets: each compared plan's area shaded by its value (webmap/targets_page.py).
 *
 * The map is a client of the same API as the page's table: it draws
 * /api/targets/compare.geojson for the page's indicator and year, whose features carry the
 * value, class colour, the plan's words and the link to the target's span. Provinces are drawn
 * in the lowest pane, cities above, counties on top, each with an outline, so that a county
 * inside a shaded province stays visible; a city or county too small to see at the current
 * zoom also gets a dot at its centre. Hover shows the plan, its value and year and its own
 * words; a click opens the target's span in the plan (on a touch screen, a first tap shows the
 * same as a popup with the link).
 *
 * body.dataset.mapState is "ready" once the areas (and the basemap's view) are drawn, "error"
 * if the data could not be loaded. Every data string reaches the page through textContent.
 */
(function () {
  "use strict";

  // Choosing another indicator asks for its default year: the years listed belong to the old one.
  var form = document.getElementById("compare-form");
  var indicator = document.getElementById("compare-indicator");
  if (form && indicator) {
    indicator.addEventListener("change", function () {
      var year = document.getElementById("compare-year");
      if (year) year.value = "";
      form.submit();
    });
  }

  var configNode = document.getElementById("compare-config");
  var container = document.getElementById("compare-map");
  if (!configNode || !container || !window.L) return;
  var config = JSON.parse(configNode.textContent);
  var body = document.body;
  body.dataset.mapState = "loading";

  // Panes: basemap land 150 and lines 250 (basemap.js), areas 410–430 by level, dots 440, then the
  // basemap's names above the fills so that places stay readable, then Leaflet's tooltips (650).
  var PANES = { areaProvince: 410, areaCity: 420, areaCounty: 430, areaDots: 440, basemapLabels: 460 };
  var LEVEL_PANES = { national: "areaProvince", province: "areaProvince", city: "areaCity", county: "areaCounty" };
  var OUTLINES = {
    national: { color: "#35495e", weight: 1.2 }, province: { color: "#35495e", weight: 1.2 },
    city: { color: "#1b2631", weight: 1.6 }, county: { color: "#000", weight: 2 },
  };
  var SMALL_PX = 14;  // an area narrower and lower than this on screen gets a dot
  var touch = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;

  var map = L.map(container, { minZoom: config.minZoom, maxZoom: config.maxZoom, zoomSnap: 0.25,
                               attributionControl: true, worldCopyJump: false });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(config.attribution);
  L.control.scale({ imperial: false }).addTo(map);
  if (window.registryBasemap) window.registryBasemap.localise(map, config.labels.controls);
  Object.keys(PANES).forEach(function (name) {
    map.createPane(name).style.zIndex = String(PANES[name]);
  });
  map.getPane("areaDots").style.pointerEvents = "auto";
  map.setView([34, 106], 4);  // China, until the areas are known
  window.registryCompare = { map: map, areas: [], dots: [] };

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // The hover card: plan title, level and area, value and year, the plan's own words.
  function card(p, withLink) {
    var box = element("div", "area-card");
    box.appendChild(element("strong", "area-title", p.title));
    box.appendChild(element("div", "area-place", p.level_label + " · " + p.area_name));
    var value = element("div", "area-value");
    value.appendChild(element("span", "area-number", p.value_text));
    value.appendChild(document.createTextNode(" · " + config.labels.year + " " + p.year +
                                              (p.base_year ? " · 比" + p.base_year + "年 from " + p.base_year : "")));
    box.appendChild(value);
    box.appendChild(element("div", "area-metric", config.labels.words + ": " + p.metric));
    if (p.quote) box.appendChild(element("q", "area-quote", p.quote));
    if (p.values_differ) box.appendChild(element("div", "area-differs", config.labels.differs));
    if (withLink) {
      var link = element("a", "area-link", config.labels.span + " ↗");
      link.href = p.span_url;
      box.appendChild(link);
    }
    return box;
  }

  function open(p) { window.location.assign(p.span_url); }

  function bindArea(layer, p) {
    if (touch) {
      layer.bindPopup(function () { return card(p, true); }, { maxWidth: 280 });
    } else {
      // Beside the pointer, not over it: the area under it stays in sight (and outlined, below).
      layer.bindTooltip(function () { return card(p, false); },
                        { sticky: true, direction: "auto", offset: [18, 0], opacity: 0.97 });
      layer.on("click", function () { open(p); });
      layer.on("mouseover", function () { highlight(p.doc_id, true); });
      layer.on("mouseout", function () { highlight(p.doc_id, false); });
    }
  }

  var byDoc = new Map();

  function draw(collection) {
    var features = collection.features;
    features.forEach(function (feature) {
      var p = feature.properties;
      var outline = OUTLINES[p.level] || OUTLINES.county;
      // className is read when the path is made (style() only sets colours afterwards).
      var layer = L.geoJSON(feature, {
        pane: LEVEL_PANES[p.level] || "areaCounty", className: "compare-area compare-area-" + p.level,
        style: function () {
          return { color: outline.color, weight: outline.weight, opacity: 0.9, fillColor: p.colour, fillOpacity: 0.78 };
        },
      }).getLayers()[0];
      bindArea(layer, p);
      layer.addTo(map);
      var path = layer.getElement && layer.getElement();
      if (path) markPlan(path, p);
      var entry = { layer: layer, properties: p, dot: null, outline: outline };
      if (p.level === "city" || p.level === "county") {
        entry.dot = L.circleMarker([p.point[1], p.point[0]], {
          pane: "areaDots", radius: p.level === "county" ? 5 : 6, color: outline.color, weight: 1.5,
          fillColor: p.colour, fillOpacity: 1, className: "compare-dot",
        });
        bindArea(entry.dot, p);
      }
      byDoc.set(p.doc_id, entry);
      window.registryCompare.areas.push(layer);
    });
    if (window.performance && performance.mark) performance.mark("areas-drawn");
    var group = L.featureGroup(window.registryCompare.areas);
    if (features.length) map.fitBounds(group.getBounds(), { padding: [16, 16], maxZoom: 9 });
    updateDots();
    map.on("zoomend", updateDots);
  }

  // An area's path, or the dot that stands for it, names its plan: a hit test reads the plan from either.
  function markPlan(element, properties) {
    element.setAttribute("data-doc", properties.doc_id);
    element.setAttribute("data-level", properties.level);
  }

  // Dots for the cities and counties that are too small to see (and to hover) at this zoom.
  function updateDots() {
    var shown = [];
    byDoc.forEach(function (entry) {
      if (!entry.dot) return;
      var bounds = entry.layer.getBounds();
      var a = map.latLngToLayerPoint(bounds.getNorthWest()), b = map.latLngToLayerPoint(bounds.getSouthEast());
      var small = Math.abs(b.x - a.x) < SMALL_PX && Math.abs(b.y - a.y) < SMALL_PX;
      if (small && !map.hasLayer(entry.dot)) {
        entry.dot.addTo(map);
        markPlan(entry.dot.getElement(), entry.properties);  // the dot stands for its plan's area
      }
      if (!small && map.hasLayer(entry.dot)) entry.dot.remove();
      if (small) shown.push(entry.dot);
    });
    window.registryCompare.dots = shown;
  }

  // A row of the table points out its area on the map.
  function highlight(docId, on) {
    var entry = byDoc.get(docId);
    if (!entry) return;
    entry.layer.setStyle({ weight: on ? entry.outline.weight + 2.5 : entry.outline.weight,
                           color: on ? "#d62728" : entry.outline.color });
    if (on) entry.layer.bringToFront();
  }
  document.querySelectorAll("#compare-table tbody tr[data-doc], #compare-chart .bar").forEach(function (row) {
    row.addEventListener("mouseenter", function () { highlight(row.getAttribute("data-doc"), true); });
    row.addEventListener("mouseleave", function () { highlight(row.getAttribute("data-doc"), false); });
  });

  // The same request as the page's <link rel=preload> (no extra headers), so the browser reuses its answer.
  var drawn = fetch(config.geojson).then(function (response) {
    if (!response.ok) throw new Error(config.geojson + ": HTTP " + response.status);
    return response.json();
  }).then(draw);
  var basemapDrawn = window.registryBasemap ? window.registryBasemap.addTo(map, config.basemap, drawn) : Promise.resolve();
  Promise.all([drawn, basemapDrawn]).then(function () {
    body.dataset.mapState = "ready";
  }, function (error) {
    console.error("targets map:", error);
    body.dataset.mapState = "error";
  });
})();
