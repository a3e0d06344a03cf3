// Dashboard charts (Chart.js, served by the app). Data comes from the page's JSON block.
(function () {
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);

  // Vertical lines for the regimen start and the birth.
  var markerPlugin = {
    id: "markers",
    afterDraw: function (chart) {
      var scale = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
      // Each label goes one line lower than the one before, so labels of near days never overlap.
      (data.markers || []).forEach(function (marker, order) {
        var index = chart.data.labels.indexOf(marker.day);
        if (index < 0) return;
        var x = scale.getPixelForValue(index);
        ctx.save();
        ctx.strokeStyle = "#6c757d";
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(x, area.top);
        ctx.lineTo(x, area.bottom);
        ctx.stroke();
        ctx.fillStyle = "#495057";
        ctx.font = "11px system-ui, sans-serif";
        var width = ctx.measureText(marker.label).width;
        ctx.fillText(marker.label, Math.max(area.left, Math.min(x + 3, area.right - width)), area.top + 10 + 13 * order);
        ctx.restore();
      });
    },
  };

  var common = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: "index", intersect: false },
    plugins: { legend: { labels: { boxWidth: 12 } } },
    scales: { x: { ticks: { maxTicksLimit: 7 } }, y: { beginAtZero: true } },
  };

  function short(labels) {
    return labels.map(function (iso) { return iso.slice(5); });
  }

  if (data.feeding && document.getElementById("feeding-chart")) {
    new Chart(document.getElementById("feeding-chart"), {
      type: "bar",
      data: {
        labels: data.feeding.labels,
        datasets: [
          // order: the minutes line (0) is drawn over the feed bars (1).
          { label: "Feeds", data: data.feeding.feeds, backgroundColor: "#9ec5fe", yAxisID: "y", order: 1 },
          { label: "Minutes", data: data.feeding.minutes, type: "line", borderColor: "#198754", borderWidth: 2, yAxisID: "y1", pointRadius: 0, order: 0 },
        ],
      },
      options: Object.assign({}, common, {
        scales: {
          x: { ticks: { maxTicksLimit: 7, callback: function (v) { return short(data.feeding.labels)[v]; } } },
          y: { beginAtZero: true, title: { display: true, text: "feeds" } },
          y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "min" } },
        },
      }),
      plugins: [markerPlugin],
    });
  }

  if (data.symptoms && document.getElementById("symptoms-chart")) {
    var s = data.symptoms;
    new Chart(document.getElementById("symptoms-chart"), {
      type: "line",
      data: {
        labels: s.labels,
        datasets: [
          { label: "Spit-ups", data: s.regurgitations, borderColor: "#fd7e14", pointRadius: 1, borderWidth: 1 },
          { label: "Spit-ups, 7-day", data: s.regurgitations_7d, borderColor: "#fd7e14", pointRadius: 0, borderWidth: 3 },
          { label: "Stools, 7-day", data: s.stools_7d, borderColor: "#6f42c1", pointRadius: 0, borderWidth: 2 },
          { label: "Crying min, 7-day", data: s.crying_minutes_7d, borderColor: "#dc3545", pointRadius: 0, borderWidth: 2, yAxisID: "y1" },
        ],
      },
      options: Object.assign({}, common, {
        scales: {
          x: { ticks: { maxTicksLimit: 7, callback: function (v) { return short(s.labels)[v]; } } },
          y: { beginAtZero: true, title: { display: true, text: "a day" } },
          y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "crying min" } },
        },
      }),
      plugins: [markerPlugin],
    });
  }
})();
