// The page's glue: starts the co-search worker and the accelerator view,
// builds the controls from the worker's table of URL keys, keeps every
// setting in the URL fragment, runs searches and shows their progress and
// results. document.body.dataset.state is loading → idle → running → done,
// or error with window.dianError set; window.dianResult holds a finished
// search's result (the JSON of `dian search -json`).
import { $, el, setState, showError, clearError, num, whole, pct, duration, problemText } from "./dom.js";
import { CoreWorker, withTimeout, vizReady } from "./core.js";
import { renderResult, table, metricRows, describeNet } from "./result.js";
import { Comparison } from "./compare.js";
import { loadCheckpoint, saveCheckpoint, clearCheckpoint, keepResult, keptResults, clearAll, MAX_RESULTS } from "./saved.js";

// ---- the page ----------------------------------------------------------

// Settings are grouped for reading: the few a newcomer changes first, then
// the rest folded under "Advanced settings". A key the table gains later
// lands in "More settings".
const GROUPS = [
  ["Data and hardware", ["dataset", "platform", "seed"]],
  ["Objective", ["objective", "lambda", "adapt", "target"]],
];
const ADVANCED = [
  ["Schedule", ["epochs", "searchset", "pretrained", "warmup", "batch", "shards", "finetune"]],
  ["Search space", ["tau0", "taudecay", "sampling", "ops", "space", "bits", "hwcost", "model"]],
  ["Accelerator search and baselines", ["engine", "pipeline", "accelsteps", "finalsteps", "lrw", "lra", "baselines"]],
];

// LABELS name the settings for people; the URL key stays in small print
// beside each, since links and the command line use it.
const LABELS = {
  dataset: "Dataset", platform: "Hardware platform", seed: "Seed",
  objective: "Hardware objective", lambda: "Hardware weight λ", adapt: "Adapt λ to hold the target", target: "Target band",
  epochs: "Search epochs", searchset: "Images the search trains on", pretrained: "Start from the pretrained supernet",
  warmup: "Warm-up epochs (without pretraining)", batch: "Batch size", shards: "Shards per batch (trained on several workers)", finetune: "Fine-tuning epochs",
  tau0: "Initial temperature τ₀", taudecay: "Temperature decay per epoch", sampling: "How ops are sampled",
  ops: "Candidate ops", space: "Supernet layout", bits: "Bit-widths (8: no precision search)", hwcost: "How the hardware cost reaches the network", model: "FPGA cost model mode",
  engine: "Accelerator search engine", pipeline: "Layers to the FPGA's chunks", accelsteps: "Accelerator evaluations per epoch", finalsteps: "Final accelerator evaluations",
  lrw: "Learning rate of the weights", lra: "Learning rate of the architecture", baselines: "Baselines to run beside it",
};

// labelFor is a setting's human name with its URL key in small print.
function labelFor(name, props = {}, ...before) {
  return el("label", props, ...before, LABELS[name] || name, " ", el("small", { class: "key", text: name }));
}

class Page {
  constructor(core, keys, platforms) {
    this.core = core;
    this.keys = keys.keys;
    this.version = keys.version; // the link version the core writes
    this.lessons = keys.lessons;
    this.platforms = new Map(platforms.map((p) => [p.name, p]));
    this.link = { lock: [], hide: [], lesson: "", result: "", run: false, targets: "" };
    this.comparison = new Comparison(this);
    this.search = null; // { id, started, paused, lastStep, lastTime, rate }
    this.viz = null;
    this.inputs = new Map(); // key name → { get(), set(v), row, controls }
    this.buildControls();
    this.buildClassroom();
    this.buildLessons();
    this.wireButtons();
  }

  // -- controls from the key table --

  buildControls() {
    const form = $("settings");
    form.replaceChildren();
    const known = (names) => names.filter((n) => this.keys.some((k) => k.name === n));
    const listed = [...GROUPS, ...ADVANCED].flatMap(([, names]) => names);
    const more = this.keys.map((k) => k.name).filter((n) => !listed.includes(n));
    const fieldsets = (groups) => groups.map(([title, names]) => [title, known(names)]).filter(([, names]) => names.length)
      .map(([title, names]) => el("fieldset", {}, el("legend", { text: title }), ...names.map((n) => this.makeControl(this.keys.find((k) => k.name === n)))));
    const advanced = el("details", { id: "advanced" }, el("summary", { text: "Advanced settings: schedule, search space, accelerator search, baselines" }),
      ...fieldsets([...ADVANCED, ["More settings", more]]));
    form.append(...fieldsets(GROUPS), advanced);
    form.addEventListener("submit", (e) => e.preventDefault());
  }

  makeControl(key) {
    const row = el("div", { class: "setting" });
    const hint = el("small", { id: `hint-${key.name}`, class: "hint", text: `${key.doc}. Accepts ${key.accepts}; default ${key.default}.` });
    const problem = el("small", { id: `problem-${key.name}`, class: "problem", hidden: true });
    const describe = `hint-${key.name} problem-${key.name}`;
    let get, set, controls;
    const changed = () => this.settingsChanged();
    if (key.kind === "enum") {
      const s = el("select", { id: key.name, name: key.name, "aria-describedby": describe });
      for (const a of key.accepted) {
        const title = key.name === "platform" && this.platforms.has(a) ? `${this.platforms.get(a).title} (${a})` : a;
        s.append(new Option(title, a));
      }
      s.addEventListener("change", changed);
      row.append(labelFor(key.name, { for: key.name }), s);
      // A link may name a value the list does not offer (bits=3,5,7):
      // it becomes an option rather than a blank.
      get = () => s.value;
      set = (v) => { if (![...s.options].some((o) => o.value === v)) s.append(new Option(v, v)); s.value = v; };
      controls = [s];
    } else if (key.kind === "bool") {
      const c = el("input", { type: "checkbox", id: key.name, name: key.name, "aria-describedby": describe });
      c.addEventListener("change", changed);
      row.append(labelFor(key.name, { class: "check", for: key.name }, c, " "));
      get = () => (c.checked ? "1" : "0"); set = (v) => { c.checked = v === "1"; }; controls = [c];
    } else if (key.kind === "list") {
      const box = el("fieldset", { class: "list", "aria-describedby": describe }, el("legend", {}, LABELS[key.name] || key.name, " ", el("small", { class: "key", text: key.name })));
      const boxes = key.accepted.map((a) => {
        const c = el("input", { type: "checkbox", id: `${key.name}-${a}`, value: a });
        c.addEventListener("change", changed);
        box.append(el("label", { class: "check", for: c.id }, c, " " + a));
        return c;
      });
      row.append(box);
      get = () => { const on = boxes.filter((c) => c.checked).map((c) => c.value); return on.length ? on.join(",") : "none"; };
      set = (v) => { const on = v === "all" ? key.accepted : v.split(","); for (const c of boxes) c.checked = on.includes(c.value); };
      controls = boxes;
    } else {
      const numeric = key.kind === "int" || key.kind === "float";
      const i = el("input", { id: key.name, name: key.name, type: numeric ? "number" : "text", "aria-describedby": describe, autocomplete: "off" });
      if (numeric) {
        i.min = key.min; i.max = key.max; i.step = key.kind === "int" ? "1" : "any";
        i.inputMode = key.kind === "int" ? "numeric" : "decimal";
      }
      i.addEventListener("change", changed);
      row.append(labelFor(key.name, { for: key.name }), i);
      get = () => i.value.trim(); set = (v) => { i.value = v; }; controls = [i];
    }
    row.append(hint, problem);
    this.inputs.set(key.name, { get, set, row, controls, problem });
    return row;
  }

