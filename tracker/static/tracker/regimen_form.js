// The trial preset sets its own dates from the due date and the birth: while it is chosen,
// the start and end fields (which it would ignore) are hidden.
(function () {
  var presets = document.querySelectorAll('input[name="preset"]');
  var dates = ["div_id_start_date", "div_id_end_date"]
    .map(function (id) { return document.getElementById(id); })
    .filter(Boolean);
  function follow() {
    var chosen = document.querySelector('input[name="preset"]:checked');
    var trial = chosen !== null && chosen.value === "trial";
    dates.forEach(function (box) { box.hidden = trial; });
  }
  presets.forEach(function (radio) { radio.addEventListener("change", follow); });
  follow();
})();
