// Small behaviours that CSP-safe markup cannot express by itself (no inline scripts allowed).
(function () {
  "use strict";

  function onChange(event) {
    var el = event.target;
    if (el.classList.contains("js-autosubmit") && el.form) {
      el.form.requestSubmit();
    }
    if (el.id === "select-page") {
      document.querySelectorAll(".row-check").forEach(function (box) { box.checked = el.checked; });
      updateSelection();
    }
    if (el.classList.contains("row-check")) {
      updateSelection();
    }
  }

  // Keeps the selection bar in step with the ticked rows; "select all N matching" sets mode=filter.
  function updateSelection() {
    var bar = document.getElementById("selection-bar");
    if (!bar) { return; }
    var ticked = document.querySelectorAll(".row-check:checked").length;
    var all = document.querySelectorAll(".row-check").length;
    var pageBox = document.getElementById("select-page");
    if (pageBox) { pageBox.checked = all > 0 && ticked === all; }
    var mode = document.getElementById("selection-mode");
    if (mode && ticked < all) { mode.value = "ids"; }
    bar.classList.toggle("d-none", ticked === 0);
    var counter = document.getElementById("selection-count");
    if (counter) { counter.textContent = String(ticked); }
    var matching = document.getElementById("select-matching");
    if (matching) { matching.classList.toggle("d-none", !(all > 0 && ticked === all)); }
    var chosen = document.getElementById("selection-all-chosen");
    if (chosen) { chosen.classList.toggle("d-none", !(mode && mode.value === "filter")); }
  }

  function onClick(event) {
    var el = event.target.closest("[data-select-matching]");
    if (el) {
      event.preventDefault();
      var mode = document.getElementById("selection-mode");
      if (mode) { mode.value = "filter"; }
      updateSelection();
    }
  }

  // A row's confirmation dialog (e.g. "Delete" = move to the archive) is loaded by htmx into
  // #modal-slot and shown as a Bootstrap modal; without JavaScript the link opens it as a page.
  function showDialog(event) {
    var slot = event.detail && event.detail.target;
    if (!slot || slot.id !== "modal-slot" || !window.bootstrap) { return; }
    var modal = slot.querySelector(".modal");
    if (modal) { window.bootstrap.Modal.getOrCreateInstance(modal).show(); }
  }

  // The list loads its count once (#match-count); the "select all N matching" link shows a copy.
  function copyCount(event) {
    var source = event.detail && event.detail.target;
    if (!source || !source.id) { return; }
    document.querySelectorAll('[data-count-of="' + source.id + '"]').forEach(function (copy) {
      copy.textContent = source.textContent;
    });
  }

  // The bell (jobs/bell.html) brings a toast for each background job that ended since the last look.
  function showJobToasts() {
    if (!window.bootstrap) { return; }
    document.querySelectorAll(".js-job-toast:not(.kt-shown)").forEach(function (el) {
      el.classList.add("kt-shown");
      window.bootstrap.Toast.getOrCreateInstance(el, { autohide: false }).show();
    });
  }

  // A dialog's form saved (the server sent the `kt-dialog-done` event with the refreshed list): close it.
  function closeDialog() {
    var modal = document.querySelector("#modal-slot .modal");
    if (modal && window.bootstrap) { window.bootstrap.Modal.getOrCreateInstance(modal).hide(); }
  }

  document.addEventListener("kt-dialog-done", closeDialog);
  document.addEventListener("htmx:afterSettle", showJobToasts);

  // A row's "Options" (data-row-menu): the page has one menu (#row-menu); a copy with this row's
  // links is put next to the button before Bootstrap's own click handler opens it.
  function prepareRowMenu(event) {
    var button = event.target.closest("[data-row-menu]");
    if (!button || !window.bootstrap) { return; }
    var next = button.nextElementSibling;
    if (next && next.classList.contains("dropdown-menu")) { return; }  // open already: let it close
    var shared = document.getElementById(button.getAttribute("data-row-menu"));
    if (!shared) { return; }
    var menu = shared.cloneNode(true);
    menu.removeAttribute("id");
    var mark = shared.getAttribute("data-id-mark");
    menu.querySelectorAll("[data-href]").forEach(function (link) {
      link.setAttribute("href", link.getAttribute("data-href").replace(mark, button.getAttribute("data-row-id")));
    });
    var stale = window.bootstrap.Dropdown.getInstance(button);
    if (stale) { stale.dispose(); }
    button.after(menu);
  }

  // On window, capturing: Bootstrap's own handler captures on document, which comes after.
  window.addEventListener("click", prepareRowMenu, true);
  document.addEventListener("htmx:afterSwap", showDialog);
  document.addEventListener("htmx:afterSwap", copyCount);
  document.addEventListener("change", onChange);
  document.addEventListener("click", onClick);
  document.addEventListener("htmx:afterSwap", updateSelection);
  document.addEventListener("DOMContentLoaded", updateSelection);
})();
