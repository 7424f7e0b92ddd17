// Draws every chart of the page from its JSON block (no inline script: the CSP forbids it).
// The figures come from tracker/charts/catalogue.py; here only what depends on the screen:
// on a narrow screen (a phone) the legend goes below the chart and axes get fewer ticks.
(function () {
  "use strict";
  var NARROW = 600;  // px of the chart's width
  var LABEL_PX = 7;  // about one character of a tick label

  function copy(value) { return JSON.parse(JSON.stringify(value)); }

  function longestLine(labels) {
    var longest = 0;
    (labels || []).forEach(function (text) {
      String(text).split("<br>").forEach(function (line) { longest = Math.max(longest, line.length); });
    });
    return longest;
  }

  // The layout for a chart `width` px wide: the figure's own, adapted for narrow screens.
  function layoutFor(figure, width) {
    var layout = copy(figure.layout);
    var narrow = width < NARROW;
    if (narrow) {
      layout.legend = Object.assign({}, layout.legend,
        { orientation: "h", yref: "container", y: 0, yanchor: "bottom", x: 0, xanchor: "left" });
      layout.margin = Object.assign({}, layout.margin, { l: 4, r: 8 });
      // The legend below takes height from the plot: give it back (about two entries a row).
      var entries = figure.data.filter(function (trace) { return trace.showlegend !== false; }).length;
      if (layout.showlegend !== false && entries > 1) {
        layout.height = (layout.height || 360) + 22 * Math.ceil(entries / Math.max(1, Math.floor(width / 170))) + 16;
      }
    }
    // Room for the plot: the chart less the category labels on the left and the legend on the right.
    var yLabels = layout.yaxis && layout.yaxis.type === "category" ? layout.yaxis.categoryarray : null;
    var left = yLabels ? longestLine(yLabels) * LABEL_PX + 24 : 60;
    var plotWidth = Math.max(100, width - left - (narrow ? 24 : 190));
    ["xaxis", "yaxis"].forEach(function (name) {
      var axis = layout[name];
      if (!axis) { return; }
      var horizontal = name === "xaxis";
      if (horizontal && axis.type === "category") {
        // Vertical bars: show every n-th category so that the labels never touch.
        var labels = axis.categoryarray || [];
        var room = Math.max(1, Math.floor(plotWidth / (longestLine(labels) * LABEL_PX + 16)));
        axis.nticks = Math.min(labels.length, room);
        if (labels.length > room) { axis.tickmode = "auto"; }
      } else if (horizontal && axis.tickvals) {
        var keep = Math.max(2, Math.floor(plotWidth / (longestLine(axis.ticktext) * LABEL_PX + 20)));
        var step = Math.ceil(axis.tickvals.length / keep);
        axis.tickvals = axis.tickvals.filter(function (_v, i) { return i % step === 0; });
        axis.ticktext = axis.ticktext.filter(function (_v, i) { return i % step === 0; });
      } else if (horizontal && axis.dtick && axis.range) {
        // Fixed steps (counts, percent): double the step while the labels would not fit.
        var top = axis.range[1];
        var labelPx = (String(Math.round(top)).length + (axis.ticksuffix || "").length + 1) * LABEL_PX + 14;
        while ((top / axis.dtick + 1) * labelPx > plotWidth && axis.dtick < top) { axis.dtick *= 2; }
      } else if (horizontal && axis.nticks) {
        axis.nticks = Math.max(2, Math.min(axis.nticks, Math.floor(plotWidth / 60)));
      }
    });
    return layout;
  }

  // Point labels too long for a phone (the prioritisation matrix) become the numbers of the table.
  function dataFor(figure, narrow) {
    var labels = (figure.layout.meta || {}).shortLabels;
    if (!narrow || !labels) { return figure.data; }
    return figure.data.map(function (trace, index) {
      return index === 0 ? Object.assign({}, trace, { text: labels, textposition: "top center" }) : trace;
    });
  }

  function draw(element, figure) {
    var width = element.clientWidth || window.innerWidth;
    var narrow = width < NARROW;
    element.dataset.narrow = narrow ? "1" : "0";
    var key = element.getAttribute("data-figure");
    return window.Plotly.react(element, dataFor(figure, narrow), layoutFor(figure, width), {
      responsive: true, displaylogo: false, locale: document.documentElement.lang,
      displayModeBar: narrow ? false : "hover", scrollZoom: false
    }).then(function () {
      // The promise settles once plotly_afterplot has fired: the chart is on the screen.
      if (!element.dataset.drawn) {
        element.dataset.drawn = "1";
        if (window.performance && performance.mark) { performance.mark("chart-drawn:" + key); }
      }
    });
  }

  function drawAll() {
    if (!window.Plotly) { return; }
    if (window.performance && performance.mark) { performance.mark("charts-start"); }
    var charts = [];
    document.querySelectorAll(".chart[data-figure]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-figure"));
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      charts.push([element, figure]);
      draw(element, figure);
    });
    // Crossing the phone width changes legend and ticks; plotly's own resize keeps the rest.
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        charts.forEach(function (pair) {
          var narrow = (pair[0].clientWidth || window.innerWidth) < NARROW;
          if ((pair[0].dataset.narrow === "1") !== narrow) { draw(pair[0], pair[1]); }
        });
      }, 150);
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", drawAll); } else { drawAll(); }
})();
