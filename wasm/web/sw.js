// The service worker that lets the page work offline after a first visit.
//
// Strategy: network first, cache as the fallback. The server marks every
// file no-cache with an ETag, so going to the network costs a 304 when
// nothing changed, and a new build (new wasm, new scripts) replaces the
// cached copy the first time it is seen: there is no version to bump and no
// old build can outlive a visit made online. Offline, every file the page,
// the view or the co-search worker fetched before comes from the cache.
"use strict";
const CACHE = "dian-explorer";
// The page's shell, fetched at install so the first offline visit works
// even for files the first visit had loaded before this worker ran.
const SHELL = ["./", "main.js", "dom.js", "core.js", "result.js", "compare.js", "saved.js", "msgpack.js", "style.css", "viz.html", "viz.js", "worker.js", "wasm_exec.js", "page.wasm", "worker.wasm"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET" || new URL(req.url).origin !== location.origin) return;
  event.respondWith(networkFirst(req));
});

async function networkFirst(req) {
  const cache = await caches.open(CACHE);
  try {
    const resp = await fetch(req);
    if (resp.ok) await cache.put(req, resp.clone());
    return resp;
  } catch (err) {
    const hit = await cache.match(req, { ignoreSearch: true });
    if (hit) return hit;
    throw err;
  }
}
