// Progress bars take their width from data-fill (0-100). The Content-Security-Policy allows no
// inline style attribute, but a script served by the app may still set a style through the CSSOM.
(function () {
  document.querySelectorAll(".progress-bar[data-fill]").forEach(function (bar) {
    bar.style.width = bar.dataset.fill + "%";
  });
})();
