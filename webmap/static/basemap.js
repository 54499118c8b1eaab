/* The offline basemap: China's land, province / prefecture / county lines and place names.
 *
 * The app serves the basemap by zoom band and grid cell (/basemap/<band>/<cx>/<cy>.geojson,
 * see webmap/basemap.py); this script fetches the cells of the current view, draws land and
 * lines on canvases in their own panes under the projects, and places the names as text
 * (DivIcons, so screen readers and tests read them), largest places first, dropping any label
 * that would overlap one already placed.
 *
 *   registryBasemap.addTo(map, config[, after]) -> Promise, resolved when the view's basemap is drawn
 *                                       (its cells fetched once the promise `after` is settled)
 *   registryBasemap.ready()            -> Promise for the current view (after a move)
 *   registryBasemap.avoid(fn)          fn() -> [{x, y, r}]: the symbols (container px) names keep clear of
 *   registryBasemap.relabel()          places the names again (the symbols have changed)
 *
 * Names reach the page through textContent only.
 */
(function () {
  "use strict";

  // Tiles 200, the registry's county outlines 400, project lines 440, projects 450: names are above
  // them all (with a halo), so a fill or a symbol never paints over a name; popups 700 stay on top.
  var PANES = { basemapLand: 150, basemap: 250, basemapLabels: 460 };
  var OUTSIDE = "#e4e8eb";  // sea and neighbouring countries: the map's own background
  var LAND = { stroke: true, color: "#f6f4ee", weight: 1, fill: true, fillColor: "#f6f4ee", fillOpacity: 1,
               interactive: false };
  // Province borders get a soft wide band under the line, as atlases draw them: told apart at a glance.
  var PROVINCE_BAND = { color: "#ddd3c3", weight: 6, opacity: 0.7, interactive: false };
  var LINES = {
    province: { color: "#746b60", weight: 1.6, opacity: 0.95 },
    prefecture: { color: "#8f867b", weight: 1.3, opacity: 0.9 },
    county: { color: "#d3cdc3", weight: 0.7, opacity: 1 },
  };
  var LEVELS = ["province", "prefecture", "county", "town"];
  var FONT_SIZES = { province: 15, prefecture: 13, county: 12, town: 11 };  // px, as in basemap.css
  var LABEL_GAP = 6;  // px kept free around every label
  // A name moved off its point to clear a symbol stays within half a typical area of its level (degrees):
  // at zoom 3 a province's name barely moves, at zoom 7 a prefecture's may go ~55 px, never onto a neighbour's.
  var TYPICAL_DEG = { province: 4, prefecture: 1.2, county: 0.4, town: 0.06 };
  // Label centres sit this far below their point: projects known only to their county or city are
  // drawn at (nearly) the same point, and their markers must not hide the name. A town's point is
  // marked by a dot (basemap.css) with the name under it.
  var DROP = { province: 0, prefecture: 16, county: 14, town: 10 };

  var state = null;

  // After a move, the basemap waits until the page's projects for the new view are on screen (the
  // promise `state.after()` gives, set by static/map.js) and two frames more: its fetching, parsing
  // and drawing never delay the projects a planner is waiting for.
  function afterProjects() {
    // Asked in a microtask: the move's handlers have all run by then, so the view asked for is the new one
    // (the renderers hear viewreset and zoomend before the page's moveend starts the view).
    return Promise.resolve().then(function () {
      return state && state.after ? state.after() : null;
    }).catch(function () {}).then(function () {
      return new Promise(function (resolve) {
        requestAnimationFrame(function () { requestAnimationFrame(function () { setTimeout(resolve, 0); }); });
      });
    });
  }

  // Leaflet's canvas renderer re-projects and redraws every path in the task of the move itself (on
  // viewreset, zoomend and moveend), before the page has even asked for the new view's projects: at a
  // province's zoom that is thousands of county outlines. This one only moves and scales its old frame
  // during the move (a CSS transform, as in Leaflet's zoom animation) and redraws once, after the
  // projects (Leaflet 1.9's Renderer internals: _project, _update, _updateTransform).
  var DeferredCanvas = L.Canvas.extend({
    getEvents: function () {
      var events = L.Canvas.prototype.getEvents.call(this);
      events.viewreset = events.moveend = events.zoomend = this._redrawLater;
      return events;
    },
    _redrawLater: function () {
      var renderer = this;
      if (renderer._waiting) return;
      renderer._waiting = true;
      afterProjects().then(function () {
        renderer._waiting = false;
        if (!renderer._map) return;
        for (var id in renderer._layers) renderer._layers[id]._project();
        renderer._update();  // sizes the canvas to the view and redraws every path once
        renderer._updateTransform(renderer._center, renderer._zoom);
      });
    },
  });

  function bandFor(config, zoom) {
    var z = Math.round(zoom), bands = config.bands;
    for (var i = 0; i < bands.length; i += 1) {
      if (z >= bands[i].minZoom && z <= bands[i].maxZoom) return bands[i];
    }
    return z < bands[0].minZoom ? bands[0] : bands[bands.length - 1];
  }

  // Cells of the band that the (slightly padded) view touches, inside the band's data bounds.
  function cellsInView(map, band) {
    if (!band.cellDeg) return ["0/0"];
    var view = map.getBounds().pad(0.05), size = band.cellDeg, b = band.bounds;
    var west = Math.max(view.getWest(), b[0]), east = Math.min(view.getEast(), b[2]);
    var south = Math.max(view.getSouth(), b[1]), north = Math.min(view.getNorth(), b[3]);
    var keys = [];
    for (var cx = Math.floor(west / size); cx <= Math.floor(east / size); cx += 1) {
      for (var cy = Math.floor(south / size); cy <= Math.floor(north / size); cy += 1) keys.push(cx + "/" + cy);
    }
    return keys;
  }

  function cellUrl(config, band, key) {
    var xy = key.split("/");
    return config.url.replace("__BAND__", encodeURIComponent(band.name)).replace("__CX__", xy[0])
      .replace("__CY__", xy[1]) + "?v=" + encodeURIComponent(config.version);
  }

  // A cell's layers (land + lines, on the canvases) and its labels; fetched and built once.
  function loadCell(band, key) {
    var id = band.name + ":" + key;
    if (!state.cells.has(id)) {
      var promise = fetch(cellUrl(state.config, band, key)).then(function (response) {
        if (!response.ok) throw new Error("basemap " + id + ": HTTP " + response.status);
        return response.json();
      }).then(function (collection) {
        var land = [], lines = [], labels = [];
        collection.features.forEach(function (feature) {
          var kind = feature.properties.kind;
          if (kind === "land") land.push(feature);
          else if (kind === "boundary") lines.push(feature);
          else if (kind === "label") labels.push(feature);
        });
        // County lines first, so that the heavier lines are painted over them.
        lines.sort(function (a, b) { return levelOrder(b) - levelOrder(a); });
        var provinces = lines.filter(function (f) { return f.properties.level === "province"; });
        var group = L.layerGroup([
          L.geoJSON(land, { renderer: state.landRenderer, interactive: false, style: function () { return LAND; } }),
          L.geoJSON(provinces, { renderer: state.lineRenderer, interactive: false, style: function () { return PROVINCE_BAND; } }),
          L.geoJSON(lines, { renderer: state.lineRenderer, interactive: false,
                             style: function (f) { return Object.assign({ interactive: false }, LINES[f.properties.level]); } }),
        ]);
        return { id: id, layer: group, labels: labels.map(function (f) {
          return { rank: f.properties.rank, name: f.properties.name, level: f.properties.level,
                   latlng: L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]) };
        }) };
      });
      promise.catch(function () { state.cells.delete(id); });  // a failed cell is asked again next time
      state.cells.set(id, promise);
    }
    return state.cells.get(id);
  }

  function levelOrder(feature) {
    return ["province", "prefecture", "county", "town"].indexOf(feature.properties.level);
  }

  // Names are Chinese: each CJK character is one em wide in any CJK font, other characters about
  // 0.6 em. Measuring with a canvas gives the same within a pixel and costs ~0.1 ms per name.
  function textWidth(text, level) {
    var size = FONT_SIZES[level], width = 0;
    for (var i = 0; i < text.length; i += 1) width += text.charCodeAt(i) >= 0x2e80 ? size : 0.6 * size;
    return Math.ceil(width);
  }

  // Where a name may go around its point, tried in order (centre offsets in px; w, h: the label's
  // size, d: its level's drop): under the point, over it, right, left, then further out.
  // A province's or prefecture's name names an area, not a point: it may also go further out, on a
  // grid of spots up to ~2.5 lines and a name's width away.
  function spots(w, h, d, level) {
    var near = [[0, d], [0, -d - h / 2 - 4], [w / 2 + 12, 0], [-w / 2 - 12, 0], [0, d + h + 6], [0, -d - 1.5 * h - 10],
                [w / 2 + 12, d + h], [-w / 2 - 12, d + h], [w / 2 + 12, -d - h], [-w / 2 - 12, -d - h],
                [0, d + 2 * h + 14], [0, -d - 2.5 * h - 18]];
    if (level !== "province" && level !== "prefecture") return near;
    var far = [];
    [-2.5, -1.5, 1.5, 2.5].forEach(function (row) {
      [0, -0.5, 0.5, -1, 1].forEach(function (column) { far.push([column * (w + 12), row * (h + 8)]); });
    });
    [-1, 1].forEach(function (column) { far.push([column * (w + 12), 0]); });
    return near.concat(far);
  }

  function hitsSymbol(box, symbols) {
    for (var i = 0; i < symbols.length; i += 1) {
      var s = symbols[i];
      var nx = Math.max(box[0], Math.min(s.x, box[2])), ny = Math.max(box[1], Math.min(s.y, box[3]));
      if (Math.hypot(s.x - nx, s.y - ny) < s.r + 1) return true;
    }
    return false;
  }

  // Largest places first, each at the first spot around its point clear of the names already placed
  // and of the projects' symbols; a province's or prefecture's name with no clear spot goes under its
  // point anyway (its pane is above the symbols), a smaller place's is left out.
  function placeLabels(cells) {
    state.lastCells = cells;
    var map = state.map, zoom = Math.round(map.getZoom()), size = map.getSize(), zooms = state.config.labelZooms;
    var candidates = [];
    cells.forEach(function (cell) {
      cell.labels.forEach(function (label) {
        var range = zooms[label.level];
        if (range && zoom >= range[0] && zoom <= range[1]) candidates.push(label);
      });
    });
    // Within a level, the names of places with projects' symbols near their point go first: they need
    // the room most, and they are the places the planner is looking at.
    var symbols = state.avoid ? state.avoid() : [];
    candidates.forEach(function (label) {
      var p = map.latLngToContainerPoint(label.latlng);
      label.busy = symbols.some(function (s) { return Math.abs(s.x - p.x) < s.r + 60 && Math.abs(s.y - p.y) < s.r + 40; }) ? 0 : 1;
    });
    candidates.sort(function (a, b) {
      return LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level) || a.busy - b.busy || a.rank - b.rank;
    });
    if (state.labelZoom !== zoom) {  // new positions for all: reuse markers only while panning
      state.labelLayer.clearLayers();
      state.labelMarkers.clear();
      state.labelZoom = zoom;
    }
    var placed = [], keep = new Map();
    function fits(box) {
      if (box[0] + LABEL_GAP < 0 || box[1] + LABEL_GAP < 0 || box[2] - LABEL_GAP > size.x || box[3] - LABEL_GAP > size.y) return false;
      for (var i = 0; i < placed.length; i += 1) {
        var o = placed[i];
        if (box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]) return false;
      }
      return true;
    }
    candidates.forEach(function (label) {
      var p = map.latLngToContainerPoint(label.latlng);
      if (p.x < -200 || p.y < -50 || p.x > size.x + 200 || p.y > size.y + 50) return;  // far out of view
      var w = textWidth(label.name, label.level) + 4, h = FONT_SIZES[label.level] + 4;
      var options = spots(w, h, DROP[label.level], label.level), chosen = null, fallback = null;
      var reach = TYPICAL_DEG[label.level] / 2 * 256 * Math.pow(2, zoom) / 360;
      for (var k = 0; k < options.length && !chosen; k += 1) {
        var x = p.x + options[k][0], y = p.y + options[k][1];
        var away = Math.hypot(Math.max(0, Math.abs(x - p.x) - w / 2), Math.max(0, Math.abs(y - p.y) - h / 2));
        if (k > 0 && away > reach) continue;
        var box = [x - w / 2 - LABEL_GAP, y - h / 2 - LABEL_GAP, x + w / 2 + LABEL_GAP, y + h / 2 + LABEL_GAP];
        if (!fits(box)) continue;
        var inner = [x - w / 2, y - h / 2, x + w / 2, y + h / 2];
        if (!hitsSymbol(inner, symbols)) chosen = { box: box, spot: k };
        else if (fallback === null) fallback = { box: box, spot: k };
        if (!symbols.length) break;
      }
      if (!chosen && fallback && (label.level === "province" || label.level === "prefecture")) chosen = fallback;
      if (!chosen) return;
      placed.push(chosen.box);
      var offset = options[chosen.spot];
      keep.set(label.level + ":" + label.rank + "@" + offset.join(","), { label: label, width: w, height: h, offset: offset });
    });
    state.labelMarkers.forEach(function (marker, key) {
      if (!keep.has(key)) { state.labelLayer.removeLayer(marker); state.labelMarkers.delete(key); }
    });
    keep.forEach(function (entry, key) {
      if (state.labelMarkers.has(key)) return;
      var text = document.createElement("span");
      text.className = "basemap-label-text";
      text.setAttribute("translate", "no");  // a place's name, as written in either language
      text.textContent = entry.label.name;
      var icon = L.divIcon({ html: text, className: "basemap-label basemap-label-" + entry.label.level,
                             iconSize: [entry.width, entry.height],
                             iconAnchor: [entry.width / 2 - entry.offset[0], entry.height / 2 - entry.offset[1]] });
      var marker = L.marker(entry.label.latlng, { icon: icon, pane: "basemapLabels", interactive: false,
                                                  keyboard: false });
      state.labelMarkers.set(key, marker.addTo(state.labelLayer));
    });
  }

  function update() {
    var map = state.map, band = bandFor(state.config, map.getZoom());
    var keys = cellsInView(map, band), generation = (state.generation += 1);
    return Promise.all(keys.map(function (key) { return loadCell(band, key); })).then(function (cells) {
      if (generation !== state.generation) return;  // a later move has taken over
      var wanted = new Set(cells.map(function (cell) { return cell.id; }));
      state.shown.forEach(function (layer, id) {
        if (!wanted.has(id)) { state.baseLayer.removeLayer(layer); state.shown.delete(id); }
      });
      cells.forEach(function (cell) {
        if (!state.shown.has(cell.id)) { state.baseLayer.addLayer(cell.layer); state.shown.set(cell.id, cell.layer); }
      });
      placeLabels(cells);
      map.getContainer().dataset.basemap = "ready";
    });
  }


  // Online tiles are opt-in; when they fail (no internet), say so once and keep the basemap.
  function watchTiles(map, message) {
    var told = false;
    function tell() {
      if (told) return;
      told = true;
      var notice = document.createElement("div");
      notice.className = "basemap-notice";
      notice.setAttribute("role", "status");
      notice.textContent = message;
      notice.addEventListener("click", function () { notice.remove(); });
      map.getContainer().appendChild(notice);
    }
    map.eachLayer(function (layer) {
      if (!(layer instanceof L.TileLayer)) return;
      layer.on("tileerror", tell);
      // A tile refused before this listener was attached (no network answers at once) fired its tileerror
      // already: a finished image with no pixels is that failure (Leaflet keeps its tiles in _tiles).
      var tiles = layer._tiles || {};
      if (Object.keys(tiles).some(function (key) {
        var img = tiles[key].el;
        return img && img.complete && img.naturalWidth === 0;
      })) tell();
    });
  }

  function addTo(map, config, after) {
    if (!config) return Promise.resolve();
    Object.keys(PANES).forEach(function (name) {
      if (!map.getPane(name)) map.createPane(name).style.zIndex = String(PANES[name]);
    });
    map.getPane("basemapLabels").style.pointerEvents = "none";
    map.getContainer().style.background = OUTSIDE;
    state = {
      map: map, config: config, cells: new Map(), shown: new Map(), labelMarkers: new Map(), generation: 0,
      landRenderer: new DeferredCanvas({ pane: "basemapLand", padding: 0.2 }),
      lineRenderer: new DeferredCanvas({ pane: "basemap", padding: 0.2 }),
      baseLayer: L.layerGroup().addTo(map),
      labelLayer: L.layerGroup().addTo(map),
    };
    watchTiles(map, config.tilesFailed);
    map.on("moveend", refresh);
    // The basemap is background: its first cells are fetched once `after` (the page's projects on
    // screen) is settled, and in a task of their own, so that the page's own requests go first.
    state.current = Promise.resolve(after).catch(function () {}).then(function () {
      return new Promise(function (resolve) { setTimeout(resolve, 0); });
    }).then(refresh);
    return state.current;
  }

  function refresh() {
    state.current = afterProjects().then(update);
    state.current.catch(function (error) { console.error("basemap:", error); });
    return state.current;
  }

  // After a move: if the map is still animating, the view to wait for is the one it ends on.
  function ready() {
    if (!state) return Promise.resolve();
    var map = state.map;
    var moving = map._animatingZoom || (map._panAnim && map._panAnim._inProgress);
    if (!moving) return state.current;
    return new Promise(function (resolve) {
      map.once("moveend", function () { resolve(state.current); });  // runs after refresh, which is bound first
    });
  }

  // Leaflet builds its controls in English: their titles in the page's language (words from the page's JSON config).
  function localise(map, words) {
    if (!words) return;
    var container = map.getContainer();
    [[".leaflet-control-zoom-in", words.zoomIn], [".leaflet-control-zoom-out", words.zoomOut],
     [".leaflet-control-layers-toggle", words.layers]].forEach(function (pair) {
      container.querySelectorAll(pair[0]).forEach(function (node) {
        node.title = pair[1];
        node.setAttribute("aria-label", pair[1]);
      });
    });
  }

  function avoid(fn) { if (state) state.avoid = fn; }

  // `fn` returns a promise of the current view's projects on screen: the basemap's work waits for it.
  function after(fn) { if (state) state.after = fn; }

  function relabel() {
    if (state && state.lastCells && state.labelZoom === Math.round(state.map.getZoom())) placeLabels(state.lastCells);
  }

  window.registryBasemap = { addTo: addTo, ready: ready, avoid: avoid, after: after, relabel: relabel, localise: localise };
})();
