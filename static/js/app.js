// Widths come from data attributes, so no inline style is needed and the CSP stays strict.
document.querySelectorAll("[data-width]").forEach(function (el) {
  var value = parseFloat(el.getAttribute("data-width"));
  if (!isNaN(value)) {
    el.style.width = Math.max(0, Math.min(100, value)) + "%";
  }
});
// Forms marked data-once disable their submit buttons on submit, so a double click sends once.
// The buttons are disabled after the browser has read the form: a disabled submitter would
// drop its own name and value from the request.
document.querySelectorAll("form[data-once]").forEach(function (form) {
  form.addEventListener("submit", function () {
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
    }, 0);
  });
});
// Buttons with data-confirm ask before they submit.
document.querySelectorAll("[data-confirm]").forEach(function (el) {
  el.addEventListener("click", function (event) {
    if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
});
// A link to a tab pane (#project-history) opens that tab, and the open tab is kept in the address
// so a reload or a shared link lands on it.
(function () {
  if (!window.bootstrap) { return; }
  var toggles = document.querySelectorAll("[data-bs-toggle=tab][data-bs-target]");
  toggles.forEach(function (toggle) {
    if (window.location.hash && toggle.getAttribute("data-bs-target") === window.location.hash) {
      window.bootstrap.Tab.getOrCreateInstance(toggle).show();
    }
    toggle.addEventListener("shown.bs.tab", function () {
      window.history.replaceState(null, "", toggle.getAttribute("data-bs-target"));
    });
  });
})();
