// Boots the co-search core (worker.wasm) in a Web Worker. The Go program
// sets onmessage itself and posts a "ready" message when it can take work.
"use strict";

// Every file the core fetches (its wasm, datasets, snapshots) is kept in
// the same cache as the service worker's (sw.js), network first, so a
// search that ran once runs offline too, even when this worker started
// before the service worker took control of the page.
const CACHE = "dian-explorer";
const networkFetch = self.fetch.bind(self);
self.fetch = async (input, init) => {
  const cache = self.caches ? await self.caches.open(CACHE).catch(() => null) : null;
  try {
    const resp = await networkFetch(input, init);
    if (resp.ok && cache) await cache.put(input, resp.clone()).catch(() => {});
    return resp;
  } catch (err) {
    const hit = cache && (await cache.match(input));
    if (hit) return hit;
    throw err;
  }
};

importScripts("wasm_exec.js");
const go = new Go();
WebAssembly.instantiateStreaming(fetch("worker.wasm"), go.importObject)
  .then((r) => go.run(r.instance))
  .then(() => { throw new Error("the co-search core stopped"); })
  .catch((e) => {
    // Errors are reported as a plain object; the page treats it as fatal.
    postMessage({ type: "fatal", message: "co-search core: " + (e && e.message ? e.message : e) });
  });
