/* The brand home's small sell-out chart: <canvas data-home-chart='{"labels": [...], "amount": [...]}'>,
   one bar per month, the current month (the last bar) in the accent colour. The Chart instance is kept on
   the canvas (canvas.relaisChart) so tests can read it. */
(function () {
  "use strict";
  function draw() {
    if (typeof Chart === "undefined") { return; }
    document.querySelectorAll("canvas[data-home-chart]").forEach(function (canvas) {
      var data = JSON.parse(canvas.dataset.homeChart);
      var colours = data.amount.map(function (_, i) {
        return i === data.amount.length - 1 ? "#e08a00" : "#0f6e8c";
      });
      if (canvas.relaisChart) { canvas.relaisChart.destroy(); }
      canvas.relaisChart = new Chart(canvas, {
        type: "bar",
        data: { labels: data.labels,
                datasets: [{ label: canvas.dataset.amountLabel || "Amount", data: data.amount,
                             backgroundColor: colours }] },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
                   plugins: { legend: { display: false } },
                   scales: { y: { beginAtZero: true } } }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
