// Roll call: every choice saves at once (fetch POST with the CSRF token); a name filter; Enter moves on.
// Without this script the page is a normal form with one submit button.
(function () {
  "use strict";
  var form = document.querySelector("form[data-roll-call]");
  if (!form) { return; }
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var token = tokenMeta ? tokenMeta.getAttribute("content") : "";
  var baseUrl = form.getAttribute("data-status-url").replace(/0$/, "");
  var savedText = form.getAttribute("data-saved-text");
  var errorText = form.getAttribute("data-error-text");
  var rows = Array.prototype.slice.call(form.querySelectorAll("[data-attendance]"));
  var timers = {};

  function updateCounts(data) {
    Object.keys(data.counts || {}).forEach(function (status) {
      var element = document.querySelector('[data-count="' + status + '"]');
      if (element) { element.textContent = data.counts[status]; }
    });
    var recorded = document.querySelector("[data-recorded]");
    if (recorded && typeof data.recorded === "number") { recorded.textContent = data.recorded; }
    var hours = document.querySelector("[data-working-hours]");
    if (hours && typeof data.working_hours === "number") {
      hours.textContent = data.working_hours.toLocaleString(document.documentElement.lang, { maximumFractionDigits: 1 });
    }
  }

  function setState(row, state, text) {
    row.classList.remove("is-saving", "is-saved", "is-error");
    if (state) { row.classList.add(state); }
    var live = row.querySelector(".roll-call__state");
    if (live) { live.textContent = text || ""; }
  }

  function save(row, status) {
    var id = row.getAttribute("data-attendance");
    setState(row, "is-saving", "");
    fetch(baseUrl + id, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ status: status })
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      setState(row, "is-saved", savedText);
      updateCounts(data);
    }).catch(function () {
      setState(row, "is-error", errorText);
    });
  }

  // Arrow keys move through a radio group and fire "change" on each step: save the last one only.
  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.type !== "radio") { return; }
    var row = input.closest("[data-attendance]");
    var id = row.getAttribute("data-attendance");
    window.clearTimeout(timers[id]);
    timers[id] = window.setTimeout(function () { save(row, input.value); }, 250);
  });

  function visibleRows() {
    return rows.filter(function (row) { return !row.hidden; });
  }

  // The next person's own choice if taken in the room already, else "attended": Space or Enter marks them.
  function focusRow(row) {
    if (!row) { return; }
    var checked = row.querySelector("input:checked");
    var inRoom = checked && !checked.closest(".choice--minor");
    var target = inRoom ? checked : row.querySelector("input");
    target.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  // Enter on a choice selects it (saving at once) and moves to the next person instead of submitting.
  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || input.type !== "radio") { return; }
    event.preventDefault();
    if (!input.checked) {
      input.checked = true;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    var list = visibleRows();
    focusRow(list[list.indexOf(input.closest("[data-attendance]")) + 1]);
  });

  var filterBox = document.querySelector("[data-js-only]");
  var filter = document.getElementById("roll-call-filter");
  var noMatch = form.querySelector("[data-no-match]");
  if (filterBox && filter) {
    filterBox.hidden = false;
    filter.addEventListener("input", function () {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var name = row.getAttribute("data-name");
        var match = words.every(function (word) { return name.indexOf(word) !== -1; });
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      if (noMatch) { noMatch.hidden = shown > 0; }
    });
    // Enter in the filter jumps to the first person found.
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        focusRow(visibleRows()[0]);
      }
    });
  }
})();
