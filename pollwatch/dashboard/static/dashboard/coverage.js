/* The coverage map: one marker per assigned station, marked by state with a symbol and a
   colour (the legend and the table say the same in words). Reloads its GeoJSON every
   `data-refresh` seconds, keeping the view the coordinator chose. */
(function () {
  "use strict";
  var SYMBOLS = { planned: "○", reported: "✓", overdue: "!", problem: "⚠" };
  var LABELS = { planned: "Planned", reported: "Reported", overdue: "Overdue", problem: "Problem" };
  var WORDS = { due: "due", last: "last report" };
  var COLOURS = { planned: "#6b7280", reported: "#1b7a3d", overdue: "#8a5a00", problem: "#b3261e" };
  var MANY = 1500;

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span.innerHTML;
  }

  function popup(p, stationUrl) {
    var href = stationUrl.replace(/\/0\/$/, "/" + p.id + "/");
    return "<strong><a href=\"" + href + "\">" + text(p.code) + "</a></strong> " + text(p.name) +
      "<br>" + SYMBOLS[p.state] + " " + text(LABELS[p.state] || p.state) +
      "<br>" + text(p.region) + " · " + text((p.teams || []).join(", ")) +
      "<br>" + text(WORDS.due) + " " + text(p.due_local) +
      (p.last_local ? " · " + text(WORDS.last) + " " + text(p.last_local) : "") +
      (p.reasons && p.reasons.length ? "<br>" + text(p.reasons.join("; ")) : "");
  }

  function marker(feature, latlng, many) {
    var p = feature.properties;
    var title = p.code + ": " + (LABELS[p.state] || p.state);
    if (many) {
      return L.circleMarker(latlng, { radius: 5, color: "#fff", weight: 1, fillOpacity: 0.9,
        fillColor: COLOURS[p.state] || "#333" });
    }
    var icon = L.divIcon({ className: "", iconSize: [22, 22], iconAnchor: [11, 11],
      html: "<span class=\"marker marker-" + p.state + "\">" + SYMBOLS[p.state] + "</span>" });
    return L.marker(latlng, { icon: icon, title: title, alt: title, keyboard: true,
      zIndexOffset: p.state === "problem" ? 1000 : (p.state === "overdue" ? 500 : 0) });
  }

  function start(element) {
    var legend = document.getElementById("coverage-legend");
    if (legend) {  /* the page's language */
      JSON.parse(legend.textContent).forEach(function (item) { LABELS[item.state] = item.label; });
    }
    WORDS.due = element.dataset.wordDue || WORDS.due;
    WORDS.last = element.dataset.wordLast || WORDS.last;
    var map = L.map(element, { preferCanvas: true, zoomSnap: 0.25 });
    if (element.dataset.tiles) {
      L.tileLayer(element.dataset.tiles, { maxZoom: 18, attribution: element.dataset.attribution || "" }).addTo(map);
    } else {
      element.classList.add("map-plain");
    }
    map.setView([48, 67], 4);
    var layer = null;
    var fitted = false;
    var state = { map: map, loaded: 0, features: 0 };
    window.pollwatchCoverage = state;

    function load() {
      return fetch(element.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          var placed = data.features.filter(function (f) { return f.geometry; });
          var many = placed.length > MANY;
          var next = L.geoJSON({ type: "FeatureCollection", features: placed }, {
            pointToLayer: function (f, latlng) { return marker(f, latlng, many); },
            onEachFeature: function (f, l) { l.bindPopup(popup(f.properties, element.dataset.stationUrl)); }
          });
          if (layer) { map.removeLayer(layer); }
          layer = next.addTo(map);
          if (!fitted && placed.length) { map.fitBounds(layer.getBounds().pad(0.1)); fitted = true; }
          state.loaded += 1;
          state.features = placed.length;
          element.dataset.loaded = String(state.loaded);
        })
        .catch(function () { element.dataset.error = "1"; });
    }
    load();
    var seconds = parseInt(element.dataset.refresh || "30", 10);
    if (seconds > 0) { window.setInterval(load, seconds * 1000); }
    state.reload = load;
  }

  function ready() {
    var element = document.getElementById("coverage-map");
    if (element && window.L) { start(element); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
