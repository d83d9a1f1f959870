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

  // "% ingevuld" follows the typing: the required answers shown on this step that hold something, counted as the
  // server counts them when it saves (and counts again then). The total moves by what this step gained or lost.
  function answered(el) {
    if (el.dataset.requiredAnswer) return el.dataset.requiredAnswer === "1"; // an attachment: uploaded or not
    return Array.prototype.some.call(el.querySelectorAll("input, textarea, select"), function (input) {
      if (["hidden", "submit", "button", "file", "image", "reset"].indexOf(input.type) !== -1) return false;
      if (input.type === "radio" || input.type === "checkbox") return input.checked;
      return input.value.trim() !== "";
    });
  }

  function stepCount(form) {
    var count = { required: 0, filled: 0 };
    form.querySelectorAll("[data-required-answer]").forEach(function (el) {
      if (el.closest("[hidden]")) return;
      count.required += 1;
      if (answered(el)) count.filled += 1;
    });
    return count;
  }

  function percent(filled, required) {
    return required ? Math.floor((100 * filled) / required) : 100;
  }

  function liveProgress(form) {
    var badge = document.querySelector("[data-step-percent]");
    if (!badge) return function () {};
    var atLoad = stepCount(form);
    var total = document.querySelector("[data-total-percent]");
    var bar = document.querySelector("[data-total-bar]");
    var inNav = document.querySelector("[data-current-step-percent]");
    return function () {
      var now = stepCount(form);
      if (!now.required) return;
      var step = percent(now.filled, now.required);
      badge.textContent = badge.dataset.text.replace("{n}", step);
      badge.classList.toggle("doorstroom-pct-done", now.filled === now.required);
      if (inNav) inNav.textContent = step + "%";
      if (total) {
        var filled = parseInt(total.dataset.filled, 10) - atLoad.filled + now.filled;
        var required = parseInt(total.dataset.required, 10) - atLoad.required + now.required;
        var all = percent(filled, required);
        total.textContent = total.dataset.text.replace("{n}", all);
        if (bar) {
          bar.setAttribute("aria-valuenow", all);
          bar.firstElementChild.style.width = all + "%";
        }
      }
    };
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

  // "Stage toevoegen" or "Verwijder" reloads the page: come back to the same place, not the top (on a phone the new
  // row would be out of sight).
  function keepPlaceOnRowButtons(form) {
    var key = "voroc-scroll:" + window.location.pathname;
    var kept = window.sessionStorage.getItem(key);
    if (kept !== null) {
      window.sessionStorage.removeItem(key);
      window.scrollTo(0, parseInt(kept, 10) || 0);
    }
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (button && /^rij(-weg)?:/.test(button.value || "")) window.sessionStorage.setItem(key, String(window.scrollY));
    });
  }

  // A date the browser cannot read (31-02-2011) would be sent as empty, and the date saved before would go without a
  // word: send "?" instead, which the server refuses with its reason, keeping the saved date.
  function markUnreadableDates(form) {
    form.querySelectorAll('input[type="date"]').forEach(function (input) {
      if (input.disabled || !input.validity || !input.validity.badInput) return;
      var marker = document.createElement("input");
      marker.type = "hidden";
      marker.name = input.name;
      marker.value = "?";
      input.disabled = true;
      form.appendChild(marker);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("doorstroom-form");
    if (form) {
      var saved = {};
      try { saved = JSON.parse(form.dataset.values || "{}"); } catch (e) { saved = {}; }
      apply(form, saved);
      var updateProgress = liveProgress(form);
      form.addEventListener("change", function (event) {
        noneStandsAlone(event.target);
        apply(form, saved);
        updateProgress();
      });
      form.addEventListener("input", function (event) {
        if (event.target.tagName !== "TEXTAREA") apply(form, saved);
        updateProgress();
      });
      keepPlaceOnRowButtons(form);
      form.addEventListener("submit", function () { markUnreadableDates(form); });
    }
    showResult();
  });
})();
