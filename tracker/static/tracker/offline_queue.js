// The offline queue: Today's taps made without a network, kept in IndexedDB (database
// "tracker-offline") with the time she tapped and an Idempotency-Key of their own, and sent
// through the API (/api/v1/, her session with the page's CSRF token) in the order she tapped.
// Used by the page (offline_today.js) and by the service worker (templates/pwa/sw.js, for
// Background Sync), so it touches no page: what happens to each action is posted on the
// BroadcastChannel "tracker-offline" for every open page to show.
//
// One sender at a time: the queue is sent under a Web Lock (navigator.locks, shared by the
// origin's tabs and its worker), reading each action afresh inside it; an action leaves the
// queue once the server has answered it. Sent twice anyway (a page closed between the answer
// and the delete), its Idempotency-Key makes the server answer the first response again and
// write nothing (for 24 hours): at least once on the wire, once in her record.
//
// A start made offline (a feed, a crying spell) has a client id; a later switch or stop of it
// names "{client:<id>}" in its endpoint, replaced by the server's id once the start is saved.
(function (scope) {
  "use strict";
  var DB_NAME = "tracker-offline";
  var QUEUE = "queue";  // the actions, by seq (the order she tapped)
  var IDS = "ids";  // client id -> the server's id of the record its start made
  var LOCK = "tracker-offline-queue";
  var CHANNEL = "tracker-offline";
  var CLIENT_ID = /\{client:([0-9a-f-]+)\}/;

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  var opened = null;
  function db() {
    if (!opened) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore(QUEUE, { keyPath: "seq", autoIncrement: true });
        req.result.createObjectStore(IDS, { keyPath: "client" });
      };
      opened = request(req);
    }
    return opened;
  }

  // Runs fn(stores) in one transaction over ``names``; resolves with fn's result once committed.
  function inTransaction(names, mode, fn) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var tx = database.transaction(names, mode);
        var stores = {};
        names.forEach(function (name) { stores[name] = tx.objectStore(name); });
        var result = fn(stores);
        tx.oncomplete = function () { Promise.resolve(result).then(resolve); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function announce(message) {
    if (typeof BroadcastChannel === "undefined") return;
    var channel = new BroadcastChannel(CHANNEL);
    channel.postMessage(message);
    channel.close();
  }

  // Queue an action: {endpoint, body, atField, label, csrf, client?}. Resolves with it, seq set.
  function add(action) {
    action.key = action.key || scope.crypto.randomUUID();
    action.tappedAt = action.tappedAt || new Date().toISOString();
    return inTransaction([QUEUE], "readwrite", function (stores) {
      return request(stores[QUEUE].add(action)).then(function (seq) {
        action.seq = seq;
        return action;
      });
    }).then(function (saved) {
      announce({ type: "queued", action: saved });
      return saved;
    });
  }

  function list() {
    return inTransaction([QUEUE], "readonly", function (stores) {
      return request(stores[QUEUE].getAll());
    });
  }

  // Drop a queued action (her Undo), and any later one that names the record its start makes.
  // Resolves with how many were dropped: 0 when it was sent already.
  function drop(seq) {
    var dropped = [];
    return inTransaction([QUEUE], "readwrite", function (stores) {
      return request(stores[QUEUE].getAll()).then(function (actions) {
        var gone = actions.filter(function (a) { return a.seq === seq; });
        var client = gone.length && gone[0].client;
        actions.forEach(function (a) {
          if (a.seq === seq || (client && a.endpoint.indexOf("{client:" + client + "}") !== -1)) {
            stores[QUEUE].delete(a.seq);
            dropped.push(a);
          }
        });
      });
    }).then(function () {
      dropped.forEach(function (a) { announce({ type: "dropped", action: a }); });
      return dropped.length;
    });
  }

  function serverId(client) {
    return inTransaction([IDS], "readonly", function (stores) {
      return request(stores[IDS].get(client));
    }).then(function (row) { return row ? row.server : null; });
  }

  // What the server said, in her words: the field errors' messages, else the detail.
  function reasonOf(status, data) {
    if (data && data.errors) {
      var messages = [];
      Object.keys(data.errors).forEach(function (field) { messages = messages.concat(data.errors[field]); });
      if (messages.length) return messages.join(" ");
    }
    if (data && data.detail) return data.detail;
    return "The server refused it (" + status + ").";
  }

  // Send one action. Resolves with {outcome: "saved" | "refused" | "later", ...}.
  function send(action, csrf) {
    var match = CLIENT_ID.exec(action.endpoint);
    var found = match ? serverId(match[1]) : Promise.resolve(null);
    return found.then(function (id) {
      if (match && id === null) {
        return { outcome: "refused", reason: "The record it belongs to was not saved, so this was not saved either." };
      }
      var endpoint = match ? action.endpoint.replace(CLIENT_ID, String(id)) : action.endpoint;
      var body = Object.assign({}, action.body);
      if (action.atField) body[action.atField] = action.tappedAt;
      return fetch(endpoint, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrf || action.csrf,
          "Idempotency-Key": action.key,
        },
        body: JSON.stringify(body),
      }).then(
        function (response) {
          return response.json().catch(function () { return null; }).then(function (data) {
            if (response.ok) return { outcome: "saved", data: data };
            if (response.status === 401 || response.status === 403) {
              return { outcome: "later", reason: "Log in again to send what is waiting." };
            }
            if (response.status === 429 || response.status >= 500) {
              return { outcome: "later", reason: "The server could not take it yet; it will be sent again." };
            }
            return { outcome: "refused", reason: reasonOf(response.status, data), status: response.status };
          });
        },
        function () { return { outcome: "later", reason: "No connection yet." }; }
      );
    });
  }

  // The answer is kept (the action leaves the queue, a start's server id is kept) in one
  // transaction, so a page closed now sends it again at worst, under the same key.
  function settle(action, result) {
    return inTransaction([QUEUE, IDS], "readwrite", function (stores) {
      stores[QUEUE].delete(action.seq);
      if (result.outcome === "saved" && action.client && result.data && result.data.id != null) {
        stores[IDS].put({ client: action.client, server: result.data.id });
      }
    });
  }

  function sendAll(csrf) {
    var done = [];
    function next() {
      return list().then(function (actions) {
        if (!actions.length) return done;
        var action = actions[0];
        return send(action, csrf).then(function (result) {
          announce({ type: result.outcome, action: action, reason: result.reason || "", data: result.data || null });
          if (result.outcome === "later") return done;  // kept, in order: the rest waits behind it
          done.push(result);
          return settle(action, result).then(next);
        });
      });
    }
    return next();
  }

  // Send what is queued, in order, one sender at a time across tabs and the worker.
  function replay(csrf) {
    if (scope.navigator.locks) {
      return scope.navigator.locks.request(LOCK, function () { return sendAll(csrf); });
    }
    return sendAll(csrf);  // no Web Locks: the Idempotency-Keys still make a double send harmless
  }

  scope.TrackerQueue = {
    CHANNEL: CHANNEL,
    SYNC_TAG: "tracker-offline-queue",
    add: add,
    list: list,
    drop: drop,
    replay: replay,
    serverId: serverId,
    reasonOf: reasonOf,
  };
})(self);
