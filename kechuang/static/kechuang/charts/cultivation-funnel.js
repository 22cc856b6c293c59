(function () {
  const labels = kechuangData("funnel-labels");
  const tiers = kechuangData("funnel-data");
  for (const t of tiers) {
    const bar = (name, y) => ({type: "bar", name: name, x: t.years.map(String), y: y});
    Plotly.newPlot("chart-" + t.key,
      [bar(labels.candidates, t.candidates), bar(labels.enrolled, t.enrolled), bar(labels.recognised, t.recognised)],
      {barmode: "group", margin: {t: 10, r: 10, b: 30, l: 40}, legend: {orientation: "h"}, height: 240},
      {displaylogo: false, responsive: true});
  }
})();
