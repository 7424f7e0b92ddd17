// Draws every chart of the page from its JSON block (no inline script: the CSP forbids it).
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll(".chart[data-figure]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-figure"));
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      figure.layout.title = null;  // the page shows the title as the figure's caption
      figure.layout.margin = Object.assign({}, figure.layout.margin, { t: 20 });
      window.Plotly.newPlot(element, figure.data, figure.layout,
        { responsive: true, displaylogo: false, locale: document.documentElement.lang });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
