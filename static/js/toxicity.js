// Enhancements for the irAE guidelines: live search, print buttons and the offline service worker.
// Every page works without this file.
(function () {
  "use strict";
  var script = document.getElementById("toxicity-js");

  // Live search: results update as the clinician types (the form still submits without JS).
  var form = document.querySelector("[data-live-search-form]");
  var results = document.getElementById("tox-results");
  if (form && results && window.fetch) {
    var input = form.querySelector("[data-live-search]");
    var timer = null;
    var latest = 0;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var params = new URLSearchParams(new FormData(form));
        var ticket = ++latest;
        var query = input.value.trim();
        if (!query) { results.innerHTML = ""; return; }
        params.set("fragment", "results");
        fetch(form.action + "?" + params.toString(), { headers: { "X-Requested-With": "fetch" } })
          .then(function (response) { return response.ok ? response.text() : ""; })
          .then(function (html) {
            if (ticket !== latest) { return; }  // an older answer arriving late
            results.innerHTML = html;
            params.delete("fragment");
            window.history.replaceState(null, "", form.action + "?" + params.toString());
          })
          .catch(function () { /* offline: the submit button still works from the cache */ });
      }, 200);
    });
  }

  // Print buttons are hidden without JS (the browser's own print works there).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // Offline: register the worker that keeps the guidelines for a clinician without signal.
  if ("serviceWorker" in navigator && script && script.dataset.swUrl) {
    navigator.serviceWorker.register(script.dataset.swUrl, { scope: script.dataset.swScope })
      .catch(function () { /* not fatal: the pages still work online */ });
  }
})();
