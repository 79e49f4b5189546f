/* The staff console's own script (no library): small helpers the pages work without. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // A "select all" box checks every row box of its table.
    document.querySelectorAll("input[data-select-all]").forEach(function (all) {
      var boxes = document.querySelectorAll("input[name='" + all.dataset.selectAll + "']");
      all.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = all.checked; });
      });
    });
    // A reason template fills the reason box; the text can still be edited.
    document.querySelectorAll("select[data-fills]").forEach(function (select) {
      var target = document.getElementById(select.dataset.fills);
      select.addEventListener("change", function () {
        if (select.value && target) { target.value = select.value; target.focus(); }
      });
    });
  });
}());
