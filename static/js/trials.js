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

  var controller = null;
  var timer = null;

  function queryFromForm() {
    var params = new URLSearchParams(new FormData(form));
    // Drop empty values so shared URLs stay short.
    Array.from(params.keys()).forEach(function (key) {
      if (params.getAll(key).every(function (v) { return v === ""; })) { params.delete(key); }
    });
    return params.toString();
  }

  function load(query, push) {
    if (controller) { controller.abort(); }
    controller = new AbortController();
    var url = form.getAttribute("data-fragment-url") + (query ? "?" + query + "&" : "?") + "fragment=listing";
    var activeId = document.activeElement && document.activeElement.id;
    var activeName = document.activeElement && document.activeElement.name;
    var activeValue = document.activeElement && document.activeElement.value;
    listing.classList.add("trial-listing--loading");
    listing.setAttribute("aria-busy", "true");
    fetch(url, { headers: { "X-Requested-With": "fetch" }, signal: controller.signal })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        listing.innerHTML = html;
        listing.classList.remove("trial-listing--loading");
        listing.removeAttribute("aria-busy");
        var target = page(query);
        if (push) { window.history.pushState({ trials: true }, "", target); }
        // Keep keyboard focus where it was (the control was replaced by its fresh copy).
        var again = activeId ? document.getElementById(activeId) : null;
        if (!again && activeName) {
          again = listing.querySelector('input[name="' + activeName + '"][value="' + CSS.escape(activeValue || "") + '"]');
        }
        if (again && listing.contains(again)) { again.focus(); }
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

  form.addEventListener("change", function (event) {
    if (event.target.name === "q") { return; }
    load(queryFromForm(), true);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load(queryFromForm(), true);
  });
  form.addEventListener("input", function (event) {
    if (event.target.name !== "q" && event.target.name !== "age") { return; }
    clearTimeout(timer);
    timer = setTimeout(function () { load(queryFromForm(), true); }, 400);
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
