// The hotspot map: points from the hotspot list's JSON, redrawn whenever the period slider reloads the list.
// With no tile layer configured the points are drawn on a blank background, so the map works offline.
(function () {
  "use strict";
  var element = document.getElementById("hotspot-map");
  if (!element || typeof L === "undefined") return;
  var map = L.map(element, { preferCanvas: true }).setView([54.0, -2.0], 6);
  var tiles = element.getAttribute("data-tiles-url");
  if (tiles) L.tileLayer(tiles, { maxZoom: 19, attribution: "Map tiles" }).addTo(map);
  var layer = L.layerGroup().addTo(map);
  var colours = { "new": "#d4351c", growing: "#f47738", steady: "#505a5f", fading: "#00703c" };

  function draw() {
    var data = document.getElementById("hotspot-points");
    var points = data ? JSON.parse(data.textContent) : [];
    layer.clearLayers();
    var bounds = [];
    points.forEach(function (point) {
      var marker = L.circleMarker([point.lat, point.lon], {
        radius: 6 + 3 * Math.sqrt(point.children),
        color: colours[point.change] || "#505a5f",
        weight: 2,
        fillOpacity: 0.5
      });
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = point.name + ": " + point.children + " children (" + point.change + ")";
      marker.bindPopup(link);
      marker.addTo(layer);
      bounds.push([point.lat, point.lon]);
    });
    element.setAttribute("data-points", String(points.length));
    if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
  }

  // The slider's value in words beside it (a range input shows none of its own).
  var slider = document.getElementById("hotspot-back");
  var shown = document.getElementById("hotspot-back-value");
  if (slider && shown) {
    slider.addEventListener("input", function () {
      var back = Number(slider.value);
      shown.textContent = back === 0 ? "The latest period" : back + (back === 1 ? " period back" : " periods back");
    });
  }

  draw();
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.target && event.target.id === "hotspot-list") draw();
  });
})();
