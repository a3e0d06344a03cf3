// Registers the service worker (/sw.js, templates/pwa/sw.js) and, when a new version has been
// deployed and is waiting, offers to reload with it: the banner's button tells the waiting
// worker to take over (SKIP_WAITING), and the page reloads once it has.
(function () {
  if (!("serviceWorker" in navigator)) return;
  var banner = null;  // made when there is an update to offer: no page carries it otherwise
  var reloading = false;

  function offer(worker) {
    if (!navigator.serviceWorker.controller) return;  // a first install replaces nothing
    if (!banner) {
      banner = document.createElement("div");
      banner.id = "update-banner";
      banner.className = "update-banner alert alert-info mb-0";
      banner.setAttribute("role", "status");
      var words = document.createElement("span");
      words.className = "me-auto";
      words.textContent = "Update available.";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-primary btn-sm";
      button.textContent = "Reload";
      banner.append(words, button);
      document.body.append(banner);
    }
    banner.querySelector("button").onclick = function () {
      worker.postMessage({ type: "SKIP_WAITING" });
    };
  }

  navigator.serviceWorker.addEventListener("controllerchange", function () {
    if (reloading || !banner) return;
    reloading = true;
    window.location.reload();
  });

  // Loaded without a worker (it took over after this page came): ask it to keep this page.
  var loadedWithoutWorker = !navigator.serviceWorker.controller;
  navigator.serviceWorker.ready.then(function (registration) {
    if (loadedWithoutWorker && registration.active) {
      registration.active.postMessage({ type: "KEEP_PAGE", url: window.location.href });
    }
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

// Offline, a page is the copy the service worker kept: say so, and keep a tap from ending on the
// browser's "no internet" page with nothing saved. Today's taps (forms marked data-offline) are
// kept on the phone and sent later by offline_today.js; any other form sent offline stays on the
// page, which says it was not saved.
(function () {
  var notice = null;

  function say(text) {
    if (!notice) {
      notice = document.createElement("div");
      notice.id = "offline-notice";
      notice.className = "offline-notice alert alert-warning mb-0";
      notice.setAttribute("role", "status");
      document.body.prepend(notice);
    }
    notice.textContent = text;
  }

  function follow() {
    if (navigator.onLine) {
      if (notice) notice.remove();
      notice = null;
    } else {
      say(
        document.getElementById("offline-today")
          ? "You are offline: this is the copy you last opened. What you tap is kept on this phone and sent when you are back online."
          : "You are offline: this is the copy you last opened. What you tap now can't be saved until you are back online."
      );
    }
  }

  window.addEventListener("online", follow);
  window.addEventListener("offline", follow);
  document.addEventListener(
    "submit",
    function (event) {
      if (navigator.onLine) return;
      if (event.target.dataset && event.target.dataset.offline && window.TrackerQueue) return;  // queued
      event.preventDefault();
      say("You are offline: that was not saved. Try again once you are back online.");
      window.scrollTo(0, 0);
    },
    true
  );
  follow();
})();
