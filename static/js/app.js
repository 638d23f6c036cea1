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
// Nothing typed is lost by another button of the same page. Pages whose parts are separate forms
// (a project's 整改情况 per item, the evidence forms of a 培育记录) would drop what was typed in
// the other forms when one is sent; ask first. Runs in the capture phase, before data-once.
(function () {
  function edited(form) {
    return Array.prototype.some.call(form.elements, function (el) {
      if (el.disabled || el.type === "hidden" || el.type === "submit" || el.type === "button") { return false; }
      if (el.type === "file") { return el.files && el.files.length > 0; }
      if (el.type === "checkbox" || el.type === "radio") { return el.checked !== el.defaultChecked; }
      if (el.tagName === "SELECT") {
        return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
      }
      return typeof el.value === "string" && el.value !== el.defaultValue;
    });
  }
  document.addEventListener("submit", function (event) {
    var sent = event.target;
    var others = Array.prototype.filter.call(document.querySelectorAll("form[method=post]"), function (form) {
      return form !== sent && edited(form);
    });
    if (others.length && !window.confirm("本页其他表单中还有未保存的内容（已填写的文字或已选择的文件），" +
        "继续将丢失这些内容。确定继续吗？\n\n如需保留，请点“取消”，先保存那部分内容。")) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
