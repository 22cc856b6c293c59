// The talent map: each figure's plotly spec comes from the page (json_script), the library from the project's static files.
(function () {
  var source = document.getElementById("talent-map");
  if (!source || typeof Plotly === "undefined") { return; }
  var plots = JSON.parse(source.textContent);
  Object.keys(plots).forEach(function (key) {
    var target = document.getElementById("chart-" + key);
    if (target) { Plotly.newPlot(target, plots[key].data, plots[key].layout, {displayModeBar: false, responsive: true}); }
  });
})();
