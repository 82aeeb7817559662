/* pollwatch observer page: the outbox, kept in IndexedDB, and what the page keeps for offline
   use (device token, assignments, form definitions).

   A report goes into the outbox with a key made on the phone (a UUID); sending posts it to
   /api/v1/submissions with that key, so a report sent twice (a lost answer, a retry after
   reconnecting) is stored once by the server. States: queued -> sending -> sent | rejected;
   a network failure puts it back to queued. */
(function (global) {
  "use strict";

  const DB_NAME = "pollwatch-observe";
  const DB_VERSION = 1;
  let opening = null;

  function openDb() {
    if (opening) return opening;
    opening = new Promise(function (resolve, reject) {
      const request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        const db = request.result;
        if (!db.objectStoreNames.contains("outbox")) db.createObjectStore("outbox", { keyPath: "key" });
        if (!db.objectStoreNames.contains("kept")) db.createObjectStore("kept");
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
    return opening;
  }

  function run(storeName, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        const transaction = db.transaction(storeName, mode);
        const request = work(transaction.objectStore(storeName));
        transaction.oncomplete = function () { resolve(request ? request.result : undefined); };
        transaction.onerror = function () { reject(transaction.error); };
        transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  const Kept = {
    get: function (name) { return run("kept", "readonly", function (s) { return s.get(name); }); },
    set: function (name, value) { return run("kept", "readwrite", function (s) { return s.put(value, name); }); },
  };

  function uuid() {
    if (global.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  const Outbox = {
    uuid: uuid,
    add: function (item) {
      item.state = "queued";
      item.created = item.created || Date.now();
      return run("outbox", "readwrite", function (s) { return s.put(item); });
    },
    update: function (key, changes) {
      return run("outbox", "readwrite", function (s) {
        const request = s.get(key);
        request.onsuccess = function () {
          if (request.result) s.put(Object.assign(request.result, changes));
        };
        return request;
      });
    },
    remove: function (key) { return run("outbox", "readwrite", function (s) { return s.delete(key); }); },
    all: function () {
      return run("outbox", "readonly", function (s) { return s.getAll(); }).then(function (items) {
        return (items || []).sort(function (a, b) { return b.created - a.created; });
      });
    },
  };

  let syncing = null;

  /* Send every queued report, one after the other. ``onChange`` is called after each change.
     Resolves to {sent, rejected, failed, unauthorised}. */
  function sync(api, token, onChange) {
    if (syncing) return syncing;
    const summary = { sent: 0, rejected: 0, failed: 0, unauthorised: false };
    syncing = Outbox.all().then(function (items) {
      const queued = items.filter(function (i) { return i.state === "queued" || i.state === "sending"; }).reverse();
      return queued.reduce(function (chain, item) {
        return chain.then(function () {
          if (summary.unauthorised || !token) return;
          return sendOne(api, token, item, summary).then(onChange);
        });
      }, Promise.resolve());
    }).then(function () { return summary; }).finally(function () { syncing = null; });
    return syncing;
  }

  function sendOne(api, token, item, summary) {
    return Outbox.update(item.key, { state: "sending" }).then(function () {
      return fetch(api + "/submissions", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Authorization": "Bearer " + token,
                   "X-Pollwatch-Client": "web" },
        body: JSON.stringify(item.body),
        credentials: "omit",
      });
    }).then(function (response) {
      if (response.status === 200 || response.status === 201) {
        return response.json().then(function (data) {
          summary.sent += 1;
          return Outbox.update(item.key, { state: "sent", sentAt: Date.now(), submission: data.id,
                                           flags: data.flags || [], reason: "", errors: [] });
        });
      }
      if (response.status === 409 || response.status === 422) {
        return response.json().then(function (data) {
          summary.rejected += 1;
          return Outbox.update(item.key, { state: "rejected", reason: data.reason || "",
                                           errors: data.errors || [] });
        });
      }
      if (response.status === 401 || response.status === 403) summary.unauthorised = true;
      summary.failed += 1;
      return Outbox.update(item.key, { state: "queued", lastError: "HTTP " + response.status });
    }).catch(function (error) {
      summary.failed += 1;
      return Outbox.update(item.key, { state: "queued", lastError: String(error) });
    });
  }

  global.PollwatchOutbox = { Outbox: Outbox, Kept: Kept, sync: sync };
})(window);
