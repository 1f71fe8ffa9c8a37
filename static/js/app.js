/* Progressive enhancement for every page. The pages work without it. */
(function () {
  "use strict";

  var lang = document.documentElement.lang || "fr";

  // Relative times ("il y a 3 h"): the server writes the exact date; we add the relative
  // one and keep the exact date in the title (hover and focus).
  var rtf = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(lang, { numeric: "auto" }) : null;
  var units = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];
  function relative(root) {
    if (!rtf) return;
    (root || document).querySelectorAll("time[data-relative]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when)) return;
      var seconds = (when.getTime() - Date.now()) / 1000;
      var text = rtf.format(0, "minute");
      for (var i = 0; i < units.length; i++) {
        if (Math.abs(seconds) >= units[i][1]) {
          text = rtf.format(Math.round(seconds / units[i][1]), units[i][0]);
          break;
        }
      }
      if (!el.title) el.title = el.textContent.trim();
      el.textContent = text;
    });
  }

  // Close an open <details> menu with Escape or a click elsewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary) summary.focus();
    });
  });
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });

  // Copy buttons (invitation links).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button || !navigator.clipboard) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      button.textContent = button.getAttribute("data-copied") || "✓";
    });
  });

  // Links and buttons that ask before acting.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // Send htmx requests with the CSRF token the page carries.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector('meta[name="csrf-token"]');
    if (token) event.detail.headers["X-CSRFToken"] = token.content;
  });
  document.addEventListener("htmx:afterSwap", function (event) { relative(event.target); });
  document.addEventListener("DOMContentLoaded", function () { relative(document); });
})();
