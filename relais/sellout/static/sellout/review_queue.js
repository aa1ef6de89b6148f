// The review queue's "select all": ticks or unticks every line checkbox of the page that is still to review.
(function () {
  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-select-all]");
    if (!all) return;
    var form = all.closest("form");
    form.querySelectorAll("input[type=checkbox][name='" + all.dataset.selectAll + "']").forEach(function (box) {
      box.checked = all.checked;
    });
  });
  // After a review the decided rows are swapped in without their checkbox: the "select all" box is reset.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id !== "review-result") return;
    document.querySelectorAll("[data-select-all]").forEach(function (all) {
      all.checked = false;
    });
  });
})();
