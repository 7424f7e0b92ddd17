// Small progressive enhancements; the pages work without them. No inline scripts (CSP).
(function () {
  "use strict";
  // Hub colours come as data attributes because the CSP forbids inline styles.
  document.querySelectorAll("[data-colour]").forEach(function (element) {
    var colour = element.getAttribute("data-colour");
    if (/^#[0-9a-fA-F]{6}$/.test(colour)) { element.style.backgroundColor = colour; }
  });
  // Forms that destroy or publish something ask first.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
