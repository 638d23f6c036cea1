// Running total of a score sheet while typing. Every input marked data-score carries its maximum
// (data-max) and weight (data-weight); the total is Σ score × weight, shown in [data-total], and on
// the 100-point scale in [data-percent] (full marks from its data-full). No inline script: strict CSP.
(function () {
  "use strict";

  function parse(text) {
    var cleaned = String(text || "").trim().replace("，", ".").replace("．", ".");
    if (cleaned === "") { return { empty: true }; }
    if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) { return { invalid: true }; }
    return { value: parseFloat(cleaned) };
  }

  function format(number) {
    return (Math.round(number * 100) / 100).toFixed(2).replace(/\.?0+$/, "");
  }

  document.querySelectorAll("[data-scoresheet]").forEach(function (table) {
    var inputs = table.querySelectorAll("input[data-score]");
    var totalEl = table.querySelector("[data-total]");
    var percentEl = table.querySelector("[data-percent]");
    var warningEl = table.querySelector("[data-total-warning]");
    var full = percentEl ? parseFloat(percentEl.getAttribute("data-full")) : 0;

    function update() {
      var total = 0, problems = 0, blanks = 0;
      inputs.forEach(function (input) {
        var max = parseFloat(input.getAttribute("data-max"));
        var weight = parseFloat(input.getAttribute("data-weight") || "1");
        var parsed = parse(input.value);
        var bad = parsed.invalid || (!parsed.empty && (parsed.value < 0 || parsed.value > max));
        input.classList.toggle("is-invalid", !!bad);
        if (parsed.empty) { blanks += 1; return; }
        if (bad) { problems += 1; return; }
        total += parsed.value * weight;
      });
      if (totalEl) { totalEl.textContent = format(total); }
      if (percentEl && full > 0) { percentEl.textContent = format(total * 100 / full); }
      if (warningEl) {
        var notes = [];
        if (problems) { notes.push(problems + " 项分数超出范围或不是数字，未计入"); }
        if (blanks) { notes.push(blanks + " 项未填写"); }
        warningEl.textContent = notes.join("；");
      }
    }

    inputs.forEach(function (input) { input.addEventListener("input", update); });
    update();
  });

  // The form's buttons say what to do (name="action": save or submit). A form marked data-once
  // disables its buttons while submitting, and a disabled button is left out of the posted data, so
  // the clicked button's choice is copied into a hidden field that is always posted.
  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector("[data-scoresheet]")) { return; }
    form.querySelectorAll("button[type=submit][name]").forEach(function (button) {
      button.addEventListener("click", function () {
        var field = form.querySelector("input[type=hidden][data-chosen-action]");
        if (!field) {
          field = document.createElement("input");
          field.type = "hidden";
          field.setAttribute("data-chosen-action", "");
          form.appendChild(field);
        }
        field.name = button.name;
        field.value = button.value;
      });
    });
  });
})();
