/* A county-level project's page (templates/project.html): its county outlined and its seat marked.
   The project is drawn at the county seat (registry/geo/seats.py) because its plan names no closer place;
   the outline shows the whole area it may lie in. The polygon comes from /api/boundaries.geojson?code=…;
   names are set as text, never as HTML. */
(function () {
  "use strict";
  var holder = document.getElementById("project-area");
  if (!holder || !window.registryMap) { return; }
  var map = window.registryMap.map, body = document.body;

  function whenMapReady(then) {
    if (body.dataset.mapState === "ready") { return then(); }
    new MutationObserver(function (changes, observer) {
      if (body.dataset.mapState === "ready") { observer.disconnect(); then(); }
    }).observe(body, { attributes: true, attributeFilter: ["data-map-state"] });
  }

  fetch(holder.dataset.url, { headers: { Accept: "application/geo+json" } })
    .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
    .then(function (collection) {
      whenMapReady(function () {
        var seat = [Number(holder.dataset.lat), Number(holder.dataset.lon)];
        if (collection.features && collection.features.length) {
          var outline = L.geoJSON(collection, { interactive: false, style: {
            color: "#c0392b", weight: 2.5, opacity: 0.9, fillColor: "#c0392b", fillOpacity: 0.04 } }).addTo(map);
          map.fitBounds(outline.getBounds(), { padding: [24, 24], maxZoom: 11, animate: false });
          holder.dataset.outline = "yes";
        } else {
          holder.dataset.outline = "no";
        }
        // A hollow diamond around the project's own symbol (drawn there too): not interactive, so the
        // symbol's click still opens its popup; the key under the map names it.
        // Only where the point is the seat (not a polygon's representative point, when no seat is known).
        if (holder.dataset.seat === "yes") {
          var diamond = L.divIcon({ className: "seat-icon", html: "<span></span>", iconSize: [24, 24], iconAnchor: [12, 12] });
          L.marker(seat, { icon: diamond, interactive: false, keyboard: false }).addTo(map);
        }
        holder.hidden = false;
        body.dataset.areaState = "ready";
      });
    })
    .catch(function () { body.dataset.areaState = "error"; });
})();
