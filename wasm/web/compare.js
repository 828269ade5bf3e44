// Compare mode: a link with seeds= is a comparison. The worker plans its
// searches (each a link of its own: the co-search and every baseline alone,
// for every seed and trade-off point), the page runs them on a pool of Web
// Workers, one per core the browser reports minus one for the page, and
// the worker summarises the finished runs as `dian sweep -json` does. The
// summary is drawn live: a table of means with 95 % intervals and the
// comparison with the co-search, and the accuracy–objective plane with each
// method's front and error bars. window.dianSweep holds the final summary.
import { $, el, num, pct, duration } from "./dom.js";
import { CoreWorker, withTimeout } from "./core.js";
import { table } from "./result.js";

// Okabe–Ito colours, one per method, with a marker shape each so nothing
// is told by colour alone.
const STYLE = {
  cosearch: { color: "#0072b2", shape: "circle", label: "co-search" },
  sequential: { color: "#d55e00", shape: "square", label: "sequential" },
  fixednet: { color: "#009e73", shape: "diamond", label: "fixed network" },
  fixedhw: { color: "#cc79a7", shape: "triangle", label: "fixed accelerator" },
  random: { color: "#e69f00", shape: "cross", label: "random" },
  // The co-search with another accelerator engine (engines=).
  "cosearch/reinforce": { color: "#56b4e9", shape: "square", label: "co-search, REINFORCE" },
  "cosearch/evolution": { color: "#56b4e9", shape: "diamond", label: "co-search, evolution" },
  "cosearch/gumbel": { color: "#000000", shape: "triangle", label: "co-search, Gumbel" },
  "cosearch/random": { color: "#000000", shape: "cross", label: "co-search, random engine" },
};

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  for (const c of children) if (c) e.append(c);
  return e;
}

// ci writes a summary as "mean [lo, hi]".
function ci(s, f = num) {
  if (!s || !s.n) return "—";
  return `${f(s.mean)} [${f(s.ci95[0])}, ${f(s.ci95[1])}]`;
}
const pctOnly = (x) => (100 * x).toFixed(2);
const pval = (p) => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));

export class Comparison {
  constructor(page) {
    this.page = page;
    this.pool = [];
    this.running = null;
  }

  // poolSize is how many workers run searches: one per core the browser
  // reports, minus one for the page, at least one.
  static poolSize(units) {
    return Math.max(1, Math.min(units, (navigator.hardwareConcurrency || 2) - 1, 16));
  }

  async run(fragment) {
    const core = this.page.core;
    const plan = await core.request({ type: "plan", fragment });
    const run = { fragment, plan, results: [], started: performance.now(), stopped: false };
    this.running = run;
    delete window.dianSweep;
    $("compare").hidden = false;
    $("compare-title").textContent = `Comparison: ${plan.methods.length} methods × ${plan.seeds.length} seeds × ${plan.points.length} trade-off point(s)`;
    $("compare-body").replaceChildren();
    // A method that ignores λ is searched once for all values of λ: the
    // summary copies that search to the unit of each point (unit.same).
    run.searches = plan.units.filter((u) => u.same === u.index);
    const n = Comparison.poolSize(run.searches.length);
    while (this.pool.length < n - 1) this.pool.push(new CoreWorker("worker.js"));
    const workers = [core, ...this.pool.slice(0, n - 1)];
    await Promise.all(workers.map((w) => withTimeout(w.ready, "a co-search worker")));
    window.dianCompareWorkers = workers.length;
    this.status(run);
    const queue = run.searches.slice();
    const work = async (w) => {
      for (let u = queue.shift(); u && !run.stopped; u = queue.shift()) {
        const t0 = performance.now();
        const reply = await w.request({ type: "search", fragment: u.fragment });
        run.results.push({ index: u.index, json: reply.json, seconds: (performance.now() - t0) / 1000 });
        this.status(run);
        this.summarizeSoon(run);
      }
    };
    try {
      await Promise.all(workers.map(work));
    } catch (err) {
      run.stopped = true;
      if (this.running === run) this.running = null;
      if (err.message === "search stopped") return null;
      throw err;
    }
    if (this.running !== run) return null;
    const summary = await this.summarize(run);
    this.running = null;
    window.dianSweep = summary;
    return summary;
  }

  // stop ends a running comparison: every worker's search is stopped.
  async stop() {
    const run = this.running;
    if (!run) return;
    run.stopped = true;
    this.running = null;
    await Promise.allSettled([this.page.core, ...this.pool].map((w) => w.request({ type: "control", action: "stop" })));
  }