  // fragment composes the fragment the controls describe, with the
  // presentation keys of the link that was opened.
  fragment() {
    const parts = [`v=${this.version}`];
    for (const k of this.keys) parts.push(`${k.name}=${encodeURIComponent(this.inputs.get(k.name).get())}`);
    if (this.link.run) parts.push("run=1");
    if (this.link.lock.length) parts.push("lock=" + this.link.lock.join(","));
    if (this.link.hide.length) parts.push("hide=" + this.link.hide.join(","));
    if (this.link.lesson) parts.push("lesson=" + this.link.lesson);
    const seeds = $("cmp-seeds").value.trim(), lambdas = $("cmp-lambdas").value.trim();
    if (seeds) parts.push("seeds=" + encodeURIComponent(seeds));
    if (lambdas) parts.push("lambdas=" + encodeURIComponent(lambdas));
    if (this.link.targets) parts.push("targets=" + this.link.targets);
    if (this.link.engines) parts.push("engines=" + this.link.engines);
    return parts.join("&");
  }

  // apply sets every control from a parse of a fragment and shows its
  // problems beside the controls they concern.
  apply(parsed) {
    this.link = { lock: parsed.lock || [], hide: parsed.hide || [], lesson: parsed.lesson || "", result: parsed.result || "", run: parsed.run, targets: parsed.targets || "", engines: parsed.engines || "" };
    $("cmp-seeds").value = parsed.seeds || "";
    $("cmp-lambdas").value = parsed.lambdas || "";
    for (const k of this.keys) {
      const input = this.inputs.get(k.name);
      input.set(parsed.values[k.name] ?? k.default);
      const locked = this.link.lock.includes(k.name);
      for (const c of input.controls) { c.disabled = locked; c.removeAttribute("aria-invalid"); }
      input.row.classList.toggle("locked", locked);
      input.row.hidden = this.link.hide.includes(k.name);
      input.problem.hidden = true;
    }
    // A link that locks or hides settings is a teacher's: the page it opens
    // cannot change them (the classroom editor is gone, and New seed would
    // change a locked seed), nor does it name the hidden ones.
    const fixed = new Set([...this.link.lock, ...this.link.hide]);
    const classroom = fixed.size > 0;
    $("classroom").hidden = classroom;
    for (const k of this.keys) $(`lock-${k.name}`).disabled = $(`hide-${k.name}`).disabled = classroom;
    $("classroom-note").hidden = !classroom;
    $("classroom-note").textContent = classroom
      ? `This is a classroom link: ${fixed.size} ${fixed.size === 1 ? "setting is" : "settings are"} fixed by whoever made it. Open the page without the link to make your own.`
      : "";
    $("newseed").disabled = this.link.lock.includes("seed");
    for (const p of parsed.problems || []) {
      const input = this.inputs.get(p.key);
      if (!input) continue;
      if (input.row.closest("#advanced")) $("advanced").open = true;
      input.problem.textContent = p.message;
      input.problem.hidden = false;
      input.row.hidden = false;
      for (const c of input.controls) c.setAttribute("aria-invalid", "true");
    }
    this.showLesson();
    this.showClassroom();
    this.showPlatform();
  }

  // showCarried shows the result a link carries (or hides the panel).
  showCarried(c) {
    this.carried = c || null;
    $("carried").hidden = !c;
    if (!c) return;
    $("carried-build").textContent = c.build || "an unnamed build";
    const m = { accuracy: c.acc, fps: c.fps, latency_ms: c.latencyMs, energy: c.energy, edp: c.edp, dsp: c.dsp, bram18: c.bram18, area_mm2: c.area, feasible: c.feasible };
    $("carried-body").replaceChildren(
      el("p", { text: `Network: ${describeNet(c.ops, c.bits)} (${whole(c.macs)} MACs per image). Accelerator: ${(c.chunks || []).join("; ") || "none"}.` }),
      table(["metric", "carried"], metricRows(m)));
  }

  // verify compares a finished search with the result the link carried.
  verify(result) {
    const c = this.carried;
    const box = $("verify");
    box.hidden = !c;
    if (!c) return;
    const m = result.metrics;
    const diffs = [];
    const same = (what, a, b) => { if (a !== b) diffs.push(`${what}: carried ${a}, now ${b}`); };
    same("network", describeNet(c.ops, c.bits, " "), describeNet(result.network.ops, result.network.bits, " "));
    same("MACs", c.macs, result.network.macs);
    for (const [what, a, b] of [["accuracy", c.acc, m.accuracy], ["FPS", c.fps, m.fps], ["latency", c.latencyMs, m.latency_ms],
      ["energy", c.energy, m.energy], ["EDP", c.edp, m.edp], ["DSP", c.dsp, m.dsp], ["BRAM18", c.bram18, m.bram18]]) same(what, a, b);
    box.textContent = diffs.length === 0
      ? "✓ The search ran again here and gave exactly the result the link carried."
      : `✗ This run differs from the result the link carried (built by ${c.build || "?"}): ${diffs.join("; ")}.`;
    box.className = diffs.length === 0 ? "ok" : "problem";
  }

  async parse(fragment) {
    return this.core.request({ type: "parse", fragment });
  }

  // check re-reads the controls and has the worker check them: problems are
  // shown (and, when fatal, end in state error), otherwise the canonical
  // fragment goes into the address bar. It returns the parse, or null.
  async check(fatal) {
    const parsed = await this.parse(this.fragment());
    this.apply(parsed);
    if (parsed.problems && parsed.problems.length) {
      showError(problemText(parsed.problems), fatal);
      return null;
    }
    clearError();
    this.setURL(parsed.canonical);
    return parsed;
  }

  settingsChanged() {
    this.showCarried(null); // it described other settings
    return this.check(false);
  }

  setURL(canonical) {
    history.replaceState(null, "", "#" + canonical);
    $("share-url").value = location.href;
    this.markStale(canonical);
  }

  // markStale says so when the result on the page comes from settings
  // other than those of canonical (a link's configuration keys come first,
  // then the page's own keys).
  markStale(canonical) {
    const rc = this.resultConfig;
    $("results-stale").hidden = !rc || canonical === rc || canonical.startsWith(rc + "&");
  }

