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
})();
