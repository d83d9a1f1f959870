// VOROC front-end glue: pop-ups loaded with htmx, toasts after saving, the language menu.
// No inline scripts anywhere, so a strict Content-Security-Policy can forbid them.
(function () {
  "use strict";

  function modal() {
    return bootstrap.Modal.getOrCreateInstance(document.getElementById("voroc-modal"));
  }

  // Where the cursor goes in a pop-up: the first field to correct, else the first required one still empty (after
  // "Ga verder" the next field to fill, not the BSN just given), else the first field. Not when the user is already in a field of
  // the pop-up: typing that started is never moved elsewhere.
  function fieldToFill(root) {
    var invalid = root.querySelector(".is-invalid");
    if (invalid) return invalid;
    var fields = root.querySelectorAll(
      "input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([disabled]):not([readonly]), " +
      "select:not([disabled]), textarea:not([disabled]):not([readonly])");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].required && !fields[i].value) return fields[i];
    }
    return fields[0] || root.querySelector("input:not([type=hidden]), select");
  }

  function toast(text, kind) {
    var box = document.getElementById("voroc-toasts");
    if (!box || !text) return;
    var el = document.createElement("div");
    el.className = "toast align-items-center border-0 " + (kind === "error" ? "text-bg-danger" : "text-bg-success");
    el.setAttribute("role", "status");
    var inner = document.createElement("div");
    inner.className = "d-flex";
    var body = document.createElement("div");
    body.className = "toast-body";
    body.textContent = text;
    inner.appendChild(body);
    el.appendChild(inner);
    box.appendChild(el);
    bootstrap.Toast.getOrCreateInstance(el, { delay: 5000 }).show();
  }

  // A text with a limit (a textarea with maxlength, on any page or pop-up): near the limit it says how much room
  // is used, and text pasted beyond it (which the browser cuts off without a word) is said at once. The wording
  // comes from the page (data-text-count and data-text-cut on the form or, for every page, on <body>).
  function counters(root) {
    root.querySelectorAll("textarea[maxlength]:not([data-voroc-counted])").forEach(function (area) {
      var max = parseInt(area.getAttribute("maxlength"), 10);
      if (!max) return;
      area.setAttribute("data-voroc-counted", "");
      var wording = area.closest("[data-text-count]");
      var countText = (wording && wording.dataset.textCount) || "{n} / {max}";
      var cutText = (wording && wording.dataset.textCut) || "";
      var note = document.createElement("div");
      note.className = "form-text voroc-count";
      note.setAttribute("aria-live", "polite");
      note.setAttribute("data-testid", "count-" + area.name);
      area.insertAdjacentElement("afterend", note);
      var cut = false;
      function update() {
        var used = area.value.length;
        var text = used >= 0.8 * max ? countText.replace("{n}", used).replace("{max}", max) : "";
        if (cut) text = (text ? text + ". " : "") + cutText;
        note.textContent = text;
        note.hidden = text === "";
        note.classList.toggle("text-danger", cut || used >= max);
      }
      area.addEventListener("paste", function (event) {
        var pasted = event.clipboardData ? event.clipboardData.getData("text") : "";
        var selected = (area.selectionEnd || 0) - (area.selectionStart || 0);
        cut = pasted.length > max - (area.value.length - selected);
        window.setTimeout(update, 0);
      });
      area.addEventListener("input", function () {
        if (area.value.length < max) cut = false;
        update();
      });
      update();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var modalEl = document.getElementById("voroc-modal");
    counters(document);

    // A link with data-voroc-modal opens its own page (href) in the pop-up; without JavaScript, or opened in a new
    // tab or window (Ctrl, Shift, Cmd or the middle button), it is a normal link. One attribute per link: a list
    // of hundreds of pupils does not repeat each address for htmx.
    document.body.addEventListener("click", function (event) {
      var link = event.target.closest("[data-voroc-modal]");
      if (link && !(event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || event.button !== 0)) {
        event.preventDefault();
        htmx.ajax("GET", link.getAttribute("href"), { source: link, target: "#voroc-modal-content" });
      }
      // The pupil's e-mail address mails the doorstroomformulier, as the handleiding says, where that button is
      // offered; otherwise it stays an ordinary mailto link.
      var address = event.target.closest("[data-voroc-mail-form]");
      var mailForm = address && document.querySelector("[data-voroc-form-mail]");
      if (mailForm) {
        event.preventDefault();
        mailForm.click();
      }
    });
    var mailButton = document.querySelector("[data-voroc-form-mail]");
    document.querySelectorAll("[data-voroc-mail-form]").forEach(function (address) {
      if (mailButton) address.title = mailButton.textContent.trim();
    });

    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target && event.detail.target.id === "voroc-modal-content") modal().show();
    });
    // Focus after settling: htmx puts the new attributes (is-invalid) in place only then.
    document.body.addEventListener("htmx:afterSettle", function (event) {
      if (event.detail.target) counters(event.detail.target);
      if (event.detail.target && event.detail.target.id === "voroc-modal-content") {
        var first = fieldToFill(event.detail.target);
        if (first && !event.detail.target.contains(document.activeElement)) first.focus();
      }
    });

    // The server closes the pop-up after a successful save and says what happened.
    document.body.addEventListener("voroc:closeModal", function (event) {
      modal().hide();
      toast(event.detail && event.detail.message);
    });

    // A request that fails (server error, lost connection) says so instead of doing nothing.
    document.body.addEventListener("htmx:responseError", function (event) {
      var status = event.detail.xhr ? event.detail.xhr.status : 0;
      toast(status === 403 ? modalEl.dataset.msgForbidden : modalEl.dataset.msgError, "error");
    });
    document.body.addEventListener("htmx:sendError", function () { toast(modalEl.dataset.msgOffline, "error"); });

    // The button or link that opened the pop-up gets the focus back when it closes (or, when the page around it
    // was refreshed, the link to the same address), so a keyboard user goes on where they were.
    var opener = null;
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      if (event.detail.target && event.detail.target.id === "voroc-modal-content" &&
          !(modalEl && modalEl.contains(event.detail.elt))) {
        opener = event.detail.elt;
      }
    });

    // Closing the pop-up (X or Annuleer) discards what was typed: the next opening loads the saved data.
    if (modalEl) {
      modalEl.addEventListener("shown.bs.modal", function () {
        var first = fieldToFill(modalEl);
        if (first && !document.getElementById("voroc-modal-content").contains(document.activeElement)) first.focus();
      });
      modalEl.addEventListener("hidden.bs.modal", function () {
        document.getElementById("voroc-modal-content").innerHTML = "";
        var back = opener;
        if (back && !document.body.contains(back)) {
          var address = back.getAttribute("hx-get") || back.getAttribute("href");
          back = address ? document.querySelector('[hx-get="' + address + '"], [href="' + address + '"]') : null;
        }
        if (back) back.focus();
        opener = null;
      });
    }

    // A form with data-voroc-dirty-warning asks before the page is left with unsaved ticks.
    document.querySelectorAll("form[data-voroc-dirty-warning]").forEach(function (form) {
      var dirty = false;
      form.addEventListener("change", function () { dirty = true; });
      form.addEventListener("submit", function () { dirty = false; });
      window.addEventListener("beforeunload", function (event) {
        if (dirty) { event.preventDefault(); event.returnValue = ""; }
      });
    });

    // "Alles op behaald": tick one choice in every row of a pop-up's table.
    document.body.addEventListener("click", function (event) {
      var button = event.target.closest("[data-voroc-check-all]");
      if (!button) return;
      button.closest("form").querySelectorAll('[data-voroc-choice="' + button.dataset.vorocCheckAll + '"]')
        .forEach(function (input) { input.checked = true; });
    });

    document.querySelectorAll("[data-voroc-print]").forEach(function (el) {
      el.addEventListener("click", function () { window.print(); });
    });

    document.querySelectorAll("[data-voroc-autosubmit]").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
  });
})();
