(function () {
  var d = kechuangData("trend-data");
  var labels = document.getElementById("trend-labels").dataset;
  var years = d.years.map(String);
  var config = {displayModeBar: false, responsive: true};
  var base = {margin: {l: 60, r: 60, t: 40, b: 40}, legend: {orientation: "h", y: -0.15}, xaxis: {type: "category"}};
  Plotly.newPlot("trend-money", [
    {x: years, y: d.revenue, name: labels.revenue, type: "bar"},
    {x: years, y: d.rd_expense, name: labels.rdExpense, type: "bar"},
    {x: years, y: d.rd_ratio, name: labels.rdRatio + " (%)", type: "scatter", mode: "lines+markers", yaxis: "y2"}
  ], Object.assign({}, base, {title: {text: labels.moneyTitle}, yaxis: {title: {text: labels.moneyUnit}},
    yaxis2: {ticksuffix: "%", tickformat: ".1f", overlaying: "y", side: "right", rangemode: "tozero", showgrid: false}}), config);
  Plotly.newPlot("trend-staff", [
    {x: years, y: d.employees, name: labels.employees, type: "scatter", mode: "lines+markers"},
    {x: years, y: d.tech_staff, name: labels.techStaff, type: "scatter", mode: "lines+markers"}
  ], Object.assign({}, base, {title: {text: labels.employees}, yaxis: {rangemode: "tozero"}}), config);
})();
