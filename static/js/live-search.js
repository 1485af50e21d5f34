// Search as you type on forms marked data-live-search: the server renders the results fragment.
(function () {
  document.querySelectorAll("form[data-live-search]").forEach(function (form) {
    var input = form.querySelector("input[type=search]");
    var target = document.getElementById("hasil-cari");
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (input.value.trim().length < 2) { target.innerHTML = ""; return; }
        var url = form.dataset.liveSearch + "?cari=" + encodeURIComponent(input.value);
        fetch(url, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : ""; })
          .then(function (html) { target.innerHTML = html; });
      }, 250);
    });
  });
})();
