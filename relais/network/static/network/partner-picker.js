/* Partner picker: a search box whose htmx suggestions (network/partials/partner_suggestions.html) fill a
   hidden input with the chosen partner's id. Markup:
   <div data-partner-picker><input type="hidden" name="partner"><input type="search" hx-get=... >
   <div class="picker-box"></div></div>. Clearing the search box clears the choice. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick-partner]");
    if (!button) { return; }
    var picker = button.closest("[data-partner-picker]");
    if (!picker) { return; }
    picker.querySelector("input[type=hidden]").value = button.dataset.pickPartner;
    picker.querySelector("input[type=search]").value = button.dataset.pickLabel;
    picker.querySelector(".picker-box").innerHTML = "";
  });
  document.addEventListener("input", function (event) {
    var picker = event.target.closest("[data-partner-picker]");
    if (picker && event.target.type === "search" && event.target.value === "") {
      picker.querySelector("input[type=hidden]").value = "";
    }
  });
})();
