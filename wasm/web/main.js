// The page's glue: starts the co-search worker and the accelerator view,
// wires the controls to them, and keeps document.body.dataset.state true to
// what a person sees (loading → idle, or error with window.dianError set).
import { encode, decode } from "./msgpack.js";

const $ = (id) => document.getElementById(id);
const STARTUP_MS = 60000;

function setState(s) { document.body.dataset.state = s; }

function fail(message) {
  window.dianError = String(message);
  setState("error");
  const box = $("error");
  box.textContent = window.dianError;
  box.hidden = false;
  $("status").textContent = "Stopped.";
}

// CoreWorker talks MessagePack with the Go worker: requests carry an id, and
// the reply with the same id settles the request's promise.
class CoreWorker {
  constructor(url) {
    this.pending = new Map();
    this.nextID = 1;
    this.worker = new Worker(url);
    this.ready = new Promise((resolve, reject) => {
      this.onReady = resolve;
      this.onFatal = reject;
    });
    this.worker.onmessage = (e) => this.receive(e.data);
    this.worker.onerror = (e) => this.fatal("the worker script failed: " + (e.message || "unknown error"));
  }
  receive(data) {
    if (!(data instanceof ArrayBuffer || ArrayBuffer.isView(data))) {
      this.fatal(data && data.message ? data.message : "unexpected message from the worker");
      return;
    }
    let msg;
    try { msg = decode(data); } catch (err) { this.fatal("unreadable message from the worker: " + err.message); return; }
    if (msg.type === "ready") { this.version = msg.version; this.onReady(msg); return; }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.type === "error") p.reject(new Error(msg.message)); else p.resolve(msg);
  }
  fatal(message) {
    this.onFatal(new Error(message));
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
  }
  request(msg) {
    const id = this.nextID++;
    const bytes = encode({ ...msg, id });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(bytes.buffer, [bytes.buffer]);
    });
  }
}

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not start within ${STARTUP_MS / 1000} s`)), STARTUP_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// vizReady resolves when the accelerator view has drawn its first frame.
function vizReady(frame) {
  return new Promise((resolve, reject) => {
    window.addEventListener("message", (e) => {
      if (e.origin !== location.origin || e.source !== frame.contentWindow || !e.data) return;
      if (e.data.type === "viz-ready") resolve(frame.contentWindow.dianViz);
      if (e.data.type === "viz-error") reject(new Error(e.data.message));
    });
  });
}

function showPlatform(p) {
  const facts = [["PE array", `${p.rows} × ${p.cols} = ${p.rows * p.cols} PEs`], ["Target", p.target.toUpperCase()], ["Clock", `${p.clockMHz} MHz`]];
  if (p.dsp) facts.push(["DSP slices", p.dsp]);
  if (p.bram18) facts.push(["BRAM18 blocks", p.bram18]);
  if (p.bufferKB) facts.push(["Global buffer", `${p.bufferKB} KB`]);
  if (p.techNM) facts.push(["Process", `${p.techNM} nm`]);
  const dl = $("platform-facts");
  dl.replaceChildren(...facts.flatMap(([k, v]) => {
    const dt = document.createElement("dt"); dt.textContent = k;
    const dd = document.createElement("dd"); dd.textContent = v;
    return [dt, dd];
  }));
}

async function start() {
  const frame = $("viz");
  const viz = vizReady(frame);
  const core = new CoreWorker("worker.js");
  await withTimeout(core.ready, "the co-search core");
  const pong = await core.request({ type: "ping" });
  const dianViz = await withTimeout(viz, "the accelerator view");

  const select = $("platform");
  const byName = new Map(pong.platforms.map((p) => [p.name, p]));
  select.replaceChildren(...pong.platforms.map((p) => new Option(p.title, p.name)));
  select.disabled = false;
  select.addEventListener("change", () => {
    const msg = dianViz.setPlatform(select.value);
    if (msg) { fail(msg); return; }
    showPlatform(byName.get(select.value));
  });
  showPlatform(pong.platforms[0]);

  // Test hooks: what the canvas draws, in this page's CSS pixels.
  window.dianWorkerPing = pong;
  window.dianPEGrid = () => {
    const g = JSON.parse(dianViz.layout());
    const r = frame.getBoundingClientRect();
    g.cells = g.cells.map(([x, y, w, h]) => [x + r.left + frame.clientLeft, y + r.top + frame.clientTop, w, h]);
    return g;
  };
  window.dianStats = { get fps() { return dianViz.fps(); }, get frames() { return dianViz.frames(); } };

  $("status").textContent = `Ready: co-search core ${pong.version} (${pong.goVersion}) is running in a Web Worker.`;
  setState("idle");
}

start().catch((err) => fail(err.message || String(err)));