  status(run) {
    const done = run.results.length, total = run.searches.length;
    const secs = (performance.now() - run.started) / 1000;
    const eta = done ? duration(secs / done * (total - done)) : "—";
    $("compare-status").textContent = `${done} of ${total} searches done on ${window.dianCompareWorkers || 1} worker(s), ${duration(secs)} so far` + (done < total ? `, about ${eta} to go.` : ".");
    const bar = $("compare-bar");
    bar.value = total ? done / total : 0;
    bar.textContent = `${Math.round(100 * bar.value)} %`;
  }

  // summarizeSoon redraws the summary at most once a second while runs
  // finish.
  summarizeSoon(run) {
    if (run.summarizing) { run.again = true; return; }
    run.summarizing = true;
    setTimeout(async () => {
      try { await this.summarize(run); } catch (err) { console.warn("summarize:", err); }
      run.summarizing = false;
      if (run.again && !run.stopped) { run.again = false; this.summarizeSoon(run); }
    }, 1000);
  }

  async summarize(run) {
    const runs = run.results.slice().sort((a, b) => a.index - b.index);
    const reply = await this.page.core.request({ type: "summarize", fragment: run.fragment, runs });
    const summary = JSON.parse(reply.json);
    this.render(summary);
    return summary;
  }

  render(s) {
    const methods = s.sweep.methods;
    const axis = s.sweep.reference.axis;
    const rows = methods.map((m) => {
      const x = s.summary[m];
      const v = x.vs_cosearch;
      return [STYLE[m] ? STYLE[m].label : m, `${x.feasible}/${x.runs}`, ci(x.accuracy, pctOnly), ci(x.fps), ci(x.hypervolume),
        v ? `${v.hypervolume.wins} of ${v.hypervolume.n}` : "—",
        v ? `${num(v.hypervolume.diff.mean)} [${num(v.hypervolume.diff.ci95[0])}, ${num(v.hypervolume.diff.ci95[1])}]` : "—",
        v ? `${pval(v.hypervolume.p_sign)} / ${pval(v.hypervolume.p_t)}` : "—"];
    });
    const t = table(["method", "feasible runs", "accuracy % [95 % CI]", "FPS [95 % CI]", `hypervolume [95 % CI]`,
      "co-search better (seeds)", "co-search − method, hypervolume", "p (sign / t)"], rows,
    `Means over seeds and trade-off points with 95 % intervals; hypervolume: the area each seed's front dominates above accuracy ${s.sweep.reference.accuracy} and 0 ${axis}`);
    t.id = "compare-table";
    $("compare-body").replaceChildren(this.plot(s), t, this.finding(s));
  }

  // finding says in words what the numbers show, whatever they show.
  finding(s) {
    const co = s.summary.cosearch;
    const parts = [];
    for (const m of s.sweep.methods) {
      const v = s.summary[m].vs_cosearch;
      if (!v || !v.hypervolume.n) continue;
      const h = v.hypervolume, name = STYLE[m] ? STYLE[m].label : m;
      const sig = h.p_sign < 0.05 || h.p_t < 0.05;
      const verdict = h.diff.mean > 0 ? (sig ? "ahead of" : "ahead of, but not clearly (the difference is within the noise),")
        : (sig ? "behind" : "behind, but not clearly (the difference is within the noise),");
      parts.push(`The co-search is ${verdict} ${name}: better on ${h.wins} of ${h.n} seeds, hypervolume ${num(co.hypervolume.mean)} against ${num(s.summary[m].hypervolume.mean)} (sign test p = ${pval(h.p_sign)}, paired t-test p = ${pval(h.p_t)}).`);
    }
    const p = el("p", { id: "compare-finding", text: parts.join(" ") || "No comparison with the co-search yet." });
    return p;
  }

