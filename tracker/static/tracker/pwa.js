// Registers the service worker (/sw.js, templates/pwa/sw.js) and, when a new version has been
// deployed and is waiting, offers to reload with it: the banner's button tells the waiting
// worker to take over (SKIP_WAITING), and the page reloads once it has.
(function () {
  if (!("serviceWorker" in navigator)) return;
  var banner = document.getElementById("update-banner");
  var reloading = false;

  function offer(worker) {
    if (!banner || !navigator.serviceWorker.controller) return;  // a first install replaces nothing
    banner.hidden = false;
    banner.querySelector("button").onclick = function () {
      worker.postMessage({ type: "SKIP_WAITING" });
    };
  }

  navigator.serviceWorker.addEventListener("controllerchange", function () {
    if (reloading || !banner || banner.hidden) return;
    reloading = true;
    window.location.reload();
  });

  navigator.serviceWorker.register(document.documentElement.dataset.serviceWorker, { scope: "/" }).then(function (registration) {
    if (registration.waiting) offer(registration.waiting);
    registration.addEventListener("updatefound", function () {
      var worker = registration.installing;
      worker.addEventListener("statechange", function () {
        if (worker.state === "installed") offer(worker);
      });
    });
  });
})();
