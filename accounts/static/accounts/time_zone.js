// Suggest the phone's own time zone, so nobody has to scroll through hundreds of zones.
// Sign-up fills the select (data-browser-time-zone="fill"); the profile only offers a button,
// because a saved zone is her choice. Without JavaScript the select keeps its value (UTC on sign-up).
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) return;

  function offers(select) {
    return Array.prototype.some.call(select.options, function (option) {
      return option.value === zone;
    });
  }

  document.querySelectorAll('select[data-browser-time-zone="fill"]').forEach(function (select) {
    if (offers(select)) select.value = zone;
  });

  document.querySelectorAll("[data-use-browser-time-zone]").forEach(function (button) {
    var select = document.getElementById(button.getAttribute("data-use-browser-time-zone"));
    if (!select || !offers(select) || select.value === zone) return;
    button.textContent = "Use this phone’s time zone (" + zone + ")";
    button.hidden = false;
    button.addEventListener("click", function () {
      select.value = zone;
      button.hidden = true;
    });
  });
})();
