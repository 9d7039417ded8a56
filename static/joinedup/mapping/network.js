// The network view: draws the start node and, on request, each node's neighbours one step at a time.
(function () {
  "use strict";
  var container = document.getElementById("network");
  var startData = document.getElementById("network-start");
  if (!container || !startData || typeof cytoscape === "undefined") return;
  var start = JSON.parse(startData.textContent);
  var neighboursUrl = container.getAttribute("data-neighbours-url");
  var list = document.getElementById("network-nodes");
  var counter = document.getElementById("network-count");
  var links = document.getElementById("network-links");
  var linkCounter = document.getElementById("network-link-count");
  var MAX_NODES = 300;
  var colours = { child: "#d4351c", adult: "#1d70b8", person: "#505a5f", place: "#00703c", vehicle: "#f47738", phone: "#912b88", handle: "#5694ca" };
  var info = {};
  var expanded = {};

  var cy = cytoscape({
    container: container,
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: { label: "data(label)", "background-color": "data(colour)", "font-size": 10, "text-valign": "bottom", "text-margin-y": 4, width: 22, height: 22 } },
      { selector: "node[kind = 'place']", style: { shape: "round-rectangle" } },
      { selector: "node[kind = 'vehicle'], node[kind = 'phone'], node[kind = 'handle']", style: { shape: "diamond" } },
      { selector: "node.expanded", style: { "border-width": 3, "border-color": "#0b0c0c" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#ffdd00" } },
      { selector: "edge", style: { width: "mapData(weight, 1, 10, 1, 6)", "line-color": "#b1b4b6" } }
    ]
  });

  function updateCount() {
    var count = cy.nodes().length;
    container.setAttribute("data-node-count", String(count));
    counter.textContent = String(count);
  }

  // The table of nodes: the same nodes as the diagram, each with its records and its next step.
  function cell(row, content) {
    var td = document.createElement("td");
    td.className = "govuk-table__cell";
    if (content) td.appendChild(content);
    row.appendChild(td);
    return td;
  }

  function listItem(node) {
    var row = document.createElement("tr");
    row.className = "govuk-table__row";
    row.setAttribute("data-node-id", node.id);
    var label = document.createElement(node.record_url ? "a" : "span");
    if (node.record_url) { label.href = node.record_url; label.className = "govuk-link"; }
    label.textContent = node.label;
    cell(row, label);
    var kind = document.createElement("span");
    kind.className = "govuk-tag govuk-tag--grey";
    kind.textContent = node.kind;
    cell(row, kind);
    var records = null;
    if (node.evidence_url) {
      records = document.createElement("a");
      records.href = node.evidence_url;
      records.className = "govuk-link";
      records.textContent = "records";
    }
    cell(row, records);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-1";
    button.textContent = "Expand " + node.label;
    button.setAttribute("data-expand", node.id);
    button.addEventListener("click", function () { expand(node.id); });
    cell(row, button);
    list.appendChild(row);
  }

  function linkRow(edge) {
    var row = document.createElement("tr");
    row.className = "govuk-table__row";
    [info[edge.source].label, info[edge.target].label].forEach(function (text) {
      var span = document.createElement("span");
      span.textContent = text;
      cell(row, span);
    });
    var link = document.createElement("a");
    link.href = edge.evidence_url;
    link.className = "govuk-link";
    link.textContent = String(edge.weight);
    cell(row, link).className = "govuk-table__cell govuk-table__cell--numeric";
    links.appendChild(row);
    linkCounter.textContent = String(links.children.length);
  }

  // The street map of the places drawn: each place with a point is added as it is drawn.
  var mapElement = document.getElementById("network-map");
  var placeMap = null;
  var placeLayer = null;
  var placeBounds = [];
  if (mapElement && window.JoinedupBasemap) {
    placeMap = window.JoinedupBasemap.create(mapElement, function (bounds) {
      if (!placeBounds.length && bounds) placeMap.fitBounds(bounds);
    });
    placeLayer = L.layerGroup().addTo(placeMap);
  }

  function addPlace(node) {
    if (!placeLayer || node.kind !== "place" || node.lat === undefined) return;
    var marker = L.circleMarker([node.lat, node.lon], { radius: 8, color: colours.place, weight: 2, fillOpacity: 0.5 });
    var link = document.createElement("a");
    link.href = node.evidence_url;
    link.textContent = node.label;
    marker.bindPopup(link);
    marker.addTo(placeLayer);
    placeBounds.push([node.lat, node.lon]);
    mapElement.setAttribute("data-points", String(placeBounds.length));
    placeMap.fitBounds(placeBounds, { padding: [30, 30], maxZoom: 15 });
  }

  function addNode(node) {
    if (info[node.id]) return;
    info[node.id] = node;
    cy.add({ group: "nodes", data: { id: node.id, label: node.label, kind: node.kind, colour: colours[node.kind] || "#505a5f" } });
    listItem(node);
    addPlace(node);
  }

  function expand(nodeId) {
    if (expanded[nodeId]) return;
    var params = new URLSearchParams();
    params.append("node", nodeId);
    cy.nodes().forEach(function (n) { params.append("drawn", n.id()); });
    fetch(neighboursUrl + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (step) {
        expanded[nodeId] = true;
        var room = MAX_NODES - cy.nodes().length;
        step.nodes.slice(0, Math.max(room, 0)).forEach(addNode);
        step.edges.forEach(function (edge) {
          var id = edge.source + "--" + edge.target;
          if (cy.getElementById(id).length || !info[edge.source] || !info[edge.target]) return;
          cy.add({ group: "edges", data: { id: id, source: edge.source, target: edge.target, weight: edge.weight, evidence: edge.evidence_url } });
          linkRow(edge);
        });
        cy.getElementById(nodeId).addClass("expanded");
        var button = list.querySelector('[data-expand="' + CSS.escape(nodeId) + '"]');
        if (button) { button.disabled = true; button.textContent = step.more ? "Expanded (" + step.more + " more not drawn)" : "Expanded"; }
        cy.layout({ name: "cose", animate: false, randomize: false }).run();
        updateCount();
      })
      .catch(function () { container.setAttribute("data-error", "true"); });
  }

  cy.on("tap", "node", function (event) { expand(event.target.id()); });
  cy.on("tap", "edge", function (event) { var url = event.target.data("evidence"); if (url) window.location.href = url; });
  addNode(start);
  cy.layout({ name: "grid" }).run();
  updateCount();
})();
