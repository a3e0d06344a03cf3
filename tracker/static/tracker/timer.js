// Live timers: any element with data-since="<ISO instant>" shows the time elapsed since it.
(function () {
  function format(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = String(m).padStart(2, "0"), ss = String(s).padStart(2, "0");
    return h > 0 ? h + ":" + mm + ":" + ss : m + ":" + ss;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-since]").forEach(function (el) {
      var base = Number(el.dataset.offset || 0);
      el.textContent = format(base + (now - Date.parse(el.dataset.since)) / 1000);
    });
  }
  tick();
  setInterval(tick, 1000);
})();
