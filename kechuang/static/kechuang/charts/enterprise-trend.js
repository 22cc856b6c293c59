(function () {
  var d = kechuangData("trend-data");
  var labels = document.getElementById("trend-labels").dataset;
  var K = kechuangChart;
  var years = K.years(d.years);
  var config = {displayModeBar: false, responsive: true};
  var base = {margin: {l: 60, r: 60, t: 40, b: 40}, legend: {orientation: "h", y: -0.15}, xaxis: {type: "category"}};
  var money = [
    {x: years, y: d.revenue, name: labels.revenue, type: "bar"},
    {x: years, y: d.rd_expense, name: labels.rdExpense, type: "bar"}
  ];
  var unit = K.scaleTraces(money, labels.moneyUnit);
  money.push({x: years, y: d.rd_ratio, name: labels.rdRatio + "（%）", type: "scatter", mode: "lines+markers", yaxis: "y2",
              hovertemplate: "%{x}：%{y:.1f}%<extra>" + labels.rdRatio + "</extra>"});
  Plotly.newPlot("trend-money", money, K.layout(Object.assign({}, base, {title: {text: labels.moneyTitle}, yaxis: K.axis(unit),
    yaxis2: {ticksuffix: "%", tickformat: ".1f", overlaying: "y", side: "right", rangemode: "tozero", showgrid: false}})), config);
  var staff = [
    {x: years, y: d.employees, name: labels.employees, type: "scatter", mode: "lines+markers"},
    {x: years, y: d.tech_staff, name: labels.techStaff, type: "scatter", mode: "lines+markers"}
  ];
  var people = K.scaleTraces(staff, "人");
  Plotly.newPlot("trend-staff", staff, K.layout(Object.assign({}, base, {title: {text: labels.employees}, yaxis: K.axis(people)})), config);
})();
