// Today's taps with no network (offline_queue.js keeps and sends them). A form marked
// data-offline (the API endpoint it maps to) is queued instead of posted when the browser is
// offline, or when something is already waiting (so her taps reach the server in order):
//   data-offline-at      the body field that gets the time she tapped (at, occurred_at, taken_at)
//   data-offline-day     the body field that gets Today's day (a slot's date, the daily check's)
//   data-offline-bools   checkboxes sent as true or false
//   data-offline-effect  what the tap changes on the page: feed-start, feed-switch, feed-stop,
//                        crying-start, crying-stop
//   data-offline-label   what the list and the toast call it
// Each queued tap is listed at the top of the page, "waiting to sync", then "saved" or "not
// saved" with the server's reason; the toast (toast.js) has an Undo that drops it unsent. The
// queue is sent when the page opens online, on the "online" event, and by the service worker's
// Background Sync where the browser has it.
(function () {
  "use strict";
  var today = document.getElementById("offline-today");
  var Queue = window.TrackerQueue;
  if (!today || !Queue || !window.indexedDB) return;
  var day = today.dataset.day;
  var list = null;

  function csrf() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function hhmm(iso) {
    var d = new Date(iso);
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }

  // The list of queued taps, made when there is one.
  function listBox() {
    if (list) return list;
    var section = document.createElement("section");
    section.className = "card shadow-sm mb-3";
    section.id = "offline-queue";
    section.setAttribute("aria-labelledby", "offline-queue-heading");
    section.innerHTML =
      '<div class="card-body"><h2 class="h6" id="offline-queue-heading">Logged on this phone</h2>' +
      '<ul class="list-unstyled small mb-0" aria-live="polite"></ul></div>';
    today.after(section);
    list = section.querySelector("ul");
    return list;
  }

  function rowOf(seq) {
    return document.querySelector('[data-testid="queued-action"][data-seq="' + seq + '"]');
  }

  function showRow(action, state, reason) {
    var row = rowOf(action.seq);
    if (!row) {
      row = document.createElement("li");
      row.dataset.testid = "queued-action";
      row.dataset.seq = String(action.seq);
      var what = document.createElement("span");
      what.textContent = hhmm(action.tappedAt) + " · " + action.label + " · ";
      var status = document.createElement("span");
      status.className = "queued-status";
      row.append(what, status);
      listBox().append(row);
    }
    var words = {
      waiting: "waiting to sync",
      saved: "saved",
      refused: "not saved: " + reason,
    }[state];
    if (state === "waiting" && reason) words += " (" + reason + ")";
    var status = row.querySelector(".queued-status");
    status.textContent = words;
    status.className = "queued-status fw-semibold " + {
      waiting: "text-warning-emphasis",
      saved: "text-success-emphasis",
      refused: "text-danger-emphasis",
    }[state];
    row.dataset.state = state;
  }

  // One toast at a time from here: the newest says what just happened (the list keeps the rest).
  var shown = null;
  function toast(text, onUndo, tone) {
    if (!window.TrackerToast) return;
    if (shown) shown.hide();
    shown = window.TrackerToast.show({ text: text, onUndo: onUndo, undo: !!onUndo, tone: tone });
    shown.element.dataset.testid = "offline-toast";
  }

  // What the tap changes on the page, so the next tap makes sense offline.
  function area(kind, infant) {
    return document.querySelector("[data-offline-" + kind + '="' + infant + '"]');
  }

  function tapForm(endpoint, effect, label, text, style) {
    var form = document.createElement("form");
    form.className = "col";
    form.dataset.offline = endpoint;
    form.dataset.offlineAt = "at";
    form.dataset.offlineEffect = effect;
    form.dataset.offlineLabel = label;
    var button = document.createElement("button");
    button.type = "submit";
    button.className = "btn btn-tap w-100 " + style;
    button.textContent = text;
    form.append(button);
    return form;
  }

  function otherSide(side) {
    return side === "left" ? "right" : "left";
  }

  function startFeed(action) {
    var box = area("feed", action.body.infant);
    if (!box) return;
    var old = box.querySelector("[data-offline-running]");
    if (old) old.remove();
    var running = document.createElement("div");
    running.className = "border rounded p-2 mb-2 bg-body-secondary";
    running.dataset.testid = "running-feed";
    running.dataset.offlineRunning = "";
    running.dataset.side = action.body.side;
    running.innerHTML =
      '<div>Feeding on the <strong data-testid="current-side"></strong> for <span class="timer"></span>' +
      ' <span class="text-warning-emphasis">(waiting to sync)</span></div><div class="row g-2 mt-1"></div>';
    running.querySelector("strong").textContent = action.body.side;
    running.querySelector(".timer").dataset.since = action.tappedAt;
    var base = "/api/v1/feeds/{client:" + action.client + "}/";
    running.querySelector(".row").append(
      tapForm(base + "switch/", "feed-switch", "Switched breast", "Switch to " + otherSide(action.body.side), "btn-outline-primary"),
      tapForm(base + "stop/", "feed-stop", "Feed stopped", "Stop feed", "btn-danger")
    );
    box.prepend(running);
    box.querySelector("[data-offline-starts]").hidden = true;
  }

  function switchFeed(form, action) {
    var running = form.closest("[data-offline-running]");
    if (!running) return;
    var side = running.querySelector('[data-testid="current-side"]');
    var now = otherSide(side.textContent.trim());
    side.textContent = now;
    form.querySelector("button").textContent = "Switch to " + otherSide(now);
    var timer = running.querySelector(".timer");
    if (timer) timer.dataset.since = action.tappedAt;
  }

  function stopRunning(form) {
    var holder = form.closest("[data-offline-feed], [data-offline-crying]");
    var running = form.closest("[data-offline-running]");
    if (running) running.remove();
    if (holder) holder.querySelector("[data-offline-starts]").hidden = false;
  }

  function startCrying(action) {
    var box = area("crying", action.body.infant);
    if (!box) return;
    var stop = tapForm(
      "/api/v1/symptoms/{client:" + action.client + "}/stop/", "crying-stop", "Crying stopped", "Stop crying timer ", "btn-warning"
    );
    stop.className = "";
    stop.dataset.offlineRunning = "";
    var since = document.createElement("span");
    since.dataset.since = action.tappedAt;
    stop.querySelector("button").append("(", since, ")");
    box.prepend(stop);
    box.querySelector("[data-offline-starts]").hidden = true;
  }

  function apply(form, action) {
    var effect = action.effect;
    if (effect === "feed-start") startFeed(action);
    else if (effect === "crying-start") startCrying(action);
    else if (effect === "feed-switch" && form) switchFeed(form, action);
    else if ((effect === "feed-stop" || effect === "crying-stop") && form) stopRunning(form);
  }

  // A queued action seen again (the page reopened offline): redo its change on the page.
  function reapply(action) {
    var form = document.querySelector('form[data-offline="' + action.endpoint + '"]');
    apply(form, action);
  }

  function bodyOf(form, submitter) {
    var data = new FormData(form, submitter);
    var body = {};
    data.forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") body[name] = value;
    });
    (form.dataset.offlineBools || "").split(/\s+/).filter(Boolean).forEach(function (name) {
      body[name] = data.has(name);
    });
    if (form.dataset.offlineDay) body[form.dataset.offlineDay] = day;
    return body;
  }

  function labelOf(form, submitter) {
    var named = submitter && submitter.getAttribute("aria-label");
    if (named) return named;
    var label = form.dataset.offlineLabel || (submitter ? submitter.textContent.trim() : "A tap");
    if (submitter && submitter.name && form.dataset.offlineLabel) label += " (" + submitter.textContent.trim() + ")";
    return label;
  }

  function queue(form, submitter) {
    var body = bodyOf(form, submitter);
    var effect = form.dataset.offlineEffect || "";
    var action = {
      endpoint: form.dataset.offline,
      body: body,
      atField: body.status === "skipped" ? null : form.dataset.offlineAt || null,
      label: labelOf(form, submitter),
      effect: effect,
      csrf: csrf(),
      client: /-start$/.test(effect) ? crypto.randomUUID() : null,
    };
    return Queue.add(action).then(function (saved) {
      showRow(saved, "waiting");
      apply(form, saved);
      toast(saved.label + " at " + hhmm(saved.tappedAt) + ": kept on this phone, waiting to sync.", function () {
        Queue.drop(saved.seq).then(function (dropped) {
          if (!dropped) toast("That was sent already: to remove it, delete it in History.", null, "warning");
        });
      }, "warning");
      askForSync();
      if (navigator.onLine) send();
    });
  }

  function askForSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready
      .then(function (registration) {
        if (registration.sync) return registration.sync.register(Queue.SYNC_TAG);
      })
      .catch(function () {});  // no Background Sync: sent on the next open or "online"
  }

  function send() {
    return Queue.replay(csrf()).catch(function () {});
  }

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!form.dataset || !form.dataset.offline) return;
      var submitter = event.submitter;
      var madeHere = !form.getAttribute("action");  // a form this script made: the queue only
      if (navigator.onLine && !madeHere && !document.querySelector('[data-testid="queued-action"][data-state="waiting"]')) {
        return;  // online with nothing waiting: the page posts it as always
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      queue(form, submitter);
    },
    true
  );

  // What happens to each action, from this page, another tab or the service worker.
  if (typeof BroadcastChannel !== "undefined") {
    new BroadcastChannel(Queue.CHANNEL).onmessage = function (event) {
      var message = event.data;
      var action = message.action;
      if (message.type === "queued" && !rowOf(action.seq)) {
        showRow(action, "waiting");
      } else if (message.type === "saved") {
        showRow(action, "saved");
        toast("Saved: " + action.label + " at " + hhmm(action.tappedAt) + ".", null, "success");
      } else if (message.type === "refused") {
        showRow(action, "refused", message.reason);
        toast("Not saved: " + action.label + " at " + hhmm(action.tappedAt) + ". " + message.reason, null, "danger");
      } else if (message.type === "later" && rowOf(action.seq)) {
        showRow(action, "waiting", message.reason);
      } else if (message.type === "dropped") {
        var row = rowOf(action.seq);
        if (row) row.remove();
        if (action.effect) window.location.reload();  // the page as it was before that tap
      }
    };
  }

  Queue.list().then(function (actions) {
    actions.forEach(function (action) {
      showRow(action, "waiting");
      reapply(action);
    });
    if (actions.length && navigator.onLine) send();
  });
  window.addEventListener("online", send);
})();
