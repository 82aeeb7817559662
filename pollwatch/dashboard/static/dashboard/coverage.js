/* The coverage map. Under the stations, drawn from the page's own data (no tile server needed):
   the country's boundary and each region, shaded by the share of its assigned stations that
   reported (or that have problems); a region without a boundary on file is a circle at its
   stations. Stations are markers marked by state with a symbol and a colour, clustered where
   they pile up (a cluster shows its count, and how many of them have problems or are overdue). Clicking a region
   zooms into it and shows its figures. Reloads its JSON every `data-refresh` seconds, keeping
   the view the coordinator chose. Colours live in dashboard.css (classes, no inline styles). */
(function () {
  "use strict";
  var SYMBOLS = { planned: "○", reported: "✓", overdue: "!", problem: "⚠" };
  var LABELS = { planned: "Planned", reported: "Reported", overdue: "Overdue", problem: "Problem" };
  var RANK = { problem: 3, overdue: 2, reported: 1, planned: 0 };
  var WORDS = { due: "due", last: "last report", assigned: "stations assigned", reported: "reported",
    problem: "with problems", overdue: "overdue", planned: "planned", none: "no stations assigned",
    show: "Show its stations" };
  /* Upper limits of the shades, in per cent (the same as the legend's, views/coverage.py). */
  var LIMITS = { reported: [20, 40, 60, 80, 100], problem: [0, 5, 10, 20, 100] };
  var SHADES = ["shade-0", "shade-1", "shade-2", "shade-3", "shade-4", "shade-none"];

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span.innerHTML;
  }

  function json(id, fallback) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : fallback;
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

  function marker(feature, latlng) {
    var p = feature.properties;
    var title = p.code + ": " + (LABELS[p.state] || p.state);
    var icon = L.divIcon({ className: "", iconSize: [22, 22], iconAnchor: [11, 11],
      html: "<span class=\"marker marker-" + p.state + "\">" + SYMBOLS[p.state] + "</span>" });
    var m = L.marker(latlng, { icon: icon, title: title, alt: title, keyboard: true,
      zIndexOffset: p.state === "problem" ? 1000 : (p.state === "overdue" ? 500 : 0) });
    m.stationState = p.state;
    return m;
  }

  function clusterIcon(cluster) {
    var problems = 0;
    var overdue = 0;
    cluster.getAllChildMarkers().forEach(function (m) {
      if (m.stationState === "problem") { problems += 1; } else if (m.stationState === "overdue") { overdue += 1; }
    });
    var n = cluster.getChildCount();
    var title = n + " · " + SYMBOLS.problem + " " + problems + " · " + SYMBOLS.overdue + " " + overdue;
    return L.divIcon({ className: "cluster", iconSize: L.point(38, 38),
      html: "<span title=\"" + text(title) + "\">" + n + "</span>" +
        (problems ? "<b class=\"cluster-flag flag-problem\">" + SYMBOLS.problem + problems + "</b>" : "") +
        (overdue ? "<b class=\"cluster-flag flag-overdue\">" + SYMBOLS.overdue + overdue + "</b>" : "") });
  }

  function shade(figures, mode) {
    if (!figures || !figures.total) { return "shade-none"; }
    var value = 100 * (mode === "problem" ? figures.problem_share : figures.reported_share);
    var limits = LIMITS[mode];
    for (var i = 0; i < limits.length - 1; i += 1) {
      /* reported: [0, 20) [20, 40) ... [80, 100]; problems: 0, (0, 5] (5, 10] (10, 20] (20, 100] */
      if (mode === "reported" ? value < limits[i] : value <= limits[i]) { return SHADES[i]; }
    }
    return SHADES[limits.length - 1];
  }

  function setShade(layer, name) {
    var element = layer.getElement && layer.getElement();
    if (!element) { return; }
    SHADES.forEach(function (s) { element.classList.remove(s); });
    element.classList.add(name);
  }

  function percent(share) {
    return (share * 100).toLocaleString(document.documentElement.lang || undefined,
      { maximumFractionDigits: 1 }) + "\u00a0%";
  }

  function start(element) {
    JSON.parse((document.getElementById("coverage-legend") || { textContent: "[]" }).textContent)
      .forEach(function (item) { LABELS[item.state] = item.label; });
    var words = json("coverage-words", {});
    Object.keys(words).forEach(function (k) { WORDS[k] = words[k]; });
    WORDS.due = element.dataset.wordDue || WORDS.due;
    WORDS.last = element.dataset.wordLast || WORDS.last;
    var shapes = json("coverage-shapes", { country: null, regions: [] });
    var panel = document.getElementById("map-region");
    var back = document.getElementById("map-country");
    var map = L.map(element, { zoomSnap: 0.25, minZoom: 2, maxZoom: 18 });
    var svg = L.svg({ padding: 0.5 });
    var tiles = Boolean(element.dataset.tiles);
    if (tiles) {
      L.tileLayer(element.dataset.tiles, { maxZoom: 18, attribution: element.dataset.attribution || "" }).addTo(map);
    }
    var state = { map: map, loaded: 0, features: 0, regions: {}, mode: "reported", selected: "" };
    window.pollwatchCoverage = state;
    var figures = {};
    var countryLayer = null;
    if (shapes.country) {
      countryLayer = L.geoJSON(shapes.country, { renderer: svg, interactive: false,
        style: { className: "map-country" + (tiles ? " over-tiles" : "") } }).addTo(map);
    }
    var regionsLayer = L.featureGroup().addTo(map);
    var drawn = {};  /* the regions the map shows: with a boundary, or as a circle */
    shapes.regions.forEach(function (r) { drawn[r.code] = true; });
    shapes.regions.forEach(function (r) {
      if (!r.boundary) { return; }
      var layer = L.geoJSON(r.boundary, { renderer: svg,
        style: { className: "map-region-shape shade-none" + (tiles ? " over-tiles" : "") } });
      layer.eachLayer(function (l) { l.on("add", function () { l.getElement().dataset.region = r.code; }); });
      layer.regionCode = r.code;
      layer.regionName = r.name;
      layer.on("click", function () { select(r.code); });
      layer.bindTooltip(r.name, { sticky: true });
      regionsLayer.addLayer(layer);
      state.regions[r.code] = layer;
    });
    var circles = L.featureGroup().addTo(map);
    var clusters = L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 45,
      showCoverageOnHover: false, iconCreateFunction: clusterIcon });
    var whole = countryLayer ? countryLayer.getBounds() : null;
    if (whole && whole.isValid()) { map.fitBounds(whole.pad(0.02)); } else { map.setView([48, 67], 4); }
    map.addLayer(clusters);  /* once the map has a view: the clusters depend on its zoom */

    function layerShade(layer, name) {
      if (layer.eachLayer) { layer.eachLayer(function (l) { setShade(l, name); }); } else { setShade(layer, name); }
    }

    function restyle() {
      Object.keys(state.regions).forEach(function (code) {
        layerShade(state.regions[code], shade(figures[code], state.mode));
      });
    }

    function describe(code) {
      var f = figures[code];
      var name = (f && f.name) || (state.regions[code] && state.regions[code].regionName) || code;
      var html = "<h3>" + text(name) + "</h3>";
      if (!f || !f.total) {
        html += "<p>" + text(WORDS.none) + "</p>";
      } else {
        html += "<p><strong>" + f.total + "</strong> " + text(WORDS.assigned) + "</p><ul class=\"figures\">" +
          "<li><span class=\"badge state-reported\">" + SYMBOLS.reported + "</span> " + text(WORDS.reported) + ": " +
          (f.reported + f.problem) + " (" + percent(f.reported_share) + ")</li>" +
          "<li><span class=\"badge state-problem\">" + SYMBOLS.problem + "</span> " + text(WORDS.problem) + ": " +
          f.problem + " (" + percent(f.problem_share) + ")</li>" +
          "<li><span class=\"badge state-overdue\">" + SYMBOLS.overdue + "</span> " + text(WORDS.overdue) + ": " + f.overdue + "</li>" +
          "<li><span class=\"badge state-planned\">" + SYMBOLS.planned + "</span> " + text(WORDS.planned) + ": " + f.planned + "</li></ul>";
      }
      var params = new URLSearchParams(window.location.search);
      params.set("region", code);
      params.delete("page");
      html += "<p><a href=\"?" + text(params.toString()) + "\">" + text(WORDS.show) + "</a></p>";
      panel.innerHTML = html;
      panel.hidden = false;
    }

    function select(code) {
      var layer = state.regions[code];
      var bounds = layer && layer.getBounds ? layer.getBounds() : null;
      var f = figures[code];
      if ((!bounds || !bounds.isValid()) && f && f.extent) {
        bounds = L.latLngBounds([f.extent[0], f.extent[1]], [f.extent[2], f.extent[3]]);
      }
      if (bounds && bounds.isValid()) { map.fitBounds(bounds.pad(0.05), { maxZoom: 11 }); }
      state.selected = code;
      element.dataset.selected = code;
      describe(code);
      if (back) { back.hidden = false; }
    }
    state.select = select;

    if (back) {
      back.addEventListener("click", function () {
        if (whole && whole.isValid()) { map.fitBounds(whole.pad(0.02)); }
        state.selected = "";
        delete element.dataset.selected;
        panel.hidden = true;
        back.hidden = true;
      });
    }

    document.querySelectorAll(".map-modes [data-mode]").forEach(function (button) {
      button.addEventListener("click", function () {
        state.mode = button.dataset.mode;
        element.classList.toggle("mode-problem", state.mode === "problem");
        document.querySelectorAll(".map-modes [data-mode]").forEach(function (b) {
          b.setAttribute("aria-pressed", String(b === button));
        });
        ["reported", "problem"].forEach(function (mode) {
          var key = document.getElementById("shades-" + mode);
          if (key) { key.hidden = mode !== state.mode; }
        });
        restyle();
        drawCircles();
      });
    });

    function drawCircles() {
      circles.clearLayers();
      Object.keys(figures).forEach(function (code) {
        var f = figures[code];
        if (state.regions[code] || !f.centre || !drawn[code]) { return; }
        var c = L.circleMarker(f.centre, { renderer: svg, radius: Math.max(18, Math.min(42, 4 * Math.sqrt(f.total))),
          className: "map-region-circle " + shade(f, state.mode) });
        c.on("click", function () { select(code); });
        c.bindTooltip(f.name, { sticky: true });
        circles.addLayer(c);
      });
      circles.bringToBack();
      if (countryLayer) { countryLayer.bringToBack(); }
    }

    function load() {
      return fetch(element.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          figures = {};
          (data.regions || []).forEach(function (r) { figures[r.code] = r; });
          restyle();
          drawCircles();
          var placed = data.features.filter(function (f) { return f.geometry; });
          var layer = L.geoJSON({ type: "FeatureCollection", features: placed }, {
            pointToLayer: marker,
            onEachFeature: function (f, l) { l.bindPopup(popup(f.properties, element.dataset.stationUrl)); }
          });
          clusters.clearLayers();
          clusters.addLayers(layer.getLayers());
          if (!whole && state.loaded === 0 && placed.length) { map.fitBounds(layer.getBounds().pad(0.1)); }
          if (state.selected) { describe(state.selected); }
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
    if (element && window.L && L.markerClusterGroup) { start(element); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
