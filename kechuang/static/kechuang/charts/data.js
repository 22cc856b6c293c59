// Reads the JSON a template wrote with Django's json_script filter.
window.kechuangData = function (id) {
  return JSON.parse(document.getElementById(id).textContent);
};

// Charts read as a bureau reads figures (the same rules as kechuang/core/formatting.py): digits grouped
// by three (never "100k"), large figures in 万/亿 with the unit on the axis, years as years.
window.kechuangChart = (function () {
  var WAN = 1e4, YI = 1e8;
  var FONT = "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif";

  // The divisor and unit for figures this large: 万元 from ten thousand up read in 亿元, counts in 万/亿.
  function scale(values, unit) {
    var largest = 0;
    values.forEach(function (v) { if (typeof v === "number" && Math.abs(v) > largest) { largest = Math.abs(v); } });
    unit = unit || "";
    if (unit === "%") { return {divisor: 1, unit: unit}; }
    if (unit === "万元") { return largest >= WAN ? {divisor: WAN, unit: "亿元"} : {divisor: 1, unit: unit}; }
    if (unit === "元") { return largest >= YI ? {divisor: YI, unit: "亿元"} : (largest >= WAN ? {divisor: WAN, unit: "万元"} : {divisor: 1, unit: unit}); }
    if (largest >= YI) { return {divisor: YI, unit: "亿" + unit}; }
    if (largest >= WAN) { return {divisor: WAN, unit: "万" + unit}; }
    return {divisor: 1, unit: unit};
  }

  // A numeric axis: grouped digits, no SI suffix, the unit as its title (or after each tick for %).
  function axis(unit, extra) {
    var a = {separatethousands: true, exponentformat: "none", rangemode: "tozero", automargin: true};
    if (unit === "%") { a.ticksuffix = "%"; } else if (unit) { a.title = {text: unit}; }
    return Object.assign(a, extra || {});
  }

  // The unit written level above a small chart's axis, where a rotated one-character title would be hard to read.
  function unitNote(unit) {
    if (!unit || unit === "%") { return []; }
    return [{text: unit, xref: "paper", yref: "paper", x: 0, y: 1, xanchor: "right", yanchor: "bottom",
             showarrow: false, font: {size: 11, color: "#616e7c"}}];
  }

  // Scale the traces' values (y, or x for horizontal bars) for a unit; the hover shows the figure with
  // its unit. Returns the unit the axis shows.
  function scaleTraces(traces, unit, key) {
    key = key || "y";
    var all = [];
    traces.forEach(function (t) { all = all.concat(t[key] || []); });
    var s = scale(all, unit);
    traces.forEach(function (t) {
      if (s.divisor !== 1) {
        t[key] = (t[key] || []).map(function (v) { return typeof v === "number" ? v / s.divisor : v; });
      }
      if (!t.hovertemplate) {
        t.hovertemplate = "%{" + (key === "y" ? "x" : "y") + "}：%{" + key + ":,.2~f}" + (s.unit === "%" ? "%" : " " + s.unit) + "<extra>" + (t.name || "") + "</extra>";
      }
    });
    return s.unit;
  }

  // The layout every chart starts from: "." for decimals and "," between thousands, the CJK font.
  function layout(extra) {
    return Object.assign({separators: ".,", font: {family: FONT}, legend: {orientation: "h"}}, extra || {});
  }

  // A category axis of years: "2020", not 2,020 or 2020-01.
  function years(values) { return values.map(function (y) { return String(y).slice(0, 4); }); }

  return {scale: scale, axis: axis, unitNote: unitNote, scaleTraces: scaleTraces, layout: layout, years: years};
})();
