// A kelurahan select that follows a kecamatan select (select[data-kecamatan-from]): once a
// kecamatan is chosen, only its kelurahan are offered, sorted by name. The full list comes as JSON
// beside the select (pembinaan/registry/forms.py KelurahanSelect); the server narrows it the same way.
(function () {
  document.querySelectorAll("select[data-kecamatan-from]").forEach(function (select) {
    var kecamatan = document.getElementById(select.dataset.kecamatanFrom);
    var data = document.getElementById(select.id + "-semua");
    if (!kecamatan || !data) { return; }
    var all = JSON.parse(data.textContent);
    var blank = select.querySelector("option[value='']");
    function narrow() {
      var chosen = kecamatan.value;
      var current = select.value;
      var options = blank ? [blank] : [];
      all.forEach(function (k) {
        if (chosen && k.kecamatan !== chosen) { return; }
        var option = document.createElement("option");
        option.value = k.code;
        option.textContent = k.name;
        option.selected = k.code === current;
        options.push(option);
      });
      select.replaceChildren.apply(select, options);
      if (select.value !== current) { select.value = ""; }
    }
    kecamatan.addEventListener("change", narrow);
  });
})();
