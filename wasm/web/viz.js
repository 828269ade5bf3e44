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
  // Ebiten makes its canvas focusable with tabindex 1, hides the focus
  // ring and swallows every key, Tab included, so a keyboard user who
  // reached it could not leave. Keys reach the canvas only in the target
  // phase, so a capture listener on the window sees them first: Tab and
  // Escape are kept from Ebiten (Tab then moves the focus on as anywhere
  // else; Escape hands the focus back to the page), and the canvas gets
  // tabindex 0 and a visible focus ring.
  window.addEventListener("keydown", (e) => {
    if (e.key === "Tab") e.stopImmediatePropagation();
    if (e.key === "Escape") { e.stopImmediatePropagation(); document.activeElement.blur(); window.parent.focus(); }
  }, true);
  // The frame's document has a main landmark with a heading only screen
  // readers see, and the canvas (which Ebiten appends to the body and
  // sizes to it, so it stays there) is a labelled region. Styles are set
  // from script: the policy allows no inline style.
  const hide = (e) => Object.assign(e.style, { position: "absolute", width: "1px", height: "1px", overflow: "hidden", clipPath: "inset(50%)", whiteSpace: "nowrap" });
  document.addEventListener("DOMContentLoaded", () => {
    const main = document.getElementById("views");
    if (main) Object.assign(main.style, { position: "absolute", width: "1px", height: "1px", overflow: "hidden" });
    const h1 = document.getElementById("views-title");
    if (h1) hide(h1);
  });
  new MutationObserver((_, obs) => {
    const canvas = document.querySelector("canvas");
    if (!canvas) return;
    obs.disconnect();
    canvas.setAttribute("role", "region");
    canvas.setAttribute("tabindex", "0");
    canvas.setAttribute("aria-label", "Accelerator view: keys V switch views, Space plays, → steps a cycle, [ and ] change layer, Tab leaves");
    const ring = (on) => { canvas.style.outline = on ? "3px solid #f5a623" : "none"; canvas.style.outlineOffset = "-3px"; };
    // As :focus-visible: a ring for keyboard focus, none when Ebiten
    // focuses its own canvas or a click does.
    canvas.addEventListener("focus", () => ring(canvas.matches(":focus-visible")));
    canvas.addEventListener("blur", () => ring(false));
  }).observe(document.documentElement, { childList: true, subtree: true });

  const go = new Go();
  WebAssembly.instantiateStreaming(fetch("page.wasm"), go.importObject)
    .then((r) => go.run(r.instance))
    .then(() => report("the accelerator view stopped"))
    .catch((e) => report("the accelerator view failed to start: " + e));
})();
