// Boots the Ebiten accelerator view (page.wasm) inside viz.html.
"use strict";
(() => {
  const report = (message) => {
    console.error(message);
    window.parent.postMessage({ type: "viz-error", message: String(message) }, location.origin);
  };
  // Ebiten asks for WebGL's defaults beside its own attributes, and the
  // default is a multisampled, translucent drawing buffer with a depth
  // buffer: every frame then resolves 4 samples per pixel and the
  // compositor blends the canvas over the page. The view antialiases
  // nothing through WebGL, uses no depth and paints every pixel opaque, so
  // none of it is needed; in software WebGL (headless Chromium here) the
  // accelerator view playing a layer draws 20–28 frames/s without it,
  // 17–21 with it.
  const getContext = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (type, attrs) {
    if (type === "webgl2" || type === "webgl") attrs = Object.assign({}, attrs, { antialias: false, alpha: false, depth: false });
    return getContext.call(this, type, attrs);
  };
  const go = new Go();
  WebAssembly.instantiateStreaming(fetch("page.wasm"), go.importObject)
    .then((r) => go.run(r.instance))
    .then(() => report("the accelerator view stopped"))
    .catch((e) => report("the accelerator view failed to start: " + e));
})();