  // plot draws accuracy against the objective axis: per method, each
  // trade-off point's mean with its 95 % intervals, joined into a front.
  plot(s) {
    const W = 640, H = 360, L = 64, R = 16, T = 16, B = 44;
    const axis = s.sweep.reference.axis;
    const pts = [];
    for (const m of s.sweep.methods) {
      for (const p of s.summary[m].points || []) {
        if (p.accuracy.n) pts.push(p.accuracy.ci95[0], p.accuracy.ci95[1]);
      }
    }
    const xs = [], ys = pts;
    for (const m of s.sweep.methods) for (const p of s.summary[m].points || []) if (p.objective.n) xs.push(p.objective.ci95[0], p.objective.ci95[1]);
    const span = (v, pad) => {
      let lo = Math.min(...v), hi = Math.max(...v);
      if (!isFinite(lo)) { lo = 0; hi = 1; }
      if (hi - lo < 1e-12) { lo -= 0.5 * Math.abs(lo || 1) * 0.01; hi += 0.5 * Math.abs(hi || 1) * 0.01; }
      const d = (hi - lo) * pad;
      return [lo - d, hi + d];
    };
    const [x0, x1] = span(xs.length ? xs : [0, 1], 0.08), [y0, y1] = span(ys.length ? ys : [0, 1], 0.12);
    const X = (v) => L + (v - x0) / (x1 - x0) * (W - L - R), Y = (v) => H - B - (v - y0) / (y1 - y0) * (H - T - B);
    const g = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img", id: "compare-plot",
      "aria-label": `Accuracy against ${axis} per method; means with 95 % intervals at each trade-off point` });
    g.append(svg("rect", { x: L, y: T, width: W - L - R, height: H - T - B, fill: "#fff", stroke: "#ccc" }));
    for (let i = 0; i <= 4; i++) {
      const xv = x0 + (x1 - x0) * i / 4, yv = y0 + (y1 - y0) * i / 4;
      g.append(svg("text", { x: X(xv), y: H - B + 16, "text-anchor": "middle", "font-size": 11 }, document.createTextNode(num(xv))));
      g.append(svg("text", { x: L - 6, y: Y(yv) + 4, "text-anchor": "end", "font-size": 11 }, document.createTextNode(pctOnly(yv))));
    }
    g.append(svg("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle", "font-size": 12 }, document.createTextNode(axis === "fps" ? "frames per second" : axis)));
    g.append(svg("text", { x: 14, y: (T + H - B) / 2, "text-anchor": "middle", "font-size": 12, transform: `rotate(-90 14 ${(T + H - B) / 2})` }, document.createTextNode("test accuracy %")));
    const marker = (shape, x, y, color) => {
      const r = 5;
      switch (shape) {
        case "square": return svg("rect", { x: x - r, y: y - r, width: 2 * r, height: 2 * r, fill: color });
        case "diamond": return svg("path", { d: `M${x} ${y - r - 1}L${x + r + 1} ${y}L${x} ${y + r + 1}L${x - r - 1} ${y}Z`, fill: color });
        case "triangle": return svg("path", { d: `M${x} ${y - r - 1}L${x + r + 1} ${y + r}L${x - r - 1} ${y + r}Z`, fill: color });
        case "cross": return svg("path", { d: `M${x - r} ${y - r}L${x + r} ${y + r}M${x - r} ${y + r}L${x + r} ${y - r}`, stroke: color, "stroke-width": 2.5 });
      }
      return svg("circle", { cx: x, cy: y, r, fill: color });
    };
    s.sweep.methods.forEach((m, mi) => {
      const st = STYLE[m] || { color: "#555", shape: "circle", label: m };
      const ps = (s.summary[m].points || []).filter((p) => p.accuracy.n && p.objective.n)
        .map((p) => ({ x: p.objective.mean, y: p.accuracy.mean, p })).sort((a, b) => a.x - b.x);
      const grp = svg("g", { "data-method": m });
      if (ps.length > 1) grp.append(svg("polyline", { points: ps.map((q) => `${X(q.x)},${Y(q.y)}`).join(" "), fill: "none", stroke: st.color, "stroke-width": 1.5, "stroke-dasharray": m === "cosearch" ? "" : "4 3" }));
      for (const q of ps) {
        const o = q.p.objective, a = q.p.accuracy;
        grp.append(svg("line", { x1: X(o.ci95[0]), x2: X(o.ci95[1]), y1: Y(q.y), y2: Y(q.y), stroke: st.color }));
        grp.append(svg("line", { x1: X(q.x), x2: X(q.x), y1: Y(a.ci95[0]), y2: Y(a.ci95[1]), stroke: st.color }));
        const mk = marker(st.shape, X(q.x), Y(q.y), st.color);
        mk.append(svg("title", {}, document.createTextNode(`${st.label}, ${q.p.point}: accuracy ${ci(a, pctOnly)} %, ${axis} ${ci(o)} (n = ${a.n})`)));
        grp.append(mk);
      }
      const ly = T + 14 + 16 * mi;
      grp.append(marker(st.shape, W - R - 120, ly - 4, st.color));
      grp.append(svg("text", { x: W - R - 110, y: ly, "font-size": 12 }, document.createTextNode(st.label)));
      g.append(grp);
    });
    return g;
  }
}
