// Progress bars of evaluation runs: poll each run's JSON endpoint every second, reload when done.
(function () {
  "use strict";

  function poll(element) {
    var bar = element.querySelector("progress");
    var text = element.querySelector("[data-progress-text]");
    var timer = window.setInterval(function () {
      fetch(element.dataset.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (run) {
          bar.value = run.percent;
          text.textContent = run.percent + " % — " + (run.error || run.step);
          if (run.finished) {
            window.clearInterval(timer);
            window.location.reload();
          }
        })
        .catch(function () { window.clearInterval(timer); });
    }, 1000);
  }

  document.querySelectorAll("[data-progress-url]").forEach(poll);
})();