  // wireViewControls makes the buttons under the view drive it: the same
  // actions as its keys, for a mouse, a finger or the Tab key. The labels
  // follow the view's state.
  wireViewControls() {
    const viz = this.viz;
    const st = () => { try { return JSON.parse(viz.state()); } catch { return {}; } };
    const sync = () => {
      const s = st(), a = s.accelerator || {};
      $("vc-view").textContent = s.view === "search" ? "Show the accelerator" : "Show the search";
      $("vc-play").textContent = a.playing ? "Pause the layer" : "Play the layer";
      $("vc-play").setAttribute("aria-pressed", a.playing ? "true" : "false");
      const n = (a.layers || []).length;
      $("vc-layer").textContent = n ? `layer ${a.layer + 1} of ${n}: ${a.layerName}` : "—";
      const accel = s.view !== "search";
      for (const id of ["vc-play", "vc-step", "vc-prev", "vc-next", "vc-restart", "vc-speed"]) $(id).disabled = !accel;
    };
    const act = (id, f) => $(id).addEventListener("click", () => { f(st()); sync(); });
    act("vc-view", (s) => viz.setView(s.view === "search" ? "accelerator" : "search"));
    act("vc-play", (s) => (s.accelerator && s.accelerator.playing ? viz.pause() : viz.play()));
    act("vc-step", () => viz.step());
    act("vc-restart", () => viz.restart());
    const layer = (d) => (s) => {
      const n = (s.accelerator.layers || []).length;
      if (n) viz.selectLayer((s.accelerator.layer + d + n) % n);
    };
    act("vc-prev", layer(-1));
    act("vc-next", layer(1));
    $("vc-speed").addEventListener("change", () => { viz.setSpeed(Number($("vc-speed").value)); sync(); });
    $("vc-view").disabled = false;
    this.syncViewControls = sync;
    sync();
    setInterval(sync, 500); // the view's keys and the search change it too
  }

  // attachViz connects the accelerator view once it has started, and
  // brings it up to date: platform, motion preference, the last result.
  attachViz(dianViz, frame) {
    this.viz = dianViz;
    this.vizWindow = frame.contentWindow;
    this.showPlatform();
    this.applyMotion();
    if (this.resultJSON && typeof dianViz.showResult === "function") {
      try {
        const msg = dianViz.showResult(this.resultJSON);
        if (msg) console.warn("dianViz.showResult:", msg);
      } catch (err) { console.warn("dianViz.showResult:", err); }
    }
    this.wireViewControls();
    // Test hooks: what the canvas draws, in this page's CSS pixels.
    window.dianPEGrid = () => {
      const g = JSON.parse(dianViz.layout());
      const r = frame.getBoundingClientRect();
      g.cells = g.cells.map(([x, y, w, h]) => [x + r.left + frame.clientLeft, y + r.top + frame.clientTop, w, h]);
      return g;
    };
    // fps: frames the view presented over the last second; repaints: those
    // whose content changed (an unchanged view draws nothing).
    window.dianStats = {
      get fps() { return dianViz.fps(); },
      get frames() { return dianViz.frames(); },
      get repaints() { return JSON.parse(dianViz.state()).repaints; },
    };
  }

  // costModel names the model a result's per-layer figures come from.
  costModel(result) {
    const p = result.accelerator && this.platforms.get(result.accelerator.platform);
    return (p && p.costModel) || "the search's cost model";
  }

