// The maps of points on the base map: the hotspot map (hotspots, campaigns, registered businesses) and the
// campaigns' reach beside risk. Each map names its layers' JSON (data-layers: ids of json_script elements,
// each {"name": ..., "points": [{lat, lon, label, url, size, tone}]}) and is redrawn when the period control
// reloads the fragment holding them (data-refresh-on: the fragment's id). The table under each map lists the
// same data.
(function () {
  "use strict";
  if (typeof L === "undefined" || !window.JoinedupBasemap) return;
  var tones = {
    "new": "#d4351c", growing: "#f47738", steady: "#505a5f", fading: "#00703c",
    high: "#d4351c", flagged: "#d4351c", low: "#f47738", reached: "#00703c",
    campaign: "#1d70b8", business: "#912b88"
  };

  function setUp(element) {
    var ids = (element.getAttribute("data-layers") || "").split(",").filter(Boolean);
    var groups = {};
    var baseBounds = null;
    var drawnOnce = false;
    var map = window.JoinedupBasemap.create(element, function (bounds) {
      baseBounds = bounds;
      draw();
    });
    var control = null;

    function read(id) {
      var data = document.getElementById(id);
      return data ? JSON.parse(data.textContent) : null;
    }

    function draw() {
      var bounds = [];
      var shown = 0;
      ids.forEach(function (id) {
        var layer = read(id);
        if (!groups[id]) {
          groups[id] = L.layerGroup().addTo(map);
          if (layer && ids.length > 1) {
            control = control || L.control.layers(null, null, { collapsed: false }).addTo(map);
            control.addOverlay(groups[id], layer.name);
          }
        }
        groups[id].clearLayers();
        (layer ? layer.points : []).forEach(function (point) {
          var marker = L.circleMarker([point.lat, point.lon], {
            radius: 6 + 3 * Math.sqrt(point.size || 1),
            color: tones[point.tone] || "#505a5f",
            weight: 2,
            fillOpacity: 0.5
          });
          var content = document.createElement(point.url ? "a" : "span");
          if (point.url) content.href = point.url;
          content.textContent = point.label;
          marker.bindPopup(content);
          marker.addTo(groups[id]);
          bounds.push([point.lat, point.lon]);
          shown += 1;
        });
        element.setAttribute("data-points-" + id, String(layer ? layer.points.length : 0));
      });
      element.setAttribute("data-points", String(shown));
      if (drawnOnce) return;
      drawnOnce = true;
      if (bounds.length) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
      else if (baseBounds) map.fitBounds(baseBounds);
    }

    var refresh = element.getAttribute("data-refresh-on");
    if (refresh) {
      document.body.addEventListener("htmx:afterSwap", function (event) {
        if (event.target && event.target.id === refresh) draw();
      });
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll(".joinedup-map[data-layers]"), setUp);

  // The period chosen is kept in the page's address, so the view can be shared or bookmarked.
  var form = document.getElementById("hotspot-period");
  if (form) {
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (!event.target || event.target.id !== "hotspot-list") return;
      var query = new URLSearchParams(new FormData(form)).toString();
      window.history.replaceState(null, "", form.getAttribute("action") + "?" + query);
    });
  }

  // The slider's value in words beside it (a range input shows none of its own).
  var slider = document.getElementById("hotspot-back");
  var shownValue = document.getElementById("hotspot-back-value");
  if (slider && shownValue) {
    slider.addEventListener("input", function () {
      var back = Number(slider.value);
      shownValue.textContent = back === 0 ? "The latest period" : back + (back === 1 ? " period back" : " periods back");
    });
  }
})();
