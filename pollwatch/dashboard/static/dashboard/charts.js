/* Charts of the analyst's pages, drawn from the JSON the page embeds (json_script). The tables
   beside each chart give the same figures in words and numbers. */
(function () {
  "use strict";
  var INK = "#1d2330", BRAND = "#1f4e8c", BAD = "#b3261e", MUTED = "#9aa3b2";

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var W = Object.assign({ interval: "95 % interval", estimate: "Estimate", official: "Official",
    share_axis: "% of valid votes", observed: "Observed", uniform: "Uniform", benford: "Benford",
    binomial: "Expected (binomial null)", stations: "Stations", turnout_axis: "turnout, %" }, data("chart-words") || {});

  // Numbers on the axes and in tooltips as the page's language writes them (52,3 in Russian).
  var LANG = document.documentElement.lang || undefined;
  if (window.Chart) { window.Chart.defaults.locale = LANG; }
  function decimal(value, digits) {
    return Number(value).toLocaleString(LANG, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }

  function quickCount() {
    var d = data("qc-data"), canvas = document.getElementById("qc-chart");
    if (!d || !canvas || !d.labels.length) { return; }
    var datasets = [
      { type: "bar", label: W.interval, data: d.interval, backgroundColor: "rgba(31,78,140,.25)",
        borderColor: BRAND, borderWidth: 1, barPercentage: 0.5, order: 3 },
      { type: "scatter", label: W.estimate, data: d.estimate.map(function (v, i) { return { x: v, y: d.labels[i] }; }),
        backgroundColor: BRAND, pointStyle: "circle", pointRadius: 5, order: 1 }
    ];
    if (d.official.some(function (v) { return v !== null; })) {
      datasets.push({ type: "scatter", label: W.official, backgroundColor: BAD, pointStyle: "triangle", pointRadius: 7, order: 2,
        data: d.official.map(function (v, i) { return v === null ? null : { x: v, y: d.labels[i] }; }).filter(Boolean) });
    }
    new Chart(canvas, {
      data: { labels: d.labels, datasets: datasets },
      options: { indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
        scales: { x: { title: { display: true, text: W.share_axis }, min: 0 }, y: { type: "category" } },
        plugins: { legend: { position: "bottom" } } }
    });
    canvas.dataset.drawn = "1";
  }

  function fingerprint() {
    var fp = data("fp-data"), canvas = document.getElementById("fingerprint");
    if (!fp || !canvas) { return; }
    var n = fp.bins, ctx = canvas.getContext("2d"), image = ctx.createImageData(n, n), max = 0, i, j;
    for (i = 0; i < n; i++) { for (j = 0; j < n; j++) { max = Math.max(max, fp.counts[i][j]); } }
    var scale = Math.log(1 + max) || 1;
    for (i = 0; i < n; i++) {          /* turnout bin: x */
      for (j = 0; j < n; j++) {        /* leader-share bin: y, drawn upwards */
        var v = fp.counts[i][j] ? Math.log(1 + fp.counts[i][j]) / scale : 0;
        var k = ((n - 1 - j) * n + i) * 4;
        image.data[k] = Math.round(255 - v * (255 - 20));
        image.data[k + 1] = Math.round(255 - v * (255 - 40));
        image.data[k + 2] = Math.round(255 - v * (255 - 100));
        image.data[k + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
    canvas.dataset.drawn = "1";
  }

  /* Observed counts as bars; the expectation as a line, and optionally a second, muted one. */
  function bars(id, labels, observed, expected, expectedLabel, other, otherLabel) {
    var canvas = document.getElementById(id);
    if (!canvas || !observed || !observed.length) { return; }
    var datasets = [
      { type: "bar", label: W.observed, data: observed, backgroundColor: BRAND },
      { type: "line", label: expectedLabel, data: expected, borderColor: BAD, pointStyle: "crossRot", pointRadius: 5, borderDash: [4, 3] }
    ];
    if (other && other.length) {
      datasets.push({ type: "line", label: otherLabel, data: other, borderColor: MUTED, pointStyle: "circle", pointRadius: 3, borderDash: [2, 2] });
    }
    new Chart(canvas, {
      data: { labels: labels, datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: "bottom" } } }
    });
    canvas.dataset.drawn = String(datasets.length);  /* how many series: read by the browser tests */
  }

  function forensics() {
    var d = data("forensics-data");
    if (!d) { return; }
    var digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    bars("last-digit", digits, d.last_digit.observed, d.last_digit.expected, W.uniform);
    bars("second-digit", digits, d.second_digit.observed, d.second_digit.expected, W.binomial,
      d.second_digit.benford, W.benford);
    var canvas = document.getElementById("turnout-hist");
    if (canvas && d.turnout.length) {
      var labels = d.turnout.map(function (_, i) { return decimal(i / 10, 1); });
      new Chart(canvas, {
        type: "line",
        data: { labels: labels, datasets: [{ label: W.stations, data: d.turnout, borderColor: INK, borderWidth: 1, pointRadius: 0 }] },
        options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } },
          scales: { x: { title: { display: true, text: W.turnout_axis }, ticks: { maxTicksLimit: 11 } }, y: { grid: { color: MUTED } } } }
      });
    }
  }

  function ready() {
    fingerprint();
    if (window.Chart) { quickCount(); forensics(); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