  showPlatform() {
    const name = this.inputs.get("platform").get();
    const p = this.platforms.get(name);
    if (this.viz && typeof this.viz.setPlatform === "function") {
      const msg = this.viz.setPlatform(name);
      if (msg) showError(msg, false);
    }
    if (!p) return;
    drawPreview(p);
    const facts = [["PE array", `${p.rows} × ${p.cols} = ${p.rows * p.cols} PEs`], ["Target", p.target.toUpperCase()], ["Clock", `${p.clockMHz} MHz`]];
    if (p.dsp) facts.push(["DSP slices", p.dsp]);
    if (p.bram18) facts.push(["BRAM18 blocks", p.bram18]);
    if (p.bufferKB) facts.push(["Global buffer", `${p.bufferKB} KB`]);
    if (p.techNM) facts.push(["Process", `${p.techNM} nm`]);
    $("platform-facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: String(v) })]));
  }

  // -- the view's numbers as text (the canvas is opaque to screen readers) --

  wireViewText() {
    const box = $("view-text");
    const draw = () => {
      if (!box.open || !this.viz || typeof this.viz.state !== "function") return;
      let st;
      try { st = JSON.parse(this.viz.state()); } catch { return; }
      const a = st.accelerator || {};
      const facts = [["Platform", a.platform], ["Chunk", a.chunkName], ["PE array", a.rows && `${a.rows} × ${a.cols}`],
        ["Dataflow", a.dataflow], ["Layer", a.layerName], ["Mapping from", a.mapping], ["Busy PEs", a.busyRows && `${a.busyRows} × ${a.busyCols}`],
        ["Loop-nest walk", a.cycles && `cycle ${whole(a.cycle)} of ${whole(a.cycles)}`],
        ["Loop-nest cycles (Timeloop's rules, as in the Timeloop download)", a.nestCycles && whole(a.nestCycles)],
        [`Cycles (${a.searchModel}, as in the per-layer table)`, a.searchModel && whole(a.searchCycles)],
        ["MACs", whole(a.macs)], ["Loop-nest energy (pJ)", num(a.energyPJ)],
        ["Loop", a.loopText]].filter(([, v]) => v !== undefined && v !== "" && v !== "—");
      const sys = a.systolic;
      if (sys) {
        facts.push(["Systolic schedule (SCALE-Sim)", `fold ${sys.fold + 1} of ${sys.folds}, cycle ${sys.foldCycle + 1} of ${sys.cyclesPerFold}` +
          ` (${whole(sys.cycle)} of ${whole(sys.cycles)} in all): ${sys.macs} PEs multiply; ${sys.stationary} held, ${sys.right} move right, ${sys.down} move down`]);
      }
      const parts = [el("dl", {}, ...facts.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: String(v) })]))];
      if (Array.isArray(a.counters) && a.counters.length) {
        parts.push(table(["level · operand", "reads", "fills", "updates", "model reads", "model fills", "model updates"],
          a.counters.map((c) => [`${c.level} · ${c.dataSpace}`, whole(c.reads), whole(c.fills), whole(c.updates), whole(c.modelReads), whole(c.modelFills), whole(c.modelUpdates)]),
          "Accesses per instance: walked so far and the model's total"));
      }
      $("view-text-body").replaceChildren(...parts);
    };
    box.addEventListener("toggle", draw);
    setInterval(draw, 1000);
  }

  // -- classroom: which settings a link locks or hides --

  buildClassroom() {
    const rows = this.keys.map((k) => {
      const box = (what) => {
        const c = el("input", { type: "checkbox", id: `${what}-${k.name}`, "aria-label": `${what} ${k.name}` });
        c.addEventListener("change", () => {
          const list = new Set(this.link[what]);
          if (c.checked) list.add(k.name); else list.delete(k.name);
          this.link[what] = this.keys.map((x) => x.name).filter((n) => list.has(n)); // canonical order
          this.settingsChanged();
        });
        return c;
      };
      return el("tr", {}, el("th", { scope: "row", text: k.name }), el("td", {}, box("lock")), el("td", {}, box("hide")));
    });
    $("classroom-table").replaceChildren(
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "setting" }), el("th", { scope: "col", text: "lock" }), el("th", { scope: "col", text: "hide" }))),
      el("tbody", {}, ...rows));
  }

  showClassroom() {
    for (const k of this.keys) {
      $(`lock-${k.name}`).checked = this.link.lock.includes(k.name);
      $(`hide-${k.name}`).checked = this.link.hide.includes(k.name);
    }
  }

  // -- lessons --

  buildLessons() {
    $("lessons").replaceChildren(...this.lessons.map((l) => el("li", {}, el("a", { href: "#" + l.fragment, text: l.title }))));
  }

  showLesson() {
    const l = this.lessons.find((x) => x.name === this.link.lesson);
    $("lesson").hidden = !l;
    if (!l) return;
    $("lesson-title").textContent = "Lesson: " + l.title;
    $("lesson-steps").replaceChildren(...l.steps.map((s) => el("li", { text: s })));
  }

  // -- running --

  wireButtons() {
    // The accelerator engine's distributions as text, beside the op
    // probabilities (the canvas draws them as bar charts).
    const hwBox = el("details", { id: "hw-box" },
      el("summary", { text: "Accelerator choices: the search engine's distribution per decision" }), el("div", { id: "hw" }));
    $("probs-box").after(hwBox);
    hwBox.addEventListener("toggle", () => { if (hwBox.open && this.latestHW) this.showHW(this.latestHW); });
    $("play").addEventListener("click", () => (this.search && this.search.paused ? this.control("resume") : this.start()));
    $("pause").addEventListener("click", () => this.control("pause"));
    $("step").addEventListener("click", () => (this.search ? this.control("step") : this.start({ paused: true })));
    $("restart").addEventListener("click", () => this.start());
    $("newseed").addEventListener("click", () => {
      const seed = crypto.getRandomValues(new Uint32Array(1))[0];
      this.inputs.get("seed").set(String(seed));
      this.start();
    });
    $("stop").addEventListener("click", () => this.control("stop"));
    $("resume-search").addEventListener("click", () => this.resumeKept());
    $("onnx-file").addEventListener("change", (e) => { if (e.target.files[0]) this.costONNX(e.target.files[0]); });
    document.addEventListener("dragover", (e) => { if ([...e.dataTransfer.items].some((i) => i.kind === "file")) e.preventDefault(); });
    document.addEventListener("drop", (e) => {
      const f = [...e.dataTransfer.files].find((x) => x.name.toLowerCase().endsWith(".onnx"));
      if (!f) return;
      e.preventDefault();
      this.costONNX(f);
    });
    $("discard-search").addEventListener("click", () => this.forgetCheckpoint());
    $("clear-kept").addEventListener("click", () => this.forgetAll());
    $("compare-run").addEventListener("click", () => this.compare());
    $("compare-stop").addEventListener("click", () => this.comparison.stop());
    for (const id of ["cmp-seeds", "cmp-lambdas"]) $(id).addEventListener("change", () => this.settingsChanged());
    $("share").addEventListener("click", () => this.share());
    $("probs-box").addEventListener("toggle", () => { if ($("probs-box").open && this.latest && this.latest.blocks > 0) this.showProbs(this.latest); });
    $("download").addEventListener("click", () => this.download(this.resultJSON, "dian-result.json"));
    $("download-design").addEventListener("click", () => this.download(this.designJSON, "design.json"));
    $("download-network").addEventListener("click", () => this.download(this.networkJSON, "network.json"));
    $("download-onnx").addEventListener("click", () => this.download(this.onnx, "network.onnx", "application/octet-stream"));
    for (const format of ["timeloop", "scalesim"]) {
      $("export-" + format).addEventListener("click", () => this.exportFiles(format));
    }
    const rm = $("reduced-motion");
    const media = window.matchMedia("(prefers-reduced-motion: reduce)");
    rm.checked = media.matches;
    const applyMotion = () => {
      document.body.classList.toggle("reduced-motion", rm.checked);
      if (this.viz && typeof this.viz.setReducedMotion === "function") this.viz.setReducedMotion(rm.checked);
    };
    rm.addEventListener("change", applyMotion);
    this.applyMotion = applyMotion;
    window.addEventListener("hashchange", () => this.open(location.hash));
    for (const id of ["play", "step", "restart", "newseed", "share", "compare-run"]) $(id).disabled = false;
  }

  buttons() {
    const s = this.search;
    const focused = document.activeElement;
    $("play").textContent = s && s.paused ? "Resume" : "Play";
    $("play").disabled = !!s && !s.paused;
    $("pause").disabled = !s || s.paused;
    $("stop").disabled = !s;
    // A button that just became disabled drops keyboard focus to the page:
    // hand it to the one that does the opposite.
    if (focused && focused.disabled) {
      const next = { play: "pause", pause: "play", stop: "play" }[focused.id];
      if (next && !$(next).disabled) $(next).focus();
    }
  }

  // open applies a fragment (the page's own, or one the address bar
  // changed to) and starts the search when it says run=1.
  async open(hash) {
    const parsed = await this.parse(hash);
    this.apply(parsed);
    this.showCarried(parsed.carried);
    if (parsed.problems && parsed.problems.length) {
      showError(problemText(parsed.problems), parsed.run);
      if (!parsed.run) setState(this.search ? "running" : "idle");
      $("share-url").value = location.href;
      return;
    }
    clearError();
    if (hash.replace(/^#/, "") !== "") this.setURL(parsed.canonical);
    else $("share-url").value = location.href + "#" + parsed.canonical;
    if (parsed.run || parsed.result || parsed.lesson) loadView();
    if (parsed.run && parsed.seeds) this.compare();
    else if (parsed.run) this.startOrResume(parsed.canonical);
    else if (!this.search) setState("idle");
  }

  // compare runs the comparison the settings and the seeds describe
  // (see compare.js).
  async compare() {
    if (!$("cmp-seeds").value.trim()) $("cmp-seeds").value = "1-3";
    const parsed = await this.check(true);
    if (!parsed) return;
    delete window.dianError;
    loadView();
    setState("running");
    $("compare-run").disabled = true;
    $("compare-stop").disabled = false;
    $("status").textContent = "Comparing…";
    try {
      const summary = await this.comparison.run(parsed.canonical);
      $("status").textContent = summary ? "Comparison done." : "Comparison stopped.";
      $("live").textContent = summary ? $("compare-finding").textContent : "Comparison stopped.";
      setState(summary ? "done" : "idle");
    } catch (err) {
      showError(err.problems && err.problems.length ? problemText(err.problems) : "The comparison failed: " + err.message, true);
      $("status").textContent = "The comparison failed.";
    } finally {
      $("compare-run").disabled = false;
      $("compare-stop").disabled = true;
    }
  }

  // start runs the search the settings describe; with resume (a kept
  // checkpoint of these same settings) it continues that search.
  async start({ paused = false, resume = null } = {}) {
    const parsed = await this.check(true);
    if (!parsed) return;
    delete window.dianResult;
    delete window.dianError;
    $("results").hidden = true;
    $("resume-offer").hidden = true;
    const s = { started: performance.now(), paused, lastStep: 0, lastTime: performance.now(), rate: 0, pausedAt: 0, idle: 0, resume };
    this.search = s;
    loadView();
    setState("running");
    $("status").textContent = resume ? `Resuming from step ${whole(resume.step)} of ${whole(resume.steps)}…` : "Loading the dataset…";
    window.dianResumedFrom = resume ? resume.step : 0;
    this.resetProgress();
    this.buttons();
    if (this.viz && typeof this.viz.setView === "function") this.viz.setView("search");
    const msg = { type: "search", fragment: parsed.canonical, paused };
    if (resume) msg.resume = resume.state;
    let helpers = [];
    try {
      helpers = await this.startHelpers(s, Number(parsed.values.shards || 1), msg);
    } catch (err) {
      helpers = []; // the search runs on the page's worker alone, with the same result
      delete msg.rank;
      delete msg.size;
      console.warn("helper workers:", err.message);
    }
    s.helpers = helpers;
    window.dianWorkersUsed = helpers.length + 1;
    if (helpers.length) $("status").textContent += ` Training on ${helpers.length + 1} workers.`;
    const promise = this.core.request(msg, (p, bytes) => this.progress(s, p, bytes), (c) => this.keepCheckpoint(s, parsed.canonical, c));
    s.id = this.core.nextID - 1;
    if (paused) {
      s.pausedAt = performance.now();
      $("status").textContent = "Paused at the first step. Step runs one iteration; Resume continues.";
    }
    let reply;
    try {
      reply = await promise;
    } catch (err) {
      for (const h of helpers) h.worker.terminate();
      if (this.search !== s) return; // replaced by a newer search
      this.search = null;
      this.buttons();
      if (s.helperError) {
        showError(`A helper worker failed (${s.helperError}); the search stopped. Running it again uses one worker less.`, true);
        this.maxWorkers = Math.max(1, helpers.length);
        setState("idle");
        return;
      }
      if (err.message === "search stopped") {
        $("status").textContent = "Stopped.";
        setState("idle");
        this.offerResume();
        return;
      }
      if (resume) this.forgetCheckpoint(); // it cannot be resumed here
      showError(err.problems && err.problems.length ? problemText(err.problems) : err.message, true);
      $("status").textContent = "The search failed.";
      return;
    }
    for (const h of helpers) h.worker.terminate();
    if (this.search !== s) return;
    this.search = null;
    this.buttons();
    this.finish(reply, s);
  }

  // startHelpers starts the workers that train a sharded search (shards >
  // 1) with the page's own: one per core the browser reports, at most one
  // per shard (window.dianWorkers overrides the count). No core is kept for
  // the page: while a search runs its thread uses about a tenth of one
  // (measured in headless Chromium on 2 cores, where 2 workers finished the
  // default search in 21–27 s against 32–38 s for 1; docs/METHOD.md §2.7b).
  // Each gets a MessagePort to the page's worker, which leads; msg is then
  // the leader's request. The result is the same whatever the number of
  // workers (core/search's Group), so this is about speed alone.
  async startHelpers(s, shards, msg) {
    const cores = Math.max(1, navigator.hardwareConcurrency || 2);
    const size = Math.min(shards, window.dianWorkers || cores, this.maxWorkers || Infinity);
    if (!(size > 1)) return [];
    const helpers = [];
    for (let k = 1; k < size; k++) {
      const h = new CoreWorker("worker.js");
      h.restarts = 3; // a helper that fails is not restarted: the search stops
      h.onStray = () => {};
      helpers.push(h);
    }
    try {
      await Promise.all([this.core.ready, ...helpers.map((h) => withTimeout(h.ready, "a helper worker"))]);
    } catch (err) {
      for (const h of helpers) h.worker.terminate();
      throw err;
    }
    const channels = helpers.map(() => new MessageChannel());
    this.core.worker.postMessage({ type: "peers", ports: channels.map((c) => c.port1) }, channels.map((c) => c.port1));
    helpers.forEach((h, k) => {
      h.worker.postMessage({ type: "peers", ports: [channels[k].port2] }, [channels[k].port2]);
      h.request({ ...msg, rank: k + 1, size }).catch((err) => {
        if (this.search !== s || s.helperError) return;
        s.helperError = err.message;
        this.control("stop");
      });
    });
    msg.rank = 0;
    msg.size = size;
    return helpers;
  }

  async control(action) {
    const s = this.search;
    if (!s) return;
    const reply = await this.core.request({ type: "control", action });
    if (this.search !== s) return;
    s.paused = reply.state === "paused";
    if (s.paused && !s.pausedAt) s.pausedAt = performance.now();
    if (!s.paused && s.pausedAt) { s.idle += performance.now() - s.pausedAt; s.pausedAt = 0; s.lastTime = performance.now(); }
    $("status").textContent = reply.state === "stopped" ? "Stopping…" : s.paused ? "Paused. Step runs one iteration; Resume continues." : "Running…";
    this.buttons();
  }

  resetProgress() {
    for (const id of ["p-phase", "p-step", "p-rate", "p-eta", "p-epoch", "p-acc", "p-loss", "p-tau", "p-lambda", "p-fps", "p-latency", "p-energy", "p-edp", "p-dsp", "p-path"]) $(id).textContent = "—";
    $("bar").value = 0;
    $("bar").textContent = "0 %";
    $("probs").replaceChildren();
    $("hw").replaceChildren();
    this.latest = null;
    this.latestHW = null;
    this.lastLive = 0;
    this.lastPhase = "";
  }

  // progress hands every event to the view and draws the latest one into
  // the DOM once per animation frame, so a burst of events costs one layout.
  progress(s, p, bytes) {
    if (this.search !== s) return;
    if (this.viz && typeof this.viz.pushProgress === "function") {
      // The bytes go over in the view's own Uint8Array: a typed array of this
      // window is not an instance of the iframe's Uint8Array.
      const Local = (this.vizWindow && this.vizWindow.Uint8Array) || Uint8Array;
      try {
        const msg = this.viz.pushProgress(new Local(bytes));
        if (msg && !this.vizWarned) { this.vizWarned = true; console.warn("dianViz.pushProgress:", msg); }
      } catch (err) { console.warn("dianViz.pushProgress:", err); }
    }
    const now = performance.now();
    if (p.step > s.lastStep && !s.paused) {
      const inst = (p.step - s.lastStep) / Math.max(1e-3, (now - s.lastTime) / 1000);
      s.rate = s.rate ? 0.7 * s.rate + 0.3 * inst : inst;
      s.lastStep = p.step;
      s.lastTime = now;
    }
    this.latest = p;
    if (p.hwRows && p.hwRows.length) this.latestHW = p;
    if (!this.drawPending) {
      this.drawPending = true;
      requestAnimationFrame(() => { this.drawPending = false; if (this.search === s) this.drawProgress(s, this.latest); });
    }
  }

  drawProgress(s, p) {
    const now = performance.now();
    const frac = p.steps ? p.step / p.steps : 0;
    const set = (id, text) => { const e = $(id); if (e.textContent !== text) e.textContent = text; };
    set("p-phase", p.phase);
    set("p-step", `${whole(p.step)} of ${whole(p.steps)} (${(100 * frac).toFixed(0)} %)`);
    set("p-rate", s.rate ? num(s.rate) : "—");
    set("p-eta", s.rate && p.steps ? duration((p.steps - p.step) / s.rate) : "—");
    // Events count epochs from 0 within their phase; people count from 1.
    const training = p.phase === "warmup" || p.phase === "search" || p.phase === "finetune";
    set("p-epoch", training ? `${p.epoch + 1} (${p.phase})` : "—");
    set("p-acc", pct(p.acc));
    set("p-loss", `${num(p.lossW)} / ${num(p.lossA)}`);
    set("p-tau", num(p.tau));
    set("p-lambda", num(p.lambda));
    if (p.hw) {
      set("p-fps", num(p.hw.fps));
      set("p-latency", num(p.hw.latencyMs) + " ms");
      set("p-energy", num(p.hw.energy));
      set("p-edp", num(p.hw.edp));
      set("p-dsp", `${whole(p.hw.dsp)} / ${whole(p.hw.bram18)}`);
    }
    if (p.path && p.path.length) set("p-path", describeNet(p.path, p.bits));
    $("bar").value = frac;
    set("bar", (100 * frac).toFixed(0) + " %");
    if (p.blocks > 0 && p.probs && $("probs-box").open) this.showProbs(p);
    if (this.latestHW && this.latestHW !== this.hwShown && $("hw-box").open) this.showHW(this.latestHW);
    if (!s.paused) set("status", `Running: ${p.phase}.`);
    // The live region speaks at phase changes and at most every 5 s.
    if (p.phase !== this.lastPhase || now - this.lastLive > 5000) {
      this.lastPhase = p.phase;
      this.lastLive = now;
      $("live").textContent = `${p.phase}: step ${p.step} of ${p.steps}, ${(100 * frac).toFixed(0)} percent` +
        (p.acc ? `, accuracy ${pct(p.acc)}` : "") + (p.hw ? `, ${num(p.hw.fps)} frames per second` : "");
    }
  }

  showProbs(p) {
    const f = new Float32Array(p.probs.buffer.slice(p.probs.byteOffset, p.probs.byteOffset + 4 * p.blocks * p.ops));
    const rows = [];
    for (let b = 0; b < p.blocks; b++) {
      const row = Array.from(f.subarray(b * p.ops, (b + 1) * p.ops));
      const best = row.indexOf(Math.max(...row));
      const width = p.bits && p.bits[b] > 0 ? [`${p.bits[b]}`] : p.bits ? ["—"] : [];
      rows.push([`block ${b + 1}`, ...row.map((x, i) => (i === best ? `${(100 * x).toFixed(1)} % ◆` : `${(100 * x).toFixed(1)} %`)), ...width]);
    }
    const head = ["block", ...Array.from({ length: p.ops }, (_, i) => `op ${i + 1}`), ...(p.bits ? ["bits of ◆"] : [])];
    $("probs").replaceChildren(table(head, rows, "Softmax of the architecture parameters: probability of each candidate op per block; ◆ marks the most likely"));
  }

  // showHW writes the accelerator engine's distribution as a table: a row
  // per decision, a cell per option with its probability (data-p holds the
  // float32 value, data-best marks the best design's option).
  showHW(p) {
    this.hwShown = p;
    const total = p.hwRows.reduce((a, k) => a + k, 0);
    if (!p.hwProbs || p.hwProbs.byteLength !== 4 * total || p.hwOptions.length !== total || p.hwDecisions.length !== p.hwRows.length) return;
    const f = new Float32Array(p.hwProbs.buffer.slice(p.hwProbs.byteOffset, p.hwProbs.byteOffset + 4 * total));
    const best = p.hwBest && p.hwBest.length === p.hwRows.length ? p.hwBest : null;
    let at = 0;
    const rows = p.hwRows.map((k, i) => {
      const cells = [];
      for (let j = 0; j < k; j++) {
        const isBest = best && best[i] === j;
        const td = el("td", { text: `${p.hwOptions[at + j]}: ${(100 * f[at + j]).toFixed(1)} %` + (isBest ? " ◆" : "") });
        td.dataset.p = String(f[at + j]);
        td.dataset.option = p.hwOptions[at + j];
        if (isBest) td.dataset.best = "true";
        cells.push(td);
      }
      at += k;
      const tr = el("tr", {}, el("th", { scope: "row", text: p.hwDecisions[i] }), ...cells);
      tr.dataset.decision = p.hwDecisions[i];
      return tr;
    });
    const kmax = Math.max(...p.hwRows);
    $("hw").replaceChildren(el("table", {},
      el("caption", { text: `The ${p.hwEngine} engine's probability of each option of each accelerator design decision; ◆ marks the current best design's choice` }),
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "decision" }), ...Array.from({ length: kmax }, (_, j) => el("th", { scope: "col", text: `option ${j + 1}` })))),
      el("tbody", {}, ...rows)));
  }

  finish(reply, s) {
    if (this.latest) this.drawProgress(s, this.latest);
    const result = JSON.parse(reply.json);
    window.dianResult = result;
    this.resultJSON = reply.json;
    this.networkJSON = reply.network;
    this.compact = reply.compact;
    this.onnx = reply.onnx && reply.onnx.length ? reply.onnx : null;
    $("download-onnx").disabled = !this.onnx;
    window.dianONNXBytes = this.onnx ? this.onnx.length : 0;
    this.resultConfig = result.config;
    this.markStale(location.hash.replace(/^#/, ""));
    $("share-with-result").disabled = !reply.compact;
    this.designJSON = result.accelerator ? JSON.stringify(result.accelerator, null, 2) + "\n" : "";
    $("download-design").disabled = !this.designJSON;
    this.enableExports(result.accelerator);
    const secs = (performance.now() - s.started - s.idle) / 1000;
    window.dianTiming = { seconds: secs, loadSeconds: reply.loadSeconds };
    $("status").textContent = `Done in ${duration(secs)} (search ${num(result.timing.total_s)} s in the worker).`;
    $("live").textContent = `Search done: accuracy ${pct(result.metrics.accuracy)}, ${num(result.metrics.fps)} frames per second.`;
    $("bar").value = 1;
    $("bar").textContent = "100 %";
    this.layerCycles = (result.layers || []).map((l) => l.cycles);
    renderResult(result, "", this.costModel(result));
    this.verify(result);
    $("results").hidden = false;
    this.forgetCheckpoint();
    this.keep(result, secs);
    if (this.viz && typeof this.viz.showResult === "function") {
      try {
        const msg = this.viz.showResult(reply.json);
        if (msg) console.warn("dianViz.showResult:", msg);
      } catch (err) { console.warn("dianViz.showResult:", err); }
    }
    setState("done");
  }

  // costONNX costs a network read from an ONNX model on the chosen
  // platform (the worker finds its best accelerator) and shows it as a
  // result, its layers playable in the accelerator view.
  async costONNX(file) {
    if (this.search) {
      $("status").textContent = "Stop the search first: the worker costs the model after it.";
      return;
    }
    const platform = this.inputs.get("platform").get();
    $("status").textContent = `Costing ${file.name} on ${platform}…`;
    let reply;
    try {
      const model = new Uint8Array(await file.arrayBuffer());
      reply = await this.core.request({ type: "cost", name: file.name, model, platform });
    } catch (err) {
      showError(`Costing ${file.name} failed: ${err.message}`, false);
      $("status").textContent = "Costing failed.";
      return;
    }
    const result = JSON.parse(reply.json);
    clearError();
    this.resultJSON = reply.json;
    this.networkJSON = reply.network;
    this.compact = "";
    this.onnx = null;
    this.resultConfig = null;
    $("results-stale").hidden = true;
    $("share-with-result").disabled = true;
    this.designJSON = result.accelerator ? JSON.stringify(result.accelerator, null, 2) + "\n" : "";
    $("download-design").disabled = !this.designJSON;
    $("download-onnx").disabled = true;
    this.enableExports(result.accelerator);
    this.layerCycles = (result.layers || []).map((l) => l.cycles);
    renderResult(result, file.name, this.costModel(result));
    $("results").hidden = false;
    if (this.viz && typeof this.viz.showCosted === "function") {
      try {
        const msg = this.viz.showCosted(reply.json);
        if (msg) console.warn("dianViz.showCosted:", msg);
      } catch (err) { console.warn("dianViz.showCosted:", err); }
      if (typeof this.viz.setView === "function") this.viz.setView("accelerator");
    }
    $("status").textContent = `Costed ${file.name}: ${reply.layers} layers, ${whole(reply.macs)} MACs per image, ${num(result.metrics.fps)} frames/s on ${platform}.`;
    window.dianCosted = { name: file.name, layers: reply.layers, macs: reply.macs, fps: result.metrics.fps };
  }

  // enableExports offers the exports a design can have: Timeloop's for any,
  // SCALE-Sim's only when every array is systolic (os, ws or is), saying
  // why on the button when not.
  enableExports(design) {
    const ok = !!this.designJSON && !!this.networkJSON;
    $("export-timeloop").disabled = !ok;
    const notSystolic = design ? design.chunks.filter((c) => !["os", "ws", "is"].includes(c.dataflow)).map((c) => `${c.name} (${c.dataflow})`) : [];
    $("export-scalesim").disabled = !ok || notSystolic.length > 0;
    $("export-scalesim").title = notSystolic.length
      ? `SCALE-Sim models output-, weight- and input-stationary arrays; this design has ${notSystolic.join(", ")}`
      : "SCALE-Sim's config and topology for every chunk";
  }

  // -- what the browser keeps (saved.js) --

  // keepCheckpoint stores a checkpoint the running search posted, so a
  // reload, a crash or a closed tab can resume it.
  keepCheckpoint(s, fragment, c) {
    const rec = { fragment: fragment.split("&").filter((kv) => kv !== "run=1").join("&"), step: c.step, steps: c.steps, savedAt: Date.now(), state: c.state };
    saveCheckpoint(rec).then(() => {
      s.checkpointed = true;
      window.dianCheckpoint = { step: c.step, steps: c.steps, bytes: c.state.length };
    }, (err) => this.cannotKeep(err));
  }

  cannotKeep(err) {
    if (this.keepWarned) return;
    this.keepWarned = true;
    console.warn("saving in this browser failed:", err);
    showError("This browser does not let the page keep data (" + (err && err.message ? err.message : err) + "): a search cannot be resumed after a reload.", false);
  }

  forgetCheckpoint() {
    $("resume-offer").hidden = true;
    delete window.dianCheckpoint;
    clearCheckpoint().catch((err) => this.cannotKeep(err));
  }

  // offerResume shows the kept checkpoint, if any, with Resume and Discard.
  async offerResume() {
    let rec;
    try { rec = await loadCheckpoint(); } catch (err) { this.cannotKeep(err); return; }
    if (!rec || this.search) return;
    const when = new Date(rec.savedAt).toLocaleTimeString();
    const settings = rec.fragment.split("&").filter((kv) => /^(dataset|platform|seed|epochs)=/.test(kv)).join(", ");
    $("resume-text").textContent = `A search (${settings}) stopped at step ${whole(rec.step)} of ${whole(rec.steps)}; its state was saved at ${when}. ` +
      "Resuming it reaches the result it would have reached uninterrupted. Starting another search replaces it.";
    $("resume-offer").hidden = false;
    window.dianResumeOffer = { step: rec.step, steps: rec.steps, fragment: rec.fragment };
  }

  // startOrResume runs a run=1 link: from its kept checkpoint when there is
  // one for these settings (a reload mid-search), else from the start.
  async startOrResume(canonical) {
    let rec = null;
    try { rec = await loadCheckpoint(); } catch (err) { this.cannotKeep(err); }
    const settings = canonical.split("&").filter((kv) => kv !== "run=1").join("&");
    await this.start(rec && rec.fragment === settings ? { resume: rec } : {});
  }

  async resumeKept() {
    let rec;
    try { rec = await loadCheckpoint(); } catch (err) { this.cannotKeep(err); return; }
    if (!rec) { $("resume-offer").hidden = true; return; }
    history.replaceState(null, "", "#" + rec.fragment);
    await this.open("#" + rec.fragment);
    await this.start({ resume: rec });
  }

  // keep adds a finished result to the ones this browser keeps and shows
  // them side by side.
  async keep(result, seconds) {
    const m = result.metrics;
    const summary = { config: result.config, ops: result.network.ops, bits: result.network.bits, accuracy: m.accuracy, fps: m.fps, latencyMs: m.latency_ms,
      energy: m.energy, edp: m.edp, seconds, at: Date.now() };
    try { this.showKept(await keepResult(summary)); } catch (err) { this.cannotKeep(err); }
  }

  // showKept draws the kept results as one table whose settings column
  // names only the keys in which they differ.
  showKept(list) {
    $("kept").hidden = list.length === 0;
    if (!list.length) return;
    const parsed = list.map((r) => new Map(r.config.split("&").map((kv) => kv.split("="))));
    const keys = [...parsed[0].keys()].filter((k) => k !== "v" && parsed.some((p) => p.get(k) !== parsed[0].get(k)));
    const shown = keys.length ? keys : ["dataset", "platform", "seed"];
    const rows = list.map((r, i) => el("tr", {},
      el("td", {}, el("a", { href: "#" + r.config, text: shown.map((k) => `${k}=${parsed[i].get(k)}`).join(", ") })),
      el("td", { text: describeNet(r.ops, r.bits, " ") }), el("td", { text: pct(r.accuracy) }), el("td", { text: num(r.fps) }),
      el("td", { text: num(r.latencyMs) }), el("td", { text: num(r.energy) }), el("td", { text: num(r.edp) }),
      el("td", { text: new Date(r.at).toLocaleTimeString() })));
    $("kept-body").replaceChildren(el("table", {},
      el("caption", { text: `The last ${MAX_RESULTS} finished searches in this browser, newest first; the settings column names the keys in which they differ (the link opens them)` }),
      el("thead", {}, el("tr", {}, ...["settings", "network", "accuracy", "FPS", "latency (ms)", "energy (model units)", "EDP (model units)", "finished"].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, ...rows)));
    window.dianKept = list.length;
  }

  async forgetAll() {
    try { await clearAll(); } catch (err) { this.cannotKeep(err); return; }
    $("resume-offer").hidden = true;
    this.showKept([]);
    delete window.dianCheckpoint;
    window.dianKept = 0;
    $("status").textContent = "Forgot the kept results and the saved search.";
  }

  // -- share and download --

  // shareURL is the address of the current settings and, when asked for
  // and still true of them, the last result.
  async shareURL() {
    const parsed = await this.parse(this.fragment());
    let canonical = parsed.canonical;
    const cfg = this.resultConfig;
    const fits = cfg && (canonical === cfg || canonical.startsWith(cfg + "&"));
    if ($("share-with-result").checked && this.compact && fits) {
      canonical = (await this.parse(this.fragment() + "&result=" + this.compact)).canonical;
    } else if ($("share-with-result").checked) {
      $("share-note").textContent = "The settings changed since the last result: the link carries the settings only.";
    }
    return location.href.split("#")[0] + "#" + canonical;
  }

  async share() {
    const url = await this.shareURL();
    $("share-url").value = url;
    try {
      await navigator.clipboard.writeText(url);
      $("share-note").textContent = "Link copied.";
    } catch {
      $("share-url").focus();
      $("share-url").select();
      $("share-note").textContent = "Copying is not allowed here: the link is selected, copy it with Ctrl+C (⌘C).";
    }
    window.dianShared = url;
  }

  // exportFiles asks the worker for the found design in another tool's
  // formats (the files dian export writes) and downloads them as a zip.
  // The file names are kept in window.dianExport for tests.
  async exportFiles(format) {
    if (!this.designJSON || !this.networkJSON) return;
    const button = $("export-" + format);
    button.disabled = true;
    try {
      const reply = await this.core.request({ type: "export", format, design: this.designJSON, network: this.networkJSON, cycles: this.layerCycles || [] });
      window.dianExport = { format, name: reply.name, bytes: reply.zip.length, table: reply.table };
      this.download(reply.zip, reply.name, "application/zip");
    } catch (err) {
      showError("Export to " + format + " failed: " + err.message, false);
    } finally {
      button.disabled = false;
    }
  }

  download(text, name, type = "application/json") {
    if (!text) return;
    const blob = new Blob([text], { type });
    const a = el("a", { href: URL.createObjectURL(blob), download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }
}

// ---- start-up -------------------------------------------------------------

// registerOffline installs sw.js, which keeps the site usable offline.
function registerOffline() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("sw.js").catch((err) => console.warn("offline use is not available:", err.message));
}

// The live view (page.wasm, the heaviest download: 2.4 MB with brotli) is
// fetched when it is wanted: at the first touch, click or key on the page,
// or when a search starts or a link carries a run, a result or a lesson.
// Until then a sketch of the platform's PE array stands in its place, so
// the first view is light and usable at once.
function loadView() {
  const frame = $("viz");
  if (!frame || frame.getAttribute("src")) return; // gone (a test measuring the page alone) or loading
  frame.src = "viz.html";
  window.dianViewRequested = performance.now() / 1000;
  $("preview-note").textContent = "Loading the live view…";
  setTimeout(() => {
    if (window.dianViz || window.dianVizError) return;
    $("viz-note").textContent = "The accelerator view is still loading; the search works without it.";
    $("viz-note").hidden = false;
  }, 15000);
}

// drawPreview sketches platform p's PE array on the stand-in canvas.
function drawPreview(p) {
  const canvas = $("preview-canvas");
  if (!p || !canvas || $("viz-preview").hidden) return;
  const box = canvas.getBoundingClientRect();
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(box.width * dpr));
  canvas.height = Math.max(1, Math.round(box.height * dpr));
  const g = canvas.getContext("2d");
  g.scale(dpr, dpr);
  g.fillStyle = "#f7f7f5";
  g.fillRect(0, 0, box.width, box.height);
  const pitch = Math.min((box.width - 32) / p.cols, (box.height - 32) / p.rows, 40);
  const x0 = (box.width - pitch * p.cols) / 2, y0 = (box.height - pitch * p.rows) / 2;
  g.fillStyle = "#c9d6df";
  for (let r = 0; r < p.rows; r++) {
    for (let c = 0; c < p.cols; c++) g.fillRect(x0 + c * pitch + 1, y0 + r * pitch + 1, pitch - 2, pitch - 2);
  }
  $("preview-caption").textContent = `${p.title}: ${p.rows} × ${p.cols} = ${p.rows * p.cols} processing elements (PEs)`;
  if (!window.dianFirstArraySeconds) window.dianFirstArraySeconds = performance.now() / 1000;
}

async function start() {
  registerOffline();
  const frame = $("viz");
  const viz = vizReady(frame);
  for (const type of ["pointerdown", "keydown", "touchstart"]) document.addEventListener(type, loadView, { capture: true, once: true, passive: true });
  $("load-view").addEventListener("click", loadView);
  const core = new CoreWorker("worker.js");
  await withTimeout(core.ready, "the co-search core");
  const [pong, keys] = await Promise.all([core.request({ type: "ping" }), core.request({ type: "keys" })]);
  window.dianWorkerPing = pong;
  const page = new Page(core, keys, pong.platforms);
  window.dianPage = page;
  // A running search keeps a checkpoint every few seconds (saved.js); until
  // it has one, and for a comparison, which keeps none, the browser asks
  // before the work is lost.
  window.addEventListener("beforeunload", (e) => {
    if (document.body.dataset.state === "running" && !(page.search && page.search.checkpointed)) e.preventDefault();
  });
  core.onStray = (msg) => showError("The co-search core refused a message: " + msg.message, false);
  core.onRestart = (reason) => showError(`The co-search core stopped (${reason}) and has been restarted: start the search again.`, false);
  $("build").textContent = `· core ${pong.version} (${pong.goVersion})`;

  // The page does not wait for the view: a search can start at once, and
  // the view joins when it has drawn its first frame and catches up with
  // the platform and any result.
  viz.then((dianViz) => {
    $("viz-note").hidden = true;
    $("viz-preview").hidden = true;
    page.attachViz(dianViz, frame);
    window.dianVizSeconds = performance.now() / 1000; // since the page was opened
  }).catch((err) => {
    // The search works without the view: say so and carry on.
    $("viz-note").textContent = "The accelerator view could not start: " + err.message;
    $("viz-note").hidden = false;
    window.dianVizError = err.message;
  });
  page.wireViewText();
  $("status").textContent = "Ready. Press Play to run a co-search here; it runs in a Web Worker, so the page stays responsive.";
  window.dianReadySeconds = performance.now() / 1000; // the controls work from here
  await page.open(location.hash);
  keptResults().then((list) => page.showKept(list), (err) => page.cannotKeep(err));
  page.offerResume();
}

start().catch((err) => { console.error(err); showError(err.message || String(err), true); });
