// Voucher statistics charts; the figures come from the page (json_script), the library from the project's static files.
(function () {
  var source = document.getElementById("voucher-chart");
  if (!source || typeof Plotly === "undefined") { return; }
  var d = JSON.parse(source.textContent);
  var config = {displayModeBar: false, responsive: true};
  var layout = {margin: {l: 60, r: 20, t: 40, b: 60}, legend: {orientation: "h", y: -0.2}, yaxis: {title: {text: "万元"}, rangemode: "tozero"}};
  Plotly.newPlot("chart-month", [
    {x: d.months, y: d.subsidy, name: "补贴（按申领月份）", type: "bar"},
    {x: d.months, y: d.paid, name: "已兑付", type: "bar"}
  ], Object.assign({}, layout, {title: {text: "按月份"}, xaxis: {type: "category"}}), config);
  Plotly.newPlot("chart-category", [
    {x: d.category_subsidy, y: d.categories, name: "补贴", type: "bar", orientation: "h"}
  ], Object.assign({}, layout, {title: {text: "按服务类别"}, xaxis: {title: {text: "万元"}}, yaxis: {automargin: true}}), config);
})();
