// Long work in the background (a plan export, a large import): poll its status ([data-poll-url], JSON with
// "progress" 0..1, "ready", "failed"), move the <progress> bar, and go to [data-ready-url] when it is ready.
(function () {
  "use strict";
  var box = document.querySelector("[data-poll-url]");
  if (!box || !window.fetch) { return; }
  var statusUrl = box.getAttribute("data-poll-url");
  var readyUrl = box.getAttribute("data-ready-url");
  var attempts = 0;
  function check() {
    attempts += 1;
    window.fetch(statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        var bar = box.querySelector("progress");
        if (bar && typeof status.progress === "number") {
          bar.value = Math.round(status.progress * 100);
          bar.textContent = bar.value + " %";
        }
        if (status.ready) { window.location.assign(readyUrl); return; }
        if (status.failed) {
          var failed = box.querySelector("[data-poll-failed]");
          if (failed) { failed.hidden = false; }
          return;
        }
        if (attempts < 120) { window.setTimeout(check, 2500); }
      })
      .catch(function () { if (attempts < 120) { window.setTimeout(check, 5000); } });
  }
  window.setTimeout(check, 1500);
})();
