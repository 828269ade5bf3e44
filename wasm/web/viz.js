// Boots the Ebiten accelerator view (page.wasm) inside viz.html.
"use strict";
(() => {
  const report = (message) => {
    console.error(message);
    window.parent.postMessage({ type: "viz-error", message: String(message) }, location.origin);
  };
  const go = new Go();
  WebAssembly.instantiateStreaming(fetch("page.wasm"), go.importObject)
    .then((r) => go.run(r.instance))
    .then(() => report("the accelerator view stopped"))
    .catch((e) => report("the accelerator view failed to start: " + e));
})();
