// The certificate's print button (a file, not an inline handler, so the page needs no unsafe-inline).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
