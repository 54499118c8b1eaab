/* The map's furniture for static/map.js: the folding legend as a Leaflet control, the button to the
 * filters, popups kept clear of the controls, the donut of a grid cell's mix, and print.
 *
 *   registryMapUI.legendControl(map, legend)       the Folium legend (<details>) moved into the map's corner
 *   registryMapUI.filterButton(map, label)         a control that opens and scrolls to the filter form
 *   registryMapUI.popupOptions(map, options)       popup options that keep it on screen and off the controls
 *   registryMapUI.paintDonut(ctx, s, colourOf)     a cell's symbol: a ring split by its mix, its count inside
 *   registryMapUI.controlBoxes(map)                the visible controls' boxes in container pixels
 *
 * Strings arrive as arguments (map.js has them from the page's JSON config) and reach the page
 * through textContent.
 */
(function () {
  "use strict";

  // Phones and other touch screens: every target on the map is at least 44 px (WCAG 2.5.5).
  function coarse() {
    return window.matchMedia("(pointer: coarse)").matches || window.innerWidth <= 800;
  }

  function controlBoxes(map) {
    var mapBox = map.getContainer().getBoundingClientRect();
    return Array.prototype.slice.call(map.getContainer().querySelectorAll(".leaflet-control"))
      .map(function (node) { return { node: node, box: node.getBoundingClientRect() }; })
      .filter(function (c) { return c.box.width && c.box.height; })
      .map(function (c) {
        return { node: c.node, left: c.box.left - mapBox.left, top: c.box.top - mapBox.top,
                 right: c.box.right - mapBox.left, bottom: c.box.bottom - mapBox.top };
      });
  }

  // The legend inside the map's container, bottom left above the scale, so that the fitted view
  // (map.js's controlPadding) keeps every project clear of it. It folds (<details>); on a phone it
  // starts folded. Its height never exceeds the map's: what is left scrolls inside it.
  function legendControl(map, legend) {
    var Control = L.Control.extend({
      options: { position: "bottomleft" },
      onAdd: function () {
        L.DomEvent.disableClickPropagation(legend);
        L.DomEvent.disableScrollPropagation(legend);
        return legend;
      },
    });
    var control = new Control().addTo(map);
    function limit() {
      var others = controlBoxes(map).filter(function (c) { return c.node !== legend && c.left < 200; });
      var used = others.reduce(function (sum, c) { return sum + (c.bottom - c.top) + 10; }, 0);
      legend.style.maxHeight = Math.max(120, map.getSize().y - used - 20) + "px";
    }
    map.on("resize", limit);
    limit();
    return control;
  }

  function filterButton(map, label, title) {
    if (!document.getElementById("filter-box") && !document.getElementById("filter-form")) return null;
    var Control = L.Control.extend({
      options: { position: "topright" },
      onAdd: function () {
        var button = L.DomUtil.create("button", "map-filter-button");
        button.type = "button";
        button.id = "map-filter-button";
        button.textContent = label;
        button.title = title;
        L.DomEvent.disableClickPropagation(button);
        L.DomEvent.on(button, "click", function () {
          var box = document.getElementById("filter-box");
          var form = document.getElementById("filter-form") || box;
          if (box && "open" in box) box.open = true;
          if (!form) return;
          (box || form).scrollIntoView({ block: "start", behavior: "auto" });
          var first = form.querySelector("input, select, button");
          if (first) first.focus({ preventScroll: true });
        });
        return button;
      },
    });
    return new Control().addTo(map);
  }

  // A popup stays on screen, off the controls in the top corners (zoom, layers, filters) and above
  // the bottom ones, and no wider than the map leaves room for.
  function popupOptions(map, options) {
    var size = map.getSize(), top = 10, left = 10, bottom = 10, right = 10;
    controlBoxes(map).forEach(function (c) {
      if (c.top < size.y / 2 && c.bottom < size.y / 2) top = Math.max(top, c.bottom + 8);
      else if (c.bottom > size.y / 2 && c.top > size.y / 2) bottom = Math.max(bottom, size.y - c.top + 8);
    });
    bottom = Math.min(bottom, size.y / 3);
    // The popup adds ~40 px of padding and border around its content.
    var width = Math.max(160, Math.min(options.maxWidth || 320, size.x - left - right - 60));
    var height = options.maxHeight ? Math.max(120, Math.min(options.maxHeight, size.y - top - bottom - 70)) : undefined;
    return Object.assign({}, options, {
      maxWidth: width, minWidth: Math.min(options.minWidth || 50, width), maxHeight: height,
      autoPan: true, autoPanPaddingTopLeft: L.point(left, top), autoPanPaddingBottomRight: L.point(right, bottom),
      keepInView: true,
    });
  }

  // How many, in at most five characters: 12,345 -> "12k", 1,234,567 -> "1.2M".
  function shortCount(n) {
    if (n < 10000) return String(n);
    if (n < 1e6) return Math.round(n / 1000) + "k";
    return (n / 1e6).toFixed(1) + "M";
  }

  // A cell's symbol at national zooms: the ring's arcs are the shares of its families (or stages),
  // the white middle carries the count; a dashed inner edge when most are known only to their county.
  function paintDonut(ctx, s, colourOf) {
    var start = -Math.PI / 2, ring = Math.max(4, s.r * 0.36), total = 0;
    s.mix.forEach(function (pair) { total += pair[1]; });
    s.mix.forEach(function (pair) {
      var end = start + 2 * Math.PI * pair[1] / total;
      ctx.beginPath();
      ctx.moveTo(s.x, s.y);
      ctx.arc(s.x, s.y, s.r, start, end);
      ctx.closePath();
      ctx.globalAlpha = 0.95;
      ctx.fillStyle = colourOf(pair[0]);
      ctx.fill();
      start = end;
    });
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.arc(s.x, s.y, s.r, 0, 2 * Math.PI);
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = "#ffffff";
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(s.x, s.y, s.r - ring, 0, 2 * Math.PI);
    ctx.fillStyle = "rgba(255,255,255,0.94)";
    ctx.fill();
    if (s.precision === "area") {
      ctx.setLineDash([3, 2]);
      ctx.lineWidth = 1.2;
      ctx.strokeStyle = "#555555";
      ctx.stroke();
      ctx.setLineDash([]);
    }
    var text = shortCount(s.count), inner = 2 * (s.r - ring) - 2;
    var size = Math.max(8, Math.min(12, inner / (0.62 * text.length)));
    ctx.font = "600 " + size.toFixed(1) + "px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillStyle = "#222222";
    ctx.fillText(text, s.x, s.y + 0.5);
  }

  window.registryMapUI = {
    coarse: coarse, controlBoxes: controlBoxes, legendControl: legendControl, filterButton: filterButton,
    popupOptions: popupOptions, paintDonut: paintDonut,
  };
})();
