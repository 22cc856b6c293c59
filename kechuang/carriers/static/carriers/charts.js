// Draws every chart of a carriers page: each <div data-chart="ID"> with the figures in the JSON script ID (json_script).
(function () {
  if (typeof Plotly === "undefined") { return; }
  var config = {displayModeBar: false, responsive: true};
  document.querySelectorAll("[data-chart]").forEach(function (div) {
    var source = document.getElementById(div.getAttribute("data-chart"));
    if (!source) { return; }
    var chart = JSON.parse(source.textContent);
    var layout = Object.assign({margin: {l: 50, r: 20, t: 40, b: 60}, legend: {orientation: "h", y: -0.2}}, chart.layout || {});
    Plotly.newPlot(div, chart.data, layout, config);
  });
})();
