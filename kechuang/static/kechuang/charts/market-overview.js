(function () {
  var charts = kechuangData("market-charts");
  var layout = {margin: {t: 10, r: 10, b: 60, l: 60}, legend: {orientation: "h"}, font: {family: "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif"}};
  var config = {displaylogo: false, responsive: true};
  Plotly.newPlot("chart-turnover", charts.turnover, Object.assign({barmode: "stack", xaxis: {type: "category"}}, layout), config);
  Plotly.newPlot("chart-location", charts.location, layout, config);
  Plotly.newPlot("chart-domains", charts.domains, Object.assign({}, layout, {barmode: "group", margin: {t: 10, r: 10, b: 40, l: 130}, yaxis: {automargin: true}}), config);
  Plotly.newPlot("chart-funnel", charts.funnel, Object.assign({}, layout, {margin: {t: 10, r: 10, b: 30, l: 90}}), config);
})();
