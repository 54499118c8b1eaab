/* Draws the registry's projects into the Folium frame of a page, on canvases, view by view.
 *
 * Folium has built the map, the county-boundary layer and the legend; their JavaScript
 * names, the endpoints and the labels arrive as JSON in #map-config. For each view (after
 * the first fit and after every pan or zoom) the page asks the app for the clusters whose
 * ~60 px cells meet the view (/api/map/clusters: lon, lat, count, MW, family, precision, a
 * member id when alone) and the line projects crossing it (/api/map/lines), with the
 * page's filter, and paints them on two canvases: no DOM element and no Leaflet object
 * per project, so the work per view depends on the screen, not on the registry.
 *
 * Symbols: colour by type (a hue per family, a shade per type, a shape per type within its
 * family) or by stage; a site is a filled symbol, a town a pale one with a ring, and a
 * project known only to its county or city a hollow dashed one at the seat the geocoder
 * put it on (so a county's projects share one hollow badge listing them). Clicking a
 * symbol opens its project, a cluster lists its members or zooms to them.
 *
 * body.dataset.mapState is "loading" while a view is fetched and "ready" once the view's
 * projects are painted. Each view is drawn once: during a move the old frame is hidden (zoom) or
 * carried by the pane (pan), never repainted, and the basemap is drawn in its own layers beside
 * the projects, never waited for (window.registryBasemap.ready() says when its view is drawn).
 *
 * Every data string reaches the page through textContent, never innerHTML.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("map-config").textContent);
  var map = window[config.map];
  var boundaries = window[config.boundaries];
  var labels = config.labels;
  var body = document.body;
  var ui = window.registryMapUI;
  var colourMode = "type";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // Data (names, places) as written, in either language: marked translate="no" like the server's data.
  function dataElement(tag, className, text) {
    var node = element(tag, className, text);
    node.setAttribute("translate", "no");
    return node;
  }

  function setText(id, value) {
    var node = document.getElementById(id);
    if (node) node.textContent = String(value);
    return node;
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      return response.json();
    });
  }

  function formatMW(capacity) {
    if (capacity === null || capacity === undefined) return labels.noCapacity;
    return capacity.toLocaleString("en-US", { maximumFractionDigits: 3 }) + " MW (" +
      (capacity / 10).toLocaleString("en-US", { maximumFractionDigits: 2 }) + " " + labels.wanKw + ")";
  }

  function withQuery(url, extra) {
    var parts = [config.filterQuery, extra].filter(function (p) { return p; });
    // The page's URLs may already carry a query (?lang=en): the filter joins it.
    return url + (parts.length ? (url.indexOf("?") < 0 ? "?" : "&") + parts.join("&") : "");
  }

  // ---- project details (popups, tooltips), fetched once per project --------------------------
  var projectCache = new Map();

  function loadProject(id) {
    var entry = projectCache.get(id);
    if (!entry) {
      entry = { project: null, error: null };
      entry.promise = getJSON(config.projectApi.replace("__ID__", encodeURIComponent(id))).then(
        function (project) { entry.project = project; },
        function (error) { entry.error = error; projectCache.delete(id); console.warn("project " + id + ":", error); });
      projectCache.set(id, entry);
    }
    return entry;
  }

  function headline(project, state) {
    return state === "ready" ? project.name : state === "loading" ? "…" : labels.notLoaded;
  }

  function popupFor(id, project, state) {
    var box = element("div", "project-popup");
    box.dataset.state = state;
    box.appendChild(dataElement("strong", "popup-name", headline(project, state)));
    if (project) {
      var p = project, list = element("dl");
      var place = [p.province, p.city !== p.province ? p.city : "", p.county, p.town]
        .filter(function (v) { return v; }).join(" ");
      [["type", labels.types[p.type] || p.type], ["capacity_mw", formatMW(p.capacity_mw)],
       ["stage", labels.stages[p.stage] || p.stage || labels.stageUnknown], ["place", place || "—"],
       ["precision", labels.precisions[p.precision] || p.precision || "—"]].forEach(function (pair) {
        list.appendChild(element("dt", null, labels.fields[pair[0]]));
        list.appendChild((pair[0] === "place" ? dataElement : element)("dd", null, pair[1]));
      });
      box.appendChild(list);
    }
    var link = element("a", "popup-link", labels.openPage);
    // A fixed path plus the encoded id: data can never choose the scheme (no javascript: links).
    link.href = config.projectPage.replace("__ID__", encodeURIComponent(id));
    box.appendChild(link);
    return box;
  }

  // Opens a popup or tooltip for one project at latlng: "…" first, the project once fetched.
  function openProject(kind, id, latlng) {
    var entry = loadProject(id);
    var overlay = kind === "popup" ? L.popup(ui.popupOptions(map, { maxWidth: 320 })) : L.tooltip({ direction: "top", offset: [0, -8] });
    function render() {
      var state = entry.project ? "ready" : entry.error ? "error" : "loading";
      if (kind === "popup") return popupFor(id, entry.project, state);
      var span = element("span", "project-tooltip", headline(entry.project, state));
      span.dataset.state = state;
      return span;
    }
    overlay.setLatLng(latlng).setContent(render());
    if (kind === "popup") overlay.openOn(map); else { closeTooltip(); hoverTooltip = overlay.addTo(map); }
    if (!entry.project) entry.promise.then(function () { if (overlay.isOpen()) overlay.setContent(render()); });
    return overlay;
  }

  // ---- symbols -----------------------------------------------------------------------------
  function radiusFor(item) {
    // At national zooms the server sized the cell's symbol to fit its cell (registry/store/mapcells.py).
    if (item.cellR !== null && item.cellR !== undefined) return item.cellR;
    // Clusters stay within ~45 px across, so neighbouring 60 px cells overlap little.
    if (item.count > 1) return Math.min(22, 11 + 2.5 * Math.log2(item.count));
    if (!item.known) return config.radius.min;
    return Math.min(config.radius.max, Math.max(config.radius.min, config.radius.k * Math.sqrt(item.mw)));
  }

  function colourFor(item) {
    if (colourMode === "stage") return item.stage ? config.stageColours[item.stage] || "#999" : MIXED_COLOUR;
    if (item.type) return config.colours[item.type] || "#666";
    if (item.family === "mixed") return MIXED_COLOUR;
    return config.familyColours[item.family] || "#666";
  }

  function shapePath(ctx, shape, x, y, r) {
    ctx.beginPath();
    if (shape === "square") { ctx.rect(x - r * 0.88, y - r * 0.88, r * 1.76, r * 1.76); return; }
    if (shape === "triangle") {
      ctx.moveTo(x, y - r * 1.15); ctx.lineTo(x + r * 1.05, y + r * 0.75); ctx.lineTo(x - r * 1.05, y + r * 0.75);
      ctx.closePath(); return;
    }
    if (shape === "diamond") {
      ctx.moveTo(x, y - r * 1.2); ctx.lineTo(x + r * 1.2, y); ctx.lineTo(x, y + r * 1.2); ctx.lineTo(x - r * 1.2, y);
      ctx.closePath(); return;
    }
    if (shape === "hexagon") {
      for (var i = 0; i < 6; i += 1) {
        var a = Math.PI / 3 * i;
        ctx[i ? "lineTo" : "moveTo"](x + r * Math.cos(a), y + r * Math.sin(a));
      }
      ctx.closePath(); return;
    }
    ctx.arc(x, y, r, 0, 2 * Math.PI);
  }

  // How a symbol is drawn, by location precision: the style name is what tests read.
  var STYLE = { site: "filled", town: "ringed", area: "hollow" };
  var MIXED_COLOUR = "#3a3a3a";  // a county badge holding several types (or stages)

  function mixColour(name) {
    return colourMode === "stage" ? config.stageColours[name] || "#999" : config.familyColours[name] || "#666";
  }

  function paintSymbol(ctx, s) {
    if (s.mix && s.count > 1) { ui.paintDonut(ctx, s, mixColour); return; }
    var colour = colourFor(s), shape = s.count === 1 && s.type && colourMode === "type" ? config.shapes[s.type] : "circle";
    shapePath(ctx, shape, s.x, s.y, s.r);
    ctx.setLineDash([]);
    if (s.style === "filled") {
      ctx.globalAlpha = 0.9; ctx.fillStyle = colour; ctx.fill();
      ctx.globalAlpha = 1; ctx.lineWidth = 1.5; ctx.strokeStyle = "#ffffff"; ctx.stroke();
    } else if (s.style === "ringed") {
      ctx.globalAlpha = 0.55; ctx.fillStyle = colour; ctx.fill();
      ctx.globalAlpha = 1; ctx.lineWidth = 2.5; ctx.strokeStyle = colour; ctx.stroke();
    } else {
      ctx.globalAlpha = 0.85; ctx.fillStyle = "#ffffff"; ctx.fill();
      ctx.globalAlpha = 1; ctx.lineWidth = 3; ctx.setLineDash([4, 3]); ctx.strokeStyle = colour; ctx.stroke();
      ctx.setLineDash([]);
    }
    if (s.count > 1) {
      ctx.font = "600 12px system-ui, sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.lineWidth = 3; ctx.strokeStyle = s.style === "hollow" ? "#ffffff" : "rgba(0,0,0,.55)";
      ctx.strokeText(String(s.count), s.x, s.y);
      ctx.fillStyle = s.style === "hollow" ? "#222222" : "#ffffff";
      ctx.fillText(String(s.count), s.x, s.y);
    }
  }

  function lineColour(line) {
    if (colourMode === "stage") return config.stageColours[line.stage || "unknown"] || "#999";
    if (line.type !== "transmission") return config.colours[line.type] || "#666";
    var colour = config.voltageColours[0][1];
    config.voltageColours.forEach(function (pair) { if ((line.voltage || 0) >= pair[0]) colour = pair[1]; });
    return colour;
  }

  // ---- the canvas layers -------------------------------------------------------------------
  map.createPane("projectLines").style.zIndex = 440;
  map.createPane("projects").style.zIndex = 450;

  var CanvasLayer = L.Layer.extend({
    initialize: function (pane, paint) { this._paneName = pane; this._paint = paint; this.items = []; },
    onAdd: function (m) {
      this._canvas = L.DomUtil.create("canvas", "project-canvas");
      this._canvas.dataset.layer = this._paneName;
      m.getPane(this._paneName).appendChild(this._canvas);
      m.on("zoomstart", this._hide, this);
      this.redraw();
    },
    onRemove: function (m) {
      m.off("zoomstart", this._hide, this);
      L.DomUtil.remove(this._canvas);
      this._canvas = null;
    },
    _hide: function () { if (this._canvas) this._canvas.style.visibility = "hidden"; },
    redraw: function () {
      var canvas = this._canvas;
      if (!canvas) return;
      var size = map.getSize(), ratio = window.devicePixelRatio || 1;
      canvas.width = size.x * ratio; canvas.height = size.y * ratio;
      canvas.style.width = size.x + "px"; canvas.style.height = size.y + "px";
      L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
      var ctx = canvas.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, size.x, size.y);
      this._paint(ctx, this.items);
      canvas.style.visibility = "";
    },
  });

  var points = new CanvasLayer("projects", function (ctx, items) {
    items.forEach(function (s) {
      var p = map.latLngToContainerPoint([s.lat, s.lon]);
      s.x = p.x; s.y = p.y; s.r = radiusFor(s);
    });
    // Cells' symbols at national zooms cannot overlap (each lies in its own cell): only closer in
    // are stacks fanned out.
    spreadStacks(items.filter(function (s) { return s.cellR === null || s.cellR === undefined; }));
    // Big symbols first, so small ones stay visible (and are hit first) on top.
    items.slice().sort(function (a, b) { return b.r - a.r; }).forEach(function (s) { paintSymbol(ctx, s); });
  });

  // Symbols that mostly cover each other (a county seat's badge and the exact projects beside
  // it, several families at one town) are fanned out around the largest, so each can be seen and
  // clicked. Largest first; a symbol that overlaps a placed one by more than half goes on its ring.
  function spreadStacks(items) {
    var anchors = new Map(), cell = 48;
    function key(x, y) { return Math.floor(x / cell) + ":" + Math.floor(y / cell); }
    items.slice().sort(function (a, b) { return b.r - a.r; }).forEach(function (s) {
      var found = null;
      for (var dx = -1; dx <= 1 && !found; dx += 1) {
        for (var dy = -1; dy <= 1 && !found; dy += 1) {
          (anchors.get((Math.floor(s.x / cell) + dx) + ":" + (Math.floor(s.y / cell) + dy)) || []).forEach(function (a) {
            if (!found && Math.hypot(a.x - s.x, a.y - s.y) < 0.5 * (a.r + s.r)) found = a;
          });
        }
      }
      if (!found) {
        var k = key(s.x, s.y);
        if (!anchors.has(k)) anchors.set(k, []);
        anchors.get(k).push(s);
        s.ring = 0;
        return;
      }
      var angle = -Math.PI / 4 + (Math.PI / 3.2) * found.ring, distance = found.r + s.r + 2;
      found.ring += 1;
      s.x = found.x + distance * Math.cos(angle);
      s.y = found.y + distance * Math.sin(angle);
    });
  }

  var lines = new CanvasLayer("projectLines", function (ctx, items) {
    items.forEach(function (line) {
      line.paths = [];
      var geometry = line.geometry;
      var parts = geometry.type === "LineString" ? [geometry.coordinates]
        : geometry.type === "MultiLineString" || geometry.type === "Polygon" ? geometry.coordinates
        : geometry.type === "MultiPolygon" ? [].concat.apply([], geometry.coordinates) : [];
      parts.forEach(function (coordinates) {
        line.paths.push(coordinates.map(function (c) { return map.latLngToContainerPoint([c[1], c[0]]); }));
      });
      var approximate = line.precision !== "site";
      ctx.strokeStyle = lineColour(line);
      ctx.lineWidth = line.type === "transmission" ? 2 + Math.min(3, (line.voltage || 0) / 250) : 3;
      ctx.setLineDash(approximate ? [8, 5] : line.type === "gas_pipeline" ? [12, 3] : []);
      line.paths.forEach(function (path) {
        ctx.beginPath();
        path.forEach(function (p, i) { ctx[i ? "lineTo" : "moveTo"](p.x, p.y); });
        ctx.stroke();
      });
    });
    ctx.setLineDash([]);
  });

  // ---- views -------------------------------------------------------------------------------
  var viewSequence = 0, lastView = null, currentView = null;  // the latest view's promise (the basemap waits for it)

  function viewBox() {
    var b = map.getBounds();
    function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }
    return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -85, 85), clamp(b.getEast(), -180, 180),
            clamp(b.getNorth(), -85, 85)].map(function (v) { return Math.round(v * 1e5) / 1e5; }).join(",");
  }

  function clustersToItems(answer) {
    var c = {};
    answer.columns.forEach(function (name, i) { c[name] = i; });
    return answer.clusters.map(function (row) {
      return { lon: row[c.lon], lat: row[c.lat], count: row[c.count], mw: row[c.mw], known: row[c.known],
               family: row[c.family], precision: row[c.precision], style: STYLE[row[c.precision]] || "hollow",
               type: row[c.type], id: row[c.id], stage: row[c.stage] === undefined ? null : row[c.stage],
               extent: [row[c.w], row[c.s], row[c.e], row[c.n]],
               cellR: c.r === undefined ? null : row[c.r], mix: c.mix === undefined ? null : row[c.mix] };
    });
  }

  function linesToItems(answer) {
    return answer.lines.map(function (row) {
      return { id: row[0], type: row[1], voltage: row[2], mw: row[3], precision: row[4], geometry: row[5],
               stage: row[6] === undefined ? null : row[6] };
    });
  }

  // The first view's answers, written into the page by the server (webmap/mapview.py: first_view): the clusters
  // and lines of the filter's whole extent at each zoom a fitted first view can take. Every drawn project lies in
  // that extent, so a view holding all of it at one of those zooms gets these very answers from /api/map/…
  // (tests/test_map_first_view.py); such a first view, coloured by type, is drawn without a round trip. Taken
  // once: any other first view, and every later one, is fetched.
  var firstViewNode = document.getElementById("map-first-view");

  function takeFirstView(box, zoom, mode) {
    var node = firstViewNode;
    firstViewNode = null;
    if (!node || mode) return null;
    var first = JSON.parse(node.textContent), answer = first.zooms[String(zoom)], e = first.bbox, v = box.split(",").map(Number);
    return answer && v[0] <= e[0] && v[1] <= e[1] && v[2] >= e[2] && v[3] >= e[3] ? answer : null;
  }

  // Fetches and paints the current view; "ready" when this view (not an older one) is on screen,
  // and the promise returned is resolved then.
  // `also`: more work the view waits for (on the first load, the table of the projects in view).
  function showView(also) {
    if (config.filterQuery === null || config.filterQuery === undefined) {
      body.dataset.mapState = "ready";
      return Promise.resolve();
    }
    // An older view's answers are not cancelled (an aborted fetch is a failed request), only ignored.
    var sequence = ++viewSequence, started = performance.now();
    body.dataset.mapState = "loading";
    var bbox = viewBox(), box = "bbox=" + bbox, zoom = Math.round(map.getZoom());
    var mode = colourMode === "stage" ? "&group=stage" : "";
    var inlined = takeFirstView(bbox, zoom, mode);
    var wanted = [
      !map.hasLayer(points) ? null : inlined ? inlined.clusters : getJSON(withQuery(config.clustersUrl, box + "&zoom=" + zoom + mode)),
      !map.hasLayer(lines) ? null : inlined ? inlined.lines : getJSON(withQuery(config.linesUrl, box + "&zoom=" + zoom + mode)),
      also || null,
    ];
    currentView = Promise.all(wanted).then(function (answers) {
      if (sequence !== viewSequence) return;
      if (answers[0]) points.items = clustersToItems(answers[0]);
      if (answers[1]) lines.items = linesToItems(answers[1]);
      points.redraw(); lines.redraw();
      if (window.registryBasemap && window.registryBasemap.relabel) window.registryBasemap.relabel();
      var drawn = countDrawn();
      setText("drawn-count", drawn).dataset.drawn = String(drawn);
      // Resolved once this view is on screen (or a later one has taken over).
      return new Promise(function (resolve) {
        requestAnimationFrame(function () {
          if (sequence === viewSequence) {
            lastView = { sequence: sequence, ms: performance.now() - started, box: box, zoom: zoom, inlined: !!inlined };
            body.dataset.mapState = "ready";
          }
          resolve();
        });
      });
    }).catch(function (error) { if (sequence === viewSequence) fail(error); });
    return currentView;
  }

  function fail(error) {
    setText("drawn-count", "!");
    body.dataset.mapState = "error";
    console.error("map data could not be loaded:", error);
  }

  // Projects painted in the current view: the sum of the symbols' counts plus the lines.
  function countDrawn() {
    var size = map.getSize(), n = 0;
    if (map.hasLayer(points)) {
      points.items.forEach(function (s) {
        if (s.x + s.r >= 0 && s.y + s.r >= 0 && s.x - s.r <= size.x && s.y - s.r <= size.y) n += s.count;
      });
    }
    return n + (map.hasLayer(lines) ? lines.items.length : 0);
  }

  // ---- hit-testing: tooltips and popups without an object per project ----------------------
  var hoverTooltip = null;
  function closeTooltip() { if (hoverTooltip) { map.removeLayer(hoverTooltip); hoverTooltip = null; } }

  function distanceToSegment(p, a, b) {
    var dx = b.x - a.x, dy = b.y - a.y, len = dx * dx + dy * dy;
    var t = len ? Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len)) : 0;
    return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
  }

  // The symbol or line under a container point (the smallest symbol wins: it is painted on top).
  function hitTest(x, y) {
    var best = null, near = null, nearGap = Infinity, reach = ui.coarse() ? 22 : 0;
    if (map.hasLayer(points)) {
      points.items.forEach(function (s) {
        var d = Math.hypot(x - s.x, y - s.y);
        if (d <= s.r + 3 && (!best || s.r < best.r)) best = s;
        // On a touch screen a finger's 44 px reaches the nearest symbol's edge.
        if (d <= Math.max(s.r + 3, reach) && d - s.r < nearGap) { near = s; nearGap = d - s.r; }
      });
    }
    best = best || near;
    if (best) return { kind: "symbol", item: best };
    if (map.hasLayer(lines)) {
      for (var i = lines.items.length - 1; i >= 0; i -= 1) {
        var line = lines.items[i];
        for (var j = 0; j < (line.paths || []).length; j += 1) {
          var path = line.paths[j];
          for (var k = 1; k < path.length; k += 1) {
            if (distanceToSegment({ x: x, y: y }, path[k - 1], path[k]) <= 5) return { kind: "line", item: line };
          }
        }
      }
    }
    return null;
  }

  function clusterSummary(s) {
    var who = s.type ? labels.types[s.type] : colourMode === "stage" && s.stage ? labels.stages[s.stage] || labels.stageUnknown
      : labels.families[s.family] || "";
    return s.count + " " + labels.projectsHere + " · " + who + (s.known ? " · " + formatMW(s.mw) : "") +
      " · " + labels.precisionClasses[s.precision];
  }

  map.on("mousemove", function (event) {
    var hit = hitTest(event.containerPoint.x, event.containerPoint.y);
    map.getContainer().style.cursor = hit ? "pointer" : "";
    if (!hit) { closeTooltip(); return; }
    var id = hit.item.id;
    if (hoverTooltip && hoverTooltip._registryKey === (id || hit.item)) { hoverTooltip.setLatLng(event.latlng); return; }
    if (id) {
      openProject("tooltip", id, event.latlng)._registryKey = id;
    } else {
      closeTooltip();
      hoverTooltip = L.tooltip({ direction: "top", offset: [0, -8] }).setLatLng(event.latlng)
        .setContent(element("span", "project-tooltip", clusterSummary(hit.item))).addTo(map);
      hoverTooltip._registryKey = hit.item;
    }
  });
  map.on("mouseout", closeTooltip);

  // A cluster's members: listed when few or at one spot (county badges), else zoomed into.
  function openCluster(s, latlng) {
    if (s.extent[0] === null) s.extent = [s.lon, s.lat, s.lon, s.lat];  // a lone project: its point
    var samePlace = s.extent[0] === s.extent[2] && s.extent[1] === s.extent[3];
    if (!samePlace && s.count > 25 && map.getZoom() < map.getMaxZoom()) {
      map.fitBounds([[s.extent[1], s.extent[0]], [s.extent[3], s.extent[2]]], fitOptions(16));
      return;
    }
    var eps = 1e-6, query = "bbox=" + [s.extent[0] - eps, s.extent[1] - eps, s.extent[2] + eps, s.extent[3] + eps]
      .map(function (v) { return Math.round(v * 1e6) / 1e6; }).join(",");
    if (colourMode === "type") {
      var types = s.type ? [s.type] : config.familyTypes[s.family] || [];  // none for a county badge
      if (!/(^|&)type=/.test(config.filterQuery || "")) {
        query += types.map(function (t) { return "&type=" + encodeURIComponent(t); }).join("");
      }
    }
    var box = element("div", "cluster-popup");
    box.dataset.state = "loading";
    box.appendChild(element("strong", null, clusterSummary(s)));
    var list = element("ol", "cluster-members");
    box.appendChild(list);
    var popup = L.popup(ui.popupOptions(map, { maxWidth: 360, maxHeight: 280 })).setLatLng(latlng).setContent(box).openOn(map);
    getJSON(withQuery(config.projectsApi, query + "&per_page=50&sort=capacity_mw&order=desc")).then(function (page) {
      page.projects.forEach(function (p) {
        if (!s.mix && p.precision && STYLE[p.precision === "county" || p.precision === "city" ? "area" : p.precision] !==
            s.style) return;  // another precision at the same spot is its own symbol (a cell's symbol holds all)
        var item = element("li");
        var link = dataElement("a", null, p.name);
        link.href = config.projectPage.replace("__ID__", encodeURIComponent(p.id));
        item.appendChild(link);
        item.appendChild(element("span", "member-meta", " · " + (labels.types[p.type] || p.type) +
          (p.capacity_mw !== null ? " · " + p.capacity_mw + " MW" : "") + (p.town ? " · " + p.town : "")));
        list.appendChild(item);
      });
      if (page.total > page.projects.length) {
        var more = element("a", "cluster-more", labels.more + " (" + page.total + ")");
        more.href = withQuery(config.listPage, query);
        box.appendChild(more);
      }
      box.dataset.state = "ready";
      popup.update();
    }).catch(function (error) { box.dataset.state = "error"; console.warn(error); });
  }

  map.on("click", function (event) {
    var hit = hitTest(event.containerPoint.x, event.containerPoint.y);
    if (!hit) return;
    closeTooltip();
    if (hit.item.id) openProject("popup", hit.item.id, event.latlng);
    else openCluster(hit.item, event.latlng);
  });

  // ---- fitting clear of the controls -------------------------------------------------------
  // Padding on each side: the widest control in that side's corners, plus the largest symbol.
  function controlPadding() {
    var mapBox = map.getContainer().getBoundingClientRect(), pad = { top: 0, right: 0, bottom: 0, left: 0 };
    var nodes = Array.prototype.slice.call(map.getContainer().querySelectorAll(".leaflet-control"));
    nodes.forEach(function (node) {
      var b = node.getBoundingClientRect();
      if (!b.width || !b.height || b.right <= mapBox.left || b.left >= mapBox.right || b.bottom <= mapBox.top ||
          b.top >= mapBox.bottom) return;
      var left = b.left - mapBox.left, right = mapBox.right - b.right, top = b.top - mapBox.top;
      var bottom = mapBox.bottom - b.bottom;
      // The scale bar's width follows the zoom and the latitude: keep clear of the widest it can be
      // (Leaflet's maxWidth, 100 px), not of its width at the view before the fit.
      var width = node.classList.contains("leaflet-control-scale") ? Math.max(b.width, SCALE_MAX_WIDTH) : b.width;
      // A corner control is kept clear of either horizontally or vertically: whichever costs the
      // smaller share of the map (a wide attribution: from below; a tall legend: from the side).
      var horizontal = left < right ? "left" : "right", vertical = top < bottom ? "top" : "bottom";
      var across = width + Math.min(left, right), down = b.height + Math.min(top, bottom);
      if (across / mapBox.width <= down / mapBox.height) pad[horizontal] = Math.max(pad[horizontal], across);
      else pad[vertical] = Math.max(pad[vertical], down);
    });
    var margin = config.radius.max + 4;
    return { paddingTopLeft: [pad.left + margin, pad.top + margin],
             paddingBottomRight: [pad.right + margin, pad.bottom + margin] };
  }

  var SCALE_MAX_WIDTH = 102;  // L.control.scale's maxWidth (100) and its border

  function fitOptions(maxZoom) {
    return Object.assign({ animate: false, maxZoom: maxZoom }, controlPadding());
  }

  // ---- controls, legend, hash ----------------------------------------------------------------
  // No "Leaflet" link out in English (an offline page links nowhere outside the app), as on /targets.
  if (map.attributionControl) map.attributionControl.setPrefix(false);
  if (map.attributionControl) map.attributionControl.addAttribution(config.dataAttribution);
  var overlays = {};
  overlays[labels.layers.points] = points;
  overlays[labels.layers.lines] = lines;
  overlays[labels.layers.boundaries] = boundaries;
  var layerNames = { points: points, lines: lines, boundaries: boundaries };
  var layerControl = L.control.layers(null, overlays, { collapsed: true }).addTo(map);
  if (window.registryBasemap) window.registryBasemap.localise(map, labels.controls);

  ui.filterButton(map, labels.mapui.filterButton, labels.mapui.filterButtonTitle);
  var legend = document.getElementById("map-legend");
  if (legend) {
    // Where space is short the legend starts folded: the map is what the planner came for.
    if (map.getSize().x < 900 || map.getSize().y < 500) legend.open = false;
    ui.legendControl(map, legend);
    Array.prototype.forEach.call(legend.querySelectorAll("input[name=colour]"), function (input) {
      input.addEventListener("change", function () { setColourMode(input.value); });
    });
  }

  // Print (A4 landscape, mapui.css): the map as the screen shows it, scaled to the paper, the legend
  // printed open below it (#print-legend), then the projects in view. The map keeps its size in pixels
  // (CSS zoom scales it), so nothing is redrawn or fetched between `beforeprint` and the snapshot: the
  // basemap, names and symbols printed are those on the screen.
  var PRINT_WIDTH = 277 / 25.4 * 96, PRINT_MAP_HEIGHT = 112 / 25.4 * 96;  // px: A4 landscape less margins
  var printState = null;
  window.addEventListener("beforeprint", function () {
    if (printState) return;
    var pane = map.getContainer().parentNode, size = map.getSize();
    printState = { pane: pane, legendOpen: legend ? legend.open : null, legendParent: legend ? legend.parentNode : null,
                   legendNext: legend ? legend.nextSibling : null };
    pane.style.width = size.x + "px";
    pane.style.height = size.y + "px";
    pane.style.zoom = String(Math.min(PRINT_WIDTH / size.x, PRINT_MAP_HEIGHT / size.y));
    var slot = document.getElementById("print-legend");
    if (legend && slot) { legend.open = true; slot.appendChild(legend); }
  });
  window.addEventListener("afterprint", function () {
    if (!printState) return;
    ["width", "height", "zoom"].forEach(function (name) { printState.pane.style[name] = ""; });
    if (legend && printState.legendParent) {
      printState.legendParent.insertBefore(legend, printState.legendNext);
      legend.open = printState.legendOpen;
    }
    printState = null;
  });

  function setColourMode(mode) {
    colourMode = mode === "stage" ? "stage" : "type";
    if (legend) {
      legend.querySelector(".legend-types").hidden = colourMode === "stage";
      legend.querySelector(".legend-stages").hidden = colourMode !== "stage";
      var input = legend.querySelector("input[name=colour][value=" + colourMode + "]");
      if (input) input.checked = true;
    }
    writeHash();
    showView();
  }

  // The view in the URL hash, beside the filter in the query: #map=zoom/lat/lon&layers=…&colour=…
  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    var view = (params.get("map") || "").split("/").map(Number);
    return { view: view.length === 3 && view.every(isFinite) ? view : null,
             layers: params.has("layers") ? params.get("layers").split(",") : null, colour: params.get("colour") };
  }

  function writeHash() {
    if (!config.filterQuery && config.filterQuery !== "") return;
    var c = map.getCenter(), visible = Object.keys(layerNames).filter(function (k) { return map.hasLayer(layerNames[k]); });
    var hash = "map=" + map.getZoom() + "/" + c.lat.toFixed(5) + "/" + c.lng.toFixed(5) + "&layers=" + visible.join(",") +
      (colourMode === "stage" ? "&colour=stage" : "");
    history.replaceState(null, "", location.pathname + location.search + "#" + hash);
  }

  // ---- the projects-in-view table ------------------------------------------------------------
  var tableTimer = null, tableSequence = 0, TABLE_MAX = 5000;
  // Debounced while the map moves; `now` (the first load) fetches at once and returns the promise.
  function updateTable(now) {
    var tbody = document.querySelector("#in-view-table tbody");
    if (!tbody || config.filterQuery === null || config.filterQuery === undefined) return null;
    clearTimeout(tableTimer);
    var section = document.getElementById("in-view");
    section.dataset.state = "loading";
    function fetchTable() {
      var sequence = ++tableSequence, query = "bbox=" + viewBox();
      var link = document.getElementById("in-view-list");
      if (link) link.href = withQuery(config.listPage, query);
      // A national view of 100,000 projects is not a table anyone reads: say how many, and list
      // them once the view holds few enough (sorting them all by MW would cost more than the map).
      var inView = countDrawn();
      if (inView > TABLE_MAX) {
        setText("in-view-count", inView.toLocaleString("en-US") + " · " + labels.zoomIn);
        tbody.textContent = "";
        section.dataset.state = "ready";
        return Promise.resolve();
      }
      return getJSON(withQuery(config.projectsApi, query + "&per_page=50&sort=capacity_mw&order=desc")).then(function (page) {
        if (sequence !== tableSequence) return;
        setText("in-view-count", page.total);
        tbody.textContent = "";
        page.projects.forEach(function (p) {
          var row = element("tr");
          row.dataset.id = p.id;
          var name = dataElement("td"), a = element("a", null, p.name);
          a.href = config.projectPage.replace("__ID__", encodeURIComponent(p.id));
          name.appendChild(a);
          row.appendChild(name);
          row.appendChild(element("td", null, labels.types[p.type] || p.type));
          row.appendChild(element("td", "num", p.capacity_mw === null ? "" : p.capacity_mw));
          row.appendChild(dataElement("td", null, p.county || p.city));
          row.appendChild(element("td", null, labels.precisions[p.precision] || p.precision || ""));
          tbody.appendChild(row);
        });
        section.dataset.state = "ready";
      }).catch(function (error) { section.dataset.state = "error"; console.warn(error); });
    }
    if (now) return fetchTable();
    tableTimer = setTimeout(fetchTable, 150);
    return null;
  }

  // ---- start -------------------------------------------------------------------------------
  // The plans' county outlines: asked for once the first view's projects are on screen (as the basemap is), so
  // that their parsing and drawing come after the projects; first only for an empty registry, whose first view
  // is those counties.
  function loadBoundaries() {
    return getJSON(config.boundariesUrl).then(function (collection) {
      boundaries.addData(collection);
      boundaries.bringToBack();
      return boundaries.getBounds();
    });
  }

  function afterTwoFrames() {
    return new Promise(function (resolve) { requestAnimationFrame(function () { requestAnimationFrame(resolve); }); });
  }
  var boundariesLoaded = null;  // the outlines' promise, once asked for
  // The offline basemap (static/basemap.js) under everything else. Its first cells are fetched once
  // the first view's projects are on screen: that view's cells only, and their parsing and drawing
  // (~150-200 ms at a national view) come after the projects, not before them. config.basemap is
  // null when REGISTRY_BASEMAP=off.
  function addBasemap(after) {
    if (!window.registryBasemap) return null;
    var added = window.registryBasemap.addTo(map, config.basemap, after);
    // Place names keep clear of the projects' symbols (static/basemap.js).
    if (window.registryBasemap.avoid) {
      window.registryBasemap.avoid(function () { return map.hasLayer(points) ? points.items : []; });
    }
    if (window.registryBasemap.after) window.registryBasemap.after(function () { return currentView; });
    return added;
  }

  var saved = readHash();
  if (saved.colour === "stage") {
    colourMode = "stage";
    if (legend) { legend.querySelector(".legend-types").hidden = true; legend.querySelector(".legend-stages").hidden = false;
                  legend.querySelector("input[name=colour][value=stage]").checked = true; }
  }
  Object.keys(layerNames).forEach(function (name) {
    var wanted = saved.layers ? saved.layers.indexOf(name) >= 0 : true;
    if (wanted) map.addLayer(layerNames[name]); else map.removeLayer(layerNames[name]);
  });

  function start(fallbackBounds) {
    if (saved.view) {
      map.setView([saved.view[1], saved.view[2]], saved.view[0], { animate: false });
    } else {
      var extent = config.summary && config.summary.extent;
      var target = extent ? L.latLngBounds([extent[1], extent[0]], [extent[3], extent[2]]) : fallbackBounds;
      // Projects that all sit on one seat: show the county around it, not 3 km of nothing.
      var onePlace = target && target.isValid() && target.getEast() - target.getWest() < 0.05 &&
        target.getNorth() - target.getSouth() < 0.05;
      if (target && target.isValid()) map.fitBounds(target, fitOptions(onePlace ? 9 : 12));
    }
    map.on("moveend", function () { showView(); writeHash(); updateTable(false); });
    map.on("overlayadd overlayremove", function () { writeHash(); showView(); });
    // The table is not part of "ready": at a national view of 100,000 projects it takes longer
    // than the map, which is what the planner waits for.
    // The basemap is added now (online tiles' failures are watched from the start).
    var shown = showView();
    var first = Promise.all([shown, addBasemap(shown)]);
    first.then(function () { updateTable(true); });
    if (!boundariesLoaded) {
      boundariesLoaded = shown.then(afterTwoFrames).then(loadBoundaries);
      boundariesLoaded.catch(function (error) { console.warn("county outlines:", error); });
    }
    return first;
  }

  if (config.projectUrl) {
    // A project's own page: one project, drawn from its API record.
    boundariesLoaded = loadBoundaries();
    getJSON(config.projectUrl).then(function (project) {
      if (!project.geojson) return addBasemap();
      projectCache.set(project.id, { project: project, error: null, promise: Promise.resolve() });
      var g = project.geojson, precision = project.precision || "";
      var cls = precision === "site" ? "site" : precision === "town" ? "town" : "area";
      if (g.type === "Point") {
        points.items = [{ lon: g.coordinates[0], lat: g.coordinates[1], count: 1, mw: project.capacity_mw || 0,
                          known: project.capacity_mw !== null ? 1 : 0, precision: cls, style: STYLE[cls],
                          type: project.type, id: project.id, stage: project.stage, extent: [] }];
      } else {
        lines.items = [{ id: project.id, type: project.type, voltage: project.voltage_kv, precision: precision,
                         geometry: g, stage: project.stage }];
      }
      var layer = L.geoJSON(g);
      map.on("moveend", function () { points.redraw(); lines.redraw(); });
      // As close as the location is known: a site's surroundings, a town, or the whole county.
      map.fitBounds(layer.getBounds(), fitOptions(cls === "site" ? 13 : cls === "town" ? 11 : 9));
      points.redraw(); lines.redraw();
      return addBasemap();
    }).then(function () { body.dataset.mapState = "ready"; }).catch(fail);
  } else if (config.summary && config.summary.extent) {
    start(null).catch(fail);
  } else if (config.filterQuery) {
    start(null).catch(fail);  // nothing of this filter is on the map: all of China, not the plans' counties
  } else {
    boundariesLoaded = loadBoundaries();
    boundariesLoaded.then(start).catch(fail);  // an empty registry: the plans' counties
  }

  window.registryMap = {
    map: map,
    countDrawn: countDrawn,
    hitTest: function (x, y) { var hit = hitTest(x, y); return hit ? describe(hit.item) : null; },
    // What is painted now, in container pixels: tests compare it with the filter and the controls.
    drawn: function () { return points.items.map(describe); },
    lines: function () {
      return lines.items.map(function (l) {
        var path = (l.paths || [])[0] || [], middle = path[Math.floor(path.length / 2)];
        return { id: l.id, type: l.type, precision: l.precision, point: middle ? { x: middle.x, y: middle.y } : null };
      });
    },
    lastView: function () { return lastView; },
    setColourMode: setColourMode,
    controlPadding: controlPadding,
  };

  function describe(s) {
    if (s.paths) return { kind: "line", id: s.id, type: s.type, precision: s.precision };
    return { kind: "symbol", x: s.x, y: s.y, r: s.r, count: s.count, id: s.id || null, type: s.type,
             family: s.family, precision: s.precision, style: s.style, lon: s.lon, lat: s.lat, mix: s.mix || null };
  }
})();
