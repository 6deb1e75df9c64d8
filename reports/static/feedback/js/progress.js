/* The report page follows a running compile: the bar moves with each stage, and the page reloads
   once the new version is stored or the compile has failed. Without JavaScript, reloading the page
   shows the same. */
(function () {
  "use strict";
  var box = document.getElementById("compile-progress");
  if (!box || !window.fetch) return;
  var bar = document.getElementById("compile-progress-bar");
  var stage = document.getElementById("compile-progress-stage");
  var status = document.getElementById("compile-progress-status");

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.progress === null) {
          bar.removeAttribute("value"); // waiting for a worker: no progress made yet
          bar.textContent = "";
        } else {
          bar.value = state.progress;
          bar.textContent = state.progress + " %";
        }
        if (state.stage && state.stage !== stage.textContent) {
          stage.textContent = state.stage;
          status.textContent = state.stage;
        }
        if (!state.running) {
          // A new version to show, or a failure to tell (the page says what failed).
          if (state.failed || String(state.version || "") !== box.dataset.version) window.location.reload();
          return;
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
