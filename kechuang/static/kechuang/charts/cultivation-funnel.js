(function () {
  const labels = kechuangData("funnel-labels");
  const tiers = kechuangData("funnel-data");
  const K = kechuangChart;
  for (const t of tiers) {
    const bar = (name, y) => ({type: "bar", name: name, x: K.years(t.years), y: y});
    const traces = [bar(labels.candidates, t.candidates), bar(labels.enrolled, t.enrolled), bar(labels.recognised, t.recognised)];
    const unit = K.scaleTraces(traces, "家");
    Plotly.newPlot("chart-" + t.key, traces,
      K.layout({barmode: "group", margin: {t: 20, r: 10, b: 30, l: 50}, legend: {orientation: "h"}, height: 240,
                annotations: K.unitNote(unit), xaxis: {type: "category"}, yaxis: K.axis(unit, {tickformat: ",d", title: null})}),
      {displaylogo: false, responsive: true});
  }
})();
