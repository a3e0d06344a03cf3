// "Remind me on this phone" (templates/tracker/reminders/settings.html): asks the browser for
// permission to show notifications only when she taps the button, subscribes this browser to
// push with the server's VAPID public key and sends the subscription to the app (with the CSRF
// token), which keeps it for her; the page then reloads with the device in her list.
(function () {
  var box = document.getElementById("push-device");
  if (!box) return;
  var button = document.getElementById("push-enable");
  var status = document.getElementById("push-status");

  function say(words) {
    status.textContent = words;
  }

  function keyBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    button.disabled = true;
    say("This browser cannot show push notifications here (on an iPhone, add the app to the Home Screen first; the app must be opened over HTTPS). Reminders still come by email.");
    return;
  }
  if (Notification.permission === "denied") {
    say("Notifications are blocked for this site in your browser's settings: allow them there, then tap the button.");
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    say("Asking your browser…");
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") throw new Error("Notifications were not allowed, so nothing changed. Reminders still come by email.");
        return navigator.serviceWorker.ready;
      })
      .then(function (registration) {
        return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.key) });
      })
      .then(function (subscription) {
        return fetch(box.dataset.url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": box.querySelector("[name=csrfmiddlewaretoken]").value },
          body: JSON.stringify(subscription.toJSON()),
        });
      })
      .then(function (response) {
        return response.json().then(function (answer) {
          if (!response.ok) throw new Error(answer.error || "The app could not keep this device. Try again.");
          window.location.reload();
        });
      })
      .catch(function (error) {
        say(error && error.message ? error.message : "This device could not be subscribed. Try again.");
        button.disabled = false;
      });
  });
})();
