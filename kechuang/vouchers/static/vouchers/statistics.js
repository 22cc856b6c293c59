// Voucher statistics charts; the figures come from the page (json_script), the library from the project's static files.
(function () {
  var source = document.getElementById("voucher-chart");
  if (!source || typeof Plotly === "undefined" || !window.kechuangChart) { return; }
  var d = JSON.parse(source.textContent);
  var K = window.kechuangChart;
  var config = {displayModeBar: false, responsive: true};
  var layout = K.layout({margin: {l: 60, r: 20, t: 40, b: 60}, legend: {orientation: "h", y: -0.2}});
  var months = [
    {x: d.months, y: d.subsidy, name: "补贴（按申领月份）", type: "bar"},
    {x: d.months, y: d.paid, name: "已兑付", type: "bar"}
  ];
  var unit = K.scaleTraces(months, "万元");
  Plotly.newPlot("chart-month", months, Object.assign({}, layout, {title: {text: "按月份"}, xaxis: {type: "category"}, yaxis: K.axis(unit)}), config);
  var categories = [{x: d.category_subsidy, y: d.categories, name: "补贴", type: "bar", orientation: "h"}];
  var categoryUnit = K.scaleTraces(categories, "万元", "x");
  Plotly.newPlot("chart-category", categories, Object.assign({}, layout, {title: {text: "按服务类别"}, xaxis: K.axis(categoryUnit), yaxis: {automargin: true}}), config);
})();
