// The doorstroomformulier: show and hide steps and fields at once when an answer changes (the server does
// the same after "Verder" or "Opslaan", so the form also works without JavaScript), and show what
// "Opslaan" says as a pop-up. Conditions come from the declaration (data-show-if), see doorstroom/declaration.py.
(function () {
  "use strict";

  var PREFIX = "a-";

  function filled(value) {
    if (value === null || value === undefined) return false;
    if (Array.isArray(value)) return value.length > 0;
    return String(value).trim() !== "";
  }

  function holds(condition, values) {
    if (condition.any) return condition.any.some(function (c) { return holds(c, values); });
    var current = values[condition.field];
    if ("filled" in condition) return filled(current) === condition.filled;
    if ("equals" in condition) return current === condition.equals;
    if ("in" in condition) return condition["in"].indexOf(current) !== -1;
    if ("contains" in condition) return Array.isArray(current) && current.indexOf(condition.contains) !== -1;
    return true;
  }

  // The answers on screen, by field key, over the saved ones of the other steps.
  function currentValues(form, saved) {
    var values = Object.assign({}, saved);
    var seen = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name.indexOf(PREFIX) !== 0 || el.type === "file") return;
      var key = el.name.slice(PREFIX.length);
      if (key.indexOf("-") !== -1) return; // a column of repeatable rows
      if (el.type === "checkbox") {
        if (!seen[key]) { values[key] = []; seen[key] = true; }
        if (el.checked) values[key].push(el.value);
      } else if (el.type === "radio") {
        if (!seen[key]) { values[key] = null; seen[key] = true; }
        if (el.checked) values[key] = el.value;
      } else {
        values[key] = el.value === "" ? null : el.value;
      }
    });
    return values;
  }

  // Top to bottom, like the server: a hidden field counts as empty for what comes after it.
  function apply(form, saved) {
    var values = currentValues(form, saved);
    form.querySelectorAll(".doorstroom-item[data-field]").forEach(function (item) {
      var condition = item.dataset.showIf ? JSON.parse(item.dataset.showIf) : null;
      var shown = !condition || holds(condition, values);
      item.hidden = !shown;
      if (!shown) values[item.dataset.field] = null;
    });
    var steps = form.querySelectorAll(".doorstroom-steps li[data-step]");
    steps.forEach(function (li) {
      if (!li.dataset.showIf) return;
      li.hidden = !holds(JSON.parse(li.dataset.showIf), values);
    });
    var visible = Array.prototype.filter.call(steps, function (li) { return !li.hidden; });
    var count = form.closest("main").querySelector("[data-step-count]");
    var number = form.closest("main").querySelector("[data-step-number]");
    if (count) count.textContent = visible.length;
    if (number) {
      var index = visible.findIndex(function (li) { return li.querySelector("[aria-current]"); });
      if (index !== -1) number.textContent = index + 1;
    }
  }

  // In a multiple choice "Geen …" (value "geen") stands alone: ticking it clears the others, and ticking
  // another clears it (the server refuses both together, with a reason).
  function noneStandsAlone(box) {
    if (box.type !== "checkbox" || !box.checked || !box.name || box.name.indexOf(PREFIX) !== 0) return;
    var group = box.form.querySelectorAll('input[type="checkbox"][name="' + box.name + '"]');
    var hasNone = Array.prototype.some.call(group, function (other) { return other.value === "geen"; });
    if (!hasNone) return;
    group.forEach(function (other) {
      if (other !== box && (box.value === "geen" || other.value === "geen")) other.checked = false;
    });
  }

  function showResult() {
    var box = document.querySelector("[data-doorstroom-result]");
    var modalEl = document.getElementById("voroc-modal");
    if (!box || !modalEl || typeof bootstrap === "undefined") return;
    box.querySelectorAll("[data-doorstroom-dismiss]").forEach(function (button) {
      button.hidden = false;
      button.setAttribute("data-bs-dismiss", "modal");
    });
    var content = document.getElementById("voroc-modal-content");
    content.innerHTML = "";
    var body = document.createElement("div");
    body.className = "modal-body";
    body.appendChild(box); // moved, not copied: its buttons keep working
    content.appendChild(body);
    var title = box.querySelector("h2");
    if (title) title.id = "voroc-modal-title";
    bootstrap.Modal.getOrCreateInstance(modalEl).show();
    // Closing it leaves the page as it was (voroc.js empties the pop-up).
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("doorstroom-form");
    if (form) {
      var saved = {};
      try { saved = JSON.parse(form.dataset.values || "{}"); } catch (e) { saved = {}; }
      apply(form, saved);
      form.addEventListener("change", function (event) {
        noneStandsAlone(event.target);
        apply(form, saved);
      });
      form.addEventListener("input", function (event) {
        if (event.target.tagName !== "TEXTAREA") apply(form, saved);
      });
    }
    showResult();
  });
})();
