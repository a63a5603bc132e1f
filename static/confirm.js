// Behaviours kept out of the markup so the Content-Security-Policy can forbid inline script:
// a form with data-confirm asks before it is sent; a field with data-select-on-focus selects
// its text when focused (links to copy).
(function () {
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("focusin", (event) => {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) event.target.select();
  });
})();
