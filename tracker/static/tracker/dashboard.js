// Dashboard charts (Chart.js, served by the app). Data comes from the page's JSON block.
(function () {
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);

  // Axes, labels, grid lines and the page's own background from the theme's CSS variables
  // (light or dark, theme.js), read again when the phone switches, and every chart redrawn.
  var colours = {};
  function readTheme() {
    var css = getComputedStyle(document.documentElement);
    var value = function (name) { return css.getPropertyValue(name).trim(); };
    colours = { text: value("--bs-secondary-color"), grid: value("--bs-border-color-translucent"), paper: value("--bs-body-bg"), marker: value("--bs-secondary-color") };
    Chart.defaults.color = value("--bs-body-color");
    Chart.defaults.borderColor = colours.grid;
  }
  readTheme();
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", function () {
    readTheme();
    // A drawn chart keeps the colours it resolved: set them on it, then redraw.
    Object.values(Chart.instances).forEach(function (chart) {
      Object.values(chart.options.scales).forEach(function (scale) {
        scale.grid.color = colours.grid;
        scale.ticks.color = Chart.defaults.color;
        scale.title.color = Chart.defaults.color;
      });
      chart.options.plugins.legend.labels.color = Chart.defaults.color;
      chart.update();
    });
  });
  var paper = function () { return colours.paper; };
  // Each series' colour in the theme drawn now, from the one palette per theme the server sends
  // (tracker/chart_colours.py: every colour at least 3:1 against its theme's card).
  var tone = function (name) {
    var theme = document.documentElement.dataset.bsTheme === "dark" ? "dark" : "light";
    return data.colours[theme][name];
  };

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
        ctx.strokeStyle = colours.marker;
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(x, area.top);
        ctx.lineTo(x, area.bottom);
        ctx.stroke();
        ctx.fillStyle = colours.text;
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

  // An empty series whose legend entry explains the dashed, pale drawing of today.
  var todayLegend = function () {
    return { type: "line", label: "Today so far", data: [], borderColor: colours.marker, backgroundColor: paper, borderDash: [4, 4], borderWidth: 1, order: 10 };
  };

  // Feeding: today is unfinished too, its bar pale and the minutes line into it dashed, never
  // read as a drop.
  if (data.feeding && document.getElementById("feeding-chart")) {
    var f = data.feeding;
    var feedToday = f.today ? f.labels.indexOf(f.today) : -1;
    new Chart(document.getElementById("feeding-chart"), {
      type: "bar",
      data: {
        labels: f.labels,
        datasets: [
          // order: the minutes line (0) is drawn over the feed bars (1).
          {
            label: "Feeds", data: f.feeds, yAxisID: "y", order: 1, borderColor: function () { return tone("feeds"); },
            borderWidth: function (ctx) { return ctx.dataIndex === feedToday ? 1 : 0; },
            backgroundColor: function (ctx) { return ctx.dataIndex === feedToday ? tone("feeds") + "40" : tone("feeds"); },
          },
          {
            label: "Minutes", data: f.minutes, type: "line", borderColor: function () { return tone("feed_minutes"); }, borderWidth: 2, yAxisID: "y1", pointRadius: 0, order: 0,
            segment: {
              borderDash: function (ctx) { return ctx.p1DataIndex === feedToday ? [4, 4] : undefined; },
              borderColor: function (ctx) { return ctx.p1DataIndex === feedToday ? tone("feed_minutes") + "80" : undefined; },
            },
          },
          todayLegend(),
        ],
      },
      options: Object.assign({}, common, {
        scales: {
          x: { ticks: { maxTicksLimit: 7, callback: function (v) { return short(f.labels)[v]; } } },
          y: { beginAtZero: true, title: { display: true, text: "feeds" } },
          y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "min" } },
        },
      }),
      plugins: [markerPlugin],
    });
  }

  // Symptoms: null is a day without records, drawn as a gap (spanGaps: false), never as 0.
  // Today is unfinished: its point is hollow, the segment into it dashed and pale, and the
  // legend says "Today so far".
  if (data.symptoms) {
    var s = data.symptoms;
    var today = s.today ? s.labels.indexOf(s.today) : -1;
    var isToday = function (ctx) { return ctx.dataIndex === today; };
    var line = function (label, values, colour, extra) {
      return Object.assign({
        label: label,
        data: values,
        borderColor: function () { return tone(colour); },
        backgroundColor: function () { return tone(colour); },
        spanGaps: false,
        segment: {
          borderDash: function (ctx) { return ctx.p1DataIndex === today ? [4, 4] : undefined; },
          borderColor: function (ctx) { return ctx.p1DataIndex === today ? tone(colour) + "80" : undefined; },
        },
        pointBackgroundColor: function (ctx) { return isToday(ctx) ? paper() : tone(colour); },
      }, extra);
    };
    var bars = function (label, values, colour, extra) {
      return Object.assign({
        type: "bar",
        label: label,
        data: values,
        borderColor: function () { return tone(colour); },
        borderWidth: function (ctx) { return isToday(ctx) ? 1 : 0; },
        backgroundColor: function (ctx) { return isToday(ctx) ? tone(colour) + "40" : tone(colour); },
      }, extra);
    };
    var axes = function (y1Title) {
      var scales = {
        x: { ticks: { maxTicksLimit: 7, callback: function (v) { return short(s.labels)[v]; } } },
        y: { beginAtZero: true, title: { display: true, text: "a day" } },
      };
      if (y1Title) scales.y1 = { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: y1Title } };
      return scales;
    };

    if (document.getElementById("symptoms-chart")) {
      new Chart(document.getElementById("symptoms-chart"), {
        type: "line",
        data: {
          labels: s.labels,
          datasets: [
            line("Spit-ups", s.regurgitations, "spit_ups", { pointRadius: 2, borderWidth: 1 }),
            line("Spit-ups, 7-day", s.regurgitations_7d, "spit_ups", { pointRadius: 0, borderWidth: 3 }),
            bars("Vomiting", s.vomiting, "vomiting", { order: 5 }),
            line("Stools, 7-day", s.stools_7d, "stools", { pointRadius: 0, borderWidth: 2 }),
            // Long dashes: red beside the orange spit-ups is not told apart by every eye.
            line("Crying min, 7-day", s.crying_minutes_7d, "crying", { pointRadius: 0, borderWidth: 2, borderDash: [8, 3], yAxisID: "y1" }),
            todayLegend(),
          ],
        },
        options: Object.assign({}, common, { spanGaps: false, scales: axes("crying min") }),
        plugins: [markerPlugin],
      });
    }

    // Stools by Brussels group (hard 1-3, formed 4, loose 5-6, watery 7), stacked.
    if (document.getElementById("stools-chart")) {
      var stacked = { stack: "stools" };
      new Chart(document.getElementById("stools-chart"), {
        type: "bar",
        data: {
          labels: s.labels,
          datasets: [
            bars("Hard (1-3)", s.stools_hard, "stools_hard", stacked),
            bars("Formed (4)", s.stools_formed, "stools_formed", stacked),
            bars("Loose (5-6)", s.stools_loose, "stools_loose", stacked),
            bars("Watery (7)", s.stools_watery, "stools_watery", stacked),
            todayLegend(),
          ],
        },
        options: Object.assign({}, common, {
          scales: Object.assign(axes(null), { x: { stacked: true, ticks: { maxTicksLimit: 7, callback: function (v) { return short(s.labels)[v]; } } }, y: { stacked: true, beginAtZero: true, title: { display: true, text: "stools a day" } } }),
        }),
        plugins: [markerPlugin],
      });
    }
  }
})();
