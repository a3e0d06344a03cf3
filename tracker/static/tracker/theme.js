// Light or dark, as the phone is set: Bootstrap's data-bs-theme follows prefers-color-scheme,
// now and when it changes. Loaded in <head>, before the page is drawn, so it never flashes light.
(function () {
  var dark = window.matchMedia("(prefers-color-scheme: dark)");
  function follow() {
    document.documentElement.setAttribute("data-bs-theme", dark.matches ? "dark" : "light");
  }
  follow();
  dark.addEventListener("change", follow);
})();
