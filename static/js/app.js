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
      // form.elements also holds the buttons placed outside the form that name it (form="…").
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.tagName === "BUTTON" && el.type === "submit") { el.disabled = true; }
      });
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
// Long choice lists (a select marked data-searchable, or any with more than SEARCHABLE_MIN options)
// get a filter box above them: typing narrows the options to those containing every typed word,
// and the first match is chosen, so typing a name and submitting sends that choice. Options are
// taken out of the list rather than hidden, because phones ignore hidden options.
(function () {
  var SEARCHABLE_MIN = 20;
  var counter = 0;

  function makeSearchable(select) {
    var entries = Array.prototype.map.call(select.options, function (option) {
      return { option: option, parent: option.parentNode, text: option.text.toLowerCase() };
    });
    var blankFirst = entries.length && entries[0].option.value === "";
    var input = document.createElement("input");
    input.type = "search";
    input.className = "form-control form-control-sm mb-1 select-filter";
    input.placeholder = "输入文字筛选（共 " + (entries.length - (blankFirst ? 1 : 0)) + " 项）";
    input.autocomplete = "off";
    if (!select.id) { select.id = "searchable-select-" + (++counter); }
    input.setAttribute("aria-controls", select.id);
    // Named after the select's label; a filter form's bare select is known by its blank choice (全部…).
    var label = select.labels && select.labels.length ? select.labels[0].textContent.replace("*", "").trim()
      : (select.getAttribute("aria-label") || (blankFirst ? entries[0].option.text.trim() : ""));
    input.setAttribute("aria-label", "筛选" + label);
    input.setAttribute("data-filter-for", select.id);
    var status = document.createElement("div");
    status.className = "form-text select-filter-status";
    status.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(input, select);
    select.parentNode.insertBefore(status, select.nextSibling);

    function filter() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      entries.forEach(function (entry) {
        var keep = !words.length || (entry.option.selected && select.multiple) ||
          (entry.option.value !== "" && words.every(function (word) { return entry.text.indexOf(word) !== -1; }));
        if (entry.option.parentNode) { entry.option.parentNode.removeChild(entry.option); }
        entry.keep = keep;
      });
      entries.forEach(function (entry) {
        if (entry.keep) {
          entry.parent.appendChild(entry.option);
          if (entry.option.value !== "") { shown += 1; }
        }
      });
      if (!select.multiple && words.length && select.options.length) { select.selectedIndex = 0; }
      status.textContent = words.length ? (shown ? "匹配 " + shown + " 项" : "没有匹配的选项") : "";
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    input.addEventListener("input", filter);
    // Enter in the filter box would submit the form with whatever is chosen; it moves to the list instead.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); select.focus(); }
    });
  }

  document.querySelectorAll("select").forEach(function (select) {
    var flag = select.getAttribute("data-searchable");
    if (flag === "false") { return; }
    if (flag === null && select.options.length <= SEARCHABLE_MIN) { return; }
    makeSearchable(select);
  });
})();
// Nothing typed is lost by another button of the same page. Pages whose parts are separate forms
// (a project's 整改情况 per item, the evidence forms of a 培育记录) would drop what was typed in
// the other forms when one is sent; ask first. Runs in the capture phase, before data-once.
(function () {
  // What each field shows when the page has loaded. Comparing with defaultValue/defaultSelected
  // would count a select with no option marked selected as edited: the browser shows its first
  // option, which is not marked as default. So each field is compared with its own snapshot.
  function state(el) {
    if (el.type === "file") { return el.files && el.files.length ? "files:" + el.files.length : ""; }
    if (el.type === "checkbox" || el.type === "radio") { return String(el.checked); }
    if (el.tagName === "SELECT") {
      return Array.prototype.filter.call(el.options, function (o) { return o.selected; })
        .map(function (o) { return o.value; }).join("\n");
    }
    return typeof el.value === "string" ? el.value : "";
  }
  function counts(el) {
    // Unnamed fields (the filter box of a long list) send nothing, so nothing of theirs is lost.
    return el.name && !el.disabled && el.type !== "hidden" && el.type !== "submit" && el.type !== "button";
  }
  var loaded = new WeakMap();
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    Array.prototype.forEach.call(form.elements, function (el) { loaded.set(el, state(el)); });
  });
  function edited(form) {
    return Array.prototype.some.call(form.elements, function (el) {
      if (!counts(el)) { return false; }
      // A field added after load started empty (or unchecked).
      var initial = loaded.has(el) ? loaded.get(el) : (el.type === "checkbox" || el.type === "radio" ? "false" : "");
      return state(el) !== initial;
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
// A form shown again after a refusal keeps what was typed, its errors beside the fields; bring the first
// error into view, since the form may be far down the page (添加任务 under the task table).
(function () {
  var error = document.querySelector("form .is-invalid, form .invalid-feedback, form .alert-danger");
  if (!error) { return; }
  error.scrollIntoView({ block: "center" });
  if (error.matches("input, select, textarea")) { error.focus({ preventScroll: true }); }
})();
