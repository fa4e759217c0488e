// Filters a long list of checkboxes as the officer types (heritage/widgets.py): each
// checkbox carries its folded names in data-search; the query is folded the same way
// (marks removed, đ as d), so "mong" finds Mông and H'Mông. Checked items stay visible.
(function () {
  "use strict";

  function fold(text) {
    return text.replace(/[đĐ]/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function filter(container, query) {
    const words = fold(query).split(/\s+/).filter(Boolean);
    container.querySelectorAll("input[type=checkbox][data-search]").forEach(function (box) {
      const text = box.dataset.search;
      const shown = box.checked || words.every(function (word) { return text.includes(word); });
      const row = box.closest("label").parentElement;
      row.hidden = !shown;
    });
  }

  function setUp(root) {
    root.querySelectorAll("[data-filterable-choices]").forEach(function (container) {
      if (container.dataset.filterableReady) return;
      container.dataset.filterableReady = "1";
      const input = container.querySelector("[data-filterable-choices-filter]");
      input.addEventListener("input", function () { filter(container, input.value); });
      // Enter in the filter must not submit the page form.
      input.addEventListener("keydown", function (event) { if (event.key === "Enter") event.preventDefault(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  } else {
    setUp(document);
  }
})();
