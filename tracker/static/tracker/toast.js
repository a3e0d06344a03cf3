// The toast after a tap on Today: what was logged, with an Undo button, for 10 seconds.
// The server renders it as a message (templates/tracker/_undo_toast.html) whose Undo is a form:
// without JavaScript it simply stays on the page. Here it floats above the bottom bar and goes
// after data-undo-ms (DEFAULT_MS unless the page says otherwise). The time waits while a finger,
// the mouse or the keyboard is on the toast, so it never goes while she reaches for it; Escape
// or the close button takes it away at once.
//
// TrackerToast.show({text, onUndo, ms, undo, tone}) makes the same toast from a script, its Undo
// calling onUndo instead of posting a form: the offline queue (offline_today.js) shows one for a
// queued action, its Undo dropping that action before it is ever sent. undo: false makes a toast
// without Undo (what became of a queued action); tone: a Bootstrap alert colour (success).
(function () {
  var DEFAULT_MS = 10000;

  function enhance(toast, onUndo) {
    var ms = Number(toast.dataset.undoMs) || DEFAULT_MS;
    var left = ms, started = 0, timer = null, pointer = false, focus = false;

    function hide() {
      clearTimeout(timer);
      timer = null;
      if (!toast.isConnected) return;
      var hadFocus = toast.contains(document.activeElement);
      toast.remove();
      if (hadFocus) {  // not lost on the page's body: the keyboard goes on from the top of the page
        var main = document.getElementById("main");
        if (main) main.focus({ preventScroll: true });
      }
      toast.dispatchEvent(new CustomEvent("toast:hidden"));
    }
    function run() {
      if (timer || pointer || focus) return;
      started = Date.now();
      timer = setTimeout(hide, left);
    }
    function pause() {
      if (!timer) return;
      clearTimeout(timer);
      timer = null;
      left = Math.max(1000, left - (Date.now() - started));  // a second at least once let go
    }
    function follow() {
      if (pointer || focus) pause();
      else run();
    }

    toast.classList.add("undo-toast-float");
    toast.addEventListener("pointerenter", function () { pointer = true; follow(); });
    toast.addEventListener("pointerleave", function () { pointer = false; follow(); });
    toast.addEventListener("focusin", function () { focus = true; follow(); });
    toast.addEventListener("focusout", function (event) { focus = toast.contains(event.relatedTarget); follow(); });
    toast.addEventListener("keydown", function (event) { if (event.key === "Escape") hide(); });

    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", hide);
    toast.append(close);

    if (onUndo) {
      toast.querySelector(".btn-undo").addEventListener("click", function () {
        hide();
        onUndo();
      });
    }
    // A live region present when the page loads is not read out: its words go in a moment later.
    var words = toast.querySelector(".undo-toast-text");
    var said = words.textContent;
    words.textContent = "";
    setTimeout(function () { words.textContent = said; }, 50);
    run();
    return { element: toast, hide: hide, ms: ms };
  }

  function show(options) {
    var toast = document.createElement("div");
    var undoable = options.undo !== false;
    toast.className = "undo-toast alert alert-" + (options.tone || "success") + " d-flex align-items-center gap-2";
    toast.setAttribute("role", "status");
    toast.setAttribute("aria-live", "polite");
    toast.setAttribute("aria-atomic", "true");
    toast.dataset.undoToast = "";
    toast.dataset.undoMs = String(options.ms || DEFAULT_MS);
    var words = document.createElement("span");
    words.className = "undo-toast-text me-auto";
    words.textContent = options.text;
    var undo = document.createElement("button");
    undo.type = "button";
    undo.className = "btn btn-success btn-undo";
    undo.textContent = "Undo";
    toast.append(words);
    if (undoable) toast.append(undo);
    (document.getElementById("main") || document.body).prepend(toast);
    return enhance(toast, undoable ? options.onUndo || function () {} : null);
  }

  window.TrackerToast = { DEFAULT_MS: DEFAULT_MS, show: show };
  document.querySelectorAll("[data-undo-toast]").forEach(function (toast) { enhance(toast, null); });
})();
