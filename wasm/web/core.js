// The co-search worker as the page sees it: a connection that speaks
// MessagePack with the Go worker, and waiting for the worker and the
// accelerator view to start.
import { encode, decode } from "./msgpack.js";

const STARTUP_MS = 60000;


// CoreWorker talks MessagePack with the Go worker: requests carry an id, and
// the reply with the same id settles the request's promise. Progress
// messages carry their search's id and go to that search's listener.
export class CoreWorker {
  constructor(url) {
    this.url = url;
    this.pending = new Map();
    this.listeners = new Map(); // id → progress listener
    this.keepers = new Map(); // id → checkpoint listener
    this.nextID = 1;
    this.restarts = 0;
    this.onStray = (msg) => console.warn("worker:", msg.message || msg.type); // an error no request waits for
    this.onRestart = () => {};
    this.start();
  }
  start() {
    this.started = false;
    this.worker = new Worker(this.url);
    this.ready = new Promise((resolve, reject) => {
      this.onReady = resolve;
      this.onFatal = reject;
    });
    this.ready.catch(() => {}); // a restart's failure is reported through fatal
    this.worker.onmessage = (e) => this.receive(e.data);
    this.worker.onerror = (e) => this.fatal("the worker script failed: " + (e.message || "unknown error"));
  }
  receive(data) {
    if (!(data instanceof ArrayBuffer || ArrayBuffer.isView(data))) {
      this.fatal(data && data.message ? data.message : "unexpected message from the worker");
      return;
    }
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    let msg;
    try { msg = decode(bytes); } catch (err) { this.fatal("unreadable message from the worker: " + err.message); return; }
    if (msg.type === "ready") { this.version = msg.version; this.started = true; this.onReady(msg); return; }
    if (msg.type === "progress") {
      const listen = this.listeners.get(msg.id);
      if (listen) listen(msg, bytes);
      return;
    }
    if (msg.type === "checkpoint") {
      const keep = this.keepers.get(msg.id);
      if (keep) keep(msg);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) {
      if (msg.type === "error") this.onStray(msg);
      return;
    }
    this.pending.delete(msg.id);
    this.listeners.delete(msg.id);
    this.keepers.delete(msg.id);
    if (msg.type === "error") {
      const err = new Error(msg.message);
      err.problems = msg.problems || [];
      p.reject(err);
    } else p.resolve(msg);
  }
  // fatal fails every waiting request. A worker that had started is
  // restarted (at most three times), and onRestart says so; one that never
  // started is given up.
  fatal(message) {
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
    this.listeners.clear();
    this.keepers.clear();
    if (!this.started || this.restarts >= 3) {
      this.dead = message;
      this.onFatal(new Error(message));
      return;
    }
    this.restarts++;
    this.worker.terminate();
    this.start();
    this.onRestart(message);
  }
  // request sends msg and resolves with the reply; a search's progress
  // and checkpoint messages go to onProgress and onCheckpoint meanwhile.
  request(msg, onProgress, onCheckpoint) {
    if (this.dead) return Promise.reject(new Error(this.dead));
    const id = this.nextID++;
    const bytes = encode({ ...msg, id });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (onProgress) this.listeners.set(id, onProgress);
      if (onCheckpoint) this.keepers.set(id, onCheckpoint);
      // A restarted worker reads messages only once its Go program runs.
      const send = () => this.worker.postMessage(bytes.buffer, [bytes.buffer]);
      if (this.started) send(); else this.ready.then(send, reject);
    });
  }
}

export function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not start within ${STARTUP_MS / 1000} s`)), STARTUP_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// vizReady resolves when the accelerator view has drawn its first frame.
export function vizReady(frame) {
  return new Promise((resolve, reject) => {
    window.addEventListener("message", (e) => {
      if (e.origin !== location.origin || e.source !== frame.contentWindow || !e.data) return;
      if (e.data.type === "viz-ready") resolve(frame.contentWindow.dianViz);
      if (e.data.type === "viz-error") reject(new Error(e.data.message));
    });
  });
}
