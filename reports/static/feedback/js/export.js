/* The report page follows the files being prepared: it asks their status address every few seconds,
   and when a file is ready puts its download link where "Check again" was and says so in the status
   line (read by screen readers). Focus on the replaced link moves to the new one. When the file could
   not be prepared, it says so in the same places and stops. Without JavaScript, "Check again" reloads
   the page, which shows the link once the file is ready, or offers to ask again if it failed. */
(function () {
  "use strict";
  var status = document.getElementById("downloads-status");
  if (!status || !window.fetch) return;
  var MAX_TRIES = 90; // three minutes; then "Check again" is left for the official to use

  function follow(box, tries) {
    fetch(box.dataset.exportStatusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.failed || state.error) {
          // Said where "Being prepared" was, and in the status line; "Check again" leads to the page,
          // which offers to ask for the file again.
          box.firstChild.textContent = state.message || state.error;
          status.textContent = state.message || state.error;
          return;
        }
        if (!state.ready) {
          if (tries < MAX_TRIES) window.setTimeout(function () { follow(box, tries + 1); }, 2000);
          return;
        }
        var link = document.createElement("a");
        link.className = "button";
        link.href = state.link;
        link.setAttribute("download", "");
        link.textContent = state.label;
        var hadFocus = box.contains(document.activeElement);
        box.replaceWith(link);
        if (hadFocus) link.focus();
        status.textContent = state.message;
      })
      .catch(function () {
        if (tries < MAX_TRIES) window.setTimeout(function () { follow(box, tries + 1); }, 5000);
      });
  }

  document.querySelectorAll("[data-export-status-url]").forEach(function (box) {
    window.setTimeout(function () { follow(box, 0); }, 1000);
  });
})();
