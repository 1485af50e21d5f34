// Draws the dashboard charts from the JSON the server put in the page; the tables hold the same numbers.
(function () {
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var teal = "#0b5563", amber = "#b8860b", grey = "#6c757d";
  var number = new Intl.NumberFormat("id-ID");
  Chart.defaults.animation = false;
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) { new Chart(canvas, config); }
  }
  draw("chart-year", {
    type: "bar",
    data: {
      labels: data.year.labels,
      datasets: [
        { type: "bar", label: data.names.new, data: data.year.new, backgroundColor: teal },
        { type: "line", label: data.names.cumulative, data: data.year.cumulative, borderColor: amber, backgroundColor: amber }
      ]
    },
    options: { plugins: { legend: { position: "bottom" } } }
  });
  draw("chart-kecamatan", {
    type: "bar",
    data: {
      labels: data.kecamatan.labels,
      datasets: [{
        label: data.names.coached,
        data: data.kecamatan.values,
        // Under a kecamatan filter the other kecamatan are greyed, not shown as zero.
        backgroundColor: (data.kecamatan.outside || []).map(function (out) { return out ? "#ced4da" : teal; })
      }]
    },
    options: { indexAxis: "y", plugins: { legend: { display: false } } }
  });
  draw("chart-type", {
    type: "bar",
    data: { labels: data.type.labels, datasets: [{ label: data.names.coached, data: data.type.values, backgroundColor: teal }] },
    options: { indexAxis: "y", plugins: { legend: { display: false } } }
  });
  draw("chart-source", {
    type: "bar",
    data: {
      labels: data.source.labels,
      datasets: [
        { label: data.names.budget, data: data.source.budget, backgroundColor: grey },
        { label: data.names.realized, data: data.source.realized, backgroundColor: teal }
      ]
    },
    options: {
      plugins: { legend: { position: "bottom" } },
      scales: { y: { ticks: { callback: function (v) { return "Rp" + number.format(v / 1e6) + " jt"; } } } }
    }
  });
})();

// The map: hovering, focusing or tapping a kelurahan shows its figure beside the map.
(function () {
  var info = document.getElementById("info-peta");
  if (!info) { return; }
  document.querySelectorAll(".choropleth path").forEach(function (path) {
    function show() { info.textContent = path.dataset.name + ": " + path.dataset.value; }
    path.addEventListener("mouseenter", show);
    path.addEventListener("focus", show);
    path.addEventListener("click", show);
  });
})();
