(function () {
  const charts = kechuangData("plan-charts");
  const labels = document.getElementById("plan-chart-labels").dataset;
  const K = kechuangChart;
  for (const [code, c] of Object.entries(charts)) {
    // The marks are explained once above the cards (solid line, dash, star, dotted line); the hover says each.
    const traces = [
      {x: c.history.map(p => p[0]), y: c.history.map(p => p[1]), name: labels.actual, mode: "lines+markers", line: {color: "#0b5cab"}},
      {x: c.targets.map(p => p[0]), y: c.targets.map(p => p[1]), name: labels.target, mode: "markers", marker: {symbol: "line-ew-open", size: 16, color: "#b7791f", line: {width: 3}}},
      {x: [c.final[0]], y: [c.final[1]], name: labels.final, mode: "markers", marker: {symbol: "star", size: 11, color: "#c53030"}},
    ];
    if (c.forecast && c.history.length) {
      const last = c.history[c.history.length - 1];
      traces.push({x: [last[0], c.forecast[0]], y: [last[1], c.forecast[1]], name: labels.forecast, mode: "lines", line: {dash: "dot", color: "#616e7c"}});
    }
    const unit = K.scaleTraces(traces, c.unit);
    traces.forEach(t => { t.hovertemplate = "%{x|%Y-%m-%d}：%{y:,.2~f}" + (unit === "%" ? "%" : " " + unit) + "<extra>" + t.name + "</extra>"; });
    Plotly.newPlot("chart-" + code, traces, K.layout({
      margin: {l: 55, r: 10, t: 20, b: 30}, showlegend: false, annotations: K.unitNote(unit),
      yaxis: K.axis(unit, {title: null}), xaxis: {type: "date", tickformat: "%Y", dtick: "M12", ticklabelmode: "period"},
    }), {displayModeBar: false, responsive: true});
  }
})();
