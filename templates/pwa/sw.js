{% autoescape off %}// The app's service worker (served at /sw.js by tracker/views/pwa.py; see tracker/pwa.py).
// Static files: cache first, stored on install under this deploy's version. Her pages (Today, the
// dashboard, History's lists): network first, the last copy she loaded when there is no network.
"use strict";

const CONFIG = {{ config }};
// The offline queue (tracker/static/tracker/offline_queue.js): Background Sync sends it.
importScripts(CONFIG.queueScript);
const SHELL = "shell-" + CONFIG.version;
const PAGES = "pages";  // one cache, emptied when its owner changes or she logs out
const OWNER_KEY = "/__page-owner__";

self.addEventListener("install", (event) => {
  // A new version waits until she taps "Reload" (SKIP_WAITING), so a page never runs with
  // another version's files; the very first one takes over at once (nothing to replace).
  event.waitUntil(
    caches.open(SHELL).then((cache) => cache.addAll(CONFIG.shell)).then(() => savePage(CONFIG.today))
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("shell-") && key !== SHELL).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

// Today's taps kept offline, sent when the browser says the network is back. What is left
// (the server could not take it yet) fails the sync, so the browser tries again later.
self.addEventListener("sync", (event) => {
  if (event.tag !== self.TrackerQueue.SYNC_TAG) return;
  event.waitUntil(
    self.TrackerQueue.replay(null)
      .then(() => self.TrackerQueue.list())
      .then((left) => {
        if (left.length) throw new Error(left.length + " taps still waiting");
      })
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
  // A page that loaded before this worker took it over (her first page after logging in) was
  // not kept: the page asks for it to be fetched and kept now, so it opens offline too.
  if (event.data && event.data.type === "KEEP_PAGE") {
    const url = new URL(event.data.url, self.location.origin);
    if (url.origin === self.location.origin && CONFIG.offlinePages.includes(url.pathname)) {
      event.waitUntil(savePage(url.href));
    }
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    // Logging in or out (or anything else under /accounts/): the pages kept so far may be
    // someone else's from now on.
    if (url.pathname.startsWith("/accounts/")) event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (CONFIG.shell.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname, { cacheName: SHELL }).then((hit) => hit || fetch(request)));
  } else if (request.mode === "navigate" && CONFIG.offlinePages.includes(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
});

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    await keepPage(request.url, response.clone());
    return response;
  } catch (offline) {
    const cache = await caches.open(PAGES);
    return (await cache.match(request.url)) || offlinePage();
  }
}

async function savePage(url) {
  try {
    await keepPage(new URL(url, self.location.origin).href, await fetch(url, { credentials: "same-origin" }));
  } catch (offline) {
    // Installing without a network: the page is kept the next time she opens it.
  }
}

// Only a whole page (200, not a redirect to the login page) rendered for a signed-in user; when
// it is someone else's than the pages kept so far, those are dropped first.
async function keepPage(url, response) {
  const owner = response.headers.get("X-Page-Owner");
  if (response.status !== 200 || response.redirected || response.type !== "basic" || !owner) return;
  let cache = await caches.open(PAGES);
  const kept = await cache.match(OWNER_KEY);
  if (!kept || (await kept.text()) !== owner) {
    await caches.delete(PAGES);
    cache = await caches.open(PAGES);
    await cache.put(OWNER_KEY, new Response(owner));
  }
  await cache.put(url, response);
}

function offlinePage() {
  const body =
    '<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<meta name="color-scheme" content="light dark"><title>Offline · Probiotic tracker</title>' +
    "<h1>You are offline</h1><p>This page was not opened on this phone before, so there is no copy of it.</p>" +
    '<p><a href="' + CONFIG.today + '">Open Today</a></p></html>';
  return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}
// Push reminders (tracker/reminders/push.py): the payload carries the title, the body, a tag
// (a second copy of one reminder replaces the first), the page a tap opens, and the paths
// "Took it" and "Snooze 30 min" POST to with the reminder's signed token (no login or page
// needed, so they work from the lock screen).
self.addEventListener("push", (event) => {
  let reminder = {};
  try {
    reminder = event.data ? event.data.json() : {};
  } catch (unreadable) {
    reminder = {};
  }
  const actions = [];
  if (reminder.took) actions.push({ action: "took", title: "Took it" });
  if (reminder.snooze) actions.push({ action: "snooze", title: "Snooze 30 min" });
  event.waitUntil(
    self.registration.showNotification(reminder.title || "Time for your probiotic", {
      body: reminder.body || "",
      tag: reminder.tag,
      renotify: Boolean(reminder.tag),
      requireInteraction: true,
      icon: CONFIG.icon,
      badge: CONFIG.icon,
      actions: actions,
      data: { open: reminder.open || CONFIG.today, took: reminder.took, snooze: reminder.snooze },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  const notification = event.notification;
  const data = notification.data || {};
  notification.close();
  if (event.action === "took" || event.action === "snooze") {
    event.waitUntil(answer(data[event.action], notification));
  } else {
    event.waitUntil(openPage(data.open || CONFIG.today));
  }
});

// POST the button's signed link; say what happened in a notification of its own (the phone
// may be locked: no page to show it on).
async function answer(path, notification) {
  let words;
  try {
    const response = await fetch(path, { method: "POST", credentials: "same-origin" });
    const result = await response.json();
    words = result.done || result.error;
  } catch (offline) {
    words = "No connection: nothing was logged. Open the app to log your dose.";
  }
  await self.registration.showNotification(notification.title, { body: words, tag: notification.tag, icon: CONFIG.icon });
}

async function openPage(path) {
  const url = new URL(path, self.location.origin).href;
  const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const tab = open.find((client) => client.url === url) || open[0];
  if (tab) {
    if (tab.url !== url && "navigate" in tab) await tab.navigate(url);
    return tab.focus();
  }
  return self.clients.openWindow(url);
}
{% endautoescape %}
