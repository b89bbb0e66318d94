// Trial registry enhancements: the list updates as filters change (fetching the listing fragment and
// swapping it in, with the URL kept in step so it can be shared and Back works); a print button on the
// trial page. Without this file the filter form submits normally and every link works.
(function () {
  "use strict";

  document.querySelectorAll(".js-print").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  var form = document.getElementById("trial-filters");
  var listing = document.getElementById("trial-listing");
  if (!form || !listing || !window.fetch || !window.history.pushState) { return; }

  // On a phone the filters fold away behind one button, so the first result is on the first screen.
  var toggle = form.querySelector(".trial-filters__toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var open = form.classList.toggle("trial-filters--open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  var controller = null;
  var timer = null;
  // Replacing the listing removes the focused control (the age field); the browser may then fire
  // "change" on it while the radios are already gone, which used to send a second request without
  // the chosen status ("Any status" jumped back to "Open"). Events during a swap are ignored, and a
  // query that is already shown (or on its way) is never loaded again.
  var swapping = false;
  var lastQuery = null;

  function queryFromForm() {
    var params = new URLSearchParams(new FormData(form));
    // Drop empty values so shared URLs stay short.
    Array.from(params.keys()).forEach(function (key) {
      if (params.getAll(key).every(function (v) { return v === ""; })) { params.delete(key); }
    });
    return params.toString();
  }

  function load(query, push) {
    if (query === lastQuery) { return; }
    lastQuery = query;
    if (controller) { controller.abort(); }
    controller = new AbortController();
    var url = form.getAttribute("data-fragment-url") + (query ? "?" + query + "&" : "?") + "fragment=listing";
    listing.classList.add("trial-listing--loading");
    listing.setAttribute("aria-busy", "true");
    fetch(url, { headers: { "X-Requested-With": "fetch" }, signal: controller.signal })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var active = document.activeElement;
        var activeId = active && listing.contains(active) ? active.id : "";
        var activeName = active && active.name;
        var activeValue = active && active.value;
        swapping = true;
        try { listing.innerHTML = html; } finally { swapping = false; }
        listing.classList.remove("trial-listing--loading");
        listing.removeAttribute("aria-busy");
        if (push) { window.history.pushState({ trials: true }, "", page(query)); }
        // The alert form subscribes to what is shown.
        var alertQuery = document.getElementById("alert-query");
        if (alertQuery) { alertQuery.value = query; }
        // Keep keyboard focus where it was (the control was replaced by its fresh copy), and what was
        // typed into it while the request was under way.
        var again = activeId ? document.getElementById(activeId) : null;
        if (!again && activeName && active.type !== "search") {
          again = listing.querySelector('input[name="' + activeName + '"][value="' + CSS.escape(activeValue || "") + '"]');
        }
        if (again && listing.contains(again)) {
          if (again.type === "number" && again.value !== activeValue) {
            again.value = activeValue;
            schedule();
          }
          again.focus();
        }
      })
      .catch(function (error) {
        if (error.name === "AbortError") { return; }
        // On any failure fall back to a normal page load.
        window.location.href = page(query);
      });
  }

  function page(query) {
    return form.getAttribute("action") + (query ? "?" + query : "");
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(function () { load(queryFromForm(), true); }, 400);
  }

  lastQuery = queryFromForm();
  form.addEventListener("change", function (event) {
    if (swapping || event.target.name === "q") { return; }
    if (event.target.name === "age") { schedule(); return; }
    load(queryFromForm(), true);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    load(queryFromForm(), true);
  });
  form.addEventListener("input", function (event) {
    if (swapping || (event.target.name !== "q" && event.target.name !== "age")) { return; }
    schedule();
  });
  listing.addEventListener("click", function (event) {
    var link = event.target.closest(".pagination a");
    if (!link) { return; }
    event.preventDefault();
    load(link.getAttribute("href").replace(/^\?/, ""), true);
    document.getElementById("results-heading").scrollIntoView();
  });
  window.addEventListener("popstate", function () {
    // Back/forward: the URL holds the state; reload so the form and the list agree.
    window.location.reload();
  });
})();
