/* 图表：页面中每个 <div class="hl-chart" data-chart="{ECharts option}"> 用本站自带的 ECharts 绘制（不联网）。 */
(function () {
  "use strict";
  function draw() {
    if (typeof echarts === "undefined") { return; }
    document.querySelectorAll(".hl-chart[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) { return; }
      var option;
      try { option = JSON.parse(el.dataset.chart); } catch (e) { el.textContent = "图表数据无法读取"; return; }
      var chart = echarts.init(el, null, { renderer: "svg", locale: "ZH" });
      option.textStyle = option.textStyle || { fontFamily: "inherit" };
      chart.setOption(option);
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
