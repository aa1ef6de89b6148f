// The declaration page's line entry: picking a suggested product fills its GTIN, its name and, when the
// price field is still empty, the catalogue's unit price (forms with data-confirm: static/js/relais.js).
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var option = event.target.closest("[data-pick-gtin]");
    if (!option) return;
    event.preventDefault();
    var form = option.closest("form");
    form.querySelector("[name='line-gtin']").value = option.dataset.pickGtin;
    form.querySelector("[name='line-product_search']").value = option.dataset.pickLabel;
    var price = form.querySelector("[name='line-unit_price']");
    if (price && !price.value && option.dataset.pickPrice) {
      price.value = option.dataset.pickPrice;
      price.dataset.prefilled = "catalogue";
    }
    document.getElementById("product-options").innerHTML = "";
    form.querySelector("[name='line-quantity']").focus();
  });

  document.addEventListener("input", function (event) {
    if (event.target.name === "line-product_search") {
      var form = event.target.form;
      var hidden = form.querySelector("[name='line-gtin']");
      if (hidden) hidden.value = "";
      // A price the catalogue filled goes with the product it came from.
      var price = form.querySelector("[name='line-unit_price']");
      if (price && price.dataset.prefilled) {
        price.value = "";
        delete price.dataset.prefilled;
      }
    } else if (event.target.name === "line-unit_price") {
      delete event.target.dataset.prefilled;
    }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id === "line-entry") {
      var search = document.querySelector("[name='line-product_search']");
      if (search && !event.target.querySelector(".errorlist")) search.focus();
    }
  });
})();
