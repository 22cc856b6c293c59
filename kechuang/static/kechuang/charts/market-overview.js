(function () {
  var charts = kechuangData("market-charts");
  var K = kechuangChart;
  var layout = K.layout({margin: {t: 10, r: 10, b: 60, l: 60}});
  var config = {displaylogo: false, responsive: true};
  charts.turnover.forEach(function (t) { t.x = K.years(t.x); });
  var money = K.scaleTraces(charts.turnover, "万元");
  Plotly.newPlot("chart-turnover", charts.turnover, Object.assign({}, layout, {barmode: "stack", xaxis: {type: "category"}, yaxis: K.axis(money)}), config);
  charts.location.forEach(function (t) { t.hovertemplate = "%{label}：%{value:,.2f} 万元（%{percent}）<extra></extra>"; });
  Plotly.newPlot("chart-location", charts.location, layout, config);
  Plotly.newPlot("chart-domains", charts.domains, Object.assign({}, layout, {barmode: "group", margin: {t: 10, r: 10, b: 40, l: 130}, yaxis: {automargin: true}, xaxis: K.axis("项", {tickformat: ",d"})}), config);
  Plotly.newPlot("chart-funnel", charts.funnel, Object.assign({}, layout, {margin: {t: 10, r: 10, b: 30, l: 90}}), config);
})();
