// Behaviour every page shares, loaded with defer (the Content-Security-Policy allows no inline script).
(function () {
  document.documentElement.classList.add("js");

  // Phones: the menu collapses behind one button (CSS shows it inline on wider screens).
  document.querySelectorAll(".app-menu-toggle").forEach(function (toggle) {
    toggle.addEventListener("click", function () {
      var menu = document.getElementById(toggle.getAttribute("aria-controls"));
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    });
  });

  // <select data-autosubmit>: choosing an option submits its form.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });

  // <form data-confirm="…">: the browser asks before the form is sent.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  // <input data-select-on-click>: a click selects the whole value (to copy a key).
  document.addEventListener("click", function (event) {
    var input = event.target.closest("[data-select-on-click]");
    if (input) input.select();
  });
})();
