// A search's result as tables: the metrics beside the baselines, the
// network, the accelerator, the per-layer costs and how the search went.
import { $, el, num, whole, pct } from "./dom.js";

export function table(head, rows, caption) {
  const t = el("table");
  if (caption) t.append(el("caption", { text: caption }));
  t.append(el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col", text: h })))));
  t.append(el("tbody", {}, ...rows.map((r) => el("tr", {}, ...r.map((c, i) => (i === 0 ? el("th", { scope: "row", text: String(c) }) : el("td", { text: String(c) })))))));
  return t;
}

// describeNet writes a network's op per block, each with its width after a
// precision search ("k3_e6/4b · skip · k5_e3/8b"), as the command line does.
export function describeNet(ops, bits, sep = " · ") {
  return (ops || []).map((o, i) => (bits && bits[i] > 0 ? `${o}/${bits[i]}b` : o)).join(sep);
}

export function metricRows(m) {
  return [
    ["Accuracy", pct(m.accuracy)], ["FPS", num(m.fps)], ["Latency", num(m.latency_ms) + " ms"], ["Energy (16-bit MACs)", num(m.energy)],
    ["EDP (16-bit MACs × s)", num(m.edp)], ["DSP", whole(m.dsp)], ["BRAM18", whole(m.bram18)], ["Area", m.area_mm2 ? num(m.area_mm2) + " mm²" : "—"],
    ["Feasible", m.feasible ? "yes" : "no"],
  ];
}

function extents(x) {
  return x ? Object.entries(x).map(([k, v]) => `${k}=${v}`).join(" ") || "—" : "—";
}

function bytesText(b) { return b ? (b >= 1024 ? num(b / 1024) + " KB" : b + " B") : "—"; }

// DATAFLOWS say in words what stays in a PE under each dataflow.
const DATAFLOWS = {
  ws: "weight stationary: each PE keeps its weights while inputs stream past and partial sums move on",
  os: "output stationary: each PE keeps one output's partial sum while inputs and weights stream past",
  is: "input stationary: each PE keeps its inputs while weights stream past",
  rs: "row stationary (Eyeriss): each PE keeps a row of weights and slides it along a row of inputs",
};

// DIMS name the loop dimensions of a convolution.
const DIMS = { N: "images", K: "output channels", C: "input channels", P: "output rows", Q: "output columns", R: "filter rows", S: "filter columns" };

// chunkInWords says what a sub-accelerator's decisions mean.
function chunkInWords(c, layers) {
  const spread = Object.entries(c.unroll || {}).filter(([, v]) => v > 1).map(([k, v]) => `${v} ${DIMS[k] || k}`);
  const parts = [`${c.name}: ${c.rows} × ${c.cols} PEs, ${DATAFLOWS[c.dataflow] || c.dataflow}.`];
  if (spread.length) parts.push(`The array works on ${spread.join(" × ")} at once.`);
  const gb = c.tiles && c.tiles.gb;
  if (gb && Object.keys(gb).length) parts.push(`Its global buffer holds tiles of ${Object.entries(gb).map(([k, v]) => `${v} ${DIMS[k] || k}`).join(", ")}.`);
  parts.push(layers ? `It runs ${layers} layer${layers === 1 ? "" : "s"}.` : "It runs no layer.");
  return parts.join(" ");
}

// networkDiagram draws the derived network left to right: the stem, one
// box per block with its op and shape (a skipped block dashed), the head.
function networkDiagram(n) {
  const box = (title, detail, cls = "") => el("li", { class: "net-node " + cls }, el("strong", { text: title }), el("span", { text: detail }));
  const items = [box("stem", "3×3 convolutions" + (n.bits ? " · 8-bit" : ""))];
  n.blocks.forEach((b, i) => {
    const bits = n.bits && n.bits[i] > 0 ? ` · ${n.bits[i]}-bit` : "";
    items.push(box(`${b.name}: ${b.op}`, `${b.in} → ${b.out} ch · ${b.h}×${b.w}${b.stride > 1 ? " · stride " + b.stride : ""}${bits}`, b.op === "skip" ? "skip" : ""));
  });
  items.push(box("head", "1×1 conv, pool, classifier"));
  return el("ol", { class: "net-diagram", "aria-label": "The derived network, input to output" }, ...items);
}

// finalTrace sums up the final accelerator search's best cost over time:
// its first and last values and how far it fell (the whole list made the
// table thousands of pixels wide).
function finalTrace(t) {
  if (!t || !t.length) return "—";
  const first = t[0], last = t[t.length - 1];
  return t.length === 1 ? num(first) : `${num(first)} → ${num(last)} over ${t.length} checkpoints (${num(100 * (1 - last / first))} % lower)`;
}

// usedChunks says how many of the accelerator's sub-accelerators run a
// layer: a chunk the layer-to-chunk plan gives nothing idles.
function usedChunks(r) {
  const all = r.accelerator.chunks.length;
  const used = new Set((r.layers || []).map((l) => l.chunk)).size || all;
  return used === all ? `${all} sub-accelerator${all === 1 ? "" : "s"}` : `${used} of its ${all} sub-accelerators (the others run no layer)`;
}

// renderResult shows a search's result, or (costed set to the model's file
// name) a network read from an ONNX model and costed on its best
// accelerator: no search, no accuracy.
export function renderResult(r, costed = "", model = "the search's cost model") {
  const body = $("result-body");
  const m0 = r.metrics;
  $("summary").textContent = costed
    ? `Costed ${costed}: ${r.layers.length} layers, ${whole(r.network.macs)} MACs per image, ${num(m0.fps)} frames/s, EDP ${num(m0.edp)}` +
      (r.accelerator ? ` on ${usedChunks(r)} of ${r.accelerator.platform || "the platform"}, the best of ${whole(r.search.hw_evaluations)} designs the accelerator search tried.` : ".")
    : `Found ${describeNet(r.network.ops, r.network.bits)}: ${pct(m0.accuracy)} test accuracy at ${num(m0.fps)} frames/s, ` +
      `EDP ${num(m0.edp)}` + (r.accelerator ? ` on ${usedChunks(r)} of ${r.accelerator.platform || "the platform"}.` : ", with no feasible accelerator.");
  const parts = [];
  // Headline beside the baselines.
  const base = r.baselines || [];
  const head = ["metric", "co-search", ...base.map((b) => b.name)];
  const metrics = metricRows(r.metrics).filter(([k]) => !(costed && k === "Accuracy"));
  const bm = base.map((b) => metricRows(b.metrics));
  parts.push(el("h3", { text: "Metrics" }),
    table(head, metrics.map(([k, v], i) => [k, v, ...bm.map((m) => m[i][1])]), base.length ? "The co-search beside its baselines" : "The found network on its accelerator"));
  if (base.length) {
    parts.push(table(["baseline", "what it is", "network"], base.map((b) => [b.name, b.description, describeNet(b.network, b.bits)])));
  }
  // Network.
  const n = r.network;
  parts.push(el("h3", { text: `Network: ${whole(n.macs)} MACs per image, ${whole(n.params)} weights` }));
  if (n.blocks && n.blocks.length) {
    const widths = n.bits ? " The search also chose each op's bit-width (weights and activations quantized to that many bits, trained aware of it); " +
      "the stem, shortcuts and head stay at 8 bits." : "";
    parts.push(networkDiagram(n), el("p", { class: "hint", text: "Ops: kK_eE is an inverted-residual block (as in MobileNetV2): a 1×1 convolution widens the channels E times, " +
      "a K×K depthwise convolution filters each channel, a 1×1 convolution narrows them again; _g2 splits the 1×1 convolutions into 2 groups; " +
      "skip passes the input through unchanged (the block is left out)." + widths }),
    table(["block", "op", ...(n.bits ? ["bits"] : []), "channels in → out", "stride", "input", "MACs"],
      n.blocks.map((b, i) => [b.name, b.op, ...(n.bits ? [n.bits[i] > 0 ? n.bits[i] : "—"] : []), `${b.in} → ${b.out}`, b.stride, `${b.h}×${b.w}`, whole(b.macs)])));
  }
  // Accelerator.
  const d = r.accelerator;
  if (d) {
    parts.push(el("h3", { text: `Accelerator: ${d.name || "design"} on ${d.platform || "?"}, ${d.chunks.length} chunk(s)` }),
      table(["chunk", "array", "dataflow", "bits", "buffers RF / GB", "RF tile", "GB tile", "unroll", "layers"],
        d.chunks.map((c) => [c.name, `${c.rows}×${c.cols}`, c.dataflow, c.bits,
          `${bytesText(c.buffers && c.buffers.rf_bytes)} / ${bytesText(c.buffers && c.buffers.gb_bytes)}`,
          extents(c.tiles && c.tiles.rf), extents(c.tiles && c.tiles.gb), extents(c.unroll), (c.layers || []).join(" ") || (d.assign ? `by ${d.assign}` : "—")])));
    const runs = (i) => (r.layers || []).filter((l) => l.chunk === i).length;
    parts.push(el("ul", { class: "in-words" }, ...d.chunks.map((c, i) => el("li", { text: chunkInWords(c, runs(i)) }))));
  } else {
    parts.push(el("p", { text: "No feasible accelerator was found for this network on this platform." }));
  }
  // Layers.
  if (r.layers && r.layers.length) {
    const chunkName = (i) => (d && i >= 0 && d.chunks[i] ? d.chunks[i].name : "—");
    // Without a precision search a layer runs at its chunk's width.
    const chunkBits = (i) => (d && i >= 0 && d.chunks[i] ? `${d.chunks[i].bits} / ${d.chunks[i].bits}` : "—");
    const sum = (a) => (a || []).reduce((x, y) => x + y, 0);
    parts.push(el("h3", { text: `Per layer, as the ${model} costs it` }),
      el("p", { class: "hint", text: `Cycles and energy here are the ${model}'s, the figures the search optimised. ` +
        "The accelerator view also shows them for the layer it plays, beside the loop-nest model's count (Timeloop's rules) " +
        "for the same mapping, which the Timeloop download carries. The two models count different things, so their cycles differ." }),
      table(["layer", "chunk", "w / a bits", "MACs", `cycles (${model})`, "pipeline cycles", "DSP", "BRAM18", "DRAM words", "energy DRAM", "energy buffer", "energy RF", "energy MAC", "energy total"],
        r.layers.map((l) => [l.layer + (l.depthwise ? " (dw)" : "") + (l.modelled ? "" : " (not modelled)"), chunkName(l.chunk),
          l.w_bits ? `${l.w_bits} / ${l.a_bits}` : chunkBits(l.chunk), whole(l.macs), whole(l.cycles),
          whole(l.pipeline_cycles), whole(l.dsp), whole(l.bram18), whole(sum(l.dram_words)),
          num(sum(l.energy && l.energy.dram)), num(sum(l.energy && l.energy.buffer)), num(sum(l.energy && l.energy.rf)), num(l.energy && l.energy.mac), num(l.energy_total)])));
  }
  if (costed) {
    body.replaceChildren(...parts);
    return;
  }
  // Search.
  const s = r.search;
  parts.push(el("h3", { text: "Search" }),
    table(["budget", "value"], [["Training images the search ran on", whole(s.search_images)], ["Architecture steps", whole(s.arch_steps)], ["Accelerator evaluations", whole(s.hw_evaluations)],
      ["Final λ", num(s.final_lambda)], ["Target band", s.target_hi ? `${num(s.target_lo)} – ${num(s.target_hi)}` : "—"],
      ["Best cost during the final accelerator search", finalTrace(s.final_trace)],
      ["Configuration", r.config], ["Build", r.timing.build || "—"], ["Time in the worker", num(r.timing.total_s) + " s"]]));
  body.replaceChildren(...parts);
}
