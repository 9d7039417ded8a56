// The base map under every map of the mapping pages: streets, wards, water and their names, drawn by Leaflet
// from a GeoJSON file the app serves (data-basemap-url; the demo's is Wealdbridge), so the map reads offline
// and under the content security policy; or a tile server (data-tiles-url) for a real area, where configured.
// Names are set as text, never as HTML, so a base map from elsewhere cannot put markup on the page.
(function () {
  "use strict";
  if (typeof L === "undefined") return;

  var styles = {
    ward: { color: "#6f777b", weight: 1.5, dashArray: "6 4", fillColor: "#f3f2f1", fillOpacity: 0.35 },
    park: { color: "#85994b", weight: 1, fillColor: "#cce2a8", fillOpacity: 0.8 },
    water: { color: "#5694ca", weight: 5, opacity: 0.8 },
    railway: { color: "#505a5f", weight: 2, dashArray: "8 6" },
    main_road: { color: "#ffffff", weight: 7, opacity: 1 },
    street: { color: "#ffffff", weight: 4, opacity: 1 }
  };
  var casing = { main_road: 9, street: 6 };

  function label(text, className) {
    var span = document.createElement("span");
    span.textContent = text;
    span.className = className;
    return span;
  }

  function drawGeoJson(map, data, element) {
    var pane = map.createPane("basemap");
    pane.style.zIndex = 350; // under the layers of points (overlayPane is 400)
    var renderer = L.svg({ pane: "basemap" });
    // Roads get a grey edge drawn first, so white roads show on the pale background.
    L.geoJSON(data, {
      pane: "basemap",
      renderer: renderer,
      interactive: false,
      filter: function (f) { return !!casing[f.properties && f.properties.kind]; },
      style: function (f) { return { color: "#b1b4b6", weight: casing[f.properties.kind], opacity: 1 }; }
    }).addTo(map);
    var named = 0;
    var layer = L.geoJSON(data, {
      pane: "basemap",
      renderer: renderer,
      style: function (f) { return styles[f.properties && f.properties.kind] || styles.street; },
      onEachFeature: function (feature, drawn) {
        var props = feature.properties || {};
        if (!props.name || props.kind === "railway") return;
        var kind = props.kind === "ward" ? "ward" : props.kind === "street" ? "street" : "road";
        drawn.bindTooltip(label(props.name, "joinedup-basemap-label__text"), {
          permanent: kind !== "street",
          direction: "center",
          className: "joinedup-basemap-label joinedup-basemap-label--" + kind,
          interactive: false
        });
        named += 1;
      }
    }).addTo(map);
    element.setAttribute("data-basemap-features", String(layer.getLayers().length));
    element.setAttribute("data-basemap-labels", String(named));
    return layer;
  }

  // Makes the map in ``element``; ``whenDrawn(bounds)`` is called once the base map is drawn (bounds of the
  // base map, or null with tiles or none), for the caller to fit its points.
  function create(element, whenDrawn) {
    var map = L.map(element, { preferCanvas: true }).setView([54.0, -2.0], 6);
    var tiles = element.getAttribute("data-tiles-url");
    var url = element.getAttribute("data-basemap-url");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: element.getAttribute("data-tiles-attribution") || "Map tiles" }).addTo(map);
    }
    if (!url) {
      // After the caller holds the map.
      if (whenDrawn) Promise.resolve().then(function () { whenDrawn(null); });
      return map;
    }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) { if (!response.ok) throw new Error(String(response.status)); return response.json(); })
      .then(function (data) {
        var layer = drawGeoJson(map, data, element);
        if (whenDrawn) whenDrawn(layer.getBounds());
      })
      .catch(function () {
        element.setAttribute("data-basemap-error", "true");
        if (whenDrawn) whenDrawn(null);
      });
    return map;
  }

  window.JoinedupBasemap = { create: create };
})();
