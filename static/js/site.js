// Progressive enhancements for every page. The site works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  // The language switcher submits as soon as a language is chosen (the button stays for no-JS users).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
