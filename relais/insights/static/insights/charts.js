/* Draws every <canvas data-chart="..."> with Chart.js: units as bars, amount as a line on a second axis.
   Runs on load and again after htmx swaps the charts fragment (filters). The Chart instance is kept on the
   canvas (canvas.relaisChart) so tests can read it. */
(function () {
  "use strict";
  function draw(root) {
    if (typeof Chart === "undefined") { return; }
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var data = JSON.parse(canvas.dataset.chart);
      if (canvas.relaisChart) { canvas.relaisChart.destroy(); }
      var kind = canvas.dataset.kind || "bar";
      canvas.relaisChart = new Chart(canvas, {
        data: {
          labels: data.labels,
          datasets: [
            { type: kind, label: canvas.dataset.unitsLabel || "Units", data: data.units,
              backgroundColor: "#0f6e8c", borderColor: "#0f6e8c", yAxisID: "y" },
            { type: "line", label: canvas.dataset.amountLabel || "Amount", data: data.amount,
              borderColor: "#e08a00", backgroundColor: "#e08a00", yAxisID: "y1" }
          ]
        },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          scales: { y: { beginAtZero: true, position: "left" },
                    y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } } }
        }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.detail.target); });
})();
