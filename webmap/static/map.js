/* Draws the registry's projects into the Folium frame of the page.
 *
 * Folium has built the map, the county-boundary layer and one empty layer per
 * type; their JavaScript names, the data URLs and the labels arrive as JSON in
 * #map-config. The projects come from the app's own feed (/api/map.json: id, type,
 * capacity, precision and geometry per row) with the page's filter, so the map shows
 * exactly what the list and the exports show. A popup or tooltip fetches its project
 * (/api/projects/<id>) when it opens, and shows "…" until then.
 *
 * Every data string reaches the page through textContent or a text node, never
 * through innerHTML: a name like "<img onerror=…>" is shown, not run.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("map-config").textContent);
  var map = window[config.map];
  // The offline basemap (static/basemap.js) under everything else; absent when REGISTRY_BASEMAP=off.
  if (window.registryBasemap) window.registryBasemap.addTo(map, config.basemap);
  var boundaries = window[config.boundaries];
  var labels = config.labels;
  var lineTypes = new Set(config.lineTypes);

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function radiusFor(capacity) {
    // Area proportional to MW: the radius grows with the square root.
    if (capacity === null || capacity === undefined) return config.radius.min + 1;
    return Math.max(config.radius.min, config.radius.k * Math.sqrt(capacity));
  }

  function colourFor(type) {
    return config.colours[type] || "#666666";
  }

  function formatMW(capacity) {
    if (capacity === null || capacity === undefined) return labels.noCapacity;
    return capacity.toLocaleString("en-US", { maximumFractionDigits: 3 }) + " MW";
  }

  // Projects fetched for popups and tooltips, by id: {project, error, promise}. One request per
  // project however often it is opened; the feed carries no names, so the map loads fast.
  var projectCache = new Map();

  function loadProject(id) {
    var entry = projectCache.get(id);
    if (!entry) {
      entry = { project: null, error: null };
      entry.promise = getJSON(config.projectApi.replace("__ID__", encodeURIComponent(id))).then(
        function (project) { entry.project = project; },
        function (error) { entry.error = error; console.warn("project " + id + ":", error); });
      projectCache.set(id, entry);
    }
    return entry;
  }

  function rememberProject(project) {
    projectCache.set(project.id, { project: project, error: null, promise: Promise.resolve() });
  }

  // The content of a popup or tooltip: the project's view if it is loaded, else a "…" placeholder
  // that is replaced (overlay.update() calls this again) once the fetch ends.
  function overlayContent(id, render, overlay) {
    var entry = loadProject(id);
    if (entry.project) return render(id, entry.project, "ready");
    if (entry.error) {
      projectCache.delete(id);  // shown once; the next opening tries again
      return render(id, null, "error");
    }
    entry.promise.then(function () { if (overlay.isOpen()) overlay.update(); });
    return render(id, null, "loading");
  }

  // state: "ready" (project given), "loading" or "error"; tests wait for data-state="ready".
  function headline(project, state) {
    return state === "ready" ? project.name : state === "loading" ? "…" : labels.notLoaded;
  }

  function popupFor(id, project, state) {
    var box = element("div", "project-popup");
    box.dataset.state = state;
    box.appendChild(element("strong", "popup-name", headline(project, state)));
    if (project) {
      var p = project, list = element("dl");
      var place = [p.city, p.county, p.town].filter(function (v) { return v; }).join(" ");
      [["type", labels.types[p.type] || p.type], ["capacity_mw", formatMW(p.capacity_mw)],
       ["stage", labels.stages[p.stage] || p.stage || "—"], ["place", place || "—"],
       ["precision", labels.precisions[p.precision] || p.precision || "—"]].forEach(function (pair) {
        list.appendChild(element("dt", null, labels.fields[pair[0]]));
        list.appendChild(element("dd", null, pair[1]));
      });
      box.appendChild(list);
    }
    var link = element("a", "popup-link", labels.openPage);
    // A fixed path plus the encoded id: data can never choose the scheme (no javascript: links).
    link.href = config.projectPage.replace("__ID__", encodeURIComponent(id));
    box.appendChild(link);
    return box;
  }

  function tooltipFor(_id, project, state) {
    var span = element("span", "project-tooltip", headline(project, state));
    span.dataset.state = state;
    return span;
  }

  function style(type, capacity) {
    var known = capacity !== null && capacity !== undefined;
    return { color: colourFor(type), weight: lineTypes.has(type) ? 3 : 1, opacity: 0.9,
             fillColor: colourFor(type), fillOpacity: known ? 0.65 : 0.2, dashArray: known ? null : "2 2" };
  }

  // geometry: [lon, lat] for a point (the feed's form), or a GeoJSON geometry object.
  function layerFor(id, type, capacity, geometry) {
    var options = style(type, capacity);
    if (!Array.isArray(geometry) && geometry.type === "Point") geometry = geometry.coordinates;
    var layer;
    if (Array.isArray(geometry)) {
      // A lone point is drawn as the circle marker itself, so the cluster can hold it.
      layer = L.circleMarker([geometry[1], geometry[0]], Object.assign({ radius: radiusFor(capacity) }, options));
    } else {
      layer = L.geoJSON(geometry, {
        style: function () { return options; },
        pointToLayer: function (_point, latlng) {
          return L.circleMarker(latlng, Object.assign({ radius: radiusFor(capacity) }, options));
        },
      });
    }
    var key = String(id);
    layer.bindPopup(function () { return overlayContent(key, popupFor, layer.getPopup()); }, { maxWidth: 320 });
    layer.bindTooltip(function () { return overlayContent(key, tooltipFor, layer.getTooltip()); }, { sticky: true });
    return layer;
  }

  function clusterIcon(colour) {
    return function (cluster) {
      var bubble = element("div", "type-cluster", cluster.getChildCount());
      bubble.style.backgroundColor = colour;
      return L.divIcon({ html: bubble, className: "type-cluster-icon", iconSize: L.point(30, 30) });
    };
  }

  // Types that the frame has no layer for (the registry changed since the page was made).
  var extraLayers = {};
  function targetFor(type) {
    if (config.layers[type]) {
      return { group: window[config.layers[type].group], cluster: window[config.layers[type].cluster] };
    }
    if (!extraLayers[type]) {
      var group = L.featureGroup().addTo(map);
      extraLayers[type] = { group: group, cluster: L.markerClusterGroup({ chunkedLoading: true }).addTo(group) };
    }
    return extraLayers[type];
  }

  function setText(id, value) {
    var node = document.getElementById(id);
    if (node) node.textContent = String(value);
    return node;
  }

  function drawProjects(feed) {
    var column = {};
    feed.columns.forEach(function (name, i) { column[name] = i; });
    var pointsByType = {}, drawn = 0, unlocated = 0, bounds = L.latLngBounds([]);
    feed.rows.forEach(function (row) {
      var geometry = row[column.geometry], type = row[column.type];
      if (!geometry) { unlocated += 1; return; }
      var layer = layerFor(row[column.id], type, row[column.capacity_mw], geometry);
      if (layer instanceof L.CircleMarker) {
        (pointsByType[type] = pointsByType[type] || []).push(layer);
        bounds.extend(layer.getLatLng());
      } else {
        layer.addTo(targetFor(type).group);
        bounds.extend(layer.getBounds());
      }
      drawn += 1;
    });
    Object.keys(pointsByType).forEach(function (type) {
      var cluster = targetFor(type).cluster;
      cluster.options.iconCreateFunction = clusterIcon(colourFor(type));
      cluster.addLayers(pointsByType[type]);  // one batch: fast with tens of thousands of points
    });
    return { drawn: drawn, unlocated: unlocated, bounds: bounds };
  }

  // Counts what Leaflet actually holds, independently of drawProjects' tally (for tests).
  function countDrawnLayers() {
    var count = 0;
    var targets = Object.keys(config.layers).map(function (t) { return targetFor(t); })
      .concat(Object.keys(extraLayers).map(function (t) { return extraLayers[t]; }));
    targets.forEach(function (target) {
      count += target.cluster.getLayers().length;
      target.group.eachLayer(function (layer) { if (layer !== target.cluster) count += 1; });
    });
    return count;
  }

  function fail(error) {
    setText("drawn-count", "!");
    document.body.dataset.mapState = "error";
    console.error("map data could not be loaded:", error);
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json, application/geo+json" } }).then(function (response) {
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      return response.json();
    });
  }

  // The data sources' credit (a constant of the app, not data): GeoNames' licence asks for it.
  if (map.attributionControl) map.attributionControl.addAttribution(config.dataAttribution);
  var boundariesLoaded = getJSON(config.boundariesUrl).then(function (collection) {
    boundaries.addData(collection);
    boundaries.eachLayer(function (layer) {
      var name = layer.feature && layer.feature.properties ? layer.feature.properties.name : "";
      layer.bindTooltip(function () { return element("span", null, name); }, { sticky: true });
    });
    boundaries.bringToBack();
    return boundaries.getBounds();
  });

  var projectsLoaded;
  if (config.dataUrl) {
    projectsLoaded = getJSON(config.dataUrl).then(function (feed) {
      var result = drawProjects(feed);
      setText("drawn-count", result.drawn).dataset.drawn = String(result.drawn);
      setText("unlocated-count", result.unlocated);
      if (result.unlocated) document.getElementById("unlocated").hidden = false;
      return result.bounds;
    });
  } else if (config.projectUrl) {
    projectsLoaded = getJSON(config.projectUrl).then(function (project) {
      if (!project.geojson) return L.latLngBounds([]);
      rememberProject(project);  // its popup needs no second request
      var layer = layerFor(project.id, project.type, project.capacity_mw, project.geojson).addTo(map);
      return layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]);
    });
  } else {
    projectsLoaded = Promise.resolve(L.latLngBounds([]));  // a bad filter: nothing to draw
    setText("drawn-count", 0).dataset.drawn = "0";
  }

  Promise.all([projectsLoaded, boundariesLoaded]).then(function (bounds) {
    var target = bounds[0].isValid() ? bounds[0] : bounds[1];
    // Keep the projects clear of the legend, which sits over the map's left edge.
    var legend = document.getElementById("map-legend");
    var left = legend ? legend.offsetWidth + 20 : 20;
    if (target.isValid()) {
      map.fitBounds(target, { paddingTopLeft: [left, 20], paddingBottomRight: [20, 20],
                              maxZoom: config.projectUrl ? 11 : 12 });
    }
    return window.registryBasemap && window.registryBasemap.ready();  // the fitted view's basemap too
  }).then(function () {
    document.body.dataset.mapState = "ready";
  }).catch(fail);

  window.registryMap = { map: map, countDrawnLayers: countDrawnLayers };
})();
