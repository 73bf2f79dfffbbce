// Progress bars of evaluation runs: poll each run's JSON endpoint every second, reload when done.
// Polling also sends again a run queued while the job queue was unreachable (server side), so
// it survives transient errors (a restarting server); it stops on 4xx (signed out, no access).
(function () {
  "use strict";

  var MAX_FAILURES = 60;

  function poll(element) {
    var bar = element.querySelector("progress");
    var text = element.querySelector("[data-progress-text]");
    // The row's status cell follows the bar (never "En attente" beside 70 %).
    var row = element.closest("tr");
    var status = row ? row.querySelector("[data-run-status]") : null;
    var failures = 0;
    var timer = window.setInterval(function () {
      fetch(element.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status >= 400 && response.status < 500) {
            window.clearInterval(timer);
            return null;
          }
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (run) {
          if (!run) { return; }
          failures = 0;
          bar.value = run.percent;
          text.textContent = run.percent + " % — " + (run.error || run.step);
          if (status && run.status_label) { status.textContent = run.status_label; }
          if (run.finished) {
            window.clearInterval(timer);
            window.location.reload();
          }
        })
        .catch(function () {
          failures += 1;
          if (failures >= MAX_FAILURES) { window.clearInterval(timer); }
        });
    }, 1000);
  }

  document.querySelectorAll("[data-progress-url]").forEach(poll);
})();
