// Boots the co-search core (worker.wasm) in a Web Worker. The Go program
// sets onmessage itself and posts a "ready" message when it can take work.
"use strict";
importScripts("wasm_exec.js");
const go = new Go();
WebAssembly.instantiateStreaming(fetch("worker.wasm"), go.importObject)
  .then((r) => go.run(r.instance))
  .then(() => { throw new Error("the co-search core stopped"); })
  .catch((e) => {
    // Errors are reported as a plain object; the page treats it as fatal.
    postMessage({ type: "fatal", message: "co-search core: " + (e && e.message ? e.message : e) });
  });
